#!/usr/bin/env bash
# Builds GNU sed 4.9 (Debian's orig tarball, upstream bytes, no Debian patches) with gnulib's
# regex on both targets, so that the WASI and native builds match the same way. Usage:
# build.sh wasi|native OUT_DIR; writes OUT_DIR/sed.wasm or OUT_DIR/sed. The configured tree
# is kept and reused (see ../gnulib-package.sh).
set -euo pipefail
target=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
case $target in
    # gnulib's rawmemchr wants UCHAR_WIDTH and UINTPTR_WIDTH, which wasi-libc lacks. WASI
    # programs have one thread, so setlocale needs no lock (and wasi-libc has none to give).
    wasi)
        cflags="-DUCHAR_WIDTH=8 -DUINTPTR_WIDTH=32"
        options=(gl_cv_func_setlocale_null_all_mtsafe=yes gl_cv_func_setlocale_null_one_mtsafe=yes)
        ;;
    native) cflags="" options=() ;;
    *) echo "usage: build.sh wasi|native OUT_DIR" >&2; exit 2 ;;
esac
# shellcheck source=../gnulib-package.sh
. "$here/../gnulib-package.sh"

tarball=$("$here/../fetch-source.sh" \
    http://deb.debian.org/debian/pool/main/s/sed/sed_4.9.orig.tar.xz \
    6e226b732e1cd739464ad6862bd1a1aba42d7982922da7a53519631d24975181)
gnulib_configure sed-4.9 "$tarball" "$target" "$out" "$here/patches" "$cflags" \
    --disable-nls --disable-acl --without-selinux --with-included-regex --disable-threads \
    --disable-dependency-tracking --disable-silent-rules "${options[@]}"
if [ "$target" = native ]; then
    make -s -j2 sed/sed >/dev/null
    cp sed/sed "$out/sed"
    exit 0
fi
gnulib_wasi_library lib/libsed.a
gnulib_wasi_program sed/sed lib/libsed.a "$out/sed.wasm"
