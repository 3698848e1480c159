//! The LibreTranslate side of the mock API: `POST /translate`, `GET /languages` and
//! `POST /detect`.
//!
//! Offers German and English (both directions), reads a JSON or a form body, refuses the body
//! key `bad-key` with 401, answers `q` (a string or an array) from the cassettes in order, and
//! detects `source: "auto"` with diglot's own detector. Errors use LibreTranslate's `{"error": …}` shape. Faults come
//! from the shared queue, shaped as in `deepl.rs`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::deepl::{content_type, form_as_json, is_form, positional_answers};
use super::faults::FaultKind;
use super::openai::{PROSE_REPLY, half_on_char_boundary, json_response, status_456};
use crate::detect::Detector;
use crate::language::LanguageCode;

/// Path of the translate endpoint.
pub(super) const TRANSLATE_PATH: &str = "/translate";
/// Path of the language list.
pub(super) const LANGUAGES_PATH: &str = "/languages";
/// Path of the detect endpoint.
pub(super) const DETECT_PATH: &str = "/detect";
/// The languages the mock offers, each to all the others.
const OFFERED: [(LanguageCode, &str); 2] =
    [(LanguageCode::DE, "German"), (LanguageCode::EN, "English")];

/// `q` is one text or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Query {
    /// One text: the answer is one string.
    One(String),
    /// A list: the answer is a list.
    Many(Vec<String>),
}

/// The fields of a translate request the mock reads, from a JSON or a form body.
#[derive(Debug, Deserialize)]
pub(super) struct TranslateRequest {
    /// The text or texts.
    pub(super) q: Query,
    /// The source language, or `auto`.
    pub(super) source: String,
    /// The target language.
    pub(super) target: String,
    #[serde(default)]
    api_key: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DetectRequest {
    q: String,
    #[serde(default)]
    api_key: Option<String>,
}

/// The request's body as JSON: a JSON body as it is, a form body (the `formData` of
/// LibreTranslate's API document, which its server reads as well as JSON) as a JSON object.
pub(super) fn body_json(form: bool, body: &[u8]) -> Result<Value, serde_json::Error> {
    if form {
        Ok(form_as_json(body, &[]))
    } else {
        serde_json::from_slice(body)
    }
}

/// `POST /translate`.
pub(super) async fn translate(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = body_json(is_form(content_type(&headers)), &body);
    let logged = parsed.as_ref().map_or(Value::Null, Clone::clone);
    shared
        .respond(method, uri, logged, || answer(&shared, parsed))
        .await
}

/// `GET /languages`: German and English, each translatable to both.
pub(super) async fn languages(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
) -> Response {
    let targets: Vec<&str> = OFFERED.iter().map(|(code, _)| code.as_str()).collect();
    let list: Vec<Value> = OFFERED
        .iter()
        .map(|(code, name)| json!({"code": code.as_str(), "name": name, "targets": targets}))
        .collect();
    shared
        .respond(method, uri, Value::Null, || {
            json_response(StatusCode::OK, Value::from(list).to_string())
        })
        .await
}

/// `POST /detect`: the language of `q` with a confidence in percent.
pub(super) async fn detect(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<Value>(&body);
    let logged = parsed.as_ref().map_or(Value::Null, Clone::clone);
    shared
        .respond(method, uri, logged, || {
            let request = match parsed.and_then(DetectRequest::deserialize) {
                Ok(request) => request,
                Err(e) => return error(StatusCode::BAD_REQUEST, &format!("Invalid request: {e}")),
            };
            if request.api_key.as_deref() == Some(super::BAD_KEY) {
                return error(StatusCode::UNAUTHORIZED, "Invalid API key");
            }
            let detection = Detector::new().detect(&request.q);
            let answer = json!([{
                "language": detection.language.map(|l| l.to_string()).unwrap_or_default(),
                "confidence": (detection.confidence * 100.0).round(),
            }]);
            json_response(StatusCode::OK, answer.to_string())
        })
        .await
}

fn offered(code: LanguageCode) -> bool {
    OFFERED.iter().any(|(c, _)| *c == code)
}

fn answer(shared: &Shared, parsed: Result<Value, serde_json::Error>) -> Response {
    let request = match parsed.and_then(TranslateRequest::deserialize) {
        Ok(request) => request,
        Err(e) => return error(StatusCode::BAD_REQUEST, &format!("Invalid request: {e}")),
    };
    if request.api_key.as_deref() == Some(super::BAD_KEY) {
        return error(StatusCode::UNAUTHORIZED, "Invalid API key");
    }
    let (texts, many) = match request.q {
        Query::One(text) => (vec![text], false),
        Query::Many(texts) => (texts, true),
    };
    let source = if request.source == "auto" {
        let all = texts.join("\n");
        Detector::new().detect(&all).language
    } else {
        request.source.parse().ok()
    };
    let (Some(from), Ok(to)) = (source, request.target.parse::<LanguageCode>()) else {
        return error(StatusCode::BAD_REQUEST, "Invalid source or target language");
    };
    if !offered(from) || !offered(to) {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("{from}→{to} is not supported by this server"),
        );
    }
    let fault = shared.faults.next_for(false);
    if let Some(response) = super::faults::body_fault(fault) {
        return response;
    }
    match fault {
        Some(FaultKind::RateLimit) => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Slowdown: too many requests");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        Some(FaultKind::ServerError) => {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "Cannot translate text");
        }
        Some(FaultKind::EscapeError) => {
            return error(StatusCode::BAD_REQUEST, super::faults::ESCAPE_MESSAGE);
        }
        Some(FaultKind::Unauthorized) => return error(StatusCode::UNAUTHORIZED, "Invalid API key"),
        Some(FaultKind::Forbidden) => return error(StatusCode::FORBIDDEN, "Banned"),
        Some(FaultKind::QuotaExceeded) => return error(status_456(), "Quota exceeded"),
        Some(FaultKind::NotJson) => return json_response(StatusCode::OK, PROSE_REPLY.to_owned()),
        _ => {}
    }
    let answers = positional_answers(shared, (&vec![from; texts.len()], to), &texts, &[], fault);
    let generated = answers.iter().map(|t| t.chars().count()).sum();
    let mut reply = if many {
        json!({ "translatedText": answers })
    } else {
        json!({ "translatedText": answers.first().cloned().unwrap_or_default() })
    };
    if request.source == "auto" {
        reply["detectedLanguage"] = json!({"language": from.as_str(), "confidence": 90.0});
    }
    let mut body = reply.to_string();
    if fault == Some(FaultKind::Truncated) {
        body.truncate(half_on_char_boundary(&body));
    }
    super::with_generated(json_response(StatusCode::OK, body), generated)
}

