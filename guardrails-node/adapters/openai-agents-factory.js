'use strict'
// OpenAI Agents JS: a tool input guardrail and a `needsApproval` function, built from the
// framework objects the caller's module system loaded.

const { settings, parseArgs, decide, refusal, info } = require('./internal.js')

module.exports = function openaiAgentsAdapter({ defineToolInputGuardrail, ToolGuardrailFunctionOutputFactory: output }) {
  function guardrailsInputGuardrail(options = {}) {
    const s = settings(options, 'interrupt')
    return defineToolInputGuardrail({
      name: options.name ?? 'access-guardrails',
      run: async ({ context, agent, toolCall }) => {
        const verdict = await decide(s, toolCall.name, parseArgs(toolCall.arguments), { context, agent, toolCall })
        if (verdict.decision === 'allow') return output.allow(info(verdict))
        // A call that needs approval passes only once a person approved it (through `needsApproval`).
        const approved =
          verdict.decision === 'require_approval' &&
          s.onApproval === 'interrupt' &&
          context?.isToolApproved?.({ toolName: toolCall.name, callId: toolCall.callId }) === true
        if (approved) return output.allow(info(verdict))
        return output.rejectContent(refusal(verdict), info(verdict))
      },
    })
  }

  function guardrailsNeedsApproval(toolName, options = {}) {
    const s = settings(options, 'interrupt')
    return async (runContext, input, callId) => {
      if (s.onApproval !== 'interrupt') return false
      const verdict = await decide(s, toolName, input, { runContext, input, callId })
      return verdict.decision === 'require_approval'
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
