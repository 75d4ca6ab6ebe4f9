#!/usr/bin/env python3
"""Writes the cases of the tasks cal, rev and uuidparse: every visible case with a hidden dual
(the same behaviour on other inputs), and rev's fixtures. Cases are listed here by hand;
only long inputs are generated, from fixed seeds. Re-run from the repository root, then
record the goldens:

    guest-tools/util-linux/gen-cases.py cal rev uuidparse
    mirror record cal && mirror record rev && mirror record uuidparse

It replaces tests/visible and tests/hidden of each task named (goldens included).
"""

import base64
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def toml_value(value):
    """A TOML value for a case's stdin or file: text, or base64 for bytes that are not UTF-8."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return "{ base64 = " + json.dumps(base64.b64encode(value).decode()) + " }"
    return json.dumps(value, ensure_ascii=False)


def case_text(what, cmd, stdin=None, files=None, duals=None):
    lines = [f"# {what}", f"cmd = {json.dumps(cmd, ensure_ascii=False)}"]
    if stdin is not None:
        lines.append(f"stdin = {toml_value(stdin)}")
    if duals:
        lines.append(f"duals = {json.dumps(duals)}")
    if files:
        lines += ["", "[files]"]
        lines += [f"{json.dumps(name)} = {toml_value(content)}" for name, content in sorted(files.items())]
    return "\n".join(lines) + "\n"


class Cases:
    """A task's cases as visible/hidden pairs."""

    def __init__(self, task):
        self.task = task
        self.pairs = []

    def pair(self, id, what, visible, hidden):
        """A visible case `id` and its hidden dual `id-h`; each side is a cmd, or a dict of
        cmd, stdin and files."""
        assert all(id != other for other, _, _, _ in self.pairs), id
        self.pairs.append((id, what, as_case(visible), as_case(hidden)))

    def write(self):
        tests = ROOT / "tasks-wasm" / self.task / "tests"
        for split in ("visible", "hidden"):
            shutil.rmtree(tests / split, ignore_errors=True)
            (tests / split).mkdir(parents=True)
        for id, what, visible, hidden in self.pairs:
            (tests / "visible" / f"{id}.toml").write_text(case_text(what, **visible))
            (tests / "hidden" / f"{id}-h.toml").write_text(case_text(what, duals=[id], **hidden))
        print(f"{self.task}: {len(self.pairs)} visible, {len(self.pairs)} hidden")


def file_name(key):
    return key[: -len("_txt")].replace("_", "-") + ".txt" if key.endswith("_txt") else key


def as_case(side):
    return {"cmd": side} if isinstance(side, str) else side


