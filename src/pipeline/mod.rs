//! Pipeline: the async orchestration of chunks → provider → verified translations.
//!
//! Sends chunks concurrently (the transport bounds how many at once), holds every reply to the
//! paragraph contract, repairs a broken reply once and then falls back to smaller requests,
//! and hands back translations in paragraph order. A reply cut off at the model's length limit
//! is not repaired (it would be cut off again): the chunk is halved, and a single paragraph is
//! split at sentence boundaries, its parts sent as separate items and their translations
//! joined again with the target script's sentence separator (a space, none in Chinese and
//! Japanese). A paragraph larger than the budget is sent the same way. Aligned by sentence
//! (`--align sentence`, [`sentences`]), chunks go out sentence by sentence, and a single
//! paragraph whose reply stays broken goes out as its sentences, each an item of its own.
//! Verified chunk results and briefs go into the cache, and chunks found there are not sent.
//! Once an endpoint has broken the contract in a run, larger chunks go out in halves from the
//! start: a small model that lost track of one long request tends to lose track of the next.
//! Owns no wire format (that is the protocol's) and no HTTP details (the transport's); one
//! exchange, with the request's shape adapting to the endpoint and its answer watched as it
//! streams in, is in [`exchange`]; the brief's flow in [`brief`].

mod answers;
mod brief;
mod exchange;
mod glossary;
mod live;
mod meter;
mod sentences;

pub use answers::{Answers, brief_key, chunk_key};
pub use brief::{BriefCheck, brief_cache_key};
pub use exchange::EndpointShape;
pub use glossary::RemoteGlossaries;
pub use live::{Live, LiveSink};
pub use meter::Meter;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::cache::{Cache, Key, ProviderIdentity};
use crate::error::Error;
use crate::ingest::sentence::Align;
use crate::ingest::{Paragraph, ParagraphId};
use crate::language::LanguageCode;
use crate::plan::{Budget, Chunk};
use crate::provider::transport::Transport;
use crate::provider::{
    ContractProblem, Decoded, Protocol, ProviderError, Shape, Translated, WireReply,
};
use crate::secret::Secret;
use exchange::{Encode, Watch};

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
    /// The request budget, for splitting a paragraph that does not fit.
    pub budget: Budget,
    /// The on-disk cache, unless disabled.
    pub cache: Option<Cache>,
    /// What the cache keys name as the producer of results.
    pub identity: ProviderIdentity,
    /// What was sent and received, beyond the transport's counts.
    pub meter: Meter,
    /// The shape of this endpoint's requests, shared by the run's pipelines.
    pub shape: Arc<EndpointShape>,
    /// Where the text of a streamed answer goes as it arrives (the progress display).
    pub live: Option<LiveSink>,
    /// Set once a reply broke the paragraph contract: larger chunks then go out in halves.
    pub broke_contract: AtomicBool,
    /// Whether translations are aligned by paragraph or by sentence (`--align`): every chunk
    /// this pipeline sends is aligned so.
    pub align: Align,
    /// Answers the provider's batch engine gave, taken in place of a first request.
    pub answers: Option<Arc<Answers>>,
    /// What the provider charges, for the usage's cost.
    pub prices: Option<crate::provider::price::Prices>,
    /// The run's glossaries and the provider's copies of them, for a protocol that keeps
    /// glossaries (DeepL); shared by the run's pipelines.
    pub remote_glossaries: Option<Arc<RemoteGlossaries>>,
    /// What the run left out and the user should hear of (a brief's points that failed).
    pub notes: std::sync::Mutex<Vec<String>>,
}

/// Paragraphs a chunk may hold before it goes out in halves once the endpoint has broken the
/// contract in this run.
const SMALL_CHUNK: usize = 4;

/// The cache identity of one chunk: who translates, the direction, the ids and texts, and
/// the glossary entries and context the request carries (they change the translation).
#[derive(serde::Serialize)]
struct ChunkIdentity<'a> {
    provider: &'a ProviderIdentity,
    source: &'a str,
    target: &'a str,
    paragraphs: Vec<(u32, &'a str)>,
    #[serde(skip_serializing_if = "is_plain")]
    guide: &'a crate::guide::Guide,
}

/// Whether a chunk goes out without glossary entries or context: its key stays what it was
/// before guides existed, so older cache entries still serve.
fn is_plain(guide: &&crate::guide::Guide) -> bool {
    guide.terms.is_empty() && guide.context.is_empty() && guide.reminders.is_empty()
}

/// A cached chunk result: one translation per id.
type CachedChunk = Vec<(u32, String)>;

