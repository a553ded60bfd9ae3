// The core API: loading policies, verdicts, errors, enforce, async evaluation, audit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Guard, GuardrailsError, jsonLinesSink, RECOMMENDED_POLICY, Verdict } from 'access-guardrails'

const PRODUCTION_AGENT = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }
const DELETE_ALL = { kind: 'sql', dialect: 'postgres', text: 'DELETE FROM invoices WHERE 1=1' }
const DELETE_ONE = { kind: 'sql', dialect: 'postgres', text: 'DELETE FROM invoices WHERE id = 42' }
const DROP_COLUMN = { kind: 'sql', dialect: 'postgres', text: 'ALTER TABLE users DROP COLUMN email' }
const tmp = mkdtempSync(join(tmpdir(), 'guardrails-node-'))

/** The GuardrailsError `fn` throws. */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof GuardrailsError, String(err))
    return err
  }
  assert.fail('expected a GuardrailsError')
}

test('verdicts are plain JSON-serialisable objects with a string decision', () => {
  const guard = Guard.recommended()
  const verdict = guard.evaluate(DELETE_ALL, PRODUCTION_AGENT)
  assert.ok(verdict instanceof Verdict)
  assert.equal(verdict.decision, 'deny')
  assert.equal(verdict.denied, true)
  assert.equal(verdict.allowed, false)
  assert.match(verdict.reason, /bulk-data-loss/)
  assert.equal(verdict.findings[0].intent, 'data.bulk_delete')
  assert.deepEqual(verdict.findings[0].span, [0, 30])
  assert.equal(verdict.policy, guard.digest)
  const wire = JSON.parse(JSON.stringify(verdict))
  assert.deepEqual(Object.keys(wire), ['decision', 'reason', 'findings', 'policy'])
  assert.deepEqual(wire, { ...verdict })
  assert.equal(guard.evaluate(DELETE_ONE, PRODUCTION_AGENT).allowed, true)
  assert.equal(guard.evaluate(DROP_COLUMN, PRODUCTION_AGENT).needsApproval, true)
})

test('the context is optional and an approval satisfies require_approval', () => {
  const guard = Guard.recommended()
  assert.equal(guard.evaluate({ kind: 'shell', command: 'ls -la' }).decision, 'allow')
  const approved = { ...PRODUCTION_AGENT, approval: { by: 'alice', ticket: 'CHG-12' } }
  assert.equal(guard.evaluate(DROP_COLUMN, approved).decision, 'allow')
})

test('a context changed between calls is read again (the binding caches the last one)', () => {
  const guard = Guard.recommended()
  const context = { ...PRODUCTION_AGENT }
  assert.equal(guard.evaluate(DROP_COLUMN, context).decision, 'require_approval')
  context.approval = { by: 'alice' }
  assert.equal(guard.evaluate(DROP_COLUMN, context).decision, 'allow')
  delete context.approval
  assert.equal(guard.evaluate(DROP_COLUMN, context).decision, 'require_approval')
  assert.equal(thrown(() => guard.evaluate(DROP_COLUMN, { ...context, actor: { kind: 'robot' } })).code, 'INVALID_ACTION')
  assert.equal(guard.evaluate(DROP_COLUMN, context).decision, 'require_approval')
  assert.equal(guard.evaluate(DROP_COLUMN).decision, 'require_approval')
})

test('audit() gives the activity record, with the approver', () => {
  const approved = { ...PRODUCTION_AGENT, approval: { by: 'alice' } }
  const record = Guard.recommended().evaluate(DELETE_ALL, approved).audit()
  assert.equal(record.decision, 'deny')
  assert.deepEqual(record.rules, ['bulk-data-loss'])
  assert.deepEqual(record.intents, ['data.bulk_delete'])
  assert.equal(record.approved_by, 'alice')
  assert.deepEqual(record.action, DELETE_ALL)
  assert.equal(record.context.actor.id, 'billing-bot')
})

test('an audit sink receives one record per decision (JSON Lines)', () => {
  const path = join(tmp, 'audit.jsonl')
  const guard = Guard.recommended({ audit: jsonLinesSink(path) })
  guard.evaluate(DELETE_ONE, PRODUCTION_AGENT)
  guard.evaluate(DELETE_ALL, PRODUCTION_AGENT)
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(lines.map((r) => r.decision), ['allow', 'deny'])
})

test('policies load from YAML, JSON text, a JSON object and files', () => {
  const yaml = 'version: 1\nname: tiny\nrules:\n  - id: no-drops\n    intents: [schema.drop]\n    decision: deny\n'
  const fromYaml = Guard.fromYaml(yaml)
  assert.equal(fromYaml.name, 'tiny')
  const object = { version: 1, name: 'tiny-json', rules: [{ id: 'no-drops', intents: ['schema.drop'], decision: 'deny' }] }
  assert.equal(Guard.fromJson(object).name, 'tiny-json')
  assert.equal(Guard.fromJson(JSON.stringify(object)).name, 'tiny-json')
  writeFileSync(join(tmp, 'p.yaml'), yaml)
  writeFileSync(join(tmp, 'p.json'), JSON.stringify(object))
  assert.equal(Guard.fromFile(join(tmp, 'p.yaml')).name, 'tiny')
  assert.equal(Guard.fromFile(join(tmp, 'p.json')).name, 'tiny-json')
  const drop = { kind: 'sql', text: 'DROP TABLE t' }
  assert.equal(fromYaml.evaluate(drop).decision, 'deny')
  assert.equal(Guard.fromYaml(RECOMMENDED_POLICY).digest, Guard.recommended().digest)
})

