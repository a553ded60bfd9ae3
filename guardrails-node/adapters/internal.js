'use strict'
// What every adapter shares: options, the context, and fail-closed evaluation of a tool call.
// The adapters map a verdict onto their framework; the Guard decides.

const { Guard } = require('../index.js')

/** The context used when the host gives none: an agent, environment unknown (the policy treats that as production). */
const AGENT_CONTEXT = Object.freeze({ actor: Object.freeze({ kind: 'agent' }) })

function settings(options = {}, defaultOnApproval) {
  const onError = options.onError ?? 'deny'
  const onApproval = options.onApproval ?? defaultOnApproval
  if (onError !== 'deny' && onError !== 'allow') throw new TypeError(`onError must be 'deny' or 'allow', got ${onError}`)
  if (onApproval !== 'interrupt' && onApproval !== 'deny') throw new TypeError(`onApproval must be 'interrupt' or 'deny', got ${onApproval}`)
  return { guard: options.guard ?? Guard.recommended(), context: options.context, onError, onApproval }
}

/** Parses a tool's JSON argument string; text that is not JSON is analysed as a string. */
function parseArgs(args) {
  if (typeof args !== 'string') return args ?? {}
  try {
    return JSON.parse(args)
  } catch {
    return args
  }
}

/**
 * The verdict for a call of `tool` with `args`. Never throws: when the context callback or the
 * evaluation fails, the call is refused (`onError: 'deny'`, the default) or let through.
 */
async function decide(settings, tool, args, host) {
  try {
    const context = typeof settings.context === 'function' ? await settings.context(host) : settings.context
    return settings.guard.evaluate({ kind: 'tool_call', tool, args: args ?? {} }, context ?? AGENT_CONTEXT)
  } catch (err) {
    const decision = settings.onError === 'allow' ? 'allow' : 'deny'
    const reason = `Access Guardrails could not evaluate the call of ${tool}: ${err && err.message}`
    return { decision, reason, findings: [], policy: settings.guard.digest, error: err }
  }
}

/** The message a refused call returns to the model. */
function refusal(verdict) {
  if (verdict.decision === 'require_approval') return `${verdict.reason} No approval channel is configured, so the call was refused.`
  return verdict.reason
}

/** The verdict as plain data for a framework's `outputInfo` and similar. */
function info(verdict) {
  return { decision: verdict.decision, reason: verdict.reason, findings: verdict.findings, policy: verdict.policy }
}

module.exports = { settings, parseArgs, decide, refusal, info }
