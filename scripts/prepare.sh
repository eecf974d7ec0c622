# Sourced by test.sh and demo.sh: Node >= 22.15 on PATH, dependencies installed, packages built.
# `prepare_build all` rebuilds every package; `prepare_build stale` only those whose sources changed.
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
_gm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_gm_root/node_modules/.bin:$PATH"

prepare_install() {
  if [ ! -f "$_gm_root/node_modules/.package-lock.json" ] || [ "$_gm_root/package-lock.json" -nt "$_gm_root/node_modules/.package-lock.json" ]; then
    (cd "$_gm_root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

prepare_build() {
  local stale=() p
  if [ "${1:-all}" = all ]; then
    node "$_gm_root/scripts/build.mjs"
    return
  fi
  for p in pricing simulator instrumentation-core instrumentation-openai instrumentation-anthropic instrumentation-ai instrumentation-google-genai node mixin; do
    local dir="$_gm_root/packages/$p"
    if [ ! -f "$dir/dist/index.js" ] || [ -n "$(find "$dir/src" "$dir/package.json" -newer "$dir/dist/index.js" -print -quit)" ]; then stale+=("$p"); fi
  done
  if [ "${#stale[@]}" -gt 0 ]; then node "$_gm_root/scripts/build.mjs" "${stale[@]}"; fi
}
