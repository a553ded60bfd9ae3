// Type tests, checked by `tsc --noEmit -p test/tsconfig.json` (never run).
import { Guard, GuardrailsError, type Action, type Context, type Decision, type Verdict } from 'access-guardrails'
import { guardrailsMiddleware } from 'access-guardrails/langchain'
import { guardrailsInputGuardrail, withGuardrails } from 'access-guardrails/openai-agents'
import { guardTools, toolApproval } from 'access-guardrails/ai-sdk'
import { guardCallTool } from 'access-guardrails/mcp'

const guard: Guard = Guard.recommended({ audit: (record) => void record.rules })
const context: Context = { environment: 'production', actor: { id: 'bot', kind: 'agent' }, approval: { by: 'alice' } }
const actions: Action[] = [
  { kind: 'sql', dialect: 'postgres', text: 'SELECT 1' },
  { kind: 'shell', command: 'ls' },
  { kind: 'http', method: 'GET', url: 'https://example.com', body: { a: [1, null] } },
  { kind: 'tool_call', tool: 'run_sql', args: { query: 'SELECT 1' } },
  { kind: 'file', op: 'read', path: 'README.md' },
]
// @ts-expect-error: `text` belongs to sql actions
const wrong: Action = { kind: 'shell', text: 'ls' }
// @ts-expect-error: unknown dialect
const dialect: Action = { kind: 'sql', dialect: 'klingon', text: '' }

const verdict: Verdict = guard.evaluate(actions[0], context)
const inWorker: Guard = Guard.fromShared(guard.share())
const decision: Decision = verdict.decision
switch (decision) {
  case 'allow':
  case 'deny':
  case 'require_approval':
    break
  default: {
    const never: never = decision
    void never
  }
}
const flags: boolean[] = [verdict.allowed, verdict.denied, verdict.needsApproval]
const span: [number, number] | undefined = verdict.findings[0]?.span
const approvedBy: string | null = verdict.audit().approved_by
const promise: Promise<Verdict> = guard.evaluateAsync(actions[1], undefined, { signal: AbortSignal.timeout(100) })

try {
  Guard.fromYaml('x')
  Guard.fromJson({ version: 1, rules: [] })
  Guard.fromFile('policy.yaml')
  guard.enforce(actions[2])
} catch (err) {
  if (err instanceof GuardrailsError) {
    const code: 'POLICY' | 'INVALID_ACTION' | 'DENIED' | 'APPROVAL_REQUIRED' = err.code
    const where: [number | undefined, number | undefined] = [err.line, err.column]
    const why: Decision | undefined = err.verdict?.decision
    void [code, where, why]
  }
}

const middleware = guardrailsMiddleware({ context: (request) => ({ labels: { tool: request.toolCall.name } }), onApproval: 'deny' })
const guardrail = guardrailsInputGuardrail({ guard, onError: 'deny' })
const toolOptions = withGuardrails({ name: 'run_sql', description: 'SQL' }, { context })
const approval = toolApproval({ context, onApproval: 'interrupt' })
const tools = guardTools({ run_sql: { description: 'SQL', execute: async (input: { query: string }) => input.query } })
const handler = guardCallTool(async (request: { params: { name: string; arguments?: Record<string, unknown> } }, extra: unknown) => ({ content: [] }), {
  onApproval: 'interrupt',
  approve: ({ verdict }) => verdict.needsApproval,
})
// @ts-expect-error: onError is 'deny' | 'allow'
toolApproval({ onError: 'ignore' })

void [inWorker, wrong, dialect, flags, span, approvedBy, promise, middleware, guardrail, toolOptions, approval, tools, handler]

// Findings name an Intent; audit records always carry the action and context.
import type { AuditRecord, Intent } from 'access-guardrails'
export function intentsAndRecords(v: Verdict, record: AuditRecord): [Intent[], string, string | undefined] {
  // @ts-expect-error: not an intent
  const unknown: Intent = 'data.nuke'
  void unknown
  return [v.findings.map((f) => f.intent), record.action.kind, record.context.environment]
}
export const nullOptions: Promise<Verdict> = Guard.recommended().evaluateAsync({ kind: 'shell', command: 'ls' }, null, null)
