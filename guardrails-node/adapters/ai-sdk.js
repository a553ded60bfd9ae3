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

/**
 * Whether `messages` (the call options' conversation) hold an approved tool-approval-response for
 * the call `toolCallId` of `toolName`: a `tool-approval-request` part of an assistant message names
 * the call, and a `tool-approval-response` part of a tool message approves that request. v6/v7
 * only run such a call after that round trip; v5 messages never hold one.
 */
function wasApproved(messages, toolCallId, toolName) {
  if (!Array.isArray(messages) || typeof toolCallId !== 'string') return false
  const callOf = new Map()
  const names = new Map()
  for (const message of messages) {
    if (message?.role !== 'assistant' || !Array.isArray(message.content)) continue
    for (const part of message.content) {
      if (part?.type === 'tool-approval-request') callOf.set(part.approvalId, part.toolCallId)
      if (part?.type === 'tool-call') names.set(part.toolCallId, part.toolName)
    }
  }
  if (names.has(toolCallId) && names.get(toolCallId) !== toolName) return false
  for (const message of messages) {
    if (message?.role !== 'tool' || !Array.isArray(message.content)) continue
    for (const part of message.content) {
      if (part?.type === 'tool-approval-response' && part.approved === true && callOf.get(part.approvalId) === toolCallId) return true
    }
  }
  return false
}

function guardTools(tools, options = {}) {
  // v5 has no approval step, so a call that needs one is refused unless the caller opts in
  // (`onApproval: 'interrupt'`): then it runs only once the conversation holds an approved
  // tool-approval-response for it (v6/v7, where the tool's `needsApproval` or the app's
  // `toolApproval` asked), and is refused otherwise — also when the app's own call-level
  // `toolApproval` made v7 skip `needsApproval`.
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
        if (
          verdict.decision === 'require_approval' &&
          s.onApproval === 'interrupt' &&
          wasApproved(callOptions?.messages, callOptions?.toolCallId, name)
        ) {
          return execute(input, callOptions)
        }
        if (verdict.decision === 'require_approval' && s.onApproval === 'interrupt') {
          throw new GuardrailsError('APPROVAL_REQUIRED', `${verdict.reason} The call was not approved, so it was refused.`, { verdict })
        }
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
