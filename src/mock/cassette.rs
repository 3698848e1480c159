//! Recorded answers (cassettes) for the mock API, compiled into the binary.
//!
//! Owns loading the cassettes in `fixtures/cassettes/` and looking up one paragraph's
//! translation. In: a language pair and a paragraph's exact source text. Out: the recorded
//! translation, or a deterministic pseudo-translation that is visibly marked as fake. It does
//! not know about HTTP or the chat format (that is `openai.rs`).
//!
//! The cassettes are compiled in with `include_str!` so an installed `diglot mock-server` answers
//! the same anywhere. A cassette file looks like this:
//!
//! ```json
//! {"source_language": "de", "target_language": "en", "article": "articles/de-rutte-nato.txt",
//!  "paragraphs": [{"source": "<exact paragraph text>", "target": "<translation>"}]}
//! ```
//!
//! A cassette that `diglot mock-server --record` writes has the same shape, with a `note` in
//! place of the `article`, the paragraphs its answer translates (none when the answer broke the
//! contract), and the `exchange` itself ([`Exchange`]: the request without its keys, and the
//! answer as sent), which `--cassettes DIR` replays byte for byte (`replay.rs`). Those served
//! from a directory are layered over the compiled-in ones ([`Cassettes`]).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::exchange::Exchange;
use super::replay::Replay;
use crate::language::LanguageCode;

/// Every compiled-in cassette: its file name under `fixtures/cassettes/` and its text.
///
/// To add one, put the file there and list it here; the unit tests check that each parses and
/// that no source paragraph is recorded twice for the same language pair.
pub const CASSETTES: &[(&str, &str)] = &[
    (
        "de-rutte-nato.en.json",
        include_str!("../../fixtures/cassettes/de-rutte-nato.en.json"),
    ),
    (
        "en-city-budget.de.json",
        include_str!("../../fixtures/cassettes/en-city-budget.de.json"),
    ),
];

/// Why the compiled-in cassettes cannot be used. Only a broken build can cause this, and the
/// unit tests catch it before that.
#[derive(Debug, thiserror::Error)]
pub enum CassetteError {
    /// A cassette is not valid JSON of the cassette shape.
    #[error("cassette '{name}' is malformed")]
    Malformed {
        /// File name under `fixtures/cassettes/`.
        name: &'static str,
        /// What serde_json found.
        #[source]
        source: serde_json::Error,
    },
    /// A cassette without languages for its paragraphs, or without paragraphs or an exchange.
    #[error("cassette '{name}' {problem}")]
    Incomplete {
        /// File name under `fixtures/cassettes/`.
        name: &'static str,
        /// What is missing.
        problem: Incomplete,
    },
    /// The same source paragraph is recorded twice for one language pair, so the answer would
    /// depend on the order of the cassettes.
    #[error(
        "cassette '{name}' records a {source_language}→{target_language} paragraph that \
         '{first}' already records: {text:?}"
    )]
    DuplicateSource {
        /// The cassette with the second recording.
        name: &'static str,
        /// The cassette with the first recording.
        first: &'static str,
        /// Language of the paragraph.
        source_language: LanguageCode,
        /// Language of the recorded translation.
        target_language: LanguageCode,
        /// The paragraph's source text.
        text: String,
    },
}

/// What a cassette lacks to be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Incomplete {
    /// Paragraphs but no `source_language` or `target_language`.
    #[error("records paragraphs but not their source_language and target_language")]
    Languages,
    /// Neither paragraphs nor an exchange.
    #[error("records neither paragraphs nor an exchange")]
    Empty,
}

/// One cassette file: hand-written in `fixtures/cassettes/` (or a `--cassettes` directory), or
/// written by `--record`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cassette {
    /// Language of the paragraphs' sources; needed when there are paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_language: Option<LanguageCode>,
    /// Language of their translations; needed when there are paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_language: Option<LanguageCode>,
    /// The article the paragraphs come from, relative to `fixtures/`; documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// What this is and where it came from; documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Paragraphs and their translations.
    #[serde(default)]
    pub paragraphs: Vec<RecordedParagraph>,
    /// A recorded request and answer, replayed as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Exchange>,
}

