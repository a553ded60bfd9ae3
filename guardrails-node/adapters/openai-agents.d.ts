import type { ToolInputGuardrailDefinition } from '@openai/agents'
import type { AdapterOptions } from '../index.js'

/**
 * A tool input guardrail: allow, or `rejectContent(reason)` (the tool is skipped and the model
 * reads the reason). A call that needs approval passes only once approved through `needsApproval`.
 */
export declare function guardrailsInputGuardrail(options?: AdapterOptions & { name?: string }): ToolInputGuardrailDefinition

/** A tool's `needsApproval`: true when the verdict for this call is require_approval. */
export declare function guardrailsNeedsApproval(
  toolName: string,
  options?: AdapterOptions,
): (runContext: unknown, input: unknown, callId?: string) => Promise<boolean>

/** The tool's options with the guardrail added to `inputGuardrails` and `needsApproval` set. */
export declare function withGuardrails<T extends { name: string; inputGuardrails?: unknown[] }>(
  toolOptions: T,
  options?: AdapterOptions,
): T & { inputGuardrails: ToolInputGuardrailDefinition[]; needsApproval: ReturnType<typeof guardrailsNeedsApproval> }
