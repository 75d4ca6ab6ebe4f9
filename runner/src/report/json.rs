//! The machine-readable report: one JSON document, versioned by `format` and `version`.
//!
//! A report holds everything a reader needs without the task at hand: every case's actual
//! outputs, and for each failing case the expected ones, so that [`from_json`] rebuilds the
//! report exactly (shards are merged that way).

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{CaseInfo, CaseReport, Report, Totals};
use crate::outcome::{Entry, FileChanges, Outcome, Stream, Termination};
use crate::task::{Golden, Split};
use crate::verdict::{Aspect, Rules, Tolerated, Verdict};

/// The `format` field of every report.
pub const FORMAT: &str = "mirror-report";
/// Bumped on any change a reader would notice.
pub const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct ReportJson {
    format: String,
    version: u32,
    task: String,
    candidate: CandidateJson,
    reference_sha256: String,
    /// The compiler's output, when the candidate was built from source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    build_log: Option<String>,
    /// `i/n` for one shard of a run; absent for a whole or merged run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<String>,
    /// The comparison rules, when they are not exact.
    #[serde(default, skip_serializing_if = "Rules::is_exact")]
    compare: Rules,
    digest: String,
    passed: bool,
    solved: Option<bool>,
    totals: BTreeMap<String, TotalsJson>,
    /// MirrorCode's figures; derived from the cases, so not read back.
    #[serde(default, skip_deserializing)]
    metrics: MetricsJson,
    /// Failing hidden cases whose visible duals all pass; derived, so not read back.
    #[serde(default, skip_deserializing)]
    dual_failures: Vec<DualFailureJson>,
    cases: Vec<CaseJson>,
}

#[derive(Serialize, Default)]
struct MetricsJson {
    /// Passed over run, per split (`null` for a split not run).
    pass_rate: BTreeMap<String, Option<f64>>,
    solved: Option<bool>,
    /// The visible pass rate MirrorCode's submission gate compares with its threshold.
    visible_pass_rate: Option<f64>,
    submission_gate: GateJson,
}

#[derive(Serialize, Default)]
struct GateJson {
    threshold: f64,
    open: Option<bool>,
}

#[derive(Serialize)]
struct DualFailureJson {
    case: String,
    duals: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct CandidateJson {
    path: String,
    sha256: String,
}

#[derive(Serialize, Deserialize)]
struct TotalsJson {
    cases: usize,
    passed: usize,
    failed: usize,
    verdicts: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize)]
struct CaseJson {
    id: String,
    split: Split,
    /// The case file, as the run named it.
    file: String,
    verdict: String,
    differs: Vec<Aspect>,
    cmd: String,
    /// Aspects equal only under the comparison rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tolerated: Vec<Tolerated>,
    /// The visible cases this case is a dual of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    duals: Vec<String>,
    fuel: u64,
    reference_fuel: u64,
    actual: RunJson,
    /// What the golden holds, for failing cases (a passing case's is its actual output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expected: Option<RunJson>,
}

