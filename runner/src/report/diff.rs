//! Plain-text explanations of failures: unified diffs of what differed.

use std::fmt::Write as _;

use similar::TextDiff;

use super::kept::{Excerpt, KeptEntry};
use super::{CaseReport, Outputs};
use crate::outcome::Ending;
use crate::verdict::{decoded, Aspect, Decode, Rules, Verdict};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// What went wrong with a failed case: a one-line reason, then a diff for each aspect that
/// differed under `rules`, then what the rules tolerated. Diff lines start with `-`
/// (expected) or `+` (actual). The candidate's bytes in it are
/// [`printable`](super::printable): every view of the text prints it.
pub fn explain(case: &CaseReport, rules: &Rules) -> String {
    super::printable(&explain_raw(case, rules)).into_owned()
}

fn explain_raw(case: &CaseReport, rules: &Rules) -> String {
    let mut out = String::new();
    // Failing cases always keep their outputs.
    let Some(outputs) = case.outputs.as_deref() else { return out };
    match &case.verdict {
        Verdict::Pass => {}
        Verdict::WrongOutput(aspects) => {
            let names: Vec<&str> = aspects.iter().map(|a| a.name()).collect();
            let _ =
                writeln!(out, "wrong output: {} differ{}", names.join(", "), if names.len() == 1 { "s" } else { "" });
            if !rules.is_exact() {
                let _ = writeln!(out, "compared under the task's rules: {}", rules.describe().join(", "));
            }
            for aspect in aspects {
                explain_aspect(outputs, *aspect, rules, &mut out);
            }
            out.push_str(&tolerances(case));
        }
        Verdict::BuildError => {
            let _ = writeln!(out, "build-error: the candidate did not build (its build log is in the report)");
        }
        other => {
            let _ = writeln!(out, "{}: the candidate {}", other.name(), outputs.actual.termination.describe());
            let stderr = &outputs.actual.stderr;
            if stderr.len > 0 {
                out.push_str("its stderr:\n");
                out.push_str(&indent(&String::from_utf8_lossy(&stderr.head)));
                if !stderr.is_whole() {
                    let _ = writeln!(out, "    ... ({})", size(stderr));
                }
            }
        }
    }
    out
}

/// One line per aspect that was equal only under the rules, or nothing.
pub fn tolerances(case: &CaseReport) -> String {
    case.tolerated.iter().map(|t| format!("{}: {}\n", t.aspect.name(), t.rule.describe())).collect()
}

fn explain_aspect(outputs: &Outputs, aspect: Aspect, rules: &Rules, out: &mut String) {
    let (expected, actual) = (&outputs.expected, &outputs.actual);
    // Under UTF-8 lossy rules the streams are compared, and so shown, as decoded text.
    let stream = |what: &str, expected: &Excerpt, actual: &Excerpt| {
        if rules.decode != Decode::Utf8Lossy {
            return bytes_diff(what, expected, actual);
        }
        let decode = |e: &Excerpt| Excerpt { head: decoded(&e.head, rules).into_owned(), ..e.clone() };
        bytes_diff(&format!("{what}, decoded"), &decode(expected), &decode(actual))
    };
    match aspect {
        Aspect::Stdout => out.push_str(&stream("stdout", &expected.stdout, &actual.stdout)),
        Aspect::Stderr => out.push_str(&stream("stderr", &expected.stderr, &actual.stderr)),
        Aspect::Status => {
            let status = |termination: &Ending| match termination.exit_status() {
                Some(status) => status.to_string(),
                None => termination.describe(),
            };
            let modulo = if rules.status == crate::verdict::StatusRule::Mod256 { " (compared mod 256)" } else { "" };
            let _ = writeln!(
                out,
                "status: expected {}, got {}{modulo}",
                status(&expected.termination),
                status(&actual.termination)
            );
        }
        Aspect::Files => {
            let names: std::collections::BTreeSet<&String> = expected.files.keys().chain(actual.files.keys()).collect();
            for name in names {
                match (expected.files.get(name), actual.files.get(name)) {
                    (Some(e), Some(a)) if e == a => {}
                    (Some(e), Some(a)) => {
                        out.push_str(&bytes_diff(&format!("file {name}"), &entry_bytes(e), &entry_bytes(a)))
                    }
                    (Some(_), None) => {
                        let _ = writeln!(out, "file {name}: expected to be written, was not");
                    }
                    (None, Some(_)) => {
                        let _ = writeln!(out, "file {name}: written, but the reference did not");
                    }
                    (None, None) => {}
                }
            }
            for name in expected.removed.symmetric_difference(&actual.removed) {
                let by = if expected.removed.contains(name) {
                    "the reference removed it, the candidate did not"
                } else {
                    "the candidate removed it, the reference did not"
                };
                let _ = writeln!(out, "file {name}: {by}");
            }
        }
    }
}

/// An entry as the bytes a diff shows.
fn entry_bytes(entry: &KeptEntry) -> Excerpt {
    match entry {
        KeptEntry::File(excerpt) => excerpt.clone(),
        KeptEntry::Symlink(target) => Excerpt::of(format!("symlink to {target}\n").as_bytes(), usize::MAX),
        KeptEntry::Directory => Excerpt::of(b"empty directory\n", usize::MAX),
    }
}

/// `12 bytes, sha256 ...`.
fn size(excerpt: &Excerpt) -> String {
    format!("{} bytes, sha256 {}", excerpt.len, excerpt.sha256_hex())
}

/// A unified diff of what was kept; binary content is compared as a hex dump. When a report
/// kept only the heads, it says so, with the length and digest of each whole.
fn bytes_diff(what: &str, expected: &Excerpt, actual: &Excerpt) -> String {
    let mut out = heads_diff(what, &expected.head, &actual.head);
    if !expected.is_whole() || !actual.is_whole() {
        let _ = writeln!(
            out,
            "{what}: only the first bytes are kept; expected {}, actual {}",
            size(expected),
            size(actual)
        );
    }
    out
}

fn heads_diff(what: &str, expected: &[u8], actual: &[u8]) -> String {
    let (expected_text, actual_text) = match (std::str::from_utf8(expected), std::str::from_utf8(actual)) {
        (Ok(e), Ok(a)) => (e.to_string(), a.to_string()),
        _ => (hex_dump(expected), hex_dump(actual)),
    };
    let diff = TextDiff::from_lines(&expected_text, &actual_text);
    let mut out = diff
        .unified_diff()
        .context_radius(CONTEXT)
        .missing_newline_hint(true)
        .header(&format!("{what} (expected)"), &format!("{what} (actual)"))
        .to_string();
    if out.is_empty() {
        // Equal heads of unequal wholes; say so rather than print nothing.
        out = format!("{what}: differs after the bytes kept\n");
    }
    out
}

/// 16 bytes a line: offset, hex, printable ASCII.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String =
            chunk.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect();
        let _ = writeln!(out, "{:08x}  {:<47}  |{ascii}|", line * 16, hex.join(" "));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}
