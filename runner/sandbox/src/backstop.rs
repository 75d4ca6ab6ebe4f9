//! The wall-clock backstop: a guest runs as a future that yields between slices of fuel, and
//! is dropped once its deadline passes; a host call past the deadline stops it too.
//!
//! Epoch interruption would put a check at every loop header and function entry of compiled
//! code (19% of jq's start-up here). Fuel is metered anyway, so handing it out a slice at a
//! time gives the runner a point to look at the clock for free; the same guest stops at the
//! same instruction when fuel runs out, sliced or not. Host calls do their work outside fuel
//! accounting, so the clock is also read at each one: a guest spending its time in them
//! would otherwise run for minutes before a slice ran out.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use wasmtime::{CallHook, Trap};

/// Fuel a guest burns between two looks at the clock: a few milliseconds of guest work.
pub const FUEL_SLICE: u64 = 50_000_000;

/// When a run that starts now and may last `seconds` must stop; `None` when that is beyond
/// what the clock can count (a task may ask for any number of seconds).
pub fn deadline(seconds: u64) -> Option<Instant> {
    Instant::now().checked_add(Duration::from_secs(seconds))
}

/// Whether `deadline`, if any, has passed.
fn passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

/// Polls `run` to completion, or gives up once `deadline` has passed (`None`).
///
/// The future is pending only when the guest yields at the end of a fuel slice, and is ready
/// to go on at once, so a plain loop drives it; no async runtime is involved.
pub fn run_until<T>(deadline: Option<Instant>, run: impl Future<Output = T>) -> Option<T> {
    let mut run = pin!(run);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = run.as_mut().poll(&mut context) {
            return Some(value);
        }
        if passed(deadline) {
            return None;
        }
    }
}

/// A store's call hook: traps with [`Trap::Interrupt`] when the guest calls the host after
/// `deadline`. Reading the clock costs tens of nanoseconds, next to microseconds of host work.
pub fn stop_host_calls_after(
    deadline: Option<Instant>,
) -> impl Fn(CallHook) -> wasmtime::Result<()> + Send + Sync + 'static {
    move |hook| {
        if matches!(hook, CallHook::CallingHost) && passed(deadline) {
            return Err(Trap::Interrupt.into());
        }
        Ok(())
    }
}
