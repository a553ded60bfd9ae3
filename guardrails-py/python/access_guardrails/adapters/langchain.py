"""LangChain >= 1.0: every tool call an agent makes goes through the guard before it runs.

```python
from access_guardrails.adapters.langchain import GuardrailsMiddleware

agent = create_agent(model, tools, middleware=[GuardrailsMiddleware(guard)], checkpointer=InMemorySaver())
```

- allow: the tool runs.
- deny: the tool does not run; the model gets `ToolMessage(content=reason, status="error")`.
- require_approval: `langgraph.types.interrupt({...})` pauses the agent (this needs a checkpointer
  and a `thread_id`); resume with `Command(resume={"type": "approve"})` or
  `Command(resume={"type": "reject", "message": "…"})` (add `"by": "alice"` to record who
  answered). When one step pauses on several calls, `out["__interrupt__"]` holds one interrupt
  per call and the resume value must name each by id:
  `Command(resume={i.id: {"type": "approve"} for i in out["__interrupt__"]})`. The node runs
  again on resume, and the verdict is deterministic, so the same call reaches the same interrupt
  and takes the answer. With `on_approval="deny"` (hosts with no approval channel) such a call is
  refused instead.
- the guard fails: the call is refused (`on_error="deny"`, the default) or runs (`"allow"`).
- `audit=` (e.g. an `AuditLog`) gets one `ToolCallAudit` per call once its fate is final: ran,
  refused, or approved / rejected with the reviewer's answer and the `tool_call_id`. Calls that
  could not be evaluated are recorded too.

The guard's context comes from the agent's run context (`create_agent(..., context_schema=…)`,
`invoke(..., context=…)`): its fields `environment`, `actor` (a dict, or an object with `id` and
`kind`; an agent when absent), `approval`, `roles`, `labels`, `session_id`, `trace_id` and
`timestamp` are read from a dict, a dataclass, a pydantic model or any object (a `guardrails` field
holding a `Context` or dict wins); ids (`UUID`, `int`, `str` enums) become strings and `datetime`s
ISO 8601 strings. A field of any other type is a failure to evaluate (`on_error`: refused by
default, with a message naming the field), since a field dropped silently could change the
decision. `context=` takes a `Context`, a dict, or a synchronous function of the run context (a
coroutine function fails the same way). See `_gate.context_from`.

Put the middleware first in `middleware=[...]`, so no other middleware (retries, emulators) can
run a tool around it. `guard_tool(tool)` guards a single tool in any executor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ToolCallRequest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from langgraph.types import Command, interrupt

from .._native import Guard
from ._gate import (
    AuditSink,
    ContextSource,
    Gate,
    OnApproval,
    OnError,
    approval_request,
    approved,
    rejection_message,
    reviewer,
)

__all__ = ["GuardrailsMiddleware", "guard_tool"]


class GuardrailsMiddleware(AgentMiddleware):  # type: ignore[type-arg]
    """An `AgentMiddleware` that checks every tool call with a `Guard` before the tool runs.

    Args:
        guard: The guard; `Guard.recommended()` when `None`.
        context: The guard's context; by default read from the agent's run context.
        on_error: `"deny"` (default, fail closed) or `"allow"` when the guard cannot evaluate.
        on_approval: `"interrupt"` (default) pauses the agent for a human; `"deny"` refuses.
        audit: Called with one `ToolCallAudit` per tool call once its fate is final, e.g. an
            `AuditLog`.
    """

    def __init__(
        self,
        guard: Guard | None = None,
        *,
        context: ContextSource = None,
        on_error: OnError = "deny",
        on_approval: OnApproval = "interrupt",
        audit: AuditSink | None = None,
    ) -> None:
        super().__init__()
        self.gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)

    def _refusal(self, request: ToolCallRequest) -> ToolMessage | None:
        """`None` when the tool may run; otherwise the message the model gets instead."""
        call = request.tool_call
        # The model's arguments, as JSON: ToolNode injects runtime/state/store after this hook.
        args = call.get("args") or {}
        return _decide(self.gate, call["name"], args, call.get("id"), getattr(request.runtime, "context", None))

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


def _decide(gate: Gate, name: str, args: Any, tool_call_id: str | None, run_context: Any) -> ToolMessage | None:
    """`None` when the call may run; otherwise the error message the model gets. Writes the audit
    record once the call's fate is final (a call that pauses for a human is recorded on resume)."""
    outcome = gate.check(name, args, run_context)
    if outcome.action == "ask":
        answer = interrupt(approval_request(tool_call_id, name, args, outcome))
        ok, reviewer_message = approved(answer)
        by = reviewer(answer)
        if ok:
            gate.record(outcome, name, tool_call_id, "approved", approved_by=by, reviewer_message=reviewer_message)
            return None
        gate.record(outcome, name, tool_call_id, "rejected", approved_by=by, reviewer_message=reviewer_message)
        message = rejection_message(reviewer_message, outcome)
        return ToolMessage(content=message, tool_call_id=tool_call_id or "", name=name, status="error")
    gate.record(outcome, name, tool_call_id)
    if outcome.action == "run":
        return None
    return ToolMessage(content=outcome.message, tool_call_id=tool_call_id or "", name=name, status="error")


