import type { AdapterOptions, Verdict } from '../index.js'

export interface CallToolRequestLike {
  params: { name: string; arguments?: Record<string, unknown> }
}

export interface McpGuardOptions<R extends CallToolRequestLike, X> extends AdapterOptions<{ request: R; extra: X }> {
  /** With `onApproval: 'interrupt'`: asks a person (e.g. by elicitation); true runs the tool. */
  approve?: (call: { verdict: Verdict; request: R; extra: X }) => boolean | Promise<boolean>
}

/**
 * Wraps an MCP server's `tools/call` handler: a refused call returns
 * `{ content: [{ type: 'text', text: reason }], isError: true }` without calling the handler.
 */
export declare function guardCallTool<R extends CallToolRequestLike, X, T>(
  handler: (request: R, extra: X) => T | Promise<T>,
  options?: McpGuardOptions<R, X>,
): (request: R, extra: X) => Promise<T | { content: { type: 'text'; text: string }[]; isError: true }>
