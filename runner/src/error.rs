//! The errors at the library's boundaries, typed so that a caller can tell what broke: the
//! task ([`TaskError`]: bad input), a candidate's build ([`BuildError`]), or the machine
//! Mirror runs on ([`HostError`]: a full disk, a permission the host denies).
//!
//! Functions return `anyhow::Result` with one of these in the error's chain; [`classify`]
//! finds the outermost, which is what the command line's exit status reports.

use std::path::Path;

/// A boxed source error, with its own chain of causes.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A task bundle's file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// No task where the user pointed.
    #[error("{0}")]
    NotFound(String),
    /// Not TOML, or a field of the wrong name or type.
    #[error("malformed {kind}")]
    Malformed {
        /// Which kind of file: `task file`, `case file`, `golden file`.
        kind: &'static str,
        /// The parser's message.
        #[source]
        source: Source,
    },
    /// Well-formed, but meaningless: a program name with spaces, a case that runs a program
    /// the task does not have, a golden naming a path outside the scratch directory.
    #[error("invalid {kind}")]
    Invalid {
        /// Which kind of file: `task file`, `case file`, `golden file`.
        kind: &'static str,
        /// What is wrong.
        #[source]
        source: Source,
    },
}

impl TaskError {
    /// A malformed file of `kind`, for the reason `source`.
    pub fn malformed(kind: &'static str, source: impl Into<Source>) -> Self {
        TaskError::Malformed { kind, source: source.into() }
    }

    /// An invalid file of `kind`, for the reason `source`.
    pub fn invalid(kind: &'static str, source: impl Into<Source>) -> Self {
        TaskError::Invalid { kind, source: source.into() }
    }
}

/// A candidate's source that Mirror cannot build at all (a build that fails to compile is a
/// verdict, not an error). Both are bad input: the user fixes the source or installs the
/// toolchain.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The directory holds nothing Mirror builds, or a package it cannot pick a binary from.
    #[error("{0}")]
    Source(String),
    /// The language's toolchain is not installed; the message says how to install it.
    #[error("{0}")]
    Toolchain(String),
}

/// The machine Mirror runs on failed it: a file it could not write, a directory it could
/// not create, a run whose scratch directory broke.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub struct HostError {
    /// What Mirror was doing, naming the file.
    pub what: String,
    /// The host's error.
    #[source]
    pub source: Source,
}

impl HostError {
    /// `what` failed with the I/O error `err`.
    pub fn io(what: impl Into<String>, err: std::io::Error) -> Self {
        HostError { what: what.into(), source: Box::new(err) }
    }

    /// `what` failed for the reason `source`.
    pub fn new(what: impl Into<String>, source: impl Into<Source>) -> Self {
        HostError { what: what.into(), source: source.into() }
    }

    /// `cannot write PATH`, with the I/O error.
    pub fn write(path: &Path, err: std::io::Error) -> Self {
        HostError::io(format!("cannot write {}", path.display()), err)
    }
}

/// What kind of failure an error is, by the outermost typed error in its chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Bad input: a task, case, golden, candidate or argument that cannot be used.
    Input,
    /// The host failed: disk full, permission denied, a directory that cannot be made.
    Host,
}

/// The kind of `err`: [`Kind::Host`] when the outermost typed error in its chain is a
/// [`HostError`] (Mirror's or the sandbox's), else [`Kind::Input`].
pub fn classify(err: &anyhow::Error) -> Kind {
    for cause in err.chain() {
        if cause.is::<HostError>() || cause.is::<crate::sandbox::HostError>() {
            return Kind::Host;
        }
        if cause.is::<TaskError>()
            || cause.is::<BuildError>()
            || cause.is::<crate::files::ReadError>()
            || cause.is::<crate::sandbox::LoadError>()
        {
            return Kind::Input;
        }
    }
    Kind::Input
}
