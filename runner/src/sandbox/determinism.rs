//! The sources of nondeterminism a guest can observe, replaced by fixed or seeded ones:
//! clocks, random numbers and inode numbers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wasmtime_wasi::{HostMonotonicClock, HostWallClock};

/// The one instant every guest sees as "now": 2001-09-09T01:46:40Z (10^9 seconds after the epoch).
pub const WALL_CLOCK_SECONDS: u64 = 1_000_000_000;

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

/// Maps the host's file identities to small numbers handed out in the order the guest first
/// sees each file. The guest runs deterministically, so the numbering does too.
#[derive(Default)]
pub struct VirtualInodes {
    numbers: HashMap<u64, u64>,
}

impl VirtualInodes {
    /// The guest-visible inode number for a host identity.
    pub fn number(&mut self, host_identity: u64) -> u64 {
        let next = self.numbers.len() as u64 + 1;
        *self.numbers.entry(host_identity).or_insert(next)
    }
}
