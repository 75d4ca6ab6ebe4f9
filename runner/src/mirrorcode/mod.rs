//! MirrorCode's task data in and out: its gold files ([`gold`]) become Mirror task bundles
//! ([`import`]) and Mirror tasks become gold files ([`export`]).
//!
//! MirrorCode's scorer runs each case in a fresh directory with the case's files staged, its
//! env merged over the process env, stdin as UTF-8 and a 2 s wall-clock timeout; it compares
//! exit codes modulo 256 and stdout and stderr decoded as UTF-8 with replacement, tolerating
//! one trailing newline on either side. An imported task holds those rules as its
//! `[compare]` ([`crate::verdict::Rules::MIRRORCODE`]) and the timeout as a fuel budget
//! ([`fuel_budget`]).

pub mod export;
pub mod gold;
pub mod import;

/// How many times the reference's costliest case a derived fuel budget allows.
pub const FUEL_HEADROOM: u64 = 10;
/// The least fuel a derived budget allows: about 50 ms of guest work, above the start-up of
/// any language runtime a candidate may bring.
pub const FUEL_FLOOR: u64 = 1_000_000_000;
/// The fuel the reference runs with while its costliest case is measured: about 5 s of
/// guest work, more than MirrorCode's 2 s timeout allows a native program.
pub const MEASURING_FUEL: u64 = 100_000_000_000;

/// The fuel budget for a task whose reference spends at most `costliest` fuel on a case:
/// [`FUEL_HEADROOM`] times that, rounded up to two significant digits, and at least
/// [`FUEL_FLOOR`]. Fuel counts are exact, so the same reference always gives the same budget.
pub fn fuel_budget(costliest: u64) -> u64 {
    let wanted = costliest.saturating_mul(FUEL_HEADROOM).max(FUEL_FLOOR);
    let mut unit = 1u64;
    while wanted / unit >= 100 {
        unit *= 10;
    }
    wanted.div_ceil(unit).saturating_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_ten_times_the_costliest_case_rounded_up_with_a_floor() {
        assert_eq!(fuel_budget(0), FUEL_FLOOR);
        assert_eq!(fuel_budget(12_345), FUEL_FLOOR);
        assert_eq!(fuel_budget(123_456_789), 1_300_000_000);
        assert_eq!(fuel_budget(200_000_000), 2_000_000_000);
        assert_eq!(fuel_budget(u64::MAX), u64::MAX);
    }
}
