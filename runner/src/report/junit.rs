//! JUnit XML, as CI systems (GitLab, Jenkins, GitHub test reporters) read it: one test suite
//! per split, one test case per case, failures carrying the diff.

use std::fmt::Write as _;

use super::{diff, printable, Report};
use crate::task::Split;

/// The report as a JUnit XML document.
pub fn to_junit(report: &Report) -> String {
    let all = report.totals(|_| true);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">",
        escape(&format!("mirror {}", report.task)),
        all.cases,
        all.cases - all.passed
    );
    for split in Split::ALL {
        let totals = report.totals(|c| c.split == split);
        if totals.cases == 0 {
            continue;
        }
        let suite = format!("{}.{}", report.task, split.name());
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            escape(&suite),
            totals.cases,
            totals.cases - totals.passed
        );
        for case in report.cases.iter().filter(|c| c.split == split) {
            let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", escape(&suite), escape(&case.id));
            if case.verdict.passed() {
                out.push_str("/>\n");
                continue;
            }
            let _ = writeln!(out, ">");
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                case.verdict.name(),
                escape(diff::explain(case, &report.compare).lines().next().unwrap_or("")),
                escape(&format!("$ {}\n{}", printable(&case.cmd), diff::explain(case, &report.compare)))
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes text for XML content and attributes; characters XML 1.0 cannot hold become `?`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}
