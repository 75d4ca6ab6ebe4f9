//! The human view of a report: failures with their diffs, then totals, then one closing line.

use std::fmt::Write as _;
use std::time::Duration;

use super::{diff, printable, Report, Totals};
use crate::task::{CaseId, Split};

/// How much to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    /// The closing line only.
    Quiet,
    /// Failures with diffs, totals, digest and the closing line.
    Normal,
    /// Also a line for every passing case.
    Verbose,
}

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Whether to colour with ANSI escapes.
    pub color: bool,
    /// How much to show.
    pub verbosity: Verbosity,
}

/// ANSI colours, used only when [`Style::color`] is on.
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, color: &str, text: &str) -> String {
        if self.color {
            format!("{color}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// A diff or explanation line, coloured by its first character.
    fn diff_line(&self, line: &str) -> String {
        match line.as_bytes().first() {
            Some(b'+') if !line.starts_with("+++") => self.paint(GREEN, line),
            Some(b'-') if !line.starts_with("---") => self.paint(RED, line),
            Some(b'@') => self.paint(CYAN, line),
            _ => line.to_string(),
        }
    }
}

/// The report for a terminal; `elapsed` and `jobs` describe the run when it just happened.
pub fn render(report: &Report, style: Style, timing: Option<(Duration, usize)>) -> String {
    let mut out = String::new();
    let build_failed = report.cases.iter().any(|c| c.verdict == crate::verdict::Verdict::BuildError);
    if let Some(log) = report.build_log.as_ref().filter(|_| build_failed && style.verbosity != Verbosity::Quiet) {
        let _ = writeln!(out, "{} the candidate did not build:", style.paint(&format!("{BOLD}{RED}"), "BUILD FAILED"));
        for line in printable(log).lines() {
            let _ = writeln!(out, "  {line}");
        }
        out.push('\n');
    }
    if style.verbosity != Verbosity::Quiet {
        for case in &report.cases {
            if case.verdict == crate::verdict::Verdict::BuildError {
                continue;
            }
            if case.verdict.passed() {
                if style.verbosity == Verbosity::Verbose {
                    let fuel = format!("fuel {} (reference {})", case.fuel, case.reference_fuel);
                    let _ = writeln!(out, "{} {}  {fuel}", style.paint(GREEN, "PASS"), case.name());
                    for line in diff::tolerances(case).lines() {
                        let _ = writeln!(out, "  {line}");
                    }
                }
                continue;
            }
            let _ = writeln!(
                out,
                "{} {}  ({})",
                style.paint(&format!("{BOLD}{RED}"), "FAIL"),
                case.name(),
                printable(&case.cmd)
            );
            for line in diff::explain(case, &report.compare).lines() {
                let _ = writeln!(out, "  {}", style.diff_line(line));
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
            Some(true) => out.push_str(&style.paint(GREEN, "solved: every hidden case passes\n")),
            Some(false) => out.push_str("not solved: some hidden cases fail\n"),
            None => {}
        }
        out.push_str(&mirrorcode_lines(report));
        let _ = writeln!(out, "digest: {}", report.digest());
        if let Some((elapsed, jobs)) = timing {
            let per_case = elapsed.as_secs_f64() * 1000.0 / report.cases.len().max(1) as f64;
            let _ = writeln!(
                out,
                "time: {:.2}s for {} cases on {jobs} job{} ({per_case:.2} ms a case)",
                elapsed.as_secs_f64(),
                report.cases.len(),
                if jobs == 1 { "" } else { "s" }
            );
        }
    }
    let all = report.totals(|_| true);
    let failed = all.cases - all.passed;
    let closing = format!("{}: {} passed, {failed} failed", report.task, all.passed);
    let _ = writeln!(out, "{}", style.paint(if failed == 0 { GREEN } else { RED }, &closing));
    out
}

/// The comparison rules and what they tolerated, MirrorCode's pass rates and gate, and the
/// hidden failures whose visible duals pass.
fn mirrorcode_lines(report: &Report) -> String {
    let mut out = String::new();
    if !report.compare.is_exact() {
        let tolerant = report.cases.iter().filter(|c| c.verdict.passed() && !c.tolerated.is_empty()).count();
        let _ = writeln!(
            out,
            "compare: {} ({tolerant} passing case{} needed them; -v shows which)",
            report.compare.describe().join(", "),
            if tolerant == 1 { "" } else { "s" }
        );
    }
    let metrics = report.metrics();
    let percent = |rate: Option<f64>| rate.map_or("-".to_string(), |r| format!("{:.1}%", 100.0 * r));
    let gate = match metrics.gate_open {
        Some(true) => "open",
        Some(false) => "closed",
        None => "not run",
    };
    let _ = writeln!(
        out,
        "pass rates: visible {}, hidden {}, all {}; submission gate (visible >= {:.0}%): {gate}",
        percent(metrics.visible_pass_rate),
        percent(metrics.hidden_pass_rate),
        percent(metrics.pass_rate),
        100.0 * super::SUBMISSION_GATE
    );
    let failures = report.dual_failures();
    if !failures.is_empty() {
        let _ = writeln!(
            out,
            "{} hidden failure{} whose visible duals pass (the mark of hard-coded outputs):",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" }
        );
        for failure in failures {
            let _ = writeln!(out, "  {} (duals: {})", failure.case, failure.duals.join(", "));
        }
    }
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
