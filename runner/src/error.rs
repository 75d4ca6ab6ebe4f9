//! The errors of the library, typed so that a caller can tell what broke: the task
//! ([`TaskError`]: bad input), a candidate's build ([`BuildError`]), or the machine Mirror runs
//! on ([`HostError`]: a full disk, a permission the host denies).
//!
//! Every fallible function returns [`Result`], whose [`Error`] is one of these kinds or
//! [`Error::Context`], a message around a cause. [`Error::kind`] says which kind of failure it
//! is, which the command line's exit status reports; [`Error::chain`] shows it with its causes.

use std::fmt;
use std::path::Path;

/// A boxed source error, with its own chain of causes.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The library's result: [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why the library failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A task bundle's file that cannot be used.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// A candidate's source that cannot be built at all.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The host failed Mirror.
    #[error(transparent)]
    Host(#[from] HostError),
    /// A file that cannot be read.
    #[error(transparent)]
    Read(#[from] crate::files::ReadError),
    /// A module the sandbox cannot load.
    #[error(transparent)]
    Load(#[from] crate::sandbox::LoadError),
    /// The host failed a run in the sandbox.
    #[error(transparent)]
    SandboxHost(#[from] crate::sandbox::HostError),
    /// A scored run found goldens missing or stale, so nothing was judged.
    #[error(transparent)]
    Goldens(#[from] crate::engine::GoldensNotCurrent),
    /// A value that breaks a rule of its file's format: a case that names no such dual, an
    /// environment variable with `=` in its name, a file name that cannot exist everywhere.
    #[error("{0}")]
    Invalid(String),
    /// Text its parser rejects, in the parser's words.
    #[error("{0}")]
    Syntax(String),
    /// A request that cannot be carried out as asked: a filter that selects no case, a shard
    /// that is not `I/N`, an argument holding a NUL byte.
    #[error("{0}")]
    Usage(String),
    /// A JSON report that cannot be read back or merged.
    #[error("{0}")]
    Report(String),
    /// The oracle: a request or reply outside its protocol, or a socket it cannot serve on.
    #[error("{0}")]
    Oracle(String),
    /// The cache: a key that cannot be had, an entry that cannot be read or stored.
    #[error("{0}")]
    Cache(String),
    /// A golden that cannot be recorded: the reference did not exit on its case, or the
    /// golden was imported and is stale.
    #[error("{0}")]
    Recording(String),
    /// A task's reference rebuilt from its recipe, or run natively, did not come out.
    #[error("{0}")]
    Reference(String),
    /// Another harness's task data that cannot be imported, or a task that cannot be
    /// exported to it.
    #[error("{0}")]
    Import(String),
    /// An I/O failure; the context around it names the file. Bad input, like every error but
    /// [`HostError`]s: a failure that is the host's is one.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// JSON that does not parse.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A number that does not parse.
    #[error(transparent)]
    Number(#[from] std::num::ParseIntError),
    /// Base64 that does not decode.
    #[error(transparent)]
    Base64(#[from] base64::DecodeError),
    /// A command line outside the portable shell's language.
    #[error(transparent)]
    Shell(#[from] crate::shell::ParseError),
    /// `message` about the cause `source`: what was being done, or which file or field.
    #[error("{message}")]
    Context {
        /// What was being done, naming the file, field or request.
        message: String,
        /// Why it failed.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// What kind of failure this is: [`Kind::Host`] for the host's failures, through any
    /// context around them, else [`Kind::Input`].
    pub fn kind(&self) -> Kind {
        match self {
            Error::Host(_) | Error::SandboxHost(_) => Kind::Host,
            Error::Context { source, .. } => source.kind(),
            _ => Kind::Input,
        }
    }

    /// `message` around this error.
    pub fn context(self, message: impl fmt::Display) -> Self {
        Error::Context { message: message.to_string(), source: Box::new(self) }
    }

    /// The error's message and each of its causes', outermost first, joined by `": "`: what
    /// the command line prints.
    pub fn chain(&self) -> Chain<'_> {
        Chain(self)
    }
}

/// An error shown with its causes (see [`Error::chain`]).
pub struct Chain<'a>(&'a Error);

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = std::error::Error::source(self.0);
        while let Some(err) = cause {
            write!(f, ": {err}")?;
            cause = err.source();
        }
        Ok(())
    }
}

/// Returns early with an [`Error`] of the message kind given, formatted as by `format!`:
/// `fail!(Usage, "no case matches {filter}")`; or with a typed error's message variant:
/// `fail!(BuildError::Source, "...")`.
macro_rules! fail {
    ($error:ident :: $kind:ident, $($message:tt)+) => {
        return Err($error::$kind(format!($($message)+)).into())
    };
    ($kind:ident, $($message:tt)+) => {
        return Err($crate::error::Error::$kind(format!($($message)+)))
    };
}
pub(crate) use fail;

/// Context for a failed [`Result`], as [`Error::context`] gives it.
pub trait Context<T> {
    /// `message` around the error.
    fn context(self, message: impl fmt::Display) -> Result<T>;

    /// The message `message()` gives around the error; made only if there is one.
    fn with_context<M: fmt::Display>(self, message: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, message: impl fmt::Display) -> Result<T> {
        self.map_err(|err| err.into().context(message))
    }

    fn with_context<M: fmt::Display>(self, message: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|err| err.into().context(message()))
    }
}

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
    /// The language's toolchain is not installed or does not answer; the message says how
    /// to install it, or what it said.
    #[error("{0}")]
    Toolchain(String),
    /// The build cannot be confined here: bubblewrap is missing or may not create its
    /// namespaces.
    #[error("{0}")]
    Confine(String),
    /// What the build left cannot be used: not a regular file, too large, or a cached build
    /// whose seal fails.
    #[error("{0}")]
    Output(String),
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

/// What kind of failure an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Bad input: a task, case, golden, candidate or argument that cannot be used.
    Input,
    /// The host failed: disk full, permission denied, a directory that cannot be made.
    Host,
}

impl Kind {
    /// The kind of `err` if it is one of the library's errors ([`Error`] or one of the typed
    /// errors it wraps), else `None`: of a chain of causes, the first that has a kind has the
    /// chain's.
    pub fn of(err: &(dyn std::error::Error + 'static)) -> Option<Kind> {
        if let Some(err) = err.downcast_ref::<Error>() {
            Some(err.kind())
        } else if err.is::<HostError>() || err.is::<crate::sandbox::HostError>() {
            Some(Kind::Host)
        } else if err.is::<TaskError>()
            || err.is::<BuildError>()
            || err.is::<crate::files::ReadError>()
            || err.is::<crate::sandbox::LoadError>()
        {
            Some(Kind::Input)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_shows_every_cause_and_the_kind_sees_through_context() {
        let written = Err::<(), _>(HostError::io("cannot write x", std::io::Error::other("disk full")));
        let err = written.context("recording").unwrap_err();
        assert_eq!(format!("{err}"), "recording");
        assert_eq!(err.chain().to_string(), "recording: cannot write x: disk full");
        assert_eq!(err.kind(), Kind::Host);
        assert_eq!(Kind::of(&err), Some(Kind::Host));
        let usage = Error::Usage("no case matches".into()).context("task t");
        assert_eq!((usage.chain().to_string(), usage.kind()), ("task t: no case matches".to_string(), Kind::Input));
    }
}
