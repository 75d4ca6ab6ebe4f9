#!/usr/bin/env python3
"""Generates the cases of the numfmt, dirname and false tasks (coreutils 9.1).

Run from the repository root, then record the goldens:

    python3 guest-tools/gnu-coreutils/cases.py
    mirror record numfmt && mirror record dirname && mirror record false

Every case is a pair: a visible case and a hidden dual that checks the same behaviour on
other inputs (see guest-tools/casegen.py).
"""

import pathlib
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from casegen import Pair, Run, write  # noqa: E402


def args(id, what, visible, hidden, env=None):
    """A pair of command lines without stdin."""
    env = env or {}
    return Pair(id, what, Run(visible, env=env), Run(hidden, env=env))


def piped(id, what, cmd, visible, hidden, hidden_cmd=None, env=None):
    """A pair that feeds `visible` and `hidden` to the same command line on stdin."""
    env = env or {}
    return Pair(id, what, Run(cmd, stdin=visible, env=env), Run(hidden_cmd or cmd, stdin=hidden, env=env))


DF = """\
Filesystem     1B-blocks        Used   Available Use% Mounted on
udev          4096000000           0  4096000000   0% /dev
tmpfs          819200000     1843200   817356800   1% /run
/dev/sda1   105553116266 52776558133 47372591104  53% /
/dev/sdb1  1999421571072 12345678901 1886468726784   1% /data
"""

DF2 = """\
Filesystem     1B-blocks        Used   Available Use% Mounted on
tmpfs         2048000000      512000  2047488000   1% /dev/shm
/dev/nvme0n1p2 511101108224 312456789012 172536217600  65% /
/dev/nvme0n1p1   535805952     6307840   529498112   2% /boot/efi
"""

LS = """\
total 123456
-rw-r--r-- 1 user group      1234 Jan  1 12:00 notes.txt
-rw-r--r-- 1 user group   5678901 Jan  2 13:00 photo.jpg
-rwxr-xr-x 1 user group 987654321 Jan  3 14:00 video.mp4
drwxr-xr-x 2 user group      4096 Jan  4 15:00 src
"""

LS2 = """\
total 98765
-rw-r--r-- 1 ann staff       17 Feb  5 09:30 a.txt
-rw-r--r-- 1 ann staff  3145728 Feb  6 10:45 disk.img
-rw-r--r-- 1 ann staff 73400320 Feb  7 11:15 backup.tar
"""

CSV = "name,size,count\nalpha,1500,3\nbeta,2500000,4\ngamma,7,1000\n"
CSV2 = "id:bytes:blocks\nx:4096:8\ny:1048576:2048\nz:999:1\n"


