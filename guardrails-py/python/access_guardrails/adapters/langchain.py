"""LangChain >= 1.0: every tool call an agent makes goes through the guard before it runs.

```python
from access_guardrails.adapters.langchain import GuardrailsMiddleware

agent = create_agent(model, tools, middleware=[GuardrailsMiddleware(guard)], checkpointer=InMemorySaver())
```

- allow: the tool runs.
- deny: the tool does not run; the model gets `ToolMessage(content=reason, status="error")`.
- require_approval: `langgraph.types.interrupt({...})` pauses the agent (this needs a checkpointer
  and a `thread_id`); resume with `Command(resume={"type": "approve"})` or
  `Command(resume={"type": "reject", "message": "…"})`. The node runs again on resume, and the
  verdict is deterministic, so the same call reaches the same interrupt and takes the answer.
  With `on_approval="deny"` (hosts with no approval channel) such a call is refused instead.
- the guard fails: the call is refused (`on_error="deny"`, the default) or runs (`"allow"`).

The guard's context comes from the agent's run context (`create_agent(..., context_schema=…)`,
`invoke(..., context=…)`): see `access_guardrails.adapters._gate.context_from`, or pass
`context=` (a `Context`, a dict, or a function of the run context).

Put the middleware first in `middleware=[...]`, so no other middleware (retries, emulators) can
run a tool around it. `guard_tool(tool)` guards a single tool in any executor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ToolCallRequest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, ToolException
from langgraph.types import Command, interrupt

from .._native import Guard, Verdict
from ._gate import (
    ContextSource,
    Gate,
    OnApproval,
    OnError,
    Outcome,
    approval_request,
    approved,
    rejection_message,
)

__all__ = ["GuardrailsMiddleware", "guard_tool"]


class GuardrailsMiddleware(AgentMiddleware):  # type: ignore[type-arg]
    """An `AgentMiddleware` that checks every tool call with a `Guard` before the tool runs.

    Args:
        guard: The guard; `Guard.recommended()` when `None`.
        context: The guard's context; by default read from the agent's run context.
        on_error: `"deny"` (default, fail closed) or `"allow"` when the guard cannot evaluate.
        on_approval: `"interrupt"` (default) pauses the agent for a human; `"deny"` refuses.
        audit: Called with every verdict, e.g. an `AuditLog`.
    """

    def __init__(
        self,
        guard: Guard | None = None,
        *,
        context: ContextSource = None,
        on_error: OnError = "deny",
        on_approval: OnApproval = "interrupt",
        audit: Callable[[Verdict], None] | None = None,
    ) -> None:
        super().__init__()
        self.gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)

    def _refusal(self, request: ToolCallRequest) -> ToolMessage | None:
        """`None` when the tool may run; otherwise the message the model gets instead."""
        call = request.tool_call
        runtime = request.runtime
        outcome = self.gate.check(call["name"], call.get("args") or {}, getattr(runtime, "context", None))
        return _decide(outcome, call.get("id"), call["name"], call.get("args") or {})

    def wrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], ToolMessage | Command[Any]],
    ) -> ToolMessage | Command[Any]:
        refusal = self._refusal(request)
        return handler(request) if refusal is None else refusal

    async def awrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], Awaitable[ToolMessage | Command[Any]]],
    ) -> ToolMessage | Command[Any]:
        # Evaluation takes microseconds: no thread hop.
        refusal = self._refusal(request)
        return await handler(request) if refusal is None else refusal


def _decide(outcome: Outcome, tool_call_id: str | None, name: str, args: Any) -> ToolMessage | None:
    if outcome.action == "run":
        return None
    message = outcome.message
    if outcome.action == "ask":
        ok, reviewer_message = approved(interrupt(approval_request(tool_call_id, name, args, outcome)))
        if ok:
            return None
        message = rejection_message(reviewer_message, outcome)
    return ToolMessage(content=message, tool_call_id=tool_call_id or "", name=name, status="error")


def guard_tool(
    tool: BaseTool,
    guard: Guard | None = None,
    *,
    context: ContextSource = None,
    on_error: OnError = "deny",
    on_approval: OnApproval = "deny",
    audit: Callable[[Verdict], None] | None = None,
) -> BaseTool:
    """A copy of `tool` that checks each call with the guard first, for any executor.

    A refused call raises `ToolException(reason)` inside the tool, which the tool turns into an
    error result the model reads (`handle_tool_error=True`). `on_approval` defaults to `"deny"`
    here, because an executor that is not a LangGraph graph with a checkpointer cannot pause;
    inside one, `"interrupt"` pauses as the middleware does. `context` is a `Context`, a dict, or
    a function (called with `None`: a plain tool has no run context) that returns one.
    """
    gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)

    def check(kwargs: dict[str, Any]) -> None:
        refusal = _decide(gate.check(tool.name, kwargs, None), None, tool.name, kwargs)
        if refusal is not None:
            raise ToolException(refusal.content)

    def run(**kwargs: Any) -> Any:
        check(kwargs)
        return tool.invoke(kwargs)

    async def arun(**kwargs: Any) -> Any:
        check(kwargs)
        return await tool.ainvoke(kwargs)

    return StructuredTool.from_function(
        func=run,
        coroutine=arun,
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
        return_direct=tool.return_direct,
        handle_tool_error=True,
    )
