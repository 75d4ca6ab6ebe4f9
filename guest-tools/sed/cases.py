#!/usr/bin/env python3
"""Generates the cases and fixtures of the sed task (GNU sed 4.9).

Run from the repository root, then record the goldens:

    python3 guest-tools/sed/cases.py
    mirror record sed

Every case is a pair: a visible case and a hidden dual that checks the same behaviour on
other inputs (see guest-tools/casegen.py). A word of a command line that names a fixture
brings that fixture into the case's files.
"""

import pathlib
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from casegen import Pair, Run, write  # noqa: E402

FIXTURES = {
    "poem.txt": """\
The quick brown fox
jumps over the lazy dog.
A cat sat on the mat,

and the cat was happy.
START
inside one
inside two
END
after the end
The last line
""",
    "poem2.txt": """\
Once upon a midnight dreary,
while I pondered, weak and weary,
over a quaint and curious volume

of forgotten lore.
START
middle alpha
middle beta
middle gamma
END
nevermore
Quoth the raven
""",
    "nums.txt": "".join("%d\n" % i for i in range(1, 13)),
    "nums2.txt": "".join("%d\n" % i for i in range(101, 118)),
    "words.txt": "apple banana cherry\nbanana apple\ncherry cherry apple\n\nbanana\n",
    "words2.txt": "kiwi mango kiwi\nmango\npapaya kiwi mango kiwi\n\n\nmango mango\n",
    "conf.ini": """\
# settings
[server]
host = example.org
port = 8080

[client]
retries = 3
timeout = 30
""",
    "conf2.ini": """\
; another file
[database]
user = admin
password = secret
[cache]
size = 512
ttl = 60

[log]
level = debug
""",
    "data.csv": "id,name,score\n1,ann,90\n2,bob,75\n3,cy,88\n",
    "data2.csv": "sku,item,qty,price\nA1,pen,10,1.50\nB2,ink,3,7.25\nC3,pad,25,2.00\nD4,cap,1,0.99\n",
    "blanks.txt": "one\n\n\n\ntwo\n\nthree\n\n\n",
    "blanks2.txt": "\n\nalpha\n\n\n\n\nbeta\ngamma\n\n\ndelta\n",
    "nonl.txt": "first\nsecond\nno newline at end",
    "nonl2.txt": "x\ny without newline",
    "crlf.txt": "dos line\r\nanother\r\n",
    "crlf2.txt": "windows\r\ntext\r\nhere\r\n",
    "utf8.txt": "h\u00e9llo w\u00f6rld\nna\u00efve caf\u00e9\n\u65e5\u672c\u8a9e\n",
    "utf8-2.txt": "\u00e0 bient\u00f4t\n\u00fcber gr\u00fcn\nkr\u00f3l\n",
    "ctrl.txt": "tab\there\nbell\x07 and esc\x1b\nlong line " + "x" * 80 + "\n",
    "ctrl2.txt": "back\\slash\tand\ttabs\nform\x0cfeed\n" + "y" * 100 + "\n",
    "script.sed": "# a sed script\n/START/,/END/{\n  s/^/> /\n}\ns/the/THE/g\n",
    "script2.sed": "# another script\n1d\n/^$/d\ns/a/A/2\n$a\\\n-- end --\n",
    "bad.sed": "s/a/b/\n/x/{\np\nk\n}\n",
    "bad2.sed": "1p\n2p\ns/unterminated\n",
    "labels.sed": ":top\n/\\\\$/{\nN\ns/\\\\\\n//\nbtop\n}\n",
    "join.txt": "one \\\ntwo \\\nthree\nfour\nfive \\\nsix\n",
    "join2.txt": "a\\\nb\\\nc\\\nd\ne\n",
    "insert.txt": "inserted line\nanother inserted\n",
    "insert2.txt": "INSERT A\n",
    "list.txt": "eggs\nmilk\nbread\n",
    "list2.txt": "salt\npepper\n",
}


def files_of(cmd, extra=None):
    """The fixtures a command line names, plus `extra` files."""
    files = {w: {"fixture": w} for w in re.findall(r"[\w.-]+", cmd) if w in FIXTURES}
    files.update(extra or {})
    return files


def run(cmd, stdin=None, env=None, files=None):
    return Run(cmd, stdin=stdin, env=env or {}, files=files_of(cmd, files))


def pair(id, what, visible, hidden, stdin=(None, None), env=None, files=(None, None)):
    """A visible command line and its hidden dual."""
    return Pair(id, what, run(visible, stdin[0], env, files[0]), run(hidden, stdin[1], env, files[1]))


