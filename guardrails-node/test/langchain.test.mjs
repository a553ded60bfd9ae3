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

function twoApprovalsAgent() {
  return scriptedAgent(
    { c1: 'ALTER TABLE users DROP COLUMN email', c2: 'ALTER TABLE users DROP COLUMN phone' },
    { context: PRODUCTION_AGENT },
    { checkpointer: new MemorySaver() },
  )
}

test('two parallel approvals: resume by interrupt id approves one and rejects the other', async () => {
  const { agent, ran } = twoApprovalsAgent()
  const config = { configurable: { thread_id: 'two-by-id' } }
  const first = await agent.invoke({ messages: [{ role: 'user', content: 'drop two columns' }] }, config)
  assert.equal(first.__interrupt__.length, 2)
  const byCall = Object.fromEntries(first.__interrupt__.map((i) => [i.value.tool_call_id, i.id]))
  const second = await agent.invoke(
    new Command({ resume: { [byCall.c1]: { type: 'approve' }, [byCall.c2]: { type: 'reject', message: 'keep the phone' } } }),
    config,
  )
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN email'])
  const messages = Object.fromEntries(toolMessages(second).map((m) => [m.tool_call_id, m]))
  assert.equal(messages.c1.status, 'success')
  assert.equal(messages.c2.status, 'error')
  assert.equal(messages.c2.content, 'keep the phone')
})

test('two parallel approvals: answering one interrupt by id leaves the other pending', async () => {
  const { agent, ran } = twoApprovalsAgent()
  const config = { configurable: { thread_id: 'two-one-answered' } }
  const first = await agent.invoke({ messages: [{ role: 'user', content: 'drop two columns' }] }, config)
  const c1 = first.__interrupt__.find((i) => i.value.tool_call_id === 'c1')
  const second = await agent.invoke(new Command({ resume: { [c1.id]: { type: 'approve' } } }), config)
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN email'])
  assert.deepEqual(second.__interrupt__.map((i) => i.value.tool_call_id), ['c2'])
})

test('two parallel approvals: one broadcast approve approves neither', async () => {
  const { agent, ran } = twoApprovalsAgent()
  const config = { configurable: { thread_id: 'two-broadcast' } }
  await agent.invoke({ messages: [{ role: 'user', content: 'drop two columns' }] }, config)
  const second = await agent.invoke(new Command({ resume: { type: 'approve' } }), config)
  assert.deepEqual(ran, [])
  for (const message of toolMessages(second)) {
    assert.equal(message.status, 'error')
    assert.match(String(message.content), /not for this call/)
  }
})

test('two parallel approvals: a broadcast answer naming a tool_call_id approves only that call', async () => {
  const { agent, ran } = twoApprovalsAgent()
  const config = { configurable: { thread_id: 'two-named' } }
  await agent.invoke({ messages: [{ role: 'user', content: 'drop two columns' }] }, config)
  const second = await agent.invoke(new Command({ resume: { type: 'approve', tool_call_id: 'c2' } }), config)
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN phone'])
  const messages = Object.fromEntries(toolMessages(second).map((m) => [m.tool_call_id, m.status]))
  assert.deepEqual(messages, { c1: 'error', c2: 'success' })
})

test('approval without a checkpointer refuses the call with a readable message instead of aborting', async () => {
  const { agent, ran } = scriptedAgent({ c: 'ALTER TABLE users DROP COLUMN email' }, { context: PRODUCTION_AGENT })
  const result = await agent.invoke({ messages: [{ role: 'user', content: 'go' }] })
  assert.deepEqual(ran, [])
  const [message] = toolMessages(result)
  assert.equal(message.status, 'error')
  assert.match(String(message.content), /checkpointer/)
})
