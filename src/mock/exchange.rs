//! A recorded exchange: one request a real API got and the answer it gave, as
//! `diglot mock-server --record` writes it into a cassette and `--cassettes` replays it.
//!
//! Owns the recorded shapes ([`Exchange`]), the [`Key`] a request is matched by, and reading
//! what an answer says (plain or streamed) in each wire format. Pure: no I/O. A request is
//! matched on what it asks, never on how it is worded: a diglot payload (translation, plain
//! numbered mode, sentence by sentence in either form, or brief) by its languages, its
//! paragraphs' (or sentences') ids and texts and its turns
//! (a repair is a later turn of the same payload); another chat or Messages request by what
//! each message says; a DeepL or LibreTranslate request by its languages and texts; anything
//! else by method, path, query and body. Models, prompts, keys and sampling settings do not
//! count, so a recording made with one key and prompt wording replays for another.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::openai::{Payload, content_text, payload_in};
use crate::language::LanguageCode;
use crate::provider::contract::{parse_numbered, parse_reply, strip_thinking};
use crate::provider::stream::SseParser;

/// Body fields that carry a key (LibreTranslate's `api_key`, DeepL's old `auth_key`): never
/// written into a cassette, and not part of a request's [`Key`].
pub(super) const SECRET_FIELDS: [&str; 2] = ["api_key", "auth_key"];
/// Query parameters that carry a key, for the same reasons.
pub(super) const SECRET_PARAMS: [&str; 3] = ["api_key", "auth_key", "key"];

/// One request and its answer, as a cassette holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// What the client asked, without its keys.
    pub request: RecordedRequest,
    /// What the real API answered.
    pub response: RecordedResponse,
}

/// A request as recorded: no headers but its content type, no key in the body or the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// `POST`, `GET`, …
    pub method: String,
    /// The path, such as `/v1/chat/completions`.
    pub path: String,
    /// The query string without its keys; empty when there is none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// The `Content-Type` header, which says how the body reads.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The body: JSON as JSON, anything else (a form) as a string, `null` when empty.
    #[serde(default)]
    pub body: Value,
}

/// An answer as recorded, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header (`text/event-stream` for a streamed answer).
    #[serde(default)]
    pub content_type: Option<String>,
    /// The `Retry-After` header, if the answer had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// The body as sent (a broken reply stays broken).
    pub body: String,
    /// `false` when the recording stopped before the answer's end: the client hung up, the
    /// connection broke, or the answer passed the size the recorder keeps.
    #[serde(default = "complete", skip_serializing_if = "Clone::clone")]
    pub complete: bool,
}

/// Serde's default for [`RecordedResponse::complete`].
fn complete() -> bool {
    true
}

impl RecordedRequest {
    /// The body's bytes as a client sent them, for [`key_of`].
    fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Value::Null => Vec::new(),
            Value::String(text) => text.clone().into_bytes(),
            json => json.to_string().into_bytes(),
        }
    }

    /// The key this request is matched by.
    pub fn key(&self) -> Key {
        key_of(&RequestParts {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            content_type: self.content_type.as_deref(),
            body: &self.body_bytes(),
        })
    }
}

/// The parts of a request its [`Key`] is made of.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// `POST`, `GET`, …
    pub method: &'a str,
    /// The path.
    pub path: &'a str,
    /// The query string, possibly with keys (they are left out of the key).
    pub query: &'a str,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The body's bytes.
    pub body: &'a [u8],
}

