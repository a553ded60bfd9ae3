// Vercel AI SDK generateText driven offline by MockLanguageModelV4: v7 `toolApproval` (allow,
// deny, approval both ways) and the v5/v6 `guardTools` wrapper of `execute`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateText, stepCountIs, tool } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'
import { z } from 'zod'
import { guardTools, toolApproval } from 'access-guardrails/ai-sdk'

const PRODUCTION_AGENT = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }
const USAGE = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
}

/** A model that answers each call with the next scripted turn (a list of SQL tool calls), then text. */
function scriptedModel(turns) {
  let i = 0
  return new MockLanguageModelV4({
    doGenerate: async () => {
      const calls = turns[i++]
      if (!calls) return { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage: USAGE, warnings: [] }
      return {
        content: calls.map(([toolCallId, query]) => ({ type: 'tool-call', toolCallId, toolName: 'run_sql', input: JSON.stringify({ query }) })),
        finishReason: { unified: 'tool-calls', raw: undefined },
        usage: USAGE,
        warnings: [],
      }
    },
  })
}

function sqlTools(ran) {
  return {
    run_sql: tool({
      description: 'Runs SQL on the billing database',
      inputSchema: z.object({ query: z.string() }),
      execute: async ({ query }) => {
        ran.push(query)
        return `ok: ${query}`
      },
    }),
  }
}

function parts(result, type) {
  return result.steps.flatMap((step) => step.content).filter((part) => part.type === type)
}

test('toolApproval: a safe call runs, a destructive one is denied without running', async () => {
  const ran = []
  const result = await generateText({
    model: scriptedModel([[['call_1', 'SELECT id FROM invoices WHERE id = 42'], ['call_2', 'DELETE FROM invoices']]]),
    tools: sqlTools(ran),
    toolApproval: toolApproval({ context: PRODUCTION_AGENT }),
    stopWhen: stepCountIs(3),
    prompt: 'tidy the invoices',
  })
  assert.deepEqual(ran, ['SELECT id FROM invoices WHERE id = 42'])
  assert.match(JSON.stringify(result.steps), /execution-denied/)
  assert.match(JSON.stringify(result.steps), /bulk-data-loss/)
  assert.equal(result.text, 'done')
})

async function approvalRun(approved) {
  const ran = []
  const tools = sqlTools(ran)
  const model = scriptedModel([[['call_9', 'ALTER TABLE users DROP COLUMN email']]])
  const options = { model, tools, toolApproval: toolApproval({ context: PRODUCTION_AGENT }), stopWhen: stepCountIs(3) }
  const first = await generateText({ ...options, prompt: 'drop the email column' })
  const [request] = parts(first, 'tool-approval-request')
  assert.ok(request, 'the loop stops with an approval request')
  assert.match(request.reason ?? '', /approval/)
  assert.deepEqual(ran, [], 'nothing runs before the decision')
  const messages = [
    { role: 'user', content: 'drop the email column' },
    ...first.response.messages,
    { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: request.approvalId, approved, reason: approved ? undefined : 'not today' }] },
  ]
  await generateText({ ...options, messages })
  return ran
}

test('toolApproval: an approved call runs', async () => {
  assert.deepEqual(await approvalRun(true), ['ALTER TABLE users DROP COLUMN email'])
})

test('toolApproval: a rejected call never runs', async () => {
  assert.deepEqual(await approvalRun(false), [])
})

test("toolApproval with onApproval: 'deny' refuses instead of asking", async () => {
  const approve = toolApproval({ context: PRODUCTION_AGENT, onApproval: 'deny' })
  const status = await approve({ toolCall: { toolCallId: 'c', toolName: 'run_sql', input: { query: 'ALTER TABLE users DROP COLUMN email' } } })
  assert.equal(status.type, 'denied')
  assert.match(status.reason, /No approval channel/)
  assert.equal(await approve({ toolCall: { toolCallId: 'd', toolName: 'run_sql', input: { query: 'SELECT 1' } } }), 'not-applicable')
})

