#!/usr/bin/env bash
# Installs the real programs the pipeline tests run, and writes their paths to .cache/tools.env:
#   - Debian's prometheus (prometheus + promtool) and prometheus-alertmanager (alertmanager + amtool);
#   - the genai-meter OpenTelemetry Collector, built from otel-collector/builder/manifest.yaml with the
#     OpenTelemetry Collector Builder from the Go module proxy, cached per manifest hash;
#   - a Docker Compose v2 CLI built from the Go module proxy (ensure-compose.sh), for `compose config`
#     on docker-compose.yml: no engine runs here;
#   - Prometheus 3.x and its promtool built from the Go module proxy (ensure-prometheus3.sh), cached per
#     version, for the second pass of tests/e2e and of the rule unit tests (what users run, next to 2.42).
# Idempotent: when everything is present it only checks and rewrites the env file (well under a second).
# Called by scripts/test.sh before the tests; safe to run by hand and concurrently (one lock).
#
# Settings (environment):
#   GENAI_METER_TOOLS_DIR  where built tools are cached (default ${XDG_CACHE_HOME:-$HOME/.cache}/genai-meter/tools)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
manifest="$root/otel-collector/builder/manifest.yaml"
source "$root/scripts/tools/lib.sh"
env_file="$root/.cache/tools.env"

