//! The sentence contract (`--align sentence`): what diglot sends an LLM to have a chunk
//! translated sentence by sentence, what must come back, and how it is verified; and the
//! sentences as separate items for the machine translation APIs, which align by construction.
//!
//! Every sentence of the chunk's paragraphs goes out with its id ([`SentenceId`], `3.2` for the
//! second sentence of paragraph 3), in one of two forms, as the paragraph contract has them:
//!
//! - **numbered** (the default, [`NumberedSentences`]): the header `German (de) → English
//!   (en)`, then one sentence a line after its marker (`[3.2] text`), paragraphs separated by
//!   a blank line; the model answers the same way. A translation that merges sentences goes
//!   after a range marker naming the first and the last (`[3.2-3.3] text`); one that splits a
//!   sentence writes both parts after its marker.
//! - **JSON** ([`SentencePayload`]): `{"task": "translate", …, "sentences": [{"id": "3.2",
//!   "text": …}]}`, answered with `{"sentences": [{"ids": ["3.2", "3.3"], "text": …}]}`.
//!
//! Replies are read leniently ([`decode_text`]: either form, ids as `3.2`, `¶3.2`, ranges with
//! `-`, `–` or `—`, lists, a second marker right after the first) and then held to the
//! contract ([`check`]): every sentence of the chunk covered exactly once, each group a run of
//! consecutive sentences of one paragraph, groups in the article's order, nothing empty, no id
//! that was not asked for. A reply that passes becomes each paragraph's [`Translated`] with its
//! [`SentencePair`]s; one that does not is [`Decoded::Broken`] with [`SentenceProblem`]s, which
//! the pipeline repairs like a broken paragraph reply. DeepL and LibreTranslate get the
//! sentences as the items of their text arrays ([`items`], [`check_positional`]). Pure: no I/O.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::contract::{
    Task, header_languages, json_values, numbered_extras, parse_numbered_extras,
};
use super::conversation::{Conversation, Role, context_of, opening, translate_system};
use super::shape::Structure;
use super::{ContractProblem, Decoded, ProviderError, Translated};
use crate::glossary::Term;
use crate::guide::Context;
use crate::ingest::ParagraphId;
use crate::ingest::sentence::{Sentence, SentenceId, SentencePair, label_of, numbered};
use crate::language::LanguageCode;
use crate::plan::Chunk;
use crate::prompt::{Prompts, RepairVars};

/// One sentence in a sentence payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadSentence {
    /// `3.2`.
    pub id: SentenceId,
    /// The source sentence.
    pub text: String,
}

/// The user message of a sentence request in JSON form. Its `sentences` field (where a
/// paragraph payload has `paragraphs`) and `deny_unknown_fields` keep the two apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentencePayload {
    /// Always [`Task::Translate`].
    pub task: Task,
    /// Language of the sentences.
    pub source_language: LanguageCode,
    /// Language to translate into.
    pub target_language: LanguageCode,
    /// Required translations of the terms in these sentences (a glossary); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub glossary: Vec<Term>,
    /// Source text before these sentences, to read and not translate; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// Every sentence of the chunk, in article order.
    pub sentences: Vec<PayloadSentence>,
}

impl SentencePayload {
    /// Parses a user message as a sentence payload: the JSON shape and `task: translate`.
    pub fn from_message(text: &str) -> Option<SentencePayload> {
        serde_json::from_str::<SentencePayload>(text)
            .ok()
            .filter(|p| p.task == Task::Translate && !p.sentences.is_empty())
    }
}

/// The user message of a sentence request in numbered form (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedSentences {
    /// Language of the sentences.
    pub source_language: LanguageCode,
    /// Language to translate into.
    pub target_language: LanguageCode,
    /// Required translations of the terms in these sentences (a glossary).
    pub glossary: Vec<Term>,
    /// Source text before these sentences, to read and not translate.
    pub context: Option<Context>,
    /// Every sentence of the chunk, in article order.
    pub sentences: Vec<PayloadSentence>,
}

