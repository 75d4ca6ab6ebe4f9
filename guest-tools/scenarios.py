"""Writes a task's case files from scenarios, for the case generators of brotli and gron
(guest-tools/{brotli,gron}/make-cases.py): each scenario gives a visible case on one family of inputs
and its hidden dual on the other."""

import json
import shutil
from pathlib import Path


def toml_str(s):
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(s, ensure_ascii=False)


def write_case(path, comment, cmd, files, stdin=None, duals=None):
    """One case file. `files` maps a path to a fixture name, or to a 1-tuple of inline text;
    `stdin` names a fixture."""
    lines = [f"# {comment}", f"cmd = {toml_str(cmd)}"]
    if stdin is not None:
        lines.append(f"stdin = {{ fixture = {toml_str(stdin)} }}")
    if duals:
        lines.append("duals = [" + ", ".join(toml_str(d) for d in duals) + "]")
    if files:
        lines += ["", "[files]"]
        for name, value in files.items():
            if isinstance(value, tuple):
                lines.append(f"{toml_str(name)} = {toml_str(value[0])}")
            else:
                lines.append(f"{toml_str(name)} = {{ fixture = {toml_str(value)} }}")
    path.write_text("\n".join(lines) + "\n")


def clear(task):
    """Empties fixtures/ and removes the case files (goldens stay, for `mirror record`)."""
    task = Path(task)
    if (task / "fixtures").exists():
        shutil.rmtree(task / "fixtures")
    (task / "fixtures").mkdir(parents=True)
    for split in ["visible", "hidden"]:
        (task / "tests" / split).mkdir(parents=True, exist_ok=True)
        for case in (task / "tests" / split).glob("*.toml"):
            if not case.name.endswith(".golden.toml"):
                case.unlink()


def write_all(task, scenarios, visible, hidden):
    """Writes every scenario (id, comment, build), where build(family) gives (cmd, files,
    stdin): tests/visible/ID.toml on `visible`, tests/hidden/ID-h.toml on `hidden` naming ID
    as its dual. Call `clear` first, then create the families (they write fixtures)."""
    task = Path(task)
    seen = set()
    for ident, comment, build in scenarios:
        assert ident not in seen, ident
        seen.add(ident)
        write_case(task / "tests" / "visible" / f"{ident}.toml", comment, *build(visible))
        write_case(task / "tests" / "hidden" / f"{ident}-h.toml", comment, *build(hidden), duals=[ident])
    fixtures = len(list((task / "fixtures").iterdir()))
    print(f"{len(seen)} visible and {len(seen)} hidden cases, {fixtures} fixtures")
