"""What every adapter does before a tool runs: evaluate the call and say run, refuse or ask.

Framework-free, so each adapter only maps the outcome onto its framework's hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._native import Action, Context, Guard, Verdict

OnError = Literal["deny", "allow"]
OnApproval = Literal["interrupt", "deny"]
ContextSource = Context | Mapping[str, Any] | Callable[[Any], Any] | None
"""A `Context`, a dict in the wire format, or a function of the framework's run context that
returns one of those (or `None`). `None`: read the framework's run context."""

_CONTEXT_FIELDS = (
    "environment",
    "actor",
    "approval",
    "roles",
    "labels",
    "session_id",
    "trace_id",
    "timestamp",
)


@dataclass(frozen=True)
class Outcome:
    """The gate's answer for one tool call."""

    action: Literal["run", "refuse", "ask"]
    """Run the tool; refuse it with `message`; or ask a human (only with `on_approval="interrupt"`)."""
    message: str
    """For the model: why the call was refused or needs approval (empty when it runs)."""
    verdict: Verdict | None
    """The verdict, or `None` when evaluation failed."""


def context_from(source: Any) -> Context | dict[str, Any]:
    """The guard's context from a framework's run context.

    A `Context` is used as is. From a dict, a dataclass, a pydantic model or any object, the
    fields the wire format knows (`environment`, `actor`, `approval`, `roles`, `labels`,
    `session_id`, `trace_id`, `timestamp`) are taken and the rest ignored; a `guardrails` field
    holding a `Context` or dict wins. An actor that is not named is an agent: adapters run on an
    agent's tool calls.
    """
    if isinstance(source, Context):
        return source
    nested = _field(source, "guardrails")
    if isinstance(nested, Context):
        return nested
    if nested is not None:
        source = nested
    fields = {name: value for name in _CONTEXT_FIELDS if (value := _field(source, name)) is not None}
    fields.setdefault("actor", {"kind": "agent"})
    return fields


def _field(source: Any, name: str) -> Any:
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


class Gate:
    """Evaluates tool calls with one guard and the adapter's options."""

    def __init__(
        self,
        guard: Guard | None,
        *,
        context: ContextSource,
        on_error: OnError,
        on_approval: OnApproval,
        audit: Callable[[Verdict], None] | None,
    ) -> None:
        if on_error not in ("deny", "allow"):
            raise ValueError(f"on_error must be 'deny' or 'allow', not {on_error!r}")
        if on_approval not in ("interrupt", "deny"):
            raise ValueError(f"on_approval must be 'interrupt' or 'deny', not {on_approval!r}")
        self.guard = guard if guard is not None else Guard.recommended()
        self.context = context
        self.on_error = on_error
        self.on_approval = on_approval
        self.audit = audit

    def check(self, tool: str, args: Any, run_context: Any) -> Outcome:
        """Evaluates a call of `tool` with `args`; `run_context` is the framework's run context."""
        try:
            verdict = self.guard.evaluate(Action.tool_call(tool, args), self._context(run_context))
        except Exception as exc:  # fail closed: any failure to evaluate refuses the call
            if self.on_error == "allow":
                return Outcome("run", "", None)
            return Outcome("refuse", f"Access Guardrails could not check this call, so it did not run: {exc}", None)
        if self.audit is not None:
            self.audit(verdict)
        if verdict.allowed:
            return Outcome("run", "", verdict)
        if verdict.denied or self.on_approval == "deny":
            return Outcome("refuse", verdict.reason, verdict)
        return Outcome("ask", verdict.reason, verdict)

    def _context(self, run_context: Any) -> Context | Mapping[str, Any]:
        source = self.context
        if source is None:
            return context_from(run_context)
        if callable(source) and not isinstance(source, Context):
            return context_from(source(run_context))
        return source


def approval_request(tool_call_id: str | None, name: str, args: Any, outcome: Outcome) -> dict[str, Any]:
    """The payload shown to the human who approves or rejects a call."""
    verdict = outcome.verdict
    return {
        "type": "access_guardrails.approval",
        "tool_call_id": tool_call_id,
        "name": name,
        "args": args,
        "reason": outcome.message,
        "findings": [f.to_dict() for f in verdict.findings] if verdict is not None else [],
        "policy": verdict.policy if verdict is not None else None,
    }


def approved(answer: Any) -> tuple[bool, str | None]:
    """Reads a human's answer: `{"type": "approve"}`, `{"type": "reject", "message": …}`, `True`,
    `False`, `"approve"` or `"reject"`. Anything else is a rejection (fail closed)."""
    if answer is True or answer == "approve":
        return True, None
    if isinstance(answer, Mapping):
        kind = answer.get("type", answer.get("decision"))
        message = answer.get("message")
        return kind in ("approve", "approved", "accept"), message if isinstance(message, str) else None
    return False, None


def rejection_message(reviewer_message: str | None, outcome: Outcome) -> str:
    """What the model sees when a human rejected the call."""
    why = reviewer_message or outcome.message
    return f"A reviewer rejected this call, so it did not run: {why}"
