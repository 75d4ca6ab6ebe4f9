//! What a run of a case produced, as plain data: the sandbox fills it in, goldens store it,
//! verdicts compare it and reports print it.

use std::collections::{BTreeMap, BTreeSet};

/// Which standard stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    /// `stdout` or `stderr`.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Termination {
    /// `proc_exit` or a return from `_start` (status 0).
    Exited(u32),
    /// A trap other than a limit: the trap's description.
    Trapped(String),
    /// The fuel budget ran out.
    FuelExhausted,
    /// Linear memory or a table grew past its cap.
    MemoryExhausted(String),
    /// A stream passed its cap; what it wrote is cut at the cap.
    OutputExceeded(Stream),
    /// The guest created more files or wrote more file bytes than allowed.
    FilesExceeded,
    /// The wall-clock backstop stopped the guest.
    WallClockExceeded,
    /// Nothing ran: the candidate's source did not build.
    NotBuilt,
}

impl Termination {
    /// A short human description, stable across runs and machines.
    pub fn describe(&self) -> String {
        match self {
            Termination::Exited(code) => format!("exited with status {code}"),
            Termination::Trapped(trap) => format!("trapped: {trap}"),
            Termination::FuelExhausted => "ran out of fuel".into(),
            Termination::MemoryExhausted(what) => what.clone(),
            Termination::OutputExceeded(stream) => format!("wrote more {} than allowed", stream.name()),
            Termination::FilesExceeded => "created or wrote more files than allowed".into(),
            Termination::WallClockExceeded => "stopped by the wall-clock backstop".into(),
            Termination::NotBuilt => "did not build".into(),
        }
    }
}

/// What a file in the scratch directory is after a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    File(Vec<u8>),
    Symlink(String),
    /// An empty directory (one with contents is implied by their paths).
    Directory,
}

/// How the scratch directory differs from the input files it started with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileChanges {
    /// Entries created or changed, by `/`-separated relative path.
    pub written: BTreeMap<String, Entry>,
    /// Input files that are gone.
    pub removed: BTreeSet<String>,
}

impl FileChanges {
    /// Whether the run left the inputs exactly as they were.
    pub fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Everything observable about one run of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub termination: Termination,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
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