impl NumberedSentences {
    /// The message: the languages, the glossary and the context when there are any (as in a
    /// numbered paragraph message), a blank line, then a sentence a line after its marker, a
    /// blank line between paragraphs.
    pub fn to_message(&self) -> String {
        let (from, to) = (self.source_language, self.target_language);
        let mut message = format!("{} ({from}) → {} ({to})", from.name(), to.name());
        message.push_str(&numbered_extras(&self.glossary, self.context.as_ref()));
        message.push('\n');
        let mut paragraph = None;
        for sentence in &self.sentences {
            if paragraph != Some(sentence.id.paragraph) {
                message.push('\n');
                paragraph = Some(sentence.id.paragraph);
            }
            message.push_str(&format!("[{}] {}\n", sentence.id.bare(), sentence.text));
        }
        message.trim_end().to_owned()
    }

    /// Parses a message built by [`NumberedSentences::to_message`]: every marker must be a
    /// single sentence id.
    pub fn from_message(text: &str) -> Option<NumberedSentences> {
        let (header, _) = text.split_once("\n\n")?;
        let (source_language, target_language) = header_languages(header)?;
        let sentences = parse_markers(text)?
            .into_iter()
            .map(|(ids, text)| match ids.as_slice() {
                [id] => Some(PayloadSentence { id: *id, text }),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        let (glossary, context) = parse_numbered_extras(text);
        Some(NumberedSentences {
            source_language,
            target_language,
            glossary,
            context,
            sentences,
        })
    }
}

/// Why a reply breaks the sentence contract; each is repairable by asking again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentenceProblem {
    /// A sentence of the request has no translation.
    Missing(SentenceId),
    /// A sentence is covered by two entries.
    Duplicate(SentenceId),
    /// An entry names a sentence that was not asked for (as the reply wrote it).
    Unexpected(String),
    /// An entry's translation is empty.
    Empty(String),
    /// An entry's sentences are not a run of consecutive sentences of one paragraph.
    NotConsecutive(String),
    /// An entry comes after one that translates a later sentence.
    OutOfOrder {
        /// The first sentence of the entry out of place.
        id: SentenceId,
        /// The last sentence of an entry before it.
        after: SentenceId,
    },
}

impl fmt::Display for SentenceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SentenceProblem::Missing(id) => write!(f, "{id} is missing"),
            SentenceProblem::Duplicate(id) => write!(f, "{id} is translated twice"),
            SentenceProblem::Unexpected(label) => write!(f, "{label} was not requested"),
            SentenceProblem::Empty(label) => write!(f, "the translation of {label} is empty"),
            SentenceProblem::NotConsecutive(label) => write!(
                f,
                "{label} are not consecutive sentences of one paragraph (a group names its \
                 first and last sentence, as in [3.2-3.3])"
            ),
            SentenceProblem::OutOfOrder { id, after } => {
                write!(f, "{id} comes after {after} (keep the article's order)")
            }
        }
    }
}

/// The sentences of every paragraph of `chunk`, in order: what goes out, and the items sent
/// to a machine translation API.
pub fn items(chunk: &Chunk) -> Vec<Sentence> {
    chunk.paragraphs.iter().flat_map(numbered).collect()
}

fn payload_sentences(chunk: &Chunk) -> Vec<PayloadSentence> {
    items(chunk)
        .into_iter()
        .map(|s| PayloadSentence {
            id: s.id,
            text: s.text,
        })
        .collect()
}

/// The sentence request for `chunk`: the sentence prompt and the sentences numbered, or for a
/// JSON structure the JSON prompt and [`SentencePayload`].
pub fn conversation(
    provider: &str,
    prompts: &Prompts,
    chunk: &Chunk,
    structure: Structure,
) -> Result<Conversation, ProviderError> {
    let plain = structure == Structure::Plain;
    let system = translate_system(chunk, |vars| prompts.translate_sentences(vars, plain))?;
    let sentences = payload_sentences(chunk);
    let (glossary, context) = (chunk.guide.terms.clone(), context_of(chunk));
    if plain {
        let payload = NumberedSentences {
            source_language: chunk.source_language,
            target_language: chunk.target_language,
            glossary,
            context,
            sentences,
        };
        return Ok(Conversation {
            system,
            turns: vec![(Role::User, payload.to_message())],
        });
    }
    let payload = SentencePayload {
        task: Task::Translate,
        source_language: chunk.source_language,
        target_language: chunk.target_language,
        glossary,
        context,
        sentences,
    };
    opening(provider, system, &payload)
}

