//! DeepL's multilingual glossaries on the mock API: `POST /v3/glossaries` creates one,
//! `GET /v3/glossaries/{id}` tells whether it exists, `DELETE` removes it, and `/v2/translate`
//! applies the one its `glossary_id` (or `glossary_ids`) names.
//!
//! Follows DeepL's published specification: a glossary has a `name` and `dictionaries`, each
//! with `source_lang`, `target_lang` (lowercase codes), `entries` and `entries_format` (`tsv`,
//! the default, or `csv`); the answer is `201` with the glossary's id, name, dictionaries
//! (with `entry_count`) and creation time. An unknown id is `404` with DeepL's
//! `{"message": …}`. Glossaries live as long as the server.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::openai::json_response;
use crate::glossary::Term;
use crate::language::LanguageCode;

/// Path of the glossary list (creation).
pub(super) const GLOSSARIES_PATH: &str = "/v3/glossaries";
/// Path of one glossary.
pub(super) const GLOSSARY_PATH: &str = "/v3/glossaries/{id}";

/// One dictionary of a stored glossary.
#[derive(Debug, Clone)]
pub(super) struct Dictionary {
    source: LanguageCode,
    target: LanguageCode,
    terms: Vec<Term>,
}

/// The glossaries created so far, by id.
#[derive(Debug, Default)]
pub(super) struct Store {
    glossaries: BTreeMap<String, (String, Vec<Dictionary>)>,
    /// Glossaries created so far, deleted ones included (ids are never reused).
    created: u64,
}

/// The body of `POST /v3/glossaries`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Create {
    name: String,
    dictionaries: Vec<DictionaryBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DictionaryBody {
    source_lang: String,
    target_lang: String,
    entries: String,
    #[serde(default)]
    entries_format: Option<String>,
}

/// A DeepL-style error: `{"message": …}`.
fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "message": message }).to_string())
}

/// `POST /v3/glossaries`.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<Value>(&body);
    let logged = parsed.as_ref().map_or(Value::Null, Clone::clone);
    shared
        .respond(method, uri, logged, || {
            let create = match parsed.and_then(Create::deserialize) {
                Ok(create) => create,
                Err(e) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        &format!("Bad request. Reason: {e}"),
                    );
                }
            };
            let dictionaries = match create
                .dictionaries
                .iter()
                .map(dictionary)
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(dictionaries) => dictionaries,
                Err(message) => return error(StatusCode::BAD_REQUEST, &message),
            };
            let mut store = shared
                .glossaries
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            store.created += 1;
            let id = format!("mock-glossary-{}", store.created);
            let answer = described(&id, &create.name, &dictionaries);
            store.glossaries.insert(id, (create.name, dictionaries));
            json_response(StatusCode::CREATED, answer.to_string())
        })
        .await
}

/// `GET /v3/glossaries/{id}`.
pub(super) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
) -> Response {
    let found = |store: &mut Store, id: &str| {
        let (name, dictionaries) = store.glossaries.get(id)?;
        Some(json_response(
            StatusCode::OK,
            described(id, name, dictionaries).to_string(),
        ))
    };
    on_glossary(&shared, &id, (method, uri), found).await
}

/// `DELETE /v3/glossaries/{id}`: `204`.
pub(super) async fn remove(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
) -> Response {
    let removed = |store: &mut Store, id: &str| {
        store.glossaries.remove(id)?;
        let mut response = Response::default();
        *response.status_mut() = StatusCode::NO_CONTENT;
        Some(response)
    };
    on_glossary(&shared, &id, (method, uri), removed).await
}

/// The answer `act` gives for the glossary `id`, or `404` when it has none.
async fn on_glossary(
    shared: &Shared,
    id: &str,
    (method, uri): (Method, Uri),
    act: impl FnOnce(&mut Store, &str) -> Option<Response>,
) -> Response {
    shared
        .respond(method, uri, Value::Null, || {
            let mut store = shared
                .glossaries
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            act(&mut store, id)
                .unwrap_or_else(|| error(StatusCode::NOT_FOUND, "Glossary not found"))
        })
        .await
}

