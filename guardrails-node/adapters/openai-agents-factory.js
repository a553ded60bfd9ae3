'use strict'
// OpenAI Agents JS: a tool input guardrail and a `needsApproval` function, built from the
// framework objects the caller's module system loaded.
//
// Both give the `context` callback the same host object, `{ runContext, agent, toolName, callId,
// input }` (`agent` is undefined in needsApproval, which the SDK calls without it), so one
// callback works in both places.

const { settings, parseArgs, decide, refusal, info } = require('./internal.js')

module.exports = function openaiAgentsAdapter({ defineToolInputGuardrail, ToolGuardrailFunctionOutputFactory: output }) {
  /**
   * What `needsApproval` answered for a call, by run context and call id: 'asked' (it returned
   * true, so the SDK asks a person) or the error that kept it from deciding. The guardrail reads
   * it to tell the pre-approval run (`preApprovalInputGuardrails`) from a call nobody asked about,
   * and to say why a call was refused.
   */
  const answers = new WeakMap()
  const remember = (runContext, callId, answer) => {
    if (runContext === null || typeof runContext !== 'object' || callId === undefined) return
    let calls = answers.get(runContext)
    if (!calls) answers.set(runContext, (calls = new Map()))
    calls.set(callId, answer)
  }
  const recalled = (runContext, callId) =>
    runContext !== null && typeof runContext === 'object' ? answers.get(runContext)?.get(callId) : undefined

  function guardrailsInputGuardrail(options = {}) {
    const s = settings(options, 'interrupt')
    return defineToolInputGuardrail({
      name: options.name ?? 'access-guardrails',
      run: async ({ context: runContext, agent, toolCall }) => {
        const toolName = toolCall.name
        const callId = toolCall.callId
        const input = parseArgs(toolCall.arguments)
        const verdict = await decide(s, toolName, input, { runContext, agent, toolName, callId, input })
        if (verdict.decision === 'allow') return output.allow(info(verdict))
        if (verdict.decision === 'deny' || s.onApproval !== 'interrupt') {
          return output.rejectContent(refusal(verdict), info(verdict))
        }
        // require_approval: the call passes only once a person approved it (through `needsApproval`).
        let approved
        try {
          approved = runContext?.isToolApproved?.({ toolName, callId })
        } catch {
          approved = undefined
        }
        if (approved === true) return output.allow(info(verdict))
        if (approved === false) {
          return output.rejectContent(`${verdict.reason} A reviewer rejected the call.`, info(verdict))
        }
        const answer = recalled(runContext, callId)
        // With `preApprovalInputGuardrails` the SDK runs the guardrail before it asks: let the call
        // on to the approval step; the guardrail runs again once it is approved.
        if (answer === 'asked') return output.allow({ ...info(verdict), pendingApproval: true })
        if (answer instanceof Error) {
          return output.rejectContent(
            `${verdict.reason} Deciding whether to ask for approval failed (${answer.message}), so the call was refused.`,
            info(verdict),
          )
        }
        return output.rejectContent(
          `${verdict.reason} The call was not approved (its tool's needsApproval did not ask: use withGuardrails or guardrailsNeedsApproval), so it was refused.`,
          info(verdict),
        )
      },
    })
  }

  function guardrailsNeedsApproval(toolName, options = {}) {
    const s = settings(options, 'interrupt')
    return async (runContext, input, callId) => {
      if (s.onApproval !== 'interrupt') return false
      const verdict = await decide(s, toolName, input, { runContext, agent: undefined, toolName, callId, input })
      if (verdict.error && verdict.decision === 'deny') {
        // Fail closed: do not ask about a call that could not be evaluated; the guardrail
        // evaluates it again and refuses it, saying why.
        remember(runContext, callId, verdict.error instanceof Error ? verdict.error : new Error(String(verdict.error)))
        return false
      }
      const ask = verdict.decision === 'require_approval'
      if (ask) remember(runContext, callId, 'asked')
      return ask
    }
  }

  function withGuardrails(toolOptions, options = {}) {
    return {
      ...toolOptions,
      inputGuardrails: [...(toolOptions.inputGuardrails ?? []), guardrailsInputGuardrail(options)],
      needsApproval: guardrailsNeedsApproval(toolOptions.name, options),
    }
  }

  return { guardrailsInputGuardrail, guardrailsNeedsApproval, withGuardrails }
}
