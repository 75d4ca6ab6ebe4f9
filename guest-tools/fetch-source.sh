#!/usr/bin/env bash
# Prints the path of a pinned source archive, downloading it once into a cache and checking
# its sha256 on every use, so that a recipe never builds from bytes it did not pin. Usage:
# fetch-source.sh URL SHA256
# The cache is $MIRROR_SOURCES, or ~/.cache/mirror/sources. Debian's archive serves source
# files at http://deb.debian.org/debian/pool/main/<letter>/<package>/<file>.
set -euo pipefail
url=$1
want=$2
cache=${MIRROR_SOURCES:-$HOME/.cache/mirror/sources}
mkdir -p "$cache"
file="$cache/$want-${url##*/}"
if [ ! -f "$file" ]; then
    partial=$(mktemp "$cache/.partial.XXXXXX")
    trap 'rm -f "$partial"' EXIT
    curl -fsSL --retry 3 -o "$partial" "$url" || { echo "fetch-source.sh: cannot download $url" >&2; exit 1; }
    mv "$partial" "$file"
fi
got=$(sha256sum "$file" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
    echo "fetch-source.sh: $url has sha256 $got, the recipe pins $want" >&2
    rm -f "$file"
    exit 1
fi
printf '%s\n' "$file"
