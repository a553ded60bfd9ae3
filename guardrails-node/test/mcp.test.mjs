// An MCP server whose tools/call handler is guarded, driven by a real client over an in-memory
// transport: a refused call is a tool result with isError, and the tool never runs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { guardCallTool } from 'access-guardrails/mcp'

const PRODUCTION_AGENT = { environment: 'production', actor: { id: 'mcp-gateway', kind: 'agent' } }

async function connect(options) {
  const ran = []
  const server = new Server({ name: 'db', version: '1.0.0' }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'postgres__query', description: 'SQL', inputSchema: { type: 'object', properties: { sql: { type: 'string' } } } }],
  }))
  server.setRequestHandler(
    CallToolRequestSchema,
    guardCallTool(async (request) => {
      ran.push(request.params.arguments.sql)
      return { content: [{ type: 'text', text: 'ok' }] }
    }, options),
  )
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'agent', version: '1.0.0' })
  await client.connect(clientSide)
  return { client, ran }
}

test('a safe call runs; a destructive one returns isError and never runs', async () => {
  const { client, ran } = await connect({ context: PRODUCTION_AGENT })
  const ok = await client.callTool({ name: 'postgres__query', arguments: { sql: 'SELECT 1' } })
  assert.equal(ok.isError, undefined)
  const refused = await client.callTool({ name: 'postgres__query', arguments: { sql: 'DELETE FROM invoices' } })
  assert.equal(refused.isError, true)
  assert.equal(refused.content[0].type, 'text')
  assert.match(refused.content[0].text, /bulk-data-loss/)
  assert.deepEqual(ran, ['SELECT 1'])
  await client.close()
})

test('a call that needs approval is refused unless the approve callback says yes', async () => {
  const sql = 'ALTER TABLE users DROP COLUMN email'
  const refused = await connect({ context: PRODUCTION_AGENT })
  const result = await refused.client.callTool({ name: 'postgres__query', arguments: { sql } })
  assert.equal(result.isError, true)
  assert.deepEqual(refused.ran, [])

  const asked = []
  const approving = await connect({
    context: PRODUCTION_AGENT,
    onApproval: 'interrupt',
    approve: async ({ verdict }) => asked.push(verdict.reason) > 0,
  })
  await approving.client.callTool({ name: 'postgres__query', arguments: { sql } })
  assert.deepEqual(approving.ran, [sql])
  assert.equal(asked.length, 1)

  const rejecting = await connect({ context: PRODUCTION_AGENT, onApproval: 'interrupt', approve: async () => false })
  const no = await rejecting.client.callTool({ name: 'postgres__query', arguments: { sql } })
  assert.equal(no.isError, true)
  assert.deepEqual(rejecting.ran, [])
})
