//! The DeepL side of the mock API: `POST /v2/translate` (JSON body) and `GET /v2/usage`.
//!
//! Holds requests to DeepL's limits (at most 50 texts, at most 128 KiB of body: 413
//! otherwise), refuses the key `bad-key` with 403 as DeepL does, and answers each text from the
//! cassettes in order, with `billed_characters` when asked for. Errors use DeepL's
//! `{"message": …}` shape. Faults come from the shared queue; `missing` drops the last
//! translation, `not-json` answers prose, `truncated` cuts the body.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::faults::FaultKind;
use super::openai::{PROSE_REPLY, half_on_char_boundary, json_response, status_456};
use crate::language::LanguageCode;

/// Path of the translate endpoint.
pub(super) const TRANSLATE_PATH: &str = "/v2/translate";
/// Path of the usage endpoint.
pub(super) const USAGE_PATH: &str = "/v2/usage";
/// DeepL's limit on texts per request.
const MAX_TEXTS: usize = 50;
/// DeepL's limit on the request body.
const MAX_BODY_BYTES: usize = 128 * 1024;
/// The character limit `GET /v2/usage` reports (DeepL API Free's monthly allowance).
const CHARACTER_LIMIT: u64 = 500_000;

/// The fields of a translate request the mock reads.
#[derive(Debug, Deserialize)]
struct TranslateRequest {
    text: Vec<String>,
    source_lang: Option<String>,
    target_lang: String,
    #[serde(default)]
    show_billed_characters: bool,
}

/// `POST /v2/translate`.
pub(super) async fn translate(
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
        .is_some_and(|v| v == format!("DeepL-Auth-Key {}", super::BAD_KEY));
    let size = body.len();
    shared
        .respond(method, uri, logged, || {
            if bad_key {
                return refused(FaultKind::Forbidden);
            }
            if size > MAX_BODY_BYTES {
                return error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
            }
            answer(&shared, parsed)
        })
        .await
}

/// `GET /v2/usage`: the characters billed so far on this server.
pub(super) async fn usage(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let count = shared.billed.load(Ordering::Relaxed);
    shared
        .respond(method, uri, Value::Null, || {
            let body = json!({"character_count": count, "character_limit": CHARACTER_LIMIT});
            json_response(StatusCode::OK, body.to_string())
        })
        .await
}

/// A language code from DeepL's (`DE`, `EN-US`, `PT-BR`, `NB`).
pub(super) fn language(code: &str) -> Option<LanguageCode> {
    code.get(..2)?.to_ascii_lowercase().parse().ok()
}

fn answer(shared: &Shared, parsed: Result<Value, serde_json::Error>) -> Response {
    let request = match parsed.and_then(TranslateRequest::deserialize) {
        Ok(request) => request,
        Err(e) => return error(StatusCode::BAD_REQUEST, &format!("Bad request: {e}")),
    };
    if request.text.len() > MAX_TEXTS {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too many texts: at most 50 per request",
        );
    }
    let (Some(from), Some(to)) = (
        request.source_lang.as_deref().and_then(language),
        language(&request.target_lang),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Value for 'source_lang' or 'target_lang' not supported.",
        );
    };
    let fault = shared.faults.next_for(false);
    if let Some(response) = super::faults::body_fault(fault) {
        return response;
    }
    match fault {
        Some(FaultKind::RateLimit) => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        Some(FaultKind::ServerError) => {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
        }
        Some(FaultKind::EscapeError) => {
            return error(StatusCode::BAD_REQUEST, super::faults::ESCAPE_MESSAGE);
        }
        Some(
            kind @ (FaultKind::Unauthorized | FaultKind::Forbidden | FaultKind::QuotaExceeded),
        ) => return refused(kind),
        Some(FaultKind::NotJson) => return json_response(StatusCode::OK, PROSE_REPLY.to_owned()),
        _ => {}
    }
    let texts = positional_answers(shared, from, to, &request.text, fault);
    let generated = texts.iter().map(|t| t.chars().count()).sum();
    let translations: Vec<Value> = texts
        .into_iter()
        .map(|text| {
            let mut entry =
                json!({"detected_source_language": from.as_str().to_ascii_uppercase(), "text": text});
            if request.show_billed_characters {
                entry["billed_characters"] = Value::from(text_chars(&entry));
            }
            entry
        })
        .collect();
    let billed: u64 = request.text.iter().map(|t| t.chars().count() as u64).sum();
    shared.billed.fetch_add(billed, Ordering::Relaxed);
    let mut body = json!({ "translations": translations }).to_string();
    if fault == Some(FaultKind::Truncated) {
        body.truncate(half_on_char_boundary(&body));
    }
    super::with_generated(json_response(StatusCode::OK, body), generated)
}

