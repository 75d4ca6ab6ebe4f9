//! The machine-readable report: one JSON document, versioned by `format` and `version`.
//!
//! A report holds everything a reader needs without the task at hand: what it keeps of every
//! case's actual outputs (see [`super::kept`]: a bounded head of each stream and file, with
//! the length and SHA-256 of the whole), and for each failing case of the expected ones, so
//! that [`from_json`] rebuilds the report exactly (shards are merged that way).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::kept::{Excerpt, KeptEntry, KeptRun};
use super::{CaseInfo, CaseReport, Report, Totals};
use crate::error::{fail, Context, Result};
use crate::outcome::{Ending, Stream, Termination};
use crate::sandbox::TrapCode;
use crate::task::{CaseId, Split};
use crate::verdict::{Aspect, Judgement, Rules, Tolerated, Verdict};

/// The `format` field of every report.
pub const FORMAT: &str = "mirror-report";
/// Bumped on any change a reader would notice. Version 3 keeps a bounded head of each
/// stream and file with the length and SHA-256 of the whole, and tags entries by kind in
/// digests.
pub const VERSION: u32 = 4;

/// The fields that say what a document is, read before the rest.
#[derive(Deserialize)]
struct HeaderJson {
    format: String,
    version: u32,
}

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
pub(crate) struct TotalsJson {
    cases: usize,
    passed: usize,
    failed: usize,
    verdicts: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct CaseJson {
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
    stdout: ExcerptJson,
    stderr: ExcerptJson,
    files: BTreeMap<String, EntryJson>,
    removed: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum TerminationJson {
    Exit { status: u32 },
    Trap { code: TrapCode, message: String },
    OutOfFuel,
    MemoryLimit { message: String },
    OutputLimit { stream: Stream },
    FileLimit,
    WallClock,
    NotBuilt,
}

/// A stream or file as kept: its head as `text` when that is UTF-8, else as `base64`, and
/// the `length` and `sha256` of the whole.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExcerptJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    length: u64,
    sha256: String,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum EntryJson {
    File(ExcerptJson),
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
    let header: HeaderJson =
        serde_json::from_str(text).with_context(|| format!("{source} is not a Mirror JSON report"))?;
    if header.format != FORMAT || header.version != VERSION {
        fail!(
            Report,
            "{source} is a {} report version {}; this Mirror reads {FORMAT} version {VERSION} only (run the shards again with this Mirror)",
            header.format,
            header.version
        );
    }
    let json: ReportJson = serde_json::from_str(text).with_context(|| format!("{source} is a malformed report"))?;
    let shard = json.shard.as_deref().map(str::parse).transpose().with_context(|| format!("{source}: shard"))?;
    let rules = json.compare;
    let cases =
        json.cases.into_iter().map(case_report).collect::<Result<Vec<_>>>().with_context(|| source.to_string())?;
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
        fail!(Report, "{source}: its digest does not match its cases (was it edited?)");
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

pub(crate) fn case_json(case: &CaseReport) -> Result<CaseJson> {
    let Some(outputs) = &case.outputs else {
        fail!(Report, "case {}: its outputs were not kept for the report", case.name());
    };
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
        actual: run_json(&outputs.actual),
        expected: (!case.verdict.passed()).then(|| run_json(&outputs.expected)),
    })
}

fn case_report(json: CaseJson) -> Result<CaseReport> {
    let name = format!("case {}/{}", json.split.name(), json.id);
    let actual = kept_run(json.actual).with_context(|| name.clone())?;
    let expected = match json.expected {
        Some(expected) => kept_run(expected).with_context(|| name.clone())?,
        // A passing case's expected outputs are its actual ones.
        None => actual.clone(),
    };
    if expected.termination.exit_status().is_none() {
        fail!(Report, "{name}: the expected outcome of a case is always an exit");
    }
    let verdict = match crate::verdict::by_termination(&actual.termination) {
        Err(limit) => limit,
        Ok(_) if json.differs.is_empty() => Verdict::Pass,
        Ok(_) => Verdict::WrongOutput(json.differs),
    };
    if verdict.name() != json.verdict {
        fail!(Report, "{name}: the verdict says {}, but its outputs give {}", json.verdict, verdict.name());
    }
    if let Verdict::WrongOutput(aspects) = &verdict {
        if let Some(same) = aspects.iter().find(|aspect| same_aspect(&expected, &actual, **aspect)) {
            fail!(Report, "{name}: it lists {} as differing, but expected and actual agree", same.name());
        }
    }
    let info = CaseInfo { id: json.id, split: json.split, file: json.file, cmd: json.cmd, duals: json.duals };
    let judged = Judgement { verdict, tolerated: json.tolerated };
    Ok(CaseReport::kept(info, judged, (json.fuel, json.reference_fuel), actual, Some(expected)))
}

/// Whether two kept runs agree on `aspect`, as far as their digests tell.
fn same_aspect(expected: &KeptRun, actual: &KeptRun, aspect: Aspect) -> bool {
    match aspect {
        Aspect::Stdout => expected.stdout == actual.stdout,
        Aspect::Stderr => expected.stderr == actual.stderr,
        Aspect::Status => expected.termination == actual.termination,
        Aspect::Files => (&expected.files, &expected.removed) == (&actual.files, &actual.removed),
    }
}

fn run_json(run: &KeptRun) -> RunJson {
    RunJson {
        termination: TerminationJson::from(&run.termination),
        stdout: ExcerptJson::from(&run.stdout),
        stderr: ExcerptJson::from(&run.stderr),
        files: run
            .files
            .iter()
            .map(|(name, entry)| {
                let json = match entry {
                    KeptEntry::File(excerpt) => EntryJson::File(ExcerptJson::from(excerpt)),
                    KeptEntry::Symlink(target) => EntryJson::Symlink { symlink: target.clone() },
                    KeptEntry::Directory => EntryJson::Directory { directory: true },
                };
                (name.clone(), json)
            })
            .collect(),
        removed: run.removed.iter().cloned().collect(),
    }
}

fn kept_run(json: RunJson) -> Result<KeptRun> {
    let termination = Ending::from(json.termination);
    let mut files = BTreeMap::new();
    for (name, entry) in json.files {
        let entry = match entry {
            EntryJson::File(excerpt) => KeptEntry::File(excerpt.decode().with_context(|| format!("file {name:?}"))?),
            EntryJson::Symlink { symlink } => KeptEntry::Symlink(symlink),
            EntryJson::Directory { .. } => KeptEntry::Directory,
        };
        files.insert(name, entry);
    }
    Ok(KeptRun {
        termination,
        stdout: json.stdout.decode().context("stdout")?,
        stderr: json.stderr.decode().context("stderr")?,
        files,
        removed: json.removed.into_iter().collect(),
    })
}

impl From<&Excerpt> for ExcerptJson {
    fn from(excerpt: &Excerpt) -> Self {
        let (text, base64) = match std::str::from_utf8(&excerpt.head) {
            Ok(text) => (Some(text.to_string()), None),
            Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(&excerpt.head))),
        };
        ExcerptJson { text, base64, length: excerpt.len, sha256: excerpt.sha256_hex() }
    }
}

