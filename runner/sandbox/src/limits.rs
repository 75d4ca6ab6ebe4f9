//! Resource limits for one sandboxed run, with the defaults a task gets when it names none.

use serde::{Deserialize, Serialize};

/// Caps on what one case may consume. Every cap but `wall_seconds` is deterministic: the same
/// program stops at the same point on every machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Instruction budget (Wasmtime fuel). About 20 G fuel is one second of guest work.
    pub fuel: u64,
    /// Largest linear memory, in MiB.
    pub memory_mib: u64,
    /// Largest table, in elements.
    pub table_elements: usize,
    /// Bytes of stdout kept; one more is an output-limit verdict.
    pub stdout_bytes: usize,
    /// Bytes of stderr kept; one more is an output-limit verdict.
    pub stderr_bytes: usize,
    /// Files, directories and links the guest may create.
    pub files_created: u32,
    /// Bytes the guest may write into files, counted as written (not as net size).
    pub file_bytes_written: u64,
    /// Wall-clock backstop for the runner's own safety; never part of a deterministic verdict
    /// unless a guest blocks outside fuel accounting.
    pub wall_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 10_000_000_000,
            memory_mib: 256,
            table_elements: 100_000,
            stdout_bytes: 8 << 20,
            stderr_bytes: 1 << 20,
            files_created: 1_000,
            file_bytes_written: 64 << 20,
            wall_seconds: 60,
        }
    }
}

impl Limits {
    /// The memory cap in bytes.
    pub fn memory_bytes(&self) -> usize {
        usize::try_from(self.memory_mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
    }
}
