//! The mock's answers to sentence requests (`--align sentence`): deterministic, from the
//! sentence cassettes or the pseudo-translation, in the form they were asked in, and shaped by
//! the sentence faults.
//!
//! In: a [`SentenceAsk`] (a numbered or JSON sentence payload, read with the provider's own
//! types so both sides cannot drift apart). Out: the model's text. A paragraph whose sentences
//! a compiled-in sentence cassette records (exactly, in order) is answered with the cassette's
//! pairs, groups included (`[8.1-8.2] …`); any other sentence is answered on its own from the
//! paragraph cassettes or pseudo-translated (`pseudo.rs`). The faults `drop-sentence`,
//! `merge-sentences` (a merge not declared as a group) and `sentence-order` spoil the first
//! paragraph with two entries; the general content faults (`missing`, `not-json`, `fenced`,
//! `escape`, the crafted ones) work as on paragraph replies.
//!
//! A recording of a sentence request (`--record`) teaches the paragraph index each paragraph's
//! translation when its answer keeps the contract ([`recorded_pairs`]).
//!
//! A sentence cassette (`fixtures/cassettes/*.sentences.*.json`, written by
//! `fixtures/tools/make_sentence_cassettes.py`):
//!
//! ```json
//! {"source_language": "de", "target_language": "en", "article": "articles/…", "note": "…",
//!  "paragraphs": [{"sentences": ["<sentence 1>", "<sentence 2>"],
//!                  "pairs": [{"ids": [1, 2], "target": "<one translation of both>"}]}]}
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::json;

use super::Shared;
use super::faults::FaultKind;
use super::openai::PROSE_REPLY;
use crate::ingest::sentence::{Align, SentenceId, label_of};
use crate::ingest::{Paragraph, ParagraphId};
use crate::language::LanguageCode;
use crate::plan::Chunk;
use crate::provider::Decoded;
use crate::provider::sentences::{NumberedSentences, PayloadSentence, SentencePayload};

/// Every compiled-in sentence cassette: its file name under `fixtures/cassettes/` and its text.
pub const SENTENCE_CASSETTES: &[(&str, &str)] = &[(
    "de-rutte-nato.sentences.en.json",
    include_str!("../../fixtures/cassettes/de-rutte-nato.sentences.en.json"),
)];

/// A sentence request, in either form.
#[derive(Debug)]
pub(super) struct SentenceAsk {
    /// Language of the sentences.
    pub(super) source_language: LanguageCode,
    /// Language to translate into.
    pub(super) target_language: LanguageCode,
    /// The sentences, in order.
    pub(super) sentences: Vec<PayloadSentence>,
    /// Asked in numbered form (answered the same way), else JSON.
    pub(super) numbered: bool,
}

impl SentenceAsk {
    /// The sentence request a user message holds, if any.
    pub(super) fn from_message(text: &str) -> Option<SentenceAsk> {
        if let Some(payload) = SentencePayload::from_message(text) {
            return Some(SentenceAsk {
                source_language: payload.source_language,
                target_language: payload.target_language,
                sentences: payload.sentences,
                numbered: false,
            });
        }
        NumberedSentences::from_message(text).map(|payload| SentenceAsk {
            source_language: payload.source_language,
            target_language: payload.target_language,
            sentences: payload.sentences,
            numbered: true,
        })
    }

    /// The sentences as a request key holds them: each sentence's paragraph number and text.
    pub(super) fn keyed(&self) -> Vec<(u32, String)> {
        self.sentences
            .iter()
            .map(|s| (s.id.paragraph.0, s.text.clone()))
            .collect()
    }
}

