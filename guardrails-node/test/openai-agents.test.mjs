// An OpenAI Agents JS run driven offline by a scripted model: the tool input guardrail lets a safe
// call run and rejects a destructive one; `needsApproval` stops the run for approval, both ways.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, Runner, tool, Usage } from '@openai/agents'
import { z } from 'zod'
import { guardrailsInputGuardrail, withGuardrails } from 'access-guardrails/openai-agents'

const PRODUCTION_AGENT = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }

/** A model that answers with the scripted turns, one per call, then "done". */
function scriptedModel(turns) {
  let i = 0
  const respond = (output) => ({ usage: new Usage(), output, responseId: `resp_${i}` })
  return {
    async getResponse() {
      const calls = turns[i++]
      if (!calls) {
        return respond([
          { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done' }] },
        ])
      }
      return respond(
        calls.map(([callId, query]) => ({
          type: 'function_call',
          name: 'run_sql',
          callId,
          status: 'completed',
          arguments: JSON.stringify({ query }),
        })),
      )
    },
    async *getStreamedResponse() {
      throw new Error('not scripted')
    },
  }
}

function sqlTool(ran, guard) {
  const options = {
    name: 'run_sql',
    description: 'Runs SQL on the billing database',
    parameters: z.object({ query: z.string() }),
    execute: async ({ query }) => {
      ran.push(query)
      return `ok: ${query}`
    },
  }
  return tool(guard(options))
}

function outputsOf(result) {
  return result.newItems.filter((item) => item.type === 'tool_call_output_item').map((item) => item.output)
}

test('a safe call runs and a destructive one is rejected without running', async () => {
  const ran = []
  const guardrail = guardrailsInputGuardrail({ context: PRODUCTION_AGENT })
  const agent = new Agent({
    name: 'billing',
    model: scriptedModel([[['call_1', 'SELECT id FROM invoices WHERE id = 42'], ['call_2', 'DELETE FROM invoices']]]),
    tools: [sqlTool(ran, (o) => ({ ...o, inputGuardrails: [guardrail] }))],
  })
  const result = await new Runner({ tracingDisabled: true }).run(agent, 'tidy the invoices')
  assert.deepEqual(ran, ['SELECT id FROM invoices WHERE id = 42'])
  const outputs = outputsOf(result)
  assert.equal(outputs.length, 2)
  assert.match(JSON.stringify(outputs[1]), /bulk-data-loss/)
  assert.equal(result.finalOutput, 'done')
})

async function approvalRun(approve) {
  const ran = []
  const agent = new Agent({
    name: 'billing',
    model: scriptedModel([[['call_9', 'ALTER TABLE users DROP COLUMN email']]]),
    tools: [sqlTool(ran, (o) => withGuardrails(o, { context: PRODUCTION_AGENT }))],
  })
  const runner = new Runner({ tracingDisabled: true })
  const first = await runner.run(agent, 'drop the email column')
  assert.equal(first.interruptions.length, 1)
  assert.equal(first.interruptions[0].name, 'run_sql')
  assert.deepEqual(ran, [], 'nothing runs before the decision')
  const state = first.state
  if (approve) state.approve(first.interruptions[0])
  else state.reject(first.interruptions[0], { message: 'not today' })
  const second = await runner.run(agent, state)
  return { ran, outputs: outputsOf(second) }
}

test('approval: approve runs the tool', async () => {
  const { ran } = await approvalRun(true)
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN email'])
})

test('approval: reject returns the message and the tool never runs', async () => {
  const { ran, outputs } = await approvalRun(false)
  assert.deepEqual(ran, [])
  assert.match(JSON.stringify(outputs), /not today/)
})

test('the guardrail alone never lets an unapproved call that needs approval through', async () => {
  const ran = []
  const guardrail = guardrailsInputGuardrail({ context: PRODUCTION_AGENT })
  const agent = new Agent({
    name: 'billing',
    model: scriptedModel([[['call_3', 'ALTER TABLE users DROP COLUMN email']]]),
    tools: [sqlTool(ran, (o) => ({ ...o, inputGuardrails: [guardrail] }))],
  })
  const result = await new Runner({ tracingDisabled: true }).run(agent, 'go')
  assert.deepEqual(ran, [])
  assert.match(JSON.stringify(outputsOf(result)), /approval/)
})

test('the context callback gets one host shape in the guardrail and in needsApproval', async () => {
  const ran = []
  const hosts = []
  const context = (host) => {
    hosts.push({ keys: Object.keys(host).sort(), toolName: host.toolName, callId: host.callId, input: host.input })
    return host.runContext.context.guardContext
  }
  const agent = guardedAgent(ran, 'call_5', 'ALTER TABLE users DROP COLUMN email', { context })
  const runner = new Runner({ tracingDisabled: true })
  const first = await runner.run(agent, 'go', { context: { guardContext: PRODUCTION_AGENT } })
  assert.equal(first.interruptions.length, 1, 'needsApproval read the run context and asked')
  first.state.approve(first.interruptions[0])
  await runner.run(agent, first.state, { context: { guardContext: PRODUCTION_AGENT } })
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN email'])
  const shapes = new Set(hosts.map((h) => JSON.stringify(h.keys)))
  assert.deepEqual([...shapes], [JSON.stringify(['agent', 'callId', 'input', 'runContext', 'toolName'])])
  for (const host of hosts) {
    assert.equal(host.toolName, 'run_sql')
    assert.equal(host.callId, 'call_5')
    assert.deepEqual(host.input, { query: 'ALTER TABLE users DROP COLUMN email' })
  }
})

test('a context callback that throws: nothing is asked, and the refusal says why', async () => {
  const ran = []
  const context = () => {
    throw new Error('no session')
  }
  const agent = guardedAgent(ran, 'call_6', 'ALTER TABLE users DROP COLUMN email', { context })
  const result = await new Runner({ tracingDisabled: true }).run(agent, 'go')
  assert.equal(result.interruptions?.length ?? 0, 0)
  assert.deepEqual(ran, [])
  const text = JSON.stringify(outputsOf(result))
  assert.match(text, /could not evaluate.*no session/)
  assert.doesNotMatch(text, /No approval channel/)
})

/** An agent whose model makes the one SQL call `query` to a tool set up by withGuardrails(options). */
function guardedAgent(ran, callId, query, options) {
  return new Agent({
    name: 'billing',
    model: scriptedModel([[[callId, query]]]),
    tools: [sqlTool(ran, (o) => withGuardrails(o, options))],
  })
}

test('preApprovalInputGuardrails: the guardrail lets the call on to approval, and it runs once approved', async () => {
  const ran = []
  const agent = guardedAgent(ran, 'call_7', 'ALTER TABLE users DROP COLUMN email', { context: PRODUCTION_AGENT })
  const runner = new Runner({ tracingDisabled: true, toolExecution: { preApprovalInputGuardrails: true } })
  const first = await runner.run(agent, 'go')
  assert.equal(first.interruptions.length, 1)
  assert.deepEqual(ran, [])
  first.state.approve(first.interruptions[0])
  await runner.run(agent, first.state)
  assert.deepEqual(ran, ['ALTER TABLE users DROP COLUMN email'])
})

test('preApprovalInputGuardrails: a destructive call is refused before anyone is asked', async () => {
  const ran = []
  const agent = guardedAgent(ran, 'call_8', 'DELETE FROM invoices', { context: PRODUCTION_AGENT })
  const result = await new Runner({ tracingDisabled: true, toolExecution: { preApprovalInputGuardrails: true } }).run(agent, 'go')
  assert.equal(result.interruptions?.length ?? 0, 0)
  assert.deepEqual(ran, [])
  assert.match(JSON.stringify(outputsOf(result)), /bulk-data-loss/)
})
