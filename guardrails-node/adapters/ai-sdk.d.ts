import type { AdapterOptions } from '../index.js'

/** What a v7 `toolApproval` function returns. */
export type ToolApprovalStatus = 'not-applicable' | { type: 'denied'; reason: string } | { type: 'user-approval'; reason: string }

/**
 * AI SDK v7 `toolApproval` for generateText / streamText / ToolLoopAgent: allow → 'not-applicable',
 * deny → `{ type: 'denied', reason }`, require_approval → `{ type: 'user-approval', reason }`.
 */
export declare function toolApproval(
  options?: AdapterOptions,
): (request: { toolCall: { toolCallId: string; toolName: string; input: unknown } }) => Promise<ToolApprovalStatus>

/**
 * AI SDK v5/v6: each tool's `execute` wrapped; a refused call throws a GuardrailsError (the model
 * gets a tool-error). require_approval is refused (APPROVAL_REQUIRED) unless `onApproval:
 * 'interrupt'`, which sets the tool's `needsApproval` (v6; v7 when the call has no `toolApproval`)
 * and then runs the call only when the call options' `messages` hold an approved
 * `tool-approval-response` for its `toolCallId` — never on v5, which has no approval step.
 */
export declare function guardTools<TOOLS extends Record<string, object>>(tools: TOOLS, options?: AdapterOptions): TOOLS
