#!/usr/bin/env bash
# The Node package's tests: installs the locked dev dependencies, builds the addon (release),
# type-checks, then runs node's test runner. Needs node >= 20.17, npm and a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm ci (guardrails-node)"
npm ci --no-audit --no-fund --loglevel=error

echo "== napi build --release"
npx napi build --platform --release --js binding.js --dts binding.d.ts

echo "== tsc --noEmit"
npx tsc --noEmit -p test/tsconfig.json

echo "== node --test"
node --test test/

echo "== example"
node ../examples/node/agent.mjs