/// What a recorded answer to a sentence request (`keyed` as [`SentenceAsk::keyed`] gives it)
/// translates each paragraph into, when it keeps the sentence contract: `(paragraph text,
/// translation)` in order; `None` for an answer that breaks it, which a recording replays but
/// learns nothing from.
pub(super) fn recorded_pairs(
    (source, target): (LanguageCode, LanguageCode),
    keyed: &[(u32, String)],
    reply: &str,
) -> Option<Vec<(String, String)>> {
    let paragraphs: Vec<Paragraph> = keyed
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| Paragraph {
            id: ParagraphId(run[0].0),
            text: run
                .iter()
                .map(|(_, text)| text.as_str())
                .collect::<Vec<_>>()
                .join(source.sentence_separator()),
        })
        .collect();
    let chunk = Chunk {
        source_language: source,
        target_language: target,
        paragraphs,
        align: Align::Sentence,
        guide: crate::guide::Guide::default(),
    };
    // The paragraphs split again must give the sentences that were sent.
    let sent: Vec<&str> = keyed.iter().map(|(_, text)| text.as_str()).collect();
    let again = crate::provider::sentences::items(&chunk);
    if again.iter().map(|s| s.text.as_str()).ne(sent) {
        return None;
    }
    let reply = crate::provider::contract::strip_thinking(reply);
    match crate::provider::sentences::decode_text(&chunk, &reply, String::new()) {
        Decoded::Complete(done) => Some(
            chunk
                .paragraphs
                .into_iter()
                .zip(done)
                .map(|(paragraph, translated)| (paragraph.text, translated.text))
                .collect(),
        ),
        Decoded::Broken { .. } => None,
    }
}

/// One paragraph of a sentence cassette.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordedSentences {
    sentences: Vec<String>,
    pairs: Vec<RecordedPair>,
}

/// A pair of a sentence cassette: the 1-based numbers of its sentences and the translation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordedPair {
    ids: Vec<u32>,
    target: String,
}

/// A sentence cassette file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SentenceCassette {
    source_language: LanguageCode,
    target_language: LanguageCode,
    #[expect(dead_code, reason = "documentation only, like a paragraph cassette's")]
    article: String,
    #[expect(dead_code, reason = "documentation only")]
    note: String,
    paragraphs: Vec<RecordedSentences>,
}

/// The recorded pairs by language pair and a paragraph's exact sentences.
type SentenceIndex = HashMap<(LanguageCode, LanguageCode, Vec<String>), Vec<RecordedPair>>;

/// The compiled-in sentence cassettes, indexed on first use. A cassette that does not parse
/// is left out (the unit tests make sure none is).
fn index() -> &'static SentenceIndex {
    static INDEX: OnceLock<SentenceIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = SentenceIndex::new();
        for (_, json) in SENTENCE_CASSETTES {
            let Ok(cassette) = serde_json::from_str::<SentenceCassette>(json) else {
                continue;
            };
            let pair = (cassette.source_language, cassette.target_language);
            for paragraph in cassette.paragraphs {
                index.insert((pair.0, pair.1, paragraph.sentences), paragraph.pairs);
            }
        }
        index
    })
}

/// An entry of the answer: the sentences it covers and its text.
type Entry = (Vec<SentenceId>, String);

/// The model's text for `ask`, with `fault` applied.
pub(super) fn answer(shared: &Shared, ask: &SentenceAsk, fault: Option<FaultKind>) -> String {
    let (from, to) = (ask.source_language, ask.target_language);
    let mut paragraphs: Vec<Vec<Entry>> = Vec::new();
    for run in ask
        .sentences
        .chunk_by(|a, b| a.id.paragraph == b.id.paragraph)
    {
        let texts: Vec<String> = run.iter().map(|s| s.text.clone()).collect();
        let recorded = index().get(&(from, to, texts));
        let entries: Vec<Entry> = match recorded {
            Some(pairs) => pairs
                .iter()
                .map(|pair| {
                    let ids = pair
                        .ids
                        .iter()
                        .filter_map(|&n| Some(run.get(n.checked_sub(1)? as usize)?.id));
                    (ids.collect(), pair.target.clone())
                })
                .collect(),
            None => run
                .iter()
                .map(|s| (vec![s.id], shared.cassettes.translate(from, to, &s.text)))
                .collect(),
        };
        paragraphs.push(entries);
    }
    spoil(&mut paragraphs, ask, fault);
    if fault == Some(FaultKind::NotJson) {
        return PROSE_REPLY.to_owned();
    }
    let entries: Vec<Entry> = paragraphs.into_iter().flatten().collect();
    let text = if ask.numbered {
        numbered_text(&entries)
    } else {
        let sentences: Vec<serde_json::Value> = entries
            .iter()
            .map(|(ids, text)| json!({"ids": ids, "text": text}))
            .collect();
        json!({ "sentences": sentences }).to_string()
    };
    match fault {
        Some(FaultKind::Fenced) => {
            format!("Here is the translation you asked for.\n\n```\n{text}\n```")
        }
        _ => text,
    }
}

