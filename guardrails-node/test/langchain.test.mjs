// A LangChain.js 1.x agent driven offline by a scripted model: the guard middleware lets a safe
// call run, refuses a destructive one without running it, and interrupts for approval.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AIMessage, createAgent, fakeModel, tool, ToolMessage } from 'langchain'
import { Command, MemorySaver } from '@langchain/langgraph'
import { z } from 'zod'
import { guardrailsMiddleware } from 'access-guardrails/langchain'

const PRODUCTION_AGENT = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }

function sqlTool(ran) {
  return tool(
    async ({ query }) => {
      ran.push(query)
      return `ok: ${query}`
    },
    { name: 'run_sql', description: 'Runs SQL on the billing database', schema: z.object({ query: z.string() }) },
  )
}

/** An agent whose model asks for `calls` (SQL by call id), then says "done"; `ran` records what ran. */
function scriptedAgent(calls, middlewareOptions, extra = {}) {
  const ran = []
  const model = fakeModel()
    .respondWithTools(Object.entries(calls).map(([id, query]) => ({ name: 'run_sql', args: { query }, id })))
    .respond(new AIMessage('done'))
  const agent = createAgent({ model, tools: [sqlTool(ran)], middleware: [guardrailsMiddleware(middlewareOptions)], ...extra })
  return { agent, ran }
}

function toolMessages(result) {
  return result.messages.filter((m) => ToolMessage.isInstance(m))
}

test('a safe call runs and a destructive one is refused without running', async () => {
  const { agent, ran } = scriptedAgent(
    { call_1: 'SELECT id FROM invoices WHERE id = 42', call_2: 'DELETE FROM invoices' },
    { context: PRODUCTION_AGENT },
  )
  const result = await agent.invoke({ messages: [{ role: 'user', content: 'tidy the invoices' }] })
  assert.deepEqual(ran, ['SELECT id FROM invoices WHERE id = 42'])
  const [safe, refused] = toolMessages(result)
  assert.equal(safe.status, 'success')
  assert.equal(refused.status, 'error')
  assert.equal(refused.tool_call_id, 'call_2')
  assert.equal(refused.name, 'run_sql')
  assert.match(String(refused.content), /bulk-data-loss/)
})

async function approvalRun(resume) {
  const { agent, ran } = scriptedAgent(
    { call_9: 'ALTER TABLE users DROP COLUMN email' },
    { context: PRODUCTION_AGENT },
    { checkpointer: new MemorySaver() },
  )
  const config = { configurable: { thread_id: `approval-${resume.type}` } }
  const first = await agent.invoke({ messages: [{ role: 'user', content: 'drop the email column' }] }, config)
  const [pending] = first.__interrupt__
  assert.equal(pending.value.type, 'guardrails_approval')
  assert.equal(pending.value.tool_call_id, 'call_9')
  assert.match(pending.value.reason, /approval/)
  assert.deepEqual(ran, [], 'nothing runs before the decision')
  const second = await agent.invoke(new Command({ resume }), config)
  return { ran, messages: toolMessages(second) }
}

test('approval: approve resumes and runs the tool', async () => {
  const { ran, messages } = await approvalRun({ type: 'approve' })
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN email'])
  assert.equal(messages.at(-1).status, 'success')
})

test('approval: reject resumes with an error ToolMessage and the tool never runs', async () => {
  const { ran, messages } = await approvalRun({ type: 'reject', message: 'not today' })
  assert.deepEqual(ran, [])
  assert.equal(messages.at(-1).status, 'error')
  assert.equal(messages.at(-1).content, 'not today')
})

test("onApproval: 'deny' refuses a call that needs approval", async () => {
  const { agent, ran } = scriptedAgent({ c: 'ALTER TABLE users DROP COLUMN email' }, { context: PRODUCTION_AGENT, onApproval: 'deny' })
  const result = await agent.invoke({ messages: [{ role: 'user', content: 'go' }] })
  assert.deepEqual(ran, [])
  assert.match(String(toolMessages(result)[0].content), /No approval channel/)
})

test('fail closed: a context callback that throws refuses the call', async () => {
  const context = () => {
    throw new Error('no session')
  }
  const { agent, ran } = scriptedAgent({ c: 'SELECT 1' }, { context })
  const result = await agent.invoke({ messages: [{ role: 'user', content: 'go' }] })
  assert.deepEqual(ran, [])
  assert.match(String(toolMessages(result)[0].content), /could not evaluate.*no session/)
})
