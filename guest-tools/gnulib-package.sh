# Steps shared by the recipes of GNU packages that build with gnulib and autoconf (coreutils,
# sed): sourced by their build.sh, never run on its own.
#
# Their configure scripts take minutes, so the configured tree is kept and reused: it lives
# beside OUT_DIR (in its parent directory, which `mirror reference` and `mirror fidelity`
# share between the recipes of one package's programs) as NAME.wasi or NAME.native, is
# used under a lock, and is made afresh only when the tarball, the patches, the target or
# the configure options change. Objects compile by relative paths with -ffile-prefix-map and
# archive deterministically, so rebuilds give the same bytes.
#
# wasi compiles with guest-tools/wasi-compat/cc (clang --target=wasm32-wasi with bookworm's
# wasi-libc and the compatibility layer); native with the host's cc.

guest_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wasi_cc="$guest_tools/wasi-compat/cc"

# gnulib_configure NAME TARBALL TARGET OUT_DIR PATCH_DIR EXTRA_CFLAGS CONFIGURE_OPTION...
# Leaves the shell in the configured tree (the variable `tree`) with the generated headers
# and sources made.
gnulib_configure() {
    local name=$1 tarball=$2 target=$3 out=$4 patches=$5 cflags=$6
    shift 6
    tree="$(dirname "$out")/$name.$target"
    exec 9>"$tree.lock"
    flock 9
    local stamp patch
    stamp=$({
        basename "$tarball"
        for patch in "$patches"/*.patch; do
            if [ -e "$patch" ]; then cat "$patch"; fi
        done
        printf '%s\n' "$target" "$cflags" "$@"
    } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$tree/.mirror-configured" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$tree"
        mkdir -p "$tree"
        tar -xJf "$tarball" -C "$tree" --strip-components=1
        for patch in "$patches"/*.patch; do
            [ -e "$patch" ] || continue
            patch -s -d "$tree" -p1 <"$patch"
        done
        cflags="-O2 -ffile-prefix-map=$tree=. $cflags"
        if [ "$target" = wasi ]; then
            (cd "$tree" && FORCE_UNSAFE_CONFIGURE=1 CC="$wasi_cc" AR=llvm-ar RANLIB=llvm-ranlib CFLAGS="$cflags" \
                ./configure --host=wasm32-wasi "$@" >configure.out)
        else
            (cd "$tree" && FORCE_UNSAFE_CONFIGURE=1 CFLAGS="$cflags" ./configure "$@" >configure.out)
        fi
        echo "$stamp" >"$tree/.mirror-configured"
    fi
    cd "$tree"
    make -s -f Makefile -f - mirror-built-sources >/dev/null <<'EOF'
mirror-built-sources: $(BUILT_SOURCES)
EOF
    if [ "$target" = wasi ] && [ -f lib/signal.h ]; then
        # WASI's NSIG is 65; gnulib's signal.h asserts that a sigset_t holds 32 signals.
        sed -i 's/NSIG <= 32 ? 1 : -1/1/' lib/signal.h
    fi
}

# gnulib_wasi_library LIBRARY: builds what compiles of the gnulib library LIBRARY (modules
# the programs never call, such as fts, pipes, threads and sockets, do not compile for WASI)
# and archives those objects, sorted, as mirror-lib.a for the programs to link against.
gnulib_wasi_library() {
    make -s -k -j2 "$1" >build-lib.out 2>&1 || true
    rm -f mirror-lib.a
    # shellcheck disable=SC2046
    llvm-ar rcsD mirror-lib.a $(find "$(dirname "$1")" -name '*.o' | LC_ALL=C sort)
}

# gnulib_make_var VARIABLE: the value of a variable of the generated Makefile.
gnulib_make_var() {
    make -s -f Makefile -f - mirror-print-var <<EOF
mirror-print-var: ; @echo \$($1)
EOF
}

# gnulib_wasi_program PROGRAM LIBRARY OUT.wasm [LDFLAG...]: links PROGRAM (its automake name,
# such as src/numfmt) from its objects and its LDADD archives, with mirror-lib.a (see
# gnulib_wasi_library) in place of the gnulib LIBRARY.
gnulib_wasi_program() {
    local program=$1 library=$2 wasm=$3
    shift 3
    local name=${program//[\/.-]/_} objects archives=() made=() item
    objects=$(gnulib_make_var "${name}_OBJECTS")
    for item in $(gnulib_make_var "${name}_LDADD"); do
        case $item in
            "$library") archives+=(mirror-lib.a) ;;
            *.a) archives+=("$item") made+=("$item") ;;
        esac
    done
    # shellcheck disable=SC2086
    make -s $objects "${made[@]}" >/dev/null
    # shellcheck disable=SC2086
    "$wasi_cc" -O2 -o "$wasm" $objects "${archives[@]}" "$@"
}
