//! Verdicts: how a candidate's outcome on a case compares with the golden.

use crate::outcome::{FileChanges, Outcome, Termination};
use crate::task::Golden;

/// Which part of the observable behaviour differed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aspect {
    Stdout,
    Stderr,
    Status,
    Files,
}

impl Aspect {
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
    Pass,
    /// Exited, but not as the reference did.
    WrongOutput(Vec<Aspect>),
    /// Trapped: the trap's description.
    RuntimeError(String),
    /// Ran out of fuel (or, outside determinism, hit the wall-clock backstop).
    TimeLimit,
    MemoryLimit,
    /// Wrote more to stdout, stderr or files than allowed.
    OutputLimit,
    /// The candidate's source did not build, so nothing ran.
    BuildError,
}

impl Verdict {
    /// Every verdict name, in report order.
    pub const NAMES: [&'static str; 7] =
        ["pass", "wrong-output", "runtime-error", "time-limit", "memory-limit", "output-limit", "build-error"];

    /// The verdict's name, as reports write it.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::WrongOutput(_) => "wrong-output",
            Verdict::RuntimeError(_) => "runtime-error",
            Verdict::TimeLimit => "time-limit",
            Verdict::MemoryLimit => "memory-limit",
            Verdict::OutputLimit => "output-limit",
            Verdict::BuildError => "build-error",
        }
    }

    pub fn passed(&self) -> bool {
        *self == Verdict::Pass
    }
}

/// Judges `actual` against the golden `expected`.
pub fn judge(expected: &Golden, actual: &Outcome) -> Verdict {
    let status = match by_termination(&actual.termination) {
        Ok(status) => status,
        Err(verdict) => return verdict,
    };
    let differs = differing(expected, status, &actual.stdout, &actual.stderr, &actual.files);
    if differs.is_empty() {
        Verdict::Pass
    } else {
        Verdict::WrongOutput(differs)
    }
}

/// The exit status of a run that exited, or the verdict of one that did not: a trap or a
/// limit decides it whatever the outputs were.
pub fn by_termination(termination: &Termination) -> Result<u32, Verdict> {
    match termination {
        Termination::Exited(status) => Ok(*status),
        Termination::Trapped(trap) => Err(Verdict::RuntimeError(trap.clone())),
        Termination::FuelExhausted | Termination::WallClockExceeded => Err(Verdict::TimeLimit),
        Termination::MemoryExhausted(_) => Err(Verdict::MemoryLimit),
        Termination::OutputExceeded(_) | Termination::FilesExceeded => Err(Verdict::OutputLimit),
        Termination::NotBuilt => Err(Verdict::BuildError),
    }
}

/// Which aspects of an exited run differ from the golden, in report order.
pub fn differing(expected: &Golden, status: u32, stdout: &[u8], stderr: &[u8], files: &FileChanges) -> Vec<Aspect> {
    [
        (Aspect::Stdout, expected.stdout == stdout),
        (Aspect::Stderr, expected.stderr == stderr),
        (Aspect::Status, expected.status == status),
        (Aspect::Files, expected.files == *files),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(aspect, _)| aspect)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Entry, Stream};

    fn golden() -> Golden {
        Golden {
            inputs_sha256: String::new(),
            fuel: 10,
            status: 0,
            stdout: b"out\n".to_vec(),
            stderr: Vec::new(),
            files: FileChanges::default(),
        }
    }

    fn outcome(termination: Termination) -> Outcome {
        Outcome { termination, stdout: b"out\n".to_vec(), stderr: Vec::new(), files: FileChanges::default(), fuel: 99 }
    }

    #[test]
    fn same_behaviour_passes_whatever_the_fuel() {
        assert_eq!(judge(&golden(), &outcome(Termination::Exited(0))), Verdict::Pass);
    }

    #[test]
    fn names_every_aspect_that_differs() {
        let mut actual = outcome(Termination::Exited(3));
        actual.stderr = b"oops".to_vec();
        actual.files.written.insert("x".into(), Entry::Directory);
        assert_eq!(
            judge(&golden(), &actual),
            Verdict::WrongOutput(vec![Aspect::Stderr, Aspect::Status, Aspect::Files])
        );
    }

    #[test]
    fn limits_and_traps_take_precedence_over_output() {
        let cases = [
            (Termination::Trapped("unreachable".into()), "runtime-error"),
            (Termination::FuelExhausted, "time-limit"),
            (Termination::WallClockExceeded, "time-limit"),
            (Termination::MemoryExhausted("m".into()), "memory-limit"),
            (Termination::OutputExceeded(Stream::Stderr), "output-limit"),
            (Termination::FilesExceeded, "output-limit"),
            (Termination::NotBuilt, "build-error"),
        ];
        for (termination, name) in cases {
            assert_eq!(judge(&golden(), &outcome(termination)).name(), name);
        }
    }
}
