//! Reports on a scored run: the terminal view, JSON and JUnit XML, and the digest that lets
//! two runs be compared with one string.

mod diff;
pub mod github;
pub mod json;
pub mod junit;
pub mod terminal;

use sha2::{Digest, Sha256};

use crate::outcome::{Entry, Outcome, Termination};
use crate::select::Shard;
use crate::task::{Golden, Split};
use crate::verdict::Verdict;

/// One case's result.
///
/// What ran and what was expected are kept only where a reader needs them: for a failing
/// case (its diff), or for every case when the run asked for them (a JSON report holds
/// every output). A passing case otherwise keeps its digest and fuel, a few hundred bytes,
/// so that a suite's memory hardly grows with its number of cases.
#[derive(Clone, Debug)]
pub struct CaseReport {
    pub id: String,
    pub split: Split,
    /// The case file, for annotations that point at it.
    pub file: String,
    pub cmd: String,
    pub verdict: Verdict,
    /// Fuel the candidate used.
    pub fuel: u64,
    /// Fuel the reference used when its golden was recorded.
    pub reference_fuel: u64,
    /// SHA-256 over the case's id, split, verdict and actual outputs: what the report's
    /// digest is made of.
    pub digest: [u8; 32],
    pub outputs: Option<Box<Outputs>>,
}

/// What a case's run produced, and what its golden expected.
#[derive(Clone, Debug)]
pub struct Outputs {
    pub actual: Outcome,
    pub expected: Golden,
}

/// Case-level facts a [`CaseReport`] repeats.
pub struct CaseInfo {
    pub id: String,
    pub split: Split,
    pub file: String,
    pub cmd: String,
}

impl CaseReport {
    /// Judges `actual` against `expected`; the outputs are kept if the case failed or if
    /// `keep_outputs`.
    pub fn new(info: CaseInfo, actual: Outcome, expected: Golden, keep_outputs: bool) -> CaseReport {
        let verdict = crate::verdict::judge(&expected, &actual);
        let digest = case_digest(&info, &verdict, &actual);
        let keep = keep_outputs || !verdict.passed();
        CaseReport {
            id: info.id,
            split: info.split,
            file: info.file,
            cmd: info.cmd,
            fuel: actual.fuel,
            reference_fuel: expected.fuel,
            digest,
            outputs: keep.then(|| Box::new(Outputs { actual, expected })),
            verdict,
        }
    }

    /// `split/id`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.split.name(), self.id)
    }
}

/// A scored run of one candidate over a task's cases.
#[derive(Clone, Debug)]
pub struct Report {
    pub task: String,
    pub candidate: String,
    pub candidate_sha256: String,
    pub reference_sha256: String,
    /// The compiler's output, when the candidate was built from source.
    pub build_log: Option<String>,
    /// The shard this run was, if it was one.
    pub shard: Option<Shard>,
    /// Sorted by split, then id.
    pub cases: Vec<CaseReport>,
}

/// Case counts of one split, or of all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub cases: usize,
    pub passed: usize,
    /// Count per verdict name, in [`Verdict::NAMES`] order, zeros included.
    pub by_verdict: Vec<(&'static str, usize)>,
}

impl Report {
    /// Counts for the cases `include` selects.
    pub fn totals(&self, include: impl Fn(&CaseReport) -> bool) -> Totals {
        let selected: Vec<&CaseReport> = self.cases.iter().filter(|c| include(c)).collect();
        Totals {
            cases: selected.len(),
            passed: selected.iter().filter(|c| c.verdict.passed()).count(),
            by_verdict: Verdict::NAMES
                .iter()
                .map(|&name| (name, selected.iter().filter(|c| c.verdict.name() == name).count()))
                .collect(),
        }
    }

    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(|c| c.verdict.passed())
    }

    /// Whether the candidate solved the task: hidden cases were run and all passed.
    pub fn solved(&self) -> Option<bool> {
        let hidden: Vec<_> = self.cases.iter().filter(|c| c.split == Split::Hidden).collect();
        (!hidden.is_empty()).then(|| hidden.iter().all(|c| c.verdict.passed()))
    }

    /// SHA-256 over every case's digest, in split and id order, so that the digest of a
    /// whole run equals that of its shards merged.
    pub fn digest(&self) -> String {
        let mut cases: Vec<&CaseReport> = self.cases.iter().collect();
        cases.sort_by(|a, b| (a.split, &a.id).cmp(&(b.split, &b.id)));
        let mut hasher = Sha256::new();
        for case in cases {
            hasher.update(case.digest);
        }
        crate::sandbox::hex(&hasher.finalize())
    }
}

/// SHA-256 over a case's id, split, verdict and actual outputs, each field length-prefixed.
fn case_digest(info: &CaseInfo, verdict: &Verdict, actual: &Outcome) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(info.id.as_bytes());
    field(info.split.name().as_bytes());
    field(verdict.name().as_bytes());
    field(termination_key(&actual.termination).as_bytes());
    field(&actual.stdout);
    field(&actual.stderr);
    field(&(actual.files.written.len() as u64).to_le_bytes());
    for (name, entry) in &actual.files.written {
        field(name.as_bytes());
        match entry {
            Entry::File(bytes) => field(bytes),
            Entry::Symlink(target) => field(format!("symlink:{target}").as_bytes()),
            Entry::Directory => field(b"directory"),
        }
    }
    field(&(actual.files.removed.len() as u64).to_le_bytes());
    for name in &actual.files.removed {
        field(format!("removed:{name}").as_bytes());
    }
    hasher.finalize().into()
}

/// A stable one-line name for how a run ended, as reports and digests write it.
pub fn termination_key(termination: &Termination) -> String {
    match termination {
        Termination::Exited(status) => format!("exit {status}"),
        other => other.describe(),
    }
}
