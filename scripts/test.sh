#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine. Needs a Rust toolchain (rustup); for the
# Python package, python3 (>= 3.10, venv, pip) with access to PyPI; for the Node package, node
# (>= 20.17) and npm with access to the npm registry. Installs the rustfmt and clippy components
# if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test"
cargo test --workspace

# --- Python package (guardrails-py): builds the wheel into guardrails-py/.venv, runs its tests ---
echo "== guardrails-py (Python package)"
bash guardrails-py/scripts/test.sh

echo "== corpus score (release CLI, acme policy)"
cargo build --release -p guardrails-cli
if [ -f ../shared/tools/score.py ]; then
  python3 ../shared/tools/score.py --corpus shared --adapter guardrails --bin target/release/guardrails \
    --policy examples/policies/acme.yaml --kinds sql,shell,http,tool_call | sed -n '/^overall:/,/^  evasion/p'
fi

echo "== Node package (guardrails-node: npm ci, addon build, tsc, node --test, CLI parity)"
bash guardrails-node/scripts/test.sh
