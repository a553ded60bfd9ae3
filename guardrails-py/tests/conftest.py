"""Shared fixtures: the test policy and the actions the suites use.

Dangerous commands appear here only as data handed to the guard; nothing runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from access_guardrails import Guard

POLICY = Path(__file__).with_name("policy.yaml")

PRODUCTION_AGENT = {"environment": "production", "actor": {"id": "billing-bot", "kind": "agent"}}

SAFE_SQL = "SELECT id, total FROM invoices WHERE id = 42"
DROP_SQL = "DROP TABLE users"
APPROVAL_SQL = "ALTER TABLE orders DROP COLUMN note"


@pytest.fixture(scope="session")
def guard() -> Guard:
    return Guard.from_file(POLICY)
