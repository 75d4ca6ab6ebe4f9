//! The sources of nondeterminism a guest can observe, replaced by fixed or seeded ones:
//! clocks, random numbers, inode numbers and file times.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wasmtime_wasi::{HostMonotonicClock, HostWallClock};

/// The one instant every guest sees as "now": 2001-09-09T01:46:40Z (10^9 seconds after the epoch).
pub const WALL_CLOCK_SECONDS: u64 = 1_000_000_000;

/// [`WALL_CLOCK_SECONDS`] in nanoseconds: the time of every file the case did not change.
pub const WALL_CLOCK_NANOS: u64 = WALL_CLOCK_SECONDS * 1_000_000_000;

/// How far the virtual monotonic clock moves each time a guest reads it, so that loops
/// waiting for time to pass still end.
const MONOTONIC_TICK_NANOS: u64 = 1_000;

/// Seed of every guest's random streams. Fixed so that runs repeat; distinct per stream.
const SECURE_SEED: u64 = 0x6d69_7272_6f72_0001;
const INSECURE_SEED: u64 = 0x6d69_7272_6f72_0002;
/// The seed wasi-libc and Rust std read for hash-map keys.
pub const INSECURE_RANDOM_SEED: u128 = 0x6d69_7272_6f72_0003;

/// A wall clock stopped at [`WALL_CLOCK_SECONDS`].
pub struct FixedWallClock;

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        Duration::from_secs(WALL_CLOCK_SECONDS)
    }
}

/// A monotonic clock that moves only when the guest reads it or sleeps.
///
/// Shared between the WASI context (reads) and the `poll_oneoff` host call (sleeps).
#[derive(Clone, Default)]
pub struct VirtualClock {
    nanos: Arc<AtomicU64>,
}

impl VirtualClock {
    /// The current reading, without advancing.
    pub fn peek(&self) -> u64 {
        self.nanos.load(Ordering::Relaxed)
    }

    /// Moves the clock forward, as a sleep of `nanos` would.
    pub fn advance(&self, nanos: u64) {
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

impl HostMonotonicClock for VirtualClock {
    fn resolution(&self) -> u64 {
        MONOTONIC_TICK_NANOS
    }

    fn now(&self) -> u64 {
        self.nanos.fetch_add(MONOTONIC_TICK_NANOS, Ordering::Relaxed)
    }
}

/// SplitMix64: tiny, fast and stable across versions, which a general-purpose RNG crate
/// does not promise.
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// The stream behind `random_get`.
    pub fn secure() -> Self {
        SeededRandom { state: SECURE_SEED }
    }

    /// The stream behind WASI's insecure random interface.
    pub fn insecure() -> Self {
        SeededRandom { state: INSECURE_SEED }
    }
}

impl rand_core::TryRng for SeededRandom {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Maps the host's file identities to small numbers: a new number for each file the case
/// creates, and for any other file the next number when the guest first sees it. The guest
/// runs deterministically, so the numbering does too, on every file system: a host that
/// reuses a freed inode for a new file cannot make two files share a number.
#[derive(Default)]
pub struct VirtualInodes {
    numbers: HashMap<u64, u64>,
    last: u64,
}

impl VirtualInodes {
    /// The guest-visible inode number for a host identity.
    pub fn number(&mut self, host_identity: u64) -> u64 {
        match self.numbers.get(&host_identity) {
            Some(&number) => number,
            None => self.fresh(host_identity),
        }
    }

    /// A new number for a file just created, whatever the host identity meant before.
    pub fn fresh(&mut self, host_identity: u64) -> u64 {
        self.last += 1;
        self.numbers.insert(host_identity, self.last);
        self.last
    }
}

/// A file's access, modification and status-change times, in nanoseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Times {
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Times {
    /// All three times at `nanos`.
    pub fn at(nanos: u64) -> Self {
        Times { atim: nanos, mtim: nanos, ctim: nanos }
    }
}

/// The times of the files a case created, changed or set times on, by virtual inode; every
/// other file has the fixed wall-clock instant. Reads do not move access times (as with
/// `noatime`), and a directory's times move only when a program sets them.
#[derive(Default)]
pub struct FileTimes {
    times: HashMap<u64, Times>,
}

impl FileTimes {
    /// The times of the file with virtual inode `ino`.
    pub fn get(&self, ino: u64) -> Times {
        self.times.get(&ino).copied().unwrap_or(Times::at(WALL_CLOCK_NANOS))
    }

    /// A file created at `now`.
    pub fn created(&mut self, ino: u64, now: u64) {
        self.times.insert(ino, Times::at(now));
    }

    /// A file whose contents changed at `now`.
    pub fn modified(&mut self, ino: u64, now: u64) {
        let times = self.get(ino);
        self.times.insert(ino, Times { mtim: now, ctim: now, ..times });
    }

    /// A program set the access and/or modification time at `now`; its status changes too.
    pub fn set(&mut self, ino: u64, atim: Option<u64>, mtim: Option<u64>, now: u64) {
        let times = self.get(ino);
        self.times.insert(ino, Times { atim: atim.unwrap_or(times.atim), mtim: mtim.unwrap_or(times.mtim), ctim: now });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_host_identity_gets_a_new_number_when_created_again() {
        let mut inodes = VirtualInodes::default();
        assert_eq!(inodes.number(77), 1);
        assert_eq!(inodes.number(12), 2);
        assert_eq!(inodes.number(77), 1);
        assert_eq!(inodes.fresh(77), 3);
        assert_eq!(inodes.number(77), 3);
    }

    #[test]
    fn times_start_at_the_fixed_instant_and_keep_what_is_set() {
        let mut times = FileTimes::default();
        assert_eq!(times.get(1), Times::at(WALL_CLOCK_NANOS));
        times.set(1, None, Some(5), 9);
        assert_eq!(times.get(1), Times { atim: WALL_CLOCK_NANOS, mtim: 5, ctim: 9 });
        times.modified(1, 11);
        assert_eq!(times.get(1), Times { atim: WALL_CLOCK_NANOS, mtim: 11, ctim: 11 });
    }
}
