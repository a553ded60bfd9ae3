'use strict'
// LangChain.js 1.x middleware, built from the framework objects the caller's module system loaded
// (langchain.js requires them, langchain.mjs imports them), so classes match the host's.

const { settings, decide, refusal } = require('./internal.js')

module.exports = function langchainAdapter({ createMiddleware, ToolMessage, interrupt }) {
  function guardrailsMiddleware(options = {}) {
    const s = settings(options, 'interrupt')
    return createMiddleware({
      name: options.name ?? 'AccessGuardrails',
      wrapToolCall: async (request, handler) => {
        const { name, args, id } = request.toolCall
        const refuse = (content) => new ToolMessage({ content, tool_call_id: id, name, status: 'error' })
        const verdict = await decide(s, name, args, request)
        if (verdict.decision === 'allow') return handler(request)
        if (verdict.decision === 'require_approval' && s.onApproval === 'interrupt') {
          // On resume LangGraph re-runs this hook; the verdict is deterministic, so it lands here again.
          const answer = interrupt({
            type: 'guardrails_approval',
            tool_call_id: id,
            name,
            args,
            reason: verdict.reason,
            findings: verdict.findings,
          })
          if (answer && answer.type === 'approve') return handler(request)
          return refuse((answer && answer.message) || `A reviewer rejected the call. ${verdict.reason}`)
        }
        return refuse(refusal(verdict))
      },
    })
  }
  return { guardrailsMiddleware }
}
