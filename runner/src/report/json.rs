//! The machine-readable report: one JSON document, versioned by `format` and `version`.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Value};

use super::{termination_key, Report, Totals};
use crate::outcome::{Entry, Termination};
use crate::task::Split;
use crate::verdict::Verdict;

/// The `format` field of every report.
pub const FORMAT: &str = "mirror-report";
/// Bumped on any change a reader would notice.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct TotalsJson {
    cases: usize,
    passed: usize,
    failed: usize,
    verdicts: BTreeMap<&'static str, usize>,
}

impl From<Totals> for TotalsJson {
    fn from(t: Totals) -> Self {
        TotalsJson {
            cases: t.cases,
            passed: t.passed,
            failed: t.cases - t.passed,
            verdicts: t.by_verdict.into_iter().collect(),
        }
    }
}

/// The report as a JSON value.
pub fn to_json(report: &Report) -> Value {
    let totals = |split: Option<Split>| TotalsJson::from(report.totals(|c| split.is_none_or(|s| c.split == s)));
    let cases: Vec<Value> = report
        .cases
        .iter()
        .map(|case| {
            let actual = &case.actual;
            let files: BTreeMap<&String, Value> =
                actual.files.written.iter().map(|(name, entry)| (name, entry_json(entry))).collect();
            json!({
                "id": case.id,
                "split": case.split.name(),
                "verdict": case.verdict.name(),
                "differs": match &case.verdict {
                    Verdict::WrongOutput(aspects) => aspects.iter().map(|a| a.name()).collect(),
                    _ => Vec::new(),
                },
                "cmd": case.cmd,
                "fuel": actual.fuel,
                "reference_fuel": case.expected.fuel,
                "actual": {
                    "termination": termination_key(&actual.termination),
                    "status": match actual.termination { Termination::Exited(status) => Some(status), _ => None },
                    "stdout": bytes_json(&actual.stdout),
                    "stderr": bytes_json(&actual.stderr),
                    "files": files,
                    "removed": actual.files.removed,
                },
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "version": VERSION,
        "task": report.task,
        "candidate": { "path": report.candidate, "sha256": report.candidate_sha256 },
        "reference_sha256": report.reference_sha256,
        "digest": report.digest(),
        "passed": report.passed(),
        "solved": report.solved(),
        "totals": {
            "visible": totals(Some(Split::Visible)),
            "hidden": totals(Some(Split::Hidden)),
            "all": totals(None),
        },
        "cases": cases,
    })
}

/// Text as a string; other bytes as `{"base64": ...}`, as in golden files.
fn bytes_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => Value::String(text.to_string()),
        Err(_) => json!({ "base64": base64::engine::general_purpose::STANDARD.encode(bytes) }),
    }
}

fn entry_json(entry: &Entry) -> Value {
    match entry {
        Entry::File(bytes) => bytes_json(bytes),
        Entry::Symlink(target) => json!({ "symlink": target }),
        Entry::Directory => json!({ "directory": true }),
    }
}
