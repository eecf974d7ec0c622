#!/usr/bin/env bash
# Runs every benchmark (about 3-4 minutes on 2 cores; --quick: under a minute) and prints the table.
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

for pkg in pricing instrumentation-openai; do
  dist="packages/$pkg/dist/index.cjs"
  if [ ! -f "$dist" ] || [ -n "$(find "packages/$pkg/src" -newer "$dist" -print -quit)" ]; then
    echo "bench: building packages/$pkg" >&2
    node scripts/build.mjs "$pkg" >&2
  fi
done

exec node --import tsx bench/src/main.ts "$@"
