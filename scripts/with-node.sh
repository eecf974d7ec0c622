#!/usr/bin/env bash
# Runs a command with a Node >= 22.15 first on PATH (see node-env.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
exec "$@"
