// The CommonJS entries' types (require through the `exports` map's `require` → `types` condition).
import guardrails = require('access-guardrails')
import langchain = require('langchain')
import langgraph = require('@langchain/langgraph')
import zod = require('zod')
import lc = require('access-guardrails/langchain')

const verdict: guardrails.Verdict = guardrails.Guard.recommended().evaluate({ kind: 'shell', command: 'ls' })
export const decision: 'allow' | 'deny' | 'require_approval' = verdict.decision

const runSql = langchain.tool(async ({ query }: { query: string }) => query, {
  name: 'run_sql',
  description: 'sql',
  schema: zod.z.object({ query: zod.z.string() }),
})
export const agent = langchain.createAgent({
  model: langchain.fakeModel(),
  tools: [runSql],
  middleware: [lc.guardrailsMiddleware({ context: { environment: 'production' } })],
  checkpointer: new langgraph.MemorySaver(),
})