def cal_cases():
    c = Cases("cal")
    p = c.pair
    # Single months.
    months = [
        ("1 2024", "11 1999"), ("2 2023", "2 2019"), ("3 2021", "8 2022"), ("4 1970", "6 1969"),
        ("5 2000", "10 2010"), ("7 1776", "7 1789"), ("12 2099", "12 2100"), ("1 1", "2 1"),
        ("6 9999", "12 9999"), ("10 1582", "10 1583"), ("1 1753", "12 1751"), ("9 1900", "3 1800"),
        ("8 45", "4 476"), ("11 1918", "5 1945"), ("6 2038", "1 2037"), ("3 10000", "7 123456"),
    ]
    for i, (v, h) in enumerate(months, 1):
        p(f"month-{i:02}", "One month of one year.", f"cal {v}", f"cal {h}")
    p("month-name", "A month given by its name.", "cal february 2024", "cal august 2015")
    p("month-name-abbr", "A month given by its abbreviation.", "cal mar 2022", "cal nov 2011")
    p("month-name-case", "Month names in capitals.", "cal JULY 1999", "cal Oct 2004")
    p("month-name-this-year", "A month name alone: that month of the current year.", "cal june", "cal dec")
    p("month-name-unknown", "An unknown month name with a year.", "cal smarch 2020", "cal juni 2020")
    p("month-name-alone-unknown", "A word that is neither a timestamp nor a month name.", "cal tuesday", "cal xyz")
    # Whole years.
    years = [("2024", "2023"), ("1999", "2000"), ("1", "9999"), ("1969", "1984"), ("2100", "2400")]
    for i, (v, h) in enumerate(years, 1):
        p(f"year-{i}", "A year alone: the whole year.", f"cal {v}", f"cal {h}")
    p("year-flag", "-y with a month and year: the whole year.", "cal -y 5 2021", "cal -y 11 1977")
    p("year-flag-now", "-y alone: the current year.", "cal -y", "cal --year")
    p("year-julian", "A year in day-of-year numbers.", "cal -j 2023", "cal -j 1995")
    p("year-monday", "A year with Monday first.", "cal -m 2022", "cal --monday 2013")
    p("year-week", "A year with week numbers.", "cal -w 2026", "cal -w 2015")
    p("year-week-iso", "A year with ISO week numbers (Monday first).", "cal -w -m 2021", "cal -wm 2010")
    p("year-vertical", "A year, days in columns.", "cal -v 2024", "cal -v 1990")
    p("year-julian-week", "Day-of-year numbers with week numbers.", "cal -j -w 2020", "cal -jw 2004")
    # 1752 and the reform.
    p("sep-1752", "September 1752: the Gregorian reform drops 3 to 13.", "cal 9 1752", "cal september 1752")
    p("sep-1752-julian", "September 1752 in day-of-year numbers.", "cal -j 9 1752", "cal -j sep 1752")
    p("year-1752", "The whole of 1752.", "cal 1752", "cal -y 1752")
    p("sep-1752-three", "Three months around September 1752.", "cal -3 9 1752", "cal -3 10 1752")
    p("reform-julian", "--reform julian: no reform, Julian leap years.", "cal --reform julian 9 1752",
      "cal --reform=julian 2 1900")
    p("reform-gregorian", "--reform gregorian: the proleptic Gregorian calendar.", "cal --reform gregorian 9 1752",
      "cal --reform=gregorian 2 1700")
    p("reform-iso", "--iso: the Gregorian calendar throughout.", "cal --iso 9 1752", "cal --iso 1 1000")
    p("reform-1752", "--reform 1752: the default, said explicitly.", "cal --reform 1752 9 1752",
      "cal --reform=1752 1753")
    p("reform-case", "Reform names in any case.", "cal --reform=Julian 3 1600", "cal --reform=GREGORIAN 3 1600")
    p("reform-bad", "An unknown reform.", "cal --reform 1582 1 2000", "cal --reform=france 1 2000")
    p("reform-missing", "--reform without its value.", "cal --reform", "cal 2020 --reform")
    p("leap-1700-julian", "1700: a leap year before the reform, not after.", "cal 2 1700",
      "cal --iso 2 1700")
    # Leap years.
    p("leap-2000", "February of a leap year divisible by 400.", "cal 2 2000", "cal 2 2400")
    p("leap-1900", "February of a century that is not a leap year.", "cal 2 1900", "cal 2 2100")
    p("leap-2024", "February of an ordinary leap year.", "cal 2 2024", "cal 2 1996")
    p("leap-julian-dec", "December of a leap year in day-of-year numbers (to 366).", "cal -j 12 2024",
      "cal -j 12 2000")
    p("common-julian-dec", "December of a common year in day-of-year numbers.", "cal -j 12 2023",
      "cal -j 12 1900")
    p("leap-year-whole", "A whole leap year.", "cal 2028", "cal 1600")
    p("leap-day", "The 29th of February of a leap year.", "cal 29 2 2024", "cal 29 2 2000")
    p("leap-day-bad", "The 29th of February of a common year.", "cal 29 2 2023", "cal 29 2 1900")
    # Three months, spans, counts.
    p("three", "-3: the month before and after.", "cal -3 6 2024", "cal -3 4 1989")
    p("three-year-end", "-3 across a year's end.", "cal -3 12 2023", "cal -3 1 2000")
    p("three-now", "-3 alone: around the current month.", "cal -3", "cal --three")
    p("three-julian", "-3 with day-of-year numbers.", "cal -3 -j 3 2021", "cal -3j 10 2016")
    p("three-week", "-3 with week numbers.", "cal -3 -w 1 2022", "cal -3w 7 2019")
    p("three-monday", "-3 with Monday first.", "cal -3 -m 2 2020", "cal -m3 9 2018")
    p("three-vertical", "-3 with days in columns.", "cal -3 -v 5 2024", "cal -v -3 11 2012")
    p("one", "-1: one month (the default).", "cal -1 3 2024", "cal --one 8 2008")
    p("one-after-three", "The last of -1 and -3 wins.", "cal -3 -1 5 2017", "cal -1 -3 5 2017")
    p("months-n", "-n: that many months from the date's month.", "cal -n 5 11 2023", "cal -n 4 6 2001")
    p("months-long", "--months with =.", "cal --months=2 1 2024", "cal --months=7 3 2011")
    p("months-span", "-n with -S: the months span the date.", "cal -n 5 -S 6 2024", "cal -S -n 3 1 2024")
    p("months-span-even", "-S with an even count.", "cal -n 4 -S 3 2015", "cal --span -n 2 10 2015")
    p("months-thirteen", "More months than a row holds.", "cal -n 13 1 2020", "cal -n 14 5 1999")
    p("months-zero", "-n 0 shows one month.", "cal -n 0 3 2023", "cal --months=0 8 2023")
    p("months-now", "-n alone with no date: from the current month.", "cal -n 2", "cal -n 4")
    p("months-bad", "-n with a value that is not a number.", "cal -n abc", "cal --months=three")
    p("months-negative", "-n with a negative number.", "cal -n -2 2024", "cal --months=-5")
    p("months-missing", "-n without its value.", "cal -n", "cal --months")
    p("months-year", "-n with a year alone.", "cal -n 3 2024", "cal -n 2 1950")
    p("months-julian", "-n with day-of-year numbers.", "cal -j -n 4 11 2021", "cal -jn 2 12 1999")
    # Twelve months.
    p("twelve", "-Y: the twelve months from the date's month.", "cal -Y 6 2024", "cal -Y 10 2019")
    p("twelve-long", "--twelve with a year alone.", "cal --twelve 2023", "cal --twelve 1998")
    p("twelve-now", "-Y alone: from the current month.", "cal -Y", "cal --twelve")
    p("twelve-julian", "-Y with day-of-year numbers.", "cal -Y -j 3 2022", "cal -jY 7 2002")
    p("twelve-exclusive", "-Y with -y: mutually exclusive.", "cal -Y -y 2020", "cal -y -Y")
    p("year-months-exclusive", "-y with -n: mutually exclusive.", "cal -y -n 3 2020", "cal -n 2 --year")
    # Day-of-year numbers.
    p("julian", "-j: day-of-year numbers.", "cal -j 3 2024", "cal -j 3 2023")
    p("julian-long", "--julian.", "cal --julian 7 2021", "cal --julian 10 1999")
    p("julian-monday", "-j with Monday first.", "cal -j -m 2 2000", "cal -jm 8 2010")
    p("julian-vertical", "-j with days in columns.", "cal -j -v 1 2024", "cal -jv 12 2020")
    # Week numbers.
    p("week", "-w: US week numbers.", "cal -w 1 2021", "cal -w 1 2022")
    p("week-iso", "-w with Monday first: ISO-8601 week numbers.", "cal -w -m 1 2021", "cal -w -m 1 2016")
    p("week-53", "A year with an ISO week 53.", "cal -w -m 12 2020", "cal -w -m 12 2015")
    p("week-arg", "--week=N: the month holding week N.", "cal --week=10 2024", "cal --week=40 2023")
    p("week-arg-iso", "--week=N with ISO numbering.", "cal -m --week=1 2021", "cal -m --week=53 2020")
    p("week-arg-53-us", "US week 53.", "cal --week=53 2022", "cal --week=54 2022")
    p("week-arg-missing-53", "An ISO week 53 that the year does not have.", "cal -m --week=53 2021",
      "cal -m --week=53 2019")
    p("week-arg-range", "--week outside 1-54.", "cal --week=0 2024", "cal --week=55 2024")
    p("week-arg-bad", "--week with a value that is not a number.", "cal --week=ten 2024", "cal --week=x")
    p("week-short-digits", "-w takes no attached value: -w5 is -w -5.", "cal -w5 2024", "cal -w10")
    p("week-three", "-w with -3 across a year's end.", "cal -w -3 1 2021", "cal -w -3 12 2026")
    p("week-sunday", "-w with --sunday.", "cal -w --sunday 5 2024", "cal --sunday -w 9 2017")
    p("week-vertical", "-w with days in columns.", "cal -w -v 3 2024", "cal -wv 6 2022")
    p("week-julian", "-w with day-of-year numbers.", "cal -w -j 4 2024", "cal -wj 9 2012")
    p("week-arg-year-whole", "--week=N with -y.", "cal -y --week=20 2024", "cal -y --week=3 2005")
    # First day of the week.
    p("monday", "-m: Monday first.", "cal -m 4 2024", "cal -m 5 2024")
    p("monday-long", "--monday.", "cal --monday 12 2021", "cal --monday 6 1999")
    p("sunday", "-s: Sunday first.", "cal -s 4 2024", "cal -s 9 2030")
    p("sunday-long", "--sunday.", "cal --sunday 2 2015", "cal --sunday 3 2026")
    p("sunday-after-monday", "The last of -m and -s wins.", "cal -m -s 7 2024", "cal -s -m 7 2024")
    # Vertical.
    p("vertical", "-v: days in columns.", "cal -v 2 2024", "cal -v 8 2023")
    p("vertical-long", "--vertical.", "cal --vertical 1 2000", "cal --vertical 5 1985")
    p("vertical-monday", "-v with Monday first.", "cal -v -m 10 2024", "cal -vm 4 2014")
    p("vertical-months", "-v with -n.", "cal -v -n 2 11 2024", "cal -v -n 4 3 2009")
    # Colour.
    p("color-never", "--color=never.", "cal --color=never 3 2024", "cal --color=never 1 1999")
    p("color-always", "--color=always: without terminfo nothing stands out, as with no TERM.", "cal --color=always", "cal --color=always -3")
    p("color-always-other", "--color=always on a month without today.", "cal --color=always 5 2024",
      "cal --color=always 1 2030")
    p("color-auto", "--color=auto on a pipe: no colour.", "cal --color=auto", "cal --color=auto 2 2012")
    p("color-bare", "--color alone means auto.", "cal --color 6 2020", "cal --color -y 2011")
    p("color-bad", "An unknown colour mode.", "cal --color=maybe", "cal --color=yes 1 2020")
    p("color-always-year", "--color=always over the current year: no standout either.", "cal --color=always -y",
      "cal --color=always -j")
    # The current date.
    p("now", "No arguments: the current month.", "cal", "cal -1")
    p("now-julian", "-j alone: the current month in day-of-year numbers.", "cal -j", "cal --julian")
    p("now-week", "-w alone: the current month with week numbers.", "cal -w", "cal -w -m")
    p("now-monday", "-m alone.", "cal -m", "cal -s")
    p("now-vertical", "-v alone.", "cal -v", "cal -v -j")
    # Days, months and years together.
    p("day-month-year", "A day, month and year.", "cal 15 6 2023", "cal 1 1 2000")
    p("day-monthname-year", "A day, a month name and a year.", "cal 4 july 1976", "cal 25 dec 2000")
    p("day-three", "A day with -3.", "cal -3 31 12 1999", "cal -3 1 3 2024")
    p("day-julian", "A day with -j.", "cal -j 31 12 2024", "cal -j 1 3 2023")
    p("day-bad-zero", "Day 0.", "cal 0 5 2024", "cal 00 5 2024")
    p("day-bad-32", "Day 32.", "cal 32 1 2024", "cal 40 3 2024")
    p("day-bad-31-april", "Day 31 of a month of 30.", "cal 31 4 2024", "cal 31 11 2023")
    p("day-bad-text", "A day that is not a number.", "cal x 5 2024", "cal 1st 5 2024")
    # Timestamps.
    p("timestamp-date", "A date as YYYY-MM-DD.", "cal 2024-02-29", "cal 1999-12-31")
    p("timestamp-datetime", "A date and time.", "cal '2021-07-04 12:30'", "cal '2010-01-01 00:00:01'")
    p("timestamp-bad", "A malformed date.", "cal 2024-13-01", "cal 2024-02-30x")
    # Bad months and years.
    p("bad-month-zero", "Month 0.", "cal 0 2020", "cal 00 2020")
    p("bad-month-13", "Month 13.", "cal 13 2020", "cal 99 2020")
    p("month-text-number", "A month that is a number with text after it.", "cal 5x 2020", "cal 1a 2021")
    p("year-zero", "Year 0.", "cal 0", "cal 1 0")
    p("year-negative", "A negative year is an unknown option.", "cal -5", "cal 12 -2000")
    p("year-text", "A year that is not a number.", "cal 5 twenty", "cal 1 2020a")
    p("year-huge", "A year out of range.", "cal 99999999999", "cal 1 4294967296")
    p("year-big", "A year far in the future.", "cal 2147483647", "cal 7 1000000")
    p("too-many", "Four date arguments.", "cal 1 2 3 4", "cal 1 1 1 1 1")
    # Options.
    p("bad-option", "An unknown short option.", "cal -x", "cal -q 2020")
    p("bad-long-option", "An unknown long option.", "cal --weekly", "cal --foo=1")
    p("ambiguous-option", "An abbreviation of two long options.", "cal --mon", "cal --m")
    p("abbreviated-option", "A unique abbreviation of a long option.", "cal --jul 2 2024", "cal --thr 7 2024")
    p("option-argument-not-allowed", "A value given to an option that takes none.", "cal --julian=1",
      "cal --year=2020")
    p("option-after-args", "Options after the date arguments.", "cal 3 2024 -j", "cal 2024 -m")
    p("double-dash", "-- ends the options.", "cal -- 5 2024", "cal -j -- 2 2020")
    p("help", "--help prints the usage.", "cal --help", "cal -h")
    p("help-with-others", "--help wins over other arguments.", "cal -j --help 2024", "cal -h -y")
    p("version", "--version.", "cal --version", "cal -V")
    # Pipes through guest tools.
    p("pipe-head", "A year cut short by head.", "cal 2024 | head -n 9", "cal 1999 | head -n 5")
    p("pipe-wc", "Line and byte counts of a year.", "cal -y 2025 | wc", "cal -j -y 2025 | wc")
    p("pipe-tail", "The last lines of three months.", "cal -3 2 2024 | tail -n 3", "cal -3 5 2019 | tail -n 2")
    p("error-status-and", "A failing cal stops &&.", "cal 13 2020 && cal 1 2020", "cal 0 1 2020 && cal 2 2020")
    p("error-status-or", "A failing cal runs ||.", "cal 13 2020 || cal 1 2021", "cal x || cal 12 2021")
    p("stdout-only", "Errors go to stderr: a redirect keeps stdout.", "cal -x 2>/dev/null",
      "cal 99 2020 2>/dev/null")
    return c


