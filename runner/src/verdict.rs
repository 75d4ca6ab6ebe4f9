//! Verdicts: how a candidate's outcome on a case compares with the golden, under the task's
//! comparison rules.
//!
//! The rules default to exact comparison. A task may relax them as MirrorCode's scorer does
//! (`task.toml`'s `[compare]`):
//!
//! ```toml
//! [compare]
//! trailing_newline = "one"    # "exact" | "one": equal once one final "\n" is removed from one side
//! status = "mod256"           # "exact" | "mod256": exit statuses equal modulo 256
//! decode = "utf8-lossy"       # "bytes" | "utf8-lossy": stdout and stderr compared after decoding
//!                             # as UTF-8, invalid bytes replaced by U+FFFD
//! files = "ignore"            # "compare" | "ignore": whether written files count
//! ```
//!
//! A case that passes only thanks to a rule says so: its [`Judgement`] lists what was tolerated.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::outcome::{Ending, FileChanges, Outcome, Termination};
use crate::task::Golden;

/// How stdout and stderr must end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrailingNewline {
    /// Byte for byte.
    #[default]
    Exact,
    /// Also equal when one side has a single `\n` more at its end.
    One,
}

/// How exit statuses compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusRule {
    /// Equal as numbers.
    #[default]
    Exact,
    /// Modulo 256, as a POSIX parent sees them (-6 equals 250).
    Mod256,
}

/// How stdout and stderr are read before comparing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decode {
    /// As bytes.
    #[default]
    Bytes,
    /// As UTF-8 with invalid sequences replaced by U+FFFD.
    Utf8Lossy,
}

/// Whether the files a program writes count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilesRule {
    /// Compared as the other aspects are.
    #[default]
    Compare,
    /// Not compared (MirrorCode looks only at stdout, stderr and the exit code).
    Ignore,
}

/// A task's comparison rules: `[compare]` in `task.toml`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// How stdout and stderr must end.
    pub trailing_newline: TrailingNewline,
    /// How exit statuses compare.
    pub status: StatusRule,
    /// How stdout and stderr are read.
    pub decode: Decode,
    /// Whether written files count.
    pub files: FilesRule,
}

impl Rules {
    /// Exact comparison of everything: the default.
    pub const EXACT: Rules = Rules {
        trailing_newline: TrailingNewline::Exact,
        status: StatusRule::Exact,
        decode: Decode::Bytes,
        files: FilesRule::Compare,
    };

    /// MirrorCode's scorer: one trailing newline, status mod 256, UTF-8 lossy, files ignored.
    pub const MIRRORCODE: Rules = Rules {
        trailing_newline: TrailingNewline::One,
        status: StatusRule::Mod256,
        decode: Decode::Utf8Lossy,
        files: FilesRule::Ignore,
    };

    /// Whether these are the exact defaults.
    pub fn is_exact(&self) -> bool {
        *self == Rules::EXACT
    }

    /// The tolerances these rules allow, as `[compare]` would name them; empty when exact.
    pub fn describe(&self) -> Vec<&'static str> {
        let mut parts = Vec::new();
        if self.trailing_newline == TrailingNewline::One {
            parts.push("trailing_newline = \"one\"");
        }
        if self.status == StatusRule::Mod256 {
            parts.push("status = \"mod256\"");
        }
        if self.decode == Decode::Utf8Lossy {
            parts.push("decode = \"utf8-lossy\"");
        }
        if self.files == FilesRule::Ignore {
            parts.push("files = \"ignore\"");
        }
        parts
    }
}

/// A rule that made an aspect equal that exact comparison would not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tolerance {
    /// One side had a single `\n` more at its end.
    TrailingNewline,
    /// The statuses were equal only modulo 256.
    Mod256,
    /// Equal only once invalid UTF-8 was replaced.
    Utf8Lossy,
    /// The files differed, and the rules ignore files.
    FilesIgnored,
}

impl Tolerance {
    /// What was tolerated, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Tolerance::TrailingNewline => "one trailing newline tolerated",
            Tolerance::Mod256 => "equal modulo 256",
            Tolerance::Utf8Lossy => "equal once decoded as UTF-8 with replacement characters",
            Tolerance::FilesIgnored => "differ, but the task's rules ignore files",
        }
    }
}

