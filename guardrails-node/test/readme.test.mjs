// The README's Node quick start snippet runs as written (against this package). Skips when the
// README is not beside the package (a packed tarball).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const readme = resolve(here, '../../README.md')

/** The first ```js block of the README's "## Node quick start" section. */
function quickStart() {
  const text = readFileSync(readme, 'utf8')
  const section = text.slice(text.indexOf('## Node quick start'))
  const match = /```js\n([\s\S]*?)```/.exec(section)
  assert.ok(match, 'the Node quick start has a js block')
  return match[1]
}

test('the README Node quick start snippet runs', { skip: !existsSync(readme) && `${readme} is absent` }, () => {
  // Inside the package, so that `import 'access-guardrails'` resolves to it by its own name.
  const file = join(here, `.readme-snippet-${process.pid}.mjs`)
  writeFileSync(file, quickStart())
  try {
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stdout, /^deny /m)
    assert.match(run.stdout, /data\.bulk_delete/)
    assert.match(run.stdout, /^DENIED /m)
  } finally {
    rmSync(file, { force: true })
  }
})