def rev_cases():
    c = Cases("rev")
    p = c.pair

    def stdin(cmd, text):
        return {"cmd": cmd, "stdin": text}

    def files(cmd, **named):
        """cmd with files named by keywords: `a_txt` is a.txt, `long_utf8_txt` long-utf8.txt."""
        return {"cmd": cmd, "files": {file_name(key): content for key, content in named.items()}}

    fixture = lambda name: {"fixture": name}  # noqa: E731
    p("stdin-line", "One line on stdin.", stdin("rev", "hello world\n"), stdin("rev", "stressed desserts\n"))
    p("stdin-lines", "Several lines on stdin.", stdin("rev", "one\ntwo\nthree\n"),
      stdin("rev", "alpha\nbeta\ngamma\ndelta\n"))
    p("stdin-no-newline", "A last line without a newline.", stdin("rev", "abc\ndef"), stdin("rev", "no newline"))
    p("stdin-empty", "Empty stdin.", stdin("rev", ""), stdin("rev < /dev/null", ""))
    p("stdin-empty-lines", "Empty lines stay empty.", stdin("rev", "a\n\n\nb\n"), stdin("rev", "\n\nxy\n\n"))
    p("stdin-only-newlines", "Only newlines.", stdin("rev", "\n"), stdin("rev", "\n\n\n\n"))
    p("stdin-spaces", "Leading and trailing spaces move.", stdin("rev", "  indented\ntrailing   \n"),
      stdin("rev", "\tx y z \n"))
    p("stdin-tabs", "Tabs are characters like others.", stdin("rev", "a\tb\tc\n"), stdin("rev", "1\t22\t333\n"))
    p("stdin-crlf", "A carriage return is a character: it moves to the front.", stdin("rev", "dos\r\nline\r\n"),
      stdin("rev", "crlf\r\n"))
    p("stdin-palindrome", "Palindromes.", stdin("rev", "racecar\nlevel\n"), stdin("rev", "noon\nrotor\n"))
    p("stdin-digits", "Digits and punctuation.", stdin("rev", "12345\n(a, b) [c]\n"),
      stdin("rev", "3.14159\n{x: 1}\n"))
    p("stdin-dash", "'-' is a file name, not stdin.", stdin("rev -", "text\n"), stdin("rev - x.txt", "text\n"))
    p("stdin-nul", "A NUL byte ends what rev sees of a line.", stdin("rev", "ab\x00cd\nef\n"),
      stdin("rev", "x\x00\nyz\n"))
    p("stdin-single-char", "Lines of one character.", stdin("rev", "a\nb\nc\n"), stdin("rev", "z\n"))
    # UTF-8.
    p("utf8-accents", "Accented letters reverse as characters.", stdin("rev", "héllo wörld\n"),
      stdin("rev", "façade naïve\n"))
    p("utf8-cjk", "CJK text.", stdin("rev", "日本語のテキスト\n"), stdin("rev", "中文字符串\n"))
    p("utf8-emoji", "Emoji beyond the BMP.", stdin("rev", "a😀b🎉c\n"), stdin("rev", "🚀 to the 🌕\n"))
    p("utf8-combining", "Combining marks reverse with the code points, apart from their letters.",
      stdin("rev", "e\u0301a\u0308\n"), stdin("rev", "n\u0303o\u0302\n"))
    p("utf8-mixed", "Scripts mixed on one line.", stdin("rev", "abc αβγ абв\n"), stdin("rev", "xyz ΩΨ жзи\n"))
    p("utf8-rtl", "Right-to-left text reverses like any other.", stdin("rev", "שלום עולם\n"),
      stdin("rev", "مرحبا\n"))
    p("utf8-bom", "A byte-order mark is a character.", stdin("rev", "\ufeffbom\n"), stdin("rev", "\ufeffx y\n"))
    p("invalid-utf8", "An invalid byte: the lines before it, then an error.", stdin("rev", b"ok\nbad \xff here\nnever\n"),
      stdin("rev", b"first\nsecond\n\xc3\x28\nthird\n"))
    p("invalid-utf8-first", "An invalid byte on the first line.", stdin("rev", b"\xfe\nrest\n"),
      stdin("rev", b"a\x80b\n"))
    p("truncated-utf8", "An incomplete character at the end of the input is dropped.", stdin("rev", b"abc\xe2\x82"),
      stdin("rev", b"xy\nz\xf0\x9f"))
    p("invalid-utf8-file", "An invalid byte in the second of two files.",
      files("rev a.txt b.txt", a_txt="fine\n", b_txt=b"caf\xe9\nmore\n"),
      files("rev a.txt b.txt", a_txt=b"\xff\n", b_txt="good\n"))
    # Files.
    p("file", "One file.", files("rev poem.txt", poem_txt=fixture("poem.txt")),
      files("rev poem2.txt", poem2_txt=fixture("poem2.txt")))
    p("file-utf8", "A file of UTF-8 text.", files("rev utf8.txt", utf8_txt=fixture("utf8.txt")),
      files("rev utf8-2.txt", utf8_2_txt=fixture("utf8-2.txt")))
    p("files-two", "Two files, one after the other.", files("rev a.txt b.txt", a_txt="first\nfile\n", b_txt="second\n"),
      files("rev x.txt y.txt", x_txt="xx\n", y_txt="yy\nzz\n"))
    p("files-three", "Three files.", files("rev 1.txt 2.txt 3.txt", **{"1_txt": "one\n", "2_txt": "two\n", "3_txt": "three\n"}),
      files("rev c.txt b.txt a.txt", a_txt="a\n", b_txt="bb\n", c_txt="ccc\n"))
    p("files-no-newline", "A file without a final newline, then another.",
      files("rev a.txt b.txt", a_txt="end", b_txt="next\n"), files("rev a.txt b.txt", a_txt="x\ny", b_txt="z"))
    p("file-empty", "An empty file.", files("rev empty.txt", empty_txt=""), files("rev e.txt full.txt", e_txt="", full_txt="x\n"))
    p("file-twice", "The same file twice.", files("rev a.txt a.txt", a_txt="twice\n"),
      files("rev b.txt b.txt b.txt", b_txt="ab\n"))
    p("file-missing", "A file that does not exist.", "rev missing.txt", "rev nothere")
    p("file-missing-among", "A missing file between two others: the others are still read.",
      files("rev a.txt missing.txt b.txt", a_txt="aaa\n", b_txt="bbb\n"),
      files("rev x.txt nope y.txt", x_txt="12\n", y_txt="34\n"))
    p("file-missing-last", "The last file missing: status 1 after the output.",
      files("rev a.txt gone.txt", a_txt="abc\n"), files("rev one.txt two.txt", one_txt="1\n"))
    p("file-directory", "A directory: reading it fails.", files("rev d", **{"d/f_txt": "inside\n"}),
      files("rev a.txt sub", a_txt="before\n", **{"sub/x_txt": "x\n"}))
    p("file-subdir-path", "A file by a path with directories.", files("rev dir/f.txt", **{"dir/f_txt": "nested\n"}),
      files("rev a/b/c.txt", **{"a/b/c_txt": "deep\n"}))
    p("file-and-stdin", "With a file named, stdin is not read.", {"cmd": "rev a.txt", "stdin": "ignored\n",
      "files": {"a.txt": "file\n"}}, {"cmd": "rev b.txt", "stdin": "not read\n", "files": {"b.txt": "only this\n"}})
    p("file-redirect", "Input redirected from a file.", files("rev < poem.txt", poem_txt=fixture("poem.txt")),
      files("rev < in.txt", in_txt="redirected\n"))
    p("file-output", "Output redirected to a file.", files("rev a.txt > out.txt", a_txt="to file\n"),
      files("rev b.txt > r.txt", b_txt="elif\n"))
    # Long lines: past the 8192 characters of the first buffer.
    p("long-line", "A line longer than rev's first buffer.", files("rev long.txt", long_txt=fixture("long.txt")),
      files("rev long2.txt", long2_txt=fixture("long2.txt")))
    p("long-lines-many", "Many long lines.", files("rev wide.txt", wide_txt=fixture("wide.txt")),
      files("rev wide2.txt", wide2_txt=fixture("wide2.txt")))
    p("long-line-utf8", "A long line of multibyte characters.", files("rev long-utf8.txt", long_utf8_txt=fixture("long-utf8.txt")),
      files("rev long-utf8-2.txt", long_utf8_2_txt=fixture("long-utf8-2.txt")))
    p("long-then-short", "A long line followed by short ones.", files("rev mix.txt", mix_txt=fixture("mix.txt")),
      files("rev mix2.txt", mix2_txt=fixture("mix2.txt")))
    p("many-lines", "Many short lines.", files("rev lines.txt", lines_txt=fixture("lines.txt")),
      files("rev lines2.txt", lines2_txt=fixture("lines2.txt")))
    # Pipes.
    p("pipe-twice", "Reversing twice gives the input back.", files("rev poem.txt | rev", poem_txt=fixture("poem.txt")),
      files("rev utf8.txt | rev", utf8_txt=fixture("utf8.txt")))
    p("pipe-from-cat", "Input from cat.", files("cat a.txt b.txt | rev", a_txt="cat one\n", b_txt="cat two\n"),
      files("cat x.txt | rev", x_txt="piped\n"))
    p("pipe-printf", "Input from printf.", "printf 'abc\\ndef\\n' | rev", "printf 'x y z' | rev")
    p("pipe-sort", "Reversed lines sorted.", files("rev words.txt | sort", words_txt="banana\napple\ncherry\n"),
      files("rev w.txt | sort", w_txt="dog\ncat\nbird\n"))
    p("pipe-head", "Only the first lines.", files("rev lines.txt | head -n 3", lines_txt=fixture("lines.txt")),
      files("rev lines2.txt | head -n 2", lines2_txt=fixture("lines2.txt")))
    p("pipe-wc", "Reversing keeps the byte count.", files("rev poem.txt | wc -c", poem_txt=fixture("poem.txt")),
      files("rev utf8.txt | wc -c", utf8_txt=fixture("utf8.txt")))
    p("pipe-tr", "Reversed then upper-cased.", stdin("rev | tr a-z A-Z", "shout\n"), stdin("rev | tr a-z A-Z", "quiet words\n"))
    p("status-and", "A missing file fails &&.", "rev nope && printf 'ran\\n'", "rev gone.txt && printf 'yes\\n'")
    p("status-or", "A missing file runs ||.", "rev nope || printf 'failed\\n'", "rev nothing || printf 'no\\n'")
    p("stderr-redirect", "The error message to a file.", "rev nope 2> err.txt", "rev missing 2> e.log")
    p("stderr-to-stdout", "The error message and output together.",
      files("rev a.txt nope 2>&1", a_txt="abc\n"), files("rev nope b.txt 2>&1", b_txt="xyz\n"))
    # Options.
    p("help", "--help prints the usage.", "rev --help", "rev -h")
    p("help-with-file", "--help wins over files.", files("rev a.txt --help", a_txt="x\n"), "rev -h nope")
    p("version", "--version.", "rev --version", "rev -V")
    p("bad-option", "An unknown option.", "rev -x", "rev -n file")
    p("bad-long-option", "An unknown long option.", "rev --reverse", "rev --lines=3")
    p("abbreviated-option", "A unique abbreviation of a long option.", "rev --vers", "rev --he")
    p("option-argument-not-allowed", "A value given to an option that takes none.", "rev --help=yes", "rev --version=2")
    p("double-dash", "-- ends the options: a file named like an option.", files("rev -- -n", **{"-n": "dashed\n"}),
      files("rev -- --help", **{"--help": "not help\n"}))
    p("option-after-file", "Options after files are still options.", files("rev a.txt -V", a_txt="x\n"),
      files("rev a.txt -h", a_txt="y\n"))
    return c


