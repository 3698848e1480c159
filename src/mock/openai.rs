//! The OpenAI-compatible side of the mock API: `POST /v1/chat/completions` and `GET /v1/models`.
//!
//! Owns the chat wire format as the mock sees it. In: a chat request whose first user message
//! that parses as a [`TranslationPayload`] or a [`BriefPayload`] is the payload (later
//! messages, such as a repair turn, are ignored). Out: a chat completion whose content is a
//! [`TranslationReply`] as JSON, with each paragraph answered from the cassettes or
//! pseudo-translated, or a brief (`brief.rs`), shaped by the request's fault if it has one.
//! Latency, logging and routing live in `mod.rs`; the answers themselves in `cassette.rs` and
//! `brief.rs`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::emulate::Answer;
use super::faults::FaultKind;
use crate::provider::contract::{
    BriefPayload, NumberedPayload, PayloadParagraph, TranslationPayload, TranslationReply,
};

/// The only model the mock lists; any requested model name is accepted and echoed.
pub const MODEL_ID: &str = "diglot-mock";

/// What the `not-json` fault answers instead of the reply.
pub(super) const PROSE_REPLY: &str = "Sure! I have translated the article for you. The paragraphs read \
    naturally now, and I kept every name and number as it was.";

/// The sentence the `fenced` fault puts before the fenced reply.
pub(super) const FENCE_PREAMBLE: &str = "Here is the translation you asked for.";

/// Why a chat request gets a 400: the text goes into the OpenAI-style error message.
#[derive(Debug, thiserror::Error)]
enum BadRequest {
    /// The body does not parse as JSON at all.
    #[error("request body is not valid JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON but not `{"model": "...", "messages": [...]}`.
    #[error("request body is not a chat completion request: {0}")]
    NotChat(#[source] serde_json::Error),
    /// No user message has text: neither a diglot payload nor a plain prompt.
    #[error(
        "no user message holds text: a diglot translation payload (a JSON object with task, \
         source_language, target_language and paragraphs), a brief payload (the same with \
         task \"brief\" and points), or a plain prompt"
    )]
    NoPayload,
}

/// The parts of an OpenAI chat request the mock reads.
#[derive(Debug, Deserialize)]
struct ChatRequest {
    model: String,
    messages: Vec<ChatMessage>,
    #[serde(default)]
    stream: bool,
    #[serde(default)]
    stream_options: Option<Value>,
    #[serde(default)]
    max_tokens: Option<usize>,
    #[serde(default)]
    max_completion_tokens: Option<usize>,
}

/// One chat message; `content` may be any JSON (OpenAI also allows arrays of parts).
#[derive(Debug, Deserialize)]
struct ChatMessage {
    role: String,
    #[serde(default)]
    content: Value,
}

/// What a request asks for.
#[derive(Debug)]
pub(super) enum Payload {
    /// A translation.
    Translate(TranslationPayload),
    /// A brief.
    Brief(BriefPayload),
    /// A translation in plain mode: numbered paragraphs, answered the same way.
    Numbered(NumberedPayload),
    /// A translation aligned by sentence, numbered or JSON (`sentences.rs`).
    Sentences(super::sentences::SentenceAsk),
    /// Any other chat request, such as another tool's "translate this article" prompt: the
    /// last user message's text, answered with a plain-text pseudo-translation.
    Plain(String),
}

impl Payload {
    /// The next fault of the server's queue that a request of this kind takes (brief faults
    /// for briefs, sentence faults for sentence requests).
    pub(super) fn next_fault(&self, faults: &super::faults::FaultQueue) -> Option<FaultKind> {
        match self {
            Payload::Sentences(_) => faults.next_for_sentences(),
            Payload::Brief(_) => faults.next_for(true),
            _ => faults.next_for(false),
        }
    }
}

/// A valid translation or brief request: what the answer needs from it.
#[derive(Debug)]
struct Translation {
    model: String,
    payload: Payload,
    /// Characters in all message contents, for the token estimate.
    prompt_chars: usize,
    /// Whether the answer is to be streamed, and with usage at its end.
    stream: Option<bool>,
    /// The output bound in tokens, if the request set one.
    bound: Option<usize>,
    /// The request turned thinking off.
    thinking_off: bool,
}

