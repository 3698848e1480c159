//! The paragraph contract between diglot and an LLM: what we send and what must come back.
//!
//! The user message of a translation request is exactly one [`TranslationPayload`] as JSON.
//! The model must answer with a [`TranslationReply`] as JSON: the same ids, each with its
//! translation. A brief request sends a [`BriefPayload`] instead (the paragraphs numbered after
//! a header) and must get the brief in the article's language back ([`parse_brief_reply`]);
//! its other side is translated afterwards, as paragraphs are. The `task` field and
//! `deny_unknown_fields` keep a translation payload from parsing as anything else. The mock
//! API parses the same types, so both sides cannot drift apart.

use serde::{Deserialize, Serialize};

use super::reading::{marker, unmarked};
pub use super::reading::{parse_numbered, strip_thinking};
use super::{ContractProblem, Decoded, Translated};
use crate::brief::{Bilingual, Brief, BriefEntity, BriefPoint};
use crate::glossary::Term;
use crate::guide::Context;
use crate::ingest::ParagraphId;
use crate::ingest::sentence::Align;
use crate::language::LanguageCode;
use crate::plan::Chunk;

/// Marks what a JSON payload asks for, so a server (the mock) can tell requests apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Translate every paragraph.
    Translate,
}

/// The user message of a translation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationPayload {
    /// Always [`Task::Translate`].
    pub task: Task,
    /// Language of the paragraphs.
    pub source_language: LanguageCode,
    /// Language to translate into.
    pub target_language: LanguageCode,
    /// Required translations of the terms in these paragraphs (a glossary); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub glossary: Vec<Term>,
    /// Source text before these paragraphs, to read and not translate; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The paragraphs, in order.
    pub paragraphs: Vec<PayloadParagraph>,
}

impl TranslationPayload {
    /// Parses a user message as a translation payload: the JSON shape and `task: translate`.
    pub fn from_message(text: &str) -> Option<TranslationPayload> {
        serde_json::from_str::<TranslationPayload>(text)
            .ok()
            .filter(|p| p.task == Task::Translate)
    }
}

/// The user message of a brief request: a header naming the language and the number of key
/// points (`Brief of 5 key points in German (de)`), then the paragraphs numbered as in a
/// [`NumberedPayload`]. The brief is asked for in the article's language only: a small model
/// asked for both languages at once writes one of them into the other's place.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefPayload {
    /// Language of the paragraphs and of the brief.
    pub source_language: LanguageCode,
    /// How many key points to write.
    pub points: u8,
    /// The paragraphs, in order.
    pub paragraphs: Vec<PayloadParagraph>,
}

/// What a brief payload's header starts with.
const BRIEF_HEADER: &str = "Brief of ";

impl BriefPayload {
    /// The message: the header, a blank line, the numbered paragraphs.
    pub fn to_message(&self) -> String {
        let language = self.source_language;
        let mut message = format!(
            "{BRIEF_HEADER}{} key points in {} ({language})",
            self.points,
            language.name()
        );
        for p in &self.paragraphs {
            message.push_str(&format!("\n\n[{}] {}", p.id, p.text));
        }
        message
    }

    /// Parses a message built by [`BriefPayload::to_message`].
    pub fn from_message(text: &str) -> Option<BriefPayload> {
        let (header, _) = text.split_once("\n\n")?;
        let (points, language) = header
            .strip_prefix(BRIEF_HEADER)?
            .split_once(" key points in ")?;
        let code = code_in_parentheses(language)?;
        let paragraphs = parse_numbered(text)?
            .into_iter()
            .map(|(id, text)| PayloadParagraph { id, text })
            .collect();
        Some(BriefPayload {
            source_language: code,
            points: points.parse().ok()?,
            paragraphs,
        })
    }
}

/// The user message of a translation request in plain mode: a header naming the languages,
/// then each paragraph after its marker (`[3] text`), paragraphs separated by blank lines. A
/// model answers in the same form, with no JSON string to escape.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberedPayload {
    /// Language of the paragraphs.
    pub source_language: LanguageCode,
    /// Language to translate into.
    pub target_language: LanguageCode,
    /// Required translations of the terms in these paragraphs (a glossary).
    pub glossary: Vec<Term>,
    /// Source text before these paragraphs, to read and not translate.
    pub context: Option<Context>,
    /// The paragraphs, in order.
    pub paragraphs: Vec<PayloadParagraph>,
}