def on(id, what, args, hidden_args=None, v="poem.txt", h="poem2.txt", env=None):
    """`sed ARGS FILE` on a visible fixture and on a hidden one."""
    visible = ("sed %s %s" % (args, v)).strip()
    hidden = ("sed %s %s" % (hidden_args or args, h)).strip()
    return pair(id, what, visible, hidden, env=env)


def substitute():
    return [
        on("s-basic", "s replaces the first match on each line", "s/the/THE/"),
        on("s-global", "s///g replaces every match", "s/e/E/g"),
        on("s-nth", "s///N replaces the Nth match", "s/e/E/2", "s/e/E/3"),
        on("s-nth-global", "s///Ng replaces from the Nth match on", "s/e/E/2g"),
        on("s-print", "-n with s///p prints the changed lines", "-n s/the/THE/p", "-n s/and/AND/p"),
        on("s-ignore-case", "s///I matches regardless of case", "s/the/X/Ig", "s/o/0/gI"),
        on("s-ampersand", "& in the replacement is the match", "'s/[aeiou]/<&>/g'"),
        on("s-escaped-ampersand", "\\& is a literal ampersand", "'s/ /\\&/g'", "'s/a/\\&&/g'"),
        on("s-backref", "\\1 and \\2 in BRE", "'s/\\([a-z]*\\) \\([a-z]*\\)/\\2 \\1/'"),
        on("s-ere-backref", "back references with -E", "-E 's/(\\w+) (\\w+)/\\2 \\1/'"),
        on("s-upper", "\\U upper-cases the rest of the replacement", "'s/\\w\\+/\\U&/'", "'s/[a-z]* /\\U&/g'"),
        on("s-lower", "\\L lower-cases", "'s/.*/\\L&/'", "'s/[A-Z]\\+/\\L&/g'"),
        on("s-upper-first", "\\u upper-cases one character", "'s/\\b\\w/\\u&/g'", "'s/ \\w/\\u&/g'"),
        on("s-lower-first", "\\l lower-cases one character", "'s/\\w\\+/\\l&/g'", "'s/^./\\l&/'"),
        on("s-case-end", "\\E ends a case conversion", "'s/\\(\\w\\+\\) \\(\\w\\+\\)/\\U\\1\\E \\2/'"),
        on("s-newline", "\\n in the replacement splits the line", "'s/ /\\n/g'", "'s/, /\\n/'"),
        on("s-delimiter", "another delimiter for s", "'s|the|[&]|g'", "'s,e,#,g'"),
        on("s-delimiter-in-regex", "the delimiter escaped inside the regex", "'s/\\//|/g'", "'s|a\\|e|_|g'",
           v="paths.txt", h="paths2.txt"),
        on("s-empty-regex", "an empty regex reuses the last one", "'/fox/s//cat/'", "'/raven/s//crow/'"),
        on("s-anchors", "^ and $ anchor the match", "'s/^/> /;s/$/ </'"),
        on("s-dot-star", ".* matches greedily", "'s/a.*e/[&]/'"),
        on("s-interval", "intervals in BRE and ERE", "'s/e\\{1,2\\}/E/g'", "-E 's/[aeiou]{2}/VV/g'"),
        on("s-ere-alternation", "ERE alternation", "-E 's/(the|cat)/<\\1>/g'", "-E 's/(a|o)n/[\\1N]/g'"),
        on("s-bre-alternation", "\\| alternation in GNU BRE", "'s/fox\\|dog/animal/g'", "'s/alpha\\|gamma/greek/g'"),
        on("s-plus-question", "\\+ and \\? in GNU BRE", "'s/o\\+/0/g;s/x\\?$/!/'"),
        on("s-classes", "POSIX character classes", "'s/[[:upper:]]/U/g;s/[[:punct:]]/P/g'"),
        on("s-word-boundary", "\\b, \\< and \\> boundaries", "'s/\\bthe\\b/THE/g;s/\\<a\\>/A/g'"),
        on("s-word-classes", "\\w, \\W, \\s and \\S", "'s/\\w\\+/w/g;s/\\s/_/g'", "'s/\\W/#/g;s/\\S\\+/s/'"),
        on("s-escapes", "\\t, \\x41, \\o102 and \\d067 in replacements", "'s/ /\\t/;s/^/\\x41\\o102\\d067/'"),
        on("s-multiline-m", "the M flag: ^ and $ at each embedded line", "'N;s/^/>/Mg'", "'N;N;s/$/</Mg'"),
        on("s-flags-combined", "s with g, p and I together", "-n 's/THE/*/gIp'", "-n 's/A/@/Igp'"),
        pair("s-write-file", "s///w writes changed lines to a file", "sed -n 's/the/THE/w out.txt' poem.txt",
             "sed 's/a/A/gw changed.txt' poem2.txt"),
        pair("s-write-stdout", "s///w /dev/stdout", "sed 's/the/THE/w /dev/stdout' poem.txt",
             "sed -n 's/e/E/w /dev/stdout' poem2.txt"),
        on("s-special-chars", "regex metacharacters escaped", "'s/\\./!/g;s/,/;/g'"),
        on("s-bracket-special", "] and - inside a bracket expression", "'s/[]a-]/#/g'", "'s/[^a-z ]/_/g'"),
        on("s-empty-match", "an empty match between characters", "'s/x*/-/g'", "'s/b*/|/2'", v="words.txt",
           h="words2.txt"),
        on("s-nth-beyond", "s///N beyond the matches changes nothing", "s/e/E/9"),
        on("s-csv-field", "swap two CSV fields", "-E 's/^([^,]*),([^,]*)/\\2,\\1/'", v="data.csv", h="data2.csv"),
        on("s-ini-value", "rewrite values in an ini file", "-E 's/^([a-z]+) = (.*)/\\1=\"\\2\"/'", v="conf.ini",
           h="conf2.ini"),
        on("s-crlf", "strip carriage returns", "'s/\\r$//'", v="crlf.txt", h="crlf2.txt"),
        pair("s-e-flag", "s///e runs the pattern space as a command (WASI cannot start processes)",
             "sed 's/.*/echo hi/e' list.txt", "sed '1s/^.*$/echo x/e' list2.txt"),
    ]


