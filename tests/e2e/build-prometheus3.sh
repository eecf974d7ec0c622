#!/usr/bin/env bash
# Builds Prometheus 3.x from the Go module proxy for the optional second run of tests/e2e, and caches it
# at ${XDG_CACHE_HOME:-~/.cache}/genai-meter/tools/prometheus3/prometheus (the e2e test picks it up there,
# or from PROMETHEUS3_BIN). Not run by CI by default: it costs minutes on a cold Go cache.
#
# Why not `go install github.com/prometheus/prometheus/cmd/prometheus@v0.3xx.0`: Prometheus 3.x is
# published as Go module versions v0.3xx.y (3.15.0 = v0.315.0), and those go.mod files carry
# replace/exclude directives, which `go install pkg@version` refuses. (v0.316.0 has none, but some of its
# pseudo-version dependencies are refused by proxy.golang.org: "This module version is not available".)
# So: a throw-away main module that requires the release and copies its replace/exclude directives.
# The binary has no web UI assets (the API, which the test uses, works without them).
set -euo pipefail

VERSION="${PROMETHEUS3_MODULE_VERSION:-v0.315.0}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/genai-meter/tools/prometheus3"
BIN="$CACHE/prometheus"
STAMP="$CACHE/version"

if [[ -x "$BIN" && "$(cat "$STAMP" 2>/dev/null)" == "$VERSION" ]]; then
  echo "prometheus3: cached $BIN ($VERSION)"
  exit 0
fi
command -v go >/dev/null || { echo "prometheus3: go not found" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

upstream_mod="$(go mod download -json "github.com/prometheus/prometheus@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[[ -f "$upstream_mod" ]] || { echo "prometheus3: cannot download github.com/prometheus/prometheus@$VERSION" >&2; exit 1; }

{
  echo "module genai-meter/prometheus3-build"
  echo
  echo "go $(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')"
  echo
  echo "require github.com/prometheus/prometheus $VERSION"
  echo
  # replace/exclude lines and blocks of the upstream go.mod, verbatim.
  awk '/^(replace|exclude)[[:space:]]*\($/ {blk=1} blk {print; if ($0 ~ /^\)/) blk=0; next} /^(replace|exclude)[[:space:]]/ {print}' "$upstream_mod"
} > go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/prometheus/prometheus/cmd/prometheus"\n' > tools.go

start=$(date +%s)
go mod tidy
mkdir -p "$CACHE"
go build -trimpath -o "$BIN.tmp" github.com/prometheus/prometheus/cmd/prometheus
mv "$BIN.tmp" "$BIN"
echo "$VERSION" > "$STAMP"
echo "prometheus3: built $("$BIN" --version 2>&1 | head -1) in $(( $(date +%s) - start )) s -> $BIN"
