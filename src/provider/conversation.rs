//! The conversation an LLM provider holds for one chunk, independent of any wire format.
//!
//! Owns what is said: the system prompt, the user turn carrying the JSON
//! [`TranslationPayload`] (or, in plain mode, the [`NumberedPayload`]), and for a repair the
//! model's broken answer plus the repair instruction. `openai.rs` lays the turns out as chat messages
//! (system first); `anthropic.rs` puts the system prompt in its top-level `system` field. A
//! brief can build its own [`Conversation`] and reuse both layouts. Pure: no I/O.

use serde::Serialize;

use super::contract::{BriefPayload, NumberedPayload, PayloadParagraph, Task, TranslationPayload};
use super::shape::Structure;
use super::{ContractProblem, ProviderError};
use crate::brief::BriefInput;
use crate::ingest::Paragraph;
use crate::ingest::sentence::Align;
use crate::plan::Chunk;
use crate::prompt::{BriefRepairVars, BriefVars, Prompts, RepairVars, TranslateVars};

/// Who says a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// diglot.
    User,
    /// The model.
    Assistant,
}

impl Role {
    /// The role's name in both the OpenAI and the Anthropic formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// A system prompt and the turns after it, user first, alternating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// The system prompt.
    pub system: String,
    /// The turns, in order.
    pub turns: Vec<(Role, String)>,
}

/// The translation request for `chunk`: the translate prompt and the payload as JSON, or for
/// [`Structure::Plain`] the plain prompt and the paragraphs numbered ([`NumberedPayload`]),
/// which a model answers without escaping anything. A chunk aligned by sentence goes out
/// sentence by sentence ([`super::sentences::conversation`]).
pub fn translation(
    provider: &str,
    prompts: &Prompts,
    chunk: &Chunk,
    structure: Structure,
) -> Result<Conversation, ProviderError> {
    if chunk.align == Align::Sentence {
        return super::sentences::conversation(provider, prompts, chunk, structure);
    }
    let plain = structure == Structure::Plain;
    let guide = &chunk.guide;
    let context = context_of(chunk);
    let system = translate_system(chunk, |vars| prompts.translate(vars, plain))?;
    if plain {
        let payload = NumberedPayload {
            source_language: chunk.source_language,
            target_language: chunk.target_language,
            glossary: guide.terms.clone(),
            context,
            paragraphs: payload_paragraphs(&chunk.paragraphs),
        };
        return Ok(Conversation {
            system,
            turns: vec![(Role::User, payload.to_message())],
        });
    }
    let payload = TranslationPayload {
        task: Task::Translate,
        source_language: chunk.source_language,
        target_language: chunk.target_language,
        glossary: guide.terms.clone(),
        context,
        paragraphs: payload_paragraphs(&chunk.paragraphs),
    };
    opening(provider, system, &payload)
}

/// The context a request for `chunk` carries, if any (the text before it).
pub(super) fn context_of(chunk: &Chunk) -> Option<crate::guide::Context> {
    let context = &chunk.guide.context;
    (!context.is_empty()).then(|| context.clone())
}

/// The system prompt of a translation request for `chunk`, rendered by `render` (the paragraph
/// or the sentence template) with `chunk`'s languages and whether its message carries glossary
/// entries, context and a repair's reminders.
pub(super) fn translate_system(
    chunk: &Chunk,
    render: impl FnOnce(&TranslateVars<'_>) -> Result<String, crate::prompt::PromptError>,
) -> Result<String, ProviderError> {
    let guide = &chunk.guide;
    Ok(render(&TranslateVars {
        source: chunk.source_language.as_str(),
        source_name: chunk.source_language.name(),
        target: chunk.target_language.as_str(),
        target_name: chunk.target_language.name(),
        glossary: !guide.terms.is_empty(),
        context: !guide.context.is_empty(),
        reminders: &reminders(&guide.reminders),
    })?)
}

/// The entries a repair calls out, as the prompt names them: `Kiew → Kyiv; …`.
fn reminders(terms: &[crate::glossary::Term]) -> String {
    terms
        .iter()
        .map(crate::glossary::Term::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The paragraphs as they travel in a payload.
fn payload_paragraphs(paragraphs: &[Paragraph]) -> Vec<PayloadParagraph> {
    paragraphs
        .iter()
        .map(|p| PayloadParagraph {
            id: p.id.0,
            text: p.text.clone(),
        })
        .collect()
}

/// A conversation of the system prompt and the payload as JSON in the first user turn.
pub(super) fn opening(
    provider: &str,
    system: String,
    payload: &impl Serialize,
) -> Result<Conversation, ProviderError> {
    let user = serde_json::to_string(payload).map_err(|e| ProviderError::Malformed {
        provider: provider.to_owned(),
        detail: format!("cannot encode the request: {e}"),
    })?;
    Ok(Conversation {
        system,
        turns: vec![(Role::User, user)],
    })
}

/// The brief request: the brief prompt and the [`BriefPayload`], the paragraphs numbered.
pub fn brief(prompts: &Prompts, input: &BriefInput) -> Result<Conversation, ProviderError> {
    let system = prompts.brief(&BriefVars {
        source: input.source_language.as_str(),
        source_name: input.source_language.name(),
        target: input.target_language.as_str(),
        target_name: input.target_language.name(),
        points: input.points,
    })?;
    let payload = BriefPayload {
        source_language: input.source_language,
        points: input.points,
        paragraphs: payload_paragraphs(&input.paragraphs),
    };
    Ok(Conversation {
        system,
        turns: vec![(Role::User, payload.to_message())],
    })
}

/// The brief repair request: the brief request, the answer `raw`, and an instruction naming
/// the failed checks.
pub fn brief_repair(
    prompts: &Prompts,
    input: &BriefInput,
    raw: &str,
    problems: &[String],
) -> Result<Conversation, ProviderError> {
    let mut conversation = brief(prompts, input)?;
    let ids = input
        .paragraphs
        .iter()
        .map(|p| p.id.0.to_string())
        .collect::<Vec<_>>();
    let instruction = prompts.brief_repair(&BriefRepairVars {
        problems: &problems.join("; "),
        ids: &ids.join(", "),
        source_name: input.source_language.name(),
        target_name: input.target_language.name(),
        points: input.points,
    })?;
    conversation.turns.push((Role::Assistant, raw.to_owned()));
    conversation.turns.push((Role::User, instruction));
    Ok(conversation)
}

/// The repair request: the translation request, the broken answer `raw`, and an instruction
/// naming `problems` and the ids wanted.
pub fn repair(
    provider: &str,
    prompts: &Prompts,
    chunk: &Chunk,
    raw: &str,
    problems: &[ContractProblem],
    structure: Structure,
) -> Result<Conversation, ProviderError> {
    if chunk.align == Align::Sentence {
        return super::sentences::repair(provider, prompts, chunk, raw, problems, structure);
    }
    let plain = structure == Structure::Plain;
    let mut conversation = translation(provider, prompts, chunk, structure)?;
    let problems = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    let ids = chunk
        .paragraphs
        .iter()
        .map(|p| {
            if plain {
                format!("[{}]", p.id.0)
            } else {
                p.id.0.to_string()
            }
        })
        .collect::<Vec<_>>();
    let instruction = prompts.repair(
        &RepairVars {
            problems: &problems,
            ids: &ids.join(", "),
            target_name: chunk.target_language.name(),
        },
        plain,
    )?;
    conversation.turns.push((Role::Assistant, raw.to_owned()));
    conversation.turns.push((Role::User, instruction));
    Ok(conversation)
}
