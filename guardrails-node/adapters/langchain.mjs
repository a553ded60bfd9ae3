import { createMiddleware } from 'langchain'
import { ToolMessage } from '@langchain/core/messages'
import { interrupt, getConfig } from '@langchain/langgraph'
import langchainAdapter from './langchain-factory.js'

export const { guardrailsMiddleware } = langchainAdapter({ createMiddleware, ToolMessage, interrupt, getConfig })
