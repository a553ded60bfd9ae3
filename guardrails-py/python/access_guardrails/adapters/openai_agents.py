"""OpenAI Agents SDK: every function-tool call goes through the guard before it runs.

```python
from access_guardrails.adapters.openai_agents import guard_tool

agent = Agent(name="ops", tools=[guard_tool(run_sql, guard)])
```

- allow: the tool runs (`ToolGuardrailFunctionOutput.allow`).
- deny: the tool does not run; the model gets the reason as the tool's output (`reject_content`).
- require_approval: `needs_approval` makes the run stop with `result.interruptions`; approve
  with `state.approve(item)` or reject with `reject(state, item, tool, rejection_message=…)`
  (`state.reject` plus the audit record: the SDK runs nothing of the tool's for a rejected
  call), then `Runner.run(agent, state)`. After an approval the guardrail lets that call through.
  With `on_approval="deny"` (no approval channel), such a call is refused instead. With
  `RunConfig(tool_execution=ToolExecutionConfig(pre_approval_tool_input_guardrails=True))` the
  guardrail also runs before the approval is asked for: it lets a call that needs approval
  through to the approval step, and judges it again once approved.
- the guard fails: the call is refused (`on_error="deny"`, the default) or runs (`"allow"`).
- `audit=` (e.g. an `AuditLog`) gets one `ToolCallAudit` per call once its fate is final: ran,
  refused (including calls that could not be evaluated), approved, or rejected (through `reject`).

The guard's context comes from the run context (`Runner.run(agent, input, context=…)`): its fields
`environment`, `actor` (a dict, or an object with `id` and `kind`; an agent when absent),
`approval`, `roles`, `labels`, `session_id`, `trace_id` and `timestamp` are read from a dict, a
dataclass, a pydantic model or any object (a `guardrails` field holding a `Context` or dict wins);
ids (`UUID`, `int`, `str` enums) become strings and `datetime`s ISO 8601 strings. A field of any
other type is a failure to evaluate (`on_error`: refused by default, with a message naming the
field), since a field dropped silently could change the decision. `context=` takes a `Context`, a
dict, or a synchronous function of the run context (a coroutine function fails the same way). See
`_gate.context_from`.

The guardrail is not an agent-level input guardrail, which runs in parallel with the agent and
can let a tool run first: it sits on the tool path.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

from agents import (
    FunctionTool,
    RunContextWrapper,
    RunState,
    ToolApprovalItem,
    ToolGuardrailFunctionOutput,
    ToolInputGuardrail,
    ToolInputGuardrailData,
    tool_input_guardrail,
)
from agents.tool_context import ToolContext

from .._native import Guard
from ._gate import AuditSink, ContextSource, Gate, OnApproval, OnError, Outcome

__all__ = ["guard_tool", "needs_approval", "reject", "tool_guardrail"]

_GATE = "_access_guardrails_gate"
"""The attribute of a tool `guard_tool` made that holds its gate (read by `reject`)."""


def _check(gate: Gate, tool: str, arguments: str | dict[str, Any] | None, run_context: Any) -> Outcome:
    try:
        args = json.loads(arguments or "{}") if isinstance(arguments, str) else (arguments or {})
    except ValueError as exc:
        return gate.failed(exc)
    return gate.check(tool, args, run_context)


def _pre_approval(call: ToolContext[Any]) -> bool:
    """Whether the run asks input guardrails to run before approvals are asked for."""
    execution = getattr(getattr(call, "run_config", None), "tool_execution", None)
    return bool(getattr(execution, "pre_approval_tool_input_guardrails", False))


def tool_guardrail(
    guard: Guard | None = None,
    *,
    context: ContextSource = None,
    on_error: OnError = "deny",
    on_approval: OnApproval = "interrupt",
    audit: AuditSink | None = None,
    name: str = "access_guardrails",
) -> ToolInputGuardrail[Any]:
    """A tool input guardrail: `@function_tool(tool_input_guardrails=[tool_guardrail(guard)])`.

    A call that needs approval is let through only once a human approved it (pair the tool with
    `needs_approval`, or use `guard_tool`, which does both); otherwise it is refused. When the run
    sets `pre_approval_tool_input_guardrails`, a call not yet approved or rejected is let through
    to the approval step (the guardrail runs again after the approval).
    """
    gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)
    return _guardrail(gate, name)


def _guardrail(gate: Gate, name: str) -> ToolInputGuardrail[Any]:
    @tool_input_guardrail(name=name)
    def access_guardrails(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        call = data.context
        outcome = _check(gate, call.tool_name, call.tool_arguments, call.context)
        info = outcome.verdict.to_dict() if outcome.verdict is not None else None
        if outcome.action == "ask":
            status = call.is_tool_approved(call.tool_name, call.tool_call_id)
            if status:
                gate.record(outcome, call.tool_name, call.tool_call_id, "approved")
                return ToolGuardrailFunctionOutput.allow(output_info=info)
            if status is None and _pre_approval(call):
                # Runs before the approval is asked for; it runs again once approved.
                return ToolGuardrailFunctionOutput.allow(output_info=info)
            message = f"This call needs a human's approval and has none, so it did not run: {outcome.message}"
            gate.record(outcome, call.tool_name, call.tool_call_id, "refused")
            return ToolGuardrailFunctionOutput.reject_content(message, output_info=info)
        gate.record(outcome, call.tool_name, call.tool_call_id)
        if outcome.action == "run":
            return ToolGuardrailFunctionOutput.allow(output_info=info)
        return ToolGuardrailFunctionOutput.reject_content(outcome.message, output_info=info)

    return access_guardrails


def needs_approval(
    tool: str,
    guard: Guard | None = None,
    *,
    context: ContextSource = None,
) -> Callable[[RunContextWrapper[Any], dict[str, Any], str], Awaitable[bool]]:
    """A `needs_approval` callable for the function tool named `tool`: true when the verdict is
    require_approval. Denied calls and failures answer false and are refused by `tool_guardrail`."""
    gate = Gate(guard, context=context, on_error="deny", on_approval="interrupt", audit=None)

    async def check(run_context: RunContextWrapper[Any], args: dict[str, Any], call_id: str) -> bool:
        return _check(gate, tool, args, run_context.context).action == "ask"

    return check


def guard_tool(
    tool: FunctionTool,
    guard: Guard | None = None,
    *,
    context: ContextSource = None,
    on_error: OnError = "deny",
    on_approval: OnApproval = "interrupt",
    audit: AuditSink | None = None,
) -> FunctionTool:
    """A copy of `tool` with the guard's input guardrail first and, with `on_approval="interrupt"`,
    its `needs_approval` (a `needs_approval` the tool already had is kept when it says true).

    The guard judges the arguments exactly as the model wrote them (the call's JSON), both for
    approval and in the guardrail. The SDK asks for approval of every call whose arguments the
    tool would change (defaults filled in, values converted) when `needs_approval` is a
    function, so that the function cannot judge other arguments than run; the guard judges the
    model's arguments and the tool adds only its own defaults, so the copy's invoker delegates
    to the tool's (its error handling, timeouts and output are the tool's own) and a safe call
    with a defaulted parameter runs without asking. A tool that already had a `needs_approval`
    function keeps the SDK's invoker, and that protection, unchanged.
    """
    gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)
    guarded = copy.copy(tool)
    guarded.tool_input_guardrails = [_guardrail(gate, "access_guardrails"), *(tool.tool_input_guardrails or [])]
    setattr(guarded, _GATE, gate)
    if on_approval == "interrupt":
        ours = needs_approval(tool.name, guard, context=context)
        theirs = tool.needs_approval

        async def either(run_context: RunContextWrapper[Any], args: dict[str, Any], call_id: str) -> bool:
            if await ours(run_context, args, call_id):
                return True
            if callable(theirs):
                answer = theirs(run_context, args, call_id)
                return bool(await answer if isinstance(answer, Awaitable) else answer)
            return bool(theirs)

        guarded.needs_approval = either
        if not callable(theirs):
            guarded.on_invoke_tool = _delegate(guarded.on_invoke_tool)
    return guarded


_Invoker = Callable[[ToolContext[Any], str], Awaitable[Any]]


def _delegate(invoker: _Invoker) -> _Invoker:
    """An invoker that runs `invoker`: the SDK inspects the arguments a `needs_approval` function
    sees only through its own invoker type, and forces approval of calls whose arguments the
    tool would change (see `guard_tool`)."""

    async def invoke(ctx: ToolContext[Any], input: str) -> Any:
        return await invoker(ctx, input)

    for marker in ("__agents_sync_function_tool__",):  # keeps the SDK's timeout checks right
        if getattr(invoker, marker, False):
            setattr(invoke, marker, True)
    return invoke


def reject(
    state: RunState[Any, Any],
    item: ToolApprovalItem,
    tool: FunctionTool,
    *,
    rejection_message: str | None = None,
    by: str | None = None,
    always_reject: bool = False,
) -> None:
    """`state.reject(item, …)`, plus the audit record of the rejection for a tool `guard_tool`
    made (the SDK runs neither the guardrail nor the tool of a rejected call, so nothing else can
    record it). `by` names the reviewer in the record."""
    state.reject(item, always_reject, rejection_message=rejection_message)
    gate = getattr(tool, _GATE, None)
    if not isinstance(gate, Gate) or gate.audit is None:
        return
    context = getattr(getattr(state, "_context", None), "context", None)
    call_id = getattr(item.raw_item, "call_id", None)
    if call_id is None and isinstance(item.raw_item, dict):
        call_id = item.raw_item.get("call_id")
    outcome = _check(gate, item.name or tool.name, item.arguments, context)
    gate.record(outcome, tool.name, call_id, "rejected", approved_by=by, reviewer_message=rejection_message)