/// Applies the content faults to the answer's entries, paragraph by paragraph.
fn spoil(paragraphs: &mut [Vec<Entry>], ask: &SentenceAsk, fault: Option<FaultKind>) {
    let sources: HashMap<SentenceId, &str> = ask
        .sentences
        .iter()
        .map(|s| (s.id, s.text.as_str()))
        .collect();
    let source_of = |ids: &[SentenceId]| -> String {
        let texts: Vec<&str> = ids
            .iter()
            .filter_map(|id| sources.get(id).copied())
            .collect();
        texts.join(" ")
    };
    let group_sources: Vec<String> = paragraphs
        .iter()
        .flatten()
        .map(|(ids, _)| source_of(ids))
        .collect();
    let group_sources: Vec<&str> = group_sources.iter().map(String::as_str).collect();
    let mut answers: Vec<&mut String> = paragraphs
        .iter_mut()
        .flatten()
        .map(|(_, text)| text)
        .collect();
    super::faults::craft(fault, &group_sources, &mut answers);
    let two = paragraphs.iter_mut().find(|entries| entries.len() >= 2);
    match (fault, two) {
        (Some(FaultKind::DropSentence), Some(entries)) => {
            entries.remove(1);
        }
        (Some(FaultKind::MergeSentences), Some(entries)) => {
            let (_, second) = entries.remove(1);
            entries[0].1 = format!("{} {second}", entries[0].1);
        }
        (Some(FaultKind::SentenceOrder), Some(entries)) => entries.swap(0, 1),
        (Some(FaultKind::Missing), _) => {
            if let Some(last) = paragraphs.iter_mut().rev().find(|e| !e.is_empty()) {
                last.pop();
            }
        }
        (Some(FaultKind::Escape), _) => {
            for (_, text) in paragraphs.iter_mut().flatten() {
                *text = format!("\u{1b}[31m{text}\u{7}");
            }
        }
        _ => {}
    }
}

/// The entries as numbered lines (`[3.2] …`, `[8.1-8.2] …`), a blank line between paragraphs.
fn numbered_text(entries: &[Entry]) -> String {
    let mut text = String::new();
    let mut paragraph = None;
    for (ids, translation) in entries {
        let here = ids.first().map(|id| id.paragraph);
        if paragraph.is_some() && here != paragraph {
            text.push('\n');
        }
        paragraph = here;
        text.push_str(&format!("[{}] {translation}\n", marker(ids)));
    }
    text.trim_end().to_owned()
}