/// What a request is matched on (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A diglot payload on an LLM wire format.
    Payload {
        /// The path.
        path: String,
        /// `translate`, `numbered` or `brief`.
        task: &'static str,
        /// Source and target language (a brief is asked for in one: its source language).
        languages: (LanguageCode, Option<LanguageCode>),
        /// A brief's number of points.
        points: Option<u8>,
        /// The paragraphs' ids and texts, in order.
        paragraphs: Vec<(u32, String)>,
        /// Messages after the system prompt: 1 for the first ask, 3 for a repair.
        turns: usize,
        /// Whether the answer is to be streamed.
        stream: bool,
    },
    /// Any other chat or Messages request: the role and text of every message.
    Prompt {
        /// The path.
        path: String,
        /// Each message's role and text, the system prompt first.
        messages: Vec<(String, String)>,
        /// Whether the answer is to be streamed.
        stream: bool,
    },
    /// A DeepL or LibreTranslate translation.
    Texts {
        /// The path.
        path: String,
        /// The source language as sent (`None` when left out).
        source: Option<String>,
        /// The target language as sent.
        target: String,
        /// The texts, in order.
        texts: Vec<String>,
        /// Whether the texts came as a list (LibreTranslate answers one text as a string).
        many: bool,
    },
    /// Anything else.
    Other {
        /// The method.
        method: String,
        /// The path.
        path: String,
        /// The query without keys.
        query: String,
        /// The body without keys.
        body: String,
    },
}

/// The wire format a path belongs to, as cassette file names say it.
pub fn protocol_of(path: &str) -> &'static str {
    if path.ends_with("/chat/completions") {
        "openai"
    } else if path.ends_with("/messages") {
        "anthropic"
    } else if path.ends_with("/v2/translate") {
        "deepl"
    } else if path.ends_with("/translate") {
        "libretranslate"
    } else {
        "other"
    }
}

/// The key `request` is matched by.
pub fn key_of(request: &RequestParts<'_>) -> Key {
    let form = super::deepl::is_form(request.content_type);
    let keyed = match protocol_of(request.path) {
        "openai" | "anthropic" => serde_json::from_slice(request.body)
            .ok()
            .and_then(|body| llm_key(request.path, &body)),
        "deepl" => super::deepl::body_json(form, request.body)
            .ok()
            .and_then(|body| serde_json::from_value(body).ok())
            .and_then(|r| deepl_key(request.path, r)),
        "libretranslate" => super::libretranslate::body_json(form, request.body)
            .ok()
            .and_then(|body| serde_json::from_value(body).ok())
            .map(|r| libretranslate_key(request.path, r)),
        _ => None,
    };
    keyed.unwrap_or_else(|| Key::Other {
        method: request.method.to_owned(),
        path: request.path.to_owned(),
        query: without_secret_params(request.query),
        body: without_secret_fields(form, request.body),
    })
}

/// The key of a chat or Messages request, `None` when it is not one.
fn llm_key(path: &str, body: &Value) -> Option<Key> {
    let mut said: Vec<(String, String)> = Vec::new();
    if let Some(system) = body.get("system") {
        let text = content_text(system).unwrap_or_default();
        said.push(("system".to_owned(), text.into_owned()));
    }
    for message in body.get("messages")?.as_array()? {
        let role = message.get("role")?.as_str()?.to_owned();
        let text = message.get("content").and_then(content_text);
        said.push((role, text.unwrap_or_default().into_owned()));
    }
    let stream = body.get("stream") == Some(&Value::Bool(true));
    let path = path.to_owned();
    let payload = said
        .iter()
        .filter(|(role, _)| role == "user")
        .find_map(|(_, text)| payload_in(text));
    let (task, languages, points, paragraphs) = match payload {
        Some(Payload::Translate(p)) => (
            "translate",
            (p.source_language, Some(p.target_language)),
            None,
            p.paragraphs,
        ),
        Some(Payload::Numbered(p)) => (
            "numbered",
            (p.source_language, Some(p.target_language)),
            None,
            p.paragraphs,
        ),
        Some(Payload::Sentences(ask)) => (
            if ask.numbered {
                "numbered-sentences"
            } else {
                "sentences"
            },
            (ask.source_language, Some(ask.target_language)),
            None,
            ask.keyed()
                .into_iter()
                .map(|(id, text)| crate::provider::contract::PayloadParagraph { id, text })
                .collect(),
        ),
        Some(Payload::Brief(p)) => (
            "brief",
            (p.source_language, None),
            Some(p.points),
            p.paragraphs,
        ),
        Some(Payload::Plain(_)) | None => {
            return Some(Key::Prompt {
                path,
                messages: said,
                stream,
            });
        }
    };
    let turns = said
        .iter()
        .filter(|(role, _)| !["system", "developer"].contains(&role.as_str()))
        .count();
    Some(Key::Payload {
        path,
        task,
        languages,
        points,
        paragraphs: paragraphs.into_iter().map(|p| (p.id, p.text)).collect(),
        turns,
        stream,
    })
}

