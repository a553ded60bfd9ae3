// The ESM entry's types: `langchain` resolved as an ESM consumer resolves it, so the middleware
// is the type that consumer's `createAgent` takes (langchain.d.ts is the CommonJS twin).
import type { AgentMiddleware } from 'langchain'
import type { LangChainGuardrailsOptions } from './langchain.js'

export type { LangChainGuardrailsOptions, ToolCallRequestLike } from './langchain.js'

/** See langchain.d.ts. */
export declare function guardrailsMiddleware(options?: LangChainGuardrailsOptions): AgentMiddleware
