'use strict'
const { defineToolInputGuardrail, ToolGuardrailFunctionOutputFactory } = require('@openai/agents')

module.exports = require('./openai-agents-factory.js')({ defineToolInputGuardrail, ToolGuardrailFunctionOutputFactory })