/// One tolerance applied to one aspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tolerated {
    /// What was equal only under a rule.
    pub aspect: Aspect,
    /// The rule.
    pub rule: Tolerance,
}

/// Which part of the observable behaviour differed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aspect {
    /// The standard output.
    Stdout,
    /// The standard error.
    Stderr,
    /// The exit status.
    Status,
    /// The files written or removed.
    Files,
}

impl Aspect {
    /// `stdout`, `stderr`, `status` or `files`.
    pub fn name(self) -> &'static str {
        match self {
            Aspect::Stdout => "stdout",
            Aspect::Stderr => "stderr",
            Aspect::Status => "status",
            Aspect::Files => "files",
        }
    }
}

/// The verdict on one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every aspect equals the golden's.
    Pass,
    /// Exited, but not as the reference did.
    WrongOutput(Vec<Aspect>),
    /// Trapped: the trap's description.
    RuntimeError(String),
    /// Ran out of fuel (or, outside determinism, hit the wall-clock backstop).
    TimeLimit,
    /// Linear memory or a table grew past its cap.
    MemoryLimit,
    /// Wrote more to stdout, stderr or files than allowed.
    OutputLimit,
    /// The candidate's source did not build, so nothing ran.
    BuildError,
}

impl Verdict {
    /// Every verdict name, in report order: the one table of them.
    pub const NAMES: [&'static str; 7] =
        ["pass", "wrong-output", "runtime-error", "time-limit", "memory-limit", "output-limit", "build-error"];

    /// The verdict's name, as reports write it: its entry in [`Verdict::NAMES`].
    pub fn name(&self) -> &'static str {
        let index = match self {
            Verdict::Pass => 0,
            Verdict::WrongOutput(_) => 1,
            Verdict::RuntimeError(_) => 2,
            Verdict::TimeLimit => 3,
            Verdict::MemoryLimit => 4,
            Verdict::OutputLimit => 5,
            Verdict::BuildError => 6,
        };
        Self::NAMES[index]
    }

    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        *self == Verdict::Pass
    }
}

/// A verdict, and the tolerances it needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// Aspects that were equal only under the task's rules, in report order.
    pub tolerated: Vec<Tolerated>,
}

/// Judges `actual` against the golden `expected` under `rules`.
pub fn judge(expected: &Golden, actual: &Outcome, rules: &Rules) -> Judgement {
    let status = match by_termination(&actual.termination) {
        Ok(status) => status,
        Err(verdict) => return Judgement { verdict, tolerated: Vec::new() },
    };
    let comparison = compare(expected, status, &actual.stdout, &actual.stderr, &actual.files, rules);
    let verdict = if comparison.differs.is_empty() { Verdict::Pass } else { Verdict::WrongOutput(comparison.differs) };
    Judgement { verdict, tolerated: comparison.tolerated }
}

/// The exit status of a run that exited, or the verdict of one that did not: a trap, a
/// limit or a build that failed decides it whatever the outputs were.
pub fn by_termination(ending: &Ending) -> Result<u32, Verdict> {
    let Ending::Ran(termination) = ending else { return Err(Verdict::BuildError) };
    match termination {
        Termination::Exited(status) => Ok(*status),
        Termination::Trapped { message, .. } => Err(Verdict::RuntimeError(message.clone())),
        Termination::FuelExhausted | Termination::WallClockExceeded => Err(Verdict::TimeLimit),
        Termination::MemoryExhausted(_) => Err(Verdict::MemoryLimit),
        Termination::OutputExceeded(_) | Termination::FilesExceeded => Err(Verdict::OutputLimit),
    }
}

/// How an exited run compares with a golden.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Aspects that differ even under the rules, in report order.
    pub differs: Vec<Aspect>,
    /// Aspects equal only under the rules.
    pub tolerated: Vec<Tolerated>,
}

