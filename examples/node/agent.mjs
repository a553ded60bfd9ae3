// An agent loop, offline: a scripted "model" asks for three tool calls; the guard lets the safe
// ones run and stops the destructive one before it reaches the database.
//
//   cd guardrails-node && npm ci && npx napi build --platform --release && node ../examples/node/agent.mjs
//
// In your project: import { Guard } from 'access-guardrails'
import { Guard } from '../../guardrails-node/index.mjs'

const guard = Guard.recommended()
const context = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }

const tools = {
  run_sql: ({ query }) => `ran: ${query}`,
}

// What a model might ask for; the second call would empty the invoices table.
const modelTurns = [
  { tool: 'run_sql', args: { query: 'SELECT id, total FROM invoices WHERE customer_id = 7' } },
  { tool: 'run_sql', args: { query: 'DELETE FROM invoices WHERE 1=1' } },
  { tool: 'run_sql', args: { query: 'DELETE FROM invoices WHERE id = 42' } },
]

let stopped = 0
for (const call of modelTurns) {
  const verdict = guard.evaluate({ kind: 'tool_call', tool: call.tool, args: call.args }, context)
  if (verdict.allowed) {
    console.log(`allow  ${call.args.query}\n       → ${tools[call.tool](call.args)}`)
  } else {
    stopped++
    // The model reads this as the tool's result and can change course.
    console.log(`${verdict.decision.padEnd(6)} ${call.args.query}\n       → not run: ${verdict.reason}`)
    console.log(`       audit: ${JSON.stringify(verdict.audit())}`)
  }
}
if (stopped !== 1) throw new Error(`expected the guard to stop exactly one call, stopped ${stopped}`)
