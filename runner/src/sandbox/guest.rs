//! Everything one guest instance owns on the host side: its WASI context, its virtual clock
//! and inode numbering, and the budgets its limits are counted against.

use wasmtime::ResourceLimiter;
use wasmtime_wasi::p1::WasiP1Ctx;

use super::determinism::{VirtualClock, VirtualInodes};
use super::limits::Limits;

/// The `Store` data of one guest instance.
pub struct GuestState {
    pub wasi: WasiP1Ctx,
    pub clock: VirtualClock,
    pub inodes: VirtualInodes,
    pub writes: WriteBudget,
    pub memory: MemoryBudget,
}

/// Files and file bytes the guest may still create or write.
pub struct WriteBudget {
    files_left: u32,
    bytes_left: u64,
    /// Set once the guest asked for more than its budget.
    pub exceeded: bool,
}

impl WriteBudget {
    pub fn new(limits: &Limits) -> Self {
        WriteBudget { files_left: limits.files_created, bytes_left: limits.file_bytes_written, exceeded: false }
    }

    /// Takes one file from the budget; false (and `exceeded`) when none is left.
    pub fn take_file(&mut self) -> bool {
        self.take(|budget| budget.files_left.checked_sub(1).map(|left| budget.files_left = left))
    }

    /// Takes `bytes` from the budget; false (and `exceeded`) when fewer are left.
    pub fn take_bytes(&mut self, bytes: u64) -> bool {
        self.take(|budget| budget.bytes_left.checked_sub(bytes).map(|left| budget.bytes_left = left))
    }

    /// Whether a file may grow to `size` bytes without writing them (truncate, allocate).
    pub fn allows_size(&mut self, size: u64) -> bool {
        self.take(|budget| (size <= budget.bytes_left).then_some(()))
    }

    fn take(&mut self, attempt: impl FnOnce(&mut Self) -> Option<()>) -> bool {
        let granted = attempt(self).is_some();
        self.exceeded |= !granted;
        granted
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
            inodes: VirtualInodes::default(),
            writes: WriteBudget::new(limits),
            memory: MemoryBudget::new(limits),
        }
    }
}