/// Compares an exited run with the golden under `rules`.
pub fn compare(
    expected: &Golden,
    status: u32,
    stdout: &[u8],
    stderr: &[u8],
    files: &FileChanges,
    rules: &Rules,
) -> Comparison {
    let mut comparison = Comparison::default();
    let mut note = |aspect: Aspect, result: Option<Vec<Tolerance>>| match result {
        Some(rules) => comparison.tolerated.extend(rules.into_iter().map(|rule| Tolerated { aspect, rule })),
        None => comparison.differs.push(aspect),
    };
    note(Aspect::Stdout, compare_stream(&expected.stdout, stdout, rules));
    note(Aspect::Stderr, compare_stream(&expected.stderr, stderr, rules));
    note(
        Aspect::Status,
        match (expected.status == status, rules.status) {
            (true, _) => Some(Vec::new()),
            (false, StatusRule::Mod256) if expected.status % 256 == status % 256 => Some(vec![Tolerance::Mod256]),
            (false, _) => None,
        },
    );
    note(
        Aspect::Files,
        match (expected.files == *files, rules.files) {
            (true, _) => Some(Vec::new()),
            (false, FilesRule::Ignore) => Some(vec![Tolerance::FilesIgnored]),
            (false, FilesRule::Compare) => None,
        },
    );
    comparison
}

/// Which aspects of an exited run differ from the golden under exact rules, in report order.
pub fn differing(expected: &Golden, status: u32, stdout: &[u8], stderr: &[u8], files: &FileChanges) -> Vec<Aspect> {
    compare(expected, status, stdout, stderr, files, &Rules::EXACT).differs
}

/// The fewest tolerances the rules allow that make two streams equal, or `None` when none do.
pub fn compare_stream(expected: &[u8], actual: &[u8], rules: &Rules) -> Option<Vec<Tolerance>> {
    if expected == actual {
        return Some(Vec::new());
    }
    let newline = rules.trailing_newline == TrailingNewline::One;
    if newline && one_newline_apart(expected, actual) {
        return Some(vec![Tolerance::TrailingNewline]);
    }
    if rules.decode == Decode::Utf8Lossy {
        let (expected, actual) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(actual));
        if expected == actual {
            return Some(vec![Tolerance::Utf8Lossy]);
        }
        if newline && one_newline_apart(expected.as_bytes(), actual.as_bytes()) {
            return Some(vec![Tolerance::Utf8Lossy, Tolerance::TrailingNewline]);
        }
    }
    None
}

/// Whether `a` and `b` are equal once a single final `\n` is removed from one of them.
fn one_newline_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    long.len() == short.len() + 1 && long.ends_with(b"\n") && long.starts_with(short)
}

