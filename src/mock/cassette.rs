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

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use serde::Deserialize;

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

/// Every compiled-in brief cassette: its file name under `fixtures/cassettes/` and its text.
/// Its shape is documented in `brief.rs`; the unit tests there check each one against its
/// article and the brief checks.
pub const BRIEF_CASSETTES: &[(&str, &str)] = &[(
    "de-rutte-nato.brief.en.json",
    include_str!("../../fixtures/cassettes/de-rutte-nato.brief.en.json"),
)];

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

/// One cassette file as written in `fixtures/cassettes/`.
#[derive(Debug, Deserialize)]
struct Cassette {
    source_language: LanguageCode,
    target_language: LanguageCode,
    /// The article the paragraphs come from, relative to `fixtures/`; documentation only.
    #[serde(rename = "article")]
    _article: String,
    paragraphs: Vec<RecordedParagraph>,
}

/// One recorded paragraph: exact source text and its translation.
#[derive(Debug, Deserialize)]
struct RecordedParagraph {
    source: String,
    target: String,
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
            let cassette: Cassette = serde_json::from_str(json)
                .map_err(|source| CassetteError::Malformed { name, source })?;
            let pair = (cassette.source_language, cassette.target_language);
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

    /// The recorded translation of `text`, else [`pseudo_translation`].
    pub fn translate(&self, from: LanguageCode, to: LanguageCode, text: &str) -> String {
        self.lookup(from, to, text)
            .map_or_else(|| pseudo_translation(from, to, text), str::to_owned)
    }

    /// Whether no paragraph is recorded at all.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.pairs.values().all(HashMap::is_empty)
    }
}

pub use super::pseudo::pseudo_translation;

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
        assert_eq!(index.translate(DE, EN, "Guten Tag."), "Good day.");
    }

    #[test]
    fn unrecorded_text_gets_a_marked_pseudo_translation() {
        let index = CassetteIndex::default();
        let answer = index.translate(DE, EN, "Hallo Welt.");
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
        for bad in [
            "",
            "{}",
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
