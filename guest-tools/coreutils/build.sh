#!/usr/bin/env bash
# Rebuilds coreutils.wasm, the guest tools module Mirror embeds, from its pinned source:
# uutils coreutils 0.12.0 with the feat_wasm utilities, as one multicall wasm32-wasip1 module.
# Then update the utility list in runner/src/tools.rs if the version changes, and run the tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rustup target add wasm32-wasip1
cargo install coreutils@0.12.0 --locked --no-default-features --features feat_wasm \
    --target wasm32-wasip1 --root "$work/root" --target-dir "$work/target"
cp "$work/root/bin/coreutils.wasm" "$here/coreutils.wasm"
sha256sum "$here/coreutils.wasm"