/// `bytes` as the rules read them: as they are, or decoded as UTF-8 with replacement.
pub fn decoded<'a>(bytes: &'a [u8], rules: &Rules) -> Cow<'a, [u8]> {
    match rules.decode {
        Decode::Bytes => Cow::Borrowed(bytes),
        Decode::Utf8Lossy => match String::from_utf8_lossy(bytes) {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Entry, Stream};
    use crate::sandbox::TrapCode;

    fn golden() -> Golden {
        Golden {
            inputs_sha256: String::new(),
            fuel: 10,
            status: 0,
            stdout: b"out\n".to_vec(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            origin: None,
        }
    }

    fn verdict(expected: &Golden, actual: &Outcome) -> Verdict {
        judge(expected, actual, &Rules::EXACT).verdict
    }

    fn outcome(termination: impl Into<Ending>) -> Outcome {
        Outcome {
            termination: termination.into(),
            stdout: b"out\n".to_vec(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            fuel: 99,
        }
    }

    #[test]
    fn same_behaviour_passes_whatever_the_fuel() {
        assert_eq!(verdict(&golden(), &outcome(Termination::Exited(0))), Verdict::Pass);
    }

    #[test]
    fn names_every_aspect_that_differs() {
        let mut actual = outcome(Termination::Exited(3));
        actual.stderr = b"oops".to_vec();
        actual.files.written.insert("x".into(), Entry::Directory);
        assert_eq!(
            verdict(&golden(), &actual),
            Verdict::WrongOutput(vec![Aspect::Stderr, Aspect::Status, Aspect::Files])
        );
    }

    #[test]
    fn limits_and_traps_take_precedence_over_output() {
        let cases = [
            (
                Termination::Trapped { code: TrapCode::Unreachable, message: "unreachable".into() }.into(),
                "runtime-error",
            ),
            (Termination::FuelExhausted.into(), "time-limit"),
            (Termination::WallClockExceeded.into(), "time-limit"),
            (Termination::MemoryExhausted("m".into()).into(), "memory-limit"),
            (Termination::OutputExceeded(Stream::Stderr).into(), "output-limit"),
            (Termination::FilesExceeded.into(), "output-limit"),
            (Ending::NotBuilt, "build-error"),
        ];
        for (termination, name) in cases {
            assert_eq!(verdict(&golden(), &outcome(termination)).name(), name);
        }
    }

    /// The tolerances `rules` need for `actual` against a golden holding `stdout` and status 250.
    fn tolerances(rules: &Rules, stdout: &[u8], actual_stdout: &[u8], actual_status: u32) -> Judgement {
        let expected = Golden { stdout: stdout.to_vec(), status: 250, ..golden() };
        let actual = Outcome { stdout: actual_stdout.to_vec(), ..outcome(Termination::Exited(actual_status)) };
        judge(&expected, &actual, rules)
    }

    #[test]
    fn exact_rules_tolerate_nothing() {
        for (expected, actual) in [(&b"a\n"[..], &b"a"[..]), (b"a", b"a\n"), (b"\xef\xbf\xbd", b"\xff")] {
            let judged = tolerances(&Rules::EXACT, expected, actual, 250);
            assert_eq!(judged.verdict, Verdict::WrongOutput(vec![Aspect::Stdout]));
        }
        assert_eq!(
            tolerances(&Rules::EXACT, b"a", b"a", 4294967290).verdict,
            Verdict::WrongOutput(vec![Aspect::Status])
        );
    }

    #[test]
    fn mirrorcode_rules_tolerate_one_newline_either_side_and_say_so() {
        let tolerated = |aspect, rule| Tolerated { aspect, rule };
        for (expected, actual) in [(&b"a\n"[..], &b"a"[..]), (b"a", b"a\n"), (b"", b"\n")] {
            let judged = tolerances(&Rules::MIRRORCODE, expected, actual, 250);
            assert_eq!(judged.verdict, Verdict::Pass);
            assert_eq!(judged.tolerated, [tolerated(Aspect::Stdout, Tolerance::TrailingNewline)]);
        }
        for (expected, actual) in [(&b"a\n\n"[..], &b"a"[..]), (b"a", b"a\r\n"), (b"a\n", b"b"), (b"a ", b"a\n")] {
            let judged = tolerances(&Rules::MIRRORCODE, expected, actual, 250);
            assert_eq!(judged.verdict, Verdict::WrongOutput(vec![Aspect::Stdout]), "{expected:?} {actual:?}");
        }
    }

    #[test]
    fn mirrorcode_rules_compare_statuses_mod_256_and_text_decoded() {
        let judged = tolerances(&Rules::MIRRORCODE, "\u{fffd}x".as_bytes(), b"\xffx\n", 4294967290);
        assert_eq!(judged.verdict, Verdict::Pass);
        let rules: Vec<(Aspect, Tolerance)> = judged.tolerated.iter().map(|t| (t.aspect, t.rule)).collect();
        assert_eq!(
            rules,
            [
                (Aspect::Stdout, Tolerance::Utf8Lossy),
                (Aspect::Stdout, Tolerance::TrailingNewline),
                (Aspect::Status, Tolerance::Mod256)
            ]
        );
        assert_eq!(tolerances(&Rules::MIRRORCODE, b"a", b"a", 251).verdict, Verdict::WrongOutput(vec![Aspect::Status]));
    }

    #[test]
    fn ignored_files_are_a_tolerance() {
        let mut actual = outcome(Termination::Exited(0));
        actual.files.written.insert("x".into(), Entry::Directory);
        let judged = judge(&golden(), &actual, &Rules { files: FilesRule::Ignore, ..Rules::EXACT });
        assert_eq!(judged.verdict, Verdict::Pass);
        assert_eq!(judged.tolerated, [Tolerated { aspect: Aspect::Files, rule: Tolerance::FilesIgnored }]);
    }

    #[test]
    fn rules_read_from_toml_default_to_exact() {
        assert_eq!(toml::from_str::<Rules>("").unwrap(), Rules::EXACT);
        let rules: Rules = toml::from_str(
            "trailing_newline = \"one\"\nstatus = \"mod256\"\ndecode = \"utf8-lossy\"\nfiles = \"ignore\"",
        )
        .unwrap();
        assert_eq!(rules, Rules::MIRRORCODE);
        assert!(toml::from_str::<Rules>("status = \"mod255\"").is_err());
        assert!(toml::from_str::<Rules>("timeout = 2").is_err());
    }
}
