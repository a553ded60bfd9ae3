#!/usr/bin/env bash
# Builds the Python package (access-guardrails) into a venv this script creates, then runs its
# lints (ruff, mypy, mypy.stubtest), its tests, the example and the binding-overhead benchmark.
# Needs python3 (>= 3.10, with venv and pip), a Rust toolchain and PyPI. Honours
# CARGO_TARGET_DIR; PYTHON picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"

echo "== pip install (maturin, pytest, ruff, mypy, langchain, langgraph, openai-agents; pinned)"
"$py" -m pip install -q --disable-pip-version-check -r requirements-dev.txt

echo "== maturin build --release (abi3 wheel)"
rm -rf dist
"$venv/bin/maturin" build --release --quiet --out dist
"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps dist/access_guardrails-*.whl

echo "== ruff"
"$venv/bin/ruff" check --config pyproject.toml python tests scripts ../examples/python
"$venv/bin/ruff" format --config pyproject.toml --check python tests scripts ../examples/python

echo "== mypy (the package) and mypy.stubtest (the hand-written _native.pyi against the built module)"
"$py" -m mypy python/access_guardrails
"$py" -m mypy.stubtest access_guardrails._native --allowlist .mypy-stubtest-allowlist

echo "== pytest"
"$py" -m pytest -q -p no:cacheprovider tests

echo "== examples (examples/python/)"
"$py" ../examples/python/langchain_agent.py >/dev/null
"$py" ../examples/python/openai_agents_agent.py >/dev/null

echo "== binding overhead (scripts/bench_overhead.py)"
"$py" scripts/bench_overhead.py --iterations 50000 --repeats 5
