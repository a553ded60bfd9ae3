// The CommonJS entry's types (require through the `exports` map's `types` condition).
import guardrails = require('access-guardrails')

const verdict: guardrails.Verdict = guardrails.Guard.recommended().evaluate({ kind: 'shell', command: 'ls' })
export const decision: 'allow' | 'deny' | 'require_approval' = verdict.decision