def errors():
    return [
        pair("s-unknown-flag", "an unknown s flag", "sed s/a/b/z poem.txt", "sed s/a/b/gq poem2.txt"),
        pair("s-unterminated", "an unterminated s command", "sed s/a/b poem.txt", "sed 's/a' poem2.txt"),
        pair("s-bad-backref", "a back reference to a group that does not exist", "sed 's/a/\\1/' poem.txt",
             "sed -E 's/(a)/\\2/' poem2.txt"),
        pair("s-zero-flag", "s///0 is invalid", "sed s/a/b/0 poem.txt", "sed s/a/b/g0 poem2.txt"),
        pair("s-double-p", "two p flags", "sed s/a/b/pp poem.txt", "sed s/a/b/gpp poem2.txt"),
        pair("s-double-g", "two g flags", "sed s/a/b/gg poem.txt", "sed s/a/b/2gg poem2.txt"),
        pair("bad-regex-paren", "an unmatched \\(", "sed 's/\\(a/b/' poem.txt", "sed -E 's/(a/b/' poem2.txt"),
        pair("bad-regex-bracket", "an unmatched [", "sed 's/[a/b/' poem.txt", "sed '/[[:alpha:/d' poem2.txt"),
        pair("bad-regex-interval", "an invalid interval", "sed -E 's/a{2,1}/b/' poem.txt",
             "sed 's/a\\{x\\}/b/' poem2.txt"),
        pair("unknown-command", "an unknown command", "sed k poem.txt", "sed '1{p;K}' poem2.txt"),
        pair("missing-command", "an address without a command", "sed 1 poem.txt", "sed /x/ poem2.txt"),
        pair("unmatched-brace", "an unmatched {", "sed '/a/{p' poem.txt", "sed '1{2{p}' poem2.txt"),
        pair("unexpected-brace", "an unexpected }", "sed '}' poem.txt", "sed 'p;}' poem2.txt"),
        pair("extra-chars", "characters after a command", "sed 'px' poem.txt", "sed 'dq' poem2.txt"),
        pair("address-zero", "line address 0 alone", "sed -n 0p poem.txt", "sed 0,3d poem2.txt"),
        pair("y-lengths", "y strings of different lengths", "sed y/abc/xy/ poem.txt", "sed y/a/xyz/ poem2.txt"),
        pair("y-unterminated", "an unterminated y command", "sed y/abc/xyz poem.txt", "sed y/a poem2.txt"),
        pair("colon-no-label", "a : without a label", "sed : poem.txt", "sed '1d;:' poem2.txt"),
        pair("undefined-label", "a branch to a label that does not exist", "sed 'bnowhere' poem.txt",
             "sed -n '/a/tmissing' poem2.txt"),
        pair("a-no-text", "a without text", "sed a poem.txt", "sed 1i poem2.txt"),
        pair("comments-after-address", "a comment where a command should be", "sed '1#x' poem.txt",
             "sed '$ # c' poem2.txt"),
        pair("script-error-file", "an error in a script file names the file and line", "sed -f bad.sed poem.txt",
             "sed -f bad2.sed poem2.txt"),
        pair("script-error-expression", "an error in the second -e names the expression",
             "sed -e p -e 's/x' poem.txt", "sed -e 1d -e 2d -e k poem2.txt"),
        pair("missing-script-file", "-f with a file that does not exist", "sed -f nosuch.sed poem.txt",
             "sed -f missing/x.sed poem2.txt"),
        pair("missing-input", "an input file that does not exist, exit 2", "sed p nosuch.txt",
             "sed -n 1p nosuch1 nosuch2"),
        pair("missing-input-continues", "a missing input file among others", "sed -n '$=' nosuch.txt poem.txt",
             "sed 1d poem2.txt gone.txt"),
        pair("directory-input", "a directory as input", "mkdir d && sed p d", "mkdir dir && sed -n 1p poem2.txt dir"),
        pair("w-bad-path", "w to a file in a directory that does not exist", "sed 'w nodir/out' poem.txt",
             "sed -n 's/a/b/w no/such/file' poem2.txt"),
        pair("no-script", "no script at all", "sed", "sed -n"),
        pair("bad-option", "an unknown option", "sed --frobnicate p poem.txt", "sed -k p poem2.txt"),
        pair("missing-option-argument", "-e and -f without their argument", "sed -e", "sed poem2.txt -f"),
        pair("bad-line-length", "an invalid -l", "sed -l x l poem.txt", "sed --line-length=-3 l poem2.txt"),
        pair("sandbox-w", "--sandbox refuses w, r and e", "sed --sandbox 'w out' poem.txt",
             "sed --sandbox '1r list.txt' poem2.txt"),
        pair("posix-rejects-gnu", "--posix with a GNU extension", "sed --posix 's/a\\+/b/' poem.txt",
             "sed --posix -n '0~2p' poem2.txt"),
        pair("in-place-missing", "-i on a file that does not exist", "sed -i s/a/b/ nosuch.txt",
             "sed -i.bak 1d gone.txt"),
        pair("in-place-directory", "-i on a directory", "mkdir d && sed -i p d", "mkdir sub && sed -i 1d sub"),
        pair("in-place-stdin", "-i with no file", "sed -i s/a/b/", "sed -n -i p", stdin=("a\n", "b\n")),
        pair("unknown-command-e", "an unknown command after a valid one", "sed -n '1p;2X' poem.txt",
             "sed '$!N;@' poem2.txt"),
    ]


