//! Everything one guest instance owns on the host side: its WASI context, its virtual clock,
//! the case's files it works on, and the budgets its limits are counted against.

use wasmtime::ResourceLimiter;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

use super::budget::OpenDescriptors;
use super::case::CaseFiles;
use super::determinism::VirtualClock;
use super::limits::Limits;
use crate::outcome::Stream;

/// The `Store` data of one guest instance.
pub struct GuestState {
    pub wasi: WasiP1Ctx,
    pub clock: VirtualClock,
    /// The case's files, lent to this guest for its run.
    pub case: CaseFiles,
    pub descriptors: OpenDescriptors,
    pub output: OutputPipes,
    pub memory: MemoryBudget,
}

/// The guest's stdout and stderr pipes, each one byte longer than its cap so that a byte
/// past the cap shows.
pub struct OutputPipes {
    stdout: (MemoryOutputPipe, usize),
    /// None when stderr shares the stdout pipe.
    stderr: Option<(MemoryOutputPipe, usize)>,
}

impl OutputPipes {
    /// The stdout pipe and its cap, and stderr's unless it shares the stdout pipe.
    pub fn new(stdout: MemoryOutputPipe, stdout_cap: usize, stderr: Option<(MemoryOutputPipe, usize)>) -> Self {
        OutputPipes { stdout: (stdout, stdout_cap), stderr }
    }

    /// The stream that holds more than its cap, if one does (stdout first).
    pub fn exceeded(&self) -> Option<Stream> {
        let over = |(pipe, cap): &(MemoryOutputPipe, usize)| pipe.contents().len() > *cap;
        if over(&self.stdout) {
            Some(Stream::Stdout)
        } else if self.stderr.as_ref().is_some_and(over) {
            Some(Stream::Stderr)
        } else {
            None
        }
    }
}

/// Caps linear memory and tables; a guest that asks for more is stopped with
/// [`ResourceExhausted`] so the verdict can say memory-limit.
pub struct MemoryBudget {
    memory_bytes: usize,
    table_elements: usize,
}

impl MemoryBudget {
    pub fn new(limits: &Limits) -> Self {
        MemoryBudget { memory_bytes: limits.memory_bytes(), table_elements: limits.table_elements }
    }
}

/// The error a guest is stopped with when it grows memory or a table past its cap.
#[derive(Debug, thiserror::Error)]
#[error("guest grew its {what} to {desired} past the cap of {cap}")]
pub struct ResourceExhausted {
    what: &'static str,
    desired: usize,
    cap: usize,
}

impl ResourceLimiter for MemoryBudget {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            return Err(ResourceExhausted { what: "linear memory (bytes)", desired, cap: self.memory_bytes }.into());
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.table_elements {
            return Err(ResourceExhausted { what: "table (elements)", desired, cap: self.table_elements }.into());
        }
        Ok(true)
    }
}

impl GuestState {
    /// A state for stores that never run a guest (such as listing the linker's imports).
    pub fn placeholder(limits: &Limits) -> Self {
        GuestState {
            wasi: wasmtime_wasi::WasiCtxBuilder::new().build_p1(),
            clock: VirtualClock::default(),
            case: CaseFiles::new(limits),
            descriptors: OpenDescriptors::default(),
            output: OutputPipes::new(MemoryOutputPipe::new(0), 0, None),
            memory: MemoryBudget::new(limits),
        }
    }
}