/// The repair request: the sentence request, the broken answer `raw`, and an instruction naming
/// (the first few of) `problems` and every sentence wanted.
pub fn repair(
    provider: &str,
    prompts: &Prompts,
    chunk: &Chunk,
    raw: &str,
    problems: &[ContractProblem],
    structure: Structure,
) -> Result<Conversation, ProviderError> {
    let plain = structure == Structure::Plain;
    let mut conversation = conversation(provider, prompts, chunk, structure)?;
    let ids: Vec<String> = items(chunk)
        .iter()
        .map(|s| {
            if plain {
                format!("[{}]", s.id.bare())
            } else {
                s.id.bare()
            }
        })
        .collect();
    let instruction = prompts.repair_sentences(
        &RepairVars {
            problems: &super::list_some(problems, "; "),
            ids: &ids.join(", "),
            target_name: chunk.target_language.name(),
        },
        plain,
    )?;
    conversation.turns.push((Role::Assistant, raw.to_owned()));
    conversation.turns.push((Role::User, instruction));
    Ok(conversation)
}

/// The `response_format` of a sentence request with `json_schema`: the reply's shape.
pub fn response_schema() -> Value {
    json!({
        "type": "json_schema",
        "json_schema": {
            "name": "sentence_translations",
            "strict": true,
            "schema": {
                "type": "object",
                "properties": {
                    "sentences": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "ids": {"type": "array", "items": {"type": "string"}},
                                "text": {"type": "string"}
                            },
                            "required": ["ids", "text"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["sentences"],
                "additionalProperties": false
            }
        }
    })
}

/// An entry of a reply: the sentences it translates (as written, in order) and the text.
pub type Entry = (Vec<SentenceId>, String);

/// Reads a model's answer (thinking already removed) to a sentence request: JSON entries, else
/// numbered lines, held to the chunk. `raw` is kept for the repair request.
pub fn decode_text(chunk: &Chunk, answer: &str, raw: String) -> Decoded {
    match parse_json(answer).or_else(|| parse_markers(answer)) {
        None => Decoded::Broken {
            raw,
            problems: vec![ContractProblem::NotJson],
        },
        Some(entries) => check(chunk, entries, raw),
    }
}

/// The entries of a numbered answer: each starts at a line that begins with a sentence marker
/// (after spaces, `-` or Markdown emphasis) and runs until the next; lines are joined with
/// spaces and code fences dropped. A marker right after a marker joins the group. `None` when
/// no line has a sentence marker.
pub fn parse_markers(text: &str) -> Option<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        if let Some((mut ids, mut rest)) = marker(line) {
            while let Some((more, after)) = marker(rest) {
                ids.extend(more);
                rest = after;
            }
            entries.push((ids, rest.trim().to_owned()));
        } else if let Some((_, last)) = entries.last_mut()
            && !line.trim().is_empty()
        {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(line.trim());
        }
    }
    (!entries.is_empty()).then_some(entries)
}

/// A line's sentence marker (`[3.2]`, `[¶3.2]`, `[3.2-3.4]`, `[3.2, 3.3]`, `**[3.2]**`) as the
/// ids it names, and the text after it.
fn marker(line: &str) -> Option<(Vec<SentenceId>, &str)> {
    let line = line.trim_start().trim_start_matches(['*', '#', '-', ' ']);
    let (inside, after) = line.strip_prefix('[')?.split_once(']')?;
    let ids = ids_in(inside)?;
    Some((ids, after.trim_start_matches(['*', ':', ' '])))
}

