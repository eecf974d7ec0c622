#!/usr/bin/env bash
# The README's main-job command (`npm run demo`): prepares the repo on first use, then runs scripts/demo.mjs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
prepare_install >&2
prepare_build stale >&2
exec node "$(dirname "${BASH_SOURCE[0]}")/demo.mjs" "$@"