/// `POST /v1/chat/completions`: answers a translation request, or a fault, or a 400.
pub(super) async fn chat_completions(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<Value>(&body);
    let logged = parsed.as_ref().map_or(Value::Null, Clone::clone);
    let bad_key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {}", super::BAD_KEY));
    shared
        .respond(method, uri, logged, || {
            if bad_key {
                return refused(FaultKind::Unauthorized);
            }
            answer_chat(&shared, parsed)
        })
        .await
}

/// The OpenAI-style answer to the `401`, `403` and `456` faults (and to the bad key).
fn refused(kind: FaultKind) -> Response {
    match kind {
        FaultKind::Forbidden => error_response(
            StatusCode::FORBIDDEN,
            "permission_error",
            "the mock server refuses access (fault 403)",
        ),
        FaultKind::QuotaExceeded => error_response(
            status_456(),
            "insufficient_quota",
            "you exceeded your current quota (fault 456)",
        ),
        _ => error_response(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Incorrect API key provided (the mock refuses its documented bad key, and fault 401)",
        ),
    }
}

/// DeepL's non-standard "quota exceeded" status.
pub(super) fn status_456() -> StatusCode {
    // Invariant: 456 is within 100..=999.
    StatusCode::from_u16(456).expect("456 is a valid status code")
}

/// `GET /v1/models`: lists the one mock model.
pub(super) async fn models(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
) -> Response {
    let list = json!({
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "owned_by": "diglot"}],
    });
    shared
        .respond(method, uri, Value::Null, || {
            json_response(StatusCode::OK, list.to_string())
        })
        .await
}

/// The answer to a chat request. Only well-formed translation requests use up a fault.
pub(super) fn answer_chat(shared: &Shared, parsed: Result<Value, serde_json::Error>) -> Response {
    if let Ok(body) = &parsed
        && let Some(refusal) = shared.emulations.refusal(body)
    {
        return refusal;
    }
    let translation = match parsed
        .map_err(BadRequest::NotJson)
        .and_then(|body| translation_request(&body))
    {
        Ok(translation) => translation,
        Err(bad) => return error_response(StatusCode::BAD_REQUEST, "invalid_request_error", bad),
    };
    let fault = translation.payload.next_fault(&shared.faults);
    if let Some(response) = super::faults::body_fault(fault) {
        return response;
    }
    match fault {
        Some(FaultKind::RateLimit) => rate_limited(),
        Some(
            kind @ (FaultKind::Unauthorized | FaultKind::Forbidden | FaultKind::QuotaExceeded),
        ) => refused(kind),
        Some(FaultKind::ServerError) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the mock server failed on purpose (fault 500)",
        ),
        Some(FaultKind::EscapeError) => error_response(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            super::faults::ESCAPE_MESSAGE,
        ),
        _ => {
            let number = shared.completions.fetch_add(1, Ordering::Relaxed) + 1;
            let content = match answer_content(shared, &translation.payload, fault) {
                Ok(content) => content,
                Err(broken) => {
                    return error_response(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "server_error",
                        broken,
                    );
                }
            };
            let answer = shared.emulations.answer(
                (translation.bound, translation.thinking_off),
                number,
                content,
            );
            match translation.stream {
                Some(usage)
                    if shared.emulations.streams() && fault != Some(FaultKind::Truncated) =>
                {
                    streamed_response(shared, &translation, number, answer, fault, usage)
                }
                _ => completion_response(&translation, number, answer, fault),
            }
        }
    }
}

