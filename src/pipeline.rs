//! Pipeline: the async orchestration of chunks → provider → verified translations.
//!
//! Sends chunks concurrently (the transport bounds how many at once), holds every reply to the
//! paragraph contract, repairs a broken reply once and then falls back to smaller requests,
//! and hands back translations in paragraph order. Owns no wire format (that is the
//! protocol's) and no HTTP details (the transport's).

use std::sync::Arc;

use tokio::task::JoinSet;

use crate::brief::{Brief, BriefDecoded, BriefInput};
use crate::error::Error;
use crate::plan::Chunk;
use crate::provider::openai::error_detail;
use crate::provider::transport::Transport;
use crate::provider::{Decoded, Protocol, ProviderError, Translated, WireReply, WireRequest};
use crate::secret::Secret;
use crate::verify::brief::{BriefFailure, BriefVerifyError};

/// Everything one run needs to talk to its provider.
pub struct Pipeline {
    /// Profile name, for messages.
    pub provider: String,
    /// The wire protocol.
    pub protocol: Arc<dyn Protocol>,
    /// The shared HTTP client.
    pub transport: Transport,
    /// The key in use, scrubbed from any error text an API sends back.
    pub api_key: Option<Secret>,
}

impl Pipeline {
    /// Translates all chunks, concurrently, and returns every translation sorted by id.
    pub async fn translate(self: Arc<Self>, chunks: Vec<Chunk>) -> Result<Vec<Translated>, Error> {
        let mut tasks = JoinSet::new();
        for chunk in chunks {
            let pipeline = Arc::clone(&self);
            tasks.spawn(async move { pipeline.translate_chunk(&chunk).await });
        }
        let mut translated = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(result) => translated.extend(result?),
                Err(e) => {
                    return Err(Error::Io {
                        what: "finish a translation task".to_owned(),
                        source: std::io::Error::other(e.to_string()),
                    });
                }
            }
        }
        translated.sort_by_key(|t| t.id);
        Ok(translated)
    }

    /// One chunk: ask; on a broken reply, repair once; if still broken, split in halves and
    /// translate each (recursively); a single paragraph that stays broken is an error.
    async fn translate_chunk(&self, chunk: &Chunk) -> Result<Vec<Translated>, Error> {
        let first = self
            .ask(chunk, &self.protocol.encode_translation(chunk)?)
            .await?;
        let (raw, problems) = match first {
            Decoded::Complete(done) => return Ok(done),
            Decoded::Broken { raw, problems } => (raw, problems),
        };
        let repair = self.protocol.encode_repair(chunk, &raw, &problems)?;
        let problems = match self.ask(chunk, &repair).await? {
            Decoded::Complete(done) => return Ok(done),
            Decoded::Broken { problems, .. } => problems,
        };
        let Some((left, right)) = chunk.halves() else {
            return Err(ProviderError::Contract {
                provider: self.provider.clone(),
                ids: chunk.ids(),
                problems,
            }
            .into());
        };
        let mut done = Box::pin(self.translate_chunk(&left)).await?;
        done.extend(Box::pin(self.translate_chunk(&right)).await?);
        Ok(done)
    }

    /// Sends one request and decodes the answer. A body that is not the API's format is asked
    /// for once more: it is usually a connection cut short, not a model's choice.
    async fn ask(&self, chunk: &Chunk, request: &WireRequest) -> Result<Decoded, Error> {
        let reply = self.exchange(request).await?;
        match self.protocol.decode_translation(chunk, &reply) {
            Err(ProviderError::Malformed { .. }) => {
                let reply = self.exchange(request).await?;
                Ok(self.protocol.decode_translation(chunk, &reply)?)
            }
            other => Ok(other?),
        }
    }

    /// Asks for a brief and holds it to `check`. A reply that is not a brief, or that fails a
    /// check, gets one repair request naming what was wrong; after that, a reply that is still
    /// not a brief is [`ProviderError::BriefContract`] (exit 4) and one that still fails a check
    /// is [`BriefVerifyError`] (exit 6).
    pub async fn brief(
        &self,
        input: &BriefInput,
        check: impl Fn(&Brief) -> Vec<BriefFailure>,
    ) -> Result<Brief, Error> {
        let request = self.protocol.encode_brief(input)?;
        let (raw, problems): (String, Vec<String>) = match self.ask_brief(input, &request).await? {
            BriefDecoded::Complete { brief, raw } => {
                let failures = check(&brief);
                if failures.is_empty() {
                    return Ok(brief);
                }
                (raw, failures.iter().map(ToString::to_string).collect())
            }
            BriefDecoded::Broken { raw, problems } => {
                (raw, problems.iter().map(ToString::to_string).collect())
            }
        };
        let repair = self.protocol.encode_brief_repair(input, &raw, &problems)?;
        match self.ask_brief(input, &repair).await? {
            BriefDecoded::Complete { brief, .. } => {
                let failures = check(&brief);
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

    /// Sends one brief request and decodes the answer; a body that is not the API's format is
    /// asked for once more, as in [`Pipeline::translate`].
    async fn ask_brief(
        &self,
        input: &BriefInput,
        request: &WireRequest,
    ) -> Result<BriefDecoded, Error> {
        let reply = self.exchange(request).await?;
        match self.protocol.decode_brief(input, &reply) {
            Err(ProviderError::Malformed { .. }) => {
                let reply = self.exchange(request).await?;
                Ok(self.protocol.decode_brief(input, &reply)?)
            }
            other => Ok(other?),
        }
    }

    async fn exchange(&self, request: &WireRequest) -> Result<WireReply, Error> {
        let reply = self.transport.send(request).await?;
        if (200..300).contains(&reply.status) {
            return Ok(reply);
        }
        Err(ProviderError::Refused {
            provider: self.provider.clone(),
            status: reply.status,
            detail: error_detail(&reply.body).map(|d| self.scrub(&d)),
        }
        .into())
    }

    /// API error text is shown to the user: cut it to one short line and remove our key.
    fn scrub(&self, detail: &str) -> String {
        let mut text: String = detail.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(key) = &self.api_key
            && !key.expose().is_empty()
        {
            text = text.replace(key.expose(), "(redacted)");
        }
        if text.chars().count() > 200 {
            text = text.chars().take(200).collect::<String>() + "…";
        }
        text
    }
}