/// The cache key of `chunk`'s translations by `identity`.
pub fn chunk_cache_key(identity: &ProviderIdentity, chunk: &Chunk) -> Key {
    Key::of(
        sentences::cache_kind(chunk.align),
        &ChunkIdentity {
            provider: identity,
            source: chunk.source_language.as_str(),
            target: chunk.target_language.as_str(),
            paragraphs: chunk
                .paragraphs
                .iter()
                .map(|p| (p.id.0, p.text.as_str()))
                .collect(),
            guide: &chunk.guide,
        },
    )
}

/// The translations of `chunk` cached under `key`, if the entry holds exactly its ids (and,
/// aligned by sentence, sentence pairs that still cover them).
pub fn cached_translations(cache: &Cache, key: &Key, chunk: &Chunk) -> Option<Vec<Translated>> {
    if chunk.align == Align::Sentence {
        return sentences::cached(cache, chunk, key);
    }
    let cached: CachedChunk = cache.get(key)?;
    let ids: Vec<u32> = cached.iter().map(|(id, _)| *id).collect();
    let wanted: Vec<u32> = chunk.paragraphs.iter().map(|p| p.id.0).collect();
    (ids == wanted).then(|| {
        cached
            .into_iter()
            .map(|(id, text)| Translated::new(ParagraphId(id), text))
            .collect()
    })
}

fn chars(text: &str) -> u64 {
    text.chars().count() as u64
}

