// Call overhead of the Node binding over the Rust core, for a short SQL action, in one run.
//
//   core      guardrails-core's Guard::evaluate alone (timed inside Rust, `timeCoreNs`)
//   noop      one N-API call taking the same two strings and doing nothing
//   native    binding.evaluate: JSON text in, the compact verdict text out (no facade)
//   value     binding.evaluateValue: serde through N-API objects both ways (the road not taken)
//   evaluate  Guard#evaluate, the public API: JSON.stringify, native call, Verdict
//
//   async     Guard#evaluateAsync, awaited one at a time: the cost of the libuv thread hop
//
// The rows above are the best case: an allowed action without findings, and the same context
// object every call (the binding reuses the context it parsed last). Two more cases, each with
// its own core baseline:
//
//   deny      a destructive action (DELETE without WHERE): the verdict has findings, so it
//             crosses as JSON and the facade parses it
//   trace     the allowed action with a new context per call (a fresh trace_id), so the binding
//             parses the context every time; its core baseline is the same as the first one
//   sink      the allowed action through a guard with an (empty) audit sink: the record is made
//             in the same native call as the verdict and parsed for the sink
//
// Overhead added per evaluate = evaluate − core. Run: node bench/overhead.mjs
import { createRequire } from 'node:module'
import os from 'node:os'
import { Guard } from '../index.mjs'

const require = createRequire(import.meta.url)
const binding = require('../binding.js')

const action = { kind: 'sql', dialect: 'postgres', text: 'SELECT id, total FROM invoices WHERE id = 42' }
const context = { environment: 'production', actor: { id: 'billing-bot', kind: 'agent' } }
const denied = { kind: 'sql', dialect: 'postgres', text: 'DELETE FROM invoices' }
const a = JSON.stringify(action)
const c = JSON.stringify(context)
const guard = Guard.recommended()
const nativeGuard = binding.Guard.recommended()

function time(name, fn, n = 200_000) {
  for (let i = 0; i < n / 10; i++) fn()
  let best = Infinity
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n)
  }
  return [name, best]
}

const core = ['core', nativeGuard.timeCoreNs(a, c, 200_000)]
const rows = [
  core,
  time('noop', () => binding.noop(a, c)),
  time('native', () => nativeGuard.evaluate(a, c)),
  time('value', () => nativeGuard.evaluateValue(action, context)),
  time('evaluate', () => guard.evaluate(action, context)),
]
if (guard.evaluate(denied, context).findings.length === 0) throw new Error('the deny case should have findings')
const denyCore = ['deny core', nativeGuard.timeCoreNs(JSON.stringify(denied), c, 50_000)]
const deny = time('deny', () => guard.evaluate(denied, context), 50_000)
let traceId = 0
const trace = time('trace', () => guard.evaluate(action, { ...context, trace_id: `t-${traceId++}` }))
const sinkGuard = Guard.recommended({ audit: () => {} })
const sink = time('sink', () => sinkGuard.evaluate(action, context))
let asyncNs = Infinity
for (let round = 0; round < 5; round++) {
  const n = 20_000
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await guard.evaluateAsync(action, context)
  asyncNs = Math.min(asyncNs, Number(process.hrtime.bigint() - t0) / n)
}
rows.push(['async', asyncNs])
for (const row of [denyCore, deny, trace, sink]) rows.push(row)
console.log(`${os.cpus()[0].model}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`)
for (const [name, ns] of rows) console.log(`${name.padEnd(9)} ${(ns / 1000).toFixed(3).padStart(8)} µs/call`)
const added = (ns, base) => ((ns - base) / 1000).toFixed(2)
console.log(`overhead of Guard#evaluate over the core, best case (allow, same context): ${added(rows[4][1], core[1])} µs per call`)
console.log(`  deny with findings: ${added(deny[1], denyCore[1])} µs per call`)
console.log(`  new context per call (trace_id): ${added(trace[1], core[1])} µs per call`)
console.log(`  with an audit sink: ${added(sink[1], core[1])} µs per call`)
