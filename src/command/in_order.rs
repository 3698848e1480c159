//! CPU work over many articles (reading, detecting, planning, encoding) on the blocking pool,
//! as many at once as the machine has cores, its results handed on in input order: what comes
//! in order (a dry run's table, a batch's request lines and `custom_id`s) stays in order
//! however the threads finish, and at most a few results wait at a time.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::Error;

/// Items worked on at once: the machine's cores.
pub(super) fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Runs `work` on each item on the blocking pool and hands every result to `sink` in the
/// items' order. Must run inside a tokio runtime.
pub(super) async fn in_order<T, R, F>(
    items: impl IntoIterator<Item = T>,
    work: F,
    mut sink: impl FnMut(R) -> Result<(), Error>,
) -> Result<(), Error>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let mut queue = items.into_iter().enumerate();
    let mut running = tokio::task::JoinSet::new();
    let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
    let mut next = 0;
    loop {
        while running.len() < parallelism() {
            let Some((n, item)) = queue.next() else {
                break;
            };
            let work = Arc::clone(&work);
            running.spawn_blocking(move || (n, work(item)));
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let (n, result) = done.map_err(|source| Error::Task {
            what: "article preparation",
            source,
        })?;
        waiting.insert(n, result);
        while let Some(result) = waiting.remove(&next) {
            sink(result)?;
            next += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn results_come_in_input_order_whatever_order_they_finish_in() {
        let mut seen = Vec::new();
        in_order(
            (0..12u64).rev(),
            |n| {
                std::thread::sleep(std::time::Duration::from_millis(n * 3));
                n
            },
            |n| {
                seen.push(n);
                Ok(())
            },
        )
        .await
        .expect("runs");
        assert_eq!(seen, (0..12).rev().collect::<Vec<_>>());
    }
}
