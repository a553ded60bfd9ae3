'use strict'
const { createMiddleware } = require('langchain')
const { ToolMessage } = require('@langchain/core/messages')
const { interrupt, getConfig } = require('@langchain/langgraph')

module.exports = require('./langchain-factory.js')({ createMiddleware, ToolMessage, interrupt, getConfig })