def rev_fixtures():
    """rev's fixtures: two poems, UTF-8 texts, and long lines from fixed seeds."""
    out = ROOT / "tasks-wasm" / "rev" / "fixtures"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    texts = {
        "poem.txt": "Tyger Tyger, burning bright,\nIn the forests of the night;\nWhat immortal hand or eye,\n"
        "Could frame thy fearful symmetry?\n",
        "poem2.txt": "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\n"
        "Rough winds do shake the darling buds of May,\nAnd summer's lease hath all too short a date;\n",
        "utf8.txt": "Ça va très bien, merci.\nGrüße aus Köln!\nΚαλημέρα κόσμε\nПривет, мир\n",
        "utf8-2.txt": "¿Qué tal? ¡Muy bien!\nZażółć gęślą jaźń\n日本語 と English\n🙂 smile 🙃\n",
    }
    for name, text in texts.items():
        (out / name).write_text(text)
    rng = random.Random(2381)
    letters = "abcdefghijklmnopqrstuvwxyz     ,.;"
    multibyte = "äöüßéèçñαβγδжзий日本語中文😀🎉"

    def line(n, alphabet):
        return "".join(rng.choice(alphabet) for _ in range(n))

    (out / "long.txt").write_text(line(10000, letters) + "\n")
    (out / "long2.txt").write_text(line(20000, letters) + "\n")
    (out / "wide.txt").write_text("".join(line(rng.randint(3000, 9000), letters) + "\n" for _ in range(6)))
    (out / "wide2.txt").write_text("".join(line(rng.randint(3000, 9000), letters) + "\n" for _ in range(5)))
    (out / "long-utf8.txt").write_text(line(9000, multibyte) + "\n")
    (out / "long-utf8-2.txt").write_text(line(12000, multibyte + letters) + "\n")
    (out / "mix.txt").write_text(line(17000, letters) + "\nshort\n\nend\n")
    (out / "mix2.txt").write_text("begin\n" + line(8500, letters) + "\nafter\n")
    (out / "lines.txt").write_text("".join(f"line {i:03} {line(rng.randint(0, 30), letters)}\n" for i in range(200)))
    (out / "lines2.txt").write_text("".join(f"{i}: {line(rng.randint(0, 50), letters)}\n" for i in range(150)))


