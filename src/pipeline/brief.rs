//! The brief through a provider: ask, hold the answer to the checks (off the async thread),
//! repair once, and cache what passed.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Pipeline;
use super::exchange::{Encode, Watch};
use crate::brief::{Brief, BriefInput};
use crate::cache::{Key, ProviderIdentity};
use crate::error::Error;
use crate::provider::{BriefDecoded, ProviderError, Shape};
use crate::verify::brief::{BriefFailure, BriefVerifyError};

/// The checks a brief is held to: run off the async thread, since they detect languages.
pub type BriefCheck = Arc<dyn Fn(&Brief) -> Vec<BriefFailure> + Send + Sync>;

/// The cache key of the brief of `input` by `identity`.
pub fn brief_cache_key(identity: &ProviderIdentity, input: &BriefInput) -> Key {
    Key::of(
        "brief",
        &(
            identity,
            input.source_language.as_str(),
            input.target_language.as_str(),
            input.points,
            input
                .paragraphs
                .iter()
                .map(|p| (p.id.0, p.text.as_str()))
                .collect::<Vec<_>>(),
        ),
    )
}

/// Runs `check` on `brief` in the blocking pool, so that CPU work (lingua over every side)
/// does not stall other requests' network I/O; gives the brief back with its failures.
async fn run_check(check: &BriefCheck, brief: Brief) -> Result<(Brief, Vec<BriefFailure>), Error> {
    let check = Arc::clone(check);
    tokio::task::spawn_blocking(move || {
        let failures = check(&brief);
        (brief, failures)
    })
    .await
    .map_err(|source| Error::Task {
        what: "brief check",
        source,
    })
}

impl Pipeline {
    /// Asks for a brief and holds it to `check`. A reply that is not a brief, or that fails a
    /// check, gets one repair request naming what was wrong; after that, a reply that is still
    /// not a brief is [`ProviderError::BriefContract`] (exit 4) and one that still fails a check
    /// is [`BriefVerifyError`] (exit 6).
    /// A verified brief from the cache is used as it is; a new one is cached.
    pub async fn brief(&self, input: &BriefInput, check: BriefCheck) -> Result<Brief, Error> {
        let key = self
            .cache
            .as_ref()
            .map(|_| brief_cache_key(&self.identity, input));
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && let Some(brief) = cache.get::<Brief>(key)
        {
            let (brief, failures) = run_check(&check, brief).await?;
            if failures.is_empty() {
                self.meter.cache_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(brief);
            }
        }
        let brief = self.brief_uncached(input, &check).await?;
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            cache.put(key, &brief);
        }
        Ok(brief)
    }

    async fn brief_uncached(&self, input: &BriefInput, check: &BriefCheck) -> Result<Brief, Error> {
        let ask = |shape: &Shape| self.protocol.encode_brief(input, shape);
        let first = match self.answer(&super::brief_key(input)) {
            Some(reply) => self.decode_brief_answer(input, &reply, &ask).await?,
            None => self.ask_brief(input, &ask).await?,
        };
        let (raw, problems): (String, Vec<String>) = match first {
            BriefDecoded::Complete { brief, raw } => {
                let (brief, failures) = run_check(check, brief).await?;
                if failures.is_empty() {
                    return Ok(brief);
                }
                (raw, failures.iter().map(ToString::to_string).collect())
            }
            BriefDecoded::Broken { raw, problems } => {
                (raw, problems.iter().map(ToString::to_string).collect())
            }
        };
        let repair = |shape: &Shape| {
            self.protocol
                .encode_brief_repair(input, &raw, &problems, shape)
        };
        match self.ask_brief(input, &repair).await? {
            BriefDecoded::Complete { brief, .. } => {
                let (brief, failures) = run_check(check, brief).await?;
                if failures.is_empty() {
                    Ok(brief)
                } else {
                    Err(BriefVerifyError { failures }.into())
                }
            }
            BriefDecoded::Broken { problems, .. } => Err(ProviderError::BriefContract {
                provider: self.provider.clone(),
                problems,
            }
            .into()),
        }
    }

    /// Decodes the batch engine's answer to a brief request; a body that is not the API's
    /// format is asked for again, synchronously.
    async fn decode_brief_answer(
        &self,
        input: &BriefInput,
        reply: &crate::provider::WireReply,
        encode: &Encode<'_>,
    ) -> Result<BriefDecoded, Error> {
        self.add_billed_batch(reply);
        match self.protocol.decode_brief(input, reply) {
            Err(ProviderError::Malformed { .. }) => self.ask_brief(input, encode).await,
            other => Ok(other?),
        }
    }

    /// Sends one brief request and decodes the answer; a body that is not the API's format is
    /// asked for once more, as for a translation.
    async fn ask_brief(
        &self,
        input: &BriefInput,
        encode: &Encode<'_>,
    ) -> Result<BriefDecoded, Error> {
        let bound = crate::provider::contract::brief_output_bound(input) as usize;
        let reply = self.exchange(encode, Watch::new(None, bound)).await?;
        self.add_billed(&reply);
        match self.protocol.decode_brief(input, &reply) {
            Err(ProviderError::Malformed { .. }) => {
                let reply = self.exchange(encode, Watch::new(None, bound)).await?;
                self.add_billed(&reply);
                Ok(self.protocol.decode_brief(input, &reply)?)
            }
            other => Ok(other?),
        }
    }
}