fn deepl_key(path: &str, request: super::deepl::TranslateRequest) -> Option<Key> {
    Some(Key::Texts {
        path: path.to_owned(),
        source: request.source_lang.map(|s| s.to_ascii_uppercase()),
        target: request.target_lang?.to_ascii_uppercase(),
        texts: request.text?,
        many: true,
    })
}

fn libretranslate_key(path: &str, request: super::libretranslate::TranslateRequest) -> Key {
    use super::libretranslate::Query;
    let (texts, many) = match request.q {
        Query::One(text) => (vec![text], false),
        Query::Many(texts) => (texts, true),
    };
    Key::Texts {
        path: path.to_owned(),
        source: Some(request.source.to_ascii_lowercase()),
        target: request.target.to_ascii_lowercase(),
        texts,
        many,
    }
}

/// A query string without the parameters that carry keys.
pub(super) fn without_secret_params(query: &str) -> String {
    let kept = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| !SECRET_PARAMS.contains(&name.as_ref()));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

/// A body without the fields that carry keys: a JSON object or a form loses them, anything
/// else stays as it is.
pub(super) fn without_secret_fields(form: bool, body: &[u8]) -> String {
    if form {
        return without_secret_params(&String::from_utf8_lossy(body));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut fields)) => {
            for name in SECRET_FIELDS {
                fields.remove(name);
            }
            Value::Object(fields).to_string()
        }
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

