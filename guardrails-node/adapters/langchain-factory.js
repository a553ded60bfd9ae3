'use strict'
// LangChain.js 1.x middleware, built from the framework objects the caller's module system loaded
// (langchain.js requires them, langchain.mjs imports them), so classes match the host's.

const { settings, decide, refusal } = require('./internal.js')

/**
 * Whether the resume value the next `interrupt()` of this task returns is LangGraph's broadcast
 * one (`new Command({ resume: value })`, which every pending interrupt receives) rather than one
 * addressed to this task's interrupt (`new Command({ resume: { [interrupt.id]: value } })`).
 * Reads LangGraph's task scratchpad; when it cannot, assumes broadcast (the stricter case).
 */
function resumeIsBroadcast(getConfig) {
  let pad
  try {
    pad = getConfig()?.configurable?.__pregel_scratchpad
  } catch {
    return true
  }
  if (!pad || !Array.isArray(pad.resume) || typeof pad.interruptCounter !== 'number') return true
  return pad.resume.length <= pad.interruptCounter + 1
}

/** The other calls of the model turn that made the call `id`. */
function siblingsOf(request, id) {
  const messages = request.state?.messages
  if (!Array.isArray(messages)) return []
  for (let i = messages.length - 1; i >= 0; i--) {
    const calls = messages[i]?.tool_calls
    if (Array.isArray(calls) && calls.some((call) => call.id === id)) return calls.filter((call) => call.id !== id)
  }
  return []
}

module.exports = function langchainAdapter({ createMiddleware, ToolMessage, interrupt, getConfig }) {
  function guardrailsMiddleware(options = {}) {
    const s = settings(options, 'interrupt')

    /** Whether another call of the same model turn also waits for approval. */
    async function othersNeedApproval(request, id) {
      for (const call of siblingsOf(request, id)) {
        const verdict = await decide(s, call.name, call.args, { ...request, toolCall: call })
        if (verdict.decision === 'require_approval') return true
      }
      return false
    }

    return createMiddleware({
      name: options.name ?? 'AccessGuardrails',
      wrapToolCall: async (request, handler) => {
        const { name, args, id } = request.toolCall
        const refuse = (content) => new ToolMessage({ content, tool_call_id: id, name, status: 'error' })
        const verdict = await decide(s, name, args, request)
        if (verdict.decision === 'allow') return handler(request)
        if (verdict.decision === 'require_approval' && s.onApproval === 'interrupt') {
          // On resume LangGraph re-runs this hook; the verdict is deterministic, so it lands here again.
          const broadcast = resumeIsBroadcast(getConfig)
          let answer
          try {
            answer = interrupt({
              type: 'guardrails_approval',
              tool_call_id: id,
              name,
              args,
              reason: verdict.reason,
              findings: verdict.findings,
            })
          } catch (err) {
            if (err?.lc_error_code !== 'MISSING_CHECKPOINTER') throw err
            return refuse(`${verdict.reason} Approval needs a checkpointer (createAgent({ checkpointer })), and this agent has none, so the call was refused.`)
          }
          // An answer is for this call when it names it, or when it was addressed to this call's
          // interrupt (resume by interrupt id). A broadcast answer that names no call counts only
          // when no other call of the turn waits for approval: one answer never approves several.
          const named = answer?.tool_call_id
          const forThisCall =
            named !== undefined ? named === id : !broadcast || !(await othersNeedApproval(request, id))
          if (!forThisCall) {
            return refuse(
              `${verdict.reason} The approval answer was not for this call (${id}), so it was refused. ` +
                'Resume each approval by its interrupt id: new Command({ resume: { [interrupt.id]: { type: "approve" } } }).',
            )
          }
          if (answer && answer.type === 'approve') return handler(request)
          return refuse((answer && answer.message) || `A reviewer rejected the call. ${verdict.reason}`)
        }
        return refuse(refusal(verdict))
      },
    })
  }
  return { guardrailsMiddleware }
}
