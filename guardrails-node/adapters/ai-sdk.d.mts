// The ESM entry's types: the same as ai-sdk.d.ts, which imports no framework types.
export * from './ai-sdk.js'
