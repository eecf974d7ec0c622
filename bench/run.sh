#!/usr/bin/env bash
# Runs every benchmark (about 6 minutes on 2 cores; --quick: about a minute; --only a,b: those sections) and prints the
# tables.
# Installs bench/ dependencies when missing (they never enter the workspace install) and builds the
# packages under test when their dist is missing or older than their sources.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/node-env.sh

install() { # dir
  if [ ! -d "$1/node_modules" ] || [ "$1/package.json" -nt "$1/node_modules/.package-lock.json" ]; then
    echo "bench: installing $1 dependencies" >&2
    mkdir -p .cache
    flock .cache/npm.lock npm install --prefix "$1" --no-audit --no-fund --loglevel=error >&2
  fi
}
install bench
install bench/openai7

# @genai-meter/node inlines the instrumentation packages into its bundle: its dist is stale when theirs is.
stale=()
for pkg in pricing simulator instrumentation-core instrumentation-openai instrumentation-anthropic instrumentation-google-genai instrumentation-ai node; do
  dist="packages/$pkg/dist/index.cjs"
  sources=("packages/$pkg/src")
  [ "$pkg" = node ] && sources+=(packages/instrumentation-*/src)
  if [ ! -f "$dist" ] || [ -n "$(find "${sources[@]}" -newer "$dist" -print -quit)" ]; then stale+=("$pkg"); fi
done
if [ "${#stale[@]}" -gt 0 ]; then
  echo "bench: building ${stale[*]}" >&2
  node scripts/build.mjs "${stale[@]}" >&2
fi

exec node --import tsx bench/src/main.ts "$@"
