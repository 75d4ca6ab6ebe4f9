//! Reports on a scored run: the terminal view, JSON and JUnit XML, and the digest that lets
//! two runs be compared with one string.

mod diff;
pub mod events;
pub mod github;
pub mod json;
pub mod junit;
pub mod kept;
pub mod terminal;

use crate::digest::Fields;
use crate::outcome::{Ending, Outcome, Termination};
use crate::select::Shard;
use crate::task::{CaseId, Golden, Split};
use crate::verdict::{Judgement, Rules, Tolerated, Verdict};
use kept::{Excerpt, KeptEntry, KeptRun};

/// The visible pass rate at which MirrorCode's scaffold lets an agent submit.
pub const SUBMISSION_GATE: f64 = 0.3;

/// One case's result.
///
/// What ran and what was expected are kept only where a reader needs them: for a failing
/// case (its diff), or for every case when the run asked for them (a JSON report holds
/// every output). A passing case otherwise keeps its digest and fuel, a few hundred bytes,
/// so that a suite's memory hardly grows with its number of cases.
#[derive(Clone, Debug)]
pub struct CaseReport {
    /// The case's id.
    pub id: String,
    /// Its split.
    pub split: Split,
    /// The case file, for annotations that point at it.
    pub file: String,
    /// Its command line.
    pub cmd: String,
    /// How it compared with the golden.
    pub verdict: Verdict,
    /// Aspects equal only under the task's comparison rules.
    pub tolerated: Vec<Tolerated>,
    /// The visible cases this case is a dual of.
    pub duals: Vec<String>,
    /// Fuel the candidate used.
    pub fuel: u64,
    /// Fuel the reference used when its golden was recorded.
    pub reference_fuel: u64,
    /// SHA-256 over the case's id, split, verdict and actual outputs: what the report's
    /// digest is made of.
    pub digest: [u8; 32],
    /// What ran and what was expected, when kept.
    pub outputs: Option<Box<Outputs>>,
}

/// What a case's run produced, and what its golden expected, as a report keeps them (see
/// [`kept`]).
#[derive(Clone, Debug)]
pub struct Outputs {
    /// What the candidate did.
    pub actual: KeptRun,
    /// What the golden holds.
    pub expected: KeptRun,
}

/// Case-level facts a [`CaseReport`] repeats.
pub struct CaseInfo {
    /// The case's id.
    pub id: String,
    /// Its split.
    pub split: Split,
    /// Its file, as the run named it.
    pub file: String,
    /// Its command line.
    pub cmd: String,
    /// The visible cases it is a dual of.
    pub duals: Vec<String>,
}

impl CaseInfo {
    /// What a report repeats of `case`.
    pub fn of(case: &crate::task::Case) -> CaseInfo {
        CaseInfo {
            id: case.id.clone(),
            split: case.split,
            file: case.path.display().to_string(),
            cmd: case.cmd.clone(),
            duals: case.duals.clone(),
        }
    }
}

impl CaseReport {
    /// Judges `actual` against `expected` under `rules`; the outputs are kept if the case
    /// failed or if `keep_outputs`.
    pub fn new(info: CaseInfo, actual: Outcome, expected: Golden, rules: &Rules, keep_outputs: bool) -> CaseReport {
        let judged = crate::verdict::judge(&expected, &actual, rules);
        let (fuel, reference_fuel) = (actual.fuel, expected.fuel);
        let actual = KeptRun::of(actual.termination, &actual.stdout, &actual.stderr, &actual.files);
        let keep = keep_outputs || !judged.verdict.passed();
        let expected = keep.then(|| {
            KeptRun::of(
                Ending::Ran(Termination::Exited(expected.status)),
                &expected.stdout,
                &expected.stderr,
                &expected.files,
            )
        });
        CaseReport::kept(info, judged, (fuel, reference_fuel), actual, expected)
    }

    /// A case judged already, with what was kept of its run and (unless only its digest is
    /// wanted) of its golden; `fuel` is the candidate's and the reference's.
    pub fn kept(
        info: CaseInfo,
        judged: Judgement,
        fuel: (u64, u64),
        actual: KeptRun,
        expected: Option<KeptRun>,
    ) -> CaseReport {
        let Judgement { verdict, tolerated } = judged;
        let digest = case_digest(&info, &verdict, &actual);
        CaseReport {
            id: info.id,
            split: info.split,
            file: info.file,
            cmd: info.cmd,
            tolerated,
            duals: info.duals,
            fuel: fuel.0,
            reference_fuel: fuel.1,
            digest,
            outputs: expected.map(|expected| Box::new(Outputs { actual, expected })),
            verdict,
        }
    }
}