/// The ids a marker or a JSON id names: one id, a range (`3.2-3.4`, `3.2–4`, `¶3.2—¶3.4`) or a
/// list (`3.2, 3.3`, `3.2+3.3`). A range across paragraphs or backwards is given as its two
/// ends, which the contract check reports.
fn ids_in(text: &str) -> Option<Vec<SentenceId>> {
    let text = text.trim();
    if let Some((first, last)) = text.split_once(['-', '–', '—']) {
        let first: SentenceId = first.parse().ok()?;
        let last = last.trim().trim_start_matches('¶');
        let last = match last.parse::<u32>() {
            Ok(index) => SentenceId { index, ..first },
            Err(_) => last.parse().ok()?,
        };
        if first.paragraph == last.paragraph && first.index <= last.index {
            return Some(
                (first.index..=last.index)
                    .map(|index| SentenceId { index, ..first })
                    .collect(),
            );
        }
        return Some(vec![first, last]);
    }
    text.split([',', '+', ';'])
        .map(|part| part.parse().ok())
        .collect()
}

/// The entries of a JSON answer, as leniently as the paragraph contract reads its own: the
/// object (in fences, after prose), `{"sentences"|"translations": [...]}` or a bare array of
/// `{"ids": [...]|"id": …, "text"|"translation": …}`, or a map of ids to texts.
pub fn parse_json(text: &str) -> Option<Vec<Entry>> {
    json_values(text).find_map(|value| entries_of(&value))
}

fn entries_of(value: &Value) -> Option<Vec<Entry>> {
    match value {
        Value::Array(items) if !items.is_empty() => items.iter().map(entry_of).collect(),
        Value::Object(map) => {
            if let Some(list) = ["sentences", "translations"]
                .iter()
                .find_map(|k| map.get(*k))
            {
                return entries_of(list);
            }
            map.iter()
                .map(|(key, text)| Some((ids_in(key)?, text.as_str()?.to_owned())))
                .collect::<Option<Vec<_>>>()
                .filter(|entries| !entries.is_empty())
        }
        _ => None,
    }
}

fn entry_of(value: &Value) -> Option<Entry> {
    let ids = match value.get("ids").or_else(|| value.get("id"))? {
        Value::Array(ids) => ids
            .iter()
            .map(|id| ids_in(&id_text(id)?))
            .collect::<Option<Vec<_>>>()?
            .concat(),
        id => ids_in(&id_text(id)?)?,
    };
    let text = ["text", "translation"]
        .iter()
        .find_map(|k| value.get(*k)?.as_str())?;
    Some((ids, text.to_owned()))
}

/// An id written as a string or a number (`3.2`).
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Holds `entries` to the chunk (see the module docs). On success each paragraph's translation
/// is its groups' texts joined with the target script's sentence separator, whitespace folded
/// to one line, and its sentence pairs are in order.
pub fn check(chunk: &Chunk, entries: Vec<Entry>, raw: String) -> Decoded {
    let sentences = items(chunk);
    let asked: BTreeMap<SentenceId, usize> = sentences
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    let mut covered = vec![false; sentences.len()];
    let mut groups: Vec<(Vec<SentenceId>, String)> = Vec::new();
    let mut problems: Vec<SentenceProblem> = Vec::new();
    let mut last: Option<SentenceId> = None;
    for (ids, text) in entries {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let label = ids.iter().map(ToString::to_string).collect::<Vec<_>>();
        let label = label.join(", ");
        let Some(slots) = ids
            .iter()
            .map(|id| asked.get(id).copied())
            .collect::<Option<Vec<usize>>>()
            .filter(|slots| !slots.is_empty())
        else {
            problems.push(SentenceProblem::Unexpected(label));
            continue;
        };
        if !slots.windows(2).all(|w| w[1] == w[0] + 1)
            || ids.first().map(|id| id.paragraph) != ids.last().map(|id| id.paragraph)
        {
            problems.push(SentenceProblem::NotConsecutive(label));
            continue;
        }
        for &slot in &slots {
            if std::mem::replace(&mut covered[slot], true) {
                problems.push(SentenceProblem::Duplicate(sentences[slot].id));
            }
        }
        if !crate::ingest::has_visible_text(&text) {
            problems.push(SentenceProblem::Empty(label_of(&ids)));
            continue;
        }
        if let Some(after) = last
            && ids[0] < after
        {
            problems.push(SentenceProblem::OutOfOrder { id: ids[0], after });
        }
        last = last.max(ids.last().copied());
        groups.push((ids, text));
    }
    problems.extend(
        sentences
            .iter()
            .zip(&covered)
            .filter(|(_, covered)| !**covered)
            .map(|(s, _)| SentenceProblem::Missing(s.id)),
    );
    if !problems.is_empty() {
        return Decoded::Broken {
            raw,
            problems: problems
                .into_iter()
                .map(ContractProblem::Sentence)
                .collect(),
        };
    }
    Decoded::Complete(assemble(chunk, &sentences, groups))
}