impl NumberedPayload {
    /// The message: `German (de) → English (en)`, a blank line, the glossary and the context
    /// when there are any ([`numbered_extras`]), the numbered paragraphs.
    pub fn to_message(&self) -> String {
        let (from, to) = (self.source_language, self.target_language);
        let mut message = format!("{} ({from}) → {} ({to})", from.name(), to.name());
        message.push_str(&numbered_extras(&self.glossary, self.context.as_ref()));
        for p in &self.paragraphs {
            message.push_str(&format!("\n\n[{}] {}", p.id, p.text));
        }
        message
    }

    /// Parses a message built by [`NumberedPayload::to_message`].
    pub fn from_message(text: &str) -> Option<NumberedPayload> {
        let (header, _) = text.split_once("\n\n")?;
        let (source_language, target_language) = header_languages(header)?;
        let paragraphs = parse_numbered(text)?
            .into_iter()
            .map(|(id, text)| PayloadParagraph { id, text })
            .collect();
        let (glossary, context) = parse_numbered_extras(text);
        Some(NumberedPayload {
            source_language,
            target_language,
            glossary,
            context,
            paragraphs,
        })
    }
}

/// The languages of a numbered message's header, `German (de) → English (en)`.
pub(crate) fn header_languages(header: &str) -> Option<(LanguageCode, LanguageCode)> {
    let (from, to) = header.split_once(" → ")?;
    Some((code_in_parentheses(from)?, code_in_parentheses(to)?))
}

/// The label of a numbered message's glossary block; each entry follows as `- Kiew → Kyiv`.
pub const GLOSSARY_LABEL: &str = "Glossary (required translations):";
/// The label of a numbered message's context block; each line follows as `> Headline: …` or
/// `> Before: …` (a `>` line is never a paragraph marker).
pub const CONTEXT_LABEL: &str = "Context (do not translate):";

/// The glossary and context blocks of a numbered message, each after a blank line; empty when
/// there are neither.
pub(crate) fn numbered_extras(glossary: &[Term], context: Option<&Context>) -> String {
    let mut text = String::new();
    if !glossary.is_empty() {
        text.push_str(&format!("\n\n{GLOSSARY_LABEL}"));
        for term in glossary {
            text.push_str(&format!("\n- {}", term.describe()));
        }
    }
    if let Some(context) = context.filter(|c| !c.is_empty()) {
        text.push_str(&format!("\n\n{CONTEXT_LABEL}"));
        if let Some(headline) = &context.headline {
            text.push_str(&format!("\n> Headline: {headline}"));
        }
        if let Some(before) = &context.before {
            text.push_str(&format!("\n> Before: {before}"));
        }
    }
    text
}

/// The glossary and context of a numbered message: the lines before its first marker.
pub(crate) fn parse_numbered_extras(text: &str) -> (Vec<Term>, Option<Context>) {
    let mut glossary = Vec::new();
    let mut context = Context::default();
    for line in text.lines().take_while(|line| marker(line).is_none()) {
        if let Some((source, target)) = line.strip_prefix("- ").and_then(|l| l.split_once(" → "))
        {
            glossary.push(Term::new(source.to_owned(), target.to_owned()));
        } else if let Some(headline) = line.strip_prefix("> Headline: ") {
            context.headline = Some(headline.to_owned());
        } else if let Some(before) = line.strip_prefix("> Before: ") {
            context.before = Some(before.to_owned());
        }
    }
    (glossary, (!context.is_empty()).then_some(context))
}

/// The language code a header names after the language: `German (de)` is `de`.
fn code_in_parentheses(named: &str) -> Option<LanguageCode> {
    named
        .trim()
        .strip_suffix(')')?
        .rsplit_once('(')?
        .1
        .parse()
        .ok()
}

/// The output bound of a translation request for `chunk`, in tokens: twice the estimated
/// tokens of its text (a translation runs about as long as its source; twice leaves room for
/// longer languages and worse tokenizers), plus the JSON around each paragraph. Clamped to
/// 256..=16,384. A model that loops stops here instead of at the end of its context.
pub fn output_bound(chunk: &Chunk) -> u32 {
    let tokens: usize = chunk
        .paragraphs
        .iter()
        .map(|p| crate::plan::estimate_tokens(&p.text))
        .sum();
    let estimate = tokens * 2 + chunk.paragraphs.len() * 16 + 64;
    u32::try_from(estimate)
        .unwrap_or(u32::MAX)
        .clamp(256, 16_384)
}