/// The characters of an answer entry's text: what the mock bills for it.
fn text_chars(entry: &Value) -> u64 {
    entry["text"]
        .as_str()
        .map_or(0, |t| t.chars().count() as u64)
}

/// Each text answered in order from the cassettes, shaped by the content faults: `missing`
/// drops the last answer, `escape` wraps each in a colour sequence and a BEL, the crafted ones
/// spoil one answer ([`craft`](super::faults::craft)). Shared with the LibreTranslate side.
pub(super) fn positional_answers(
    shared: &Shared,
    from: LanguageCode,
    to: LanguageCode,
    texts: &[String],
    fault: Option<FaultKind>,
) -> Vec<String> {
    let mut answers: Vec<String> = texts
        .iter()
        .map(|text| shared.cassettes.translate(from, to, text))
        .collect();
    let sources: Vec<&str> = texts.iter().map(String::as_str).collect();
    super::faults::craft(fault, &sources, &mut answers.iter_mut().collect::<Vec<_>>());
    match fault {
        Some(FaultKind::Missing) => {
            answers.pop();
        }
        Some(FaultKind::Escape) => {
            for answer in &mut answers {
                *answer = format!("\u{1b}[31m{answer}\u{7}");
            }
        }
        _ => {}
    }
    answers
}

/// DeepL's answer to a refused key (403, as DeepL answers a bad key), fault 401, or a
/// used-up quota (456).
fn refused(kind: FaultKind) -> Response {
    match kind {
        FaultKind::QuotaExceeded => error(status_456(), "Quota Exceeded"),
        FaultKind::Unauthorized => error(StatusCode::UNAUTHORIZED, "Unauthorized"),
        _ => error(
            StatusCode::FORBIDDEN,
            "Authorization failure, check auth_key",
        ),
    }
}

/// A DeepL-style error: `{"message": …}`.
fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "message": message }).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockOptions;
    use crate::mock::testing::started;

    #[tokio::test(flavor = "current_thread")]
    async fn answers_in_order_with_billed_characters_and_counts_usage() {
        let server = started(MockOptions::default()).await;
        let body = json!({"text": ["Eins.", "Zwei."], "source_lang": "DE",
                          "target_lang": "EN-US", "show_billed_characters": true});
        let (status, _, text) = server.post_json_at(TRANSLATE_PATH, &[], &body).await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        let zwei = crate::mock::pseudo_translation("de", "en", "Zwei.");
        assert_eq!(reply["translations"][1]["text"].as_str(), zwei.as_deref());
        assert_eq!(reply["translations"][0]["detected_source_language"], "DE");
        assert!(reply["translations"][0]["billed_characters"].is_u64());
        let (_, usage) = server.get_at(USAGE_PATH).await;
        let usage: Value = serde_json::from_str(&usage).expect("JSON");
        assert_eq!(usage["character_count"], 10);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn holds_requests_to_deepl_limits_and_refuses_the_bad_key() {
        let server = started(MockOptions::default()).await;
        let many: Vec<String> = (0..51).map(|i| format!("Satz {i}.")).collect();
        let body = json!({"text": many, "source_lang": "DE", "target_lang": "EN-US"});
        let (status, _, text) = server.post_json_at(TRANSLATE_PATH, &[], &body).await;
        assert_eq!(status, 413, "{text}");
        let big = json!({"text": ["x".repeat(MAX_BODY_BYTES)], "source_lang": "DE",
                         "target_lang": "EN-US"});
        assert_eq!(server.post_json_at(TRANSLATE_PATH, &[], &big).await.0, 413);
        let ok = json!({"text": ["Ja."], "source_lang": "DE", "target_lang": "EN-US"});
        let bad_key = [("authorization", "DeepL-Auth-Key bad-key")];
        let (status, _, text) = server.post_json_at(TRANSLATE_PATH, &bad_key, &ok).await;
        assert_eq!(status, 403);
        assert!(text.contains("\"message\""), "{text}");
        let good_key = [("authorization", "DeepL-Auth-Key anything")];
        assert_eq!(
            server.post_json_at(TRANSLATE_PATH, &good_key, &ok).await.0,
            200
        );
    }

    #[test]
    fn reads_deepl_language_codes() {
        assert_eq!(language("EN-US"), Some(LanguageCode::EN));
        assert_eq!(language("DE"), Some(LanguageCode::DE));
        assert_eq!(language("X"), None);
    }
}