/// Each paragraph's translation from its verified, ordered groups.
fn assemble(
    chunk: &Chunk,
    sentences: &[Sentence],
    groups: Vec<(Vec<SentenceId>, String)>,
) -> Vec<Translated> {
    let text_of: BTreeMap<SentenceId, &str> =
        sentences.iter().map(|s| (s.id, s.text.as_str())).collect();
    let source_separator = chunk.source_language.sentence_separator();
    let mut by_paragraph: BTreeMap<ParagraphId, Vec<SentencePair>> = BTreeMap::new();
    for (ids, target) in groups {
        let source: Vec<&str> = ids
            .iter()
            .filter_map(|id| text_of.get(id).copied())
            .collect();
        by_paragraph
            .entry(ids[0].paragraph)
            .or_default()
            .push(SentencePair {
                source: source.join(source_separator),
                ids,
                target,
            });
    }
    chunk
        .paragraphs
        .iter()
        .map(|p| aligned(p.id, by_paragraph.remove(&p.id).unwrap_or_default(), chunk))
        .collect()
}

/// A paragraph's translation made of its sentence pairs.
fn aligned(id: ParagraphId, pairs: Vec<SentencePair>, chunk: &Chunk) -> Translated {
    let targets: Vec<&str> = pairs.iter().map(|p| p.target.as_str()).collect();
    Translated {
        id,
        text: targets.join(chunk.target_language.sentence_separator()),
        sentences: pairs,
    }
}

/// Holds a machine translation API's answer to the sentences of `chunk` sent as items
/// ([`items`]): one text per sentence, in order, none empty.
pub fn check_positional(chunk: &Chunk, texts: Vec<String>, raw: String) -> Decoded {
    let sentences = items(chunk);
    if texts.len() != sentences.len() {
        return Decoded::Broken {
            raw,
            problems: vec![ContractProblem::WrongCount {
                expected: sentences.len(),
                got: texts.len(),
            }],
        };
    }
    let entries = sentences
        .into_iter()
        .zip(texts)
        .map(|(sentence, text)| (vec![sentence.id], text))
        .collect();
    check(chunk, entries, raw)
}

