//! What a run produced, as plain data: how it ended, and how it changed its files.

use std::collections::{BTreeMap, BTreeSet};

/// Which standard stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
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
    /// A trap other than a limit.
    Trapped {
        /// Which trap, by a name that stays the same across Wasmtime versions.
        code: TrapCode,
        /// Wasmtime's description, for people: its wording may change between versions.
        message: String,
    },
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
}

impl Termination {
    /// A short human description, stable across runs and machines.
    pub fn describe(&self) -> String {
        match self {
            Termination::Exited(code) => format!("exited with status {code}"),
            Termination::Trapped { message, .. } => format!("trapped: {message}"),
            Termination::FuelExhausted => "ran out of fuel".into(),
            Termination::MemoryExhausted(what) => what.clone(),
            Termination::OutputExceeded(stream) => format!("wrote more {} than allowed", stream.name()),
            Termination::FilesExceeded => "created or wrote more files than allowed".into(),
            Termination::WallClockExceeded => "stopped by the wall-clock backstop".into(),
        }
    }

    /// A short code for how the run ended that depends on nothing but the ending itself
    /// (not Wasmtime's wording, not the caps): what digests hash.
    pub fn code(&self) -> String {
        match self {
            Termination::Exited(status) => format!("exit {status}"),
            Termination::Trapped { code, .. } => format!("trap {}", code.name()),
            Termination::FuelExhausted => "out-of-fuel".into(),
            Termination::MemoryExhausted(_) => "memory-limit".into(),
            Termination::OutputExceeded(stream) => format!("output-limit {}", stream.name()),
            Termination::FilesExceeded => "file-limit".into(),
            Termination::WallClockExceeded => "wall-clock".into(),
        }
    }
}

/// Which trap stopped a guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrapCode {
    /// An `unreachable` instruction (Rust's panics and C's `abort` end here).
    Unreachable,
    /// A load or store outside linear memory.
    MemoryOutOfBounds,
    /// The call stack ran out.
    StackOverflow,
    /// An integer division or remainder by zero.
    IntegerDivideByZero,
    /// An integer division that overflows (`INT_MIN / -1`).
    IntegerOverflow,
    /// A float-to-integer conversion of NaN or of a value out of range.
    InvalidConversionToInteger,
    /// An indirect call through a null table entry.
    IndirectCallToNull,
    /// An indirect call to a function of another type.
    IndirectCallTypeMismatch,
    /// A table access out of bounds.
    TableOutOfBounds,
    /// A misaligned atomic access.
    UnalignedAtomic,
    /// A null reference dereferenced.
    NullReference,
    /// A host function failed (a WASI call the guest made could not be completed).
    HostCall,
    /// Any other trap.
    Other,
}

impl TrapCode {
    /// The code's kebab-case name, as digests and JSON reports write it.
    pub fn name(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "memory-out-of-bounds",
            TrapCode::StackOverflow => "stack-overflow",
            TrapCode::IntegerDivideByZero => "integer-divide-by-zero",
            TrapCode::IntegerOverflow => "integer-overflow",
            TrapCode::InvalidConversionToInteger => "invalid-conversion-to-integer",
            TrapCode::IndirectCallToNull => "indirect-call-to-null",
            TrapCode::IndirectCallTypeMismatch => "indirect-call-type-mismatch",
            TrapCode::TableOutOfBounds => "table-out-of-bounds",
            TrapCode::UnalignedAtomic => "unaligned-atomic",
            TrapCode::NullReference => "null-reference",
            TrapCode::HostCall => "host-call",
            TrapCode::Other => "other",
        }
    }

    /// The code of one of Wasmtime's traps.
    pub(crate) fn of(trap: wasmtime::Trap) -> TrapCode {
        use wasmtime::Trap;
        match trap {
            Trap::UnreachableCodeReached => TrapCode::Unreachable,
            Trap::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
            Trap::StackOverflow => TrapCode::StackOverflow,
            Trap::IntegerDivisionByZero => TrapCode::IntegerDivideByZero,
            Trap::IntegerOverflow => TrapCode::IntegerOverflow,
            Trap::BadConversionToInteger => TrapCode::InvalidConversionToInteger,
            Trap::IndirectCallToNull => TrapCode::IndirectCallToNull,
            Trap::BadSignature => TrapCode::IndirectCallTypeMismatch,
            Trap::TableOutOfBounds => TrapCode::TableOutOfBounds,
            Trap::HeapMisaligned => TrapCode::UnalignedAtomic,
            Trap::NullReference => TrapCode::NullReference,
            _ => TrapCode::Other,
        }
    }
}

/// What a file in the scratch directory is after a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A symlink and its target, `/`-separated.
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
