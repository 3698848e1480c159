//! The Anthropic side of the mock API: `POST /v1/messages`.
//!
//! Requires what the real API requires (an `anthropic-version` header, `model`, `max_tokens`
//! and `messages`), refuses the key `bad-key` with 401, finds the diglot payload in the first
//! user message (a string or text blocks) or else takes the last user message as a plain
//! prompt (answered `[mock translation] …`, as the chat endpoint answers one), and answers a
//! Messages reply, streamed when asked, whose text is the
//! [`TranslationReply`](crate::provider::contract::TranslationReply) JSON, shaped by the same content faults as the chat format. Errors use
//! Anthropic's `{"type": "error", "error": {"type", "message"}}` shape.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::faults::FaultKind;
use super::openai::{
    Payload, answer_content, half_on_char_boundary, json_response, payload_in, status_456,
};

/// Path of the Messages endpoint.
pub(super) const MESSAGES_PATH: &str = "/v1/messages";

#[derive(Debug, Deserialize)]
struct MessagesRequest {
    model: String,
    max_tokens: u32,
    messages: Vec<Message>,
    #[serde(default)]
    stream: bool,
}

#[derive(Debug, Deserialize)]
struct Message {
    role: String,
    content: Value,
}

impl Message {
    /// The text of a message: a string, or the concatenated text blocks.
    fn text(&self) -> String {
        super::openai::content_text(&self.content).map_or_else(String::new, Cow::into_owned)
    }
}

/// `POST /v1/messages`.
pub(super) async fn messages(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<Value>(&body);
    let logged = parsed.as_ref().map_or(Value::Null, Clone::clone);
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let versioned = headers.contains_key("anthropic-version");
    shared
        .respond(method, uri, logged, || {
            if key.as_deref() == Some(super::BAD_KEY) {
                return refused(FaultKind::Unauthorized);
            }
            if !versioned {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "anthropic-version: header is required",
                );
            }
            answer(&shared, parsed)
        })
        .await
}

pub(super) fn answer(shared: &Shared, parsed: Result<Value, serde_json::Error>) -> Response {
    let request = match parsed.and_then(MessagesRequest::deserialize) {
        Ok(request) => request,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &format!("request body is not a Messages request: {e}"),
            );
        }
    };
    let Some(payload) = payload_of(&request.messages) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "no user message holds text: a diglot translation or brief payload, or a plain prompt",
        );
    };
    let fault = payload.next_fault(&shared.faults);
    if let Some(response) = super::faults::body_fault(fault) {
        return response;
    }
    match fault {
        Some(FaultKind::RateLimit) => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "rate limit reached for the mock server (fault 429)",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        Some(FaultKind::ServerError) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "api_error",
                "the mock server failed on purpose (fault 500)",
            );
        }
        Some(FaultKind::EscapeError) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                super::faults::ESCAPE_MESSAGE,
            );
        }
        Some(
            kind @ (FaultKind::Unauthorized | FaultKind::Forbidden | FaultKind::QuotaExceeded),
        ) => return refused(kind),
        _ => {}
    }
    let input_chars: usize = request
        .messages
        .iter()
        .map(|m| m.text().chars().count())
        .sum();
    let text = match answer_content(shared, &payload, fault) {
        Ok(text) => text,
        Err(broken) => return error(StatusCode::INTERNAL_SERVER_ERROR, "api_error", broken),
    };
    let (text, cut) = super::openai::cut_at_length(text, fault);
    let output_tokens = text.chars().count().div_ceil(4);
    let stop_reason = if cut == "length" || output_tokens > request.max_tokens as usize {
        "max_tokens"
    } else {
        "end_turn"
    };
    if request.stream && shared.emulations.streams() && fault != Some(FaultKind::Truncated) {
        let streamed = super::stream::Streamed {
            id: "msg_mock".to_owned(),
            model: request.model,
            pieces: super::stream::pieces(&text),
            stop: stop_reason,
            usage: Some((input_chars.div_ceil(4), output_tokens)),
            reasoning: None,
        };
        let response = super::stream::event_stream(
            streamed.anthropic_events(),
            shared.chars_per_sec,
            super::stream::anthropic_text_chars,
        );
        return super::with_streamed(response, text.chars().count());
    }
    let message = json!({
        "id": "msg_mock",
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": {"input_tokens": input_chars.div_ceil(4), "output_tokens": output_tokens},
    });
    let mut body = message.to_string();
    if fault == Some(FaultKind::Truncated) {
        body.truncate(half_on_char_boundary(&body));
    }
    super::with_generated(json_response(StatusCode::OK, body), text.chars().count())
}

