"""OpenAI Agents SDK: every function-tool call goes through the guard before it runs.

```python
from access_guardrails.adapters.openai_agents import guard_tool

agent = Agent(name="ops", tools=[guard_tool(run_sql, guard)])
```

- allow: the tool runs (`ToolGuardrailFunctionOutput.allow`).
- deny: the tool does not run; the model gets the reason as the tool's output (`reject_content`).
- require_approval: `needs_approval` makes the run stop with `result.interruptions`; approve
  with `state.approve(item)` or reject with `state.reject(item, rejection_message=…)`, then
  `Runner.run(agent, state)`. After an approval the guardrail lets that call through. With
  `on_approval="deny"` (no approval channel), such a call is refused instead.
- the guard fails: the call is refused (`on_error="deny"`, the default) or runs (`"allow"`).

The guard's context comes from the run context (`Runner.run(agent, input, context=…)`): see
`access_guardrails.adapters._gate.context_from`, or pass `context=`.

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
    ToolGuardrailFunctionOutput,
    ToolInputGuardrail,
    ToolInputGuardrailData,
    tool_input_guardrail,
)

from .._native import Guard, Verdict
from ._gate import ContextSource, Gate, OnApproval, OnError, Outcome

__all__ = ["guard_tool", "needs_approval", "tool_guardrail"]


def _check(gate: Gate, tool: str, arguments: str | dict[str, Any] | None, run_context: Any) -> Outcome:
    try:
        args = json.loads(arguments or "{}") if isinstance(arguments, str) else (arguments or {})
    except ValueError as exc:
        if gate.on_error == "allow":
            return Outcome("run", "", None)
        return Outcome("refuse", f"Access Guardrails could not read this call's arguments: {exc}", None)
    return gate.check(tool, args, run_context)


def tool_guardrail(
    guard: Guard | None = None,
    *,
    context: ContextSource = None,
    on_error: OnError = "deny",
    on_approval: OnApproval = "interrupt",
    audit: Callable[[Verdict], None] | None = None,
    name: str = "access_guardrails",
) -> ToolInputGuardrail[Any]:
    """A tool input guardrail: `@function_tool(tool_input_guardrails=[tool_guardrail(guard)])`.

    A call that needs approval is let through only once a human approved it (pair the tool with
    `needs_approval`, or use `guard_tool`, which does both); otherwise it is refused.
    """
    gate = Gate(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)

    @tool_input_guardrail(name=name)
    def access_guardrails(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        call = data.context
        outcome = _check(gate, call.tool_name, call.tool_arguments, call.context)
        info = outcome.verdict.to_dict() if outcome.verdict is not None else None
        if outcome.action == "run":
            return ToolGuardrailFunctionOutput.allow(output_info=info)
        if outcome.action == "ask" and call.is_tool_approved(call.tool_name, call.tool_call_id):
            return ToolGuardrailFunctionOutput.allow(output_info=info)
        message = outcome.message
        if outcome.action == "ask":
            message = f"This call needs a human's approval and has none, so it did not run: {message}"
        return ToolGuardrailFunctionOutput.reject_content(message, output_info=info)

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
    audit: Callable[[Verdict], None] | None = None,
) -> FunctionTool:
    """A copy of `tool` with the guard's input guardrail first and, with `on_approval="interrupt"`,
    its `needs_approval` (a `needs_approval` the tool already had is kept when it says true)."""
    guardrail = tool_guardrail(guard, context=context, on_error=on_error, on_approval=on_approval, audit=audit)
    guarded = copy.copy(tool)
    guarded.tool_input_guardrails = [guardrail, *(tool.tool_input_guardrails or [])]
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
    return guarded