test('a bad policy throws GuardrailsError POLICY with line and column', () => {
  const err = thrown(() => Guard.fromYaml('version: 1\nrules:\n  - id: x\n    decision: blok\n'))
  assert.equal(err.code, 'POLICY')
  assert.equal(err.line, 4)
  assert.equal(typeof err.column, 'number')
  assert.equal(err.field, 'rules[0].decision')
  assert.match(err.message, /^line 4/)
  assert.ok(err instanceof Error)
  assert.equal(err.verdict, undefined)
  const missing = thrown(() => Guard.fromFile(join(tmp, 'missing.yaml')))
  assert.equal(missing.code, 'POLICY')
})

test('an invalid action or context throws INVALID_ACTION', () => {
  const guard = Guard.recommended()
  for (const [action, context] of [
    [{ kind: 'nope' }, undefined],
    [{ kind: 'sql', dialect: 'klingon', text: 'SELECT 1' }, undefined],
    [{ kind: 'sql' }, undefined],
    ['SELECT 1', undefined],
    [null, undefined],
    [{ kind: 'shell', command: 'ls' }, { actor: { kind: 'robot' } }],
    [{ kind: 'shell', command: 'ls' }, { surprise: true }],
    [{ kind: 'tool_call', tool: 't', args: { n: 1n } }, undefined],
  ]) {
    const err = thrown(() => guard.evaluate(action, context))
    assert.equal(err.code, 'INVALID_ACTION', `${JSON.stringify(action, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}: ${err.message}`)
  }
})

test('enforce returns allowed verdicts and throws DENIED / APPROVAL_REQUIRED with the verdict', async () => {
  const guard = Guard.recommended()
  assert.equal(guard.enforce(DELETE_ONE, PRODUCTION_AGENT).decision, 'allow')
  const denied = thrown(() => guard.enforce(DELETE_ALL, PRODUCTION_AGENT))
  assert.equal(denied.code, 'DENIED')
  assert.equal(denied.verdict.decision, 'deny')
  assert.equal(denied.message, denied.verdict.reason)
  const approval = thrown(() => guard.enforce(DROP_COLUMN, PRODUCTION_AGENT))
  assert.equal(approval.code, 'APPROVAL_REQUIRED')
  assert.equal(approval.verdict.decision, 'require_approval')
  await assert.rejects(guard.enforceAsync(DELETE_ALL, PRODUCTION_AGENT), { code: 'DENIED' })
})

test('evaluateAsync gives the same verdict, rejects bad input, and honours an aborted signal', async () => {
  const guard = Guard.recommended()
  const verdict = await guard.evaluateAsync(DELETE_ALL, PRODUCTION_AGENT)
  assert.deepEqual(verdict.toJSON(), guard.evaluate(DELETE_ALL, PRODUCTION_AGENT).toJSON())
  assert.equal(verdict.audit().decision, 'deny')
  await assert.rejects(guard.evaluateAsync({ kind: 'nope' }), { code: 'INVALID_ACTION' })
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(guard.evaluateAsync(DELETE_ONE, undefined, { signal: controller.signal }), { name: 'AbortError' })
})

test('a Guard is immutable and cannot be constructed directly', () => {
  const guard = Guard.recommended()
  assert.ok(Object.isFrozen(guard))
  assert.throws(() => {
    'use strict'
    guard.evaluate = () => null
  }, TypeError)
  assert.throws(() => new Guard(), TypeError)
})

test('with an audit sink, the record comes from the same evaluation (sync and async)', async (t) => {
  const { createRequire } = await import('node:module')
  const binding = createRequire(import.meta.url)('../binding.js')
  // Verdict.audit() of a guard without a sink evaluates again through the binding's `audit`;
  // a guard with a sink must never need it.
  t.mock.method(binding.Guard.prototype, 'audit', () => {
    throw new Error('the sink made the binding evaluate again')
  })
  const records = []
  const guard = Guard.recommended({ audit: (record) => records.push(record) })
  const sync = guard.evaluate(DELETE_ALL, PRODUCTION_AGENT)
  const later = await guard.evaluateAsync(DROP_COLUMN, PRODUCTION_AGENT)
  const allowed = await guard.evaluateAsync(DELETE_ONE, PRODUCTION_AGENT, null)
  assert.deepEqual(records.map((r) => r.decision), ['deny', 'require_approval', 'allow'])
  assert.deepEqual(records[0].rules, ['bulk-data-loss'])
  assert.deepEqual(records[1].action, DROP_COLUMN)
  assert.equal(records[2].context.actor.id, 'billing-bot')
  assert.deepEqual(sync.audit(), records[0])
  assert.deepEqual(later.audit(), records[1])
  assert.deepEqual(allowed.audit(), records[2])
})

test('evaluateAsync takes null options', async () => {
  const verdict = await Guard.recommended().evaluateAsync(DELETE_ONE, PRODUCTION_AGENT, null)
  assert.equal(verdict.decision, 'allow')
})
