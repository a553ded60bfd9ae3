"""The binding API: building guards, actions and contexts, evaluating, reading verdicts."""

from __future__ import annotations

import asyncio
import json

import pytest

import access_guardrails
from access_guardrails import (
    Action,
    ApprovalRequired,
    Context,
    Decision,
    Guard,
    GuardrailDenied,
    GuardrailsError,
    InvalidActionError,
    Verdict,
    _native,
)

from .conftest import APPROVAL_SQL, DROP_SQL, PRODUCTION_AGENT, SAFE_SQL

# (action, context, decision, intents): each runs as a built `Action` and as a plain dict.
CASES = [
    pytest.param(Action.sql(SAFE_SQL, dialect="postgres"), PRODUCTION_AGENT, "allow", [], id="safe-select"),
    pytest.param(Action.sql(DROP_SQL, dialect="postgres"), PRODUCTION_AGENT, "deny", ["schema.drop"], id="drop"),
    pytest.param(
        Action.sql(APPROVAL_SQL, dialect="postgres"),
        PRODUCTION_AGENT,
        "require_approval",
        ["schema.alter_destructive"],
        id="drop-column",
    ),
    pytest.param(
        Action.sql(APPROVAL_SQL, dialect="postgres"),
        {**PRODUCTION_AGENT, "approval": {"by": "alice", "ticket": "CHG-12"}},
        "allow",
        ["schema.alter_destructive"],
        id="drop-column-approved",
    ),
    pytest.param(Action.sql(APPROVAL_SQL), {"environment": "development"}, "allow", [], id="dev"),
    pytest.param(Action.shell("ls -la ./build"), PRODUCTION_AGENT, "allow", [], id="shell-safe"),
    pytest.param(
        Action.tool_call("run_sql", {"query": DROP_SQL}),
        PRODUCTION_AGENT,
        "deny",
        ["schema.drop"],
        id="tool-call",
    ),
    pytest.param(
        Action.http("GET", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
        PRODUCTION_AGENT,
        "deny",
        ["credential.read"],
        id="http-metadata",
    ),
]


@pytest.fixture(params=["built", "dict"])
def as_input(request: pytest.FixtureRequest):
    """Runs a case through both input paths: built objects, and plain dicts in the wire format."""
    if request.param == "built":
        return lambda action, context: (action, Context.from_dict(context))
    return lambda action, context: (action.to_dict(), context)


@pytest.mark.parametrize(("action", "context", "decision", "intents"), CASES)
def test_decisions(guard: Guard, as_input, action, context, decision, intents) -> None:
    verdict = guard.evaluate(*as_input(action, context))
    assert verdict.decision == decision
    assert verdict.decision is Decision(decision)
    assert sorted({f.intent for f in verdict.findings}) == intents
    assert verdict.allowed == (decision == "allow")
    assert verdict.denied == (decision == "deny")
    assert verdict.needs_approval == (decision == "require_approval")


def test_verdict_is_the_wire_format(guard: Guard) -> None:
    verdict = guard.evaluate(Action.sql(DROP_SQL, dialect="postgres"), PRODUCTION_AGENT)
    data = verdict.to_dict()
    assert data == json.loads(verdict.to_json())
    assert data["decision"] == "deny"
    assert data["reason"] == verdict.reason
    assert data["policy"] == guard.policy == verdict.policy
    assert "no-drop-table" in verdict.reason
    finding = verdict.findings[0]
    assert finding.to_dict() == data["findings"][0]
    assert (finding.rule, finding.intent, finding.severity) == ("no-drop-table", "schema.drop", "high")
    assert finding.span == tuple(data["findings"][0]["span"])
    assert finding.path is None


def test_text_span_counts_characters_not_bytes(guard: Guard) -> None:
    text = "SELECT 'héllo wörld'; " + DROP_SQL
    verdict = guard.evaluate(Action.sql(text, dialect="postgres"), PRODUCTION_AGENT)
    finding = verdict.findings[0]
    start, end = finding.text_span
    assert text[start:end] == text.encode()[finding.span[0] : finding.span[1]].decode()
    assert finding.span != finding.text_span


def test_finding_with_path_has_no_text_span(guard: Guard) -> None:
    verdict = guard.evaluate_tool_call("run_sql", {"query": DROP_SQL}, PRODUCTION_AGENT)
    finding = verdict.findings[0]
    assert finding.path == "$.args.query"
    assert finding.text_span is None


def test_audit_record_redacts_and_names_rules(guard: Guard) -> None:
    verdict = guard.evaluate(Action.sql(DROP_SQL, dialect="postgres"), PRODUCTION_AGENT)
    record = verdict.audit()
    assert record == json.loads(verdict.audit_json())
    assert record["decision"] == "deny"
    assert record["rules"] == ["no-drop-table"]
    assert record["intents"] == ["schema.drop"]
    assert record["action"] == {"kind": "sql", "dialect": "postgres", "text": DROP_SQL}
    assert record["context"] == PRODUCTION_AGENT


def test_audit_records_what_was_judged_even_if_the_dict_changes(guard: Guard) -> None:
    action = {"kind": "sql", "dialect": "postgres", "text": DROP_SQL}
    context = dict(PRODUCTION_AGENT)
    verdict = guard.evaluate(action, context)
    action["text"] = "SELECT 1"
    context["environment"] = "development"
    record = verdict.audit()
    assert record["action"]["text"] == DROP_SQL
    assert record["context"] == PRODUCTION_AGENT


def test_default_context_is_empty_and_fails_closed(guard: Guard) -> None:
    # No environment counts as production.
    assert guard.evaluate(Action.sql(DROP_SQL)).denied
    assert guard.evaluate(Action.sql(DROP_SQL), None).denied


def test_recommended_guard() -> None:
    guard = Guard.recommended()
    assert guard.name == "recommended"
    assert guard.policy.startswith("sha256:")
    assert guard.evaluate(Action.sql("DELETE FROM invoices"), PRODUCTION_AGENT).denied


def test_from_str_json_and_yaml_agree() -> None:
    yaml_guard = Guard.from_str("version: 1\nname: j\nextends: recommended\n")
    json_guard = Guard.from_str('{"version": 1, "name": "j", "extends": "recommended"}', format="json")
    action = Action.sql("DELETE FROM invoices")
    assert yaml_guard.evaluate(action).decision == json_guard.evaluate(action).decision == "deny"


def test_enforce_raises_with_the_verdict(guard: Guard) -> None:
    assert guard.enforce(Action.sql(SAFE_SQL), PRODUCTION_AGENT).allowed
    with pytest.raises(GuardrailDenied) as denied:
        guard.enforce(Action.sql(DROP_SQL), PRODUCTION_AGENT)
    assert isinstance(denied.value, PermissionError)
    assert isinstance(denied.value, GuardrailsError)
    assert denied.value.verdict.denied
    assert str(denied.value) == denied.value.verdict.reason
    with pytest.raises(ApprovalRequired) as approval:
        guard.enforce(Action.sql(APPROVAL_SQL), PRODUCTION_AGENT)
    assert approval.value.verdict.needs_approval


def test_aevaluate_matches_evaluate(guard: Guard) -> None:
    async def main() -> list[Verdict]:
        return list(
            await asyncio.gather(
                guard.aevaluate(Action.sql(DROP_SQL), PRODUCTION_AGENT),
                guard.aevaluate({"kind": "sql", "text": SAFE_SQL}, PRODUCTION_AGENT),
            )
        )

    drop, safe = asyncio.run(main())
    assert asyncio.iscoroutine(coro := guard.aevaluate(Action.sql(SAFE_SQL)))
    assert asyncio.run(coro).allowed
    assert drop.to_dict() == guard.evaluate(Action.sql(DROP_SQL), PRODUCTION_AGENT).to_dict()
    assert safe.allowed


def test_aevaluate_raises_when_awaited(guard: Guard) -> None:
    async def main() -> Verdict:
        return await guard.aevaluate({"kind": "nope"})

    with pytest.raises(InvalidActionError):
        asyncio.run(main())


def test_actions_round_trip() -> None:
    actions = [
        Action.sql(SAFE_SQL, dialect="pg"),
        Action.shell("git status"),
        Action.http("POST", "https://api.example.com/v1/x", headers={"X-A": "1"}, body={"a": [1, 2.5, None, True]}),
        Action.tool_call("run_sql", {"query": SAFE_SQL}),
        Action.file("write", "/tmp/x", content="hi"),
    ]
    for action in actions:
        assert Action.from_dict(action.to_dict()) == action
    assert [a.kind for a in actions] == ["sql", "shell", "http", "tool_call", "file"]
    assert actions[0].to_dict()["dialect"] == "postgres"
    assert Action.tool_call("t").to_dict() == {"kind": "tool_call", "tool": "t", "args": {}}


def test_context_object() -> None:
    ctx = Context(environment="production", actor_id="bot", actor_kind="agent", roles=["dba"], labels={"team": "x"})
    assert ctx.environment == "production"
    assert ctx.to_dict() == {
        "environment": "production",
        "actor": {"id": "bot", "kind": "agent"},
        "roles": ["dba"],
        "labels": {"team": "x"},
    }
    approved = ctx.with_approval("alice", ticket="CHG-1")
    assert approved.to_dict()["approval"] == {"by": "alice", "ticket": "CHG-1"}
    assert Context.from_dict(approved.to_dict()) == approved
    assert "approval" not in ctx.to_dict()


def test_module_metadata() -> None:
    assert access_guardrails.__version__ == _native.__version__
    assert access_guardrails.build_profile in ("debug", "release")
    assert access_guardrails.__version__ in access_guardrails.build_info


def test_intent_literal_matches_the_core() -> None:
    from typing import get_args

    python_side = list(get_args(access_guardrails.Intent))
    assert python_side == list(_native.INTENTS), (
        "paste into access_guardrails/__init__.py:\nIntent = Literal[\n"
        + "".join(f'    "{i}",\n' for i in _native.INTENTS)
        + "]"
    )


def test_public_names() -> None:
    for name in access_guardrails.__all__:
        assert hasattr(access_guardrails, name), name