/// Finds the payload: the first user message whose content parses as a [`TranslationPayload`],
/// a [`BriefPayload`] or a [`NumberedPayload`] ([`payload_in`]).
fn translation_request(body: &Value) -> Result<Translation, BadRequest> {
    let request = ChatRequest::deserialize(body).map_err(BadRequest::NotChat)?;
    let texts = || {
        request
            .messages
            .iter()
            .filter_map(|m| Some((m, content_text(&m.content)?)))
    };
    let prompt_chars = texts().map(|(_, text)| text.chars().count()).sum();
    let payload = texts()
        .filter(|(message, _)| message.role == "user")
        .find_map(|(_, text)| payload_in(&text))
        .or_else(|| {
            let (_, last) = texts().rfind(|(m, _)| m.role == "user")?;
            Some(Payload::Plain(last.into_owned()))
        })
        .ok_or(BadRequest::NoPayload)?;
    Ok(Translation {
        model: request.model,
        payload,
        prompt_chars,
        stream: request.stream.then(|| {
            request
                .stream_options
                .as_ref()
                .and_then(|o| o.get("include_usage"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        }),
        bound: request.max_tokens.or(request.max_completion_tokens),
        thinking_off: super::emulate::thinking_off(body),
    })
}

/// The text of a message's `content`: a string, or the `text` of its parts joined (OpenAI
/// accepts `[{"type": "text", "text": …}, …]` too); `None` for anything else or no text.
pub(super) fn content_text(content: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match content {
        Value::String(text) => Some(text.as_str().into()),
        Value::Array(parts) => {
            let text: String = parts
                .iter()
                .filter_map(|part| part.get("text").and_then(Value::as_str))
                .collect();
            (!text.is_empty()).then_some(text.into())
        }
        _ => None,
    }
}

/// The diglot payload a user message holds, if any: a sentence payload (its `sentences` or its
/// `[3.2]` markers), a JSON translation payload (its `task` field and unknown-field check), a
/// brief payload (its `Brief of N key points in …` header) or a numbered one (its
/// `German (de) → English (en)` header).
pub(super) fn payload_in(text: &str) -> Option<Payload> {
    super::sentences::SentenceAsk::from_message(text)
        .map(Payload::Sentences)
        .or_else(|| TranslationPayload::from_message(text).map(Payload::Translate))
        .or_else(|| BriefPayload::from_message(text).map(Payload::Brief))
        .or_else(|| NumberedPayload::from_message(text).map(Payload::Numbered))
}

/// The model's text for `payload`, with `fault` applied to it. `Err` only when a compiled-in
/// brief cassette is broken.
pub(super) fn answer_content(
    shared: &Shared,
    payload: &Payload,
    fault: Option<FaultKind>,
) -> Result<String, &'static str> {
    Ok(match payload {
        Payload::Translate(payload) => {
            let mut reply = translate(shared, payload, fault);
            let sources: Vec<&str> = payload.paragraphs.iter().map(|p| p.text.as_str()).collect();
            let mut answers: Vec<&mut String> =
                reply.paragraphs.iter_mut().map(|p| &mut p.text).collect();
            super::faults::craft(fault, &sources, &mut answers);
            reply_content(reply, fault)
        }
        Payload::Brief(payload) => {
            let brief = super::brief::brief_for(payload)?;
            let max_id = payload.paragraphs.iter().map(|p| p.id).max();
            let article = (payload.source_language, max_id.unwrap_or(0));
            super::brief::reply_content(brief, fault, article)
        }
        Payload::Numbered(numbered) => {
            let payload = TranslationPayload {
                task: crate::provider::contract::Task::Translate,
                source_language: numbered.source_language,
                target_language: numbered.target_language,
                glossary: numbered.glossary.clone(),
                context: numbered.context.clone(),
                paragraphs: numbered.paragraphs.clone(),
            };
            let mut reply = translate(shared, &payload, fault);
            let sources: Vec<&str> = payload.paragraphs.iter().map(|p| p.text.as_str()).collect();
            let mut answers: Vec<&mut String> =
                reply.paragraphs.iter_mut().map(|p| &mut p.text).collect();
            super::faults::craft(fault, &sources, &mut answers);
            numbered_content(reply, fault)
        }
        Payload::Sentences(ask) => super::sentences::answer(shared, ask, fault),
        Payload::Plain(text) => plain_reply(text),
    })
}

/// The answer to a chat request that is not diglot's: the user's text, visibly marked, so a
/// translation request gets a reply of about its own length (what the benchmark's peers need).
pub(super) fn plain_reply(text: &str) -> String {
    format!("[mock translation] {text}")
}

/// Answers each paragraph in order, keeping its id, following the payload's glossary (and
/// spoiling that under the `ignore-glossary` and `name-drift` faults: `terms.rs`).
pub(super) fn translate(
    shared: &Shared,
    payload: &TranslationPayload,
    fault: Option<FaultKind>,
) -> TranslationReply {
    let (from, to) = (payload.source_language, payload.target_language);
    let texts: Vec<&str> = payload.paragraphs.iter().map(|p| p.text.as_str()).collect();
    let answers = super::terms::answers(shared, (from, to), &texts, &payload.glossary, fault);
    let paragraphs = payload
        .paragraphs
        .iter()
        .zip(answers)
        .map(|(p, text)| PayloadParagraph { id: p.id, text })
        .collect();
    TranslationReply { paragraphs }
}

/// The reply's paragraphs shaped by the content faults (`None`: prose instead of a reply).
fn faulted(mut reply: TranslationReply, fault: Option<FaultKind>) -> Option<TranslationReply> {
    match fault {
        Some(FaultKind::NotJson) => return None,
        Some(FaultKind::Missing) => {
            reply.paragraphs.pop();
        }
        Some(FaultKind::Escape) => {
            for paragraph in &mut reply.paragraphs {
                paragraph.text = format!("\u{1b}[31m{}\u{7}", paragraph.text);
            }
        }
        _ => {}
    }
    Some(reply)
}

/// The assistant message's content for a reply, shaped by the content faults.
pub(super) fn reply_content(reply: TranslationReply, fault: Option<FaultKind>) -> String {
    let Some(reply) = faulted(reply, fault) else {
        return PROSE_REPLY.to_owned();
    };
    // Invariant: a reply is ids and strings, which always serialize.
    let json = serde_json::to_string(&reply).expect("a reply serializes");
    match fault {
        Some(FaultKind::Fenced) => format!("{FENCE_PREAMBLE}\n\n```json\n{json}\n```"),
        _ => json,
    }
}

/// The content of a plain-mode reply: each translation after its marker, shaped by the content
/// faults as the JSON reply is.
fn numbered_content(reply: TranslationReply, fault: Option<FaultKind>) -> String {
    let Some(reply) = faulted(reply, fault) else {
        return PROSE_REPLY.to_owned();
    };
    let text = reply
        .paragraphs
        .iter()
        .map(|p| format!("[{}] {}", p.id, p.text))
        .collect::<Vec<_>>()
        .join("\n\n");
    match fault {
        Some(FaultKind::Fenced) => format!("{FENCE_PREAMBLE}\n\n{text}"),
        _ => text,
    }
}

/// A streamed chat completion: the answer as chunk events, paced by the generation model.
fn streamed_response(
    shared: &Shared,
    translation: &Translation,
    number: u64,
    answer: Answer,
    fault: Option<FaultKind>,
    usage: bool,
) -> Response {
    let (content, finish) = cut_at_length(answer.content, fault);
    let finish = if answer.length { "length" } else { finish };
    let generated = content.chars().count();
    let streamed = super::stream::Streamed {
        id: format!("mock-{number}"),
        model: translation.model.clone(),
        pieces: super::stream::pieces(&content),
        stop: finish,
        usage: (usage && shared.emulations.streams_usage())
            .then(|| (translation.prompt_chars.div_ceil(4), generated.div_ceil(4))),
        reasoning: answer.reasoning,
    };
    let response = super::stream::event_stream(
        streamed.openai_events(),
        shared.chars_per_sec,
        super::stream::openai_text_chars,
    );
    super::with_streamed(response, generated)
}

/// A 200 chat completion carrying `content` (or, for `truncated`, its first half).
fn completion_response(
    translation: &Translation,
    number: u64,
    answer: Answer,
    fault: Option<FaultKind>,
) -> Response {
    let prompt_tokens = translation.prompt_chars.div_ceil(4);
    let (content, finish_reason) = cut_at_length(answer.content, fault);
    let finish_reason = if answer.length {
        "length"
    } else {
        finish_reason
    };
    let generated = content.chars().count();
    let mut message = json!({"role": "assistant", "content": content});
    if let Some(reasoning) = answer.reasoning {
        message["reasoning_content"] = json!(reasoning);
    }
    let completion_tokens = generated.div_ceil(4);
    let completion = json!({
        "id": format!("mock-{number}"),
        "object": "chat.completion",
        "created": 0,
        "model": translation.model,
        "choices": [{
            "index": 0,
            "message": message,
            "finish_reason": finish_reason,
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    });
    let mut body = completion.to_string();
    if fault == Some(FaultKind::Truncated) {
        body.truncate(half_on_char_boundary(&body));
    }
    super::with_generated(json_response(StatusCode::OK, body), generated)
}

/// The `length` fault: the first half of `content` and the reason the model stopped (`length`);
/// otherwise the content whole and `stop`.
pub(super) fn cut_at_length(
    mut content: String,
    fault: Option<FaultKind>,
) -> (String, &'static str) {
    if fault == Some(FaultKind::Length) {
        content.truncate(half_on_char_boundary(&content));
        (content, "length")
    } else {
        (content, "stop")
    }
}

/// The largest char boundary at or before the middle of `text`.
pub(super) fn half_on_char_boundary(text: &str) -> usize {
    (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// The `429` fault: `Retry-After: 1` and an OpenAI rate-limit error.
fn rate_limited() -> Response {
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limit_error",
        "rate limit reached for the mock server (fault 429); retry after 1 second",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// An OpenAI-style error: `{"error": {"message": ..., "type": ...}}` with `status`.
pub(super) fn error_response(
    status: StatusCode,
    kind: &str,
    message: impl std::fmt::Display,
) -> Response {
    let body = json!({"error": {"message": message.to_string(), "type": kind}});
    json_response(status, body.to_string())
}

/// A response with a JSON content type and `body` as is.
pub(super) fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::testing::{chat_body, payload, reply_of, started};
    use crate::mock::{MockOptions, cassette::CASSETTES};

    /// The first paragraph of the first compiled-in cassette: (from, to, source, target).
    fn recorded_paragraph() -> (String, String, String, String) {
        let cassette: Value = serde_json::from_str(CASSETTES[0].1).expect("cassette parses");
        let text = |v: &Value| v.as_str().expect("string").to_owned();
        let first = &cassette["paragraphs"][0];
        (
            text(&cassette["source_language"]),
            text(&cassette["target_language"]),
            text(&first["source"]),
            text(&first["target"]),
        )
    }

    #[tokio::test(flavor = "current_thread")]
    async fn answers_from_the_cassette_and_pseudo_translates_the_rest() {
        let server = started(MockOptions::default()).await;
        let (from, to, source, target) = recorded_paragraph();
        let body = chat_body(&payload(
            &from,
            &to,
            &[(4, &source), (9, "Nicht aufgezeichnet.")],
        ));
        let (status, _, text) = server.post_chat(&body).await;
        assert_eq!(status, 200, "{text}");
        let reply = reply_of(&text);
        let ids: Vec<u32> = reply.paragraphs.iter().map(|p| p.id).collect();
        assert_eq!(ids, [4, 9]);
        assert_eq!(reply.paragraphs[0].text, target);
        assert_eq!(
            Some(reply.paragraphs[1].text.as_str()),
            crate::mock::pseudo_translation(&from, &to, "Nicht aufgezeichnet.").as_deref()
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn completion_has_the_openai_shape() {
        let server = started(MockOptions::default()).await;
        let body = chat_body(&payload("en", "de", &[(1, "Hello.")]));
        let (_, headers, text) = server.post_chat(&body).await;
        assert_eq!(headers["content-type"], "application/json");
        let completion: Value = serde_json::from_str(&text).expect("completion is JSON");
        assert_eq!(completion["object"], "chat.completion");
        assert_eq!(completion["model"], "test-model");
        assert_eq!(completion["choices"][0]["finish_reason"], "stop");
        assert_eq!(completion["choices"][0]["message"]["role"], "assistant");
        let usage = &completion["usage"];
        let total = usage["prompt_tokens"]
            .as_u64()
            .zip(usage["completion_tokens"].as_u64());
        assert!(total.is_some_and(|(p, c)| p > 0 && c > 0 && usage["total_tokens"] == p + c));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn repair_turns_use_the_first_payload() {
        let server = started(MockOptions::default()).await;
        let mut body = chat_body(&payload("de", "en", &[(1, "Eins."), (2, "Zwei.")]));
        let repair = [
            json!({"role": "assistant", "content": "{\"paragraphs\": []}"}),
            json!({"role": "user", "content": "Your reply missed paragraphs 1 and 2."}),
        ];
        body["messages"]
            .as_array_mut()
            .expect("messages")
            .extend(repair);
        let (status, _, text) = server.post_chat(&body).await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(reply_of(&text).paragraphs.len(), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn rejects_bodies_that_are_not_translation_requests() {
        let server = started(MockOptions::default()).await;
        let cases = [
            ("{not json", "not valid JSON"),
            ("[1, 2]", "not a chat completion request"),
            (
                r#"{"model": "m", "messages": "hi"}"#,
                "not a chat completion request",
            ),
            (
                r#"{"model": "m", "messages": [{"role": "system", "content": "hi"}]}"#,
                "no user message holds",
            ),
        ];
        for (body, expected) in cases {
            let (status, _, text) = server.post_raw(body).await;
            assert_eq!(status, 400, "{body}");
            let error: Value = serde_json::from_str(&text).expect("error is JSON");
            assert_eq!(error["error"]["type"], "invalid_request_error");
            let message = error["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(expected), "{body}: {message}");
        }
        assert!(!server.server.log().handler_panicked());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn lists_the_mock_model() {
        let server = started(MockOptions::default()).await;
        let (status, text) = server.get("/models").await;
        assert_eq!(status, 200);
        let list: Value = serde_json::from_str(&text).expect("model list is JSON");
        assert_eq!(
            list,
            json!({"object": "list",
                   "data": [{"id": "diglot-mock", "object": "model", "owned_by": "diglot"}]})
        );
    }

    #[test]
    fn halves_on_a_char_boundary() {
        assert_eq!(half_on_char_boundary("abcd"), 2);
        assert_eq!(half_on_char_boundary("aé"), 1);
        assert_eq!(half_on_char_boundary(""), 0);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_plain_chat_prompt_gets_a_plain_pseudo_translation() {
        // What aichat or llm send: an instruction and the article, no diglot payload.
        let server = started(MockOptions::default()).await;
        let article = "Die Regierung hat am Montag neue Maßnahmen angekündigt.";
        let body = json!({"model": "diglot-mock", "messages": [
            {"role": "system", "content": "Translate the article into English."},
            {"role": "user", "content": article},
        ]});
        let (status, _, text) = server.post_chat(&body).await;
        assert_eq!(status, 200, "{text}");
        let completion: Value = serde_json::from_str(&text).expect("completion is JSON");
        let content = completion["choices"][0]["message"]["content"].as_str();
        assert_eq!(
            content,
            Some(format!("[mock translation] {article}").as_str())
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn reads_content_given_as_parts() {
        // OpenAI accepts a message's content as a list of parts; SDK users send both forms.
        let server = started(MockOptions::default()).await;
        let parts = |text: &str| json!([{"type": "text", "text": text}]);
        let diglot = payload("de", "en", &[(3, "Hallo.")]).to_string();
        let body = json!({"model": "m", "messages": [{"role": "user", "content": parts(&diglot)}]});
        let (status, _, text) = server.post_chat(&body).await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(reply_of(&text).paragraphs[0].id, 3);
        let plain =
            json!({"model": "m", "messages": [{"role": "user", "content": parts("Hallo.")}]});
        let (_, _, text) = server.post_chat(&plain).await;
        assert_eq!(
            crate::mock::testing::content_of(&text),
            "[mock translation] Hallo."
        );
    }
}
