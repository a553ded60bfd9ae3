'use strict'
// MCP: wraps a server's `tools/call` handler. A refused call is a tool result with `isError: true`
// (the spec's tool execution error, which clients show the model), not a JSON-RPC error.

const { settings, decide, refusal } = require('./internal.js')

function guardCallTool(handler, options = {}) {
  const s = settings(options, 'deny')
  const approve = options.approve
  if (s.onApproval === 'interrupt' && typeof approve !== 'function') {
    throw new TypeError("onApproval: 'interrupt' needs an `approve({ verdict, request, extra })` callback (e.g. an elicitation)")
  }
  return async (request, extra) => {
    const { name, arguments: args } = request.params
    const verdict = await decide(s, name, args, { request, extra })
    if (verdict.decision === 'allow') return handler(request, extra)
    if (verdict.decision === 'require_approval' && s.onApproval === 'interrupt') {
      let approved = false
      try {
        approved = (await approve({ verdict, request, extra })) === true
      } catch {
        approved = false
      }
      if (approved) return handler(request, extra)
      return { content: [{ type: 'text', text: `The call was not approved. ${verdict.reason}` }], isError: true }
    }
    return { content: [{ type: 'text', text: refusal(verdict) }], isError: true }
  }
}

module.exports = { guardCallTool }
