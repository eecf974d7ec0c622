#!/usr/bin/env bash
# The README's test command (`npm test`): obtains Node >= 22.15, installs, builds, installs the real
# Prometheus / Alertmanager / Collector the end-to-end tests run, type-checks and runs every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/prepare.sh
echo "genai-meter: node $(node --version), npm $(npm --version 2>/dev/null)"
prepare_install
prepare_build all
if [ -f scripts/tools/ensure.sh ]; then bash scripts/tools/ensure.sh; fi
tsc -p tsconfig.json --noEmit
mkdir -p .cache
rc=0
vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-report.json "$@" || rc=$?
# The summary also fails the run when no report was written or no test ran.
node scripts/test-summary.mjs .cache/vitest-report.json || { [ "$rc" -ne 0 ] || rc=1; }
exit $rc
