"""Types the native module returns and raises. Pure Python; the native module imports it lazily."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._native import Verdict

__all__ = [
    "ApprovalRequired",
    "Decision",
    "GuardrailDenied",
    "GuardrailsError",
    "InvalidActionError",
    "InvalidContextError",
    "PolicyError",
]


class Decision(str, Enum):
    """What the guard decided. A `str`, so `verdict.decision == "deny"` holds."""

    ALLOW = "allow"
    """The action may run."""
    REQUIRE_APPROVAL = "require_approval"
    """The action may run once a human approves it."""
    DENY = "deny"
    """The action must not run."""

    def __str__(self) -> str:
        return self.value


async def _resolved(verdict: Verdict) -> Verdict:
    """The coroutine `Guard.aevaluate` returns when evaluation succeeded."""
    return verdict


async def _failed(error: BaseException) -> Verdict:
    """The coroutine `Guard.aevaluate` returns when evaluation failed: raises when awaited."""
    raise error


class GuardrailsError(Exception):
    """Base class of the errors the guard raises about policies, actions, contexts and decisions.

    The exceptions are Python's own where Python has one: reading a policy file that cannot be
    read raises the `OSError` `open()` would (`FileNotFoundError`, `PermissionError`, with
    `errno` and `filename`), and passing an argument of the wrong type raises `TypeError`.
    """


class PolicyError(GuardrailsError, ValueError):
    """A policy that cannot be loaded: where, which field, which rule, and why."""

    line: int | None
    """The 1-based line of the policy text, when known."""
    column: int | None
    """The 1-based column, when known."""
    field: str | None
    """The path of the offending field, e.g. `rules[3].when.environment`."""
    rule: str | None
    """The id of the offending rule, when the error is inside one."""
    reason: str
    """Why the policy was rejected, without the location."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.field = field
        self.rule = rule
        self.reason = message if reason is None else reason


class InvalidActionError(GuardrailsError, ValueError):
    """An action that is not in the wire format (unknown kind, missing field, unknown dialect)."""


class InvalidContextError(GuardrailsError, ValueError):
    """A context that is not in the wire format (unknown field, wrong type, unknown actor kind)."""


class GuardrailDenied(GuardrailsError, PermissionError):
    """Raised by `Guard.enforce` when the guard denies the action; `.verdict` says why."""

    verdict: Verdict

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict

    def __str__(self) -> str:
        return self.verdict.reason


class ApprovalRequired(GuardrailsError):
    """Raised by `Guard.enforce` when the action needs a human's approval; `.verdict` says why."""

    verdict: Verdict

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict
