"""The core's SQL and shell fixture tables, through the Python binding.

Each case of `guardrails-core/tests/fixtures/{sql,shell}/*.toml` runs under the same catch-all
policy the Rust suite uses, and must give the same intents (and the same first span, where the case
pins one) as it does in Rust: the binding converts, it does not decide.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from access_guardrails import Action, Guard, _native

if sys.version_info < (3, 11):
    pytest.skip("tomllib needs Python 3.11", allow_module_level=True)

import tomllib

FIXTURES = Path(__file__).resolve().parents[2] / "guardrails-core" / "tests" / "fixtures"
PRODUCTION_AGENT = {"environment": "production", "actor": {"id": "fixture-bot", "kind": "agent"}}


def catch_all(sensitive_tables: list[str]) -> Guard:
    """Every intent requires approval, so every fact becomes a finding; the organisation is
    `example-corp.com` with its `example-corp-*` buckets and `example-corp` GitHub account (as in
    `common/mod.rs` and `shell_common/mod.rs`)."""
    tables = ", ".join(f'"{t}"' for t in sensitive_tables)
    return Guard.from_str(
        "version: 1\nname: catch-all\ndefaults: {unanalyzable: require_approval}\n"
        f"sensitive_tables: [{tables}]\n"
        "organization: {domains: [example-corp.com], github_orgs: [example-corp], buckets: [example-corp-*]}\n"
        f"rules:\n  - id: everything\n    decision: require_approval\n    intents: [{', '.join(_native.INTENTS)}]\n"
    )


def cases() -> list[object]:
    params = []
    for kind in ("sql", "shell"):
        for path in sorted((FIXTURES / kind).glob("*.toml")):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            for case in data["case"]:
                params.append(
                    pytest.param(kind, data.get("sensitive_tables", []), case, id=f"{kind}/{path.stem}/{case['name']}")
                )
    return params


CASES = cases()
_guards: dict[tuple[str, ...], Guard] = {}


@pytest.mark.skipif(not CASES, reason="guardrails-core fixtures not found")
@pytest.mark.parametrize(("kind", "sensitive", "case"), CASES)
def test_fixture_case(kind: str, sensitive: list[str], case: dict) -> None:
    guard = _guards.setdefault(tuple(sensitive), catch_all(sensitive))
    if kind == "sql":
        action = Action.sql(case["input"], dialect=case.get("dialect", "postgres"))
    else:
        action = Action.shell(case["input"])
    verdict = guard.evaluate(action, case.get("context", PRODUCTION_AGENT))
    assert sorted({f.intent for f in verdict.findings}) == sorted(case["intents"])
    if "span" in case:
        assert list(verdict.findings[0].span) == case["span"]
