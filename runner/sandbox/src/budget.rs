//! The deterministic budgets a guest's file use is counted against, and the errors that stop
//! a guest the moment it goes past one.

use super::limits::Limits;
use crate::outcome::Stream;

/// Descriptors one guest may hold open at once, counting its three standard streams and two
/// preopens: far above what real programs hold, low enough that guests running side by side
/// cannot take the host's descriptors from the runner. Past it `path_open` gets `EMFILE`.
pub const MAX_OPEN_DESCRIPTORS: u32 = 256;

/// The descriptors every guest starts with: stdin, stdout, stderr and the two preopens.
const INITIAL_DESCRIPTORS: u32 = 5;

/// Files and file bytes a case may still create or write, shared by the commands of its line
/// and the files its redirects write. Bytes are counted as written (not as net size), plus
/// whatever a file grows by without being written (a seek past its end, a truncate upwards)
/// and the size of every file a new hard link names: so the bytes Mirror reads back stay
/// within the inputs plus this budget.
#[derive(Clone, Debug)]
pub struct WriteBudget {
    files_left: u32,
    bytes_left: u64,
}

impl WriteBudget {
    /// The whole budget a case's limits allow.
    pub fn new(limits: &Limits) -> Self {
        WriteBudget { files_left: limits.files_created, bytes_left: limits.file_bytes_written }
    }

    /// Takes one file from the budget; false when none is left.
    pub fn take_file(&mut self) -> bool {
        self.files_left.checked_sub(1).map(|left| self.files_left = left).is_some()
    }

    /// Takes `bytes` from the budget; false when fewer are left.
    pub fn take_bytes(&mut self, bytes: u64) -> bool {
        self.bytes_left.checked_sub(bytes).map(|left| self.bytes_left = left).is_some()
    }
}

/// Counts the descriptors a guest holds open.
pub struct OpenDescriptors {
    open: u32,
}

impl Default for OpenDescriptors {
    fn default() -> Self {
        OpenDescriptors { open: INITIAL_DESCRIPTORS }
    }
}

impl OpenDescriptors {
    /// Whether the guest may open one more.
    pub fn may_open(&self) -> bool {
        self.open < MAX_OPEN_DESCRIPTORS
    }

    /// One more is open.
    pub fn opened(&mut self) {
        self.open += 1;
    }

    /// One fewer is open.
    pub fn closed(&mut self) {
        self.open = self.open.saturating_sub(1);
    }
}

/// Stops a guest that went past a cap: the verdict is decided, so it runs no further.
#[derive(Debug, thiserror::Error)]
pub enum LimitExceeded {
    #[error("the guest wrote more {} than allowed", .0.name())]
    Output(Stream),
    #[error("the guest created or wrote more files than allowed")]
    Files,
}
