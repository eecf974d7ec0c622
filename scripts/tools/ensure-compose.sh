#!/usr/bin/env bash
# Prints the path of a Docker Compose v2 CLI that can run `docker compose config` without an engine:
# $COMPOSE_BIN, else a cached build, else builds github.com/docker/compose/v2 from the Go module proxy.
# `go install ...@version` is refused for this module (its go.mod has exclude directives), so the module
# is downloaded and built in place. About 8 minutes cold on 2 cores, then cached per version.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
version="${COMPOSE_VERSION:-v2.40.3}"
bin="$tools_dir/docker-compose-$version"
reuse_or_lock compose "$bin" "${COMPOSE_BIN:-}"

command -v go >/dev/null || { echo "ensure-compose: go is needed to build docker compose $version" >&2; exit 1; }

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
echo "ensure-compose: building docker compose $version from the Go module proxy" >&2
dir="$(go mod download -json "github.com/docker/compose/v2@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$dir" ] || { echo "ensure-compose: go mod download returned no directory" >&2; exit 1; }
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -ldflags "-X github.com/docker/compose/v2/internal.Version=$version" -o "$bin.tmp" ./cmd >&2)
mv "$bin.tmp" "$bin"
echo "$bin"
