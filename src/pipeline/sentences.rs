//! The pipeline's part of `--align sentence`: the smaller request a paragraph falls back to
//! when its sentence replies stay broken (its sentences as items of their own, aligned by
//! construction), and the cache entries of chunks aligned by sentence.
//!
//! The sentence contract itself (payloads, reading and checking replies) is the provider's
//! ([`crate::provider::sentences`]); the ask–repair–halve flow is the paragraph flow's
//! ([`Pipeline::translate_chunk`]), which every chunk goes through whatever its alignment.

use super::{Pipeline, Translated};
use crate::cache::{Cache, Key};
use crate::error::Error;
use crate::ingest::sentence::{Align, SentenceId, SentencePair, numbered};
use crate::ingest::{Paragraph, ParagraphId};
use crate::plan::Chunk;
use crate::provider::sentences::SentenceProblem;
use crate::provider::{ContractProblem, ProviderError};

/// A cached chunk aligned by sentence: each paragraph's translation and its sentence pairs.
type CachedSentences = Vec<(u32, String, Vec<SentencePair>)>;

/// The cache kind of a chunk's result: paragraph and sentence results never stand for each
/// other.
pub(super) fn cache_kind(align: Align) -> &'static str {
    match align {
        Align::Paragraph => "chunk",
        Align::Sentence => "sentence-chunk",
    }
}

/// Stores a verified chunk aligned by sentence.
pub(super) fn store(cache: &Cache, key: &Key, translated: &[Translated]) {
    let value: CachedSentences = translated
        .iter()
        .map(|t| (t.id.0, t.text.clone(), t.sentences.clone()))
        .collect();
    cache.put(key, &value);
}

/// The cached translations of `chunk` aligned by sentence, if an entry holds exactly its ids
/// and each paragraph's pairs still cover its sentences in order.
pub(super) fn cached(cache: &Cache, chunk: &Chunk, key: &Key) -> Option<Vec<Translated>> {
    let cached: CachedSentences = cache.get(key)?;
    if cached.len() != chunk.paragraphs.len() {
        return None;
    }
    chunk
        .paragraphs
        .iter()
        .zip(cached)
        .map(|(paragraph, (id, text, sentences))| {
            let fits = id == paragraph.id.0
                && crate::verify::sentences::misalignment(paragraph, &sentences).is_none();
            fits.then_some(Translated {
                id: ParagraphId(id),
                text,
                sentences,
            })
        })
        .collect()
}

impl Pipeline {
    /// Translates `paragraph` (of `chunk`) as its sentences, each an item of its own in the
    /// paragraph contract (ids 1, 2, … in the request, as many per request as the budget
    /// takes), and aligns the translations one to one with the sentences. The smaller request
    /// for a paragraph whose sentence replies stay broken, or that is over the budget.
    pub(super) async fn translate_sentence_items(
        &self,
        chunk: &Chunk,
        paragraph: &Paragraph,
    ) -> Result<Translated, Error> {
        let items: Vec<Paragraph> = numbered(paragraph)
            .into_iter()
            .zip(1..)
            .map(|(sentence, n)| Paragraph {
                id: ParagraphId(n),
                text: sentence.text,
            })
            .collect();
        let mut texts = Vec::with_capacity(items.len());
        for mut sub in crate::plan::plan(
            &items,
            chunk.source_language,
            chunk.target_language,
            &self.budget,
            1,
        ) {
            // The items carry the glossary entries they have and the chunk's context.
            sub.guide = chunk
                .guide
                .narrowed_to(sub.paragraphs.iter().map(|p| p.text.as_str()));
            let done = Box::pin(self.translate_chunk(&sub))
                .await
                .map_err(|error| about_sentences(error, paragraph.id))?;
            texts.extend(done.into_iter().map(|t| t.text));
        }
        Ok(crate::provider::sentences::one_to_one(
            paragraph,
            texts,
            chunk.target_language,
        ))
    }
}

/// An error about the items a paragraph went out as, told about the paragraph: its item `¶k`
/// is the paragraph's sentence `¶N.k`.
fn about_sentences(error: Error, paragraph: ParagraphId) -> Error {
    let sentence = |item: ParagraphId| SentenceId {
        paragraph,
        index: item.0,
    };
    let problem = |problem| match problem {
        ContractProblem::Missing(item) => Some(SentenceProblem::Missing(sentence(item))),
        ContractProblem::Duplicate(item) => Some(SentenceProblem::Duplicate(sentence(item))),
        ContractProblem::Empty(item) => Some(SentenceProblem::Empty(sentence(item).to_string())),
        ContractProblem::Unexpected(n) => Some(SentenceProblem::Unexpected(
            sentence(ParagraphId(n)).to_string(),
        )),
        _ => None,
    };
    match error {
        Error::Provider(ProviderError::Contract {
            provider, problems, ..
        }) => ProviderError::Contract {
            provider,
            ids: vec![paragraph],
            problems: problems
                .into_iter()
                .map(|p| problem(p.clone()).map_or(p, ContractProblem::Sentence))
                .collect(),
        }
        .into(),
        Error::Provider(ProviderError::OutputLimit { provider, .. }) => {
            ProviderError::OutputLimit {
                provider,
                id: paragraph,
            }
            .into()
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_that_fails_is_named_as_the_paragraph_s_sentence() {
        let error: Error = ProviderError::Contract {
            provider: "local".into(),
            ids: vec![ParagraphId(2)],
            problems: vec![
                ContractProblem::Missing(ParagraphId(2)),
                ContractProblem::NotJson,
            ],
        }
        .into();
        assert_eq!(
            about_sentences(error, ParagraphId(7)).to_string(),
            "local broke the paragraph contract for ¶7: ¶7.2 is missing; the reply is not the \
             requested JSON"
        );
        let limit: Error = ProviderError::OutputLimit {
            provider: "local".into(),
            id: ParagraphId(3),
        }
        .into();
        assert!(
            about_sentences(limit, ParagraphId(7))
                .to_string()
                .contains("for ¶7")
        );
    }
}
