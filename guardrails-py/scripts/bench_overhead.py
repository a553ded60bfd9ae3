"""What the Python binding adds to one evaluation, measured in one run.

For a short SQL action, times `guard.evaluate(action, context)` from Python and the same
`Guard::evaluate` in a Rust loop inside the extension (`_native._bench_core`), and prints the
difference. Also times the dict path (action and context as plain dicts) and a trivial binding
call (a property read) as the floor of any call into the extension. Each figure is the best of
several repeats, to keep other work on the machine out of it.

    python scripts/bench_overhead.py [--iterations N]
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

from access_guardrails import Action, Context, Guard, _native, build_info

SQL = "SELECT id, total FROM invoices WHERE id = 42"
TARGET_NS = 1500.0


def per_call_ns(fn: Callable[[], object], iterations: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter_ns() - start) / iterations)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    n, r = args.iterations, args.repeats

    guard = Guard.recommended()
    action = Action.sql(SQL, dialect="postgres")
    context = Context(environment="production", actor_id="billing-bot", actor_kind="agent")
    action_dict = action.to_dict()
    context_dict = context.to_dict()
    assert guard.evaluate(action, context).allowed

    rust = min(_native._bench_core(guard, action, context, n) for _ in range(r))
    built = per_call_ns(lambda: guard.evaluate(action, context), n, r)
    dicts = per_call_ns(lambda: guard.evaluate(action_dict, context_dict), n, r)
    trivial = per_call_ns(lambda: guard.name, n, r)
    overhead = built - rust

    print(f"# {build_info}; Python {platform.python_version()}; {platform.machine()}; {time.strftime('%Y-%m-%d')}")
    print(f"# short SQL ({len(SQL)} B, postgres), recommended policy, agent in production; best of {r} x {n}")
    print(f"rust Guard::evaluate (in-extension loop) : {rust:8.0f} ns")
    print(f"python guard.evaluate(Action, Context)   : {built:8.0f} ns  (+{overhead:.0f} ns, {built / rust:.2f}x)")
    print(f"python guard.evaluate(dict, dict)        : {dicts:8.0f} ns  (+{dicts - rust:.0f} ns, {dicts / rust:.2f}x)")
    print(f"trivial binding call (guard.name)        : {trivial:8.0f} ns")
    verdict = "within" if overhead <= TARGET_NS else "OVER"
    print(f"binding overhead {overhead / 1000:.2f} us per evaluate: {verdict} the {TARGET_NS / 1000:.1f} us target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
