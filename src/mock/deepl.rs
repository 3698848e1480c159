//! The DeepL side of the mock API: `POST /v2/translate`, `GET /v2/usage` and
//! `GET /v2/languages`.
//!
//! Reads a translate request from a JSON body or a form body (`text=…&text=…&target_lang=…`,
//! what DeepL's older clients and `curl -d` send), holds it to DeepL's limits (at most 50
//! texts, at most 128 KiB of body: 413 otherwise), takes language codes as DeepL does (any
//! case; regional variants such as `EN-US`, `PT-BR` as targets only; no `source_lang` means
//! the source is detected, per text), refuses the key `bad-key` with 403 as DeepL does, and
//! answers each text from the cassettes in order, with `billed_characters` when asked for.
//! Errors use DeepL's `{"message": …}` shape. Faults come from the shared queue; `missing`
//! drops the last translation, `not-json` answers prose, `truncated` cuts the body.

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
use crate::detect::Detector;
use crate::glossary::Term;
use crate::language::LanguageCode;

/// Path of the translate endpoint.
pub(super) const TRANSLATE_PATH: &str = "/v2/translate";
/// Path of the usage endpoint.
pub(super) const USAGE_PATH: &str = "/v2/usage";
/// Path of the language list (`?type=source`, the default, or `?type=target`).
pub(super) const LANGUAGES_PATH: &str = "/v2/languages";
/// DeepL's limit on texts per request.
const MAX_TEXTS: usize = 50;
/// DeepL's limit on the request body.
const MAX_BODY_BYTES: usize = 128 * 1024;
/// The character limit `GET /v2/usage` reports (DeepL API Free's monthly allowance).
const CHARACTER_LIMIT: u64 = 500_000;

/// DeepL's languages as its documentation lists them (the beta ones left out): each is a
/// source and, except `EN` and `PT` (deprecated as targets, still accepted), a target.
const LANGUAGES: [&str; 33] = [
    "AR", "BG", "CS", "DA", "DE", "EL", "EN", "ES", "ET", "FI", "FR", "HE", "HU", "ID", "IT", "JA",
    "KO", "LT", "LV", "NB", "NL", "PL", "PT", "RO", "RU", "SK", "SL", "SV", "TH", "TR", "UK", "VI",
    "ZH",
];
/// The regional variants DeepL translates into (never from), with the names it lists.
const VARIANTS: [(&str, &str); 7] = [
    ("EN-GB", "English (British)"),
    ("EN-US", "English (American)"),
    ("ES-419", "Spanish (Latin American)"),
    ("PT-BR", "Portuguese (Brazilian)"),
    ("PT-PT", "Portuguese (European)"),
    ("ZH-HANS", "Chinese (simplified)"),
    ("ZH-HANT", "Chinese (traditional)"),
];
/// The targets DeepL lists with `supports_formality: true`.
const FORMALITY: [&str; 11] = [
    "DE", "ES", "ES-419", "FR", "IT", "JA", "NL", "PL", "PT-BR", "PT-PT", "RU",
];

/// The fields of a translate request the mock reads, from a JSON or a form body.
#[derive(Debug, Default, Deserialize)]
pub(super) struct TranslateRequest {
    /// The texts, in order.
    #[serde(default)]
    pub(super) text: Option<Vec<String>>,
    /// The source language as sent, if any.
    #[serde(default)]
    pub(super) source_lang: Option<String>,
    /// The target language as sent.
    #[serde(default)]
    pub(super) target_lang: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    show_billed_characters: bool,
    /// The glossary to apply (`deepl_glossaries.rs`).
    #[serde(default)]
    glossary_id: Option<String>,
    /// Up to five glossaries to apply.
    #[serde(default)]
    glossary_ids: Option<Vec<String>>,
    /// Text that helps the translation and is not translated (nor billed).
    #[serde(default)]
    context: Option<String>,
}

/// A DeepL boolean: `true`/`false` in JSON; `1`, `0`, `true` or `false` in a form.
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Bool(flag) => Ok(flag),
        Value::String(text) => Ok(text == "1" || text.eq_ignore_ascii_case("true")),
        other => Err(serde::de::Error::custom(format!(
            "expected a boolean, found {other}"
        ))),
    }
}

/// The request's body as JSON: a JSON body as it is, a form body by [`form_as_json`] with
/// `text` a list. `Err` for a body that is neither.
pub(super) fn body_json(form: bool, body: &[u8]) -> Result<Value, serde_json::Error> {
    if form {
        Ok(form_as_json(body, &["text"]))
    } else {
        serde_json::from_slice(body)
    }
}