def numfmt_pairs():
    units = [
        args("to-si", "--to=si scales to powers of 1000 with one decimal",
             "numfmt --to=si 1000 1500 999999", "numfmt --to=si 2000000 7300 123456789"),
        args("to-si-small", "--to=si leaves numbers below 1000 alone",
             "numfmt --to=si 0 1 999", "numfmt --to=si 5 42 998"),
        args("to-si-big", "--to=si up to the largest suffixes",
             "numfmt --to=si 1000000000000 1000000000000000000",
             "numfmt --to=si 3000000000000000 45000000000000000000000"),
        args("to-iec", "--to=iec scales to powers of 1024",
             "numfmt --to=iec 2048 1048576 1536", "numfmt --to=iec 4096 5000 1073741824"),
        args("to-iec-i", "--to=iec-i adds the i suffix",
             "numfmt --to=iec-i 4096 3000000", "numfmt --to=iec-i 1024 10737418240"),
        args("to-iec-small", "--to=iec below 1024", "numfmt --to=iec 1023 10", "numfmt --to=iec 512 1000"),
        args("to-si-decimal-input", "--to=si with fractional input",
             "numfmt --to=si 1234.5 0.5", "numfmt --to=si 98765.4321 0.25"),
        args("to-si-ten", "--to=si shows no decimal from 10 up",
             "numfmt --to=si 10000 99999 100000", "numfmt --to=si 12000 55555 654321"),
        args("to-iec-ten", "--to=iec shows no decimal from 10 up",
             "numfmt --to=iec 10240 1000000", "numfmt --to=iec 20480 600000000"),
        args("from-si", "--from=si reads single-letter suffixes as powers of 1000",
             "numfmt --from=si 1K 2M 3G", "numfmt --from=si 4T 5P 7k"),
        args("from-si-decimal", "--from=si with fractions", "numfmt --from=si 1.5K 2.25M",
             "numfmt --from=si 0.5G 3.125K"),
        args("from-iec", "--from=iec reads suffixes as powers of 1024",
             "numfmt --from=iec 1K 4M", "numfmt --from=iec 2G 3T"),
        args("from-iec-i", "--from=iec-i needs two-letter suffixes",
             "numfmt --from=iec-i 1Ki 3Gi", "numfmt --from=iec-i 2Mi 5Ti"),
        args("from-iec-i-missing", "--from=iec-i refuses a suffix without i",
             "numfmt --from=iec-i 1K", "numfmt --from=iec-i 7M"),
        args("from-auto", "--from=auto reads K as 1000 and Ki as 1024",
             "numfmt --from=auto 1K 1Ki", "numfmt --from=auto 2Mi 2M"),
        args("from-auto-plain", "--from=auto with no suffix", "numfmt --from=auto 1234", "numfmt --from=auto 98"),
        args("from-none-suffix", "without --from a suffix is refused", "numfmt 1K", "numfmt 3M"),
        args("from-si-bad-suffix", "an unknown suffix", "numfmt --from=si 1X", "numfmt --from=si 5Q"),
        args("from-si-i-suffix", "--from=si refuses the i of iec-i", "numfmt --from=si 1Ki", "numfmt --from=si 4Mi"),
        args("from-to", "--from and --to together", "numfmt --from=iec --to=si 1M", "numfmt --from=si --to=iec 5G"),
        args("from-to-i", "--from=iec-i --to=iec-i", "numfmt --from=iec-i --to=iec-i 1536Ki",
             "numfmt --from=iec-i --to=iec-i 10000Mi"),
        args("from-unit", "--from-unit multiplies the input", "numfmt --from-unit=1024 1 10",
             "numfmt --from-unit=512 4 1000"),
        args("to-unit", "--to-unit divides the output", "numfmt --to-unit=1000 5000 123456",
             "numfmt --to-unit=1024 4096 999999"),
        args("units-with-scale", "--from-unit with --to=iec", "numfmt --from-unit=512 --to=iec 2048",
             "numfmt --from-unit=4096 --to=si 1000"),
        args("from-unit-suffix", "--from-unit accepts a suffixed size", "numfmt --from-unit=1K 3",
             "numfmt --from-unit=1Mi 2"),
        args("bad-from-unit", "an invalid --from-unit", "numfmt --from-unit=0 5", "numfmt --from-unit=abc 5"),
        args("bad-to-unit", "an invalid --to-unit", "numfmt --to-unit=x 5", "numfmt --to-unit=-4 5"),
        args("bad-from", "an invalid --from argument", "numfmt --from=foo 1", "numfmt --from=SI 1"),
        args("bad-to", "--to does not take auto", "numfmt --to=auto 1", "numfmt --to=bar 1"),
        args("unit-abbrev", "unit names may be abbreviated", "numfmt --to=iec-i 2048 --from=a 1K",
             "numfmt --from=s --to=ie 3K"),
        args("negative", "negative numbers after --", "numfmt --to=si -- -1500 -999",
             "numfmt --to=iec -- -2048 -1"),
        args("negative-from", "negative numbers with suffixes", "numfmt --from=si -- -2K",
             "numfmt --from=iec -- -1.5M"),
        args("too-large", "a value too large to print exactly without --to (past long double's digits)",
             "numfmt --from=si 1Y", "numfmt --from=si 2E 5000Z"),
        args("too-large-input", "a value too large to convert",
             "numfmt --to=si 1000000000000000000000000000", "numfmt 99999999999999999999999999999"),
        args("too-large-to", "a value too large even with --to",
             "numfmt --to=si 9999999999999999999999999", "numfmt --to=iec 99999999999999999999999999"),
        args("zero", "zero in every scale", "numfmt --to=si 0 --from=si 0K", "numfmt --to=iec-i 0 0.0"),
        args("plain", "no options: the numbers come back unchanged", "numfmt 1 22 333", "numfmt 4444 0 7.5"),
    ]
    rounding = []
    for method, v, h in [
        ("up", "1001 1099 -1001", "2001 99001 -1599"),
        ("down", "1001 1999 -1999", "5999 12345 -1001"),
        ("from-zero", "1001 -1001 1950", "1010 -1999 123"),
        ("towards-zero", "1999 -1999 1050", "2999 -1001 9990"),
        ("nearest", "1449 1450 1451 -1450", "2549 2550 -2551 999"),
    ]:
        rounding.append(args("round-" + method, "--round=%s with --to=si" % method,
                             "numfmt --round=%s --to=si -- %s" % (method, v),
                             "numfmt --round=%s --to=si -- %s" % (method, h)))
        rounding.append(args("round-%s-iec" % method, "--round=%s with --to=iec" % method,
                             "numfmt --round=%s --to=iec 1500 1025" % method,
                             "numfmt --round=%s --to=iec 3071 1048577" % method))
    rounding += [
        args("round-abbrev", "--round methods may be abbreviated", "numfmt --round=n --to=si 1450",
             "numfmt --round=towards --to=si 1990"),
        args("round-bad", "an invalid --round method", "numfmt --round=sideways 1", "numfmt --round=x 1"),
        args("round-ambiguous", "an ambiguous --round abbreviation", "numfmt --round=to 1", "numfmt --round=d 1 --round=t"),
    ]
    formats = [
        args("format-precision", "--format with a precision", "numfmt --format=%.2f 3.14159 2",
             "numfmt --format=%.3f 1 2.71828"),
        args("format-precision-si", "--format precision with --to=si", "numfmt --to=si --format=%.3f 1234567",
             "numfmt --to=iec --format=%.2f 5000"),
        args("format-zero-precision", "--format=%.0f rounds away the fraction", "numfmt --format=%.0f 2.5 3.7",
             "numfmt --to=si --format=%.0f 1500"),
        args("format-width", "--format with a width right-aligns", "numfmt --format=%10f 42 1234",
             "numfmt --format=%8f 7 --to=si 5000"),
        args("format-left", "--format with a negative width left-aligns", "numfmt --format=%-10f 42 1234",
             "numfmt --format=%-8f --to=iec 9000"),
        args("format-zero-pad", "--format with a zero width pads with zeros", "numfmt --format=%08f 42",
             "numfmt --format=%010f -- -17"),
        args("format-text", "--format with text around the directive", "numfmt --format='size: %f bytes' 100",
             "numfmt --to=si --format='[%f]' 2000"),
        args("format-percent", "--format with a literal %%", "numfmt --format=%f%% 50",
             "numfmt --format='%%%f' 3"),
        args("format-grouping-c", "--format=%'f groups nothing in the C locale", "numfmt \"--format=%'f\" 1234567",
             "numfmt \"--format=%'10f\" 9876543"),
        args("format-no-directive", "--format without a directive", "numfmt --format=abc 1", "numfmt --format=%% 1"),
        args("format-two-directives", "--format with two directives", "numfmt --format=%f%f 1",
             "numfmt --format='%f and %f' 1"),
        args("format-bad-directive", "--format with a directive other than f", "numfmt --format=%d 1",
             "numfmt --format=%x 1"),
        args("format-trailing-percent", "--format ending in a lone %", "numfmt --format=%f% 1", "numfmt --format=%.2 1"),
        args("format-bad-width", "--format with a width out of range", "numfmt --format=%99999999999999999999f 1",
             "numfmt --format=%.99999999999999999999f 1"),
        args("format-with-padding", "--format width and --padding together", "numfmt --format=%5f --padding=10 1",
             "numfmt --padding=8 --format=%-4f 2"),
    ]
    padding = [
        args("padding-right", "--padding right-aligns", "numfmt --padding=8 1 1000", "numfmt --padding=12 --to=si 45000"),
        args("padding-left", "a negative --padding left-aligns", "numfmt --padding=-8 1 1000",
             "numfmt --padding=-12 --to=si 45000"),
        args("padding-narrow", "--padding narrower than the number", "numfmt --padding=2 123456",
             "numfmt --padding=-3 987654"),
        args("padding-zero", "--padding=0 is invalid", "numfmt --padding=0 1", "numfmt --padding=abc 1"),
        piped("padding-auto", "input lines with leading blanks keep their width", "numfmt --to=si",
              "      1000\n   2000000\n", "  5000\n      12345678\n"),
        piped("padding-auto-field", "a blank-padded field keeps its width", "numfmt --field=2 --to=iec",
              "a      2048 z\nb   1048576 y\n", "x        4096\ny  1073741824\n"),
    ]
    suffix = [
        args("suffix", "--suffix is appended to outputs", "numfmt --suffix=B 1000", "numfmt --suffix=bytes 42"),
        args("suffix-to", "--suffix after the unit suffix", "numfmt --suffix=B --to=si 1500",
             "numfmt --suffix=/s --to=iec-i 4096"),
        args("suffix-input", "--suffix is accepted on input", "numfmt --suffix=B --from=si 1KB 2B",
             "numfmt --suffix=Hz --from=si --to=si 1500000Hz"),
        args("suffix-input-missing", "input without the --suffix still converts", "numfmt --suffix=B --from=si 1K",
             "numfmt --suffix=B 7"),
        args("suffix-wrong", "input with a different suffix", "numfmt --suffix=B 1000X", "numfmt --suffix=KB --from=si 5MB"),
        args("suffix-padding", "--suffix with --padding", "numfmt --suffix=B --padding=8 10",
             "numfmt --suffix=b --padding=-8 --to=si 1000"),
    ]
    fields = [
        piped("field-2", "--field=2 converts the second field", "numfmt --field=2 --to=si",
              "a 1000 b\nc 2500000 d\n", "x 73000 y\nz 4 w\n"),
        piped("field-range", "--field with a range", "numfmt --field=2-3 --to=iec",
              "f 1024 2048 4096\ng 1 2 3\n", "h 1048576 5000 7\n"),
        piped("field-open-end", "--field=N- to the end of the line", "numfmt --field=2- --to=si",
              "n 1000 2000 3000\n", "m 10 20000 300000000 40\n"),
        piped("field-open-start", "--field=-M from the first field", "numfmt --field=-2 --to=si",
              "1000 2000 3000\n", "45000 678000 9\n"),
        piped("field-all", "--field=- converts every field", "numfmt --field=- --to=si",
              "1000 2000 3000\n", "5 50000 500000000\n"),
        piped("field-list", "--field with a list", "numfmt --field=1,3 --to=si",
              "1000 2000 3000\n", "7000 8000 9000 10000\n"),
        piped("field-beyond", "a --field beyond the line's fields", "numfmt --field=5 --to=si",
              "1000 2000\n", "1 2 3 4\n"),
        args("field-zero", "--field=0 is invalid", "numfmt --field=0 1", "numfmt --field=0-2 1"),
        args("field-bad", "a --field that is not a number", "numfmt --field=a 1", "numfmt --field=2,x 1"),
        args("field-decreasing", "a --field range that decreases", "numfmt --field=3-1 1", "numfmt --field=5-2 1"),
        piped("field-whitespace", "fields separated by runs of blanks and tabs", "numfmt --field=3 --to=si",
              "a  b\t\t5000 c\n", "  x y   6000000\n"),
        args("field-args", "--field applies to numbers given as arguments", "numfmt --field=2 --to=si '1 2000'",
             "numfmt --field=1 --to=si '3000 4000'"),
        args("field-abbrev", "--field abbreviated as --fi", "numfmt --fi 2 --to=si 'x 1000'",
             "numfmt --fie=1 --to=si 9000"),
    ]
    delimiter = [
        piped("delimiter", "-d sets the field delimiter", "numfmt -d, --field=2 --to=si",
              CSV, "a,123456,b\n", "numfmt --delimiter=, --field=2 --to=si"),
        piped("delimiter-colon", "-d: with a field list", "numfmt -d: --field=2,3 --to=iec --header",
              CSV2, "h:a:b\nq:8192:2097152\n"),
        piped("delimiter-padding", "a delimiter with --padding", "numfmt -d, --field=2 --padding=10",
              "x,1,y\nz,22,w\n", "p,333,q\n"),
        args("delimiter-long", "the delimiter must be one character", "numfmt -d ab 1", "numfmt --delimiter=:: 1"),
        piped("delimiter-empty-field", "an empty field between delimiters", "numfmt -d, --field=2",
              "a,,b\n", "c,,\n"),
        piped("delimiter-space", "-d ' ' splits on single spaces", "numfmt -d ' ' --field=3 --to=si",
              "a  5000\n", "b c 7000 d\n"),
    ]
    header = [
        piped("header", "--header passes the first line through", "numfmt --header --field=2 --to=si",
              "name size\nx 1000\ny 20000\n", "file bytes\nz 300000\n"),
        piped("header-n", "--header=N passes N lines through", "numfmt --header=2 --to=iec",
              "one\ntwo\n1024\n2048\n", "first line\nsecond\n4096\n"),
        args("header-zero", "--header=0 is invalid", "numfmt --header=0 1", "numfmt --header=-1 1"),
        piped("header-more", "--header longer than the input", "numfmt --header=5", "a\nb\n", "x\n"),
        piped("df", "a df-style table with --header", "numfmt --header --field=2-4 --to=si", DF, DF2),
        piped("ls", "an ls -l listing, field 5", "numfmt --header --field=5 --to=iec", LS, LS2),
        piped("ls-padding", "an ls -l listing, field 5 with --padding", "numfmt --header --field=5 --to=iec --padding=8",
              LS, LS2),
        Pair("df-file", "a table from a file on stdin redirect",
             Run("numfmt --header --field=2-4 --to=iec-i < df.txt", files={"df.txt": {"fixture": "df.txt"}}),
             Run("numfmt --header --field=2-4 --to=iec-i < df.txt", files={"df.txt": {"fixture": "df2.txt"}})),
    ]
    invalid = [
        args("invalid-number", "a number that is not one", "numfmt abc", "numfmt x12"),
        args("invalid-suffix", "trailing garbage after a number", "numfmt 12abc", "numfmt --from=si 5Kxyz"),
        args("invalid-abort", "by default the first invalid number stops numfmt", "numfmt 1 x 2", "numfmt 5 6 y 7"),
        args("invalid-fail", "--invalid=fail goes on, exit 2", "numfmt --invalid=fail 1 x 2", "numfmt --invalid=fail a 5 b"),
        args("invalid-warn", "--invalid=warn goes on, exit 0", "numfmt --invalid=warn 1 x 2", "numfmt --invalid=warn a 5 b"),
        args("invalid-ignore", "--invalid=ignore is quiet, exit 0", "numfmt --invalid=ignore 1 x 2",
             "numfmt --invalid=ignore a 5 b"),
        args("invalid-abort-explicit", "--invalid=abort", "numfmt --invalid=abort 7 z", "numfmt --invalid=abort q"),
        args("invalid-mode-bad", "an unknown --invalid mode", "numfmt --invalid=stop 1", "numfmt --invalid= 1"),
        piped("invalid-fail-lines", "--invalid=fail over lines of input", "numfmt --invalid=fail --to=si",
              "1000\nabc\n2000\n", "x\n3000\ny\n"),
        piped("invalid-warn-lines", "--invalid=warn over lines of input", "numfmt --invalid=warn --to=si --field=2",
              "a 1000\nb foo\n", "c bar\nd 5000\n"),
        piped("invalid-ignore-lines", "--invalid=ignore over lines of input", "numfmt --invalid=ignore --from=si",
              "1K\n2Q\n3M\n", "junk\n4G\n"),
        piped("invalid-abort-lines", "the default mode over lines of input", "numfmt --to=si",
              "1000\n2000\nnope\n3000\n", "bad\n4000\n"),
        args("empty-arg", "an empty argument", "numfmt ''", "numfmt 1 ''"),
        args("blank-arg", "an argument of blanks", "numfmt ' '", "numfmt '   5'"),
        args("only-sign", "a sign alone", "numfmt -- -", "numfmt +"),
        args("plus-sign", "a leading + sign", "numfmt +5 --to=si +5000", "numfmt --from=si +3K"),
        args("leading-dot", "a number starting with a dot", "numfmt .5 --to=si", "numfmt --from=si .5K"),
        args("trailing-dot", "a number ending with a dot", "numfmt 5.", "numfmt --from=si 5.K"),
        args("two-dots", "a number with two dots", "numfmt 1.2.3", "numfmt 4..5"),
        args("hex-like", "hexadecimal is not a number here", "numfmt 0x10", "numfmt 0x1F"),
        args("exponent", "an exponent is not accepted", "numfmt 1e3", "numfmt 2E5"),
        args("leading-zeros", "leading zeros", "numfmt 007 --to=si 0001000", "numfmt 0000042"),
        args("fraction-precision", "input precision is kept", "numfmt 1.50 2.125", "numfmt 3.0 0.001"),
        args("fraction-from", "a fraction with --from keeps its precision", "numfmt --from=si 1.50K",
             "numfmt --from=iec 0.001K"),
    ]
    misc = [
        piped("stdin", "numbers from stdin, one a line", "numfmt --to=si", "1000\n2000\n3000\n", "999\n1000000\n"),
        piped("stdin-no-newline", "the last line without a newline", "numfmt --to=si", "1000\n2000", "5000"),
        piped("stdin-empty-line", "an empty input line", "numfmt --to=si", "1000\n\n2000\n", "\n7000\n"),
        piped("stdin-crlf", "a carriage return after the number", "numfmt --to=si", "1000\r\n", "5000\r\n"),
        piped("stdin-text-after", "text after the number on a line", "numfmt --to=si", "1000 bytes\n",
              "2000000 blocks used\n"),
        piped("stdin-empty", "empty input", "numfmt --to=si", "", ""),
        piped("stdin-blank-line", "a line of blanks", "numfmt --to=si", "   \n", "\t\n"),
        piped("zero-terminated", "-z reads and writes NUL-terminated items", "numfmt -z --to=si",
              "1000\x002000\x00", "5000000\x00", "numfmt --zero-terminated --to=si"),
        piped("zero-terminated-tr", "-z through tr", "numfmt -z --to=iec | tr '\\0' '\\n'",
              "1024\x002048\x00", "4096\x00"),
        piped("zero-terminated-newline", "-z keeps newlines inside an item", "numfmt -z --field=2 --to=si",
              "a 1000\nb\x00", "c 9000\x00"),
        args("args-and-stdin", "arguments win over stdin", "numfmt --to=si 1000", "numfmt --to=iec 1024"),
        piped("pipe-in", "numbers from another program", "seq 1000 1000 3000 | numfmt --to=si", None, None,
              "seq 500 1500 5000 | numfmt --to=si"),
        piped("pipe-out", "numfmt's output through sort", "numfmt --to=si | sort", "3000\n1000\n2000\n",
              "9000\n5000\n"),
        args("grouping-c", "--grouping does nothing in the C locale", "numfmt --grouping 1234567",
             "numfmt --grouping 9876543210"),
        args("grouping-to", "--grouping with --to", "numfmt --grouping --to=si 1234567",
             "numfmt --grouping --from=si 12M"),
        args("grouping-utf8", "--grouping in C.UTF-8 (no thousands separator there)", "numfmt --grouping 1234567",
             "numfmt --grouping 7654321", env={"LC_ALL": "C.UTF-8"}),
        args("locale-unavailable", "LC_ALL names a locale the system lacks: numfmt runs in the C locale",
             "numfmt --grouping 1234567", "numfmt --grouping --format=%.1f 7654321.5",
             env={"LC_ALL": "en_US.UTF-8"}),
        args("locale-unavailable-de", "a German locale the system lacks: the decimal point stays '.'",
             "numfmt 1.5 --to=si 1500", "numfmt --from=si 2.5K", env={"LC_ALL": "de_DE.UTF-8"}),
        args("utf8-quotes", "messages quote with curly quotes in a UTF-8 locale", "numfmt abc", "numfmt 1K",
             env={"LC_ALL": "C.UTF-8"}),
        args("utf8-lang", "LANG=C.UTF-8 gives the curly quotes too", "numfmt --from=iec-i 1K", "numfmt 5x",
             env={"LANG": "C.UTF-8"}),
        args("utf8-invalid-mode", "an invalid argument quoted in a UTF-8 locale", "numfmt --to=foo 1",
             "numfmt --round=bar 1", env={"LC_ALL": "C.UTF-8"}),
        args("posix-locale", "LC_ALL=POSIX behaves as C", "numfmt --grouping 1234567 abc",
             "numfmt --grouping 12 x", env={"LC_ALL": "POSIX"}),
        args("debug-no-conversion", "--debug warns that nothing converts", "numfmt --debug 1000", "numfmt --debug 5"),
        args("debug-grouping", "--debug warns that grouping does nothing in C", "numfmt --debug --grouping --to=si 5000",
             "numfmt --debug --grouping --from=si 5K"),
        args("debug-padding", "--debug with padding and a format", "numfmt --debug --padding=5 --format=%5f 1",
             "numfmt --debug --to=si --padding=4 --format=%-6f 2"),
        args("debug-invalid", "--debug reports failed conversions", "numfmt --debug --to=si 1 x",
             "numfmt --debug --invalid=warn --to=si y 2"),
        piped("debug-header", "--debug with --header on too little input", "numfmt --debug --header=3 --to=si",
              "h\n1000\n", "a\n"),
        args("help", "--help prints usage, exit 0", "numfmt --help", "numfmt --help --to=si"),
        args("version", "--version prints the version, exit 0", "numfmt --version", "numfmt --vers"),
        args("bad-option", "an unknown option", "numfmt --frob 1", "numfmt -x 1"),
        args("ambiguous-option", "an ambiguous abbreviation of an option", "numfmt --t=si 1", "numfmt --fr=si 1"),
        args("missing-argument", "an option without its argument", "numfmt --to", "numfmt --from"),
        args("needless-argument", "an argument given to an option that takes none", "numfmt --grouping=yes 1",
             "numfmt --debug=1 1"),
        args("short-d-missing", "-d without its argument", "numfmt -d", "numfmt 1 -d"),
        args("repeated-option", "the last of a repeated option wins", "numfmt --to=si --to=iec 2048",
             "numfmt --from=si --from=iec 1K"),
        args("dash-dash", "-- ends the options", "numfmt --to=si -- 1000 -2000", "numfmt -- -5"),
        args("options-after", "options after the numbers", "numfmt 2048 --to=iec", "numfmt 5K 6K --from=si"),
        args("header-args", "--header with arguments instead of stdin", "numfmt --header 1 2", "numfmt --header=2 3"),
        args("to-si-precision-round", "--to=si rounds 9.95 up to the next unit", "numfmt --to=si 9950 999500",
             "numfmt --to=iec 10188 1048064"),
        args("from-si-to-iec-i-round", "rounding across scales", "numfmt --from=si --to=iec-i --round=down 1M",
             "numfmt --from=iec --to=si --round=up 1G"),
        args("many-args", "many numbers in one run", "numfmt --to=si 1 12 123 1234 12345 123456 1234567",
             "numfmt --to=iec 1 16 256 4096 65536 1048576"),
        args("long-number", "a long number with --to", "numfmt --to=si 12345678901234567890",
             "numfmt --to=iec 98765432109876543210"),
        args("long-fraction", "many fraction digits", "numfmt 1.23456789", "numfmt 0.000001"),
        args("long-fraction-to", "many fraction digits with --to", "numfmt --to=si 1234.56789",
             "numfmt --to=iec 2047.999"),
        args("suffix-and-format", "--suffix with --format", "numfmt --suffix=B --format=%.1f 3",
             "numfmt --suffix=/s --format='<%f>' --to=si 4000"),
        args("unit-suffix-lower", "--from=iec with lower-case k", "numfmt --from=iec 1k", "numfmt --from=auto 2k"),
        args("unit-suffix-lower-m", "a lower-case m is no suffix", "numfmt --from=si 1m", "numfmt --from=iec 3g"),
    ]
    return units + rounding + formats + padding + suffix + fields + delimiter + header + invalid + misc


