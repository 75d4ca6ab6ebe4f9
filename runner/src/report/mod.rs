//! Reports on a scored run: the terminal view, JSON and JUnit XML, and the digest that lets
//! two runs be compared with one string.

mod diff;
pub mod github;
pub mod json;
pub mod junit;
pub mod kept;
pub mod terminal;

use sha2::{Digest, Sha256};

use crate::outcome::{Outcome, Termination};
use crate::select::Shard;
use crate::task::{Golden, Split};
use crate::verdict::Verdict;
use kept::{Excerpt, KeptEntry, KeptRun};

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

/// What a case's run produced, and what its golden expected, as a report keeps them (see
/// [`kept`]).
#[derive(Clone, Debug)]
pub struct Outputs {
    pub actual: KeptRun,
    pub expected: KeptRun,
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
        let (fuel, reference_fuel) = (actual.fuel, expected.fuel);
        let actual = KeptRun::of(actual.termination, &actual.stdout, &actual.stderr, &actual.files);
        let keep = keep_outputs || !verdict.passed();
        let expected = keep.then(|| {
            KeptRun::of(Termination::Exited(expected.status), &expected.stdout, &expected.stderr, &expected.files)
        });
        CaseReport::kept(info, verdict, (fuel, reference_fuel), actual, expected)
    }

    /// A case judged already, with what was kept of its run and (unless only its digest is
    /// wanted) of its golden; `fuel` is the candidate's and the reference's.
    pub fn kept(
        info: CaseInfo,
        verdict: Verdict,
        fuel: (u64, u64),
        actual: KeptRun,
        expected: Option<KeptRun>,
    ) -> CaseReport {
        let digest = case_digest(&info, &verdict, &actual);
        CaseReport {
            id: info.id,
            split: info.split,
            file: info.file,
            cmd: info.cmd,
            fuel: fuel.0,
            reference_fuel: fuel.1,
            digest,
            outputs: expected.map(|expected| Box::new(Outputs { actual, expected })),
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
/// Streams and files count by their length and SHA-256, which a report keeps whole; every
/// entry is tagged with its kind, so that no file's content reads as a symlink or a
/// directory.
fn case_digest(info: &CaseInfo, verdict: &Verdict, actual: &KeptRun) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    let bytes = |field: &mut dyn FnMut(&[u8]), excerpt: &Excerpt| {
        field(&excerpt.len.to_le_bytes());
        field(&excerpt.sha256);
    };
    field(info.id.as_bytes());
    field(info.split.name().as_bytes());
    field(verdict.name().as_bytes());
    field(termination_key(&actual.termination).as_bytes());
    bytes(&mut field, &actual.stdout);
    bytes(&mut field, &actual.stderr);
    field(&(actual.files.len() as u64).to_le_bytes());
    for (name, entry) in &actual.files {
        field(name.as_bytes());
        match entry {
            KeptEntry::File(excerpt) => {
                field(b"file");
                bytes(&mut field, excerpt);
            }
            KeptEntry::Symlink(target) => {
                field(b"symlink");
                field(target.as_bytes());
            }
            KeptEntry::Directory => field(b"directory"),
        }
    }
    field(&(actual.removed.len() as u64).to_le_bytes());
    for name in &actual.removed {
        field(name.as_bytes());
    }
    hasher.finalize().into()
}

/// `text` safe to print on a terminal: control characters other than newline and tab (escape
/// sequences that clear the screen, set the window title or the clipboard, or colour text
/// as if Mirror had), carriage returns and bidirectional overrides become visible escapes
/// such as `\x1b` and `\u{202e}`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hostile) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            c if hostile(c) && (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if hostile(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.into()
}

/// A stable one-line name for how a run ended, as reports and digests write it.
pub fn termination_key(termination: &Termination) -> String {
    match termination {
        Termination::Exited(status) => format!("exit {status}"),
        other => other.describe(),
    }
}
