//! The brief through a provider: ask for its source side, hold it to the checks (off the async
//! thread), repair once, translate it as paragraphs are, hold the whole to the checks, and
//! cache what passed.
//!
//! Why two steps: asked for both languages at once, a small model (Qwen2.5-Coder-1.5B on
//! llama.cpp, measured in BENCHMARKS.md) writes English into the German fields or copies the
//! field names; asked for one language it writes a usable brief, and translating that brief
//! is the task it does best. The target side is then a checked translation of the source side
//! by construction.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Pipeline;
use super::exchange::{Encode, Watch};
use crate::brief::{Brief, BriefInput, MIN_POINTS};
use crate::cache::{Key, ProviderIdentity};
use crate::error::Error;
use crate::glossary::{Term, terms_in};
use crate::guide::Guide;
use crate::ingest::{Paragraph, ParagraphId};
use crate::plan::Chunk;
use crate::provider::{BriefDecoded, ProviderError, Shape};
use crate::verify::brief::{BriefFailure, BriefVerifyError, Item};

/// The checks a brief is held to: run off the async thread, since they detect languages.
pub type BriefCheck = Arc<dyn Fn(&Brief) -> Vec<BriefFailure> + Send + Sync>;

/// The cache key of the brief of `input` by `identity`, its texts translated with the
/// glossary `terms`.
pub fn brief_cache_key(identity: &ProviderIdentity, input: &BriefInput, terms: &[Term]) -> Key {
    let what = (
        identity,
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
}

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

/// `brief` without the points and entities that `failures` are about, when every failure is
/// about one of them and at least `fewest` points (one at the least) remain; with a line for
/// each failure that took an item out. A failing headline, or too few points left, is `None`.
fn without_failing(
    brief: &Brief,
    failures: &[BriefFailure],
    fewest: usize,
) -> Option<(Brief, Vec<String>)> {
    let mut points = BTreeSet::new();
    let mut entities = BTreeSet::new();
    for failure in failures {
        match failure.item()? {
            Item::Headline => return None,
            Item::Point(n) => points.insert(*n),
            Item::Entity(name) => entities.insert(name.as_str()),
        };
    }
    if brief.points.len().saturating_sub(points.len()) < fewest.max(1) {
        return None;
    }
    let mut smaller = brief.clone();
    smaller.points = (1..)
        .zip(&brief.points)
        .filter(|(n, _)| !points.contains(n))
        .map(|(_, point)| point.clone())
        .collect();
    smaller
        .entities
        .retain(|entity| !entities.contains(entity.name.as_str()));
    let lines = failures
        .iter()
        .map(|failure| {
            let item = failure.item().map(ToString::to_string).unwrap_or_default();
            format!("the brief leaves out {item}, which still failed a check after its repair: {failure}")
        })
        .collect();
    Some((smaller, lines))
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
        let key = self
            .cache
            .as_ref()
            .map(|_| brief_cache_key(&self.identity, input, terms));
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && let Some(brief) = cache.get::<Brief>(key)
        {
            let (brief, failures) = run_check(&check, brief).await?;
            if failures.is_empty() {
                self.meter.cache_hits.fetch_add(1, Ordering::Relaxed);
                if let Some(warning) = brief.fewer_points_from_cache(input.points)
                    && let Ok(mut notes) = self.notes.lock()
                {
                    notes.push(warning);
                }
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
            self.salvage((input, check, false), brief, failures).await
        }
    }

    /// What is left of `brief` when it still fails `failures` after its repair: without the
    /// points and entities that failed, if the brief keeps the points asked for or at least
    /// [`MIN_POINTS`] and then passes `check` (only its source side's checks with
    /// `source_only`). The items left out are noted as warnings; anything else is
    /// [`BriefVerifyError`] (exit 6).
    async fn salvage(
        &self,
        (input, check, source_only): (&BriefInput, &BriefCheck, bool),
        brief: Brief,
        failures: Vec<BriefFailure>,
    ) -> Result<Brief, Error> {
        let fewest = usize::from(input.points.min(MIN_POINTS));
        let Some((smaller, lines)) = without_failing(&brief, &failures, fewest) else {
            return Err(BriefVerifyError { failures }.into());
        };
        let (smaller, left) = if source_only {
            source_check(check, smaller).await?
        } else {
            run_check(check, smaller).await?
        };
        if !left.is_empty() {
            return Err(BriefVerifyError { failures }.into());
        }
        if let Ok(mut notes) = self.notes.lock() {
            notes.extend(lines);
        }
        Ok(smaller)
    }

    /// The brief's source side, from the model: its target sides are empty. A reply that is
    /// not a brief, or whose source side fails a check, gets one repair request naming what
    /// was wrong; after that, a reply that is still not a brief is
    /// [`ProviderError::BriefContract`] (exit 4) and one that still fails is
    /// [`BriefVerifyError`] (exit 6).
    async fn source_side(&self, input: &BriefInput, check: &BriefCheck) -> Result<Brief, Error> {
        let ask = |shape: &Shape| self.protocol.encode_brief(input, shape);
        let first = match self.answer(&super::brief_key(input)) {
            Some(reply) => self.decode_brief_answer(input, &reply, &ask).await?,
            None => self.ask_brief(input, &ask).await?,
        };
        let (raw, problems): (String, Vec<String>) = match first {
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
                    self.salvage((input, check, true), brief, failures).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::{Bilingual, BriefEntity, BriefPoint};
    use crate::verify::brief::Side;

    fn brief(points: usize) -> Brief {
        let text = |s: &str| Bilingual {
            source: s.to_owned(),
            target: s.to_owned(),
        };
        Brief {
            headline: text("Schlagzeile"),
            points: (1..=points)
                .map(|n| BriefPoint {
                    source: format!("Punkt {n}"),
                    target: format!("Point {n}"),
                    paragraphs: vec![ParagraphId(1)],
                })
                .collect(),
            entities: vec![BriefEntity {
                name: "Mark Rutte".to_owned(),
                role: text("Generalsekretär"),
                paragraphs: vec![ParagraphId(1)],
            }],
        }
    }

    fn repeats(n: usize) -> BriefFailure {
        BriefFailure::Duplicate {
            item: Item::Point(n),
            first: Item::Point(1),
            side: Side::Source,
        }
    }

    #[test]
    fn failing_points_and_entities_are_left_out_while_enough_points_remain() {
        let uncited = BriefFailure::EntityNotNamed {
            item: Item::Entity("Mark Rutte".to_owned()),
            paragraphs: vec![ParagraphId(1)],
        };
        let (smaller, lines) =
            without_failing(&brief(5), &[repeats(5), repeats(3), uncited], 3).expect("kept");
        let kept: Vec<&str> = smaller.points.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(kept, ["Punkt 1", "Punkt 2", "Punkt 4"]);
        assert!(smaller.entities.is_empty());
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("the brief leaves out point 5, which still failed"));
    }

    #[test]
    fn a_failing_headline_or_too_few_points_left_leaves_nothing_out() {
        assert!(without_failing(&brief(3), &[repeats(3)], 3).is_none());
        assert!(without_failing(&brief(2), &[repeats(2)], 2).is_none());
        let headline = BriefFailure::TooShort {
            item: Item::Headline,
            side: Side::Source,
            words: 1,
            min: 2,
        };
        assert!(without_failing(&brief(5), &[headline], 3).is_none());
        assert!(without_failing(&brief(5), &[BriefFailure::NoPoints], 3).is_none());
    }
}