UUIDS = {
    "nil": "00000000-0000-0000-0000-000000000000",
    "v1": "c7a48ef6-ab8c-11ee-a506-0242ac120002",
    "v1b": "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    "v1c": "e4eaaaf2-d142-11e1-b3e4-080027620cdd",
    "v1d": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "v2": "000003e8-ab8d-21ee-9700-0242ac120002",
    "v2b": "00000064-1234-21d1-8000-00c04fd430c8",
    "v3": "6fa459ea-ee8a-3ca4-894e-db77e160355e",
    "v3b": "a3bb189e-8bf9-3888-9912-ace4e6543002",
    "v4": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
    "v4b": "16fd2706-8baf-433b-82eb-8c7fada847da",
    "v5": "886313e1-3b8a-5372-9b90-0c9aee199e5d",
    "v5b": "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    "v6": "1ec9414c-232a-6b00-b3c8-9e6bdeced846",
    "v7": "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
    "v8": "320c3d4d-cc00-875b-8ec9-32d5f69181c0",
    "ncs": "0a1b2c3d-4e5f-1a7b-0c9d-0e1f2a3b4c5d",
    "ncsb": "33333333-4444-4555-6666-777777777777",
    "ms": "3f2504e0-4f89-41d3-c5ab-0123456789ab",
    "msb": "00020400-0000-0000-c000-000000000046",
    "other": "12345678-1234-1234-e234-123456789abc",
    "otherb": "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "upper": "9B1DEB4D-3B7D-4BAD-9BDD-2B0D7B3DCB6D",
    "upperb": "C7A48EF6-AB8C-11EE-A506-0242AC120002",
    "v0": "12345678-1234-0234-8234-123456789abc",
    "v15": "12345678-1234-f234-a234-123456789abc",
}


