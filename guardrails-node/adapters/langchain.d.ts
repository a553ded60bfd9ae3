import type { AgentMiddleware } from 'langchain'
import type { AdapterOptions } from '../index.js'

/** The hook's request: the tool call and LangGraph's runtime. */
export interface ToolCallRequestLike {
  toolCall: { name: string; args: Record<string, unknown>; id?: string }
  runtime?: unknown
  state?: unknown
}

/**
 * LangChain.js 1.x middleware (`createMiddleware({ name, wrapToolCall })`): allow runs the tool;
 * deny returns an error ToolMessage without running it; require_approval calls LangGraph's
 * `interrupt()` (needs a checkpointer) and resumes on `{ type: 'approve' }` or
 * `{ type: 'reject', message? }`. Put it first in `middleware`.
 */
export declare function guardrailsMiddleware(options?: AdapterOptions<ToolCallRequestLike> & { name?: string }): AgentMiddleware
