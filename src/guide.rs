//! What a chunk's request carries besides its paragraphs, so that names and terms come out
//! the same across a whole article: the glossary entries found in the chunk, and as read-only
//! context the source text just before it.
//!
//! Pure. [`Article`] is built once per article (its body paragraphs in order, the glossary's
//! entries for the direction, whether context is on) and gives each chunk its [`Guide`]:
//!
//! - **terms**: the entries whose source term occurs in the chunk's paragraphs (see
//!   [`crate::glossary`] for how a term is found), and no others, so a prompt stays small and
//!   a model is not told about words it will not see;
//! - **context**: the article's headline (the first sentence of ¶1, at most
//!   [`HEADLINE_CHARS`] characters) and the paragraph just before the chunk (its last
//!   sentences, at most [`BEFORE_CHARS`] characters), both source text. A chunk that starts
//!   the article has none; a chunk right after ¶1 gets ¶1 as the paragraph before and no
//!   separate headline. Context comes from the source, never from another chunk's
//!   translation, so chunks still go out at once;
//! - **reminders**: entries a first translation of these paragraphs did not follow, called
//!   out again when a paragraph is repaired.

use serde::{Deserialize, Serialize};

use crate::glossary::{Term, terms_in};
use crate::ingest::{Paragraph, ParagraphId};

/// The most characters of the headline sent as context.
pub const HEADLINE_CHARS: usize = 200;

/// The most characters of the paragraph before a chunk sent as context.
pub const BEFORE_CHARS: usize = 500;

/// Source text around a chunk that the model reads but does not translate. Its serde form is
/// the `context` of a JSON translation payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The article's headline (the first sentence of ¶1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The end of the paragraph just before the chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

impl Context {
    /// Whether there is no context at all.
    pub fn is_empty(&self) -> bool {
        self.headline.is_none() && self.before.is_none()
    }
}

/// A chunk's glossary entries and context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Guide {
    /// The glossary entries whose source term occurs in the chunk.
    pub terms: Vec<Term>,
    /// The source text before the chunk.
    pub context: Context,
    /// Entries a previous translation of these paragraphs did not follow (a repair).
    pub reminders: Vec<Term>,
    /// The provider's own copy of the glossary, when it keeps one (DeepL's glossary id).
    #[serde(skip)]
    pub remote_glossary: Option<String>,
}

impl Guide {
    /// The guide for `paragraphs`, a part of the chunk this guide is for (a half, one
    /// paragraph, a sentence part): the terms and reminders that occur in them, the same
    /// context and remote glossary.
    pub fn narrowed_to<'a>(&self, texts: impl IntoIterator<Item = &'a str> + Clone) -> Guide {
        Guide {
            terms: terms_in(&self.terms, texts.clone()),
            context: self.context.clone(),
            reminders: terms_in(&self.reminders, texts),
            remote_glossary: self.remote_glossary.clone(),
        }
    }
}

/// One article as the guides see it.
#[derive(Debug, Clone, Default)]
pub struct Article {
    paragraphs: Vec<Paragraph>,
    terms: Vec<Term>,
    context: bool,
}

impl Article {
    /// An article of `paragraphs` (the body, in order, also those not sent), translated with
    /// the glossary `terms`; `context` sends the text before each chunk.
    pub fn new(paragraphs: Vec<Paragraph>, terms: Vec<Term>, context: bool) -> Article {
        Article {
            paragraphs,
            terms,
            context,
        }
    }

    /// The glossary entries of the article's direction.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The guide of a chunk of `paragraphs` (in article order).
    pub fn guide(&self, paragraphs: &[Paragraph]) -> Guide {
        Guide {
            terms: terms_in(&self.terms, paragraphs.iter().map(|p| p.text.as_str())),
            context: paragraphs
                .first()
                .map(|p| self.context_of(p.id))
                .unwrap_or_default(),
            reminders: Vec::new(),
            remote_glossary: None,
        }
    }