def addresses():
    return [
        on("line-number", "a line-number address", "-n 3p", "-n 5p"),
        on("last-line", "$ is the last line", "-n '$p'", "'$d'"),
        on("line-range", "a range of line numbers", "2,4d", "3,7d"),
        on("regex-address", "a regex address", "/the/d", "/ea/d"),
        on("regex-range", "a range between two regexes", "-n '/START/,/END/p'"),
        on("regex-range-delete", "delete between two regexes", "'/START/,/END/d'"),
        on("step", "first~step addresses", "-n 1~3p", "-n 2~4p", v="nums.txt", h="nums2.txt"),
        on("step-zero", "0~step addresses", "0~3d", "0~5d", v="nums.txt", h="nums2.txt"),
        on("plus-n", "addr,+N ranges", "'/START/,+2d'", "-n '/^o/,+1p'"),
        on("tilde-n", "addr,~N ranges to a multiple of N", "-n 2,~4p", "-n 5,~3p", v="nums.txt", h="nums2.txt"),
        on("zero-regex", "0,/re/ can end on the first line", "'0,/e/s//E/'", "'0,/a/s//A/'"),
        on("one-regex", "1,/re/ starts looking on line 2", "'1,/e/s/e/E/'", "'1,/a/s/a/A/'"),
        on("negate", "! negates an address", "'2!d'", "'/a/!d'"),
        on("negate-range", "! negates a range", "-n '3,6!p'", "-n '/START/,/END/!p'"),
        on("backwards-range", "a range whose end is before its start", "-n 5,2p", "-n 8,3p"),
        on("regex-i", "the I modifier on an address", "/the/Id", "-n /o/Ip"),
        on("regex-delimiter", "\\cREc with another delimiter", "'\\,fox,d'", "'\\|a|d'"),
        on("empty-address-regex", "// reuses the last regex", "-n '/the/{//p}'", "-n '/a/{s//A/;//p}'"),
        on("range-regex-line", "a regex start and a line-number end", "'/quick/,4d'", "'/while/,6d'"),
        on("range-line-regex", "a line-number start and a regex end", "-n '2,/^$/p'", "-n '3,/START/p'"),
        on("range-repeats", "a regex range that matches twice", "-n '/an/,/the/p'", "-n '/a/,/e/p'",
           v="words.txt", h="words2.txt"),
        on("last-of-files", "$ with several files is the last line of the last",
           "-n '$p' poem.txt", "-n '$p' poem2.txt", v="nums.txt", h="nums2.txt"),
        on("separate-last", "-s makes $ the last line of each file",
           "-s -n '$p' poem.txt", "-s -n '$p' poem2.txt", v="nums.txt", h="nums2.txt"),
        on("separate-line-numbers", "-s restarts line numbers", "-s 1d poem.txt", "-s 2,3d poem2.txt",
           v="list.txt", h="list2.txt"),
        on("nested-groups", "nested blocks", "-n '/START/,/END/{/in/{s/i/I/p}}'", "-n '1,6{/a/{/e/p}}'"),
        on("group-commands", "a block of commands", "-n '/the/{s/the/THE/;p}'", "-n '/a/{=;p}'"),
        on("multiple-addresses-same", "several commands on overlapping ranges", "-e '1,3s/^/A/' -e '2,4s/$/B/'"),
    ]


