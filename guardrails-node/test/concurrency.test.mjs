// One Guard shared by many concurrent async evaluations and by worker threads.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { Guard } from 'access-guardrails'

const CONTEXT = { environment: 'production', actor: { kind: 'agent' } }
const ACTIONS = [
  { kind: 'sql', dialect: 'postgres', text: 'SELECT * FROM invoices WHERE id = 1' },
  { kind: 'sql', dialect: 'postgres', text: 'DELETE FROM invoices' },
  { kind: 'sql', dialect: 'postgres', text: 'ALTER TABLE users DROP COLUMN email' },
  { kind: 'shell', command: 'git status' },
  { kind: 'tool_call', tool: 'run_sql', args: { query: 'TRUNCATE audit_log' } },
]

test('2,000 concurrent evaluateAsync calls on one Guard agree with evaluate', async () => {
  const guard = Guard.recommended()
  const expected = ACTIONS.map((a) => guard.evaluate(a, CONTEXT).decision)
  const verdicts = await Promise.all(Array.from({ length: 2000 }, (_, i) => guard.evaluateAsync(ACTIONS[i % ACTIONS.length], CONTEXT)))
  verdicts.forEach((v, i) => assert.equal(v.decision, expected[i % ACTIONS.length]))
  assert.deepEqual(new Set(expected), new Set(['allow', 'deny', 'require_approval']))
})

test('worker threads load the addon and decide the same', async () => {
  const guard = Guard.recommended()
  const expected = ACTIONS.map((a) => guard.evaluate(a, CONTEXT).decision)
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Guard } = require('access-guardrails')
    const guard = Guard.recommended()
    parentPort.postMessage(workerData.map((a) => guard.evaluate(a, ${JSON.stringify(CONTEXT)}).decision))`
  const runs = Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: ACTIONS })
    worker.once('message', resolve)
    worker.once('error', reject)
  }))
  for (const decisions of await Promise.all(runs)) assert.deepEqual(decisions, expected)
})
