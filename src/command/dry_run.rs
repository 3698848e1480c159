//! `--dry-run`: what a run would send and cost, with nothing sent and no key needed.
//!
//! Every article goes through the same preparation as a run (read, ingest, the cache of whole
//! results, detection) and the same planning and encoding ([`Requester`]); the requests are
//! counted, their tokens estimated ([`crate::plan::expected_tokens`] of the encoded prompt, the
//! answer about as long as the text it translates) and priced at the profile's prices
//! (through the batch API at its share, with `--batch-api`). An article that would fail before
//! anything is sent (unreadable, language undecidable) is reported on its own line. Articles
//! are prepared in parallel on the blocking pool, at most as many at once as the machine has
//! cores, and reported in input order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Outcome;
use super::article::{ArticleRequests, Requester, Task, prepare};
use crate::config::{ProviderSettings, Settings};
use crate::error::Error;
use crate::input::Source;
use crate::report::bulk::{ArticleEstimate, Estimate, Expected};

/// What the dry run is asked about.
pub(super) struct DryRun {
    /// The articles a run would do, in input order.
    pub(super) articles: Vec<Source>,
    /// Articles whose output is already there (`--out-dir`): a run would skip them.
    pub(super) skipped: usize,
    /// Whether the run would go through the provider's batch API.
    pub(super) batch_api: bool,
}

/// Estimates every article and renders the estimate in the task's format.
pub(super) fn run(
    task: Task,
    (main, brief): (ProviderSettings, Option<ProviderSettings>),
    asked: DryRun,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let requester = Arc::new(Requester::new(
        &task,
        (&main, brief.as_ref()),
        asked.batch_api,
    ));
    let task = Arc::new(task);
    let (rows, preparing) = super::runtime()?.block_on(estimate_all(
        &task,
        &requester,
        asked.articles,
        asked.batch_api,
    ))?;
    let mut total = Expected::default();
    for row in &rows {
        total.add(&row.expected);
    }
    if requester.has_prices() && total.cost.is_none() {
        total.cost = Some(0.0);
    }
    let estimate = Estimate {
        provider: main.name.value.clone(),
        model: main.model.value.clone(),
        batch_api: asked.batch_api,
        bills_characters: requester.bills_characters(),
        skipped: asked.skipped as u64,
        articles: rows,
        total,
    };
    let output = super::rendered(|out| crate::render::bulk::estimate(&estimate, task.format, out))?;
    let notes = settings.verbose.then(|| {
        format!(
            "dry run: {} article(s) in {:.2} s; reading, ingesting and detecting took {:.2} s of \
             work on {} thread(s)",
            estimate.articles.len(),
            started.elapsed().as_secs_f64(),
            preparing.as_secs_f64(),
            super::in_order::parallelism()
        )
    });
    Ok(Outcome {
        output,
        notes: notes.into_iter().collect(),
        ..Outcome::default()
    })
}

/// Every article's estimate in input order, and the time spent preparing them (summed over
/// the threads).
async fn estimate_all(
    task: &Arc<Task>,
    requester: &Arc<Requester>,
    articles: Vec<Source>,
    batch_api: bool,
) -> Result<(Vec<ArticleEstimate>, Duration), Error> {
    let mut rows = Vec::with_capacity(articles.len());
    let mut preparing = Duration::ZERO;
    let (task, requester) = (Arc::clone(task), Arc::clone(requester));
    super::in_order::in_order(
        articles,
        move |source| estimate_one(&task, &requester, &source, batch_api),
        |(row, took)| {
            preparing += took;
            rows.push(row);
            Ok(())
        },
    )
    .await?;
    Ok((rows, preparing))
}

/// One article's estimate, and how long preparing it took.
fn estimate_one(
    task: &Task,
    requester: &Requester,
    source: &Source,
    batch_api: bool,
) -> (ArticleEstimate, Duration) {
    let started = Instant::now();
    let prepared = prepare(source, task);
    let took = started.elapsed();
    let mut row = ArticleEstimate {
        article: source.to_string(),
        expected: Expected::default(),
        cached: false,
        error: None,
    };
    let planned = prepared.and_then(|ready| {
        row.cached = ready.is_cached();
        requester.requests(task, &ready)
    });
    match planned {
        Ok(planned) => row.expected = expected(&planned, batch_api, requester.has_prices()),
        Err(error) => row.error = Some(error.to_string()),
    }
    (row, took)
}

/// The counts of one article's requests; through the batch API, what can go there costs its
/// share.
fn expected(planned: &ArticleRequests, batch_api: bool, priced: bool) -> Expected {
    let mut expected = Expected {
        chunks: planned.chunks as u64,
        cost: priced.then_some(0.0),
        ..Expected::default()
    };
    for request in &planned.requests {
        expected.requests += 1;
        expected.input_tokens += request.input_tokens;
        expected.output_tokens += request.output_tokens;
        expected.characters += request.characters;
        if let (Some(cost), Some((sent, batched))) = (&mut expected.cost, request.cost) {
            *cost += if batch_api && request.batchable {
                batched
            } else {
                sent
            };
        }
    }
    for follow_up in &planned.follow_ups {
        expected.requests += 1;
        expected.input_tokens += follow_up.input_tokens;
        expected.output_tokens += follow_up.output_tokens;
        if let (Some(cost), Some(sent)) = (&mut expected.cost, follow_up.cost) {
            *cost += sent;
        }
    }
    expected
}