impl Pipeline {
    /// Translates all chunks, concurrently, and hands each chunk's translations to `done` the
    /// moment the chunk has passed the contract, in the order chunks finish (cached chunks
    /// first). The caller puts them in paragraph order ([`crate::verify::InOrder`]); a closed
    /// receiver only means nobody is listening any more. Chunks found in the cache are not
    /// sent; the others are cached once they pass. The caller finishes the progress bar: it
    /// may send more chunks after these.
    pub async fn translate(
        self: Arc<Self>,
        chunks: Vec<Chunk>,
        done: mpsc::UnboundedSender<Vec<Translated>>,
    ) -> Result<(), Error> {
        let mut to_send = Vec::new();
        for mut chunk in chunks {
            chunk.align = self.align;
            let key = self.chunk_key(&chunk);
            match key.as_ref().and_then(|key| self.cached_chunk(&chunk, key)) {
                Some(cached) => {
                    self.meter.cache_hits.fetch_add(1, Ordering::Relaxed);
                    self.progress.inc(1);
                    let _ = done.send(cached);
                }
                None => to_send.push((chunk, key)),
            }
        }
        if let Some((first, _)) = to_send.first() {
            self.preflight(first).await?;
            let pair = (first.source_language, first.target_language);
            let remote = self.remote_glossary(pair).await?;
            for (chunk, _) in &mut to_send {
                chunk.guide.remote_glossary.clone_from(&remote);
            }
        }
        let mut tasks: JoinSet<Result<Vec<Translated>, Error>> = JoinSet::new();
        for (chunk, key) in to_send {
            let pipeline = Arc::clone(&self);
            tasks.spawn(async move {
                let translated = pipeline.translate_chunk(&chunk).await?;
                if let (Some(cache), Some(key)) = (&pipeline.cache, key) {
                    if chunk.align == Align::Sentence {
                        sentences::store(cache, &key, &translated);
                    } else {
                        let value: CachedChunk = translated
                            .iter()
                            .map(|t| (t.id.0, t.text.clone()))
                            .collect();
                        cache.put(&key, &value);
                    }
                }
                pipeline.progress.inc(1);
                Ok(translated)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let translated = joined.map_err(|source| Error::Task {
                what: "translation",
                source,
            })??;
            let _ = done.send(translated);
        }
        Ok(())
    }

    /// Translates `paragraph` again, on its own, because a check showed its first translation
    /// broken (counted in `usage.repairs`), with `guide` (its glossary entries and context,
    /// and the entries the first translation missed as reminders). The caller keeps whichever
    /// version passes more checks.
    pub async fn retranslate(
        &self,
        paragraph: &Paragraph,
        (source_language, target_language): (LanguageCode, LanguageCode),
        guide: crate::guide::Guide,
    ) -> Result<Translated, Error> {
        self.meter.note_repair();
        let mut guide = guide;
        guide.remote_glossary = self
            .remote_glossary((source_language, target_language))
            .await?;
        let chunk = Chunk {
            source_language,
            target_language,
            paragraphs: vec![paragraph.clone()],
            align: self.align,
            guide,
        };
        let mut done = self.translate_chunk(&chunk).await?;
        done.pop().ok_or_else(|| {
            ProviderError::Contract {
                provider: self.provider.clone(),
                ids: vec![paragraph.id],
                problems: vec![ContractProblem::Missing(paragraph.id)],
            }
            .into()
        })
    }

    fn chunk_key(&self, chunk: &Chunk) -> Option<Key> {
        self.cache.as_ref()?;
        Some(chunk_cache_key(&self.identity, chunk))
    }

    /// The cached translations of `chunk`, if an entry holds exactly its ids.
    fn cached_chunk(&self, chunk: &Chunk, key: &Key) -> Option<Vec<Translated>> {
        cached_translations(self.cache.as_ref()?, key, chunk)
    }

    /// Warnings: what the run left out, then the cache's (unreadable entries, failed writes).
    pub fn take_warnings(&self) -> Vec<String> {
        let mut warnings = self
            .notes
            .lock()
            .map(|mut notes| std::mem::take(&mut *notes))
            .unwrap_or_default();
        if let Some(cache) = &self.cache {
            warnings.extend(cache.take_warnings());
        }
        warnings
    }

    /// The protocol's check before the article is sent (LibreTranslate's language pairs).
    async fn preflight(&self, chunk: &Chunk) -> Result<(), Error> {
        let Some(request) = self.protocol.encode_preflight() else {
            return Ok(());
        };
        let reply = self
            .exchange(&|_| Ok(request.clone()), Watch::default())
            .await?;
        self.protocol
            .check_preflight(chunk.source_language, chunk.target_language, &reply)?;
        Ok(())
    }

    /// One chunk: ask; on a broken reply, repair once; if still broken, split in halves and
    /// translate each (recursively); a single paragraph that stays broken is an error. A reply
    /// cut off at the length limit skips the repair, and a single paragraph then goes out in
    /// sentence parts. A single paragraph over the budget goes out in parts from the start.
    /// Aligned by sentence, a single paragraph that stays broken (or is over the budget) goes
    /// out as its sentences, each an item of its own, which aligns by construction.
    async fn translate_chunk(&self, chunk: &Chunk) -> Result<Vec<Translated>, Error> {
        let encode = |shape: &Shape| self.protocol.encode_translation(chunk, shape);
        if let Some(reply) = self.answer(&chunk_key(chunk)) {
            let first = self.decode_answer(chunk, &reply, &encode).await?;
            return self.after_first(chunk, first).await;
        }
        if let [paragraph] = chunk.paragraphs.as_slice()
            && !self.budget.fits(&paragraph.text)
        {
            if chunk.align == Align::Sentence {
                return Ok(vec![self.translate_sentence_items(chunk, paragraph).await?]);
            }
            if let Some(done) = self.translate_parts(chunk, paragraph, &self.budget).await? {
                return Ok(vec![done]);
            }
        }
        if chunk.paragraphs.len() > SMALL_CHUNK && self.broke_contract.load(Ordering::Relaxed) {
            return self.translate_smaller(chunk, Vec::new()).await;
        }
        let first = self.ask(chunk, &encode).await?;
        self.after_first(chunk, first).await
    }

    /// A chunk after its first answer: done when complete; else repaired once, then halved
    /// (a reply cut off at the length limit is halved at once).
    async fn after_first(&self, chunk: &Chunk, first: Decoded) -> Result<Vec<Translated>, Error> {
        let (raw, problems) = match first {
            Decoded::Complete(done) => return Ok(done),
            Decoded::Broken { raw, problems } => (raw, problems),
        };
        if problems.contains(&ContractProblem::Truncated) {
            return self.translate_smaller(chunk, problems).await;
        }
        self.broke_contract.store(true, Ordering::Relaxed);
        // A model that cannot keep to the numbered paragraphs gets the JSON forms from now on.
        let shape = self.shape.current();
        if let Some(json) = shape.without_numbered() {
            self.shape.step(shape, json);
        }
        let repair = |shape: &Shape| self.protocol.encode_repair(chunk, &raw, &problems, shape);
        let problems = match self.ask(chunk, &repair).await? {
            Decoded::Complete(done) => return Ok(done),
            Decoded::Broken { problems, .. } => problems,
        };
        self.translate_smaller(chunk, problems).await
    }

    /// Translates `chunk` in two halves; a single paragraph cut off at the length limit in two
    /// halves of its sentences. Fails when nothing is left to split.
    async fn translate_smaller(
        &self,
        chunk: &Chunk,
        problems: Vec<ContractProblem>,
    ) -> Result<Vec<Translated>, Error> {
        if let Some((left, right)) = chunk.halves() {
            let mut done = Box::pin(self.translate_chunk(&left)).await?;
            done.extend(Box::pin(self.translate_chunk(&right)).await?);
            return Ok(done);
        }
        if chunk.align == Align::Sentence
            && let [paragraph] = chunk.paragraphs.as_slice()
        {
            let done = Box::pin(self.translate_sentence_items(chunk, paragraph)).await?;
            return Ok(vec![done]);
        }
        let truncated = problems.contains(&ContractProblem::Truncated);
        if truncated && let [paragraph] = chunk.paragraphs.as_slice() {
            let half = Budget {
                max_chars: paragraph.text.chars().count().div_ceil(2).max(1),
                max_tokens: None,
                ..self.budget
            };
            if let Some(done) = Box::pin(self.translate_parts(chunk, paragraph, &half)).await? {
                return Ok(vec![done]);
            }
            return Err(ProviderError::OutputLimit {
                provider: self.provider.clone(),
                id: paragraph.id,
            }
            .into());
        }
        Err(ProviderError::Contract {
            provider: self.provider.clone(),
            ids: chunk.ids(),
            problems,
        }
        .into())
    }

    /// Sends `paragraph` as sentence parts grouped within `budget`, each an item of its own
    /// (ids 1, 2, … in the request), and joins their translations with the target language's
    /// sentence separator into the paragraph's translation. `None` when the paragraph has only
    /// one sentence.
    async fn translate_parts(
        &self,
        chunk: &Chunk,
        paragraph: &Paragraph,
        budget: &Budget,
    ) -> Result<Option<Translated>, Error> {
        let sentences = crate::ingest::sentence::sentences(&paragraph.text);
        let parts = crate::plan::group_parts(&sentences, budget);
        if parts.len() < 2 {
            return Ok(None);
        }
        let items: Vec<Paragraph> = parts
            .into_iter()
            .zip(1..)
            .map(|(text, n)| Paragraph {
                id: ParagraphId(n),
                text,
            })
            .collect();
        let mut texts = Vec::new();
        for mut sub in crate::plan::plan(
            &items,
            chunk.source_language,
            chunk.target_language,
            budget,
            1,
        ) {
            sub.guide = chunk
                .guide
                .narrowed_to(sub.paragraphs.iter().map(|p| p.text.as_str()));
            let done = Box::pin(self.translate_chunk(&sub)).await?;
            texts.extend(done.into_iter().map(|t| t.text));
        }
        Ok(Some(Translated::new(
            paragraph.id,
            texts.join(chunk.target_language.sentence_separator()),
        )))
    }

    /// The batch engine's answer to a request keyed `key`, if one is waiting.
    fn answer(&self, key: &Key) -> Option<WireReply> {
        self.answers.as_ref()?.take(key)
    }

    /// Decodes the batch engine's answer for `chunk` as [`Pipeline::ask`] decodes a reply; a
    /// body that is not the API's format is asked for again, synchronously.
    async fn decode_answer(
        &self,
        chunk: &Chunk,
        reply: &WireReply,
        encode: &Encode<'_>,
    ) -> Result<Decoded, Error> {
        self.add_billed_batch(reply);
        let decoded = match self.protocol.decode_translation(chunk, reply) {
            Err(ProviderError::Malformed { .. }) => return self.ask(chunk, encode).await,
            other => other?,
        };
        let sent: u64 = chunk.paragraphs.iter().map(|p| chars(&p.text)).sum();
        self.meter
            .characters_sent
            .fetch_add(sent, Ordering::Relaxed);
        self.count_received(&decoded);
        Ok(decoded)
    }

    fn count_received(&self, decoded: &Decoded) {
        if let Decoded::Complete(done) = decoded {
            let received: u64 = done.iter().map(|t| chars(&t.text)).sum();
            self.meter
                .characters_received
                .fetch_add(received, Ordering::Relaxed);
        }
    }

    /// Sends one request and decodes the answer. A body that is not the API's format is asked
    /// for once more: it is usually a connection cut short, not a model's choice.
    async fn ask(&self, chunk: &Chunk, encode: &Encode<'_>) -> Result<Decoded, Error> {
        let sent: u64 = chunk.paragraphs.iter().map(|p| chars(&p.text)).sum();
        self.meter
            .characters_sent
            .fetch_add(sent, Ordering::Relaxed);
        let source: String = chunk.paragraphs.iter().map(|p| p.text.as_str()).collect();
        let bound = crate::provider::contract::output_bound(chunk) as usize;
        let first = chunk.paragraphs.first().map(|p| p.id);
        let watch = Watch::new(Some(source), bound).for_chunk(first);
        let reply = self.exchange(encode, watch.clone()).await?;
        self.add_billed(&reply);
        let decoded = match self.protocol.decode_translation(chunk, &reply) {
            Err(ProviderError::Malformed { .. }) => {
                let reply = self.exchange(encode, watch).await?;
                self.add_billed(&reply);
                self.protocol.decode_translation(chunk, &reply)?
            }
            other => other?,
        };
        self.count_received(&decoded);
        Ok(decoded)
    }
}