/// Whether a `Content-Type` is a form (`application/x-www-form-urlencoded`), which DeepL and
/// LibreTranslate read as well as JSON.
pub(super) fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
}

/// The `Content-Type` of a request, if it has a readable one.
pub(super) fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::CONTENT_TYPE)?.to_str().ok()
}

/// A form body as a JSON object: each field a string, or an array of strings when it repeats
/// or is one of `lists` (fields the API always takes as a list, such as DeepL's `text`).
pub(super) fn form_as_json(body: &[u8], lists: &[&str]) -> Value {
    let mut fields = serde_json::Map::new();
    for (key, value) in form_urlencoded::parse(body) {
        let value = Value::from(value.into_owned());
        match fields.get_mut(key.as_ref()) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None if lists.contains(&key.as_ref()) => {
                fields.insert(key.into_owned(), Value::Array(vec![value]));
            }
            None => {
                fields.insert(key.into_owned(), value);
            }
        }
    }
    Value::Object(fields)
}

/// `POST /v2/translate`.
pub(super) async fn translate(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = body_json(is_form(content_type(&headers)), &body);
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
            answer(&shared, parsed.and_then(TranslateRequest::deserialize))
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

/// `GET /v2/languages`: DeepL's source languages, or with `type=target` (in the query, or in a
/// form body as DeepL's Python SDK sends it) its target languages with `supports_formality`.
pub(super) async fn languages(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let query = uri.query().unwrap_or_default().as_bytes();
    let kind = form_urlencoded::parse(query)
        .chain(form_urlencoded::parse(&body))
        .find(|(key, _)| key == "type")
        .map(|(_, value)| value.into_owned());
    shared
        .respond(method, uri, Value::Null, || match kind.as_deref() {
            None | Some("source") => json_response(StatusCode::OK, source_list().to_string()),
            Some("target") => json_response(StatusCode::OK, target_list().to_string()),
            Some(_) => error(
                StatusCode::BAD_REQUEST,
                "Bad request. Reason: Value for 'type' not supported.",
            ),
        })
        .await
}

/// DeepL's source languages: `[{"language": "DE", "name": "German"}, …]`.
fn source_list() -> Value {
    let list = LANGUAGES.iter().filter_map(|&code| {
        let name = base(code)?.name().to_owned();
        Some(json!({"language": code, "name": name}))
    });
    Value::Array(list.collect())
}

/// DeepL's target languages: the base codes but `EN` and `PT`, and the regional variants, in
/// alphabetical order, each with `supports_formality`.
fn target_list() -> Value {
    let bases = LANGUAGES
        .iter()
        .filter(|code| !["EN", "PT"].contains(code))
        .filter_map(|&code| Some((code, base(code)?.name().to_owned())));
    let variants = VARIANTS.iter().map(|&(code, name)| (code, name.to_owned()));
    let mut list: Vec<(&str, String)> = bases.chain(variants).collect();
    list.sort_unstable();
    let entries = list.into_iter().map(|(code, name)| {
        json!({"language": code, "name": name, "supports_formality": FORMALITY.contains(&code)})
    });
    Value::Array(entries.collect())
}

/// The language of one of DeepL's base codes (`DE`).
fn base(code: &str) -> Option<LanguageCode> {
    code.to_ascii_lowercase().parse().ok()
}

/// A `source_lang` as DeepL takes it: one of its base codes in any case (`de`, `DE`). A
/// regional variant is refused as a source, as DeepL refuses `EN-US`.
fn source_language(code: &str) -> Option<LanguageCode> {
    let code = code.to_ascii_uppercase();
    LANGUAGES.contains(&code.as_str()).then(|| base(&code))?
}

/// A `target_lang` as DeepL takes it: a base code or a regional variant (`EN-US`, `pt-br`), in
/// any case.
fn target_language(code: &str) -> Option<LanguageCode> {
    let code = code.to_ascii_uppercase();
    if VARIANTS.iter().any(|(variant, _)| *variant == code) {
        return base(code.split('-').next()?);
    }
    source_language(&code)
}

/// A translate request that passed DeepL's checks.
struct Valid {
    texts: Vec<String>,
    from: Option<LanguageCode>,
    to: LanguageCode,
    show_billed: bool,
    glossaries: Vec<String>,
}

/// Checks what DeepL checks before it translates: the texts, the target and, when given, the
/// source. `Err` is the status (400 or 413) and message to answer.
fn validate(request: TranslateRequest) -> Result<Valid, (StatusCode, &'static str)> {
    let bad = |message| (StatusCode::BAD_REQUEST, message);
    let texts = request
        .text
        .ok_or(bad("Bad request. Reason: Parameter 'text' not specified."))?;
    if texts.len() > MAX_TEXTS {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too many texts: at most 50 per request",
        ));
    }
    let target = request.target_lang.ok_or(bad(
        "Bad request. Reason: Parameter 'target_lang' not specified.",
    ))?;
    let to = target_language(&target).ok_or(bad(
        "Bad request. Reason: Value for 'target_lang' not supported.",
    ))?;
    let from = match request.source_lang.as_deref() {
        None => None,
        Some(code) => Some(source_language(code).ok_or(bad(
            "Bad request. Reason: Value for 'source_lang' not supported.",
        ))?),
    };
    let glossaries = match (request.glossary_id, request.glossary_ids) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "Bad request. Reason: glossary_id and glossary_ids cannot be used together.",
            ));
        }
        (Some(id), None) => vec![id],
        (None, Some(ids)) if ids.len() > 5 => {
            return Err(bad("Bad request. Reason: at most 5 glossary_ids."));
        }
        (None, ids) => ids.unwrap_or_default(),
    };
    if request.context.is_some_and(|c| c.len() > MAX_BODY_BYTES) {
        return Err(bad("Bad request. Reason: context is too long."));
    }
    Ok(Valid {
        texts,
        from,
        to,
        show_billed: request.show_billed_characters,
        glossaries,
    })
}