def commands():
    return [
        on("d", "d deletes", "'/^$/d'", "'1d;$d'"),
        on("p", "p prints the pattern space again", "p", "2p"),
        on("n", "n prints and reads the next line", "-n 'n;p'", "'n;d'"),
        on("N", "N appends the next line", "'N;s/\\n/ + /'", "'$!N;s/\\n/ | /'"),
        on("N-last", "N on the last line prints and exits (GNU)", "'N;N;s/\\n/,/g'", "'N;N;N;N;s/\\n/,/g'"),
        on("D", "D deletes up to the first newline and restarts", "'$!N;/^\\(.*\\)\\n\\1$/!P;D'",
           v="words.txt", h="words2.txt"),
        on("P", "P prints up to the first newline", "-n 'N;P'", "-n '$!N;P;D'"),
        on("h-g", "h copies to the hold space, g back", "'1h;$g'", "'2h;4g'"),
        on("H-G", "H appends to the hold space, G appends it back", "'H;$!d;G'", "'/a/H;$G'"),
        on("x", "x exchanges pattern and hold space", "'x;$G'", "-n 'x;p'"),
        on("equals", "= prints the line number", "=", "-n '/e/='"),
        on("count-lines", "$= counts lines", "-n '$='"),
        on("l", "l shows the pattern space unambiguously", "-n l", v="ctrl.txt", h="ctrl2.txt"),
        on("l-wrap", "l N wraps at N characters", "-n 'l 20'", "-n 'l 7'", v="ctrl.txt", h="ctrl2.txt"),
        on("l-no-wrap", "l 0 never wraps", "-n 'l 0'", v="ctrl.txt", h="ctrl2.txt"),
        on("l-line-length", "-l sets l's wrap width", "-n -l 15 l", "-n --line-length=30 l",
           v="ctrl.txt", h="ctrl2.txt"),
        on("l-utf8-c", "l on UTF-8 text in the C locale", "-n l", v="utf8.txt", h="utf8-2.txt"),
        on("q", "q prints and quits", "3q", "5q"),
        on("q-status", "q with an exit status", "2q5", "'/START/q42'"),
        on("Q", "Q quits without printing", "3Q", "'/START/Q'"),
        on("Q-status", "Q with an exit status", "'2Q7'", "'$Q1'"),
        on("q-max-status", "q with the largest exit statuses", "'1q255'", "'1q128'"),
        on("a", "a appends a line of text", "'2a appended'", "'/START/a after start'"),
        on("a-classic", "a\\ with the text on the next line", "'1a\\\nfirst appended\\\nsecond appended'",
           "'$a\\\nthe end'"),
        on("a-leading-space", "a\\ keeps leading blanks", "'1a\\   indented'", "'2a\\\\  two'"),
        on("i", "i inserts a line of text", "'3i inserted'", "'/END/i before end'"),
        on("c", "c changes a line", "'2c changed'", "'/START/c replaced'"),
        on("c-range", "c on a range prints the text once", "'/START/,/END/c (block removed)'", "'2,4c gone'"),
        on("c-negated", "c on a negated address", "'2!c x'", "'$!c y'", v="list.txt", h="list2.txt"),
        on("a-i-c-together", "a, i and c on one line", "-e '2i before' -e '2a after' -e '2c middle'"),
        on("y", "y transliterates", "y/abc/xyz/", "y/aeiou/AEIOU/"),
        on("y-escapes", "y with \\n and escaped delimiters", "'N;y/\\n/|/'", "'y/\\/ /|_/'"),
        on("r", "r queues a file's text after the line", "'2r insert.txt'", "'/START/r insert2.txt'"),
        on("r-missing", "r of a file that does not exist adds nothing", "'1r nosuch.txt'", "'$r gone'"),
        on("r-each", "r after every line", "'r insert2.txt'", "'r list2.txt'", v="list.txt", h="nums.txt"),
        on("R", "R queues one line of a file at a time", "'R list.txt'", "'R list2.txt'", v="nums.txt",
           h="poem2.txt"),
        pair("w", "w writes the pattern space to a file", "sed -n '/the/w out.txt' poem.txt",
             "sed '/a/w a-lines.txt' poem2.txt"),
        pair("W", "W writes the first line of the pattern space", "sed -n 'N;W out.txt' poem.txt",
             "sed '$!N;W first.txt' poem2.txt"),
        pair("w-two-files", "w to two files", "sed -n -e '/the/w the.txt' -e '/a/w a.txt' poem.txt",
             "sed -e '1,3w head.txt' -e '4,$w tail.txt' poem2.txt"),
        pair("w-stderr", "w /dev/stderr", "sed -n '/the/w /dev/stderr' poem.txt", "sed '1w /dev/stderr' poem2.txt"),
        on("z", "z empties the pattern space", "'/the/z'", "'2z;4z'"),
        on("F", "F prints the file name", "-n '1F;$F'", "'2F'"),
        on("F-stdin", "F on stdin prints -", "'1F'", "-n 'F;q'", v="- < poem.txt", h="- < list.txt"),
        on("b", "b branches to a label", "':a;s/  / /;ta'", "-n '/START/b skip;p;:skip'"),
        on("b-end", "b with no label ends the cycle", "'/the/b;s/e/E/g'", "'/a/b;d'"),
        on("t", "t branches after a substitution", "':x;s/e//;tx'", "-n 's/a/A/;t yes;p;d;:yes;s/^/yes: /p'"),
        on("T", "T branches when nothing was substituted", "-n 's/the/THE/;T;p'", "'s/a/A/;T skip;s/$/ !/;:skip'"),
        on("labels-file", "labels in a script file: join continued lines", "-f labels.sed", v="join.txt",
           h="join2.txt"),
        on("comment", "# comments in a script", "'# nothing\np # print'"),
        on("hash-n", "#n on the first line acts as -n", "'#n\n/the/p'", "'#n\n1p;3p'"),
        on("v", "v checks the sed version", "'v 4.2'", "'v'"),
        on("semicolons", "commands separated by semicolons and newlines", "'1d;3d\n5d'", "'2d\n4d;6d'"),
        on("blank-around", "blanks around commands and addresses", "'  2 , 4 p ; 6 d'", "' 1 ! d '"),
        on("braces-semicolon", "a block closed after ;", "-n '/e/{p;p;}'", "-n '2{=;};3{p}'"),
        pair("e-command", "the e command runs a command (WASI cannot start processes)",
             "sed '1e echo hello' list.txt", "sed '$e echo bye' list2.txt"),
    ]


