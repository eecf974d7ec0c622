# Sourced by the project's scripts: puts a Node >= 22.15 first on PATH.
# The machines ship Node 20; current OpenTelemetry JS (3.1 / 0.301) and openai 7 need >= 22.15,
# so an older machine node is replaced by the real binary that the npm package node-linux-<arch>@24 carries.
_gm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_gm_need_major=22
_gm_need_minor=15
_gm_node_ok() {
  local v
  v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  [ "$major" -gt "$_gm_need_major" ] || { [ "$major" -eq "$_gm_need_major" ] && [ "$minor" -ge "$_gm_need_minor" ]; }
}
if ! command -v node >/dev/null 2>&1 || ! _gm_node_ok node; then
  case "$(uname -m)" in
    x86_64) _gm_arch=x64 ;;
    aarch64|arm64) _gm_arch=arm64 ;;
    *) echo "genai-meter: no Node >= 22.15 on PATH and no node-linux package for $(uname -m)" >&2; return 1 ;;
  esac
  _gm_dir="${GENAI_METER_NODE_DIR:-$_gm_root/.cache/node}"
  _gm_bin="$_gm_dir/node_modules/node-linux-$_gm_arch/bin"
  if ! [ -x "$_gm_bin/node" ] || ! _gm_node_ok "$_gm_bin/node"; then
    echo "genai-meter: fetching Node 24 (npm package node-linux-$_gm_arch@24) into $_gm_dir" >&2
    mkdir -p "$_gm_dir"
    npm install --prefix "$_gm_dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$_gm_arch@24" >&2 || return 1
  fi
  export PATH="$_gm_bin:$PATH"
  _gm_node_ok node || { echo "genai-meter: Node on PATH is still older than 22.15" >&2; return 1; }
fi