fn answer(shared: &Shared, parsed: Result<TranslateRequest, serde_json::Error>) -> Response {
    let request = match parsed {
        Ok(request) => request,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Bad request. Reason: {e}"),
            );
        }
    };
    let Valid {
        texts,
        from,
        to,
        show_billed,
        glossaries,
    } = match validate(request) {
        Ok(valid) => valid,
        Err((status, message)) => return error(status, message),
    };
    let terms = match super::deepl_glossaries::terms_for(shared, &glossaries, (from, to)) {
        Ok(terms) => terms,
        Err((status, message)) => return error(status, message),
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
    let sources = source_languages(from, to, &texts);
    let answers = positional_answers(shared, (&sources, to), &texts, &terms, fault);
    let generated = answers.iter().map(|t| t.chars().count()).sum();
    let (translations, billed) = entries(answers, &sources, &texts, show_billed);
    shared.billed.fetch_add(billed, Ordering::Relaxed);
    let mut body = json!({ "translations": translations }).to_string();
    if fault == Some(FaultKind::Truncated) {
        body.truncate(half_on_char_boundary(&body));
    }
    super::with_generated(json_response(StatusCode::OK, body), generated)
}

/// The `translations` of DeepL's answer, and the characters billed for them: DeepL bills the
/// characters of the source texts, and names the source language it translated from.
fn entries(
    answers: Vec<String>,
    sources: &[LanguageCode],
    texts: &[String],
    show_billed: bool,
) -> (Vec<Value>, u64) {
    let billed_each: Vec<u64> = texts.iter().map(|t| t.chars().count() as u64).collect();
    let entries = answers
        .into_iter()
        .zip(sources)
        .zip(&billed_each)
        .map(|((text, from), &billed)| {
            let detected = from.as_str().to_ascii_uppercase();
            let mut entry = json!({"detected_source_language": detected, "text": text});
            if show_billed {
                entry["billed_characters"] = Value::from(billed);
            }
            entry
        })
        .collect();
    (entries, billed_each.iter().sum())
}

/// The source language of each text: the one given, or each text's own, detected as DeepL
/// detects it when `source_lang` is left out (a text with no detectable language is taken to
/// be in the target language, and comes back marked but unchanged in its words).
fn source_languages(
    from: Option<LanguageCode>,
    to: LanguageCode,
    texts: &[String],
) -> Vec<LanguageCode> {
    match from {
        Some(from) => vec![from; texts.len()],
        None => {
            let detector = Detector::new();
            texts
                .iter()
                .map(|text| detector.detect(text).language.unwrap_or(to))
                .collect()
        }
    }
}

