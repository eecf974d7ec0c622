#!/usr/bin/env bash
# Prints the path of a Prometheus 3.x binary for the second pass of tests/e2e: $PROMETHEUS3_BIN, else a
# build cached per version under the tools dir, else builds it from the Go module proxy (minutes cold,
# once per version; a cached binary answers in milliseconds). Called by scripts/tools/ensure.sh.
# `ensure-prometheus3.sh promtool` does the same for the release's promtool ($PROMTOOL3_BIN), which runs
# the mixin's rule unit tests on 3.x next to Debian's 2.42.
#
# Why not `go install github.com/prometheus/prometheus/cmd/prometheus@v0.3xx.0`: Prometheus 3.x is
# published as Go module versions v0.3xx.y (3.15.0 = v0.315.0), and those go.mod files carry
# replace/exclude directives, which `go install pkg@version` refuses. (v0.316.0 has none, but some of its
# pseudo-version dependencies are refused by proxy.golang.org: "This module version is not available".)
# So: a throw-away main module that requires the release and copies its replace/exclude directives.
# The binary has no web UI assets (the HTTP API, which the tests use, works without them).
#
# Settings (environment):
#   PROMETHEUS3_BIN              use this binary, build nothing
#   PROMETHEUS3_MODULE_VERSION   module version to build (default v0.315.0 = Prometheus 3.15.0)
#   GENAI_METER_TOOLS_DIR        cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/genai-meter/tools)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
version="${PROMETHEUS3_MODULE_VERSION:-v0.315.0}"
cmd="${1:-prometheus}"
case "$cmd" in
  prometheus) override="${PROMETHEUS3_BIN:-}" ;;
  promtool) override="${PROMTOOL3_BIN:-}" ;;
  *) echo "ensure-prometheus3: unknown command $cmd (prometheus or promtool)" >&2; exit 1 ;;
esac
bin="$tools_dir/${cmd}3-$version"
reuse_or_lock "${cmd}3" "$bin" "$override"

[[ "$version" =~ ^v0\.([0-9]+)\.([0-9]+)$ ]] || { echo "ensure-prometheus3: $version is not a v0.3xx.y module version" >&2; exit 1; }
minor_all="${BASH_REMATCH[1]}" patch="${BASH_REMATCH[2]}"
semver="$((minor_all / 100)).$((minor_all % 100)).$patch"

if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null || { echo "ensure-prometheus3: go is needed to build Prometheus $semver" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "ensure-prometheus3: building $cmd $semver ($version) from the Go module proxy" >&2
start=$(date +%s)
cd "$work"
upstream_mod="$(go mod download -json "github.com/prometheus/prometheus@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$upstream_mod" ] || { echo "ensure-prometheus3: cannot download github.com/prometheus/prometheus@$version" >&2; exit 1; }
{
  echo "module genai-meter/prometheus3-build"
  echo
  echo "go $(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')"
  echo
  echo "require github.com/prometheus/prometheus $version"
  echo
  # replace/exclude lines and blocks of the upstream go.mod, verbatim.
  awk '/^(replace|exclude)[[:space:]]*\($/ {blk=1} blk {print; if ($0 ~ /^\)/) blk=0; next} /^(replace|exclude)[[:space:]]/ {print}' "$upstream_mod"
} >go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/prometheus/prometheus/cmd/%s"\n' "$cmd" >tools.go
go mod tidy >&2
# The version is stamped so `prometheus --version` (and the e2e's check of the major version) can read it.
CGO_ENABLED=0 go build -trimpath -ldflags "-X github.com/prometheus/common/version.Version=$semver" \
  -o "$bin.tmp.$$" "github.com/prometheus/prometheus/cmd/$cmd" >&2
mv "$bin.tmp.$$" "$bin"
echo "ensure-prometheus3: built $("$bin" --version 2>&1 | head -1) in $(($(date +%s) - start)) s -> $bin" >&2
echo "$bin"
