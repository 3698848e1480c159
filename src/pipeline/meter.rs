//! What a pipeline counts for the report's `usage` and its cost: cache hits, characters,
//! the tokens and characters the API reported, refusals, repairs and batched answers.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::Pipeline;
use crate::provider::WireReply;
use crate::report::Usage;

/// Counts for the report's `usage` that the pipeline sees (the transport counts requests).
#[derive(Debug, Default)]
pub struct Meter {
    pub(super) cache_hits: AtomicU64,
    pub(super) characters_sent: AtomicU64,
    pub(super) characters_received: AtomicU64,
    pub(super) input_tokens: AtomicU64,
    pub(super) output_tokens: AtomicU64,
    pub(super) tokens_reported: AtomicBool,
    pub(super) refusals: AtomicU64,
    pub(super) repairs: AtomicU64,
    pub(super) batched: AtomicU64,
    pub(super) batch_input_tokens: AtomicU64,
    pub(super) batch_output_tokens: AtomicU64,
}

impl Meter {
    /// The endpoint refused a parameter and the request went again in another shape.
    pub(super) fn note_refusal(&self) {
        self.refusals.fetch_add(1, Ordering::Relaxed);
    }

    /// A paragraph went again on its own because a check showed its translation broken.
    pub(super) fn note_repair(&self) {
        self.repairs.fetch_add(1, Ordering::Relaxed);
    }
}

impl Pipeline {
    /// The run's usage so far, with `chunks` planned.
    pub fn usage(&self, chunks: u64) -> Usage {
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        let tokens = self.meter.tokens_reported.load(Ordering::Relaxed).then(|| {
            (
                load(&self.meter.input_tokens),
                load(&self.meter.output_tokens),
            )
        });
        let mut usage = Usage {
            requests: self.transport.stats().requests(),
            retries: self.transport.stats().retries(),
            chunks,
            cache_hits: load(&self.meter.cache_hits),
            characters_sent: load(&self.meter.characters_sent),
            characters_received: load(&self.meter.characters_received),
            input_tokens: tokens.map(|t| t.0),
            output_tokens: tokens.map(|t| t.1),
            billed_characters: self.billed_characters(),
            refusals: load(&self.meter.refusals),
            repairs: load(&self.meter.repairs),
            batched: load(&self.meter.batched),
            cost: None,
        };
        usage.cost = self.prices.and_then(|prices| self.cost(&usage, prices));
        usage
    }

    /// What `usage` cost at `prices`: batched tokens at the batch share. `None` when requests
    /// were answered but no count of tokens or characters came back to price.
    fn cost(&self, usage: &Usage, prices: crate::provider::price::Prices) -> Option<f64> {
        use crate::provider::price::Billed;
        if usage.requests == 0 && usage.batched == 0 {
            return Some(0.0);
        }
        if usage.input_tokens.is_none() && usage.billed_characters.is_none() {
            return None;
        }
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        let batch = Billed {
            input_tokens: load(&self.meter.batch_input_tokens),
            output_tokens: load(&self.meter.batch_output_tokens),
            characters: 0,
        };
        let sent = Billed {
            input_tokens: usage
                .input_tokens
                .unwrap_or(0)
                .saturating_sub(batch.input_tokens),
            output_tokens: usage
                .output_tokens
                .unwrap_or(0)
                .saturating_sub(batch.output_tokens),
            characters: usage.billed_characters.unwrap_or(0),
        };
        Some(prices.cost(sent) + prices.batch_cost(batch))
    }

    /// The characters billed over the run, when the API reported them for every request.
    pub fn billed_characters(&self) -> Option<u64> {
        *self
            .billed_characters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts the tokens and characters an API reported for `reply`.
    pub(super) fn add_billed(&self, reply: &WireReply) {
        if let Some((input, output)) = self.protocol.reported_tokens(reply) {
            self.meter.tokens_reported.store(true, Ordering::Relaxed);
            self.meter.input_tokens.fetch_add(input, Ordering::Relaxed);
            self.meter
                .output_tokens
                .fetch_add(output, Ordering::Relaxed);
        }
        if let Some(n) = self.protocol.billed_characters(reply) {
            let mut billed = self
                .billed_characters
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *billed = Some(billed.unwrap_or(0) + n);
        }
    }

    /// Counts an answer the batch engine gave: its tokens are billed at the batch share.
    pub(super) fn add_billed_batch(&self, reply: &WireReply) {
        self.meter.batched.fetch_add(1, Ordering::Relaxed);
        self.add_billed(reply);
        if let Some((input, output)) = self.protocol.reported_tokens(reply) {
            let meter = &self.meter;
            meter.batch_input_tokens.fetch_add(input, Ordering::Relaxed);
            meter
                .batch_output_tokens
                .fetch_add(output, Ordering::Relaxed);
        }
    }
}
