// The ESM entries' types (import through the `exports` map's `import` → `types` condition): the
// adapters' return values are the types the ESM builds of the frameworks take.
import { createAgent, fakeModel, tool as lcTool } from 'langchain'
import { MemorySaver } from '@langchain/langgraph'
import { Agent, tool as oaTool } from '@openai/agents'
import { z } from 'zod'
import { Guard, type Context } from 'access-guardrails'
import { guardrailsMiddleware } from 'access-guardrails/langchain'
import { guardrailsInputGuardrail, withGuardrails, type OpenAIAgentsHost } from 'access-guardrails/openai-agents'
import { guardTools, toolApproval } from 'access-guardrails/ai-sdk'
import { guardCallTool } from 'access-guardrails/mcp'

const context: Context = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }
const runSql = lcTool(async ({ query }: { query: string }) => query, {
  name: 'run_sql',
  description: 'sql',
  schema: z.object({ query: z.string() }),
})
export const agent = createAgent({
  model: fakeModel(),
  tools: [runSql],
  middleware: [guardrailsMiddleware({ context, guard: Guard.recommended() })],
  checkpointer: new MemorySaver(),
})

const parameters = z.object({ query: z.string() })
const fromRun = (host: OpenAIAgentsHost): Context => (host.runContext.context as { guard: Context }).guard
export const oaAgent = new Agent({
  name: 'billing',
  tools: [
    oaTool(withGuardrails({ name: 'run_sql', description: 'sql', parameters, execute: async ({ query }: { query: string }) => query }, { context: fromRun })),
    oaTool({ name: 'run_sql2', description: 'sql', parameters, execute: async ({ query }) => query, inputGuardrails: [guardrailsInputGuardrail({ context })] }),
  ],
})
export const adapters = [guardTools({}, { context }), toolApproval({ context }), guardCallTool(async () => ({ content: [] }))]
