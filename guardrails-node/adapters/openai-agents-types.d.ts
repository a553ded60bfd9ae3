// The OpenAI Agents adapter's API, generic over the framework's types, so that openai-agents.d.ts
// (CommonJS) and openai-agents.d.mts (ESM) each bind it to the `@openai/agents` types their
// consumer's module system resolves.
import type { AdapterOptions } from '../index.js'

/**
 * What the `context` callback receives, the same in the guardrail and in `needsApproval`: the
 * run context (`runContext.context` is the app's context passed to `run`), the tool call and its
 * parsed input. `agent` is undefined in `needsApproval`, which the SDK calls without it.
 */
export interface Host<RunContext, Agent> {
  runContext: RunContext
  agent: Agent | undefined
  toolName: string
  callId: string | undefined
  input: unknown
}

/**
 * A tool input guardrail: allow, or `rejectContent(reason)` (the tool is skipped and the model
 * reads the reason). A call that needs approval passes only once approved through `needsApproval`;
 * with the runner's `toolExecution.preApprovalInputGuardrails`, the run before the approval step
 * lets it on to that step, and the guardrail runs again after approval.
 */
export type InputGuardrailFactory<H, Guardrail> = (options?: AdapterOptions<H> & { name?: string }) => Guardrail

/** A tool's `needsApproval`, true when the verdict for the call is require_approval. When the
 * call cannot be evaluated it does not ask (fail closed): the guardrail refuses it and says why. */
export type NeedsApproval<RunContext> = (runContext: RunContext, input: unknown, callId?: string) => Promise<boolean>
export type NeedsApprovalFactory<H, RunContext> = (toolName: string, options?: AdapterOptions<H>) => NeedsApproval<RunContext>

/** The tool's options with the guardrail added to `inputGuardrails` and `needsApproval` set. */
export type WithGuardrails<H, Guardrail, RunContext> = <T extends { name: string; inputGuardrails?: unknown[] }>(
  toolOptions: T,
  options?: AdapterOptions<H>,
) => T & { inputGuardrails: Guardrail[]; needsApproval: NeedsApproval<RunContext> }
