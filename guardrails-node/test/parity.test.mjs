// Verdict parity with the CLI on the shared corpus: for every case, the addon decides exactly what
// `guardrails eval --policy examples/policies/acme.yaml` decides, for the same intents. Skips when ../shared or the
// release CLI is absent.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Guard } from 'access-guardrails'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const corpus = resolve(repo, '../shared/corpus')
const cli = join(process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, 'target'), 'release', 'guardrails')
const policy = join(repo, 'examples/policies/acme.yaml')

/** A corpus case in the engine's wire format, as ../shared/tools/score.py's to_request builds it. */
function toRequest(c) {
  let action
  if (c.kind === 'sql') action = { kind: 'sql', dialect: c.dialect ?? 'generic', text: c.input }
  else if (c.kind === 'shell') action = { kind: 'shell', command: c.input }
  else if (c.kind === 'http') action = { kind: 'http', ...c.input }
  else action = { kind: 'tool_call', tool: c.input.tool, args: c.input.args ?? {} }
  const context = { environment: c.context.environment, actor: { id: `eval-${c.context.actor}`, kind: c.context.actor } }
  if (c.context.approved) context.approval = { by: 'eval-reviewer', ticket: 'EVAL-1' }
  if (c.context.labels) context.labels = c.context.labels
  return { id: c.id, action, context }
}

const missing = !existsSync(corpus) ? `${corpus} is absent` : !existsSync(cli) ? `${cli} is absent (cargo build --release -p guardrails-cli)` : false

/** A verdict's intents, sorted and without repeats. */
const intentsOf = (verdict) => [...new Set((verdict?.findings ?? []).map((f) => f.intent))].sort().join(',')

test('the addon and the CLI decide the same, for the same intents, for every corpus case', { skip: missing }, () => {
  const requests = readdirSync(corpus)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(corpus, f), 'utf8').split('\n').filter((l) => l.trim()))
    .map((line) => toRequest(JSON.parse(line)))
  assert.ok(requests.length > 100, `${requests.length} cases`)
  const run = spawnSync(cli, ['eval', '--policy', policy], {
    input: requests.map((r) => JSON.stringify(r)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  assert.equal(run.status, 0, run.stderr)
  const byId = new Map(run.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((v) => [v.id, v]))
  const guard = Guard.fromFile(policy)
  const differ = []
  for (const r of requests) {
    const mine = guard.evaluate(r.action, r.context)
    const theirs = byId.get(r.id)
    if (!theirs || theirs.decision !== mine.decision || intentsOf(theirs) !== intentsOf(mine)) {
      differ.push(`${r.id}: addon ${mine.decision} [${intentsOf(mine)}], cli ${theirs?.decision} [${intentsOf(theirs)}]`)
    }
  }
  assert.deepEqual(differ, [])
})
