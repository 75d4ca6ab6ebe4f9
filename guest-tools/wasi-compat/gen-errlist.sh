#!/usr/bin/env bash
# Writes src/errlist.h: glibc's strerror text for every errno name wasi-libc defines, indexed
# by WASI's numbers. Run on a glibc host (the committed table comes from Debian bookworm's
# glibc 2.36) after a wasi-libc upgrade: guest-tools/wasi-compat/gen-errlist.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every E* name of wasi-libc but the aliases and WASI's own ENOTCAPABLE (glibc has no text).
names=$(awk '$1 == "#define" && $2 ~ /^E/ && $3 ~ /^__WASI_ERRNO_/ && $2 != "ENOTCAPABLE" {print $2}' \
    /usr/include/wasm32-wasi/__errno_values.h | sort)
{
    echo '#include <errno.h>'
    echo '#include <stdio.h>'
    echo '#include <string.h>'
    echo 'int main(void) {'
    for name in $names; do
        echo "    printf(\"    [$name] = \\\"%s\\\",\\n\", strerror($name));"
    done
    echo '    return 0;'
    echo '}'
} > "$work/gen.c"
cc -o "$work/gen" "$work/gen.c"
{
    echo '/* glibc strerror texts by WASI errno number; written by gen-errlist.sh, do not edit. */'
    "$work/gen"
} > "$here/src/errlist.h"