def options():
    return [
        on("quiet", "-n suppresses the automatic print", "-n /the/p", "--quiet /a/p"),
        on("silent", "--silent is -n", "--silent 2p", "--silent '$p'"),
        on("expressions", "several -e join into one script", "-e 1d -e 3d", "-e '$d' -e 1d -e 2d"),
        on("expression-long", "--expression=", "--expression=s/a/A/ --expression=2d"),
        on("expression-newline", "a -e ending in a\\ continues into the next", "-e '1a\\' -e 'appended'",
           "-e '$a\\' -e 'end'"),
        on("script-file", "-f reads the script from a file", "-f script.sed", "-f script2.sed"),
        on("script-file-and-e", "-f and -e together", "-f script.sed -e 1d", "-e 2d -f script2.sed"),
        pair("script-stdin", "-f - reads the script from stdin", "sed -f - poem.txt", "sed -n -f - poem2.txt",
             stdin=("s/the/THE/\n", "/a/p\n")),
        on("extended", "-E for extended regexes", "-E 's/(o+)/[\\1]/g'", "-E 's/^(.)(.)/\\2\\1/'"),
        on("extended-r", "-r is -E", "-r 's/[aeiou]+/V/g'", "--regexp-extended 's/(a|e)/_/g'"),
        on("posix", "--posix keeps POSIX behaviour", "--posix 's/the/THE/'", "--posix -n '/a/p'"),
        on("separate", "-s treats files separately for ranges", "-s '1,2d' poem.txt", "-s -n '2p' poem2.txt",
           v="list.txt", h="list2.txt"),
        on("separate-off", "without -s files run together", "'1,2d' poem.txt", "-n '2p' poem2.txt",
           v="list.txt", h="list2.txt"),
        pair("null-data", "-z splits on NUL characters", "sed -z 's/^/>/'", "sed --null-data -n 2p",
             stdin=("one\x00two\x00three\x00", "a\nb\x00c\nd\x00")),
        pair("null-data-newlines", "-z sees newlines as ordinary characters", "sed -z 's/\\n/,/g' list.txt",
             "sed -z 's/\\n/;/g;s/;$//' list2.txt"),
        on("unbuffered", "-u changes nothing in the output", "-u 3q", "--unbuffered -n 2p"),
        on("debug", "--debug prints the program and each step", "--debug -n 2p", "--debug '1d;s/a/b/'",
           v="list.txt", h="list2.txt"),
        on("debug-complex", "--debug with a block and a branch", "--debug -n '/e/{s/e/E/;tx;p;:x}'",
           "--debug '2{h;d};$G'", v="list.txt", h="list2.txt"),
        on("help", "--help prints usage, exit 0", "--help", "--help --posix", v="", h=""),
        on("version", "--version prints the version, exit 0", "--version", "--vers", v="", h=""),
        on("in-place", "-i edits the file in place", "-i s/the/THE/g", "-i 1d"),
        on("in-place-suffix", "-i.bak keeps a backup", "-i.bak s/a/A/", "--in-place=.orig '$d'"),
        on("in-place-star", "-i with * in the suffix names the backup", "'-ibak_*' 1d", "'-i*.old' 2d"),
        pair("in-place-files", "-i on several files, each on its own", "sed -i '1s/^/# /' poem.txt list.txt",
             "sed -i '$a\\\nlast' poem2.txt list2.txt"),
        on("in-place-n", "-i with -n keeps only what is printed", "-n -i '/the/p'", "-i -n '2,3p'"),
        on("in-place-w", "-i with w writes both files", "-i 's/e/E/w changes.txt'", "-i '/a/w a.txt'"),
        on("in-place-stdout", "w /dev/stdout with -i prints to stdout", "-i '1w /dev/stdout'",
           "-i -n '/a/w /dev/stdout'"),
        on("in-place-separate", "-i implies -s: $ is each file's last line", "-i '$s/$/ (end)/' list.txt",
           "-i '1d' list2.txt"),
        on("in-place-q", "q with -i keeps the rest of the file out", "-i 2q", "-i '/START/q'"),
        on("combined-flags", "-ne and -nE combined", "-ne 2p", "-nE '/(a|e)/p'"),
        on("stdin-dash", "- names stdin among files", "p - ", "-n '$=' -", v="< list.txt", h="< poem2.txt"),
        pair("stdin", "input from stdin", "sed s/a/A/", "sed -n '$p'", stdin=("a b\nc a\n", "x\ny\nlast\n")),
        pair("stdin-pipe", "input from another program", "printf 'x\\ny\\n' | sed 's/^/-/'",
             "seq 3 | sed -n 2p"),
        pair("stdin-and-file", "stdin and a file", "sed -n p - list.txt", "sed -n p list2.txt -",
             stdin=("from stdin\n", "piped\n")),
        pair("stdin-empty", "empty input", "sed p", "sed -n '$='", stdin=("", "")),
        on("no-trailing-newline", "the last line's missing newline stays missing", "s/e/E/", v="nonl.txt",
           h="nonl2.txt"),
        on("no-trailing-newline-a", "a after a last line without newline", "'$a end'", v="nonl.txt",
           h="nonl2.txt"),
        on("no-trailing-newline-N", "N and G on a last line without newline", "'$!N;G'", v="nonl.txt",
           h="nonl2.txt"),
        on("empty-file", "an empty file", "p", "-n '$='", v="empty.txt", h="empty.txt"),
        on("utf8-dot-c", "in the C locale . matches one byte", "'s/./X/g'", v="utf8.txt", h="utf8-2.txt"),
        on("utf8-dot-utf8", "in C.UTF-8 . matches one character", "'s/./X/g'", v="utf8.txt", h="utf8-2.txt",
           env={"LC_ALL": "C.UTF-8"}),
        on("utf8-upper", "\\U on UTF-8 text in C.UTF-8", "'s/.*/\\U&/'", v="utf8.txt", h="utf8-2.txt",
           env={"LC_ALL": "C.UTF-8"}),
        on("utf8-y", "y with multibyte characters in C.UTF-8", "'y/\u00e9\u00f6/eo/'", "'y/\u00f6\u00fc/ou/'",
           v="utf8.txt", h="utf8-2.txt", env={"LC_ALL": "C.UTF-8"}),
        on("utf8-l", "l on UTF-8 text in C.UTF-8", "-n l", v="utf8.txt", h="utf8-2.txt", env={"LC_ALL": "C.UTF-8"}),
    ]