def uuidparse_cases():
    c = Cases("uuidparse")
    p = c.pair
    u = UUIDS

    def stdin(cmd, text):
        return {"cmd": cmd, "stdin": text}

    kinds = [("nil", "nil", "nil"), ("time", "v1", "v1b"), ("time-old", "v1c", "v1d"), ("dce-security", "v2", "v2b"),
             ("md5", "v3", "v3b"), ("random", "v4", "v4b"), ("sha1", "v5", "v5b"), ("version-6", "v6", "v8"),
             ("version-7", "v7", "v0"), ("version-15", "v15", "v0"), ("ncs", "ncs", "ncsb"), ("microsoft", "ms", "msb"),
             ("reserved", "other", "otherb"), ("uppercase", "upper", "upperb")]
    for name, v, h in kinds:
        if name == "nil":
            p("kind-nil", "The nil UUID.", f"uuidparse {u['nil']}", f"uuidparse -o TYPE {u['nil']}")
        else:
            p(f"kind-{name}", f"A UUID of kind {name}: its variant, type and time.", f"uuidparse {u[v]}",
              f"uuidparse {u[h]}")
    p("several-args", "Several UUIDs as arguments.", f"uuidparse {u['v1']} {u['v4']} {u['nil']}",
      f"uuidparse {u['v5']} {u['ms']} {u['v3']} {u['v1b']}")
    p("all-kinds", "One UUID of every kind.", "uuidparse " + " ".join(u[k] for k in ("nil", "v1", "v2", "v3", "v4", "v5", "ncs", "ms", "other")),
      "uuidparse " + " ".join(u[k] for k in ("v1b", "v2b", "v3b", "v4b", "v5b", "ncsb", "msb", "otherb", "v6")))
    # Bad input.
    p("invalid-short", "Too short to be a UUID.", "uuidparse 1234", "uuidparse abcdef-12")
    p("invalid-long", "Too long.", f"uuidparse {u['v4']}0", f"uuidparse {u['v1']}-ff")
    p("invalid-chars", "Not hexadecimal.", "uuidparse g1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6dz",
      "uuidparse zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")
    p("invalid-dashes", "Dashes in the wrong places.", "uuidparse 9b1deb4d3b7d-4bad-9bdd-2b0d-7b3dcb6d",
      "uuidparse 9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d")
    p("invalid-among-valid", "An invalid input among valid ones.", f"uuidparse {u['v4']} nonsense {u['v1']}",
      f"uuidparse bad {u['nil']} 123")
    p("invalid-braces", "A UUID in braces is not parsed.", "uuidparse '{9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d}'",
      "uuidparse 'urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'")
    p("invalid-empty-arg", "An empty argument.", "uuidparse ''", f"uuidparse '' {u['v4']}")
    p("invalid-json", "Invalid input in JSON.", "uuidparse -J bogus", f"uuidparse -J x {u['v5']}")
    # stdin.
    p("stdin-lines", "UUIDs on stdin, one a line.", stdin("uuidparse", f"{u['v1']}\n{u['v4']}\n"),
      stdin("uuidparse", f"{u['v3']}\n{u['v5']}\n{u['nil']}\n"))
    p("stdin-spaces", "UUIDs on stdin, separated by spaces and tabs.", stdin("uuidparse", f"{u['v1']} {u['v4']}\t{u['ms']}\n"),
      stdin("uuidparse", f"  {u['v5']}\t\t{u['v1b']}   \n"))
    p("stdin-blank-lines", "Blank lines on stdin.", stdin("uuidparse", f"\n{u['v4']}\n\n\n{u['v1']}\n"),
      stdin("uuidparse", f"\n\n{u['nil']}\n\n"))
    p("stdin-no-newline", "The last UUID without a newline.", stdin("uuidparse", u["v4"]), stdin("uuidparse", f"{u['v1']}\n{u['v3']}"))
    p("stdin-empty", "Empty stdin: only the header.", stdin("uuidparse", ""), stdin("uuidparse -J", ""))
    p("stdin-invalid", "Invalid words on stdin.", stdin("uuidparse", "hello world\n"),
      stdin("uuidparse", f"{u['v4']} not-a-uuid\n"))
    p("stdin-ignored", "Arguments given: stdin is not read.", stdin(f"uuidparse {u['v4']}", f"{u['v1']}\n"),
      stdin(f"uuidparse {u['nil']}", "junk\n"))
    p("stdin-pipe", "UUIDs piped from printf.", f"printf '%s\\n' {u['v1']} {u['v5']} | uuidparse",
      f"printf '%s %s' {u['v3']} {u['v4']} | uuidparse")
    p("stdin-file", "UUIDs redirected from a file.", {"cmd": "uuidparse < ids.txt", "files": {"ids.txt": f"{u['v1']}\n{u['v2']}\n{u['v7']}\n"}},
      {"cmd": "uuidparse < list", "files": {"list": f"{u['ms']} {u['ncs']}\n"}})
    # Columns.
    p("output-one", "-o with one column.", f"uuidparse -o UUID {u['v4']}", f"uuidparse -o VARIANT {u['ms']}")
    p("output-two", "-o with two columns.", f"uuidparse -o TYPE,TIME {u['v1']}", f"uuidparse -o UUID,TYPE {u['v5']}")
    p("output-order", "-o in another order.", f"uuidparse -o TIME,UUID {u['v1b']} {u['v4']}",
      f"uuidparse -o TYPE,VARIANT,UUID {u['v3']} {u['ms']}")
    p("output-repeat", "-o naming a column twice.", f"uuidparse -o UUID,UUID {u['v4']}", f"uuidparse -o TYPE,TYPE,TYPE {u['nil']}")
    p("output-lowercase", "Column names in lower case.", f"uuidparse -o uuid,type {u['v4']}", f"uuidparse -o variant,time {u['v1']}")
    p("output-plus", "-o +COLUMN adds to the default columns.", f"uuidparse -o +UUID {u['v4']}", f"uuidparse -o +TYPE {u['v1']}")
    p("output-long", "--output and --output=.", f"uuidparse --output TIME {u['v1']}", f"uuidparse --output=UUID,TIME {u['v1c']}")
    p("output-unknown", "An unknown column.", f"uuidparse -o COLOR {u['v4']}", f"uuidparse -o UUID,SIZE {u['v4']}")
    p("output-empty", "An empty column list.", f"uuidparse -o '' {u['v4']}", f"uuidparse -o , {u['v4']}")
    p("output-missing", "-o without its value.", "uuidparse -o", "uuidparse --output")
    p("output-twice", "-o given twice: the last wins.", f"uuidparse -o UUID -o TYPE {u['v4']}",
      f"uuidparse -o TIME -o VARIANT {u['v1']}")
    # Formats.
    p("json", "-J: JSON output.", f"uuidparse -J {u['v1']} {u['v4']}", f"uuidparse -J {u['nil']} {u['v5']} {u['ms']}")
    p("json-long", "--json with columns.", f"uuidparse --json -o UUID,TYPE {u['v3']}", f"uuidparse --json -o TIME {u['v1d']}")
    p("json-noheadings", "-J with -n.", f"uuidparse -J -n {u['v4']}", f"uuidparse -Jn {u['v1']}")
    p("raw", "-r: raw output.", f"uuidparse -r {u['v1']} {u['v4']}", f"uuidparse -r {u['nil']} {u['ms']} {u['v2']}")
    p("raw-long", "--raw with columns.", f"uuidparse --raw -o TYPE,TIME {u['v1']}", f"uuidparse --raw -o UUID {u['v5']}")
    p("raw-empty-fields", "-r with empty TIME fields.", f"uuidparse -r {u['v4']} {u['v5']}", f"uuidparse -r {u['nil']}")
    p("raw-noheadings", "-r with -n.", f"uuidparse -r -n {u['v1']}", f"uuidparse -rn {u['v3']} {u['v4']}")
    p("noheadings", "-n: no header line.", f"uuidparse -n {u['v1']} {u['v4']}", f"uuidparse --noheadings {u['ms']}")
    p("noheadings-columns", "-n with columns.", f"uuidparse -n -o TYPE {u['v1']} {u['v4']}", f"uuidparse -n -o UUID,VARIANT {u['ncs']}")
    p("json-raw-exclusive", "-J and -r are mutually exclusive.", f"uuidparse -J -r {u['v4']}", f"uuidparse --raw --json {u['v4']}")
    p("json-invalid-time", "JSON of invalid and time-less inputs.", f"uuidparse -J {u['v4']} bad", f"uuidparse -J -o TIME {u['v5']}")
    # Options.
    p("help", "--help prints the usage.", "uuidparse --help", "uuidparse -h")
    p("version", "--version.", "uuidparse --version", "uuidparse -V")
    p("bad-option", "An unknown option.", "uuidparse -x", f"uuidparse -q {u['v4']}")
    p("bad-long-option", "An unknown long option.", "uuidparse --format=json", "uuidparse --all")
    p("abbreviated-option", "Unique abbreviations of long options.", f"uuidparse --js {u['v4']}", f"uuidparse --nohead {u['v4']}")
    p("option-argument-not-allowed", "A value given to an option that takes none.", f"uuidparse --json=yes {u['v4']}",
      f"uuidparse --raw=1 {u['v4']}")
    p("options-after-args", "Options after the UUIDs.", f"uuidparse {u['v4']} -n", f"uuidparse {u['v1']} -o TYPE")
    p("double-dash", "-- ends the options.", f"uuidparse -- {u['v4']}", "uuidparse -- -n")
    p("pipe-wc", "Line counts of the output.", f"uuidparse {u['v4']} {u['v1']} | wc -l", f"uuidparse -n {u['v4']} | wc -l")
    p("pipe-sort", "Output sorted.", f"uuidparse -n -o TYPE {u['v4']} {u['v1']} {u['v3']} | sort",
      f"uuidparse -n -o VARIANT {u['ms']} {u['ncs']} {u['v4']} | sort")
    return c


GENERATORS = {"cal": cal_cases, "rev": rev_cases, "uuidparse": uuidparse_cases}

if __name__ == "__main__":
    names = sys.argv[1:] or list(GENERATORS)
    unknown = [n for n in names if n not in GENERATORS]
    if unknown:
        sys.exit(f"gen-cases.py: unknown task {unknown[0]} (known: {', '.join(GENERATORS)})")
    for name in names:
        if name == "rev":
            rev_fixtures()
        GENERATORS[name]().write()
