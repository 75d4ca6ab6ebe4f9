#!/usr/bin/env bash
# Builds util-linux 2.38.1's cal, rev and uuidparse (the tasks cal, rev and uuidparse) from
# Debian's orig tarball, with the patches in patches/. Usage: build.sh wasi|native OUT_DIR;
# writes OUT_DIR/{cal,rev,uuidparse}.wasm (with guest-tools/wasi-compat/cc) or
# OUT_DIR/{cal,rev,uuidparse} (with the host's cc, for fidelity checks). configure only
# writes config.h and libsmartcols.h; each program then compiles from its own list of
# sources, by relative paths and without debug information, so rebuilds give the same bytes.
# cal is util-linux's test_cal (cal with -DTEST_CAL): it reads the time from CAL_TEST_TIME
# when set, which the task sets to Mirror's fixed clock so that native runs agree.
set -euo pipefail
target=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
case $target in
    wasi) cc="$here/../wasi-compat/cc" host=--host=wasm32-wasi suffix=.wasm ;;
    native) cc=${CC:-cc} host= suffix= ;;
    *) echo "usage: build.sh wasi|native OUT_DIR" >&2; exit 2 ;;
esac
tarball=$("$here/../fetch-source.sh" \
    http://deb.debian.org/debian/pool/main/u/util-linux/util-linux_2.38.1.orig.tar.xz \
    60492a19b44e6cf9a3ddff68325b333b8b52b6c59ce3ebd6a0ecaa4c5117e84f)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -xf "$tarball" -C "$work"
src=$work/util-linux-2.38.1
for patch in "$here"/patches/*.patch; do
    patch -d "$src" -p1 -s < "$patch"
done

# Every optional library off: the three programs need none.
without="ncurses ncursesw tinfo python systemd udev libz libmagic readline user btrfs cap-ng selinux audit
         utempter econf smack"
# shellcheck disable=SC2046,SC2086
(cd "$src" && CC="$cc" CFLAGS=-O2 ./configure $host --disable-all-programs --enable-libuuid --enable-libsmartcols \
    --disable-shared --enable-static --disable-nls --disable-asciidoc --disable-poman --disable-bash-completion \
    $(for lib in $without; do printf ' --without-%s' "$lib"; done) > configure.log 2>&1) ||
    { tail -n 40 "$src/configure.log" >&2; exit 1; }

# compile NAME FLAGS... -- SOURCES...: OUT_DIR/NAME from SOURCES (under the source tree).
compile() {
    local name=$1 flags=()
    shift
    while [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    (cd "$src" && "$cc" -O2 -include config.h -Iinclude "${flags[@]}" -o "$out/$name$suffix" "$@")
}

lib() { for name in "$@"; do printf 'lib/%s.c\n' "$name"; done; }
in_dir() { local dir=$1; shift; for name in "$@"; do printf '%s/%s.c\n' "$dir" "$name"; done; }

# shellcheck disable=SC2046
compile cal -DTEST_CAL -- misc-utils/cal.c $(lib strutils mbsalign timeutils ttyutils colors color-names)
compile rev -- text-utils/rev.c
# shellcheck disable=SC2046
compile uuidparse -Ilibuuid/src -Ilibsmartcols/src -- misc-utils/uuidparse.c \
    $(in_dir libuuid/src isnull pack parse unpack uuid_time) \
    $(in_dir libsmartcols/src iter symbols cell column line table print print-api version calculate grouping walk init) \
    $(lib strutils timeutils mbsalign jsonwrt buffer ttyutils color-names)
