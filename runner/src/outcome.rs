//! What a run of a case produced, as plain data: the sandbox fills it in, goldens store it,
//! verdicts compare it and reports print it.

pub use crate::sandbox::{Entry, FileChanges, Stream, Termination};

/// Everything observable about one run of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How the case's line ended.
    pub termination: Termination,
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
            termination: Termination::NotBuilt,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: FileChanges::default(),
            fuel: 0,
        }
    }
}
