"""Framework adapters. Each is a submodule that imports its framework when imported itself:

- `access_guardrails.adapters.langchain` (extra `[langchain]`): `GuardrailsMiddleware`, `guard_tool`.
- `access_guardrails.adapters.openai_agents` (extra `[openai-agents]`): `tool_guardrail`,
  `needs_approval`, `guard_tool`.
"""
