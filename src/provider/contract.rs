//! The paragraph contract between diglot and an LLM: what we send and what must come back.
//!
//! The user message of a translation request is exactly one [`TranslationPayload`] as JSON.
//! The model must answer with a [`TranslationReply`] as JSON: the same ids, each with its
//! translation. The mock API parses the same types, so both sides cannot drift apart.

use serde::{Deserialize, Serialize};

use super::{ContractProblem, Decoded, Translated};
use crate::ingest::ParagraphId;
use crate::language::LanguageCode;
use crate::plan::Chunk;

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

/// How many JSON start positions to try before giving up on a reply: bounds the work on a
/// long prose answer.
const MAX_JSON_STARTS: usize = 64;

/// Finds the paragraphs in a model's answer, accepting what parses unambiguously: the object
/// itself, the object inside Markdown code fences or after a sentence of prose, a bare array
/// of `{id, text}` objects, or an object mapping ids to texts. Ids may be numbers or strings
/// such as `"3"` or `"¶3"`. Returns `None` when no such JSON is found.
pub fn parse_reply(text: &str) -> Option<Vec<(u32, String)>> {
    text.char_indices()
        .filter(|(_, c)| *c == '{' || *c == '[')
        .take(MAX_JSON_STARTS)
        .find_map(|(start, _)| {
            let mut stream =
                serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
            match stream.next() {
                Some(Ok(value)) => entries_of(&value),
                _ => None,
            }
        })
}

fn entries_of(value: &serde_json::Value) -> Option<Vec<(u32, String)>> {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter().map(entry_of).collect(),
        Value::Object(map) => {
            if let Some(list) = ["paragraphs", "translations"]
                .iter()
                .find_map(|k| map.get(*k))
            {
                return entries_of(list);
            }
            // {"1": "text", "2": "text"}
            map.iter()
                .map(|(k, v)| Some((parse_id(&Value::String(k.clone()))?, v.as_str()?.to_owned())))
                .collect::<Option<Vec<_>>>()
                .filter(|entries| !entries.is_empty())
        }
        _ => None,
    }
}

fn entry_of(value: &serde_json::Value) -> Option<(u32, String)> {
    let id = parse_id(value.get("id")?)?;
    let text = ["text", "translation"]
        .iter()
        .find_map(|k| value.get(*k)?.as_str())?;
    Some((id, text.to_owned()))
}

fn parse_id(value: &serde_json::Value) -> Option<u32> {
    match value {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        serde_json::Value::String(s) => s
            .trim()
            .trim_start_matches(['¶', 'p', 'P', '#'])
            .trim()
            .parse()
            .ok(),
        _ => None,
    }
}

/// Holds the entries against the chunk: each requested id exactly once, non-empty, nothing else.
/// On success the translations come back in chunk order with whitespace folded to one line.
pub fn check_entries(chunk: &Chunk, entries: Vec<(u32, String)>, raw: String) -> Decoded {
    let mut problems = Vec::new();
    let mut texts: Vec<Option<String>> = vec![None; chunk.paragraphs.len()];
    for (id, text) in entries {
        let Some(slot) = chunk.paragraphs.iter().position(|p| p.id.0 == id) else {
            problems.push(ContractProblem::Unexpected(id));
            continue;
        };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if texts[slot].is_some() {
            problems.push(ContractProblem::Duplicate(ParagraphId(id)));
        } else if text.is_empty() {
            problems.push(ContractProblem::Empty(ParagraphId(id)));
        } else {
            texts[slot] = Some(text);
        }
    }
    for (paragraph, text) in chunk.paragraphs.iter().zip(&texts) {
        if text.is_none() && !problems.contains(&ContractProblem::Empty(paragraph.id)) {
            problems.push(ContractProblem::Missing(paragraph.id));
        }
    }
    if !problems.is_empty() {
        return Decoded::Broken { raw, problems };
    }
    Decoded::Complete(
        chunk
            .paragraphs
            .iter()
            .zip(texts)
            .filter_map(|(p, text)| {
                Some(Translated {
                    id: p.id,
                    text: text?,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_texts(text: &str) -> Option<Vec<(u32, String)>> {
        parse_reply(text)
    }

    #[test]
    fn parses_the_exact_contract() {
        let reply = r#"{"paragraphs":[{"id":1,"text":"One"},{"id":2,"text":"Two"}]}"#;
        assert_eq!(
            ids_texts(reply),
            Some(vec![(1, "One".into()), (2, "Two".into())])
        );
    }

    #[test]
    fn finds_json_in_a_fence_after_prose() {
        let reply = "Here is the translation:\n```json\n{\"paragraphs\":[{\"id\":\"¶1\",\"text\":\"One\"}]}\n```\nHope it helps!";
        assert_eq!(ids_texts(reply), Some(vec![(1, "One".into())]));
    }

    #[test]
    fn accepts_a_bare_array_and_an_id_map() {
        assert_eq!(
            ids_texts(r#"[{"id":"2","translation":"Two"}]"#),
            Some(vec![(2, "Two".into())])
        );
        assert_eq!(ids_texts(r#"{"1":"One"}"#), Some(vec![(1, "One".into())]));
    }

    #[test]
    fn skips_braces_in_prose_before_the_json() {
        let reply = r#"Note {not json} then {"paragraphs":[{"id":1,"text":"One"}]}"#;
        assert_eq!(ids_texts(reply), Some(vec![(1, "One".into())]));
    }

    #[test]
    fn rejects_prose_and_truncated_json() {
        assert_eq!(ids_texts("I cannot translate this."), None);
        assert_eq!(ids_texts(r#"{"paragraphs":[{"id":1,"text":"On"#), None);
        assert_eq!(ids_texts(r#"{"paragraphs":[{"id":1}]}"#), None);
    }

    #[test]
    fn payload_round_trips_with_the_task_marker() {
        let payload = TranslationPayload {
            task: Task::Translate,
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            paragraphs: vec![PayloadParagraph {
                id: 1,
                text: "Hallo".into(),
            }],
        };
        let json = serde_json::to_string(&payload).expect("serializes");
        assert!(
            json.starts_with(r#"{"task":"translate","source_language":"de""#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<TranslationPayload>(&json).ok(),
            Some(payload)
        );
    }
}