/// What the messages ask for: the first user message that holds a diglot payload, else the
/// last user message's text as a plain prompt (answered as the chat endpoint answers one);
/// `None` when no user message has text.
fn payload_of(messages: &[Message]) -> Option<Payload> {
    let users = || messages.iter().filter(|m| m.role == "user");
    users().find_map(|m| payload_in(&m.text())).or_else(|| {
        let last = users().map(Message::text).rfind(|text| !text.is_empty())?;
        Some(Payload::Plain(last))
    })
}

/// Anthropic's answer to a refused key (401), refused access (403) or the quota fault (456).
fn refused(kind: FaultKind) -> Response {
    match kind {
        FaultKind::Forbidden => error(
            StatusCode::FORBIDDEN,
            "permission_error",
            "the mock server refuses access (fault 403)",
        ),
        FaultKind::QuotaExceeded => error(
            status_456(),
            "billing_error",
            "your credit balance is too low (fault 456)",
        ),
        _ => error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        ),
    }
}

/// An Anthropic-style error.
pub(super) fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"type": "error", "error": {"type": kind, "message": message}});
    json_response(status, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockOptions;
    use crate::mock::testing::{payload, started};

    fn request(max_tokens: u32) -> Value {
        let user = payload("de", "en", &[(1, "Eins."), (2, "Zwei.")]).to_string();
        json!({"model": "m", "max_tokens": max_tokens, "system": "s",
               "messages": [{"role": "user", "content": user}]})
    }

    const VERSION: (&str, &str) = ("anthropic-version", "2023-06-01");

    #[tokio::test(flavor = "current_thread")]
    async fn answers_a_messages_reply_with_the_paragraphs() {
        let server = started(MockOptions::default()).await;
        let (status, _, text) = server
            .post_json_at(MESSAGES_PATH, &[VERSION], &request(1024))
            .await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(reply["type"], "message");
        assert_eq!(reply["stop_reason"], "end_turn");
        let content = reply["content"][0]["text"].as_str().expect("text");
        let parsed: crate::provider::contract::TranslationReply =
            serde_json::from_str(content).expect("a reply");
        assert_eq!(parsed.paragraphs.len(), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn requires_the_version_header_and_refuses_the_bad_key() {
        let server = started(MockOptions::default()).await;
        let (status, _, _) = server
            .post_json_at(MESSAGES_PATH, &[], &request(1024))
            .await;
        assert_eq!(status, 400);
        let bad = [VERSION, ("x-api-key", "bad-key")];
        let (status, _, text) = server
            .post_json_at(MESSAGES_PATH, &bad, &request(1024))
            .await;
        assert_eq!(status, 401);
        let error: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(error["error"]["type"], "authentication_error");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_plain_message_gets_a_plain_pseudo_translation_streamed_or_not() {
        // What Anthropic's SDK sends for an ordinary message: text blocks, no diglot payload.
        let server = started(MockOptions::default()).await;
        let blocks = json!([{"type": "text", "text": "Guten Morgen."}]);
        let mut body = json!({"model": "m", "max_tokens": 100, "system": "Translate.",
                              "messages": [{"role": "user", "content": blocks}]});
        let (status, _, text) = server.post_json_at(MESSAGES_PATH, &[VERSION], &body).await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            reply["content"][0]["text"],
            "[mock translation] Guten Morgen."
        );
        body["stream"] = json!(true);
        let (status, headers, text) = server.post_json_at(MESSAGES_PATH, &[VERSION], &body).await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(headers["content-type"], "text/event-stream");
        // Every event is named after its type, as Anthropic sends them and its SDKs expect.
        let mut streamed = String::new();
        for frame in text.split("\n\n").filter(|f| !f.is_empty()) {
            let (name, data) = frame
                .split_once('\n')
                .expect("an event line and a data line");
            let data: Value =
                serde_json::from_str(data.strip_prefix("data: ").expect("data")).expect("JSON");
            assert_eq!(
                name.strip_prefix("event: "),
                data["type"].as_str(),
                "{frame}"
            );
            streamed.extend(data.pointer("/delta/text").and_then(Value::as_str));
        }
        assert_eq!(streamed, "[mock translation] Guten Morgen.");
        let nothing = json!({"model": "m", "max_tokens": 9,
                             "messages": [{"role": "user", "content": []}]});
        let (status, _, text) = server
            .post_json_at(MESSAGES_PATH, &[VERSION], &nothing)
            .await;
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("no user message holds text"), "{text}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_small_max_tokens_stops_at_max_tokens() {
        let server = started(MockOptions::default()).await;
        let (_, _, text) = server
            .post_json_at(MESSAGES_PATH, &[VERSION], &request(1))
            .await;
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(reply["stop_reason"], "max_tokens");
    }
}