impl CaseId for CaseReport {
    fn split(&self) -> Split {
        self.split
    }

    fn id(&self) -> &str {
        &self.id
    }
}

/// A scored run of one candidate over a task's cases.
#[derive(Clone, Debug)]
pub struct Report {
    /// The task's name.
    pub task: String,
    /// The candidate, as the user named it.
    pub candidate: String,
    /// SHA-256 of the candidate's module; empty when it did not build.
    pub candidate_sha256: String,
    /// SHA-256 of the reference that recorded the goldens.
    pub reference_sha256: String,
    /// The compiler's output, when the candidate was built from source.
    pub build_log: Option<String>,
    /// The shard this run was, if it was one.
    pub shard: Option<Shard>,
    /// The comparison rules the verdicts were reached under.
    pub compare: Rules,
    /// Sorted by split, then id.
    pub cases: Vec<CaseReport>,
}

/// MirrorCode's figures for a run, beside Mirror's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    /// Passed over run, per split; `None` for a split with no case run.
    pub visible_pass_rate: Option<f64>,
    /// Passed over run, hidden cases.
    pub hidden_pass_rate: Option<f64>,
    /// Passed over run, all cases.
    pub pass_rate: Option<f64>,
    /// Whether the visible pass rate reaches [`SUBMISSION_GATE`], as MirrorCode's `submit`
    /// requires; `None` when no visible case ran.
    pub gate_open: Option<bool>,
}

/// A failing hidden case whose visible duals all pass: the mark of a candidate that
/// hard-coded the visible outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DualFailure {
    /// `hidden/id`.
    pub case: String,
    /// The duals' ids, every one of which ran and passed.
    pub duals: Vec<String>,
}

/// Case counts of one split, or of all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// How many cases.
    pub cases: usize,
    /// How many passed.
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

    /// Pass rates per split, and whether MirrorCode's submission gate would open.
    pub fn metrics(&self) -> Metrics {
        let rate = |include: &dyn Fn(&CaseReport) -> bool| {
            let totals = self.totals(include);
            (totals.cases > 0).then(|| totals.passed as f64 / totals.cases as f64)
        };
        let visible_pass_rate = rate(&|c| c.split == Split::Visible);
        Metrics {
            visible_pass_rate,
            hidden_pass_rate: rate(&|c| c.split == Split::Hidden),
            pass_rate: rate(&|_| true),
            gate_open: visible_pass_rate.map(|rate| rate >= SUBMISSION_GATE),
        }
    }

    /// The failing hidden cases whose duals were all run and all passed, in case order.
    pub fn dual_failures(&self) -> Vec<DualFailure> {
        let passed =
            |id: &str| self.cases.iter().find(|c| c.split == Split::Visible && c.id == id).map(|c| c.verdict.passed());
        self.cases
            .iter()
            .filter(|c| c.split == Split::Hidden && !c.verdict.passed() && !c.duals.is_empty())
            .filter(|c| c.duals.iter().all(|dual| passed(dual) == Some(true)))
            .map(|c| DualFailure { case: c.name(), duals: c.duals.clone() })
            .collect()
    }

    /// SHA-256 over the comparison rules, when they are not exact, then every case's digest,
    /// in split and id order, so that the digest of a whole run equals that of its shards
    /// merged, and runs under other rules never share one.
    pub fn digest(&self) -> String {
        let mut cases: Vec<&CaseReport> = self.cases.iter().collect();
        cases.sort_by(|a, b| a.order().cmp(&b.order()));
        let mut hasher = Fields::new();
        if !self.compare.is_exact() {
            hasher.raw(format!("compare: {}\n", self.compare.describe().join(", ")).as_bytes());
        }
        for case in cases {
            hasher.raw(&case.digest);
        }
        hasher.finish_hex()
    }
}

