#!/usr/bin/env bash
# Builds examples/go-consumer offline in GOPATH mode from Debian's packages (golang-go,
# golang-github-nats-io-go-nats-dev, golang-github-xeipuuv-gojsonschema-dev; installed when missing)
# and prints the binary's path. Usage: build.sh [work dir, default .hyperflow/go]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$here/../../.hyperflow/go}"
pkgs=(golang-go golang-github-nats-io-go-nats-dev golang-github-xeipuuv-gojsonschema-dev)
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/github.com/nats-io/nats.go ] \
  || [ ! -d /usr/share/gocode/src/github.com/xeipuuv/gojsonschema ]; then
  echo "go-consumer: installing ${pkgs[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
mkdir -p "$work/src" "$work/bin" "$work/cache"
ln -sfn "$here" "$work/src/go-consumer"
(cd "$work/src/go-consumer" && GO111MODULE=off GOPATH="$work:/usr/share/gocode" GOCACHE="$work/cache" \
  GOFLAGS= GOPROXY=off go build -o "$work/bin/go-consumer" .)
echo "$work/bin/go-consumer"
