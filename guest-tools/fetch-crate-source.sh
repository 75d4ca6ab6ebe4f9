#!/usr/bin/env bash
# Prints the directory of a pinned crate's source, fetching it into cargo's registry first:
# for build recipes that need a crate's files rather than its library. Usage:
# fetch-crate-source.sh NAME VERSION
set -euo pipefail
name=$1
version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n[workspace]\n' \
    "$name" "$version" > "$work/Cargo.toml"
echo 'fn main() {}' > "$work/src/main.rs"
cargo fetch -q --manifest-path "$work/Cargo.toml"
cargo metadata -q --format-version 1 --manifest-path "$work/Cargo.toml" | python3 -c '
import json, os, sys
packages = json.load(sys.stdin)["packages"]
print(os.path.dirname(next(p for p in packages if p["name"] == sys.argv[1])["manifest_path"]))' "$name"
