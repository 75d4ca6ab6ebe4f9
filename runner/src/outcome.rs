//! What a run of a case produced, as plain data: the sandbox fills it in, goldens store it,
//! verdicts compare it and reports print it.

pub use crate::sandbox::{Entry, FileChanges, Stream, Termination};

/// Everything observable about one run of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How the case's line ended.
    pub termination: Ending,
    /// What it wrote to stdout.
    pub stdout: Vec<u8>,
    /// What it wrote to stderr.
    pub stderr: Vec<u8>,
    /// How it changed the case's files.
    pub files: FileChanges,
    /// Fuel consumed: a deterministic measure of work, identical on every machine.
    pub fuel: u64,
}

impl Outcome {
    /// The outcome of a case whose candidate did not build.
    pub fn not_built() -> Outcome {
        Outcome {
            termination: Ending::NotBuilt,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            fuel: 0,
        }
    }
}

/// How a case's line came to its end: it ran and ended as the sandbox (or a native run)
/// says, or nothing ran, since the candidate did not build. Builds are Mirror's: the sandbox
/// knows only runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The line ran and ended so.
    Ran(Termination),
    /// Nothing ran: the candidate's source did not build.
    NotBuilt,
}

impl Ending {
    /// The exit status, if the line ran and exited.
    pub fn exit_status(&self) -> Option<u32> {
        match self {
            Ending::Ran(Termination::Exited(status)) => Some(*status),
            _ => None,
        }
    }

    /// A short human description, stable across runs and machines.
    pub fn describe(&self) -> String {
        match self {
            Ending::Ran(termination) => termination.describe(),
            Ending::NotBuilt => "did not build".into(),
        }
    }

    /// A short code for how the line ended that depends on nothing but the ending itself:
    /// what digests hash (see [`Termination::code`]).
    pub fn code(&self) -> String {
        match self {
            Ending::Ran(termination) => termination.code(),
            Ending::NotBuilt => "not-built".into(),
        }
    }
}

impl From<Termination> for Ending {
    fn from(termination: Termination) -> Self {
        Ending::Ran(termination)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_ends_as_the_sandbox_says_and_a_failed_build_as_not_built() {
        let exited = Ending::from(Termination::Exited(3));
        assert_eq!(
            (exited.code(), exited.describe(), exited.exit_status()),
            ("exit 3".into(), "exited with status 3".into(), Some(3))
        );
        // Digests hash the code: it must stay what reports of version 4 hold.
        let not_built = Outcome::not_built().termination;
        assert_eq!(
            (not_built.code(), not_built.describe(), not_built.exit_status()),
            ("not-built".into(), "did not build".into(), None)
        );
    }
}
