//! The paragraph contract between diglot and an LLM: what we send and what must come back.
//!
//! The user message of a translation request is exactly one [`TranslationPayload`] as JSON.
//! The model must answer with a [`TranslationReply`] as JSON: the same ids, each with its
//! translation. The mock API parses the same types, so both sides cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::language::LanguageCode;

/// Marks what a payload asks for, so a server (the mock) can tell requests apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Translate every paragraph.
    Translate,
}

/// The user message of a translation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslationPayload {
    /// Always [`Task::Translate`].
    pub task: Task,
    /// Language of the paragraphs.
    pub source_language: LanguageCode,
    /// Language to translate into.
    pub target_language: LanguageCode,
    /// The paragraphs, in order.
    pub paragraphs: Vec<PayloadParagraph>,
}

/// One paragraph in a payload or a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadParagraph {
    /// The paragraph id number (the `3` of `¶3`).
    pub id: u32,
    /// Source text in a payload, translated text in a reply.
    pub text: String,
}

/// The JSON object a model must answer with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslationReply {
    /// One entry per requested paragraph, same ids.
    pub paragraphs: Vec<PayloadParagraph>,
}
