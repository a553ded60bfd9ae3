import aiSdk from './ai-sdk.js'

export const { toolApproval, guardTools } = aiSdk