/// What a 2xx answer says: the model's text for the LLM wire formats (from the body, or
/// gathered from a stream's events), each translation for DeepL and LibreTranslate. `None`
/// when the answer is an error or does not read.
pub fn reply_texts(path: &str, response: &RecordedResponse) -> Option<Vec<String>> {
    if !(200..300).contains(&response.status) {
        return None;
    }
    let streamed = response
        .content_type
        .as_deref()
        .is_some_and(|t| t.starts_with("text/event-stream"));
    match protocol_of(path) {
        "openai" | "anthropic" if streamed => Some(vec![streamed_text(&response.body)]),
        "openai" => {
            let body: Value = serde_json::from_str(&response.body).ok()?;
            let content = body.pointer("/choices/0/message/content")?.as_str()?;
            Some(vec![content.to_owned()])
        }
        "anthropic" => {
            let body: Value = serde_json::from_str(&response.body).ok()?;
            Some(vec![content_text(body.get("content")?)?.into_owned()])
        }
        "deepl" => {
            let body: Value = serde_json::from_str(&response.body).ok()?;
            let translations = body.get("translations")?.as_array()?;
            translations
                .iter()
                .map(|t| Some(t.get("text")?.as_str()?.to_owned()))
                .collect()
        }
        "libretranslate" => {
            let body: Value = serde_json::from_str(&response.body).ok()?;
            match body.get("translatedText")? {
                Value::String(text) => Some(vec![text.clone()]),
                Value::Array(texts) => texts.iter().map(|t| Some(t.as_str()?.to_owned())).collect(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The text a stream of OpenAI chunks or Anthropic events carries, in order.
fn streamed_text(body: &str) -> String {
    let mut parser = SseParser::default();
    let mut events = Vec::new();
    parser.feed(body.as_bytes(), &mut events);
    parser.finish(&mut events);
    events
        .iter()
        .filter_map(|data| serde_json::from_str::<Value>(data).ok())
        .filter_map(|event| {
            let piece = event
                .pointer("/choices/0/delta/content")
                .or_else(|| event.pointer("/delta/text"))?;
            Some(piece.as_str()?.to_owned())
        })
        .collect()
}

/// The paragraphs an exchange translates, as a paragraph cassette records them.
#[derive(Debug, Clone, PartialEq)]
pub struct Translations {
    /// The paragraphs' language.
    pub source: LanguageCode,
    /// The translations' language.
    pub target: LanguageCode,
    /// Each source text and its translation, in the request's order.
    pub pairs: Vec<(String, String)>,
}

/// What `response` translates `key`'s paragraphs into, when it answers each of them exactly
/// once: a reply that breaks the contract is replayed as recorded, but teaches the paragraph
/// index nothing.
pub fn translations(key: &Key, response: &RecordedResponse) -> Option<Translations> {
    match key {
        Key::Payload {
            path,
            task,
            languages: (source, Some(target)),
            paragraphs,
            ..
        } if task.ends_with("sentences") => {
            let [reply] = reply_texts(path, response)?.try_into().ok()?;
            let pairs = super::sentences::recorded_pairs((*source, *target), paragraphs, &reply)?;
            Some(Translations {
                source: *source,
                target: *target,
                pairs,
            })
        }
        Key::Payload {
            path,
            task,
            languages: (source, Some(target)),
            paragraphs,
            ..
        } => {
            let [reply] = reply_texts(path, response)?.try_into().ok()?;
            let reply = strip_thinking(&reply);
            let entries = if *task == "numbered" {
                parse_numbered(&reply)?
            } else {
                parse_reply(&reply)?
            };
            let pairs = paired_by_id(paragraphs, entries)?;
            Some(Translations {
                source: *source,
                target: *target,
                pairs,
            })
        }
        Key::Texts {
            path,
            source,
            target,
            texts,
            ..
        } => {
            let answers = reply_texts(path, response)?;
            if answers.len() != texts.len() {
                return None;
            }
            let (source, target) = text_languages(path, source.as_deref(), target, response)?;
            Some(Translations {
                source,
                target,
                pairs: texts.iter().cloned().zip(answers).collect(),
            })
        }
        _ => None,
    }
}

/// Each paragraph's text with the entry of the same id, when the ids are exactly the
/// paragraphs' (none missing, none twice, none extra).
fn paired_by_id(
    paragraphs: &[(u32, String)],
    entries: Vec<(u32, String)>,
) -> Option<Vec<(String, String)>> {
    let asked: BTreeSet<u32> = paragraphs.iter().map(|(id, _)| *id).collect();
    let answered: BTreeSet<u32> = entries.iter().map(|(id, _)| *id).collect();
    if asked != answered || entries.len() != paragraphs.len() {
        return None;
    }
    paragraphs
        .iter()
        .map(|(id, text)| {
            let (_, answer) = entries.iter().find(|(entry, _)| entry == id)?;
            Some((text.clone(), answer.clone()))
        })
        .collect()
}

/// The language pair of a DeepL or LibreTranslate exchange: the source as sent, or as the
/// answer says it detected it (one language for every text), and the target.
fn text_languages(
    path: &str,
    source: Option<&str>,
    target: &str,
    response: &RecordedResponse,
) -> Option<(LanguageCode, LanguageCode)> {
    let body: Value = serde_json::from_str(&response.body).ok()?;
    let base = |code: &str| code.get(..2)?.to_ascii_lowercase().parse().ok();
    let detected = if protocol_of(path) == "deepl" {
        let mut codes = body
            .get("translations")?
            .as_array()?
            .iter()
            .map(|t| t.get("detected_source_language").and_then(Value::as_str));
        let first = codes.next()??;
        codes.all(|c| c == Some(first)).then_some(first)
    } else {
        body.pointer("/detectedLanguage/language")
            .and_then(Value::as_str)
    };
    let source = match source {
        Some("auto") | None => base(detected?)?,
        Some(code) => base(code)?,
    };
    Some((source, base(target)?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parts<'a>(path: &'a str, content_type: Option<&'a str>, body: &'a [u8]) -> RequestParts<'a> {
        RequestParts {
            method: "POST",
            path,
            query: "",
            content_type,
            body,
        }
    }

    fn chat(messages: Value, extra: Value) -> Vec<u8> {
        let mut body = json!({"model": "m", "messages": messages});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body.to_string().into_bytes()
    }

    fn payload(paragraphs: &[(u32, &str)]) -> String {
        let paragraphs: Vec<Value> = paragraphs
            .iter()
            .map(|(id, text)| json!({"id": id, "text": text}))
            .collect();
        json!({"task": "translate", "source_language": "de", "target_language": "en",
               "paragraphs": paragraphs})
        .to_string()
    }

    #[test]
    fn a_payload_matches_on_its_paragraphs_and_turns_not_on_its_wording() {
        let user = payload(&[(1, "Eins."), (2, "Zwei.")]);
        let key = |system: &str, model_extra: Value, turns: &[(&str, &str)]| {
            let mut messages = vec![
                json!({"role": "system", "content": system}),
                json!({"role": "user", "content": user}),
            ];
            messages.extend(turns.iter().map(|(r, c)| json!({"role": r, "content": c})));
            let body = chat(Value::from(messages), model_extra);
            key_of(&parts(
                "/v1/chat/completions",
                Some("application/json"),
                &body,
            ))
        };
        let first = key("Translate.", json!({"temperature": 0}), &[]);
        assert_eq!(first, key("Other words.", json!({"max_tokens": 9}), &[]));
        let repair = key(
            "Translate.",
            json!({}),
            &[("assistant", "{}"), ("user", "Fix it.")],
        );
        assert_ne!(first, repair);
        assert!(
            matches!(repair, Key::Payload { turns: 3, .. }),
            "{repair:?}"
        );
        let streamed = key("Translate.", json!({"stream": true}), &[]);
        assert_ne!(first, streamed);
        let other = payload(&[(1, "Eins."), (2, "Drei.")]);
        let body = chat(json!([{"role": "user", "content": other}]), json!({}));
        assert_ne!(first, key_of(&parts("/v1/chat/completions", None, &body)));
    }

    #[test]
    fn the_same_payload_keys_alike_in_both_llm_formats_but_for_the_path() {
        let user = payload(&[(4, "Vier.")]);
        let anthropic = json!({"model": "m", "max_tokens": 9, "system": "Translate.",
                               "messages": [{"role": "user", "content": [{"type": "text", "text": user}]}]});
        let body = anthropic.to_string().into_bytes();
        let Key::Payload {
            paragraphs,
            turns,
            task,
            ..
        } = key_of(&parts("/v1/messages", None, &body))
        else {
            panic!("a payload");
        };
        assert_eq!(
            (paragraphs, turns, task),
            (vec![(4, "Vier.".to_owned())], 1, "translate")
        );
    }

    #[test]
    fn deepl_matches_json_and_form_bodies_alike_and_ignores_keys_and_case() {
        let json = br#"{"text": ["Eins.", "Zwei."], "source_lang": "de", "target_lang": "EN-US"}"#;
        let form = b"text=Eins.&text=Zwei.&source_lang=DE&target_lang=en-us&auth_key=secret";
        let from_json = key_of(&parts("/v2/translate", Some("application/json"), json));
        let from_form = key_of(&parts(
            "/v2/translate",
            Some("application/x-www-form-urlencoded"),
            form,
        ));
        assert_eq!(from_json, from_form);
        assert!(matches!(from_json, Key::Texts { .. }));
    }

    #[test]
    fn other_requests_match_without_their_keys() {
        let with_key = RequestParts {
            method: "POST",
            path: "/detect",
            query: "key=abc&x=1",
            content_type: Some("application/json"),
            body: br#"{"q": "Hallo", "api_key": "secret"}"#,
        };
        let without = RequestParts {
            query: "x=1",
            body: br#"{"q": "Hallo"}"#,
            ..with_key
        };
        assert_eq!(key_of(&with_key), key_of(&without));
        assert!(!format!("{:?}", key_of(&with_key)).contains("secret"));
    }

    fn response(content_type: &str, body: &str) -> RecordedResponse {
        RecordedResponse {
            status: 200,
            content_type: Some(content_type.to_owned()),
            retry_after: None,
            body: body.to_owned(),
            complete: true,
        }
    }

    #[test]
    fn reads_the_text_of_plain_and_streamed_answers() {
        let chat = json!({"choices": [{"message": {"content": "Hi."}}]}).to_string();
        let texts = reply_texts("/v1/chat/completions", &response("application/json", &chat));
        assert_eq!(texts, Some(vec!["Hi.".to_owned()]));
        let stream = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n\
                      data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n\
                      data: {\"choices\":[{\"delta\":{\"content\":\"lo.\"}}]}\n\ndata: [DONE]\n\n";
        let texts = reply_texts(
            "/v1/chat/completions",
            &response("text/event-stream", stream),
        );
        assert_eq!(texts, Some(vec!["Hello.".to_owned()]));
        let anthropic = "event: content_block_delta\n\
                         data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Ja\"}}\n\n";
        let texts = reply_texts("/v1/messages", &response("text/event-stream", anthropic));
        assert_eq!(texts, Some(vec!["Ja".to_owned()]));
        let deepl = r#"{"translations": [{"text": "One.", "detected_source_language": "DE"}]}"#;
        let texts = reply_texts("/v2/translate", &response("application/json", deepl));
        assert_eq!(texts, Some(vec!["One.".to_owned()]));
        let mut refused = response("application/json", "{}");
        refused.status = 429;
        assert_eq!(reply_texts("/v2/translate", &refused), None);
    }

    #[test]
    fn translations_need_every_paragraph_exactly_once() {
        let user = payload(&[(1, "Eins."), (2, "Zwei.")]);
        let body = chat(json!([{"role": "user", "content": user}]), json!({}));
        let key = key_of(&parts("/v1/chat/completions", None, &body));
        let answer = |content: &str| {
            let body = json!({"choices": [{"message": {"content": content}}]}).to_string();
            translations(&key, &response("application/json", &body))
        };
        let whole = answer(
            r#"<think>ok</think>{"paragraphs": [{"id": 2, "text": "Two."}, {"id": 1, "text": "One."}]}"#,
        );
        let pairs = whole.map(|t| t.pairs);
        assert_eq!(
            pairs,
            Some(vec![
                ("Eins.".to_owned(), "One.".to_owned()),
                ("Zwei.".to_owned(), "Two.".to_owned())
            ])
        );
        assert_eq!(
            answer(r#"{"paragraphs": [{"id": 1, "text": "One."}]}"#),
            None
        );
        assert_eq!(
            answer(r#"{"paragraphs": [{"id": 1, "text": "One."}, {"id": 1, "te"#),
            None
        );
    }

    #[test]
    fn deepl_translations_take_the_detected_language_when_none_was_sent() {
        let body = br#"{"text": ["Eins."], "target_lang": "EN-GB"}"#;
        let key = key_of(&parts("/v2/translate", None, body));
        let answer = r#"{"translations": [{"text": "One.", "detected_source_language": "DE"}]}"#;
        let found = translations(&key, &response("application/json", answer));
        assert_eq!(
            found,
            Some(Translations {
                source: LanguageCode::DE,
                target: LanguageCode::EN,
                pairs: vec![("Eins.".to_owned(), "One.".to_owned())],
            })
        );
    }
}