impl Cassette {
    /// Parses a cassette file and checks that it is one.
    pub fn from_json(json: &str) -> Result<Cassette, CassetteFileError> {
        let cassette: Cassette = serde_json::from_str(json).map_err(CassetteFileError::Json)?;
        cassette
            .languages()
            .map_err(CassetteFileError::Incomplete)?;
        if cassette.paragraphs.is_empty() && cassette.exchange.is_none() {
            return Err(CassetteFileError::Incomplete(Incomplete::Empty));
        }
        Ok(cassette)
    }

    /// The paragraphs' language pair: `None` when there are no paragraphs.
    pub fn languages(&self) -> Result<Option<(LanguageCode, LanguageCode)>, Incomplete> {
        match (self.source_language, self.target_language) {
            _ if self.paragraphs.is_empty() => Ok(None),
            (Some(from), Some(to)) => Ok(Some((from, to))),
            _ => Err(Incomplete::Languages),
        }
    }
}

/// Why a cassette file is not one.
#[derive(Debug, thiserror::Error)]
pub enum CassetteFileError {
    /// Not JSON of the cassette shape.
    #[error("is malformed: {0}")]
    Json(#[source] serde_json::Error),
    /// Something it needs is missing.
    #[error("{0}")]
    Incomplete(Incomplete),
}

/// One recorded paragraph: exact source text and its translation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedParagraph {
    /// The paragraph, byte for byte.
    pub source: String,
    /// Its translation.
    pub target: String,
}

/// Recorded translations by language pair, then by exact source text.
#[derive(Debug, Default)]
pub struct CassetteIndex {
    pairs: HashMap<(LanguageCode, LanguageCode), HashMap<String, Recorded>>,
}

/// A recorded translation and the cassette it came from (for duplicate reports).
#[derive(Debug)]
struct Recorded {
    target: String,
    cassette: &'static str,
}

impl CassetteIndex {
    /// The index of the compiled-in [`CASSETTES`], built on first use and shared afterwards.
    pub fn compiled_in() -> Result<&'static CassetteIndex, &'static CassetteError> {
        static INDEX: OnceLock<Result<CassetteIndex, CassetteError>> = OnceLock::new();
        INDEX.get_or_init(|| Self::build(CASSETTES)).as_ref()
    }

    /// Builds an index from `(name, json)` cassettes, rejecting malformed ones and duplicates.
    pub fn build(cassettes: &[(&'static str, &str)]) -> Result<CassetteIndex, CassetteError> {
        let mut index = CassetteIndex::default();
        for &(name, json) in cassettes {
            let cassette = Cassette::from_json(json).map_err(|error| match error {
                CassetteFileError::Json(source) => CassetteError::Malformed { name, source },
                CassetteFileError::Incomplete(problem) => {
                    CassetteError::Incomplete { name, problem }
                }
            })?;
            let Ok(Some(pair)) = cassette.languages() else {
                continue;
            };
            let recorded = index.pairs.entry(pair).or_default();
            for paragraph in cassette.paragraphs {
                match recorded.entry(paragraph.source) {
                    Entry::Occupied(entry) => {
                        return Err(CassetteError::DuplicateSource {
                            name,
                            first: entry.get().cassette,
                            source_language: pair.0,
                            target_language: pair.1,
                            text: entry.key().clone(),
                        });
                    }
                    Entry::Vacant(entry) => {
                        entry.insert(Recorded {
                            target: paragraph.target,
                            cassette: name,
                        });
                    }
                }
            }
        }
        Ok(index)
    }

    /// The recorded translation of `text`, if a cassette for this language pair has it.
    pub fn lookup(&self, from: LanguageCode, to: LanguageCode, text: &str) -> Option<&str> {
        let recorded = self.pairs.get(&(from, to))?.get(text)?;
        Some(&recorded.target)
    }

    /// Whether no paragraph is recorded at all.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.pairs.values().all(HashMap::is_empty)
    }
}

pub use super::pseudo::pseudo_translation;

/// The translations a server answers paragraphs from: a directory's cassettes
/// (`--cassettes DIR`) first, then the compiled-in ones, then a pseudo-translation.
#[derive(Debug, Clone)]
pub struct Cassettes {
    replay: Option<Arc<Replay>>,
    built_in: &'static CassetteIndex,
}

impl Cassettes {
    /// The compiled-in cassettes, under `replay`'s when there is one.
    pub fn new(replay: Option<Arc<Replay>>, built_in: &'static CassetteIndex) -> Cassettes {
        Cassettes { replay, built_in }
    }

