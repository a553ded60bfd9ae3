import { defineToolInputGuardrail, ToolGuardrailFunctionOutputFactory } from '@openai/agents'
import openaiAgentsAdapter from './openai-agents-factory.js'

export const { guardrailsInputGuardrail, guardrailsNeedsApproval, withGuardrails } = openaiAgentsAdapter({
  defineToolInputGuardrail,
  ToolGuardrailFunctionOutputFactory,
})
