#!/usr/bin/env python3
"""Writes the brotlid task's fixtures and cases: real .br streams made by the native `brotli`
1.0.9 (Debian's, or the native build of guest-tools/brotli/build.sh on PATH) at several
qualities and window sizes, corrupt and truncated copies of them, and the cases that
decompress them. Every visible case has a hidden dual: the same scenario on the other family
of inputs (other contents, other file names).

Re-run from the repository root, then record the goldens:
    python3 guest-tools/brotli/make-cases.py && mirror record brotlid
It replaces tasks-wasm/brotlid/fixtures and the case files (not their goldens)."""

import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import scenarios as casegen  # noqa: E402

TASK = Path("tasks-wasm/brotlid")

# brotli's arguments for each kind of stream: qualities 0 to 11, windows 10 to 24, and a
# large-window stream (decoders of the command line accept those).
PARAMS = {
    "q0": ["-q", "0"],
    "q1": ["-q", "1"],
    "q4": ["-q", "4"],
    "q9": ["-q", "9"],
    "q11": ["-q", "11"],
    "w10": ["-q", "11", "-w", "10"],
    "w16": ["-q", "5", "-w", "16"],
    "w24": ["-q", "9", "-w", "24"],
    "lw26": ["-q", "11", "--large_window=26"],
}


def family_contents(fam):
    """The inputs of one family: v (visible cases) or h (their hidden duals)."""
    rng = random.Random(1 if fam == "v" else 2)
    if fam == "v":
        return {
            "text": b"Brotli is a generic-purpose lossless compression algorithm that compresses data\n"
            b"using a combination of a modern variant of the LZ77 algorithm, Huffman coding\n"
            b"and 2nd order context modeling, with a compression ratio comparable to the best\n"
            b"currently available general-purpose compression methods.\n",
            "lines": b"".join(b"line %d\n" % i for i in range(1, 121)),
            "utf8": "h\u00e9llo w\u00f6rld \u2713\nna\u00efve caf\u00e9 \u00fcber \u00e5ngstr\u00f6m\n\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\n".encode() * 3,
            "html": b"<!DOCTYPE html>\n<html><head><title>Index</title></head>\n<body>\n"
            + b"".join(b'  <p class="item">Item %d</p>\n' % i for i in range(1, 30))
            + b"</body></html>\n",
            "csv": b"id,name,score\n" + b"".join(b"%d,user%d,%d\n" % (i, i, (i * 37) % 101) for i in range(1, 60)),
            "bin": bytes(range(256)),
            "rand": bytes(rng.randrange(256) for _ in range(400)),
            "rep": b"abcdefghij" * 20000,
            "empty": b"",
        }
    return {
        "text": b"The format is defined in RFC 7932. Streams start with the window size, then\n"
        b"meta-blocks follow, each with its own prefix codes, until the last one. A decoder\n"
        b"keeps a ring buffer of recent output and a static dictionary of common words.\n",
        "lines": b"".join(b"row %d: %d\n" % (i, i * i) for i in range(1, 151)),
        "utf8": "\u0394\u03b5\u03bb\u03c4\u03b1 \u03c9\u03bc\u03ad\u03b3\u03b1\n\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440\n\u00a1Hola, se\u00f1or! \u20ac5\n".encode() * 4,
        "html": b"<ul>\n" + b"".join(b"<li><a href=\"/page/%d\">Page %d</a></li>\n" % (i, i) for i in range(1, 40)) + b"</ul>\n",
        "csv": b"date,open,close\n" + b"".join(b"2024-01-%02d,%d.%02d,%d.%02d\n" % (i, 100 + i, i * 3 % 100, 101 + i, i * 7 % 100) for i in range(1, 31)),
        "bin": bytes((i * 37 + 11) % 256 for i in range(300)),
        "rand": bytes(rng.randrange(256) for _ in range(500)),
        "rep": b"0123456789\n" * 15000,
        "empty": b"",
    }


# The name each family gives each content, once decompressed.
NAMES = {
    "v": {"text": "notes.txt", "lines": "lines.txt", "utf8": "utf8.txt", "html": "index.html", "csv": "data.csv",
          "bin": "bytes.bin", "rand": "noise.bin", "rep": "repeat.txt", "empty": "empty.txt"},
    "h": {"text": "story.txt", "lines": "rows.txt", "utf8": "intl.txt", "html": "links.html", "csv": "prices.csv",
          "bin": "table.bin", "rand": "random.bin", "rep": "digits.txt", "empty": "nothing.txt"},
}