/// A LibreTranslate-style error: `{"error": …}`.
fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockOptions;
    use crate::mock::testing::started;

    #[tokio::test(flavor = "current_thread")]
    async fn translates_arrays_and_single_texts_and_lists_de_and_en() {
        let server = started(MockOptions::default()).await;
        let body = json!({"q": ["Eins.", "Zwei."], "source": "de", "target": "en"});
        let (status, _, text) = server.post_json_at(TRANSLATE_PATH, &[], &body).await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        let pseudo = |text| crate::mock::pseudo_translation("de", "en", text);
        assert_eq!(
            reply["translatedText"][1].as_str(),
            pseudo("Zwei.").as_deref()
        );
        let one = json!({"q": "Eins.", "source": "de", "target": "en"});
        let (_, _, text) = server.post_json_at(TRANSLATE_PATH, &[], &one).await;
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(reply["translatedText"].as_str(), pseudo("Eins.").as_deref());
        let (status, list) = server.get_at(LANGUAGES_PATH).await;
        assert_eq!(status, 200);
        let list: Value = serde_json::from_str(&list).expect("JSON");
        assert_eq!(list[0]["code"], "de");
        assert_eq!(list[1]["targets"], json!(["de", "en"]));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn reads_a_form_body_as_the_api_document_declares_it() {
        let server = started(MockOptions::default()).await;
        let form = "q=Eins+zwei.&source=de&target=en&api_key=k";
        let (status, text) = server.post_form_at(TRANSLATE_PATH, form).await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        let pseudo = crate::mock::pseudo_translation("de", "en", "Eins zwei.");
        assert_eq!(reply["translatedText"].as_str(), pseudo.as_deref());
        assert_eq!(server.server.requests()[0].body["q"], "Eins zwei.");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn refuses_the_bad_key_and_unsupported_pairs() {
        let server = started(MockOptions::default()).await;
        let bad = json!({"q": ["Ja."], "source": "de", "target": "en", "api_key": "bad-key"});
        let (status, _, text) = server.post_json_at(TRANSLATE_PATH, &[], &bad).await;
        assert_eq!(status, 401);
        assert!(text.contains("\"error\""), "{text}");
        let fr = json!({"q": ["Ja."], "source": "de", "target": "fr"});
        assert_eq!(server.post_json_at(TRANSLATE_PATH, &[], &fr).await.0, 400);
    }
}
