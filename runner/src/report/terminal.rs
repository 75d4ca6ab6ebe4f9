//! The human view of a report: each failure with its diff, then totals.

use std::fmt::Write as _;

use super::{diff, Report, Totals};
use crate::task::Split;

/// Failures with their explanations, then a summary; the last line is the overall count.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for case in report.cases.iter().filter(|c| !c.verdict.passed()) {
        let _ = writeln!(out, "FAIL {}  ({})", case.name(), case.cmd);
        for line in diff::explain(case).lines() {
            let _ = writeln!(out, "  {line}");
        }
        out.push('\n');
    }
    for split in Split::ALL {
        let totals = report.totals(|c| c.split == split);
        if totals.cases > 0 {
            let _ = writeln!(
                out,
                "{:>8}: {} of {} passed{}",
                split.name(),
                totals.passed,
                totals.cases,
                breakdown(&totals)
            );
        }
    }
    match report.solved() {
        Some(true) => out.push_str("solved: every hidden case passes\n"),
        Some(false) => out.push_str("not solved: some hidden cases fail\n"),
        None => {}
    }
    let _ = writeln!(out, "digest: {}", report.digest());
    let all = report.totals(|_| true);
    let _ = writeln!(out, "{}: {} passed, {} failed", report.task, all.passed, all.cases - all.passed);
    out
}

/// ` (wrong-output 3, time-limit 1)` for the failing verdicts, or nothing.
fn breakdown(totals: &Totals) -> String {
    let parts: Vec<String> = totals
        .by_verdict
        .iter()
        .filter(|(name, count)| *name != "pass" && *count > 0)
        .map(|(name, count)| format!("{name} {count}"))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}
