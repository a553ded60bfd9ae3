"""Thread safety (many threads share one Guard) and GIL release (evaluation runs in parallel)."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from access_guardrails import Action, Guard

from .conftest import APPROVAL_SQL, DROP_SQL, PRODUCTION_AGENT, SAFE_SQL

ACTIONS = [
    Action.sql(SAFE_SQL, dialect="postgres"),
    Action.sql(DROP_SQL, dialect="postgres"),
    Action.sql(APPROVAL_SQL, dialect="postgres"),
    Action.shell("git log --oneline -20"),
    {"kind": "tool_call", "tool": "run_sql", "args": {"query": DROP_SQL}},
    {"kind": "shell", "command": "bash -c \"psql -c 'DELETE FROM t WHERE 1=1'\""},
]


def test_many_threads_share_one_guard(guard: Guard) -> None:
    expected = [guard.evaluate(a, PRODUCTION_AGENT).to_dict() for a in ACTIONS]

    def work(i: int) -> list[dict]:
        return [guard.evaluate(ACTIONS[(i + k) % len(ACTIONS)], PRODUCTION_AGENT).to_dict() for k in range(300)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(64)))
    for i, verdicts in enumerate(results):
        for k, verdict in enumerate(verdicts):
            assert verdict == expected[(i + k) % len(ACTIONS)]


def _slow_action() -> Action:
    """An HTTP request whose large body takes the engine milliseconds to scan."""
    body = {
        "items": [{"id": i, "note": f"routine maintenance note number {i} for the nightly job"} for i in range(6000)]
    }
    return Action.http("POST", "https://collector.example.net/ingest", body=body)


def test_evaluate_releases_the_gil(guard: Guard) -> None:
    """Another Python thread runs while `evaluate` is inside the engine.

    The switch interval is made so long that a thread holding the GIL keeps it until it blocks or
    releases it. The other thread wakes while the main thread holds the GIL and is about to
    evaluate; it can only run before the main thread marks itself done if `evaluate` released the
    GIL. No timing is asserted: the outcome is decided by who holds the GIL.
    """
    action = _slow_action()
    assert guard.evaluate(action, PRODUCTION_AGENT) is not None
    state = {"main_done": False, "seen_main_done": None}
    go = threading.Event()

    def other() -> None:
        go.wait()
        state["seen_main_done"] = state["main_done"]

    thread = threading.Thread(target=other)
    thread.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        go.set()
        for _ in range(20):
            guard.evaluate(action, PRODUCTION_AGENT)
        state["main_done"] = True
    finally:
        sys.setswitchinterval(interval)
    thread.join()
    assert state["seen_main_done"] is False
