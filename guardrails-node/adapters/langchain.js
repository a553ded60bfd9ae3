'use strict'
const { createMiddleware } = require('langchain')
const { ToolMessage } = require('@langchain/core/messages')
const { interrupt } = require('@langchain/langgraph')

module.exports = require('./langchain-factory.js')({ createMiddleware, ToolMessage, interrupt })
