"""The framework-free part of every adapter: where the context comes from, what the gate answers."""

from __future__ import annotations

import gc
import json
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any
from uuid import UUID

import pytest

from access_guardrails import AuditLog, Context, Guard, InvalidContextError, ToolCallAudit
from access_guardrails.adapters._gate import Gate, approved, context_from, reviewer

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
    pytest.param(Settings(), {"environment": "staging", "roles": ["dba"], "actor": {"kind": "agent"}}, id="object"),
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
    seen: list[ToolCallAudit] = []
    gate = Gate(
        guard, context={"environment": "production"}, on_error="deny", on_approval="interrupt", audit=seen.append
    )
    run = gate.check("run_sql", {"query": SAFE_SQL}, None)
    refuse = gate.check("run_sql", {"query": DROP_SQL}, None)
    ask = gate.check("run_sql", {"query": APPROVAL_SQL}, None)
    assert (run.action, refuse.action) == ("run", "refuse")
    assert ask.action == "ask" and ask.verdict is not None and ask.verdict.needs_approval
    assert seen == []  # checking writes nothing: the adapter records the call's final fate
    gate.record(run, "run_sql", "c0")
    gate.record(refuse, "run_sql", "c1")
    gate.record(ask, "run_sql", "c2", "approved", approved_by="alice", reviewer_message="ok")
    assert [(r.decision, r.result) for r in seen] == [
        ("allow", "ran"),
        ("deny", "refused"),
        ("require_approval", "approved"),
    ]
    record = seen[2].audit()
    assert record["tool_call_id"] == "c2" and record["approved_by"] == "alice" and record["reviewer_message"] == "ok"
    assert record["rules"] and record["policy"] == guard.policy


def test_on_approval_deny_says_the_call_did_not_run(guard: Guard) -> None:
    gate = Gate(guard, context={"environment": "production"}, on_error="deny", on_approval="deny", audit=None)
    outcome = gate.check("run_sql", {"query": APPROVAL_SQL}, None)
    assert outcome.action == "refuse" and "did not run" in outcome.message and "approval" in outcome.message


def test_failures_are_audited(guard: Guard, tmp_path) -> None:
    seen: list[ToolCallAudit] = []
    gate = Gate(guard, context=None, on_error="deny", on_approval="deny", audit=seen.append)
    outcome = gate.check("run_sql", {"query": object()}, None)
    gate.record(outcome, "run_sql", "c9")
    (record,) = seen
    assert record.result == "refused" and record.decision is None and record.verdict is None
    assert record.error is not None and "JSON" in record.error
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log:
        log(record)
    line = json.loads(path.read_text())
    assert line["decision"] is None and line["tool_call_id"] == "c9" and line["result"] == "refused"
    assert line["action"] == {"kind": "tool_call", "name": "run_sql"} and "time" in line


def test_reviewer_is_read_from_the_answer() -> None:
    assert reviewer({"type": "approve", "by": "alice"}) == "alice"
    assert reviewer({"type": "approve"}) is None
    assert reviewer(True) is None


class Env(Enum):
    PROD = "production"


@dataclass
class RichContext:
    environment: Env
    session_id: UUID = field(default_factory=lambda: UUID(int=7))
    timestamp: datetime = field(default_factory=lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    trace_id: int = 42
    roles: frozenset[str] = frozenset({"dba"})
    user_id: object = field(default_factory=object)  # not a context field: ignored


def test_context_from_converts_ids_and_timestamps(guard: Guard) -> None:
    converted = context_from(RichContext(Env.PROD))
    assert converted == {
        "environment": "production",
        "session_id": str(UUID(int=7)),
        "timestamp": "2026-01-02T03:04:05+00:00",
        "trace_id": "42",
        "roles": ["dba"],
        "actor": {"kind": "agent"},
    }
    gate = Gate(guard, context=None, on_error="deny", on_approval="deny", audit=None)
    assert gate.check("run_sql", {"query": SAFE_SQL}, RichContext(Env.PROD)).action == "run"


@dataclass
class Actor:
    id: str
    kind: str


def test_context_from_reads_actor_objects() -> None:
    assert context_from({"actor": Actor("bot", "service")}) == {"actor": {"id": "bot", "kind": "service"}}


def test_unreadable_context_field_fails_closed_with_a_clear_message(guard: Guard) -> None:
    with pytest.raises(InvalidContextError, match="'environment'"):
        context_from({"environment": 3.5})
    gate = Gate(guard, context=None, on_error="deny", on_approval="deny", audit=None)
    outcome = gate.check("run_sql", {"query": SAFE_SQL}, {"environment": 3.5})
    assert outcome.action == "refuse" and "'environment'" in outcome.message and "did not run" in outcome.message


def test_async_context_function_is_refused_without_a_warning(guard: Guard) -> None:
    async def ctx(run_context: Any) -> dict[str, Any]:
        return {"environment": "development"}

    gate = Gate(guard, context=ctx, on_error="deny", on_approval="deny", audit=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outcome = gate.check("run_sql", {"query": SAFE_SQL}, None)
        gc.collect()
    assert outcome.action == "refuse" and "synchronous" in outcome.message


def test_gate_fails_closed_on_unconvertible_arguments(guard: Guard) -> None:
    gate = Gate(guard, context=None, on_error="deny", on_approval="deny", audit=None)
    outcome = gate.check("run_sql", {"query": object()}, None)
    assert outcome.action == "refuse" and outcome.verdict is None
    assert "could not check" in outcome.message
