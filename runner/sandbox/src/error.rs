//! What can go wrong, by whose fault: a module that cannot be loaded is bad input; a host
//! failure is the machine's (a full disk, a refused file system call, a descriptor limit too
//! low), never the guest's. A guest that misbehaves is neither: its run ends with a
//! [`Termination`](crate::Termination).

use crate::MAX_MODULE_BYTES;

/// Why a module cannot be run: the module's fault.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Larger than [`MAX_MODULE_BYTES`].
    #[error("the module is {size} bytes, more than the {MAX_MODULE_BYTES} Mirror compiles")]
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// Does not start with the WebAssembly magic bytes.
    #[error("not a WebAssembly module: it does not start with the `\\0asm` magic bytes")]
    NotWasm,
    /// A component (wasm32-wasip2), not a core module.
    #[error(
        "this is a WebAssembly component (wasm32-wasip2); Mirror runs wasm32-wasip1 core modules: build with `--target wasm32-wasip1`"
    )]
    Component,
    /// A binary version other than 1.
    #[error("unsupported WebAssembly binary version {0:?}")]
    UnsupportedVersion([u8; 4]),
    /// Wasmtime refused it: malformed, or using a feature the sandbox turns off.
    #[error("invalid WebAssembly module: {0}")]
    Invalid(String),
    /// It imports functions the sandbox does not provide (`module::name` each).
    #[error(
        "the module needs imports Mirror does not provide (it offers wasi_snapshot_preview1 only): {}",
        .0.join(", ")
    )]
    MissingImports(Vec<String>),
    /// It exports no `_start`: not a WASI command.
    #[error("the module exports no `_start` function: Mirror runs WASI command modules")]
    NoStart,
    /// Its imports do not match the sandbox's functions in type.
    #[error("cannot link the module: {0}")]
    Link(String),
}

/// The host failed, not the guest or its inputs.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// A file system call on the host failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the file.
        context: String,
        /// The host's error.
        #[source]
        source: std::io::Error,
    },
    /// The file system under the scratch directory is full.
    #[error(
        "the file system holding the scratch directory is full (a within-budget write failed with {0}); free space under TMPDIR or point TMPDIR elsewhere"
    )]
    DiskFull(&'static str),
    /// The process may open too few descriptors for the runs asked for.
    #[error("{0}")]
    DescriptorLimit(String),
    /// Wasmtime itself failed (starting the engine, instantiating a store).
    #[error("the Wasmtime runtime failed: {0}")]
    Runtime(String),
}

impl HostError {
    /// Wasmtime's error, with its chain of causes.
    pub(crate) fn runtime(err: impl Into<wasmtime::Error>) -> HostError {
        HostError::Runtime(format!("{:#}", err.into()))
    }
}

/// Attaches what was being done to a host I/O error.
pub(crate) trait IoContext<T> {
    /// The error as a [`HostError::Io`] with `context`.
    fn at(self, context: impl FnOnce() -> String) -> Result<T, HostError>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, context: impl FnOnce() -> String) -> Result<T, HostError> {
        self.map_err(|source| HostError::Io { context: context(), source })
    }
}
