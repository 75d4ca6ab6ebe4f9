//! A metered instance's fuel as the host sees it: the counter and the control memory the
//! metering pass gave the module (see `metering`).

use wasmtime::{Global, Instance, Memory, Store, Val};

use crate::backstop::Floor;
use crate::guest::GuestState;
use crate::metering::{CONTROL_EXPORT, COUNTER_EXPORT, FLOOR_OFFSET, STOPPED_OFFSET};
use crate::HostError;

/// The fuel counter and control memory of one instance.
pub struct Meter {
    counter: Global,
    control: Memory,
}

/// What a run's meter says once it is over.
pub struct Reading {
    /// The fuel left: at or below 0 when it ran out.
    pub left: i64,
    /// Whether a check stopped the guest (its fuel ran out, or the watchdog raised the floor).
    pub stopped: bool,
}

impl Meter {
    /// The meter of `instance`, its counter set to `budget`.
    pub fn start(instance: &Instance, store: &mut Store<GuestState>, budget: i64) -> Result<Meter, HostError> {
        let unmetered = || HostError::runtime(wasmtime::Error::msg("the module was not metered: no fuel counter"));
        let counter = instance.get_global(&mut *store, COUNTER_EXPORT).ok_or_else(unmetered)?;
        let control = instance.get_memory(&mut *store, CONTROL_EXPORT).ok_or_else(unmetered)?;
        counter.set(&mut *store, Val::I64(budget)).map_err(HostError::runtime)?;
        Ok(Meter { counter, control })
    }

    /// The floor the watchdog raises at the run's deadline.
    pub fn floor(&self, store: &mut Store<GuestState>) -> Floor {
        // SAFETY: the control memory is one page that never grows (the pass declares it with
        // a maximum of one page, and no guest code names it), so its data stays where it is
        // for as long as the store lives, which is past the run's watch; the floor is at an
        // 8-aligned offset of page-aligned memory.
        unsafe { Floor::new(self.control.data_ptr(&*store).add(FLOOR_OFFSET)) }
    }

    /// The meter's state after the run.
    pub fn read(&self, store: &mut Store<GuestState>) -> Reading {
        let left = self.counter.get(&mut *store).i64().unwrap_or(0);
        let stopped = self.control.data(&*store)[STOPPED_OFFSET] != 0;
        Reading { left, stopped }
    }
}