/// Each text answered in order from the cassettes, each from its language in `sources`,
/// following a glossary's `terms` (`terms.rs`), shaped by the content faults: `missing` drops
/// the last answer, `escape` wraps each in a colour sequence and a BEL, the crafted ones spoil
/// one answer ([`craft`](super::faults::craft)). Shared with the LibreTranslate side.
pub(super) fn positional_answers(
    shared: &Shared,
    (sources, to): (&[LanguageCode], LanguageCode),
    texts: &[String],
    terms: &[Term],
    fault: Option<FaultKind>,
) -> Vec<String> {
    let texts_of: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut answers: Vec<String> = match sources.first() {
        Some(&from) if sources.iter().all(|s| *s == from) => {
            super::terms::answers(shared, (from, to), &texts_of, terms, fault)
        }
        _ => texts
            .iter()
            .zip(sources)
            .map(|(text, &from)| shared.cassettes.translate(from, to, text))
            .collect(),
    };
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
        // DeepL bills the source's characters: "Eins." is 5.
        assert_eq!(reply["translations"][0]["billed_characters"], 5);
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
    fn takes_language_codes_as_deepl_does() {
        assert_eq!(target_language("EN-US"), Some(LanguageCode::EN));
        assert_eq!(target_language("en-gb"), Some(LanguageCode::EN));
        assert_eq!(target_language("pt-BR"), "pt".parse().ok());
        assert_eq!(target_language("ZH-hans"), "zh".parse().ok());
        assert_eq!(target_language("de"), Some(LanguageCode::DE));
        assert_eq!(target_language("EN"), Some(LanguageCode::EN));
        for refused in ["X", "EN-AU", "DE-AT", "XX", "auto", ""] {
            assert_eq!(target_language(refused), None, "{refused}");
        }
        assert_eq!(source_language("de"), Some(LanguageCode::DE));
        assert_eq!(source_language("EN"), Some(LanguageCode::EN));
        for refused in ["EN-US", "PT-BR", "auto", "XX"] {
            assert_eq!(source_language(refused), None, "{refused}");
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn reads_a_form_body_with_repeated_texts_and_logs_it_as_json() {
        let server = started(MockOptions::default()).await;
        let (status, text) = server.post_form_at(
            TRANSLATE_PATH,
            "text=Eins.&text=Zwei+und+drei.&source_lang=de&target_lang=en-us&show_billed_characters=1",
        )
        .await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        let zwei = crate::mock::pseudo_translation("de", "en", "Zwei und drei.");
        assert_eq!(reply["translations"][1]["text"].as_str(), zwei.as_deref());
        assert!(reply["translations"][1]["billed_characters"].is_u64());
        let logged = &server.server.requests()[0].body;
        assert_eq!(logged["text"], json!(["Eins.", "Zwei und drei."]));
        assert_eq!(logged["target_lang"], "en-us");
        let (status, text) = server
            .post_form_at(
                TRANSLATE_PATH,
                "text=Eins.&source_lang=EN-US&target_lang=DE",
            )
            .await;
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("'source_lang' not supported"), "{text}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn without_source_lang_each_text_is_detected() {
        let server = started(MockOptions::default()).await;
        let german = "Die Regierung hat am Montag neue Maßnahmen für die Schulen angekündigt.";
        let french = "Le gouvernement a annoncé lundi de nouvelles mesures pour les écoles.";
        let body = json!({"text": [german, french], "target_lang": "EN-GB"});
        let (status, _, text) = server.post_json_at(TRANSLATE_PATH, &[], &body).await;
        assert_eq!(status, 200, "{text}");
        let reply: Value = serde_json::from_str(&text).expect("JSON");
        let detected: Vec<&str> = (0..2)
            .filter_map(|i| reply["translations"][i]["detected_source_language"].as_str())
            .collect();
        assert_eq!(detected, ["DE", "FR"]);
        let german_answer = crate::mock::pseudo_translation("de", "en", german);
        assert_eq!(
            reply["translations"][0]["text"].as_str(),
            german_answer.as_deref()
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn lists_source_and_target_languages_as_deepl_does() {
        let server = started(MockOptions::default()).await;
        let (status, text) = server.get_at(LANGUAGES_PATH).await;
        assert_eq!(status, 200);
        let sources: Value = serde_json::from_str(&text).expect("JSON");
        assert!(
            sources
                .as_array()
                .is_some_and(|l| l.len() == LANGUAGES.len())
        );
        assert!(
            sources
                .as_array()
                .is_some_and(|l| l.contains(&json!({"language": "DE", "name": "German"})))
        );
        let (_, text) = server
            .get_at(&format!("{LANGUAGES_PATH}?type=target"))
            .await;
        let targets: Value = serde_json::from_str(&text).expect("JSON");
        let codes: Vec<&str> = targets
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|l| l["language"].as_str())
            .collect();
        assert!(codes.contains(&"EN-US") && codes.contains(&"PT-BR") && codes.contains(&"DE"));
        assert!(!codes.contains(&"EN") && !codes.contains(&"PT"));
        let german = targets
            .as_array()
            .and_then(|l| l.iter().find(|l| l["language"] == "DE"));
        assert_eq!(german.map(|l| &l["supports_formality"]), Some(&json!(true)));
        let (status, _) = server.get_at(&format!("{LANGUAGES_PATH}?type=both")).await;
        assert_eq!(status, 400);
    }
}
