//! What the sandbox keeps about a case's files across the commands of its line: the write
//! budget, inode numbers and file times.

use super::budget::WriteBudget;
use super::determinism::{FileTimes, VirtualInodes, WALL_CLOCK_NANOS};
use super::limits::Limits;

/// The file state of one case. Each command of the line gets it in turn
/// ([`super::Sandbox::run_in_case`]), so a file keeps its inode number and times from one
/// command to the next, and all of them draw on one budget.
pub struct CaseFiles {
    pub(super) writes: WriteBudget,
    pub(super) inodes: VirtualInodes,
    pub(super) times: FileTimes,
    /// Changes the case has made so far: the file clock.
    changes: u64,
}

/// How far the file clock moves with each change.
const FILE_CLOCK_TICK_NANOS: u64 = 1_000;

impl CaseFiles {
    /// A case that has written nothing yet.
    pub fn new(limits: &Limits) -> Self {
        CaseFiles {
            writes: WriteBudget::new(limits),
            inodes: VirtualInodes::default(),
            times: FileTimes::default(),
            changes: 0,
        }
    }

    /// The time of a change made now: the fixed wall-clock instant plus 1 µs for each change
    /// the case has made, so that a later change is always newer (as `make` and `find -newer`
    /// expect) and no host clock is involved.
    pub(super) fn tick(&mut self) -> u64 {
        self.changes += 1;
        WALL_CLOCK_NANOS.saturating_add(self.changes.saturating_mul(FILE_CLOCK_TICK_NANOS))
    }

    /// Takes bytes the runner writes for the case (a redirect's file) from the budget; false
    /// when the case has no more.
    pub fn take_bytes(&mut self, bytes: u64) -> bool {
        self.writes.take_bytes(bytes)
    }

    /// Records that the runner itself created or wrote `file` between commands (a redirect's
    /// file): it gets a new inode number when created, and the current time.
    pub fn runner_wrote(&mut self, file: &cap_std::fs::File, created: bool) -> std::io::Result<()> {
        let Some(identity) = host_identity(file)? else { return Ok(()) };
        let now = self.tick();
        if created {
            let ino = self.inodes.fresh(identity);
            self.times.created(ino, now);
        } else {
            let ino = self.inodes.number(identity);
            self.times.modified(ino, now);
        }
        Ok(())
    }
}

/// The identity wasmtime-wasi gives a file as its preview1 inode number (a hash of device
/// and inode, see its `MetadataHashValue`), computed the same way.
#[cfg(unix)]
fn host_identity(file: &cap_std::fs::File) -> std::io::Result<Option<u64>> {
    use cap_std::fs::MetadataExt;
    use std::hash::{Hash, Hasher};
    let meta = file.metadata()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (meta.dev(), meta.ino()).hash(&mut hasher);
    Ok(Some(hasher.finish()))
}

/// Elsewhere the host identity is not computed here: a redirect's file then keeps the number
/// and times of a removed file whose identity the host reused, as it could on Unix only
/// with inode reuse.
#[cfg(not(unix))]
fn host_identity(_file: &cap_std::fs::File) -> std::io::Result<Option<u64>> {
    Ok(None)
}
