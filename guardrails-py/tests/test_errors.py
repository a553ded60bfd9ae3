"""Error types: what each failure raises, and what it carries."""

from __future__ import annotations

import errno

import pytest

from access_guardrails import (
    Action,
    Context,
    Guard,
    GuardrailsError,
    InvalidActionError,
    InvalidContextError,
    PolicyError,
)

BAD_POLICIES = [
    pytest.param(
        "version: 1\nrules:\n  - id: x\n    decision: blok\n",
        "yaml",
        {"line": 4, "reason_has": "blok"},
        id="unknown-decision",
    ),
    pytest.param("version: 1\nrules: [\n", "yaml", {"line": 3, "reason_has": ""}, id="yaml-syntax"),
    pytest.param('{"version": 1, "rules": 5}', "json", {"line": 1, "reason_has": ""}, id="json-type"),
    pytest.param("version: 2\n", "yaml", {"reason_has": "version"}, id="version"),
]


@pytest.mark.parametrize(("text", "fmt", "expected"), BAD_POLICIES)
def test_policy_error(text: str, fmt: str, expected: dict) -> None:
    with pytest.raises(PolicyError) as err:
        Guard.from_str(text, format=fmt)
    e = err.value
    assert isinstance(e, GuardrailsError) and isinstance(e, ValueError)
    if "line" in expected:
        assert e.line == expected["line"], str(e)
    assert expected["reason_has"] in e.reason
    assert e.reason in str(e)
    if e.line is not None:
        assert str(e).startswith(f"line {e.line}")


def test_policy_error_carries_column_field_and_rule() -> None:
    with pytest.raises(PolicyError) as err:
        Guard.from_str("version: 1\nrules:\n  - id: x\n    decision: blok\n")
    assert err.value.column is not None and err.value.column > 0
    assert err.value.field == "rules[0].decision"


def test_policy_error_names_the_rule() -> None:
    policy = "version: 1\nrules:\n  - id: exempt\n    decision: allow\n    exempts: [nowhere]\n"
    with pytest.raises(PolicyError) as err:
        Guard.from_str(policy)
    assert err.value.rule == "exempt"


def test_unknown_format() -> None:
    with pytest.raises(PolicyError, match="unknown policy format") as err:
        Guard.from_str("version: 1\n", format="toml")  # type: ignore[arg-type]
    assert isinstance(err.value, ValueError) and err.value.field == "format"


def test_missing_policy_file(tmp_path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(FileNotFoundError, match="cannot read policy") as err:
        Guard.from_file(missing)
    assert err.value.errno == errno.ENOENT
    assert err.value.filename == str(missing)


def test_unreadable_policy_path_is_an_os_error(tmp_path) -> None:
    with pytest.raises(IsADirectoryError) as err:
        Guard.from_file(tmp_path)
    assert err.value.errno == errno.EISDIR


def test_from_file_reads_json(tmp_path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"version": 1, "name": "from-json"}')
    assert Guard.from_file(path).name == "from-json"


INVALID_ACTIONS = [
    pytest.param({"kind": "teleport"}, id="unknown-kind"),
    pytest.param({"kind": "sql"}, id="missing-text"),
    pytest.param({"kind": "sql", "text": "SELECT 1", "dialect": "klingon"}, id="unknown-dialect"),
    pytest.param({"kind": "shell", "command": "ls", "extra": 1}, id="unknown-field"),
    pytest.param({"kind": "shell", "command": 5}, id="wrong-type"),
    pytest.param("DROP TABLE x", id="not-a-dict"),
]


@pytest.mark.parametrize("action", INVALID_ACTIONS)
def test_invalid_action(action) -> None:
    with pytest.raises(InvalidActionError) as err:
        Guard.recommended().evaluate(action)
    assert isinstance(err.value, GuardrailsError) and isinstance(err.value, ValueError)


def test_invalid_action_constructors() -> None:
    with pytest.raises(InvalidActionError, match="unknown SQL dialect"):
        Action.sql("SELECT 1", dialect="klingon")
    with pytest.raises(InvalidActionError):
        Action.tool_call("t", {"x": object()})


@pytest.mark.parametrize(
    "context",
    [
        pytest.param({"environment": "production", "region": "eu"}, id="unknown-field"),
        pytest.param({"actor": {"kind": "robot"}}, id="unknown-actor-kind"),
        pytest.param(["production"], id="not-a-dict"),
    ],
)
def test_invalid_context(context) -> None:
    with pytest.raises(InvalidContextError, match="invalid context") as err:
        Guard.recommended().evaluate(Action.shell("ls"), context)
    assert isinstance(err.value, GuardrailsError) and isinstance(err.value, ValueError)
    with pytest.raises(InvalidContextError):
        Context.from_dict(context)


def test_invalid_actor_kind() -> None:
    with pytest.raises(InvalidContextError, match="actor_kind") as err:
        Context(actor_kind="robot")  # type: ignore[arg-type]
    assert isinstance(err.value, GuardrailsError) and isinstance(err.value, ValueError)


def test_types_cannot_be_built_directly() -> None:
    with pytest.raises(TypeError):
        Guard()  # type: ignore[call-arg]
