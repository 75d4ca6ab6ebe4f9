#!/usr/bin/env python3
"""Writes the gron task's fixtures and cases. Every visible case has a hidden dual: the same
scenario on the other family of inputs (other documents, other file names). The .gron
fixtures (statements to ungron) are written here by hand, not by gron.

Re-run from the repository root, then record the goldens:
    python3 guest-tools/gron/make-cases.py && mirror record gron
It replaces tasks-wasm/gron/fixtures and the case files (not their goldens)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import scenarios as casegen  # noqa: E402

TASK = Path("tasks-wasm/gron")


def documents(fam):
    """JSON documents by kind; the two families hold different data of the same shape."""
    if fam == "v":
        return {
            "user": '{"id": 1, "name": "Leanne Graham", "username": "Bret", "email": "Sincere@april.biz",\n'
                    ' "address": {"street": "Kulas Light", "suite": "Apt. 556", "city": "Gwenborough",\n'
                    '  "zipcode": "92998-3874", "geo": {"lat": "-37.3159", "lng": "81.1496"}},\n'
                    ' "phone": "1-770-736-8031 x56442", "website": "hildegard.org",\n'
                    ' "company": {"name": "Romaguera-Crona", "catchPhrase": "Multi-layered client-server neural-net"}}\n',
            "array": '[1, 2, 3, "four", true, null, {"five": 5}, [6, 7]]\n',
            "nested": '{"a": {"b": {"c": {"d": {"e": [1, [2, [3, [4]]]]}}}}}\n',
            "keys": '{"a quoted": 1, "class": 2, "else": 3, "1st": 4, "": 5, "with.dot": 6, "under_score": 7,\n'
                    ' "$dollar": 8, "caf\\u00e9": 9, "dash-key": 10, "CamelCase": 11, "x y z": 12}\n',
            "numbers": '{"int": 42, "neg": -17, "float": 3.14159, "exp": 1e10, "negexp": -2.5E-3, "zero": 0,\n'
                       ' "big": 12345678901234567890, "tiny": 0.000001}\n',
            "strings": '{"plain": "hello", "escaped": "tab\\tnew\\nline", "quote": "say \\"hi\\"",\n'
                       ' "unicode": "h\\u00e9llo \\u2713", "slash": "a/b\\\\c", "html": "<b>&amp;</b>", "empty": ""}\n',
            "literals": '{"t": true, "f": false, "n": null, "list": [true, false, null]}\n',
            "empty-object": "{}\n",
            "empty-array": "[]\n",
            "scalar-string": '"just a string"\n',
            "scalar-number": "123.5\n",
            "mixed": '{"users": [{"name": "ann", "tags": ["a", "b"]}, {"name": "bob", "tags": []}],\n'
                     ' "meta": {"count": 2, "next": null}}\n',
            "order": '{"zebra": 1, "apple": 2, "mango": {"b": 1, "a": 2}, "10": 3, "9": 4, "banana": [3, 1, 2]}\n',
            "deep-array": "[[[[[[1]]]]], [[[2]]], [[]], []]\n",
            "unicode": '{"\\u65e5\\u672c": "\\u8a9e", "emoji": "\\ud83d\\ude00", "greek": "\\u03b1\\u03b2\\u03b3"}\n',
        }
    return {
        "user": '{"id": 7, "name": "Kurtis Weissnat", "username": "Elwyn.Skiles", "email": "Telly.Hoeger@billy.biz",\n'
                ' "address": {"street": "Rex Trail", "suite": "Suite 280", "city": "Howemouth",\n'
                '  "zipcode": "58804-1099", "geo": {"lat": "24.8918", "lng": "21.8984"}},\n'
                ' "phone": "210.067.6132", "website": "elvis.io",\n'
                ' "company": {"name": "Johns Group", "catchPhrase": "Configurable multimedia task-force"}}\n',
        "array": '["x", 10, false, {"y": [null]}, [], 2.5]\n',
        "nested": '{"root": [{"child": {"leaf": {"value": [[["deep"]]]}}}]}\n',
        "keys": '{"with space": "a", "function": "b", "var": "c", "0": "d", "": "e", "a.b": "f", "_ok": "g",\n'
                ' "$": "h", "na\\u00efve": "i", "k-e-y": "j", "MiXeD": "k", "new\\nline": "l"}\n',
        "numbers": '{"count": 1000, "delta": -0.5, "pi": 3.0, "avogadro": 6.022e23, "small": 1E-7, "minus0": -0,\n'
                   ' "huge": 98765432109876543210, "frac": 0.125}\n',
        "strings": '{"word": "world", "controls": "a\\rb\\fc\\bd", "quotes": "\\"quoted\\"",\n'
                   ' "accents": "na\\u00efve \\u00fcber", "backslash": "C:\\\\path", "angle": "<x>", "blank": ""}\n',
        "literals": '{"yes": true, "no": false, "nothing": null, "all": [null, true, false]}\n',
        "empty-object": '{"inner": {}}\n',
        "empty-array": '{"list": []}\n',
        "scalar-string": '"another \\"string\\""\n',
        "scalar-number": "-42\n",
        "mixed": '{"items": [{"id": 1, "parts": [{"n": "p1"}]}, {"id": 2, "parts": null}],\n'
                 ' "total": {"sum": 3.5, "ok": true}}\n',
        "order": '{"z": {"y": 1, "x": 2}, "b": [3, 2, 1], "a": 1, "2": "two", "11": "eleven", "c": null}\n',
        "deep-array": "[[], [[]], [[[0, 1]]], [[[[\"end\"]]]]]\n",
        "unicode": '{"\\u0441\\u043b\\u043e\\u0432\\u043e": "\\u0434\\u0430", "music": "\\u266b", "math": "\\u2211\\u221e"}\n',
    }


def statements(fam):
    """gron statements to turn back into JSON, written by hand."""
    if fam == "v":
        return {
            "simple": 'json = {};\njson.name = "Tom";\njson.age = 30;\n',
            "nested": 'json = {};\njson.contact = {};\njson.contact.email = "mail@example.com";\n'
                      'json.contact.twitter = "@example";\njson.likes = [];\njson.likes[0] = "code";\njson.likes[1] = "cheese";\n',
            "array": 'json = [];\njson[0] = 1;\njson[1] = "two";\njson[2] = true;\njson[3] = null;\n',
            "quoted": 'json = {};\njson["a key"] = 1;\njson["class"] = "reserved";\njson["1"] = "one";\n',
            "unordered": 'json.b = 2;\njson.a = 1;\njson.c[1] = "y";\njson.c[0] = "x";\n',
            "sparse": 'json = [];\njson[3] = "third";\n',
            "no-semicolons": 'json = {}\njson.x = 1\njson.y = "z"\n',
            "filtered": 'json.users[0].name = "ann";\njson.users[1].name = "bob";\n',
            "values": 'json.a = "alpha";\njson.b = 2;\njson.c = true;\njson.d = null;\njson.e = "with \\"quotes\\"";\n',
            "escapes": 'json.text = "line\\nbreak\\ttab";\njson.uni = "\\u00e9";\n',
            "bad-syntax": 'json.a = ;\n',
            "bad-value": 'json.a = nope;\n',
            "bad-key": 'json..a = 1;\n',
            "bad-string": 'json.a = "unterminated;\n',
            "bad-brace": 'json[0 = 1;\n',
            "not-json-root": 'foo.bar = 1;\n',
            "mismatch": 'json.a = 1;\njson.a.b = 2;\n',
            "json-stream": '[[],{}]\n[["name"],"Tom"]\n[["age"],30]\n',
            "json-stream-nested": '[["a","b"],1]\n[["a","c",0],"x"]\n[["d"],null]\n',
            "bad-json-stream": '[["a"],1]\n[["b"]\n',
            "values-mixed": 'json.s = "text";\njson.n = 3.5;\njson.t = true;\njson.f = false;\njson.z = null;\njson.o = {};\n',
        }
    return {
        "simple": 'json = {};\njson.city = "Paris";\njson.population = 2148000;\n',
        "nested": 'json = {};\njson.owner = {};\njson.owner.login = "octocat";\n'
                  'json.owner.site_admin = false;\njson.topics = [];\njson.topics[0] = "go";\njson.topics[1] = "json";\n',
        "array": 'json = [];\njson[0] = "a";\njson[1] = 2.5;\njson[2] = false;\njson[3] = {};\n',
        "quoted": 'json = {};\njson["with space"] = true;\njson["function"] = 0;\njson["0"] = "zero";\n',
        "unordered": 'json.z = "last";\njson.m[2] = 3;\njson.m[0] = 1;\njson.a = "first";\n',
        "sparse": 'json.list[2] = "c";\n',
        "no-semicolons": 'json = []\njson[0] = "p"\njson[1] = "q"\n',
        "filtered": 'json.items[1].id = 2;\njson.items[0].id = 1;\n',
        "values": 'json.x = "ex";\njson.y = -1;\njson.z = false;\njson.w = null;\njson.v = "back\\\\slash";\n',
        "escapes": 'json.msg = "a\\tb\\nc";\njson.sym = "\\u2713";\n',
        "bad-syntax": 'json.b = = 2;\n',
        "bad-value": 'json.b = yes;\n',
        "bad-key": 'json.[0] = 1;\n',
        "bad-string": 'json.b = "open\n',
        "bad-brace": 'json["x" = 1;\n',
        "not-json-root": 'data[0] = 1;\n',
        "mismatch": 'json[0] = 1;\njson.key = 2;\n',
        "json-stream": '[[],[]]\n[[0],"first"]\n[[1],2]\n',
        "json-stream-nested": '[["x",0,"y"],true]\n[["x",1],"z"]\n',
        "bad-json-stream": '[["a"],1]\nnot json\n',
        "values-mixed": 'json.q = "word";\njson.r = -7;\njson.u = false;\njson.v = true;\njson.w = null;\njson.x = [];\n',
    }


def streams(fam):
    """Input for -s: one JSON value per line."""
    if fam == "v":
        return {
            "lines": '{"one": 1}\n{"two": 2}\n{"three": [3]}\n',
            "mixed": '1\n"two"\n[3]\n{"four": 4}\nnull\n',
            "bad-line": '{"ok": 1}\n{"broken": \n{"after": 2}\n',
            "blank-lines": '{"a": 1}\n\n{"b": 2}\n',
        }
    return {
        "lines": '{"alpha": "a"}\n{"beta": [1, 2]}\n',
        "mixed": 'true\n{"x": {"y": 1}}\n[]\n"s"\n',
        "bad-line": '[1, 2\n{"fine": true}\n',
        "blank-lines": '[1]\n\n\n[2]\n',
    }


def invalid(fam):
    """Documents that are not JSON."""
    if fam == "v":
        return {"truncated": '{"a": [1, 2', "trailing-comma": '{"a": 1,}', "bare-word": "hello", "single-quotes": "{'a': 1}",
                "two-values": '{"a": 1} {"b": 2}', "empty": "", "garbage-after": '{"a": 1} x', "bad-escape": '{"a": "\\q"}'}
    return {"truncated": '["x", {"y": ', "trailing-comma": '[1, 2,]', "bare-word": "nope", "single-quotes": "['x']",
            "two-values": "[1] [2]", "empty": "\n", "garbage-after": "[1] ]", "bad-escape": '["\\x41"]'}


NAMES = {"v": "data", "h": "input"}


class Family:
    def __init__(self, fam):
        self.fam = fam
        self.docs = documents(fam)
        self.stmts = statements(fam)
        self.streams = streams(fam)
        self.invalid = invalid(fam)
        self.base = NAMES[fam]

    def fixture(self, name, text):
        path = TASK / "fixtures" / f"{self.fam}-{name}"
        path.write_text(text)
        return path.name

    def doc(self, kind):
        name = self.fixture(f"{kind}.json", self.docs[kind])
        json.loads(self.docs[kind])  # every document is valid JSON
        return name

    def stmt(self, kind):
        return self.fixture(f"{kind}.gron", self.stmts[kind])

    def stream(self, kind):
        return self.fixture(f"stream-{kind}.json", self.streams[kind])

    def bad(self, kind):
        return self.fixture(f"invalid-{kind}.json", self.invalid[kind])


DOC_KINDS = ["user", "array", "nested", "keys", "numbers", "strings", "literals", "empty-object", "empty-array",
             "scalar-string", "scalar-number", "mixed", "order", "deep-array", "unicode"]
STMT_KINDS = ["simple", "nested", "array", "quoted", "unordered", "sparse", "no-semicolons", "filtered", "values", "escapes"]


def most_keys(value):
    """The most keys any object in a JSON value has."""
    if isinstance(value, dict):
        return max([len(value)] + [most_keys(v) for v in value.values()])
    if isinstance(value, list):
        return max([0] + [most_keys(v) for v in value])
    return 0


# --no-sort prints an object's keys in the order of a Go map, which is random on every native
# run (and fixed under Mirror, whose randomness is seeded): its cases use only documents whose
# objects have at most one key, in both families.
UNSORTED_KINDS = [k for k in DOC_KINDS
                  if all(most_keys(json.loads(documents(fam)[k])) <= 1 for fam in ["v", "h"])]


def scenarios():
    """Yields (id, comment, build) where build(family) gives (cmd, files, stdin)."""
    # Forward: JSON to statements, with each output option.
    for kind in DOC_KINDS:
        yield (f"gron-{kind}", f"A {kind} document as statements.",
               lambda f, k=kind: (f"gron {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
        yield (f"gron-{kind}-color", f"A {kind} document, coloured.",
               lambda f, k=kind: (f"gron -c {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
        yield (f"gron-{kind}-json", f"A {kind} document as a JSON stream.",
               lambda f, k=kind: (f"gron -j {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
        yield (f"roundtrip-{kind}", f"A {kind} document there and back.",
               lambda f, k=kind: (f"gron {f.base}.json | gron -u", {f"{f.base}.json": f.doc(k)}, None))
    for kind in ["user", "mixed", "keys", "order"]:
        yield (f"gron-{kind}-monochrome", f"-m on a {kind} document.",
               lambda f, k=kind: (f"gron -m {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
        yield (f"roundtrip-json-{kind}", f"A {kind} document through the JSON stream and back.",
               lambda f, k=kind: (f"gron -j {f.base}.json | gron -u -j", {f"{f.base}.json": f.doc(k)}, None))
    for kind in UNSORTED_KINDS:
        yield (f"gron-{kind}-no-sort", f"A {kind} document, in document order.",
               lambda f, k=kind: (f"gron --no-sort {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
        yield (f"gron-{kind}-json-no-sort", f"-j --no-sort on a {kind} document.",
               lambda f, k=kind: (f"gron -j --no-sort {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
        yield (f"gron-{kind}-color-no-sort", f"-c --no-sort on a {kind} document.",
               lambda f, k=kind: (f"gron --colorize --no-sort {f.base}.json", {f"{f.base}.json": f.doc(k)}, None))
    # Option spellings and input sources.
    yield ("stdin-redirect", "JSON from standard input.",
           lambda f: (f"gron < {f.base}.json", {f"{f.base}.json": f.doc("user")}, None))
    yield ("stdin-dash", "- names standard input.",
           lambda f: ("gron -", {}, f.doc("mixed")))
    yield ("stdin-pipe", "JSON through a pipe.",
           lambda f: (f"cat {f.base}.json | gron", {f"{f.base}.json": f.doc("nested")}, None))
    yield ("monochrome-long", "--monochrome.",
           lambda f: (f"gron --monochrome {f.base}.json", {f"{f.base}.json": f.doc("literals")}, None))
    yield ("color-and-monochrome", "-c wins over -m.",
           lambda f: (f"gron -c -m {f.base}.json", {f"{f.base}.json": f.doc("literals")}, None))
    yield ("json-long", "--json.",
           lambda f: (f"gron --json {f.base}.json", {f"{f.base}.json": f.doc("array")}, None))
    yield ("json-color", "-j with -c.",
           lambda f: (f"gron -j -c {f.base}.json", {f"{f.base}.json": f.doc("literals")}, None))
    yield ("double-dash-flags", "Flags with two dashes and single ones alike.",
           lambda f: (f"gron --m --no-sort {f.base}.json", {f"{f.base}.json": f.doc("nested")}, None))
    yield ("flag-after-file", "A flag after the file is not a flag.",
           lambda f: (f"gron {f.base}.json -m", {f"{f.base}.json": f.doc("order")}, None))
    yield ("two-files", "Only the first file is read.",
           lambda f: (f"gron {f.base}.json other.json", {f"{f.base}.json": f.doc("literals"), "other.json": f.doc("array")}, None))
    yield ("file-in-subdir", "A file in a subdirectory.",
           lambda f: (f"gron sub/{f.base}.json", {f"sub/{f.base}.json": f.doc("numbers")}, None))
    yield ("grep-like", "Statements filtered, then ungronned.",
           lambda f: (f"gron {f.base}.json | head -4 | gron --ungron", {f"{f.base}.json": f.doc("user")}, None))
    yield ("count-statements", "How many statements a document gives.",
           lambda f: (f"gron {f.base}.json | wc -l", {f"{f.base}.json": f.doc("user")}, None))
    yield ("insecure-flag", "-k is accepted for files.",
           lambda f: (f"gron -k {f.base}.json", {f"{f.base}.json": f.doc("array")}, None))
    yield ("insecure-long", "--insecure is accepted for stdin.",
           lambda f: ("gron --insecure", {}, f.doc("literals")))
    # Ungron.
    for kind in STMT_KINDS:
        yield (f"ungron-{kind}", f"{kind} statements back to JSON.",
               lambda f, k=kind: (f"gron -u {f.base}.gron", {f"{f.base}.gron": f.stmt(k)}, None))
        yield (f"ungron-{kind}-color", f"{kind} statements back to coloured JSON.",
               lambda f, k=kind: (f"gron -u -c {f.base}.gron", {f"{f.base}.gron": f.stmt(k)}, None))
    for kind in ["simple", "nested", "unordered", "filtered"]:
        yield (f"ungron-{kind}-stdin", f"{kind} statements on standard input.",
               lambda f, k=kind: ("gron --ungron", {}, f.stmt(k)))
        yield (f"ungron-{kind}-monochrome", f"{kind} statements, -m.",
               lambda f, k=kind: (f"gron -u -m {f.base}.gron", {f"{f.base}.gron": f.stmt(k)}, None))
    for kind in ["json-stream", "json-stream-nested"]:
        yield (f"ungron-{kind}", "A JSON stream of statements back to JSON.",
               lambda f, k=kind: (f"gron -u -j {f.base}.jsonl", {f"{f.base}.jsonl": f.stmt(k)}, None))
        yield (f"ungron-{kind}-stdin", "A JSON stream of statements on standard input.",
               lambda f, k=kind: ("gron --ungron --json", {}, f.stmt(k)))
    yield ("ungron-bad-json-stream", "A JSON stream of statements with a broken line.",
           lambda f: (f"gron -u -j {f.base}.jsonl", {f"{f.base}.jsonl": f.stmt("bad-json-stream")}, None))
    yield ("ungron-json-stream-without-j", "A JSON stream of statements read as statements.",
           lambda f: (f"gron -u {f.base}.jsonl", {f"{f.base}.jsonl": f.stmt("json-stream")}, None))
    for kind in ["bad-syntax", "bad-value", "bad-key", "bad-string", "bad-brace", "not-json-root", "mismatch"]:
        yield (f"ungron-{kind}", f"Statements that do not parse ({kind}).",
               lambda f, k=kind: (f"gron -u {f.base}.gron", {f"{f.base}.gron": f.stmt(k)}, None))
        yield (f"ungron-{kind}-status", f"The exit status of statements that do not parse ({kind}).",
               lambda f, k=kind: (f"gron -u {f.base}.gron || echo failed", {f"{f.base}.gron": f.stmt(k)}, None))
    yield ("ungron-empty", "No statements at all.",
           lambda f: ("gron -u" if f.fam == "v" else "gron --ungron -", {}, f.fixture("empty.gron", "")))
    yield ("ungron-of-json", "JSON given to --ungron.",
           lambda f: (f"gron -u {f.base}.json", {f"{f.base}.json": f.doc("user")}, None))
    # Values.
    for kind in ["values", "values-mixed", "simple", "escapes"]:
        yield (f"values-{kind}", f"-v prints the values of {kind} statements.",
               lambda f, k=kind: ("gron -v", {}, f.stmt(k)))
    yield ("values-long", "--values.",
           lambda f: ("gron --values", {}, f.stmt("nested")))
    yield ("values-alias", "--value, the other spelling.",
           lambda f: ("gron --value", {}, f.stmt("array")))
    yield ("values-pipe", "The values of a document's statements.",
           lambda f: (f"gron {f.base}.json | gron -v", {f"{f.base}.json": f.doc("user")}, None))
    yield ("values-file-ignored", "-v reads standard input, whatever the file.",
           lambda f: (f"gron -v {f.base}.gron < other.gron", {f"{f.base}.gron": f.stmt("simple"), "other.gron": f.stmt("values")}, None))
    # Streams.
    for kind in ["lines", "mixed"]:
        yield (f"stream-{kind}", f"-s: each line its own document ({kind}).",
               lambda f, k=kind: (f"gron -s {f.base}.jsonl", {f"{f.base}.jsonl": f.stream(k)}, None))
        yield (f"stream-{kind}-long", f"--stream on standard input ({kind}).",
               lambda f, k=kind: ("gron --stream", {}, f.stream(k)))
        yield (f"stream-{kind}-no-sort", f"-s --no-sort ({kind}).",
               lambda f, k=kind: (f"gron -s --no-sort {f.base}.jsonl", {f"{f.base}.jsonl": f.stream(k)}, None))
        yield (f"stream-{kind}-json", f"-s -j ({kind}).",
               lambda f, k=kind: (f"gron -s -j {f.base}.jsonl", {f"{f.base}.jsonl": f.stream(k)}, None))
        yield (f"stream-{kind}-color", f"-s -c ({kind}).",
               lambda f, k=kind: (f"gron -s -c {f.base}.jsonl", {f"{f.base}.jsonl": f.stream(k)}, None))
        yield (f"stream-{kind}-roundtrip", f"-s then --ungron ({kind}).",
               lambda f, k=kind: (f"gron -s {f.base}.jsonl | gron -u", {f"{f.base}.jsonl": f.stream(k)}, None))
    yield ("stream-bad-line", "-s stops at a line that is not JSON.",
           lambda f: (f"gron -s {f.base}.jsonl", {f"{f.base}.jsonl": f.stream("bad-line")}, None))
    yield ("stream-bad-line-status", "The exit status of -s on a bad line.",
           lambda f: (f"gron -s {f.base}.jsonl || echo failed", {f"{f.base}.jsonl": f.stream("bad-line")}, None))
    yield ("stream-blank-lines", "-s on blank lines between documents.",
           lambda f: (f"gron -s {f.base}.jsonl", {f"{f.base}.jsonl": f.stream("blank-lines")}, None))
    yield ("stream-of-one-document", "-s on a document spread over lines.",
           lambda f: (f"gron -s {f.base}.json", {f"{f.base}.json": f.doc("user")}, None))
    # Invalid JSON.
    for kind in ["truncated", "trailing-comma", "bare-word", "single-quotes", "two-values", "empty", "garbage-after", "bad-escape"]:
        yield (f"invalid-{kind}", f"A document that is not JSON ({kind}).",
               lambda f, k=kind: (f"gron {f.base}.json", {f"{f.base}.json": f.bad(k)}, None))
        yield (f"invalid-{kind}-stdin", f"Not JSON on standard input ({kind}).",
               lambda f, k=kind: ("gron", {}, f.bad(k)))
    yield ("invalid-status", "The exit status of a document that is not JSON.",
           lambda f: (f"gron {f.base}.json || echo failed", {f"{f.base}.json": f.bad("truncated")}, None))
    yield ("invalid-json-output", "-j on a document that is not JSON.",
           lambda f: (f"gron -j {f.base}.json", {f"{f.base}.json": f.bad("trailing-comma")}, None))
    # Files and arguments.
    yield ("missing-file", "A file that does not exist.",
           lambda f: (f"gron {f.base}-missing.json", {}, None))
    yield ("missing-file-status", "The exit status of a missing file.",
           lambda f: (f"gron {f.base}-missing.json || echo failed", {}, None))
    yield ("missing-file-ungron", "--ungron on a file that does not exist.",
           lambda f: (f"gron -u nothing/{f.base}.gron", {}, None))
    yield ("bad-flag", "An unknown flag.",
           lambda f: (f"gron -x {f.base}.json", {f"{f.base}.json": f.doc("array")}, None))
    yield ("bad-long-flag", "An unknown long flag.",
           lambda f: (f"gron --ungronn {f.base}.json", {f"{f.base}.json": f.doc("array")}, None))
    yield ("bad-flag-value", "A value given to a boolean flag.",
           lambda f: (f"gron --stream=maybe {f.base}.json", {f"{f.base}.json": f.doc("array")}, None))
    yield ("flag-value-true", "A boolean flag set with =true.",
           lambda f: (f"gron --monochrome=true --no-sort=true {f.base}.json", {f"{f.base}.json": f.doc("deep-array")}, None))
    yield ("flag-value-false", "A boolean flag set with =false.",
           lambda f: (f"gron --no-sort=false {f.base}.json", {f"{f.base}.json": f.doc("order")}, None))
    yield ("help", "-h prints the usage.",
           lambda f: ("gron -h" if f.fam == "v" else "gron -help", {}, None))
    yield ("help-long", "--help prints the usage.",
           lambda f: ("gron --help" if f.fam == "v" else "gron -u --help", {}, None))
    yield ("version", "--version.",
           lambda f: ("gron --version" if f.fam == "v" else "gron -version", {}, None))
    yield ("version-with-file", "--version wins over a file.",
           lambda f: (f"gron --version {f.base}.json", {f"{f.base}.json": f.doc("array")}, None))
    yield ("dash-dash", "-- ends the flags.",
           lambda f: (f"gron -- {f.base}.json", {f"{f.base}.json": f.doc("literals")}, None))


def main():
    casegen.clear(TASK)
    casegen.write_all(TASK, scenarios(), Family("v"), Family("h"))


if __name__ == "__main__":
    main()