/// The terms the glossaries `ids` hold for `from` → `to`; `Err` is the status and message to
/// answer (an unknown id, or no dictionary for the pair).
pub(super) fn terms_for(
    shared: &Shared,
    ids: &[String],
    (from, to): (Option<LanguageCode>, LanguageCode),
) -> Result<Vec<Term>, (StatusCode, &'static str)> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let Some(from) = from else {
        return Err((
            StatusCode::BAD_REQUEST,
            "Bad request. Reason: Use of a glossary requires the source_lang parameter to be set.",
        ));
    };
    let store = shared
        .glossaries
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let mut terms = Vec::new();
    for id in ids {
        let (_, dictionaries) = store
            .glossaries
            .get(id)
            .ok_or((StatusCode::NOT_FOUND, "Glossary not found"))?;
        let dictionary = dictionaries
            .iter()
            .find(|d| d.source == from && d.target == to)
            .ok_or((
                StatusCode::BAD_REQUEST,
                "Bad request. Reason: The glossary has no dictionary for this language pair.",
            ))?;
        terms.extend(dictionary.terms.iter().cloned());
    }
    Ok(terms)
}

/// A dictionary of a create request, checked as DeepL checks it.
fn dictionary(body: &DictionaryBody) -> Result<Dictionary, String> {
    let code = |code: &str, side: &str| -> Result<LanguageCode, String> {
        code.parse()
            .map_err(|_| format!("Bad request. Reason: Value for '{side}' not supported."))
    };
    let tabs = match body.entries_format.as_deref() {
        None | Some("tsv") => true,
        Some("csv") => false,
        Some(_) => {
            return Err("Bad request. Reason: Value for 'entries_format' not supported.".into());
        }
    };
    let separator = if tabs { '\t' } else { ',' };
    let mut terms: Vec<Term> = Vec::new();
    for (i, line) in body.entries.lines().enumerate() {
        let Some((source, target)) = line.split_once(separator) else {
            return Err(format!(
                "Invalid glossary entries provided: entry {} has no {}",
                i + 1,
                if tabs { "tab" } else { "comma" }
            ));
        };
        if terms.iter().any(|t| t.source == source) {
            return Err(format!(
                "Invalid glossary entries provided: entry {} duplicates an earlier key",
                i + 1
            ));
        }
        terms.push(Term {
            source: source.trim().to_owned(),
            target: target.trim().to_owned(),
            case_sensitive: true,
        });
    }
    Ok(Dictionary {
        source: code(&body.source_lang, "source_lang")?,
        target: code(&body.target_lang, "target_lang")?,
        terms,
    })
}

/// A glossary as DeepL describes it.
fn described(id: &str, name: &str, dictionaries: &[Dictionary]) -> Value {
    let dictionaries: Vec<Value> = dictionaries
        .iter()
        .map(|d| {
            json!({"source_lang": d.source.as_str(), "target_lang": d.target.as_str(),
                   "entry_count": d.terms.len()})
        })
        .collect();
    json!({"glossary_id": id, "name": name, "dictionaries": dictionaries,
           "creation_time": "2026-01-01T00:00:00.000Z"})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockOptions;
    use crate::mock::testing::started;

    #[tokio::test(flavor = "current_thread")]
    async fn a_created_glossary_is_found_and_applied_by_id() {
        let server = started(MockOptions::default()).await;
        let body = json!({"name": "diglot", "dictionaries": [{"source_lang": "de",
            "target_lang": "en", "entries": "Kiew\tKyiv", "entries_format": "tsv"}]});
        let (status, _, text) = server.post_json_at(GLOSSARIES_PATH, &[], &body).await;
        assert_eq!(status, 201, "{text}");
        let created: Value = serde_json::from_str(&text).expect("JSON");
        let id = created["glossary_id"].as_str().expect("an id").to_owned();
        assert_eq!(created["dictionaries"][0]["entry_count"], 1);
        let (status, _) = server.get_at(&format!("/v3/glossaries/{id}")).await;
        assert_eq!(status, 200);
        let (status, text) = server.get_at("/v3/glossaries/nope").await;
        assert_eq!(status, 404, "{text}");
        let translate = json!({"text": ["Die Regierung in Kiew."], "source_lang": "DE",
                               "target_lang": "EN-US", "glossary_id": id});
        let (status, _, text) = server.post_json_at("/v2/translate", &[], &translate).await;
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("Kyiv"), "{text}");
        let unknown = json!({"text": ["Kiew."], "source_lang": "DE", "target_lang": "EN-US",
                             "glossary_id": "nope"});
        assert_eq!(
            server.post_json_at("/v2/translate", &[], &unknown).await.0,
            404
        );
        let bad = json!({"name": "x", "dictionaries": [{"source_lang": "de",
            "target_lang": "en", "entries": "no tab here"}]});
        assert_eq!(server.post_json_at(GLOSSARIES_PATH, &[], &bad).await.0, 400);
    }
}
