"""The framework-free part of every adapter: where the context comes from, what the gate answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from access_guardrails import Context, Guard, Verdict
from access_guardrails.adapters._gate import Gate, approved, context_from

from ..conftest import APPROVAL_SQL, DROP_SQL, SAFE_SQL


@dataclass
class AppContext:
    environment: str
    user_id: str = "u-1"


class Settings:
    environment = "staging"
    roles = ("dba",)


CONTEXTS = [
    pytest.param(None, {"actor": {"kind": "agent"}}, id="none"),
    pytest.param(
        {"environment": "production", "tenant": "t1"},
        {"environment": "production", "actor": {"kind": "agent"}},
        id="dict",
    ),
    pytest.param(AppContext("development"), {"environment": "development", "actor": {"kind": "agent"}}, id="dataclass"),
    pytest.param(Settings(), {"environment": "staging", "roles": ("dba",), "actor": {"kind": "agent"}}, id="object"),
    pytest.param(
        {"guardrails": {"environment": "dev", "actor": {"kind": "service"}}, "environment": "production"},
        {"environment": "dev", "actor": {"kind": "service"}},
        id="nested-dict-wins",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CONTEXTS)
def test_context_from(source: Any, expected: dict[str, Any]) -> None:
    assert context_from(source) == expected


def test_context_objects_pass_through() -> None:
    ctx = Context(environment="production", actor_kind="human")
    assert context_from(ctx) is ctx
    assert context_from({"guardrails": ctx}) is ctx


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"type": "approve"}, (True, None)),
        ({"type": "reject", "message": "no"}, (False, "no")),
        (True, (True, None)),
        ("approve", (True, None)),
        (False, (False, None)),
        ("yes please", (False, None)),
        (None, (False, None)),
        ({"message": "?"}, (False, "?")),
    ],
)
def test_approval_answers_fail_closed(answer: Any, expected: tuple[bool, str | None]) -> None:
    assert approved(answer) == expected


def test_gate_outcomes_and_audit(guard: Guard) -> None:
    seen: list[Verdict] = []
    gate = Gate(
        guard, context={"environment": "production"}, on_error="deny", on_approval="interrupt", audit=seen.append
    )
    assert gate.check("run_sql", {"query": SAFE_SQL}, None).action == "run"
    assert gate.check("run_sql", {"query": DROP_SQL}, None).action == "refuse"
    ask = gate.check("run_sql", {"query": APPROVAL_SQL}, None)
    assert ask.action == "ask" and ask.verdict is not None and ask.verdict.needs_approval
    assert [v.decision for v in seen] == ["allow", "deny", "require_approval"]


def test_gate_fails_closed_on_unconvertible_arguments(guard: Guard) -> None:
    gate = Gate(guard, context=None, on_error="deny", on_approval="deny", audit=None)
    outcome = gate.check("run_sql", {"query": object()}, None)
    assert outcome.action == "refuse" and outcome.verdict is None
    assert "could not check" in outcome.message
