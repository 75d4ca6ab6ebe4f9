//! Mapping work over threads with results in input order, so that nothing downstream
//! depends on how many threads ran it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::Result;

/// The default number of threads: the machine's cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Applies `work` to every item on up to `jobs` threads. Each thread makes its own state
/// with `init` before its first item and keeps it for the rest. The results come back in
/// `items` order; the first error stops handing out items and is returned.
pub fn map_with<T, S, R>(
    items: &[T],
    jobs: usize,
    init: impl Fn() -> Result<S> + Sync,
    work: impl Fn(&mut S, &T) -> Result<R> + Sync,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
{
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R>>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                let mut state = None;
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { return };
                    let result = match &mut state {
                        Some(state) => work(state, item),
                        None => init().and_then(|made| work(state.insert(made), item)),
                    };
                    let failed = result.is_err();
                    results.lock().expect("no worker panics holding the lock")[index] = Some(result);
                    if failed {
                        next.store(items.len(), Ordering::Relaxed);
                    }
                }
            });
        }
    });
    results.into_inner().expect("workers are done").into_iter().flatten().collect()
}

/// [`map_with`] without per-thread state.
pub fn map<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(&T) -> Result<R> + Sync) -> Result<Vec<R>> {
    map_with(items, jobs, || Ok(()), |_, item| work(item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order_at_any_parallelism() {
        let items: Vec<u32> = (0..500).collect();
        for jobs in [1, 2, 7] {
            assert_eq!(map(&items, jobs, |n| Ok(n * 2)).unwrap(), items.iter().map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn an_error_is_returned() {
        let items: Vec<u32> = (0..100).collect();
        let result = map(&items, 3, |n| if *n == 42 { anyhow::bail!("item {n}") } else { Ok(*n) });
        assert_eq!(result.unwrap_err().to_string(), "item 42");
    }
}