/// The output bound of a brief request (its source side alone): room for the headline, 128
/// tokens a point (one sentence with its references; measured: 35 to 60) and 32 a paragraph
/// for the people and organisations it may name (measured: about 25 each). Its translation is
/// bounded as paragraphs are ([`output_bound`]).
pub fn brief_output_bound(input: &crate::brief::BriefInput) -> u32 {
    let paragraphs = u32::try_from(input.paragraphs.len()).unwrap_or(u32::MAX);
    paragraphs
        .saturating_mul(32)
        .saturating_add(512 + u32::from(input.points) * 128)
        .min(8192)
}

/// Bytes every answer may take besides what its request can produce: room for error pages,
/// model lists and a one-line request's generous answer.
pub const REPLY_HEADROOM: usize = 4_000_000;

/// The most bytes an answer of at most `bound` tokens may take: a streamed token costs a few
/// hundred bytes of event JSON (llama.cpp servers send about 230), so 1 KiB a token, plus
/// [`REPLY_HEADROOM`]. More is a broken or hostile server.
pub fn reply_limit(bound: u32) -> usize {
    REPLY_HEADROOM + bound as usize * 1024
}

/// The most bytes a machine translation answer for `chunk` may take: the texts come back a
/// few times as long as they went at most, in JSON; sixteen times that plus [`REPLY_HEADROOM`].
pub fn machine_reply_limit(chunk: &Chunk) -> usize {
    let text: usize = chunk.paragraphs.iter().map(|p| p.text.len()).sum();
    REPLY_HEADROOM + text * 16
}

/// The most bytes a list (LibreTranslate's `/languages`) may take.
pub const LIST_REPLY_LIMIT: usize = REPLY_HEADROOM;

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
    json_values(text).find_map(|value| entries_of(&value))
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
        } else if !crate::ingest::has_visible_text(&text) {
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
            .filter_map(|(p, text)| Some(Translated::new(p.id, text?)))
            .collect(),
    )
}

/// Finds a brief in the article's language in a model's answer, as leniently as
/// [`parse_reply`]: the object itself, in Markdown fences or after prose, or wrapped as
/// `{"brief": {…}}`. It needs a `headline` and a `points` array. A text is a string, or the
/// `text` (else `source`) of an object; a missing text is read as empty and missing references
/// as none, so that verification names them. Paragraph references may be numbers or strings
/// such as `"3"` or `"¶3"`, under `paragraphs`, `refs` or `references`. `entities` may be
/// absent. The brief's target sides are empty: they are translated afterwards. Returns `None`
/// when no such JSON is found.
pub fn parse_brief_reply(text: &str) -> Option<Brief> {
    json_values(text).find_map(|value| brief_of(&value))
}

/// The JSON values that start at one of the first [`MAX_JSON_STARTS`] braces or brackets.
pub(crate) fn json_values(text: &str) -> impl Iterator<Item = serde_json::Value> + '_ {
    text.char_indices()
        .filter(|(_, c)| *c == '{' || *c == '[')
        .take(MAX_JSON_STARTS)
        .filter_map(|(start, _)| {
            let mut stream =
                serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
            stream.next()?.ok()
        })
}

fn brief_of(value: &serde_json::Value) -> Option<Brief> {
    if let Some(inner) = value.get("brief") {
        return brief_of(inner);
    }
    let headline = one_side(value.get("headline")?);
    let points = value
        .get("points")?
        .as_array()?
        .iter()
        .map(|point| BriefPoint {
            source: text_in(point),
            target: String::new(),
            paragraphs: refs_of(point),
        })
        .collect();
    let entities = match value.get("entities") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(list) => list
            .as_array()?
            .iter()
            .map(|entity| BriefEntity {
                name: folded(entity.get("name")),
                role: entity.get("role").map_or_else(Bilingual::default, one_side),
                paragraphs: refs_of(entity),
            })
            .collect(),
    };
    Some(Brief {
        headline,
        points,
        entities,
    })
}

/// One side of an item: its text in the article's language, the other side still empty.
fn one_side(value: &serde_json::Value) -> Bilingual {
    Bilingual {
        source: text_in(value),
        target: String::new(),
    }
}

/// The text of an item: the value itself when it is a string, else its `text` or `source`.
fn text_in(value: &serde_json::Value) -> String {
    if value.is_string() {
        return folded(Some(value));
    }
    folded(value.get("text").or_else(|| value.get("source")))
}

