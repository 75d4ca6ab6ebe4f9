#!/usr/bin/env bash
# Builds jq 1.6 from the C sources vendored in the crate jq-src 0.4.1, without oniguruma
# (so test, match, capture, scan, split/2, splits, sub and gsub report that regexes are
# unavailable). Sources compile by relative path, so that rebuilds give the same bytes. Usage: build.sh wasi|native OUT_DIR; writes OUT_DIR/jq.wasm or OUT_DIR/jq.
# wasi needs clang with wasi-libc (apt-get install -y --no-install-recommends clang lld
# wasi-libc libclang-rt-dev-wasm32); native needs a C compiler.
set -euo pipefail
target=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jq="$("$here/../fetch-crate-source.sh" jq-src 0.4.1)/modules/jq"

mkdir -p "$work/src"
cp "$jq"/src/*.c "$jq"/src/*.h "$jq"/src/builtin.jq "$work/src/"
rm "$work/src/inject_errors.c"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$work/src/builtin.jq" > "$work/src/builtin.inc"
echo '#define JQ_VERSION "1.6"' > "$work/src/version.h"

math="ACOS ACOSH ASIN ASINH ATAN ATAN2 ATANH CBRT CEIL COPYSIGN COS COSH EXP EXP2 EXPM1 FABS FDIM FLOOR FMA FMAX
      FMIN FMOD FREXP HYPOT LDEXP LGAMMA LGAMMA_R LOG LOG10 LOG1P LOG2 LOGB MODF NEARBYINT NEXTAFTER NEXTTOWARD POW
      REMAINDER RINT ROUND SCALBLN SIN SINH SQRT TAN TANH TGAMMA TRUNC MEMMEM GMTIME STRFTIME TIMEGM STRPTIME ISATTY
      TM_TM_GMT_OFF"
defines="-DIEEE_8087 -D_GNU_SOURCE $(for m in $math; do printf ' -DHAVE_%s' "$m"; done)"
case $target in
    wasi)
        cp "$here/pwd.h" "$here/wasi_shims.c" "$work/src/"
        # shellcheck disable=SC2086
        (cd "$work" && clang --target=wasm32-wasi -O2 -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS $defines \
            -Isrc -I. -o "$out/jq.wasm" src/*.c -lwasi-emulated-signal -lwasi-emulated-process-clocks -lm)
        ;;
    native)
        # shellcheck disable=SC2086
        (cd "$work" && cc -O2 $defines -Isrc -I. -o "$out/jq" src/*.c -lm)
        ;;
    *) echo "usage: build.sh wasi|native OUT_DIR" >&2; exit 2 ;;
esac