log() { echo "ensure-tools: $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_total="$(now)"

mkdir -p "$tools_dir" "$root/.cache"
# One ensure at a time per tools dir: parallel test runs must not build the collector twice.
exec 9>"$tools_dir/.ensure.lock"
flock 9

# ---------------------------------------------------------------- Debian packages
# Debian names the Alertmanager binary prometheus-alertmanager; other installs call it alertmanager.
find_bin() { local n; for n in "$@"; do command -v "$n" 2>/dev/null && return 0; done; return 1; }

debian_tools_present() {
  find_bin prometheus >/dev/null && find_bin promtool >/dev/null &&
    find_bin prometheus-alertmanager alertmanager >/dev/null && find_bin amtool >/dev/null
}

install_debian_tools() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root or sudo to apt-get install prometheus prometheus-alertmanager"; return 1; }
    sudo="sudo"
  fi
  # Package postinstall scripts would start system services listening on all interfaces (:9090, :9093).
  # A policy-rc.d that answers 101 ("action forbidden") stops invoke-rc.d and deb-systemd-invoke from
  # starting them; remove it afterwards only if we created it.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from genai-meter scripts/tools/ensure.sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    created_policy=1
  fi
  local rc=0
  $sudo apt-get update -qq || rc=$?
  if [ "$rc" -eq 0 ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      prometheus prometheus-alertmanager >/dev/null || rc=$?
  fi
  if [ "$created_policy" -eq 1 ]; then $sudo rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || { log "apt-get failed ($rc)"; return "$rc"; }
  # Belt and braces on hosts running systemd: the tests start their own instances on 127.0.0.1.
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    $sudo systemctl disable --now prometheus.service prometheus-alertmanager.service >/dev/null 2>&1 || true
  fi
}

t="$(now)"
if debian_tools_present; then
  log "debian packages: present ($(elapsed "$t") s)"
else
  log "debian packages: installing prometheus prometheus-alertmanager"
  install_debian_tools
  debian_tools_present || { log "prometheus/promtool/alertmanager/amtool still missing after install"; exit 1; }
  log "debian packages: installed ($(elapsed "$t") s)"
fi
# Nothing of ours may listen on all interfaces: a leftover Debian service would also collide with the
# default ports users try by hand. Stop it when systemd runs it; otherwise report it.
if command -v ss >/dev/null; then
  if ss -ltnH 2>/dev/null | awk '{print $4}' | grep -Eq '^(0\.0\.0\.0|\*|\[::\]):(9090|9093|9094)$'; then
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
      systemctl disable --now prometheus.service prometheus-alertmanager.service >/dev/null 2>&1 || true
    fi
    if ss -ltnH 2>/dev/null | awk '{print $4}' | grep -Eq '^(0\.0\.0\.0|\*|\[::\]):(9090|9093|9094)$'; then
      log "warning: something listens on all interfaces on 9090/9093/9094 (not started by this script)"
    fi
  fi
fi

# ---------------------------------------------------------------- OpenTelemetry Collector
[ -f "$manifest" ] || { log "missing $manifest"; exit 1; }
otel_version="$(awk '/^dist:/ { in_dist = 1; next } /^[^ #]/ { in_dist = 0 } in_dist && $1 == "version:" { print $2; exit }' "$manifest")"
[ -n "$otel_version" ] || { log "no dist.version in $manifest"; exit 1; }
manifest_hash="$(sha256sum "$manifest" | cut -c1-12)"
otelcol_bin="$tools_dir/otelcol-genai-meter-$otel_version-$manifest_hash"

t="$(now)"
if [ -x "$otelcol_bin" ]; then
  log "collector: cached $otelcol_bin ($(elapsed "$t") s)"
else
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null || { log "Go >= 1.24 is needed to build the collector (none on PATH)"; exit 1; }
  log "collector: building v$otel_version (manifest $manifest_hash) with $(go version | awk '{print $3}')"
  export GOFLAGS="${GOFLAGS:--buildvcs=false}"

  ocb="$tools_dir/ocb-v$otel_version/builder"
  if [ ! -x "$ocb" ]; then
    t_ocb="$(now)"
    GOBIN="$tools_dir/ocb-v$otel_version" go install "go.opentelemetry.io/collector/cmd/builder@v$otel_version"
    log "collector: builder v$otel_version installed ($(elapsed "$t_ocb") s)"
  fi

  build_dir="$tools_dir/build-$otel_version-$manifest_hash"
  rm -rf "$build_dir"
  mkdir -p "$build_dir"
  # The manifest stays free of machine paths; the output path is added to a copy here.
  sed "s|^dist:.*|dist:\n  output_path: $build_dir/src|" "$manifest" >"$build_dir/manifest.yaml"
  t_build="$(now)"
  if ! "$ocb" --config "$build_dir/manifest.yaml" >"$build_dir/build.log" 2>&1; then
    grep -v '^go: downloading' "$build_dir/build.log" | tail -40 >&2
    log "collector: build failed (full log: $build_dir/build.log)"
    exit 1
  fi
  log "collector: compiled ($(elapsed "$t_build") s)"
  # Rename into place so a concurrent reader never sees a half-written binary.
  mv "$build_dir/src/otelcol-genai-meter" "$otelcol_bin.tmp.$$"
  mv "$otelcol_bin.tmp.$$" "$otelcol_bin"
  rm -rf "$build_dir"
  # Older builds of other manifests are dead weight (each is ~100 MB).
  find "$tools_dir" -maxdepth 1 -name 'otelcol-genai-meter-*' ! -name "$(basename "$otelcol_bin")" -type f -delete
  log "collector: built $otelcol_bin, $(du -m "$otelcol_bin" | cut -f1) MB ($(elapsed "$t") s)"
fi

# ---------------------------------------------------------------- docker compose (for `compose config`)
t="$(now)"
compose_bin="$(bash "$root/scripts/tools/ensure-compose.sh")"
log "docker compose: $compose_bin ($(elapsed "$t") s)"

# ---------------------------------------------------------------- Prometheus 3.x (second e2e pass)
t="$(now)"
prometheus3_bin="$(bash "$root/scripts/tools/ensure-prometheus3.sh")"
log "prometheus 3: $prometheus3_bin ($(elapsed "$t") s)"
t="$(now)"
promtool3_bin="$(bash "$root/scripts/tools/ensure-prometheus3.sh" promtool)"
log "promtool 3: $promtool3_bin ($(elapsed "$t") s)"

# ---------------------------------------------------------------- env file for the tests
{
  echo "# written by scripts/tools/ensure.sh; read by tests/support/tools.ts"
  echo "PROMETHEUS_BIN=$(find_bin prometheus)"
  echo "PROMTOOL_BIN=$(find_bin promtool)"
  echo "ALERTMANAGER_BIN=$(find_bin prometheus-alertmanager alertmanager)"
  echo "AMTOOL_BIN=$(find_bin amtool)"
  echo "OTELCOL_BIN=$otelcol_bin"
  echo "OTELCOL_VERSION=$otel_version"
  echo "COMPOSE_BIN=$compose_bin"
  echo "PROMETHEUS3_BIN=$prometheus3_bin"
  echo "PROMTOOL3_BIN=$promtool3_bin"
} >"$env_file.tmp.$$"
mv "$env_file.tmp.$$" "$env_file"
log "wrote $env_file; total $(elapsed "$t_total") s"