def dirname_pairs():
    return [
        args("file", "a file's directory", "dirname /usr/bin/sort", "dirname /etc/passwd"),
        args("trailing-slash", "a trailing slash is ignored", "dirname /usr/bin/", "dirname /var/log/"),
        args("no-slash", "a name without slash gives .", "dirname stdio.h", "dirname README"),
        args("relative", "a relative path", "dirname dir1/str", "dirname a/b/c"),
        args("several", "several operands, one a line", "dirname dir1/str dir2/str", "dirname /a/b c/d e"),
        args("root", "the root stays the root", "dirname /", "dirname /usr"),
        args("double-slash", "two leading slashes are kept", "dirname //", "dirname //a"),
        args("many-slashes", "runs of slashes collapse", "dirname ///a///b///", "dirname a//b//c"),
        args("dot", "dot and dot-dot", "dirname .", "dirname .."),
        args("dot-path", "paths through dot-dot", "dirname ../x", "dirname ./a/../b"),
        args("empty", "an empty operand gives .", "dirname ''", "dirname '' a/b"),
        args("zero", "-z ends each line with NUL", "dirname -z a/b c/d", "dirname --zero /x/y"),
        args("zero-tr", "-z through tr", "dirname -z a/b/c d/e | tr '\\0' '\\n'", "dirname -z /p/q | tr '\\0' :"),
        args("missing-operand", "no operand is an error", "dirname", "dirname -z"),
        args("help", "--help prints usage, exit 0", "dirname --help", "dirname --he"),
        args("version", "--version prints the version", "dirname --version", "dirname --v"),
        args("bad-option", "an unknown option", "dirname --bogus x", "dirname -q x"),
        args("dash-dash", "-- ends the options", "dirname -- -a/b", "dirname -- --x/y"),
        args("spaces", "names with spaces", "dirname 'my dir/my file'", "dirname ' /a b/ c '"),
        args("utf8", "names in UTF-8", "dirname /tmp/caf\u00e9/menu.txt", "dirname \u65e5\u672c/\u8a9e"),
        args("long", "a long path", "dirname " + "/d" * 40 + "/f", "dirname " + "x/" * 50 + "y"),
        args("pipe", "dirname's output through another program", "dirname a/b c/d | wc -l",
             "dirname /a/b /c/d /e/f | sort -r"),
    ]


