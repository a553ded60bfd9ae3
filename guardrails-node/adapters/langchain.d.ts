import type { AgentMiddleware } from 'langchain'
import type { AdapterOptions } from '../index.js'

/** The hook's request: the tool call and LangGraph's runtime. */
export interface ToolCallRequestLike {
  toolCall: { name: string; args: Record<string, unknown>; id?: string }
  runtime?: unknown
  state?: unknown
}

export type LangChainGuardrailsOptions = AdapterOptions<ToolCallRequestLike> & { name?: string }

/**
 * LangChain.js 1.x middleware (`createMiddleware({ name, wrapToolCall })`): allow runs the tool;
 * deny returns an error ToolMessage without running it; require_approval calls LangGraph's
 * `interrupt()` (needs a checkpointer: without one the call is refused) and resumes on
 * `{ type: 'approve' }` or `{ type: 'reject', message? }`, answered per interrupt:
 * `new Command({ resume: { [interrupt.id]: answer } })`. A `new Command({ resume: answer })`
 * reaches every pending interrupt, so it counts only for the call its `tool_call_id` names, or
 * when a single call waits. Put it first in `middleware`.
 */
export declare function guardrailsMiddleware(options?: LangChainGuardrailsOptions): AgentMiddleware
