// One Guard shared by many concurrent async evaluations and by worker threads.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { Guard, RECOMMENDED_POLICY } from 'access-guardrails'

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

test('worker threads use a guard the main thread shared, and decide the same', async () => {
  const guard = Guard.fromYaml(`${RECOMMENDED_POLICY}\n# a policy of our own, compiled once\n`)
  assert.notEqual(guard.digest, Guard.recommended().digest)
  const expected = ACTIONS.map((a) => guard.evaluate(a, CONTEXT).decision)
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Guard } = require('access-guardrails')
    const guard = Guard.fromShared(workerData.key)
    parentPort.postMessage({ digest: guard.digest, decisions: workerData.actions.map((a) => guard.evaluate(a, workerData.context).decision) })`
  const workerData = { key: guard.share(), actions: ACTIONS, context: CONTEXT }
  const runs = Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData })
    worker.once('message', resolve)
    worker.once('error', reject)
  }))
  for (const { digest, decisions } of await Promise.all(runs)) {
    assert.equal(digest, guard.digest)
    assert.deepEqual(decisions, expected)
  }
  assert.throws(() => Guard.fromShared('sha256:nothing'), { code: 'POLICY' })
})
