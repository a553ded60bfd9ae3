import mcp from './mcp.js'

export const { guardCallTool } = mcp