    /// The context of a chunk starting at `first`.
    pub fn context_of(&self, first: ParagraphId) -> Context {
        if !self.context {
            return Context::default();
        }
        let Some(at) = self.paragraphs.iter().position(|p| p.id == first) else {
            return Context::default();
        };
        let Some(before) = at.checked_sub(1).map(|i| &self.paragraphs[i]) else {
            return Context::default();
        };
        let headline = (at >= 2)
            .then(|| self.paragraphs.first())
            .flatten()
            .map(|p| headline_of(&p.text));
        Context {
            headline,
            before: Some(tail_of(&before.text, BEFORE_CHARS)),
        }
    }
}

/// The first sentence of `text`, at most [`HEADLINE_CHARS`] characters (cut with `…`).
fn headline_of(text: &str) -> String {
    let first = crate::ingest::sentence::sentences(text)
        .first()
        .map_or(text, |s| s.trim());
    match first.char_indices().nth(HEADLINE_CHARS) {
        None => first.to_owned(),
        Some((at, _)) => format!("{}…", first[..at].trim_end()),
    }
}

/// The last sentences of `text` within `max` characters; a last sentence longer than that is
/// cut at its start (with `…`).
pub fn tail_of(text: &str, max: usize) -> String {
    let sentences = crate::ingest::sentence::sentences(text);
    let mut kept: Vec<&str> = Vec::new();
    let mut length = 0;
    for sentence in sentences.iter().rev() {
        let chars = sentence.chars().count();
        if length + chars > max && !kept.is_empty() {
            break;
        }
        kept.push(sentence);
        length += chars;
    }
    kept.reverse();
    let tail = kept.concat().trim().to_owned();
    let chars = tail.chars().count();
    if chars <= max {
        return tail;
    }
    let skip = chars - max + 1;
    let cut: String = tail.chars().skip(skip).collect();
    format!("…{}", cut.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(texts: &[&str]) -> Vec<Paragraph> {
        texts
            .iter()
            .zip(1..)
            .map(|(text, id)| Paragraph {
                id: ParagraphId(id),
                text: (*text).to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_chunk_gets_only_the_terms_it_contains_and_the_text_before_it() {
        let all = paragraphs(&[
            "Streit um Kiew. Mehr dazu unten.",
            "Der Rat tagte.",
            "Die Regierung in Kiew schwieg.",
            "Moskau antwortete.",
        ]);
        let article = Article::new(
            all.clone(),
            vec![Term::new("Kiew", "Kyiv"), Term::new("Moskau", "Moscow")],
            true,
        );
        let first = article.guide(&all[..2]);
        assert_eq!(first.terms, [Term::new("Kiew", "Kyiv")]);
        assert!(first.context.is_empty());
        let second = article.guide(&all[1..2]);
        assert!(second.terms.is_empty());
        assert_eq!(second.context.headline, None);
        assert_eq!(
            second.context.before.as_deref(),
            Some("Streit um Kiew. Mehr dazu unten.")
        );
        let last = article.guide(&all[2..]);
        assert_eq!(
            last.terms,
            [Term::new("Kiew", "Kyiv"), Term::new("Moskau", "Moscow")]
        );
        assert_eq!(last.context.headline.as_deref(), Some("Streit um Kiew."));
        assert_eq!(last.context.before.as_deref(), Some("Der Rat tagte."));
        let narrowed = last.narrowed_to(["Moskau antwortete."]);
        assert_eq!(narrowed.terms, [Term::new("Moskau", "Moscow")]);
        assert_eq!(narrowed.context, last.context);
        let off = Article::new(all.clone(), vec![], false);
        assert!(off.guide(&all[3..]).context.is_empty());
    }

    #[test]
    fn long_text_before_keeps_its_last_sentences_within_the_limit() {
        let long = format!("{} Der letzte Satz.", "Ein Satz mit Worten. ".repeat(40));
        let tail = tail_of(&long, 60);
        assert!(tail.chars().count() <= 60, "{tail}");
        assert!(tail.ends_with("Der letzte Satz."), "{tail}");
        let one = "x".repeat(100);
        let cut = tail_of(&one, 10);
        assert_eq!(cut.chars().count(), 10);
        assert!(cut.starts_with('…'));
        assert_eq!(
            headline_of(&"y".repeat(300)).chars().count(),
            HEADLINE_CHARS + 1
        );
    }
}
