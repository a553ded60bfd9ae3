// ESM and CommonJS entry points resolve through the `exports` map to the same objects.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from 'access-guardrails'

const require = createRequire(import.meta.url)

test('import and require give the same classes', () => {
  const cjs = require('access-guardrails')
  assert.equal(esm.Guard, cjs.Guard)
  assert.equal(esm.GuardrailsError, cjs.GuardrailsError)
  assert.equal(esm.default, cjs)
  assert.equal(cjs.Guard.recommended().evaluate({ kind: 'shell', command: 'ls' }).decision, 'allow')
})

test('every adapter subpath loads in both module systems', async () => {
  const exported = {
    'access-guardrails/langchain': ['guardrailsMiddleware'],
    'access-guardrails/openai-agents': ['guardrailsInputGuardrail', 'guardrailsNeedsApproval', 'withGuardrails'],
    'access-guardrails/ai-sdk': ['toolApproval', 'guardTools'],
    'access-guardrails/mcp': ['guardCallTool'],
  }
  for (const [path, names] of Object.entries(exported)) {
    const imported = await import(path)
    const required = require(path)
    for (const name of names) {
      assert.equal(typeof imported[name], 'function', `import ${path}: ${name}`)
      assert.equal(typeof required[name], 'function', `require ${path}: ${name}`)
    }
  }
})