/// A paragraph's translation made of `translations`, one per sentence of the paragraph
/// (sent as items of their own): aligned one to one.
pub fn one_to_one(
    paragraph: &crate::ingest::Paragraph,
    translations: Vec<String>,
    target: LanguageCode,
) -> Translated {
    let pairs: Vec<SentencePair> = numbered(paragraph)
        .into_iter()
        .zip(translations)
        .map(|(sentence, target)| SentencePair {
            ids: vec![sentence.id],
            source: sentence.text,
            target: target.split_whitespace().collect::<Vec<_>>().join(" "),
        })
        .collect();
    let targets: Vec<&str> = pairs.iter().map(|p| p.target.as_str()).collect();
    Translated {
        id: paragraph.id,
        text: targets.join(target.sentence_separator()),
        sentences: pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Paragraph;
    use crate::ingest::sentence::Align;

    fn chunk() -> Chunk {
        let paragraph = |id, text: &str| Paragraph {
            id: ParagraphId(id),
            text: text.to_owned(),
        };
        Chunk {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            paragraphs: vec![
                paragraph(1, "Eins ist eins. Zwei ist zwei."),
                paragraph(2, "Drei ist drei. Vier ist vier. Fünf ist fünf."),
            ],
            align: Align::Sentence,
            guide: crate::guide::Guide::default(),
        }
    }

    fn id(text: &str) -> SentenceId {
        text.parse().expect("an id")
    }

    fn problems(answer: &str) -> Vec<String> {
        match decode_text(&chunk(), answer, answer.to_owned()) {
            Decoded::Broken { problems, .. } => problems.iter().map(ToString::to_string).collect(),
            Decoded::Complete(done) => panic!("accepted: {done:?}"),
        }
    }

    fn accepted(answer: &str) -> Vec<Translated> {
        match decode_text(&chunk(), answer, answer.to_owned()) {
            Decoded::Complete(done) => done,
            Decoded::Broken { problems, .. } => panic!("{problems:?}"),
        }
    }

    const NUMBERED: &str = "[1.1] One is one.\n[1.2] Two is two.\n\n[2.1] Three is three.\n\
                            [2.2-2.3] Four is four, and five is five.";

    #[test]
    fn the_numbered_message_has_a_sentence_a_line_and_reads_back() {
        let mut payload = NumberedSentences {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            glossary: Vec::new(),
            context: None,
            sentences: payload_sentences(&chunk()),
        };
        let message = payload.to_message();
        assert_eq!(
            message,
            "German (de) → English (en)\n\n[1.1] Eins ist eins.\n[1.2] Zwei ist zwei.\n\n\
             [2.1] Drei ist drei.\n[2.2] Vier ist vier.\n[2.3] Fünf ist fünf."
        );
        assert_eq!(
            NumberedSentences::from_message(&message),
            Some(payload.clone())
        );
        assert_eq!(NumberedSentences::from_message(NUMBERED), None);
        let paragraphs = "German (de) → English (en)\n\n[1] Eins.";
        assert_eq!(NumberedSentences::from_message(paragraphs), None);
        // The glossary and the context go between the languages and the sentences.
        payload.glossary = vec![Term::new("Eins", "One")];
        payload.context = Some(Context {
            headline: Some("Zahlen.".into()),
            before: None,
        });
        let message = payload.to_message();
        assert!(
            message.starts_with(
                "German (de) → English (en)\n\nGlossary (required translations):\n\
                 - Eins → One\n\nContext (do not translate):\n> Headline: Zahlen.\n\n\
                 [1.1] Eins ist eins.\n"
            ),
            "{message}"
        );
        assert_eq!(NumberedSentences::from_message(&message), Some(payload));
    }

    #[test]
    fn a_numbered_reply_with_a_declared_group_is_aligned() {
        let done = accepted(NUMBERED);
        assert_eq!(done.len(), 2);
        assert_eq!(done[0].text, "One is one. Two is two.");
        let second = &done[1];
        assert_eq!(
            second.text,
            "Three is three. Four is four, and five is five."
        );
        let groups: Vec<String> = second.sentences.iter().map(SentencePair::label).collect();
        assert_eq!(groups, ["¶2.1", "¶2.2–3"]);
        assert_eq!(second.sentences[1].source, "Vier ist vier. Fünf ist fünf.");
    }

    #[test]
    fn markers_are_read_leniently() {
        let answer = "Here you go:\n```\n**[1.1]** One\nis one.\n- [¶1.2]: Two.\n\
                      [2.1][2.2] Three and four.\n[2.3–2.3] Five.\n```";
        let done = accepted(answer);
        assert_eq!(done[0].text, "One is one. Two.");
        assert_eq!(done[1].sentences[0].label(), "¶2.1–2");
        assert_eq!(
            ids_in("3.2 - 4"),
            Some(vec![id("3.2"), id("3.3"), id("3.4")])
        );
        assert_eq!(ids_in("3.2, 3.4"), Some(vec![id("3.2"), id("3.4")]));
        assert_eq!(ids_in("3.4-2.1"), Some(vec![id("3.4"), id("2.1")]));
        assert_eq!(ids_in("3"), None);
    }

    #[test]
    fn a_json_reply_is_read_with_id_lists_ranges_and_maps() {
        let answer = r#"```json
{"sentences": [{"ids": ["1.1"], "text": "One."}, {"id": "¶1.2", "translation": "Two."},
 {"ids": ["2.1", 2.2], "text": "Three, four."}, {"ids": ["2.3"], "text": "Five."}]}
```"#;
        let done = accepted(answer);
        assert_eq!(done[1].sentences[0].label(), "¶2.1–2");
        let map = r#"{"1.1": "One.", "1.2": "Two.", "2.1-2.3": "All three."}"#;
        assert_eq!(accepted(map)[1].sentences.len(), 1);
    }

    #[test]
    fn every_sentence_is_covered_once_in_order_and_not_empty() {
        assert_eq!(
            problems("[1.1] One.\n[1.2] Two.\n[2.1] Three.\n[2.2] Four."),
            ["¶2.3 is missing"]
        );
        assert_eq!(
            problems("[1.1] One.\n[1.2] Two.\n[2.1-2.2] Three.\n[2.2] Four.\n[2.3] Five."),
            ["¶2.2 is translated twice"]
        );
        let order = problems("[1.2] Two.\n[1.1] One.\n[2.1] 3\n[2.2] 4\n[2.3] 5");
        assert_eq!(order, ["¶1.1 comes after ¶1.2 (keep the article's order)"]);
        let empty = problems("[1.1] One.\n[1.2] \u{200b}\n[2.1] 3\n[2.2] 4\n[2.3] 5");
        assert_eq!(empty, ["the translation of ¶1.2 is empty"]);
        let stray = problems("[1.1] 1\n[1.2] 2\n[2.1] 3\n[2.2] 4\n[2.3] 5\n[9.1] Nine.");
        assert_eq!(stray, ["¶9.1 was not requested"]);
        let gap = problems("[1.1] 1\n[1.2] 2\n[2.1, 2.3] 3 and 5\n[2.2] 4");
        assert!(
            gap[0].starts_with("¶2.1, ¶2.3 are not consecutive"),
            "{gap:?}"
        );
        let across = problems("[1.1] 1\n[1.2-2.1] 2 and 3\n[2.2] 4\n[2.3] 5");
        assert!(
            across[0].starts_with("¶1.2, ¶2.1 are not consecutive"),
            "{across:?}"
        );
        assert_eq!(
            problems("I cannot do that."),
            ["the reply is not the requested JSON"]
        );
    }

    #[test]
    fn machine_translation_items_are_the_sentences_in_order() {
        let texts: Vec<String> = ["One.", "Two.", "Three.", "Four.", "Five."]
            .map(String::from)
            .to_vec();
        let sent: Vec<String> = items(&chunk()).into_iter().map(|s| s.text).collect();
        assert_eq!(sent.len(), 5);
        let Decoded::Complete(done) = check_positional(&chunk(), texts, String::new()) else {
            panic!("five texts for five sentences");
        };
        assert_eq!(done[1].text, "Three. Four. Five.");
        assert!(done[1].sentences.iter().all(|p| p.ids.len() == 1));
        let short = check_positional(&chunk(), vec!["One.".into()], String::new());
        assert!(matches!(short, Decoded::Broken { ref problems, .. }
                if problems == &[ContractProblem::WrongCount { expected: 5, got: 1 }]));
    }

    #[test]
    fn a_chinese_translation_is_joined_without_spaces() {
        let mut chunk = chunk();
        chunk.target_language = "zh".parse().expect("zh");
        let Decoded::Complete(done) = check(
            &chunk,
            vec![
                (vec![id("1.1")], "一。".into()),
                (vec![id("1.2")], "二。".into()),
                (vec![id("2.1"), id("2.2"), id("2.3")], "三四五。".into()),
            ],
            String::new(),
        ) else {
            panic!("complete");
        };
        assert_eq!(done[0].text, "一。二。");
    }
}
