//! The wall-clock backstop: a watchdog thread raises a running guest's fuel floor at its
//! deadline, so that its next check stops it (see `metering`), and a host call past the
//! deadline stops it too.
//!
//! Checks that only compare and trap are what make metering cheap; a check that could call
//! the runtime to look at the clock would cost what Wasmtime's fuel and epoch checks cost
//! (see `metering`). So the clock is read elsewhere: by one thread for the whole process,
//! asleep until the nearest deadline of the runs it watches, and at each host call, since
//! host calls do their work outside fuel accounting: a guest spending its time in them would
//! otherwise pass few checks.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use wasmtime::{CallHook, Trap};

/// When a run that starts now and may last `seconds` must stop; `None` when that is beyond
/// what the clock can count (a task may ask for any number of seconds).
pub fn deadline(seconds: u64) -> Option<Instant> {
    Instant::now().checked_add(Duration::from_secs(seconds))
}

/// Whether `deadline`, if any, has passed.
fn passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

/// Polls `run` to completion. Guests never yield (no host call is asynchronous), so the
/// future is ready on its first poll; no async runtime is involved.
pub fn block_on<T>(run: impl Future<Output = T>) -> T {
    let mut run = pin!(run);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = run.as_mut().poll(&mut context) {
            return value;
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

/// A running guest's fuel floor: the i64 its checks compare the counter with.
pub struct Floor(*const AtomicI64);

// SAFETY: the watchdog only stores through the pointer, atomically, while the `Watch` that
// owns the floor lives (see `Floor::new`).
unsafe impl Send for Floor {}

impl Floor {
    /// The floor at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be 8-byte aligned and stay valid for writes until the [`Watch`] given this
    /// floor is finished or dropped. The guest reads it with plain loads while the watchdog
    /// stores to it atomically: the protocol Wasmtime's own epoch counter follows.
    pub unsafe fn new(ptr: *mut u8) -> Floor {
        Floor(ptr.cast::<AtomicI64>())
    }
}

/// One run the watchdog watches.
struct Watched {
    id: u64,
    deadline: Instant,
    floor: Floor,
    fired: bool,
}

#[derive(Default)]
struct Watchdog {
    runs: Mutex<(u64, Vec<Watched>)>,
    changed: Condvar,
}

impl Watchdog {
    /// The process's watchdog, its thread started on first use.
    fn get() -> &'static Watchdog {
        static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
        WATCHDOG.get_or_init(|| {
            let watchdog: &'static Watchdog = Box::leak(Box::default());
            std::thread::Builder::new()
                .name("mirror-backstop".into())
                .spawn(move || watchdog.run())
                .expect("cannot start the wall-clock backstop's thread");
            watchdog
        })
    }

    fn run(&self) {
        let mut runs = self.runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            let now = Instant::now();
            for run in runs.1.iter_mut().filter(|run| !run.fired && run.deadline <= now) {
                // SAFETY: the run's `Watch` is alive (it removes the run under this lock
                // before its floor goes away), so the pointer is valid (`Floor::new`).
                unsafe { (*run.floor.0).store(i64::MAX, Ordering::Relaxed) };
                run.fired = true;
            }
            let next = runs.1.iter().filter(|run| !run.fired).map(|run| run.deadline).min();
            runs = match next {
                Some(next) => {
                    self.changed.wait_timeout(runs, next - now).unwrap_or_else(|poisoned| poisoned.into_inner()).0
                }
                None => self.changed.wait(runs).unwrap_or_else(|poisoned| poisoned.into_inner()),
            };
        }
    }
}

/// A run under the watchdog: at its deadline the watchdog raises its floor, once.
pub struct Watch {
    id: u64,
}

impl Watch {
    /// Watches a run whose floor is `floor` until `deadline`.
    pub fn start(deadline: Instant, floor: Floor) -> Watch {
        let watchdog = Watchdog::get();
        let mut runs = watchdog.runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        runs.0 += 1;
        let id = runs.0;
        // The watchdog sleeps until the nearest deadline; only a nearer one must wake it (runs
        // start with deadlines later than those already watched, so a case costs no wake-up).
        let nearer = runs.1.iter().filter(|run| !run.fired).all(|run| deadline < run.deadline);
        runs.1.push(Watched { id, deadline, floor, fired: false });
        if nearer {
            watchdog.changed.notify_one();
        }
        Watch { id }
    }

    /// Stops watching; whether the deadline came first.
    pub fn finish(self) -> bool {
        let fired = self.remove();
        std::mem::forget(self);
        fired
    }

    fn remove(&self) -> bool {
        let mut runs = Watchdog::get().runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let index = runs.1.iter().position(|run| run.id == self.id);
        index.is_some_and(|index| runs.1.swap_remove(index).fired)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.remove();
    }
}
