# Sourced by the tool installers: where built tools are cached, and the check-lock-recheck pattern that
# lets concurrent runs share one build.
tools_dir="${GENAI_METER_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/genai-meter/tools}"

# reuse_or_lock NAME BIN OVERRIDE: prints OVERRIDE, or BIN when it is already built, and exits; otherwise
# returns holding NAME's lock (until the caller exits), so the caller builds BIN exactly once.
reuse_or_lock() {
  local name="$1" bin="$2" override="$3"
  if [ -n "$override" ]; then echo "$override"; exit 0; fi
  if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
  mkdir -p "$tools_dir"
  exec 9>"$tools_dir/.$name.lock"
  flock 9
  # Another run may have built it while this one waited for the lock.
  if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
}