/// `3.2`, or `3.2-3.3` for a group.
fn marker(ids: &[SentenceId]) -> String {
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) if first != last => format!("{}-{}", first.bare(), last.bare()),
        (Some(first), _) => first.bare(),
        _ => label_of(ids),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::ingest::sentence::numbered;
    use crate::verify::fidelity::Pair;

    fn cassettes() -> Vec<SentenceCassette> {
        SENTENCE_CASSETTES
            .iter()
            .map(|(name, json)| {
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect()
    }

    /// The reference article as diglot reads it, every paragraph (body and boilerplate).
    fn reference() -> Vec<crate::ingest::Paragraph> {
        let text = include_str!("../../fixtures/articles/de-rutte-nato.txt");
        let document = crate::ingest::ingest(text.as_bytes()).expect("the article reads");
        document.all_paragraphs().cloned().collect()
    }

    #[test]
    fn the_cassette_holds_diglot_s_own_sentences_of_the_reference_article() {
        let cassette = &cassettes()[0];
        let paragraphs = reference();
        assert_eq!(cassette.paragraphs.len(), paragraphs.len());
        for (recorded, paragraph) in cassette.paragraphs.iter().zip(&paragraphs) {
            let found: Vec<String> = numbered(paragraph).into_iter().map(|s| s.text).collect();
            assert_eq!(recorded.sentences, found, "{}", paragraph.id);
            let covered: Vec<u32> = recorded.pairs.iter().flat_map(|p| p.ids.clone()).collect();
            let all: Vec<u32> = (1..=found.len() as u32).collect();
            assert_eq!(
                covered, all,
                "{}: every sentence once, in order",
                paragraph.id
            );
        }
        let groups = cassette.paragraphs.iter().flat_map(|p| &p.pairs);
        assert_eq!(
            groups.filter(|p| p.ids.len() > 1).count(),
            2,
            "¶5.1–2, ¶8.1–2"
        );
    }

    #[test]
    fn the_cassette_passes_every_check_sentence_by_sentence() {
        let cassette = &cassettes()[0];
        let detector = Detector::new();
        for (recorded, paragraph) in cassette.paragraphs.iter().zip(reference()) {
            let entries = recorded
                .pairs
                .iter()
                .map(|pair| {
                    let ids = pair.ids.iter().map(|&index| SentenceId {
                        paragraph: paragraph.id,
                        index,
                    });
                    (ids.collect(), pair.target.clone())
                })
                .collect();
            let chunk = crate::plan::Chunk {
                source_language: LanguageCode::DE,
                target_language: LanguageCode::EN,
                paragraphs: vec![paragraph.clone()],
                align: crate::ingest::sentence::Align::Sentence,
                guide: crate::guide::Guide::default(),
            };
            let Decoded::Complete(done) =
                crate::provider::sentences::check(&chunk, entries, String::new())
            else {
                panic!("{} breaks the sentence contract", paragraph.id);
            };
            let pair = Pair {
                id: paragraph.id,
                source: &paragraph.text,
                target: &done[0].text,
            };
            let checks = crate::verify::sentences::check(
                [(pair, done[0].sentences.as_slice())],
                LanguageCode::DE,
                LanguageCode::EN,
                &detector,
            );
            assert_eq!(checks, [], "{}", paragraph.id);
        }
    }

    #[test]
    fn a_recorded_answer_teaches_its_paragraphs_only_when_it_keeps_the_contract() {
        let keyed = vec![
            (4, "Eins ist eins.".to_owned()),
            (4, "Zwei ist zwei.".to_owned()),
            (5, "Drei.".to_owned()),
        ];
        let languages = (LanguageCode::DE, LanguageCode::EN);
        let good = "[4.1-4.2] One and two.\n\n[5.1] Three.";
        assert_eq!(
            recorded_pairs(languages, &keyed, good),
            Some(vec![
                (
                    "Eins ist eins. Zwei ist zwei.".to_owned(),
                    "One and two.".to_owned()
                ),
                ("Drei.".to_owned(), "Three.".to_owned()),
            ])
        );
        assert_eq!(
            recorded_pairs(languages, &keyed, "[4.1] One.\n[5.1] Three."),
            None
        );
    }

    #[test]
    fn a_group_goes_out_under_a_range_marker() {
        let id = |text: &str| text.parse::<SentenceId>().expect("an id");
        let entries = vec![
            (vec![id("8.1"), id("8.2")], "Both.".to_owned()),
            (vec![id("9.1")], "Next.".to_owned()),
        ];
        assert_eq!(numbered_text(&entries), "[8.1-8.2] Both.\n\n[9.1] Next.");
    }
}
