#!/usr/bin/env bash
# Builds dirname, false and numfmt from GNU coreutils 9.1 (Debian's orig tarball, upstream
# bytes, no Debian patches). Usage: build.sh wasi|native OUT_DIR; writes OUT_DIR/{dirname,
# false,numfmt}.wasm or OUT_DIR/{dirname,false,numfmt}. The configured tree is kept and
# reused by the three tasks' recipes (see ../gnulib-package.sh).
set -euo pipefail
target=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
programs="dirname false numfmt"
case $target in
    # WASI has no list of mounted file systems; say there is one (getmntent) so that configure
    # goes on: mountlist.c then fails to compile, and none of these programs needs it. WASI
    # programs have one thread, so setlocale needs no lock (and wasi-libc has none to give).
    wasi) options=(ac_cv_func_getmntent=yes fu_cv_sys_mounted_getmntent1=yes
        gl_cv_func_setlocale_null_all_mtsafe=yes gl_cv_func_setlocale_null_one_mtsafe=yes) ;;
    native) options=() ;;
    *) echo "usage: build.sh wasi|native OUT_DIR" >&2; exit 2 ;;
esac
# shellcheck source=../gnulib-package.sh
. "$here/../gnulib-package.sh"

tarball=$("$here/../fetch-source.sh" \
    http://deb.debian.org/debian/pool/main/c/coreutils/coreutils_9.1.orig.tar.xz \
    61a1f410d78ba7e7f37a5a4f50e6d1320aca33375484a3255eddf17a38580423)
gnulib_configure gnu-coreutils-9.1 "$tarball" "$target" "$out" "$here/patches" "" \
    --disable-nls --disable-acl --disable-xattr --disable-libcap --disable-libsmack --disable-threads \
    --without-selinux --without-libgmp --without-openssl --disable-dependency-tracking --disable-silent-rules "${options[@]}"
if [ "$target" = native ]; then
    # shellcheck disable=SC2046
    make -s -j2 $(printf 'src/%s ' $programs) >/dev/null
    for p in $programs; do cp "src/$p" "$out/$p"; done
    exit 0
fi
gnulib_wasi_library lib/libcoreutils.a
for p in $programs; do
    # numfmt prints long doubles: wasi-libc's printf needs its long-double part for that.
    gnulib_wasi_program "src/$p" lib/libcoreutils.a "$out/$p.wasm" -lc-printscan-long-double
done
