//! Mapping work over threads with results in input order, so that nothing downstream
//! depends on how many threads ran it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::Result;

/// The default number of threads: the machine's cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Applies `work` to every item on up to `jobs` threads and hands each result to `sink`, in
/// `items` order, as soon as it and every result before it are in. Nothing is collected, so
/// memory does not grow with the number of items. Each thread makes its own state with
/// `init` before its first item and keeps it for the rest. The first error (from `work` or
/// `sink`) stops handing out items; of the errors, the one of the earliest item is returned.
///
/// `sink` runs on whichever worker completes the sequence, under a lock: a worker never
/// waits for another thread to be woken, which would cost a context switch per item.
pub fn for_each_in_order<T, S, R>(
    items: &[T],
    jobs: usize,
    init: impl Fn() -> Result<S> + Sync,
    work: impl Fn(&mut S, &T) -> Result<R> + Sync,
    sink: impl FnMut(R) -> Result<()> + Send,
) -> Result<()>
where
    T: Sync,
    R: Send,
{
    let next = AtomicUsize::new(0);
    let order = Mutex::new(InOrder { waiting: BTreeMap::new(), due: 0, sink, error: None });
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
                    let failed = order.lock().expect("no worker panics holding the lock").take(index, result);
                    if failed {
                        next.store(items.len(), Ordering::Relaxed);
                    }
                }
            });
        }
    });
    match order.into_inner().expect("workers are done").error {
        Some((_, err)) => Err(err),
        None => Ok(()),
    }
}

/// Results waiting for those of earlier items, and where they go.
struct InOrder<R, F> {
    waiting: BTreeMap<usize, R>,
    /// The index the sink takes next.
    due: usize,
    sink: F,
    /// The error of the earliest item that failed, in `work` or in the sink.
    error: Option<(usize, crate::error::Error)>,
}

impl<R, F: FnMut(R) -> Result<()>> InOrder<R, F> {
    /// Takes item `index`'s result and passes on every result now due; whether anything failed.
    fn take(&mut self, index: usize, result: Result<R>) -> bool {
        match result {
            Ok(value) => {
                self.waiting.insert(index, value);
            }
            Err(err) => self.fail(index, err),
        }
        while self.error.as_ref().is_none_or(|(at, _)| self.due < *at) {
            let Some(value) = self.waiting.remove(&self.due) else { break };
            if let Err(err) = (self.sink)(value) {
                self.fail(self.due, err);
            }
            self.due += 1;
        }
        self.error.is_some()
    }

    fn fail(&mut self, index: usize, err: crate::error::Error) {
        if self.error.as_ref().is_none_or(|(at, _)| index < *at) {
            self.error = Some((index, err));
        }
    }
}

/// [`for_each_in_order`] with the results collected, in `items` order.
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
    let mut results = Vec::with_capacity(items.len());
    for_each_in_order(items, jobs, init, work, |result| {
        results.push(result);
        Ok(())
    })?;
    Ok(results)
}

/// [`map_with`] without per-thread state.
pub fn map<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(&T) -> Result<R> + Sync) -> Result<Vec<R>> {
    map_with(items, jobs, || Ok(()), |_, item| work(item))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::fail;

    #[test]
    fn results_keep_input_order_at_any_parallelism() {
        let items: Vec<u32> = (0..500).collect();
        for jobs in [1, 2, 7] {
            assert_eq!(map(&items, jobs, |n| Ok(n * 2)).unwrap(), items.iter().map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_sink_sees_results_in_order_and_its_error_stops_the_run() {
        let items: Vec<u32> = (0..300).collect();
        let mut seen = Vec::new();
        let result = for_each_in_order(
            &items,
            3,
            || Ok(()),
            |_, n| Ok(*n),
            |n| {
                seen.push(n);
                if n == 100 {
                    fail!(Usage, "sink stops at {n}")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "sink stops at 100");
        assert_eq!(seen, (0..=100).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_is_returned() {
        let items: Vec<u32> = (0..100).collect();
        let result = map(&items, 3, |n| if *n == 42 { fail!(Usage, "item {n}") } else { Ok(*n) });
        assert_eq!(result.unwrap_err().to_string(), "item 42");
    }
}
