// The ESM entry's types: the same as mcp.d.ts, which imports no framework types.
export * from './mcp.js'