/// SHA-256 over a case's id, split, verdict and actual outputs, each field length-prefixed.
/// Streams and files count by their length and SHA-256, which a report keeps whole; every
/// entry is tagged with its kind, so that no file's content reads as a symlink or a
/// directory.
fn case_digest(info: &CaseInfo, verdict: &Verdict, actual: &KeptRun) -> [u8; 32] {
    let mut hasher = Fields::new();
    let bytes = |hasher: &mut Fields, excerpt: &Excerpt| {
        hasher.count(excerpt.len).field(&excerpt.sha256);
    };
    hasher.field(info.id.as_bytes()).field(info.split.name().as_bytes()).field(verdict.name().as_bytes());
    hasher.field(actual.termination.code().as_bytes());
    bytes(&mut hasher, &actual.stdout);
    bytes(&mut hasher, &actual.stderr);
    hasher.count(actual.files.len() as u64);
    for (name, entry) in &actual.files {
        hasher.field(name.as_bytes());
        match entry {
            KeptEntry::File(excerpt) => bytes(hasher.field(b"file"), excerpt),
            KeptEntry::Symlink(target) => {
                hasher.field(b"symlink").field(target.as_bytes());
            }
            KeptEntry::Directory => {
                hasher.field(b"directory");
            }
        }
    }
    hasher.count(actual.removed.len() as u64);
    for name in &actual.removed {
        hasher.field(name.as_bytes());
    }
    hasher.finish()
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

/// `problems` one per line, each after `indent`: the first 20, then how many more there are.
pub fn listed(problems: &[String], indent: &str) -> String {
    const SHOWN: usize = 20;
    let mut lines: Vec<String> = problems.iter().take(SHOWN).map(|p| format!("{indent}{p}")).collect();
    if problems.len() > SHOWN {
        lines.push(format!("{indent}... and {} more", problems.len() - SHOWN));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::FileChanges;

    fn report(compare: Rules, hidden_stdout: &[u8]) -> Report {
        let golden = |stdout: &[u8]| Golden {
            inputs_sha256: String::new(),
            fuel: 1,
            status: 0,
            stdout: stdout.to_vec(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            origin: None,
        };
        let outcome = |stdout: &[u8]| Outcome {
            termination: Ending::Ran(Termination::Exited(0)),
            stdout: stdout.to_vec(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            fuel: 1,
        };
        let case = |id: &str, split, duals: &[&str], expected: &[u8], actual: &[u8]| {
            let info = CaseInfo {
                id: id.into(),
                split,
                file: String::new(),
                cmd: String::new(),
                duals: duals.iter().map(|d| d.to_string()).collect(),
            };
            CaseReport::new(info, outcome(actual), golden(expected), &compare, false)
        };
        Report {
            task: "t".into(),
            candidate: String::new(),
            candidate_sha256: String::new(),
            reference_sha256: String::new(),
            build_log: None,
            shard: None,
            compare,
            cases: vec![
                case("a", Split::Visible, &[], b"a\n", b"a\n"),
                case("b", Split::Visible, &[], b"b\n", b"wrong\n"),
                case("h", Split::Hidden, &["a"], b"h\n", hidden_stdout),
                case("i", Split::Hidden, &["b"], b"i\n", b"other\n"),
            ],
        }
    }

    #[test]
    fn the_digest_covers_the_rules_and_is_unchanged_under_exact_ones() {
        let exact = report(Rules::EXACT, b"h\n");
        let mut hasher = Fields::new();
        for case in &exact.cases {
            hasher.raw(&case.digest);
        }
        assert_eq!(exact.digest(), hasher.finish_hex());
        assert_ne!(report(Rules::MIRRORCODE, b"h\n").digest(), exact.digest());
    }

    #[test]
    fn metrics_and_dual_failures() {
        let run = report(Rules::EXACT, b"hard-coded\n");
        let metrics = run.metrics();
        assert_eq!(metrics.visible_pass_rate, Some(0.5));
        assert_eq!(metrics.hidden_pass_rate, Some(0.0));
        assert_eq!(metrics.gate_open, Some(true));
        // `i` fails too, but its dual `b` fails as well: not the mark of hard-coding.
        assert_eq!(run.dual_failures(), [DualFailure { case: "hidden/h".into(), duals: vec!["a".into()] }]);
        assert_eq!(report(Rules::EXACT, b"h\n").dual_failures(), []);
    }
}
