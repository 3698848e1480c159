//! Brief: the bilingual summary of an article as plain data.
//!
//! A [`Brief`] is a headline, key points and the people and organisations the article names,
//! every item in both the source and the target language, every point (and entity) naming the
//! paragraphs it draws on. Its serde form is both the `"brief"` field of `--format json` and
//! the JSON a model must answer with (see the README, "Bilingual brief"). Built by a protocol
//! from a reply, held to the article by `verify::brief`, rendered by `render::brief`.

use serde::{Deserialize, Serialize};

use crate::ingest::{Paragraph, ParagraphId};
use crate::language::LanguageCode;

/// The fewest key points a brief may be asked for.
pub const MIN_POINTS: u8 = 3;
/// The most key points a brief may be asked for.
pub const MAX_POINTS: u8 = 7;
/// Key points asked for unless `--points` says otherwise.
pub const DEFAULT_POINTS: u8 = 5;

/// One text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    /// In the article's language.
    pub source: String,
    /// In the target language.
    pub target: String,
}

/// One key point, in both languages, with the paragraphs it draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefPoint {
    /// In the article's language.
    pub source: String,
    /// In the target language.
    pub target: String,
    /// The paragraphs it draws on (serialized as bare numbers).
    pub paragraphs: Vec<ParagraphId>,
}

/// A person or organisation the article names, with the role the article gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefEntity {
    /// The name as the article spells it.
    pub name: String,
    /// The role the article gives it, in both languages.
    pub role: Bilingual,
    /// The paragraphs that name it.
    pub paragraphs: Vec<ParagraphId>,
}

/// A bilingual brief of one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    /// The headline.
    pub headline: Bilingual,
    /// The key points, most important first.
    pub points: Vec<BriefPoint>,
    /// The people and organisations named.
    pub entities: Vec<BriefEntity>,
}

/// What a brief request is about: the article's body paragraphs and the languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefInput {
    /// The article's language.
    pub source_language: LanguageCode,
    /// The language of the second side.
    pub target_language: LanguageCode,
    /// How many key points to ask for.
    pub points: u8,
    /// The paragraphs, in order, with their ids.
    pub paragraphs: Vec<Paragraph>,
}

impl BriefInput {
    /// The paragraph with `id`, if the brief was asked about it.
    pub fn paragraph(&self, id: ParagraphId) -> Option<&Paragraph> {
        self.paragraphs.iter().find(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Chunk;
    use crate::provider::{
        Capabilities, ContractProblem, Decoded, Protocol, ProviderError, ProviderKind, WireReply,
        WireRequest,
    };

    /// A protocol that only translates, as DeepL or LibreTranslate would.
    struct TranslationOnly;

    impl Protocol for TranslationOnly {
        fn kind(&self) -> ProviderKind {
            ProviderKind::Openai
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                briefs: false,
                max_chars: 100,
                max_paragraphs: 10,
                max_text_bytes: None,
            }
        }
        fn encode_translation(&self, _: &Chunk) -> Result<WireRequest, ProviderError> {
            unreachable!("not used in this test")
        }
        fn encode_repair(
            &self,
            _: &Chunk,
            _: &str,
            _: &[ContractProblem],
        ) -> Result<WireRequest, ProviderError> {
            unreachable!("not used in this test")
        }
        fn decode_translation(&self, _: &Chunk, _: &WireReply) -> Result<Decoded, ProviderError> {
            unreachable!("not used in this test")
        }
    }

    #[test]
    fn protocols_without_briefs_need_no_code_and_say_unsupported() {
        let input = BriefInput {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            points: DEFAULT_POINTS,
            paragraphs: vec![],
        };
        let reply = WireReply {
            status: 200,
            body: vec![],
        };
        let errors = [
            TranslationOnly.encode_brief(&input).err(),
            TranslationOnly.encode_brief_repair(&input, "", &[]).err(),
            TranslationOnly.decode_brief(&input, &reply).err(),
        ];
        for error in errors {
            assert!(
                matches!(&error, Some(ProviderError::Unsupported { what, .. }) if what == "write briefs"),
                "{error:?}"
            );
        }
    }
}