#[derive(Serialize, Deserialize)]
struct RunJson {
    termination: TerminationJson,
    stdout: BytesJson,
    stderr: BytesJson,
    files: BTreeMap<String, EntryJson>,
    removed: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum TerminationJson {
    Exit { status: u32 },
    Trap { message: String },
    OutOfFuel,
    MemoryLimit { message: String },
    OutputLimit { stream: Stream },
    FileLimit,
    WallClock,
    NotBuilt,
}

/// Text as a string; other bytes as `{"base64": ...}`, as in golden files.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum BytesJson {
    Text(String),
    Base64 { base64: String },
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum EntryJson {
    Bytes(BytesJson),
    Symlink { symlink: String },
    Directory { directory: bool },
}

/// The report as pretty-printed JSON text, newline-terminated; every case must have kept its
/// outputs.
pub fn to_json(report: &Report) -> Result<String> {
    let totals = |split: Option<Split>| TotalsJson::from(report.totals(|c| split.is_none_or(|s| c.split == s)));
    let metrics = report.metrics();
    let json = ReportJson {
        format: FORMAT.into(),
        version: VERSION,
        task: report.task.clone(),
        candidate: CandidateJson { path: report.candidate.clone(), sha256: report.candidate_sha256.clone() },
        reference_sha256: report.reference_sha256.clone(),
        build_log: report.build_log.clone(),
        shard: report.shard.map(|s| s.to_string()),
        compare: report.compare,
        digest: report.digest(),
        passed: report.passed(),
        solved: report.solved(),
        metrics: MetricsJson {
            pass_rate: [
                ("visible", metrics.visible_pass_rate),
                ("hidden", metrics.hidden_pass_rate),
                ("all", metrics.pass_rate),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            solved: report.solved(),
            visible_pass_rate: metrics.visible_pass_rate,
            submission_gate: GateJson { threshold: super::SUBMISSION_GATE, open: metrics.gate_open },
        },
        dual_failures: report
            .dual_failures()
            .into_iter()
            .map(|failure| DualFailureJson { case: failure.case, duals: failure.duals })
            .collect(),
        totals: [
            ("visible", totals(Some(Split::Visible))),
            ("hidden", totals(Some(Split::Hidden))),
            ("all", totals(None)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        cases: report.cases.iter().map(case_json).collect::<Result<_>>()?,
    };
    // Straight to text: a `serde_json::Value` of a large report would cost several times
    // its size.
    let mut text = serde_json::to_string_pretty(&json)?;
    text.push('\n');
    Ok(text)
}

/// Reads a report written by [`to_json`]; `source` names it in errors.
pub fn from_json(text: &str, source: &str) -> Result<Report> {
    let json: ReportJson =
        serde_json::from_str(text).with_context(|| format!("{source} is not a Mirror JSON report"))?;
    if json.format != FORMAT || json.version != VERSION {
        bail!(
            "{source} is a {} report version {}; this Mirror reads {FORMAT} version {VERSION}",
            json.format,
            json.version
        );
    }
    let shard = json.shard.as_deref().map(str::parse).transpose().with_context(|| format!("{source}: shard"))?;
    let rules = json.compare;
    let cases = json
        .cases
        .into_iter()
        .map(|case| case_report(case, &rules))
        .collect::<Result<Vec<_>>>()
        .with_context(|| source.to_string())?;
    let report = Report {
        task: json.task,
        candidate: json.candidate.path,
        candidate_sha256: json.candidate.sha256,
        reference_sha256: json.reference_sha256,
        build_log: json.build_log,
        shard,
        compare: rules,
        cases,
    };
    if report.digest() != json.digest {
        bail!("{source}: its digest does not match its cases (was it edited?)");
    }
    Ok(report)
}

impl From<Totals> for TotalsJson {
    fn from(t: Totals) -> Self {
        TotalsJson {
            cases: t.cases,
            passed: t.passed,
            failed: t.cases - t.passed,
            verdicts: t.by_verdict.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }
}

fn case_json(case: &CaseReport) -> Result<CaseJson> {
    let Some(outputs) = &case.outputs else {
        bail!("case {}: its outputs were not kept for the report", case.name());
    };
    let (actual, expected) = (&outputs.actual, &outputs.expected);
    Ok(CaseJson {
        id: case.id.clone(),
        split: case.split,
        file: case.file.clone(),
        verdict: case.verdict.name().into(),
        differs: match &case.verdict {
            Verdict::WrongOutput(aspects) => aspects.clone(),
            _ => Vec::new(),
        },
        cmd: case.cmd.clone(),
        tolerated: case.tolerated.clone(),
        duals: case.duals.clone(),
        fuel: case.fuel,
        reference_fuel: case.reference_fuel,
        actual: run_json(&actual.termination, &actual.stdout, &actual.stderr, &actual.files),
        expected: (!case.verdict.passed()).then(|| {
            run_json(&Termination::Exited(expected.status), &expected.stdout, &expected.stderr, &expected.files)
        }),
    })
}

fn case_report(json: CaseJson, rules: &Rules) -> Result<CaseReport> {
    let context = || format!("case {}/{}", json.split.name(), json.id);
    let actual = outcome(json.actual, json.fuel).with_context(context)?;
    let expected = match json.expected {
        Some(expected) => outcome(expected, json.reference_fuel).with_context(context)?,
        None => Outcome { fuel: json.reference_fuel, ..actual.clone() },
    };
    let Termination::Exited(status) = expected.termination else {
        bail!("{}: the expected outcome of a case is always an exit", context());
    };
    let expected = Golden {
        inputs_sha256: String::new(),
        fuel: expected.fuel,
        status,
        stdout: expected.stdout,
        stderr: expected.stderr,
        files: expected.files,
        origin: None,
    };
    let name = context();
    let info = CaseInfo { id: json.id, split: json.split, file: json.file, cmd: json.cmd, duals: json.duals };
    let case = CaseReport::new(info, actual, expected, rules, true);
    if case.verdict.name() != json.verdict {
        bail!("{name}: the verdict says {}, but its outputs give {}", json.verdict, case.verdict.name());
    }
    Ok(case)
}

fn run_json(termination: &Termination, stdout: &[u8], stderr: &[u8], files: &FileChanges) -> RunJson {
    RunJson {
        termination: match termination.clone() {
            Termination::Exited(status) => TerminationJson::Exit { status },
            Termination::Trapped(message) => TerminationJson::Trap { message },
            Termination::FuelExhausted => TerminationJson::OutOfFuel,
            Termination::MemoryExhausted(message) => TerminationJson::MemoryLimit { message },
            Termination::OutputExceeded(stream) => TerminationJson::OutputLimit { stream },
            Termination::FilesExceeded => TerminationJson::FileLimit,
            Termination::WallClockExceeded => TerminationJson::WallClock,
            Termination::NotBuilt => TerminationJson::NotBuilt,
        },
        stdout: BytesJson::from(stdout),
        stderr: BytesJson::from(stderr),
        files: files
            .written
            .iter()
            .map(|(name, entry)| {
                let json = match entry {
                    Entry::File(bytes) => EntryJson::Bytes(BytesJson::from(bytes.as_slice())),
                    Entry::Symlink(target) => EntryJson::Symlink { symlink: target.clone() },
                    Entry::Directory => EntryJson::Directory { directory: true },
                };
                (name.clone(), json)
            })
            .collect(),
        removed: files.removed.iter().cloned().collect(),
    }
}

fn outcome(json: RunJson, fuel: u64) -> Result<Outcome> {
    let termination = match json.termination {
        TerminationJson::Exit { status } => Termination::Exited(status),
        TerminationJson::Trap { message } => Termination::Trapped(message),
        TerminationJson::OutOfFuel => Termination::FuelExhausted,
        TerminationJson::MemoryLimit { message } => Termination::MemoryExhausted(message),
        TerminationJson::OutputLimit { stream } => Termination::OutputExceeded(stream),
        TerminationJson::FileLimit => Termination::FilesExceeded,
        TerminationJson::WallClock => Termination::WallClockExceeded,
        TerminationJson::NotBuilt => Termination::NotBuilt,
    };
    let mut written = BTreeMap::new();
    for (name, entry) in json.files {
        let entry = match entry {
            EntryJson::Bytes(bytes) => Entry::File(bytes.decode()?),
            EntryJson::Symlink { symlink } => Entry::Symlink(symlink),
            EntryJson::Directory { .. } => Entry::Directory,
        };
        written.insert(name, entry);
    }
    Ok(Outcome {
        termination,
        stdout: json.stdout.decode()?,
        stderr: json.stderr.decode()?,
        files: FileChanges { written, removed: json.removed.into_iter().collect() },
        fuel,
    })
}

impl From<&[u8]> for BytesJson {
    fn from(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => BytesJson::Text(text.to_string()),
            Err(_) => BytesJson::Base64 { base64: base64::engine::general_purpose::STANDARD.encode(bytes) },
        }
    }
}

impl BytesJson {
    fn decode(self) -> Result<Vec<u8>> {
        match self {
            BytesJson::Text(text) => Ok(text.into_bytes()),
            BytesJson::Base64 { base64 } => {
                base64::engine::general_purpose::STANDARD.decode(base64).context("invalid base64 in the report")
            }
        }
    }
}
