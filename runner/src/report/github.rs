//! GitHub Actions workflow commands: one error annotation per failing case, pointing at the
//! case file, so failures show on the pull request.

use std::fmt::Write as _;

use super::{diff, printable, Report};
use crate::task::CaseId;

/// Whether annotations are wanted: GitHub Actions sets `GITHUB_ACTIONS=true`.
pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true")
}

/// `::error` lines for every failing case.
pub fn annotations(report: &Report) -> String {
    let mut out = String::new();
    for case in report.cases.iter().filter(|c| !c.verdict.passed()) {
        let explanation = diff::explain(case, &report.compare);
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&case.file),
            escape_property(&format!("mirror {}: {} {}", report.task, case.name(), case.verdict.name())),
            escape_data(&format!("$ {}\n{explanation}", printable(&case.cmd)))
        );
    }
    out
}

/// Escapes a message as workflow commands require.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, which may not hold `:` or `,` either.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_workflow_commands_reserve() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c\n"), "a%3Ab%2Cc%0A");
    }
}
