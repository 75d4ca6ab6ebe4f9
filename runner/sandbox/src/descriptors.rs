//! The runner's share of the host's file descriptors: guests running side by side must not
//! be able to take the descriptors the runner needs for its own files.
//!
//! Each guest may hold [`MAX_OPEN_DESCRIPTORS`]; each parallel run needs a few more of the
//! runner's (its scratch directory, a line's redirect files, the directories a read-back
//! holds open), and the runner as a whole some for modules, the cache and reports. At start
//! the soft `RLIMIT_NOFILE` is raised to the hard limit; a limit too low for the requested
//! parallelism is refused up front, since running into it would fail cases at random.

#[cfg(unix)]
use super::budget::MAX_OPEN_DESCRIPTORS;
use crate::HostError;

/// Descriptors each parallel run needs besides its guest's.
#[cfg(unix)]
const PER_RUN: u64 = 64;
/// Descriptors the runner keeps for itself.
#[cfg(unix)]
const RUNNER: u64 = 256;

/// Descriptors `runs` parallel runs need in all.
#[cfg(unix)]
fn needed(runs: u64) -> u64 {
    runs.saturating_mul(MAX_OPEN_DESCRIPTORS as u64 + PER_RUN).saturating_add(RUNNER)
}

/// Raises the soft open-file limit as far as the hard one allows; an error when even that
/// is too low for `parallel_runs` runs.
#[cfg(unix)]
pub fn reserve_for(parallel_runs: usize) -> Result<(), HostError> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some() && limit.current != limit.maximum {
        // Refused on some systems (macOS caps it below an unlimited hard limit); the check
        // below then judges the limit that stayed.
        let _ = setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, maximum: limit.maximum });
    }
    let Some(available) = getrlimit(Resource::Nofile).current else { return Ok(()) };
    let runs = parallel_runs.max(1) as u64;
    if available < needed(runs) {
        let most = (1..=runs).rev().find(|&r| needed(r) <= available);
        let advice = match most {
            Some(most) => format!("run with -j {most} or less, or raise the limit (ulimit -n)"),
            None => "raise the limit (ulimit -n)".to_string(),
        };
        return Err(HostError::DescriptorLimit(format!(
            "the open-file limit is {available} descriptors, too few for {runs} parallel runs ({} needed: {MAX_OPEN_DESCRIPTORS} for each guest, {PER_RUN} for each run and {RUNNER} for mirror itself); {advice}",
            needed(runs)
        )));
    }
    Ok(())
}

/// Windows has no per-process descriptor limit of this kind.
#[cfg(not(unix))]
pub fn reserve_for(_parallel_runs: usize) -> Result<(), HostError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn each_run_needs_its_guest_and_its_own_share() {
        assert_eq!(needed(1), MAX_OPEN_DESCRIPTORS as u64 + PER_RUN + RUNNER);
        assert_eq!(needed(u64::MAX), u64::MAX);
    }
}
