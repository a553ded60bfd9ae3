"""AuditLog: one JSON line per evaluation, to a file, a stream or a logger."""

from __future__ import annotations

import io
import json
import logging

import pytest

from access_guardrails import Action, AuditLog, Guard

from .conftest import DROP_SQL, PRODUCTION_AGENT, SAFE_SQL


def test_file_gets_one_line_per_evaluation(guard: Guard, tmp_path) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as audit:
        audit(guard.evaluate(Action.sql(SAFE_SQL), PRODUCTION_AGENT))
        audit.record(guard.evaluate(Action.sql(DROP_SQL), PRODUCTION_AGENT))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["decision"] for r in lines] == ["allow", "deny"]
    assert lines[1]["rules"] == ["no-drop-table"]
    assert all(r["time"].endswith("+00:00") for r in lines)
    assert lines[1]["policy"] == guard.policy


def test_stream_stays_open(guard: Guard) -> None:
    stream = io.StringIO()
    audit = AuditLog(stream)
    audit(guard.evaluate(Action.sql(SAFE_SQL)))
    audit.close()
    assert not stream.closed
    assert json.loads(stream.getvalue())["decision"] == "allow"


def test_logger(guard: Guard, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("access_guardrails.test")
    with caplog.at_level(logging.INFO, logger=logger.name):
        AuditLog(logger)(guard.evaluate(Action.sql(DROP_SQL), PRODUCTION_AGENT))
    (record,) = caplog.records
    assert json.loads(record.getMessage())["decision"] == "deny"