def guard_tool(
    tool: BaseTool,
    guard: Guard | None = None,
    *,
    context: ContextSource = None,
    on_error: OnError = "deny",
    on_approval: OnApproval = "deny",
    audit: AuditSink | None = None,
) -> BaseTool:
    """A tool that checks each call with the guard, then hands the call unchanged to `tool`.

    Works in any executor. The guard judges the arguments the model produced (the tool call's
    JSON `args`, without the values an executor injects, such as `runtime: ToolRuntime`); the
    whole call then goes to `tool.invoke`, so argument parsing (pydantic models), injection,
    callbacks and artifacts are the tool's own. A refused call returns an error result the model
    reads (`ToolMessage(status="error")` for a tool call, the message for plain input) and the
    tool does not run. `on_approval` defaults to `"deny"` here, because an executor that is not a
    LangGraph graph with a checkpointer cannot pause; inside one, `"interrupt"` pauses as the
    middleware does. `context` is a `Context`, a dict, or a function (called with `None`: a plain
    tool has no run context) that returns one.
    """
    gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)
    return _GuardedTool(
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
        return_direct=tool.return_direct,
        response_format=tool.response_format,
        tags=tool.tags,
        metadata=tool.metadata,
        inner=tool,
        gate=gate,
    )


class _GuardedTool(BaseTool):
    """`guard_tool`'s result: the guard, then the wrapped tool's own `invoke`."""

    inner: BaseTool
    gate: Any

    def _refusal(self, input: Any) -> ToolMessage | str | None:
        tool_call_id: str | None = None
        args = input
        is_call = isinstance(input, dict) and input.get("type") == "tool_call"
        if is_call:
            tool_call_id, args = input.get("id"), input.get("args") or {}
        if isinstance(args, dict):
            injected = _injected_args(self.inner)
            args = {k: v for k, v in args.items() if k not in injected}
        refusal = _decide(self.gate, self.name, args, tool_call_id, None)
        if refusal is None:
            return None
        return refusal if is_call else str(refusal.content)

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        refusal = self._refusal(input)
        return self.inner.invoke(input, config, **kwargs) if refusal is None else refusal

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        refusal = self._refusal(input)
        return await self.inner.ainvoke(input, config, **kwargs) if refusal is None else refusal

    def _run(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - invoke() never calls it
        raise NotImplementedError("a guarded tool runs through invoke()")


def _injected_args(tool: BaseTool) -> set[str]:
    """The parameters an executor fills in (`runtime`, injected state, store, tool call id): those
    of the tool's input schema that the model's schema (`tool_call_schema`) leaves out."""
    every = _field_names(tool.get_input_schema())
    visible = _field_names(tool.tool_call_schema)
    return every - visible


def _field_names(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        return set(schema.get("properties") or {})
    fields = getattr(schema, "model_fields", None)
    return set(fields) if isinstance(fields, dict) else set()