def one_liners():
    return [
        on("tac", "print lines in reverse (1!G;h;$!d)", "'1!G;h;$!d'"),
        on("rev-chars", "reverse each line's characters", "'/\\n/!G;s/\\(.\\)\\(.*\\n\\)/&\\2\\1/;//D;s/.//'",
           v="list.txt", h="list2.txt"),
        on("join-all", "join all lines with commas", "':a;N;$!ba;s/\\n/,/g'"),
        on("number-lines", "number lines with = and N", "= poem.txt | sed 'N;s/\\n/\\t/'",
           "= poem2.txt | sed 'N;s/\\n/: /'", v="", h=""),
        on("squeeze-blank", "squeeze runs of blank lines", "'/^$/N;/\\n$/D'", v="blanks.txt", h="blanks2.txt"),
        on("delete-leading-blank", "delete leading blank lines", "'/./,$!d'", v="blanks.txt", h="blanks2.txt"),
        on("delete-trailing-blank", "delete trailing blank lines", "-e :a -e '/^\\n*$/{$d;N;ba' -e '}'",
           v="blanks.txt", h="blanks2.txt"),
        on("last-two", "print the last two lines", "'$!N;$!D'"),
        on("head", "print the first lines, like head", "10q", "4q"),
        on("tail-one", "print the last line, like tail -1", "'$!d'"),
        on("dedupe-adjacent", "drop adjacent duplicates, like uniq", "'$!N;/^\\(.*\\)\\n\\1$/!P;D'",
           v="dups.txt", h="dups2.txt"),
        on("ini-section", "print one section of an ini file", "-n '/^\\[client\\]/,/^\\[/p'",
           "-n '/^\\[cache\\]/,/^\\[/{/^\\[/!p}'", v="conf.ini", h="conf2.ini"),
        on("strip-comments", "strip comments and blank lines", "-e 's/[#;].*//' -e '/^ *$/d'",
           v="conf.ini", h="conf2.ini"),
        on("csv-to-tsv", "commas to tabs", "'s/,/\\t/g'", v="data.csv", h="data2.csv"),
        on("csv-header", "upper-case the header line", "'1s/.*/\\U&/'", v="data.csv", h="data2.csv"),
        on("trim", "trim leading and trailing blanks", "'s/^[ \\t]*//;s/[ \\t]*$//'", v="spaces.txt",
           h="spaces2.txt"),
        on("center-numbers", "right-align numbers with a loop", "-e :a -e 's/^.\\{1,4\\}$/ &/;ta'",
           v="nums.txt", h="nums2.txt"),
        on("increment", "count matching lines into the hold space", "-n '/a/{x;s/$/x/;x};${x;s/x/*/g;p}'"),
        on("paragraph", "print the paragraph that holds a word",
           "-e '/./{H;$!d;}' -e 'x;/fox/!d'", "-e '/./{H;$!d;}' -e 'x;/lore/!d'"),
        on("wrap-words", "one word a line", "'s/[[:space:]]\\+/\\n/g'", v="words.txt", h="words2.txt"),
    ]


EXTRA_FIXTURES = {
    "paths.txt": "/usr/local/bin\n/etc/passwd\nrelative/path/here\n",
    "paths2.txt": "/var/log/syslog\n/home/user/.profile\na|b|c/d\n",
    "dups.txt": "a\na\nb\nc\nc\nc\na\n",
    "dups2.txt": "x\ny\ny\ny\nz\nx\nx\n",
    "spaces.txt": "   leading\ntrailing   \n \t both \t \nnone\n",
    "spaces2.txt": "\t\ttabs\t\n  two  words  \n",
    "empty.txt": "",
}
FIXTURES.update(EXTRA_FIXTURES)


def main():
    task = pathlib.Path(__file__).resolve().parent.parent.parent / "tasks-wasm" / "sed"
    fixtures = task / "fixtures"
    fixtures.mkdir(parents=True, exist_ok=True)
    for name, text in FIXTURES.items():
        (fixtures / name).write_text(text)
    write(task, substitute() + errors() + addresses() + commands() + options() + one_liners())


if __name__ == "__main__":
    main()
