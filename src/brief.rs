//! Brief: the bilingual summary of an article as plain data.
//!
//! A [`Brief`] is a headline, key points and the people and organisations the article names,
//! every item in both the source and the target language, every point (and entity) naming the
//! paragraphs it draws on. A model writes the source side; the target side is its translation
//! ([`Brief::source_texts`]). Its serde form is the `"brief"` field of `--format json` (see the
//! README, "Bilingual brief"). Built by a protocol from a reply (the source side) and the
//! pipeline (the target side), held to the article by `verify::brief`, rendered by
//! `render::brief`.

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

impl Brief {
    /// The texts of the source side that the target side translates, in order: the headline,
    /// every point, every entity's role (names are not translated).
    pub fn source_texts(&self) -> Vec<&str> {
        std::iter::once(self.headline.source.as_str())
            .chain(self.points.iter().map(|p| p.source.as_str()))
            .chain(self.entities.iter().map(|e| e.role.source.as_str()))
            .collect()
    }

    /// The target sides, in the order of [`Brief::source_texts`].
    pub fn target_texts_mut(&mut self) -> Vec<&mut String> {
        std::iter::once(&mut self.headline.target)
            .chain(self.points.iter_mut().map(|p| &mut p.target))
            .chain(self.entities.iter_mut().map(|e| &mut e.role.target))
            .collect()
    }
}

/// The key points to ask an article for: `asked`, but no more than the article has sentences
/// (one at the least), since each point needs a statement of its own to draw on; a model asked
/// for five points about two sentences repeats itself or invents.
pub fn points_for(asked: u8, paragraphs: &[Paragraph]) -> u8 {
    let sentences: usize = paragraphs
        .iter()
        .map(|p| crate::ingest::sentence::sentences(&p.text).len())
        .sum();
    asked.min(u8::try_from(sentences.max(1)).unwrap_or(u8::MAX))
}

impl Brief {
    /// A warning for a brief that came from the cache with fewer key points than `asked`: the
    /// run that wrote it left some out, and said why then.
    pub fn fewer_points_from_cache(&self, asked: u8) -> Option<String> {
        let (kept, asked) = (self.points.len(), usize::from(asked));
        (kept < asked).then(|| {
            format!(
                "the brief from the cache has {kept} of the {asked} key points asked for (the run \
                 that wrote it said why)"
            )
        })
    }
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

    fn paragraphs(texts: &[&str]) -> Vec<Paragraph> {
        (1..)
            .zip(texts)
            .map(|(id, text)| Paragraph {
                id: ParagraphId(id),
                text: (*text).to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_short_article_is_asked_for_no_more_points_than_it_has_sentences() {
        let two = paragraphs(&["Die Bibliothek bleibt zu. Bücher gehen ins Rathaus."]);
        assert_eq!(points_for(5, &two), 2);
        let many = paragraphs(&["Eins ist da. Zwei ist da.", "Drei. Vier. Fünf. Sechs."]);
        assert_eq!(points_for(5, &many), 5);
        assert_eq!(points_for(3, &paragraphs(&["Kein Satzende"])), 1);
        assert_eq!(points_for(3, &[]), 1);
    }
}
