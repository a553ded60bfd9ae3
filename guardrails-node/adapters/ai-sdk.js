'use strict'
// Vercel AI SDK: `toolApproval` for v7's generateText / streamText / ToolLoopAgent, and
// `guardTools` wrapping each tool's `execute` for v5 and v6. Plain objects only: nothing from
// `ai` is imported.

const { GuardrailsError } = require('../index.js')
const { settings, decide, refusal } = require('./internal.js')

function toolApproval(options = {}) {
  const s = settings(options, 'interrupt')
  return async (request) => {
    const { toolName, input } = request.toolCall
    const verdict = await decide(s, toolName, input, request)
    if (verdict.decision === 'allow') return 'not-applicable'
    if (verdict.decision === 'require_approval' && s.onApproval === 'interrupt') {
      return { type: 'user-approval', reason: verdict.reason }
    }
    return { type: 'denied', reason: refusal(verdict) }
  }
}

function guardTools(tools, options = {}) {
  // v5 has no approval step, so a call that needs one is refused unless the caller opts in
  // (`onApproval: 'interrupt'`, v6: the tool's `needsApproval` stops the loop first).
  const s = settings(options, 'deny')
  const guarded = {}
  for (const [name, tool] of Object.entries(tools)) {
    if (typeof tool.execute !== 'function') {
      guarded[name] = tool
      continue
    }
    const execute = tool.execute
    guarded[name] = {
      ...tool,
      execute: async (input, callOptions) => {
        const verdict = await decide(s, name, input, { input, ...callOptions })
        if (verdict.decision === 'allow') return execute(input, callOptions)
        if (verdict.decision === 'require_approval' && s.onApproval === 'interrupt') return execute(input, callOptions)
        const code = verdict.decision === 'deny' ? 'DENIED' : 'APPROVAL_REQUIRED'
        throw new GuardrailsError(code, refusal(verdict), { verdict })
      },
    }
    if (s.onApproval === 'interrupt') {
      guarded[name].needsApproval = async (input) => (await decide(s, name, input, { input })).decision === 'require_approval'
    }
  }
  return guarded
}

module.exports = { toolApproval, guardTools }
