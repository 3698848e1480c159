//! Pipeline: the async orchestration of chunks → provider → verified translations.
//!
//! Sends chunks concurrently (the transport bounds how many at once), holds every reply to the
//! paragraph contract, repairs a broken reply once and then falls back to smaller requests,
//! and hands back translations in paragraph order. Owns no wire format (that is the
//! protocol's) and no HTTP details (the transport's).

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinSet;

use crate::brief::{Brief, BriefDecoded, BriefInput};
use crate::error::Error;
use crate::plan::Chunk;
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
    /// Progress on stderr (hidden when stderr is not a terminal).
    pub progress: ProgressBar,
    /// The variable the key is read from, named when the API rejects the key.
    pub key_var: String,
    /// Characters the API billed so far, when it reports them (DeepL).
    pub billed_characters: std::sync::Mutex<Option<u64>>,
}

/// A progress bar on stderr for `chunks` requests, or a hidden one. Local models can take
/// minutes per request: the user sees that diglot is waiting, not hanging.
pub fn progress_bar(visible: bool, chunks: usize, what: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(chunks as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {msg} {pos}/{len} requests, {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

impl Pipeline {
    /// Translates all chunks, concurrently, and returns every translation sorted by id.
    pub async fn translate(self: Arc<Self>, chunks: Vec<Chunk>) -> Result<Vec<Translated>, Error> {
        if let Some(first) = chunks.first() {
            self.preflight(first).await?;
        }
        let mut tasks = JoinSet::new();
        for chunk in chunks {
            let pipeline = Arc::clone(&self);
            tasks.spawn(async move { pipeline.translate_chunk(&chunk).await });
        }
        let mut translated = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            self.progress.inc(1);
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
        self.progress.finish_and_clear();
        translated.sort_by_key(|t| t.id);
        Ok(translated)
    }

    /// The protocol's check before the article is sent (LibreTranslate's language pairs).
    async fn preflight(&self, chunk: &Chunk) -> Result<(), Error> {
        let Some(request) = self.protocol.encode_preflight() else {
            return Ok(());
        };
        let reply = self.exchange(&request).await?;
        self.protocol
            .check_preflight(chunk.source_language, chunk.target_language, &reply)?;
        Ok(())
    }

    /// The characters billed over the run, when the API reported them for every request.
    pub fn billed_characters(&self) -> Option<u64> {
        *self
            .billed_characters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn add_billed(&self, reply: &WireReply) {
        if let Some(n) = self.protocol.billed_characters(reply) {
            let mut billed = self
                .billed_characters
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *billed = Some(billed.unwrap_or(0) + n);
        }
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
        self.add_billed(&reply);
        match self.protocol.decode_translation(chunk, &reply) {
            Err(ProviderError::Malformed { .. }) => {
                let reply = self.exchange(request).await?;
                self.add_billed(&reply);
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
        let provider = self.provider.clone();
        let status = reply.status;
        let detail = self
            .protocol
            .error_detail(&reply.body)
            .map(|d| self.scrub(&d));
        Err(match status {
            401 | 403 => ProviderError::AuthRejected {
                provider,
                status,
                key_var: self.key_var.clone(),
                detail,
            },
            456 => ProviderError::QuotaExceeded {
                provider,
                status,
                detail,
            },
            _ => ProviderError::Refused {
                provider,
                status,
                detail,
            },
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
