#!/usr/bin/env bash
# The test command: installs what the tests need (pinned, idempotent), then type-checks, lints
# and runs every test. Workflow tests start the real Temporal dev server from .venv; storage
# tests start a real S3-compatible server on loopback. Needs no network beyond the package
# registries used by the install step.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/install.sh
mkdir -p .corpusflow

status=0
npm run --silent typecheck || status=$?
npm run --silent lint || status=$?
npx vitest run --reporter=default --reporter=json --outputFile.json=.corpusflow/vitest-report.json "$@" || status=$?

# One plain closing line that any CI log reader understands.
if [ -f .corpusflow/vitest-report.json ]; then
  node -e '
    const report = require("./.corpusflow/vitest-report.json");
    const skipped = report.numPendingTests + report.numTodoTests;
    console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  '
fi
exit "$status"