impl ExcerptJson {
    /// The excerpt, checked: a head no longer than the whole, and when it is the whole, one
    /// that has the digest given.
    fn decode(self) -> Result<Excerpt> {
        let head = match (self.text, self.base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(base64)) => {
                base64::engine::general_purpose::STANDARD.decode(base64).context("invalid base64 in the report")?
            }
            _ => fail!(Report, "expected one of `text` and `base64`"),
        };
        let mut sha256 = [0u8; 32];
        let valid_hex = self.sha256.len() == 64
            && self.sha256.is_ascii()
            && (0..32)
                .all(|i| u8::from_str_radix(&self.sha256[2 * i..2 * i + 2], 16).map(|byte| sha256[i] = byte).is_ok());
        if !valid_hex {
            fail!(Report, "sha256 {:?} is not 64 hex digits", self.sha256);
        }
        let excerpt = Excerpt { head, len: self.length, sha256 };
        if excerpt.head.len() as u64 > excerpt.len
            || (excerpt.is_whole() && Excerpt::of(&excerpt.head, usize::MAX).sha256 != excerpt.sha256)
        {
            fail!(Report, "its bytes do not match its length and sha256");
        }
        Ok(excerpt)
    }
}

impl From<&Ending> for TerminationJson {
    fn from(ending: &Ending) -> Self {
        let Ending::Ran(termination) = ending else { return TerminationJson::NotBuilt };
        match termination.clone() {
            Termination::Exited(status) => TerminationJson::Exit { status },
            Termination::Trapped { code, message } => TerminationJson::Trap { code, message },
            Termination::FuelExhausted => TerminationJson::OutOfFuel,
            Termination::MemoryExhausted(message) => TerminationJson::MemoryLimit { message },
            Termination::OutputExceeded(stream) => TerminationJson::OutputLimit { stream },
            Termination::FilesExceeded => TerminationJson::FileLimit,
            Termination::WallClockExceeded => TerminationJson::WallClock,
        }
    }
}

impl From<TerminationJson> for Ending {
    fn from(json: TerminationJson) -> Self {
        match json {
            TerminationJson::Exit { status } => Ending::Ran(Termination::Exited(status)),
            TerminationJson::Trap { code, message } => Ending::Ran(Termination::Trapped { code, message }),
            TerminationJson::OutOfFuel => Ending::Ran(Termination::FuelExhausted),
            TerminationJson::MemoryLimit { message } => Ending::Ran(Termination::MemoryExhausted(message)),
            TerminationJson::OutputLimit { stream } => Ending::Ran(Termination::OutputExceeded(stream)),
            TerminationJson::FileLimit => Ending::Ran(Termination::FilesExceeded),
            TerminationJson::WallClock => Ending::Ran(Termination::WallClockExceeded),
            TerminationJson::NotBuilt => Ending::NotBuilt,
        }
    }
}

/// Bytes whole: text as a string, other bytes as `{"base64": ...}`, as in golden files (the
/// oracle's replies carry outputs so).
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum BytesJson {
    Text(String),
    Base64 { base64: String },
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
    /// The bytes, from text or base64.
    pub(crate) fn decode(self) -> Result<Vec<u8>> {
        match self {
            BytesJson::Text(text) => Ok(text.into_bytes()),
            BytesJson::Base64 { base64 } => {
                base64::engine::general_purpose::STANDARD.decode(base64).context("invalid base64")
            }
        }
    }
}