test('guardTools (v5/v6): the wrapped execute runs a safe call and throws on a destructive one', async () => {
  const ran = []
  const result = await generateText({
    model: scriptedModel([[['call_1', 'SELECT id FROM invoices WHERE id = 42'], ['call_2', 'DELETE FROM invoices']]]),
    tools: guardTools(sqlTools(ran), { context: PRODUCTION_AGENT }),
    stopWhen: stepCountIs(3),
    prompt: 'tidy the invoices',
  })
  assert.deepEqual(ran, ['SELECT id FROM invoices WHERE id = 42'])
  const [error] = parts(result, 'tool-error')
  assert.equal(error.toolCallId, 'call_2')
  assert.equal(error.error.code, 'DENIED')
  assert.match(error.error.message, /bulk-data-loss/)
})

test('guardTools refuses a call that needs approval by default (v5 has no approval step)', async () => {
  const ran = []
  const tools = guardTools(sqlTools(ran), { context: PRODUCTION_AGENT })
  await assert.rejects(tools.run_sql.execute({ query: 'ALTER TABLE users DROP COLUMN email' }, { toolCallId: 'c', messages: [] }), {
    code: 'APPROVAL_REQUIRED',
  })
  assert.deepEqual(ran, [])
})

test("guardTools with onApproval: 'interrupt' refuses an unapproved call (v5: execute is called directly)", async () => {
  const ran = []
  const tools = guardTools(sqlTools(ran), { context: PRODUCTION_AGENT, onApproval: 'interrupt' })
  await assert.rejects(tools.run_sql.execute({ query: 'ALTER TABLE users DROP COLUMN email' }, { toolCallId: 'c1', messages: [] }), {
    code: 'APPROVAL_REQUIRED',
  })
  assert.deepEqual(ran, [])
})

test("guardTools with onApproval: 'interrupt' refuses when the app's toolApproval skips needsApproval (v7)", async () => {
  const ran = []
  const result = await generateText({
    model: scriptedModel([[['c1', 'ALTER TABLE users DROP COLUMN email']]]),
    tools: guardTools(sqlTools(ran), { context: PRODUCTION_AGENT, onApproval: 'interrupt' }),
    toolApproval: () => 'not-applicable',
    stopWhen: stepCountIs(3),
    prompt: 'drop the email column',
  })
  assert.deepEqual(ran, [])
  const [error] = parts(result, 'tool-error')
  assert.equal(error.error.code, 'APPROVAL_REQUIRED')
})

async function guardToolsApprovalRun(approved) {
  const ran = []
  const model = scriptedModel([[['c7', 'ALTER TABLE users DROP COLUMN email']]])
  const options = { model, tools: guardTools(sqlTools(ran), { context: PRODUCTION_AGENT, onApproval: 'interrupt' }), stopWhen: stepCountIs(3) }
  const first = await generateText({ ...options, prompt: 'drop the email column' })
  const [request] = parts(first, 'tool-approval-request')
  assert.ok(request, 'needsApproval stops the loop')
  assert.deepEqual(ran, [])
  const messages = [
    { role: 'user', content: 'drop the email column' },
    ...first.response.messages,
    { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: request.approvalId, approved }] },
  ]
  await generateText({ ...options, messages })
  return ran
}

test("guardTools with onApproval: 'interrupt' runs the call once it was approved, not when rejected", async () => {
  assert.deepEqual(await guardToolsApprovalRun(true), ['ALTER TABLE users DROP COLUMN email'])
  assert.deepEqual(await guardToolsApprovalRun(false), [])
})

test('guardTools: an approval of another call does not approve this one', async () => {
  const ran = []
  const tools = guardTools(sqlTools(ran), { context: PRODUCTION_AGENT, onApproval: 'interrupt' })
  const messages = [
    { role: 'assistant', content: [
      { type: 'tool-call', toolCallId: 'other', toolName: 'run_sql', input: { query: 'ALTER TABLE users DROP COLUMN email' } },
      { type: 'tool-approval-request', approvalId: 'ap1', toolCallId: 'other' },
    ] },
    { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: 'ap1', approved: true }] },
  ]
  await assert.rejects(tools.run_sql.execute({ query: 'ALTER TABLE users DROP COLUMN email' }, { toolCallId: 'mine', messages }), {
    code: 'APPROVAL_REQUIRED',
  })
  assert.deepEqual(ran, [])
})