/// A string with whitespace folded to single spaces; empty when absent or not a string.
fn folded(value: Option<&serde_json::Value>) -> String {
    value
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Paragraph references under `paragraphs`, `refs` or `references`: an array or a single id.
/// Ids that do not parse become `¶0`, which verification reports as not in the article.
fn refs_of(value: &serde_json::Value) -> Vec<ParagraphId> {
    let Some(refs) = ["paragraphs", "refs", "references"]
        .iter()
        .find_map(|k| value.get(*k))
    else {
        return Vec::new();
    };
    let one = |v: &serde_json::Value| ParagraphId(parse_id(v).unwrap_or(0));
    match refs {
        serde_json::Value::Array(items) => items.iter().map(one).collect(),
        serde_json::Value::Null => Vec::new(),
        single => vec![one(single)],
    }
}

/// Holds machine-translation output to the chunk: one text per paragraph, in order (DeepL and
/// LibreTranslate answer by position, not by id), none empty. Whitespace is folded to one line.
/// A chunk aligned by sentence went out as its sentences, and is held to them.
pub fn check_positional(chunk: &Chunk, texts: Vec<String>, raw: String) -> Decoded {
    if chunk.align == Align::Sentence {
        return super::sentences::check_positional(chunk, texts, raw);
    }
    if texts.len() != chunk.paragraphs.len() {
        return Decoded::Broken {
            raw,
            problems: vec![ContractProblem::WrongCount {
                expected: chunk.paragraphs.len(),
                got: texts.len(),
            }],
        };
    }
    let entries = chunk
        .paragraphs
        .iter()
        .zip(texts)
        .map(|(paragraph, text)| (paragraph.id.0, text))
        .collect();
    check_entries(chunk, entries, raw)
}

/// Reads a model's translation answer: a cut-off answer is truncation, otherwise the paragraphs
/// are found leniently and held to the chunk (its sentences, for a chunk aligned by sentence:
/// [`super::sentences`]). Shared by every LLM protocol.
pub fn decode_translation_text(chunk: &Chunk, content: String, truncated: bool) -> Decoded {
    if truncated {
        return Decoded::Broken {
            raw: content,
            problems: vec![ContractProblem::Truncated],
        };
    }
    let answer = strip_thinking(&content);
    if chunk.align == Align::Sentence {
        let answer = answer.into_owned();
        return super::sentences::decode_text(chunk, &answer, content);
    }
    let entries = parse_reply(&answer)
        .or_else(|| parse_numbered(&answer))
        .or_else(|| unmarked(chunk, &answer));
    match entries {
        None => Decoded::Broken {
            raw: content,
            problems: vec![ContractProblem::NotJson],
        },
        Some(entries) => check_entries(chunk, entries, content),
    }
}

/// Reads a model's brief answer: a cut-off answer is truncation, otherwise the brief is found
/// leniently (verification against the article comes later). Shared by every LLM protocol.
pub fn decode_brief_text(content: String, truncated: bool) -> super::BriefDecoded {
    use crate::provider::BriefDecoded;
    if truncated {
        return BriefDecoded::Broken {
            raw: content,
            problems: vec![ContractProblem::Truncated],
        };
    }
    match parse_brief_reply(&strip_thinking(&content)) {
        Some(brief) => BriefDecoded::Complete {
            brief,
            raw: content,
        },
        None => BriefDecoded::Broken {
            raw: content,
            problems: vec![ContractProblem::NotJson],
        },
    }
}

/// The token counts a JSON reply body reports under `usage`: `(usage[input], usage[output])`,
/// or `None` when the body has no such numbers. The key names are the API's
/// (`prompt_tokens`/`completion_tokens`, `input_tokens`/`output_tokens`).
pub fn reported_tokens(body: &[u8], (input, output): (&str, &str)) -> Option<(u64, u64)> {
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    let usage = body.get("usage")?;
    Some((usage.get(input)?.as_u64()?, usage.get(output)?.as_u64()?))
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
    fn a_numbered_message_carries_glossary_and_context_before_the_paragraphs() {
        let payload = NumberedPayload {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            glossary: vec![Term::new("Kiew", "Kyiv")],
            context: Some(Context {
                headline: Some("Streit um Kiew.".into()),
                before: Some("[1] Davor.".into()),
            }),
            paragraphs: vec![PayloadParagraph {
                id: 3,
                text: "Kiew schwieg.".into(),
            }],
        };
        let message = payload.to_message();
        assert_eq!(
            message,
            "German (de) → English (en)\n\nGlossary (required translations):\n- Kiew → Kyiv\n\n\
             Context (do not translate):\n> Headline: Streit um Kiew.\n> Before: [1] Davor.\n\n\
             [3] Kiew schwieg."
        );
        // The context's `[1]` is no paragraph: only ¶3 is asked for.
        assert_eq!(NumberedPayload::from_message(&message), Some(payload));
        let plain = NumberedPayload {
            glossary: vec![],
            context: None,
            ..NumberedPayload::from_message(&message).expect("parses")
        };
        assert_eq!(
            plain.to_message(),
            "German (de) → English (en)\n\n[3] Kiew schwieg."
        );
    }

    #[test]
    fn payload_round_trips_with_the_task_marker() {
        let payload = TranslationPayload {
            task: Task::Translate,
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            glossary: vec![],
            context: None,
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

    const BRIEF: &str = r#"{"headline":"Kopf",
        "points":[{"text":"Eins","paragraphs":[1,"¶2"]}],
        "entities":[{"name":"Rutte","role":"Premier","paragraphs":[1]}]}"#;

    #[test]
    fn parses_a_brief_in_fences_after_prose() {
        let reply = format!("Here is the brief:\n```json\n{BRIEF}\n```");
        let brief = parse_brief_reply(&reply).expect("a brief");
        assert_eq!(brief.headline.source, "Kopf");
        assert_eq!(brief.points[0].source, "Eins");
        assert_eq!(brief.points[0].paragraphs, [ParagraphId(1), ParagraphId(2)]);
        assert_eq!(brief.entities[0].name, "Rutte");
        assert_eq!(brief.entities[0].role.source, "Premier");
        assert_eq!(brief.source_texts(), ["Kopf", "Eins", "Premier"]);
        assert!(brief.points[0].target.is_empty() && brief.headline.target.is_empty());
    }

    #[test]
    fn brief_parse_accepts_a_wrapper_single_refs_no_entities_and_bilingual_items() {
        let reply = r#"{"brief":{"headline":{"source":"K","target":"H"},
            "points":[{"source":"a\n b","target":"c","refs":"3"}]}}"#;
        let brief = parse_brief_reply(reply).expect("a brief");
        assert_eq!(brief.points[0].paragraphs, [ParagraphId(3)]);
        assert_eq!(brief.headline.source, "K");
        assert_eq!(brief.points[0].source, "a b");
        assert_eq!(brief.points[0].target, "", "the other side is translated");
        assert!(brief.entities.is_empty());
    }

    #[test]
    fn brief_parse_reads_missing_texts_as_empty_and_bad_ids_as_zero() {
        let reply = r#"{"headline":{"title":"H"},"points":[{"paragraphs":["x"]}],
            "entities":[{"name":"Rutte"}]}"#;
        let brief = parse_brief_reply(reply).expect("a brief");
        assert_eq!(brief.headline.source, "");
        assert_eq!(brief.points[0].source, "");
        assert_eq!(brief.points[0].paragraphs, [ParagraphId(0)]);
        assert_eq!(brief.entities[0].role.source, "");
    }

    #[test]
    fn brief_parse_rejects_prose_and_translation_replies() {
        assert_eq!(parse_brief_reply("Sure, here is a summary."), None);
        assert_eq!(
            parse_brief_reply(r#"{"paragraphs":[{"id":1,"text":"One"}]}"#),
            None
        );
        assert_eq!(parse_brief_reply(&BRIEF[..40]), None);
    }

    #[test]
    fn brief_payload_round_trips_and_never_parses_as_a_translation() {
        let brief = BriefPayload {
            source_language: LanguageCode::DE,
            points: 5,
            paragraphs: vec![
                PayloadParagraph {
                    id: 1,
                    text: "Hallo".into(),
                },
                PayloadParagraph {
                    id: 2,
                    text: "Welt".into(),
                },
            ],
        };
        let message = brief.to_message();
        assert_eq!(
            message,
            "Brief of 5 key points in German (de)\n\n[1] Hallo\n\n[2] Welt"
        );
        assert_eq!(BriefPayload::from_message(&message), Some(brief));
        assert_eq!(TranslationPayload::from_message(&message), None);
        assert_eq!(NumberedPayload::from_message(&message), None);
        let numbered = "German (de) → English (en)\n\n[1] Hallo";
        assert!(NumberedPayload::from_message(numbered).is_some());
        assert_eq!(BriefPayload::from_message(numbered), None);
        let translation =
            r#"{"task":"translate","source_language":"de","target_language":"en","paragraphs":[]}"#;
        assert!(TranslationPayload::from_message(translation).is_some());
        assert_eq!(BriefPayload::from_message(translation), None);
        let mislabelled =
            r#"{"task":"brief","source_language":"de","target_language":"en","paragraphs":[]}"#;
        assert_eq!(TranslationPayload::from_message(mislabelled), None);
    }
}