    /// The directory's cassettes, when the server replays one.
    pub fn replay(&self) -> Option<&Replay> {
        self.replay.as_deref()
    }

    /// The recorded translation of `text` (a paragraph, or a text of a recorded brief), else
    /// [`pseudo_translation`].
    pub fn translate(&self, from: LanguageCode, to: LanguageCode, text: &str) -> String {
        self.replay
            .as_ref()
            .and_then(|replay| replay.lookup(from, to, text))
            .or_else(|| self.built_in.lookup(from, to, text))
            .map(str::to_owned)
            .or_else(|| super::brief::recorded_translation(from, to, text))
            .unwrap_or_else(|| pseudo_translation(from, to, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DE: LanguageCode = LanguageCode::DE;
    const EN: LanguageCode = LanguageCode::EN;

    fn cassette(json: &str) -> Result<CassetteIndex, CassetteError> {
        CassetteIndex::build(&[("test.json", json)])
    }

    #[test]
    fn every_compiled_in_cassette_parses_without_duplicates() {
        for &(name, json) in CASSETTES {
            let parsed: Result<Cassette, _> = serde_json::from_str(json);
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
        }
        let index = CassetteIndex::compiled_in();
        assert!(index.is_ok(), "{index:?}");
    }

    #[test]
    fn compiled_in_cassettes_record_something() {
        let index = CassetteIndex::compiled_in().expect("cassettes are valid");
        assert!(!index.is_empty());
    }

    #[test]
    fn looks_up_exact_text_for_the_right_pair_only() {
        let index = cassette(
            r#"{"source_language":"de","target_language":"en","article":"a.txt",
                "paragraphs":[{"source":"Guten Tag.","target":"Good day."}]}"#,
        )
        .expect("valid cassette");
        assert_eq!(index.lookup(DE, EN, "Guten Tag."), Some("Good day."));
        assert_eq!(index.lookup(DE, EN, "Guten Tag"), None);
        assert_eq!(index.lookup(EN, DE, "Guten Tag."), None);
        let cassettes = Cassettes::new(None, Box::leak(Box::new(index)));
        assert_eq!(cassettes.translate(DE, EN, "Guten Tag."), "Good day.");
    }

    #[test]
    fn unrecorded_text_gets_a_marked_pseudo_translation() {
        let cassettes = Cassettes::new(None, Box::leak(Box::default()));
        let answer = cassettes.translate(DE, EN, "Hallo Welt.");
        assert_eq!(answer, pseudo_translation(DE, EN, "Hallo Welt."));
        assert!(answer.starts_with("[mock de→en] "), "{answer}");
    }

    #[test]
    fn rejects_a_duplicate_source_paragraph() {
        let json = r#"{"source_language":"de","target_language":"en","article":"a.txt",
            "paragraphs":[{"source":"Ja.","target":"Yes."},{"source":"Ja.","target":"Yeah."}]}"#;
        let err = cassette(json).expect_err("duplicate accepted");
        assert!(
            matches!(err, CassetteError::DuplicateSource { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("\"Ja.\""), "{err}");
    }

    #[test]
    fn rejects_a_malformed_cassette() {
        for incomplete in [
            "{}",
            r#"{"target_language":"en","paragraphs":[{"source":"x","target":"y"}]}"#,
        ] {
            let err = cassette(incomplete).expect_err("incomplete cassette accepted");
            assert!(
                matches!(err, CassetteError::Incomplete { .. }),
                "{incomplete}: {err}"
            );
        }
        for bad in [
            "",
            r#"{"source_language":"german","target_language":"en","article":"a","paragraphs":[]}"#,
            r#"{"source_language":"de","target_language":"en","article":"a","paragraphs":[{"source":"x"}]}"#,
        ] {
            let err = cassette(bad).expect_err("malformed cassette accepted");
            assert!(
                matches!(err, CassetteError::Malformed { .. }),
                "{bad}: {err}"
            );
        }
    }
}
