"""What every adapter does before a tool runs: evaluate the call and say run, refuse or ask.

Framework-free, so each adapter only maps the outcome onto its framework's hook.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from .._base import InvalidContextError
from .._native import Action, Context, Guard, Verdict
from ..audit import ToolCallAudit, ToolCallResult

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
    error: str | None = None
    """Why evaluation failed (`verdict` is `None`)."""


def context_from(source: Any) -> Context | dict[str, Any]:
    """The guard's context from a framework's run context.

    A `Context` is used as is. From a dict, a dataclass, a pydantic model or any object, the
    fields the wire format knows are taken and the rest ignored; a `guardrails` field holding a
    `Context` or dict wins. The fields and the values each accepts:

    - `environment`, `session_id`, `trace_id`: a `str`, a `UUID`, an `int` or a `str`-valued
      `Enum` (converted to `str`).
    - `timestamp`: a `str`, or a `datetime` / `date` (converted with `isoformat()`).
    - `roles`: a list, tuple or set of such strings; `labels`: a mapping of such strings.
    - `actor`: a dict, or an object with `id` and `kind`; `approval`: a dict, or an object with
      `by` and `ticket`.

    A field holding anything else raises `InvalidContextError` naming it, which the adapters
    treat as a failure to evaluate (`on_error`, fail closed by default): a field dropped
    silently could change the decision (an unreadable `environment` is no environment at all).
    Map such contexts yourself with the adapter's `context=` function. An actor that is not
    named is an agent: adapters run on an agent's tool calls.
    """
    if isinstance(source, Context):
        return source
    nested = _field(source, "guardrails")
    if isinstance(nested, Context):
        return nested
    if nested is not None:
        source = nested
    fields: dict[str, Any] = {}
    for name in _CONTEXT_FIELDS:
        value = _field(source, name)
        if value is not None:
            fields[name] = _convert(name, value)
    fields.setdefault("actor", {"kind": "agent"})
    return fields


def _field(source: Any, name: str) -> Any:
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _text(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    if isinstance(value, UUID) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise InvalidContextError(
        f"invalid context: the run context's field {name!r} is a {type(value).__name__}, which the guard "
        "cannot read as a string; map the context with the adapter's context= function"
    )


def _convert(name: str, value: Any) -> Any:
    if name == "timestamp" and isinstance(value, (datetime, date)):
        return value.isoformat()
    if name == "roles" and isinstance(value, (list, tuple, set, frozenset)):
        return [_text(f"{name}[]", item) for item in value]
    if name == "labels" and isinstance(value, Mapping):
        return {_text(f"{name} key", k): _text(f"{name}[{k!r}]", v) for k, v in value.items()}
    if name in ("actor", "approval"):
        if isinstance(value, Mapping):
            return dict(value)
        keys = ("id", "kind") if name == "actor" else ("by", "ticket")
        found = {k: _text(f"{name}.{k}", v) for k in keys if (v := getattr(value, k, None)) is not None}
        if not found:
            raise InvalidContextError(
                f"invalid context: the run context's field {name!r} is a {type(value).__name__} "
                f"with none of {', '.join(keys)}"
            )
        return found
    return _text(name, value)


AuditSink = Callable[[ToolCallAudit], None]
"""What the adapters' `audit=` takes: an `AuditLog`, or any function of a `ToolCallAudit`."""


class Gate:
    """Evaluates tool calls with one guard and the adapter's options."""

    def __init__(
        self,
        guard: Guard | None,
        *,
        context: ContextSource,
        on_error: OnError,
        on_approval: OnApproval,
        audit: AuditSink | None,
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
        """Evaluates a call of `tool` with `args`; `run_context` is the framework's run context.

        Writes no audit record: the adapter calls `record` once the call's fate is final."""
        try:
            verdict = self.guard.evaluate(Action.tool_call(tool, args), self._context(run_context))
        except Exception as exc:  # fail closed: any failure to evaluate refuses the call
            return self.failed(exc)
        if verdict.allowed:
            return Outcome("run", "", verdict)
        if verdict.denied:
            return Outcome("refuse", verdict.reason, verdict)
        if self.on_approval == "deny":
            message = (
                "This call needs a human's approval and there is no way to ask for one here, "
                f"so it did not run: {verdict.reason}"
            )
            return Outcome("refuse", message, verdict)
        return Outcome("ask", verdict.reason, verdict)

    def failed(self, exc: BaseException) -> Outcome:
        """The outcome when a call cannot be evaluated: refused, or run with `on_error="allow"`."""
        error = f"{type(exc).__name__}: {exc}"
        if self.on_error == "allow":
            return Outcome("run", "", None, error)
        return Outcome("refuse", f"Access Guardrails could not check this call, so it did not run: {exc}", None, error)

    def record(
        self,
        outcome: Outcome,
        tool: str,
        tool_call_id: str | None,
        result: ToolCallResult | None = None,
        *,
        approved_by: str | None = None,
        reviewer_message: str | None = None,
    ) -> None:
        """Writes the one audit record of a call whose fate is final. `result` defaults to what
        the outcome says (`"ran"` or `"refused"`); after a human's answer it is `"approved"` or
        `"rejected"`."""
        if self.audit is None:
            return
        if result is None:
            result = "ran" if outcome.action == "run" else "refused"
        self.audit(
            ToolCallAudit(
                tool=tool,
                tool_call_id=tool_call_id,
                result=result,
                verdict=outcome.verdict,
                approved_by=approved_by,
                reviewer_message=reviewer_message,
                error=outcome.error,
            )
        )

    def _context(self, run_context: Any) -> Context | Mapping[str, Any]:
        source = self.context
        if source is None:
            return context_from(run_context)
        if callable(source) and not isinstance(source, Context):
            produced = source(run_context)
            if inspect.isawaitable(produced):
                if inspect.iscoroutine(produced):
                    produced.close()  # never awaited: close it rather than leak a RuntimeWarning
                raise TypeError(
                    "context= returned an awaitable: the guard's context function must be synchronous "
                    "(evaluate it before the run, or read the run context without awaiting)"
                )
            return context_from(produced)
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


def reviewer(answer: Any) -> str | None:
    """Who answered, when the answer says so: `{"type": "approve", "by": "alice"}`."""
    if isinstance(answer, Mapping):
        by = answer.get("by", answer.get("approved_by", answer.get("reviewer")))
        return by if isinstance(by, str) else None
    return None


def rejection_message(reviewer_message: str | None, outcome: Outcome) -> str:
    """What the model sees when a human rejected the call."""
    why = reviewer_message or outcome.message
    return f"A reviewer rejected this call, so it did not run: {why}"
