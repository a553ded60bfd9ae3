// The ESM entry's types: `@openai/agents` resolved as an ESM consumer resolves it, so the guardrail
// is the type that consumer's `tool()` takes (openai-agents.d.ts is the CommonJS twin).
import type { Agent, RunContext, ToolInputGuardrailDefinition } from '@openai/agents'
import type { AdapterOptions } from '../index.js'
import type * as api from './openai-agents-types.js'

export type OpenAIAgentsHost = api.Host<RunContext<any>, Agent<any, any>>
export type OpenAIAgentsOptions = AdapterOptions<OpenAIAgentsHost>
export declare const guardrailsInputGuardrail: api.InputGuardrailFactory<OpenAIAgentsHost, ToolInputGuardrailDefinition>
export declare const guardrailsNeedsApproval: api.NeedsApprovalFactory<OpenAIAgentsHost, RunContext<any>>
export declare const withGuardrails: api.WithGuardrails<OpenAIAgentsHost, ToolInputGuardrailDefinition, RunContext<any>>
