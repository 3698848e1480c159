//! The brief through a provider: ask for its source side, hold it to the checks (off the async
//! thread), repair once, translate it as paragraphs are, hold the whole to the checks, and
//! cache what passed.
//!
//! Why two steps: asked for both languages at once, a small model (Qwen2.5-Coder-1.5B on
//! llama.cpp, measured in BENCHMARKS.md) writes English into the German fields or copies the
//! field names; asked for one language it writes a usable brief, and translating that brief
//! is the task it does best. The target side is then a checked translation of the source side
//! by construction.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Pipeline;
use super::exchange::{Encode, Watch};
use crate::brief::{Brief, BriefInput};
use crate::cache::Key;
use crate::error::Error;
use crate::glossary::{Term, terms_in};
use crate::guide::Guide;
use crate::ingest::{Paragraph, ParagraphId};
use crate::plan::Chunk;
use crate::provider::{BriefDecoded, ProviderError, Shape};
use crate::verify::brief::{BriefFailure, BriefVerifyError, Item};

/// The checks a brief is held to: run off the async thread, since they detect languages.
pub type BriefCheck = Arc<dyn Fn(&Brief) -> Vec<BriefFailure> + Send + Sync>;

/// Runs `check` on a brief whose target sides are not written yet and keeps the failures of
/// its source side.
async fn source_check(
    check: &BriefCheck,
    brief: Brief,
) -> Result<(Brief, Vec<BriefFailure>), Error> {
    let (brief, mut failures) = run_check(check, brief).await?;
    failures.retain(|f| !f.concerns_target());
    Ok((brief, failures))
}

/// Puts each translation in its place on the target side ([`Brief::source_texts`]' order).
fn set_targets(brief: &mut Brief, translated: Vec<(usize, String)>) {
    let mut targets = brief.target_texts_mut();
    for (index, text) in translated {
        if let Some(target) = targets.get_mut(index) {
            **target = text;
        }
    }
}

/// Where the text of `item` stands in [`Brief::source_texts`].
fn text_index(brief: &Brief, item: &Item) -> Option<usize> {
    match item {
        Item::Headline => Some(0),
        Item::Point(n) => (1..=brief.points.len()).contains(n).then_some(*n),
        Item::Entity(name) => brief
            .entities
            .iter()
            .position(|e| &e.name == name)
            .map(|i| 1 + brief.points.len() + i),
    }
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
    /// Writes a brief and holds it to `check`: its source side from the model, its target side
    /// translated (see the module docs and [`Pipeline::source_side`]). A brief that still fails
    /// a check after the repairs is [`BriefVerifyError`] (exit 6).
    /// The brief's texts are translated with the entries of the glossary `terms` they have,
    /// as paragraphs are. A verified brief from the cache is used as it is; a new one is
    /// cached.
    pub async fn brief(
        &self,
        input: &BriefInput,
        terms: &[Term],
        check: BriefCheck,
    ) -> Result<Brief, Error> {
        let key = self.cache.as_ref().map(|_| {
            let what = (
                &self.identity,
                input.source_language.as_str(),
                input.target_language.as_str(),
                input.points,
                input
                    .paragraphs
                    .iter()
                    .map(|p| (p.id.0, p.text.as_str()))
                    .collect::<Vec<_>>(),
            );
            // Without a glossary the key is what it was before glossaries existed.
            if terms.is_empty() {
                Key::of("brief", &what)
            } else {
                Key::of("brief", &(what, terms))
            }
        });
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && let Some(brief) = cache.get::<Brief>(key)
        {
            let (brief, failures) = run_check(&check, brief).await?;
            if failures.is_empty() {
                self.meter.cache_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(brief);
            }
        }
        let brief = self.brief_uncached(input, terms, &check).await?;
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            cache.put(key, &brief);
        }
        Ok(brief)
    }

    /// The brief in two steps: the model writes it in the article's language (held to the
    /// checks of that side, repaired once), then its texts are translated as paragraphs are
    /// (the paragraph contract, repaired once), and the whole is held to every check; texts
    /// whose translation fails one are translated once more, on their own.
    async fn brief_uncached(
        &self,
        input: &BriefInput,
        terms: &[Term],
        check: &BriefCheck,
    ) -> Result<Brief, Error> {
        let mut brief = self.source_side(input, check).await?;
        let texts = brief.source_texts().len();
        let translated = self
            .translate_texts((input, terms), &brief, 0..texts)
            .await?;
        set_targets(&mut brief, translated);
        let (mut brief, failures) = run_check(check, brief).await?;
        if failures.is_empty() {
            return Ok(brief);
        }
        if !failures.iter().all(BriefFailure::concerns_target) {
            return Err(BriefVerifyError { failures }.into());
        }
        let again: Vec<usize> = (0..texts)
            .filter(|&index| {
                failures
                    .iter()
                    .any(|f| f.item().and_then(|item| text_index(&brief, item)) == Some(index))
            })
            .collect();
        for _ in &again {
            self.meter.note_repair();
        }
        let translated = self.translate_texts((input, terms), &brief, again).await?;
        set_targets(&mut brief, translated);
        let (brief, failures) = run_check(check, brief).await?;
        if failures.is_empty() {
            Ok(brief)
        } else {
            Err(BriefVerifyError { failures }.into())
        }
    }

    /// The brief's source side, from the model: its target sides are empty. A reply that is
    /// not a brief, or whose source side fails a check, gets one repair request naming what
    /// was wrong; after that, a reply that is still not a brief is
    /// [`ProviderError::BriefContract`] (exit 4) and one that still fails is
    /// [`BriefVerifyError`] (exit 6).
    async fn source_side(&self, input: &BriefInput, check: &BriefCheck) -> Result<Brief, Error> {
        let ask = |shape: &Shape| self.protocol.encode_brief(input, shape);
        let (raw, problems): (String, Vec<String>) = match self.ask_brief(input, &ask).await? {
            BriefDecoded::Complete { brief, raw } => {
                let (brief, failures) = source_check(check, brief).await?;
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
                let (brief, failures) = source_check(check, brief).await?;
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

    /// Translates the source texts of `brief` at `indices` ([`Brief::source_texts`]) in one
    /// request, as paragraphs are (with the entries of the glossary `terms` they have, no
    /// context); gives back each index with its translation.
    async fn translate_texts(
        &self,
        (input, terms): (&BriefInput, &[Term]),
        brief: &Brief,
        indices: impl IntoIterator<Item = usize>,
    ) -> Result<Vec<(usize, String)>, Error> {
        let texts = brief.source_texts();
        let paragraphs: Vec<Paragraph> = indices
            .into_iter()
            .filter_map(|index| {
                Some(Paragraph {
                    id: ParagraphId(u32::try_from(index + 1).ok()?),
                    text: (*texts.get(index)?).to_owned(),
                })
            })
            .collect();
        if paragraphs.is_empty() {
            return Ok(Vec::new());
        }
        let pair = (input.source_language, input.target_language);
        let guide = Guide {
            terms: terms_in(terms, paragraphs.iter().map(|p| p.text.as_str())),
            remote_glossary: self.remote_glossary(pair).await?,
            ..Guide::default()
        };
        let chunk = Chunk {
            source_language: input.source_language,
            target_language: input.target_language,
            paragraphs,
            // A brief's texts are translated whole, whatever `--align` says for the article.
            align: crate::ingest::sentence::Align::Paragraph,
            guide,
        };
        let translated = self.translate_chunk(&chunk).await?;
        Ok(translated
            .into_iter()
            .map(|t| (t.id.0 as usize - 1, t.text))
            .collect())
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