def false_pairs():
    return [
        args("plain", "false exits 1 and prints nothing", "false", "false ; false"),
        args("ignored-args", "other arguments are ignored", "false x y", "false --bogus"),
        args("help", "--help prints usage and still exits 1", "false --help", "false --help | head -2"),
        args("version", "--version prints the version and still exits 1", "false --version",
             "false --version | head -1"),
        args("help-not-alone", "--help with other arguments is ignored", "false --help x", "false x --help"),
        args("abbrev", "abbreviations are not options", "false --he", "false --vers"),
        args("short", "short options are ignored", "false -h", "false -v"),
        args("or", "|| runs after false", "false || echo failed", "false || false || echo twice"),
        args("and", "&& stops after false", "false && echo never", "echo first && false && echo never"),
        args("dash-dash", "-- is an ignored argument", "false -- --help", "false --"),
        args("pipe", "false at the end of a pipe", "echo hi | false", "printf 'a\\nb\\n' | false"),
        Pair("stdin-file", "false ignores its stdin and files",
             Run("false < in.txt", files={"in.txt": "some text\n"}),
             Run("false < data.txt > out.txt", files={"data.txt": "1\n2\n"})),
    ]


def main():
    root = pathlib.Path(__file__).resolve().parent.parent.parent / "tasks-wasm"
    fixtures = root / "numfmt" / "fixtures"
    fixtures.mkdir(parents=True, exist_ok=True)
    (fixtures / "df.txt").write_text(DF)
    (fixtures / "df2.txt").write_text(DF2)
    write(root / "numfmt", numfmt_pairs())
    write(root / "dirname", dirname_pairs())
    write(root / "false", false_pairs())


if __name__ == "__main__":
    main()
