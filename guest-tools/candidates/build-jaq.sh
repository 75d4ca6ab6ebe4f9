#!/usr/bin/env bash
# Builds jaq 3.1.2 (a jq clone in Rust) for wasm32-wasip1 as a candidate for the jq task.
# fd-lock 4.0.4, which jaq depends on, has a fallback for other targets that does not
# compile; a copy with that fallback mended is patched in. Usage: build-jaq.sh OUT_DIR.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source=$("$(dirname "$0")/../fetch-crate-source.sh" fd-lock 4.0.4)
cp -r "$source" "$work/fd-lock"
sed -i 's/        pub use unsupported;/        pub use unsupported::*;\n        pub(crate) use std::os::fd::AsFd as AsOpenFile;/' "$work/fd-lock/src/sys/mod.rs"
sed -i -e 's/std::os::unix::io::AsRawFd/std::os::fd::AsFd/' -e 's/AsRawFd/AsFd/g' "$work"/fd-lock/src/sys/unsupported/*.rs
cargo install -q --locked jaq@3.1.2 --no-default-features --target wasm32-wasip1 --root "$work/root" \
    --target-dir "$work/target" --config "patch.crates-io.fd-lock.path=\"$work/fd-lock\""
cp "$work/root/bin/jaq.wasm" "$out/jaq.wasm"