def compress(data, args):
    return subprocess.run(["brotli", "-c", *args], input=data, capture_output=True, check=True).stdout


class Family:
    """One family's fixtures (written once) and the file names its cases use."""

    def __init__(self, fam):
        self.fam = fam
        self.contents = family_contents(fam)
        self.names = NAMES[fam]
        # A file name that cases leave missing (or make empty).
        self.missing = "absent.br" if fam == "v" else "gone-away.br"

    def stream(self, content, param="q11"):
        """The fixture holding `content` compressed with PARAMS[param]."""
        name = f"{self.fam}-{content}-{param}.br"
        path = TASK / "fixtures" / name
        if not path.exists():
            path.write_bytes(compress(self.contents[content], PARAMS[param]))
        return name

    def raw(self, label, data):
        """A fixture of given bytes (corrupt streams, plain files)."""
        name = f"{self.fam}-{label}"
        (TASK / "fixtures" / name).write_bytes(data)
        return name

    def stream_bytes(self, content, param="q11"):
        return (TASK / "fixtures" / self.stream(content, param)).read_bytes()

    def br(self, content):
        """The file name of `content`'s stream in a case."""
        return self.names[content] + ".br"


def scenarios():
    """Yields (id, comment, build) where build(family) gives (cmd, files, stdin)."""
    # Real streams at every quality and window, to standard output.
    for content in ["text", "lines", "utf8", "html", "csv", "bin"]:
        for param in PARAMS:
            yield (f"stream-{content}-{param}", f"A {content} stream made with brotli {' '.join(PARAMS[param])}.",
                   lambda f, c=content, p=param: (f"brotli -dc {f.br(c)}", {f.br(c): f.stream(c, p)}, None))
    for param in ["q0", "q4", "q11", "w10", "w24", "lw26"]:
        yield (f"repetitive-{param}-sha256", f"A large repetitive input (brotli {' '.join(PARAMS[param])}), by checksum.",
               lambda f, p=param: (f"brotli -dc {f.br('rep')} | sha256sum", {f.br("rep"): f.stream("rep", p)}, None))
    yield ("repetitive-count", "The size of a large repetitive input, decompressed.",
           lambda f: (f"brotli -dc {f.br('rep')} | wc -c", {f.br("rep"): f.stream("rep", "q9")}, None))
    yield ("repetitive-tail", "The end of a large repetitive input.",
           lambda f: (f"brotli -dc {f.br('rep')} | tail -c 35", {f.br("rep"): f.stream("rep", "w16")}, None))
    yield ("repetitive-to-file", "A large repetitive input decompressed to a file, then checked.",
           lambda f: (f"brotli -d {f.br('rep')} && sha256sum {f.names['rep']} && rm {f.names['rep']}", {f.br("rep"): f.stream("rep", "q1")}, None))
    for param in ["q0", "q11", "w24"]:
        yield (f"incompressible-{param}", "Random bytes, stored in uncompressed meta-blocks.",
               lambda f, p=param: (f"brotli -dc {f.br('rand')} | od -An -tx1 | head -4", {f.br("rand"): f.stream("rand", p)}, None))
    for param in ["q0", "q11", "w10"]:
        yield (f"empty-{param}", "The stream of empty input decompresses to nothing.",
               lambda f, p=param: (f"brotli -dc {f.br('empty')}", {f.br("empty"): f.stream("empty", p)}, None))
    yield ("empty-to-file", "An empty stream decompressed to an empty file.",
           lambda f: (f"brotli -d {f.br('empty')}", {f.br("empty"): f.stream("empty", "q4")}, None))
    yield ("zero-bytes", "A file of no bytes is not a stream.",
           lambda f: (f"brotli -dc {f.missing}", {f.missing: f.raw("zero.br", b"")}, None))
    yield ("zero-bytes-stdin", "No bytes on standard input is not a stream.",
           lambda f: ("brotli -d" if f.fam == "v" else "brotli -d -", {}, f.raw("zero.br", b"")))

    # Concatenation: one stream, then more bytes.
    yield ("concatenated-stdin", "Two streams back to back on standard input: the first decodes, then the rest is corrupt.",
           lambda f: (f"cat {f.br('text')} {f.br('lines')} | brotli -d", {f.br("text"): f.stream("text"), f.br("lines"): f.stream("lines")}, None))
    yield ("concatenated-file", "Two streams in one file.",
           lambda f: ("brotli -dc both.br", {"both.br": f.raw("both.br", f.stream_bytes("utf8") + f.stream_bytes("csv", "q4"))}, None))
    yield ("two-files-to-stdout", "Two files to standard output, one after the other.",
           lambda f: (f"brotli -dc {f.br('text')} {f.br('csv')}", {f.br("text"): f.stream("text", "q9"), f.br("csv"): f.stream("csv", "q1")}, None))
    yield ("two-files", "Two files, each decompressed beside its input.",
           lambda f: (f"brotli -d {f.br('html')} {f.br('lines')}", {f.br("html"): f.stream("html"), f.br("lines"): f.stream("lines", "q0")}, None))
    yield ("trailing-garbage", "A stream followed by one stray byte.",
           lambda f: ("brotli -dc tail.br", {"tail.br": f.raw("tail.br", f.stream_bytes("text", "q4") + b"x")}, None))
    yield ("trailing-zero", "A stream followed by a zero byte.",
           lambda f: ("brotli -dc z.br", {"z.br": f.raw("z.br", f.stream_bytes("lines", "q9") + b"\0")}, None))

    # Corrupt and truncated streams.
    def truncated(f, content, param, keep, cmd):
        data = f.stream_bytes(content, param)
        n = keep(len(data))
        return (cmd.format("cut.br"), {"cut.br": f.raw(f"cut-{content}-{param}-{n}.br", data[:n])}, None)

    for label, keep in [("half", lambda n: n // 2), ("last-byte", lambda n: n - 1), ("first-byte", lambda n: 1),
                        ("two-bytes", lambda n: 2)]:
        for content, param in [("text", "q11"), ("lines", "q4")]:
            yield (f"truncated-{label}-{content}", f"A stream cut short ({label}).",
                   lambda f, c=content, p=param, k=keep: truncated(f, c, p, k, "brotli -dc {}"))
    for label, keep in [("half", lambda n: n // 2), ("last-byte", lambda n: n - 1)]:
        yield (f"truncated-{label}-test", f"-t on a stream cut short ({label}).",
               lambda f, k=keep: truncated(f, "html", "q9", k, "brotli -t {}"))
        yield (f"truncated-{label}-file", f"A stream cut short ({label}), to a file: nothing is left behind.",
               lambda f, k=keep: truncated(f, "csv", "q11", k, "brotli -d {}"))
    yield ("truncated-rep", "A large stream cut short, by size of what came out.",
           lambda f: truncated(f, "rep", "q0", lambda n: n // 2, "brotli -dc {} | wc -c"))

    def flipped(f, content, param, where, cmd):
        data = bytearray(f.stream_bytes(content, param))
        i = where(len(data))
        data[i] ^= 0xFF
        return (cmd.format("bad.br"), {"bad.br": f.raw(f"flip-{content}-{param}-{i}.br", bytes(data))}, None)

    for label, where in [("header", lambda n: 0), ("second", lambda n: 1), ("middle", lambda n: n // 2),
                         ("end", lambda n: n - 1)]:
        yield (f"corrupt-{label}", f"A stream with one byte inverted ({label}).",
               lambda f, w=where: flipped(f, "text", "q11", w, "brotli -dc {}"))
        yield (f"corrupt-{label}-test", f"-t on a stream with one byte inverted ({label}).",
               lambda f, w=where: flipped(f, "lines", "q9", w, "brotli -t {}"))
    yield ("corrupt-to-file", "A corrupt stream to a file: the partial output is removed.",
           lambda f: flipped(f, "csv", "q4", lambda n: n // 2, "brotli -d {} -o out.csv"))
    yield ("not-brotli", "Plain text is not a stream.",
           lambda f: (f"brotli -dc {f.names['text']}.br", {f"{f.names['text']}.br": f.raw("plain.br", f.contents["text"])}, None))
    yield ("not-brotli-test", "-t on plain text.",
           lambda f: ("brotli -t plain.br", {"plain.br": f.raw("plain.br", f.contents["text"])}, None))
    yield ("corrupt-stdin", "A corrupt stream on standard input is named con.",
           lambda f: ("brotli -d", {}, f.raw("plain.br", f.contents["text"])))
    yield ("corrupt-after-good", "A good file, then a corrupt one: the first is written.",
           lambda f: (f"brotli -d {f.br('text')} bad.br", {f.br("text"): f.stream("text"), "bad.br": f.raw("plain.br", f.contents["text"])}, None))

    # Standard input and output.
    yield ("stdin-redirect", "Standard input to standard output.",
           lambda f: (f"brotli -d < {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("stdin-dash", "- names standard input.",
           lambda f: (f"brotli -d - < {f.br('lines')}", {f.br("lines"): f.stream("lines")}, None))
    yield ("stdin-pipe", "A stream through a pipe.",
           lambda f: (f"cat {f.br('csv')} | brotli -d", {f.br("csv"): f.stream("csv", "q9")}, None))
    yield ("stdin-case", "A stream given as the case's standard input.",
           lambda f: ("brotli -d", {}, f.stream("utf8", "w16")))
    yield ("stdin-long-option", "--decompress reads standard input.",
           lambda f: ("brotli --decompress", {}, f.stream("html", "q4")))
    yield ("stdin-to-output", "Standard input to a named output file.",
           lambda f: (f"brotli -d -o out.txt < {f.br('text')} && cat out.txt", {f.br("text"): f.stream("text")}, None))
    yield ("stdin-and-file", "Standard input and a file, both to standard output.",
           lambda f: (f"brotli -dc - {f.br('lines')} < {f.br('text')}", {f.br("text"): f.stream("text"), f.br("lines"): f.stream("lines")}, None))
    yield ("stdin-twice", "- twice: the second reads an exhausted standard input.",
           lambda f: (f"brotli -dc - - < {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("stdout-pipe", "Decompressed output through a pipe.",
           lambda f: (f"brotli -dc {f.br('lines')} | tail -3", {f.br("lines"): f.stream("lines", "w10")}, None))
    yield ("stdout-long", "--stdout keeps the input and writes no file.",
           lambda f: (f"brotli -d --stdout {f.br('text')} && ls", {f.br("text"): f.stream("text")}, None))
    yield ("stdout-c-after-o", "-c after -o is refused.",
           lambda f: (f"brotli -d -o out.txt -c {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("stdout-o-after-c", "-o after -c is refused.",
           lambda f: (f"brotli -d -c -o out.txt {f.br('text')}", {f.br("text"): f.stream("text")}, None))

    # Files: names, outputs, overwriting, keeping and removing.
    yield ("file-beside", "A file decompressed beside its input, under its name without .br.",
           lambda f: (f"brotli -d {f.br('text')} && cat {f.names['text']}", {f.br("text"): f.stream("text")}, None))
    yield ("file-written", "The output file, as written.",
           lambda f: (f"brotli -d {f.br('csv')}", {f.br("csv"): f.stream("csv")}, None))
    yield ("file-binary", "A binary output file.",
           lambda f: (f"brotli -d {f.br('bin')}", {f.br("bin"): f.stream("bin", "q0")}, None))
    yield ("file-subdir", "A file in a subdirectory decompresses beside itself.",
           lambda f: (f"brotli -d sub/{f.br('lines')}", {f"sub/{f.br('lines')}": f.stream("lines")}, None))
    yield ("file-ls", "The input is kept by default.",
           lambda f: (f"brotli -d {f.br('html')} && ls", {f.br("html"): f.stream("html")}, None))
    yield ("output-short", "-o names the output file.",
           lambda f: (f"brotli -d {f.br('text')} -o out.txt", {f.br("text"): f.stream("text")}, None))
    yield ("output-long", "--output=FILE names the output file.",
           lambda f: (f"brotli -d --output=out.txt {f.br('lines')}", {f.br("lines"): f.stream("lines")}, None))
    yield ("output-any-name", "-o may name a file without a suffix rule.",
           lambda f: (f"brotli -d -o {f.names['csv']}.copy {f.br('csv')} && cat {f.names['csv']}.copy", {f.br("csv"): f.stream("csv")}, None))
    yield ("output-missing-dir", "-o into a directory that does not exist.",
           lambda f: (f"brotli -d -o nodir/out.txt {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("output-two-inputs", "-o with two inputs: the second finds the output there.",
           lambda f: (f"brotli -d -o out.txt {f.br('text')} {f.br('lines')}", {f.br("text"): f.stream("text"), f.br("lines"): f.stream("lines")}, None))
    yield ("output-two-inputs-force", "-f -o with two inputs: the second overwrites.",
           lambda f: (f"brotli -df -o out.txt {f.br('text')} {f.br('lines')}", {f.br("text"): f.stream("text"), f.br("lines"): f.stream("lines")}, None))
    yield ("output-missing-param", "-o without its file.",
           lambda f: (f"brotli -d {f.br('text')} -o", {f.br("text"): f.stream("text")}, None))
    yield ("exists", "The output exists: refused without -f.",
           lambda f: (f"brotli -d {f.br('text')}", {f.br("text"): f.stream("text"), f.names["text"]: ("old contents\n",)}, None))
    yield ("exists-status", "The exit status when the output exists.",
           lambda f: (f"brotli -d {f.br('lines')} || echo failed", {f.br("lines"): f.stream("lines"), f.names["lines"]: ("old\n",)}, None))
    yield ("exists-force", "-f overwrites an existing output.",
           lambda f: (f"brotli -df {f.br('text')}", {f.br("text"): f.stream("text"), f.names["text"]: ("old contents\n",)}, None))
    yield ("exists-force-long", "--force overwrites an existing output.",
           lambda f: (f"brotli -d --force {f.br('csv')}", {f.br("csv"): f.stream("csv"), f.names["csv"]: ("x\n",)}, None))
    yield ("exists-output-option", "-o names an existing file: refused.",
           lambda f: (f"brotli -d -o out.txt {f.br('text')}", {f.br("text"): f.stream("text"), "out.txt": ("keep me\n",)}, None))
    yield ("exists-output-force", "-f -o replaces an existing file.",
           lambda f: (f"brotli -d -f -o out.txt {f.br('text')}", {f.br("text"): f.stream("text"), "out.txt": ("replace me\n",)}, None))
    yield ("keep", "-k keeps the input (the default).",
           lambda f: (f"brotli -dk {f.br('text')} && ls", {f.br("text"): f.stream("text")}, None))
    yield ("keep-long", "--keep keeps the input.",
           lambda f: (f"brotli -d --keep {f.br('lines')}", {f.br("lines"): f.stream("lines")}, None))
    yield ("rm-short", "-j removes the input once decompressed.",
           lambda f: (f"brotli -dj {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("rm-long", "--rm removes the input once decompressed.",
           lambda f: (f"brotli -d --rm {f.br('html')} && ls", {f.br("html"): f.stream("html")}, None))
    yield ("rm-corrupt", "--rm keeps an input that did not decompress.",
           lambda f: ("brotli -d --rm plain.br", {"plain.br": f.raw("plain.br", f.contents["text"])}, None))
    yield ("rm-stdout", "-j with -c removes the input too.",
           lambda f: (f"brotli -dcj {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("rm-two-files", "--rm on two files removes both.",
           lambda f: (f"brotli -d --rm {f.br('text')} {f.br('csv')}", {f.br("text"): f.stream("text"), f.br("csv"): f.stream("csv")}, None))
    yield ("rm-and-keep", "-j and -k together are refused.",
           lambda f: (f"brotli -d -j -k {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("keep-and-rm", "-k then --rm is refused.",
           lambda f: (f"brotli -d -k --rm {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("no-copy-stat", "-n does not copy the input's attributes; the output is the same.",
           lambda f: (f"brotli -dn {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("no-copy-stat-long", "--no-copy-stat.",
           lambda f: (f"brotli -d --no-copy-stat {f.br('lines')}", {f.br("lines"): f.stream("lines")}, None))
    yield ("dash-dash", "After --, a name starting with - is a file.",
           lambda f: (f"brotli -d -- -{f.br('text')}", {f"-{f.br('text')}": f.stream("text")}, None))
    yield ("dash-dash-stdout", "After --, - is a file name too.",
           lambda f: (f"brotli -dc -- -{f.br('lines')}", {f"-{f.br('lines')}": f.stream("lines")}, None))

    # Suffixes.
    yield ("suffix-short", "-S sets the suffix that is removed.",
           lambda f: (f"brotli -d -S .bro {f.names['text']}.bro", {f"{f.names['text']}.bro": f.stream("text")}, None))
    yield ("suffix-long", "--suffix=SUF sets the suffix.",
           lambda f: (f"brotli -d --suffix=.z {f.names['lines']}.z", {f"{f.names['lines']}.z": f.stream("lines")}, None))
    yield ("suffix-mismatch", "An input without the .br suffix is refused.",
           lambda f: (f"brotli -d {f.names['text']}.brotli", {f"{f.names['text']}.brotli": f.stream("text")}, None))
    yield ("suffix-mismatch-custom", "An input without the -S suffix is refused.",
           lambda f: (f"brotli -d -S .bro {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("suffix-only", "A file named only .br has no output name.",
           lambda f: ("brotli -d .br", {".br": f.stream("text")}, None))
    yield ("suffix-with-stdout", "The suffix does not matter with -c.",
           lambda f: (f"brotli -dc {f.names['text']}.data", {f"{f.names['text']}.data": f.stream("text")}, None))
    yield ("suffix-with-output", "The suffix does not matter with -o.",
           lambda f: (f"brotli -d -o out {f.names['lines']}.data", {f"{f.names['lines']}.data": f.stream("lines")}, None))
    yield ("suffix-missing-param", "-S without its suffix.",
           lambda f: (f"brotli -d {f.br('text')} -S", {f.br("text"): f.stream("text")}, None))
    yield ("suffix-twice", "-S given twice is refused.",
           lambda f: (f"brotli -d -S .a -S .b {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("suffix-long-bare", "--suffix without =SUF.",
           lambda f: (f"brotli -d --suffix .bro {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("suffix-subdir", "The suffix is removed from the file name, not the path.",
           lambda f: (f"brotli -d -S .br dir.br/{f.br('csv')}", {f"dir.br/{f.br('csv')}": f.stream("csv")}, None))
    yield ("suffix-mismatch-second", "The second of two files lacks the suffix: the first is written.",
           lambda f: (f"brotli -d {f.br('text')} {f.names['lines']}", {f.br("text"): f.stream("text"), f.names["lines"]: f.stream("lines")}, None))

    # Testing integrity and verbosity.
    yield ("test-ok", "-t on a good stream prints nothing and writes nothing.",
           lambda f: (f"brotli -t {f.br('text')} && ls", {f.br("text"): f.stream("text")}, None))
    yield ("test-long", "--test on a good stream.",
           lambda f: (f"brotli --test {f.br('lines')} && echo ok", {f.br("lines"): f.stream("lines", "w24")}, None))
    yield ("test-stdin", "-t on standard input.",
           lambda f: ("brotli -t", {}, f.stream("csv", "q0")))
    yield ("test-two", "-t on two files.",
           lambda f: (f"brotli -t {f.br('text')} {f.br('html')} && echo ok", {f.br("text"): f.stream("text"), f.br("html"): f.stream("html")}, None))
    yield ("test-verbose", "-tv reports the sizes.",
           lambda f: (f"brotli -tv {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("test-missing", "-t on a file that does not exist.",
           lambda f: (f"brotli -t {f.missing}", {}, None))
    yield ("test-and-decompress", "-d after -t is refused.",
           lambda f: (f"brotli -t -d {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("decompress-and-test", "-t after -d is refused.",
           lambda f: (f"brotli -d -t {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("test-rm", "-t with --rm removes a good input.",
           lambda f: (f"brotli -t --rm {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("verbose-file", "-v reports the sizes of a file.",
           lambda f: (f"brotli -dv {f.br('lines')}", {f.br("lines"): f.stream("lines")}, None))
    yield ("verbose-stdout", "-v with -c.",
           lambda f: (f"brotli -dcv {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("verbose-stdin", "-v on standard input names it con.",
           lambda f: ("brotli -dv", {}, f.stream("html", "q9")))
    yield ("verbose-long", "--verbose on a large input reports KiB.",
           lambda f: (f"brotli -d --verbose -c {f.br('rep')} | tail -c 20", {f.br("rep"): f.stream("rep", "q11")}, None))
    yield ("verbose-kib", "-v on a large input, output discarded.",
           lambda f: (f"brotli -dcv {f.br('rep')} | wc -c", {f.br("rep"): f.stream("rep", "q4")}, None))
    yield ("verbose-twice", "-v twice is refused.",
           lambda f: (f"brotli -d -v -v {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("verbose-corrupt", "-v on a corrupt stream reports no sizes.",
           lambda f: ("brotli -dv plain.br", {"plain.br": f.raw("plain.br", f.contents["text"])}, None))
    yield ("verbose-empty", "-v on an empty stream.",
           lambda f: (f"brotli -dcv {f.br('empty')}", {f.br("empty"): f.stream("empty")}, None))

    # Missing files and directories.
    yield ("missing", "A file that does not exist.",
           lambda f: (f"brotli -d {f.missing}", {}, None))
    yield ("missing-stdout", "A file that does not exist, with -c.",
           lambda f: (f"brotli -dc nothing/{f.missing}", {}, None))
    yield ("missing-status", "The exit status of a missing file.",
           lambda f: (f"brotli -d {f.missing} || echo failed", {}, None))
    yield ("missing-second", "Two files, the second missing: the first is written.",
           lambda f: (f"brotli -d {f.br('text')} absent.br", {f.br("text"): f.stream("text")}, None))
    yield ("missing-first", "Two files, the first missing: nothing is written.",
           lambda f: (f"brotli -d absent.br {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("directory", "A directory is not a stream.",
           lambda f: (f"brotli -dc sub", {f"sub/{f.br('text')}": f.stream("text")}, None))

    # Arguments.
    yield ("bad-option", "An unknown short option.",
           lambda f: (f"brotli -d -x {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("bad-option-coalesced", "An unknown letter among coalesced options.",
           lambda f: (f"brotli -dky {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("bad-long-option", "An unknown long option.",
           lambda f: (f"brotli -d --decompres {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("decompress-twice", "-d twice is refused.",
           lambda f: (f"brotli -d -d {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("decompress-coalesced-twice", "-dd is refused.",
           lambda f: (f"brotli -dd {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("force-twice", "-f twice is refused.",
           lambda f: (f"brotli -d -f --force {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("stdout-twice", "-c twice is refused.",
           lambda f: (f"brotli -dcc {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("coalesced", "Coalesced options: -dcf.",
           lambda f: (f"brotli -dcf {f.br('csv')}", {f.br("csv"): f.stream("csv")}, None))
    yield ("quality-ignored", "A quality is accepted and ignored when decompressing.",
           lambda f: (f"brotli -d -q 5 -c {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("quality-bad", "A quality that is not a number.",
           lambda f: (f"brotli -d -q high {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("quality-digit", "-9 with -d decompresses.",
           lambda f: (f"brotli -9dc {f.br('lines')}", {f.br("lines"): f.stream("lines")}, None))
    yield ("window-bad", "A window outside 10 to 24.",
           lambda f: (f"brotli -d -w 30 {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("window-long-bare", "--lgwin without =NUM.",
           lambda f: (f"brotli -d --lgwin 12 {f.br('text')}", {f.br("text"): f.stream("text")}, None))
    yield ("large-window-flag", "--large_window=NUM with -d decodes as usual.",
           lambda f: (f"brotli -dc --large_window=26 {f.br('text')}", {f.br("text"): f.stream("text", "lw26")}, None))
    yield ("large-window-bad", "--large_window out of range.",
           lambda f: (f"brotli -dc --large_window=31 {f.br('text')}", {f.br("text"): f.stream("text", "lw26")}, None))
    yield ("help", "-h prints the usage.",
           lambda f: ("brotli -h" if f.fam == "v" else "brotli -d -h", {}, None))
    yield ("help-long", "--help prints the usage.",
           lambda f: ("brotli -d --help" if f.fam == "v" else "brotli --help -c", {}, None))
    yield ("version", "-V prints the version.",
           lambda f: ("brotli -V" if f.fam == "v" else "brotli -t -V", {}, None))
    yield ("version-long", "--version prints the version.",
           lambda f: ("brotli --version -d" if f.fam == "v" else "brotli -c --version", {}, None))


def main():
    version = subprocess.run(["brotli", "-V"], capture_output=True, text=True, check=True).stdout.strip()
    if version != "brotli 1.0.9":
        sys.exit(f"make-cases.py: the fixtures were made by brotli 1.0.9; `brotli -V` says {version!r}")
    casegen.clear(TASK)
    casegen.write_all(TASK, scenarios(), Family("v"), Family("h"))


if __name__ == "__main__":
    main()
