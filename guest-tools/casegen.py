"""Writes task cases (tests/visible and tests/hidden) from pairs of a visible case and its
hidden dual, for the case generators of the recipes (guest-tools/*/cases.py).

A pair is `Pair(id, what, visible, hidden)`: `what` says what both check (the comment
line of each file), `visible` and `hidden` are `Run`s (a command line and its inputs).
The hidden case is written as `<id>-h` and names `<id>` as its dual. Cases the generator
no longer makes are removed, goldens included, so `mirror record TASK` afterwards writes
the goldens of exactly these cases.
"""

import base64
import dataclasses
import pathlib


@dataclasses.dataclass
class Run:
    """One command line with its stdin, environment and input files (text or bytes)."""

    cmd: str
    stdin: "str | bytes | None" = None
    env: dict = dataclasses.field(default_factory=dict)
    files: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Pair:
    """A visible case and its hidden dual."""

    id: str
    what: str
    visible: Run
    hidden: Run


def toml_string(text):
    """`text` as a TOML basic string, every control character escaped."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value):
    """A stdin or file value: text as a string, bytes that are not UTF-8 as base64, or a
    fixture given as `{"fixture": NAME}`."""
    if isinstance(value, dict):
        return "{ fixture = %s }" % toml_string(value["fixture"])
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return "{ base64 = %s }" % toml_string(base64.b64encode(value).decode())
    return toml_string(value)


def case_text(what, run, duals=None):
    """The text of one case file."""
    lines = ["# " + what, "cmd = " + toml_string(run.cmd)]
    if run.stdin is not None:
        lines.append("stdin = " + toml_value(run.stdin))
    if duals:
        lines.append("duals = [%s]" % ", ".join(toml_string(d) for d in duals))
    if run.env:
        lines += ["", "[env]"] + ["%s = %s" % (k, toml_string(v)) for k, v in sorted(run.env.items())]
    if run.files:
        lines += ["", "[files]"] + [
            "%s = %s" % (toml_string(k), toml_value(v)) for k, v in sorted(run.files.items())
        ]
    return "\n".join(lines) + "\n"


def write(task_dir, pairs):
    """Writes the pairs' cases under `task_dir`/tests and removes every other case there."""
    ids = [p.id for p in pairs]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate case ids: %s" % sorted({i for i in ids if ids.count(i) > 1}))
    wanted = {"visible": {}, "hidden": {}}
    for pair in pairs:
        wanted["visible"][pair.id] = case_text(pair.what, pair.visible)
        wanted["hidden"][pair.id + "-h"] = case_text(pair.what, pair.hidden, [pair.id])
    for split, cases in wanted.items():
        folder = pathlib.Path(task_dir) / "tests" / split
        folder.mkdir(parents=True, exist_ok=True)
        for path in folder.glob("*.toml"):
            stem = path.name[: -len(".golden.toml")] if path.name.endswith(".golden.toml") else path.stem
            if stem not in cases:
                path.unlink()
        for name, text in cases.items():
            path = folder / (name + ".toml")
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
    print("%s: %d visible, %d hidden" % (task_dir, len(pairs), len(pairs)))
