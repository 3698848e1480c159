//! Replaying a directory of cassettes (`diglot mock-server --cassettes DIR`): what a team
//! recorded from its real provider (`--record`, `record.rs`) or wrote by hand, served like the
//! compiled-in cassettes.
//!
//! Owns loading the directory ([`Replay::load`]) and the layer that answers a request from a
//! recorded exchange before any handler sees it. In: every `*.json` file in the directory, in
//! the order of their numbers (`0007-openai.json`), then of their names. Out: a request whose
//! [`Key`] a recorded exchange has gets that exchange's answer as recorded, byte for byte (a
//! broken reply stays broken, so it can be a regression test); a key recorded more than once
//! gets its answers in the recorded order (a retry after a 429, a step down after a refused
//! parameter), the last one again after that. Every other request goes to the handlers, which
//! answer each paragraph from the directory's paragraphs first (the translations the recorded
//! answers gave, the later one where two differ), then the compiled-in cassettes: so a run
//! that chunks the article differently from the recording still gets the recorded
//! translations.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::Shared;
use super::cassette::{Cassette, CassetteFileError};
use super::exchange::{Key, RecordedResponse, RequestParts, key_of, reply_texts};
use crate::language::LanguageCode;

/// The largest request body the replay layer reads, as axum's handlers do by default.
const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// Why a cassette directory cannot be recorded into or replayed.
#[derive(Debug, thiserror::Error)]
pub enum CassetteDirError {
    /// The directory cannot be listed, or a file in it read.
    #[error("cannot read the cassettes in '{}': {source}", path.display())]
    Read {
        /// The directory or file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The directory to record into cannot be created.
    #[error("cannot create the cassette directory '{}': {source}", dir.display())]
    Create {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The directory holds no cassette to replay.
    #[error("'{}' holds no cassettes (files ending in .json)", dir.display())]
    Empty {
        /// The directory.
        dir: PathBuf,
    },
    /// A file is not a cassette.
    #[error("cassette '{}' {error}", file.display())]
    Cassette {
        /// The file.
        file: PathBuf,
        /// What is wrong with it.
        error: CassetteFileError,
    },
}

/// The cassettes of one directory, ready to answer.
#[derive(Debug, Default)]
pub struct Replay {
    /// Recorded translations by language pair, then by exact source text.
    paragraphs: HashMap<(LanguageCode, LanguageCode), HashMap<String, String>>,
    /// Recorded answers by the key of their request.
    exchanges: HashMap<Key, Answers>,
}

/// The answers recorded for one key, in order, and how many were replayed.
#[derive(Debug)]
struct Answers {
    /// The path of the recorded request, which says how to read its answers.
    path: String,
    responses: Vec<RecordedResponse>,
    replayed: AtomicUsize,
}

impl Replay {
    /// Loads every cassette in `dir`.
    pub fn load(dir: &Path) -> Result<Replay, CassetteDirError> {
        let files = cassette_files(dir).map_err(|source| CassetteDirError::Read {
            path: dir.to_owned(),
            source,
        })?;
        if files.is_empty() {
            return Err(CassetteDirError::Empty {
                dir: dir.to_owned(),
            });
        }
        let mut replay = Replay::default();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|source| CassetteDirError::Read {
                path: file.clone(),
                source,
            })?;
            let cassette = Cassette::from_json(&text)
                .map_err(|error| CassetteDirError::Cassette { file, error })?;
            replay.add(cassette);
        }
        Ok(replay)
    }

    /// Adds a cassette's paragraphs (replacing earlier translations of the same text) and its
    /// exchange (after earlier answers to the same key).
    fn add(&mut self, cassette: Cassette) {
        if let Ok(Some(pair)) = cassette.languages() {
            let recorded = self.paragraphs.entry(pair).or_default();
            for paragraph in cassette.paragraphs {
                recorded.insert(paragraph.source, paragraph.target);
            }
        }
        if let Some(exchange) = cassette.exchange {
            let answers = self
                .exchanges
                .entry(exchange.request.key())
                .or_insert_with(|| Answers {
                    path: exchange.request.path.clone(),
                    responses: Vec::new(),
                    replayed: AtomicUsize::new(0),
                });
            answers.responses.push(exchange.response);
        }
    }

    /// The translation of `text` a cassette of the directory records, if one does.
    pub fn lookup(&self, from: LanguageCode, to: LanguageCode, text: &str) -> Option<&str> {
        Some(self.paragraphs.get(&(from, to))?.get(text)?.as_str())
    }

    /// How many exchanges and how many paragraphs the directory records.
    pub fn counts(&self) -> (usize, usize) {
        let exchanges = self.exchanges.values().map(|a| a.responses.len()).sum();
        let paragraphs = self.paragraphs.values().map(HashMap::len).sum();
        (exchanges, paragraphs)
    }

    /// The next recorded answer for `key` (the last one again once all were replayed), and the
    /// path of its request.
    fn answer(&self, key: &Key) -> Option<(&str, &RecordedResponse)> {
        let answers = self.exchanges.get(key)?;
        let turn = answers.replayed.fetch_add(1, Ordering::Relaxed);
        let response = answers
            .responses
            .get(turn)
            .or_else(|| answers.responses.last())?;
        Some((&answers.path, response))
    }
}

/// The cassette files in `dir`: `*.json` but hidden files, ordered by their leading number,
/// then by name.
pub(super) fn cassette_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".json") && !name.starts_with('.') && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by_cached_key(|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        (number_of(name), name.to_owned())
    });
    Ok(files)
}

/// The number a recorded cassette's name starts with (`0007` in `0007-openai.json`).
pub(super) fn number_of(name: &str) -> Option<u64> {
    name.split_once('-')?.0.parse().ok()
}

/// `router` with the replay layer in front of its handlers when the server replays a
/// directory.
pub(super) fn layered(router: Router<Arc<Shared>>, shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    if shared.cassettes.replay().is_none() {
        return router;
    }
    router.layer(axum::middleware::from_fn_with_state(
        Arc::clone(shared),
        answer_recorded,
    ))
}

/// The replay layer: a request whose key the directory records gets the recorded answer
/// (logged and delayed like any other); every other request goes on to the handlers.
async fn answer_recorded(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(replay) = shared.cassettes.replay() else {
        return next.run(request).await;
    };
    if request.uri().path() == super::LOG_PATH {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        return shared
            .respond(parts.method, parts.uri, Value::Null, || {
                super::openai::error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "invalid_request_error",
                    "the request body is larger than 2 MiB",
                )
            })
            .await;
    };
    let key = key_of(&RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        content_type: super::deepl::content_type(&parts.headers),
        body: &bytes,
    });
    let Some((path, recorded)) = replay.answer(&key) else {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    };
    let logged = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let generated = reply_texts(path, recorded)
        .map_or(0, |texts| texts.iter().map(|t| t.chars().count()).sum());
    shared
        .respond(parts.method, parts.uri, logged, || {
            super::with_generated(response_of(recorded), generated)
        })
        .await
}

/// The recorded answer as an HTTP response: its status, content type, `Retry-After` and body.
fn response_of(recorded: &RecordedResponse) -> Response {
    let status = StatusCode::from_u16(recorded.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = Response::new(Body::from(recorded.body.clone()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let recorded_headers = [
        (header::CONTENT_TYPE, &recorded.content_type),
        (header::RETRY_AFTER, &recorded.retry_after),
    ];
    for (name, value) in recorded_headers {
        if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            headers.insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn write(dir: &Path, name: &str, cassette: &Value) {
        std::fs::write(dir.join(name), cassette.to_string()).expect("write cassette");
    }

    fn exchange(status: u16, body: &str) -> Value {
        json!({
            "request": {"method": "POST", "path": "/v2/translate", "content_type": "application/json",
                        "body": {"text": ["Eins."], "source_lang": "DE", "target_lang": "EN-US"}},
            "response": {"status": status, "content_type": "application/json", "body": body},
        })
    }

    #[test]
    fn replays_a_key_in_recorded_order_then_repeats_the_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(
            dir.path(),
            "0010-deepl.json",
            &json!({"exchange": exchange(200, "second")}),
        );
        write(
            dir.path(),
            "0002-deepl.json",
            &json!({"exchange": exchange(429, "first")}),
        );
        let replay = Replay::load(dir.path()).expect("loads");
        let key = key_of(&RequestParts {
            method: "POST",
            path: "/v2/translate",
            query: "",
            content_type: Some("application/x-www-form-urlencoded"),
            body: b"text=Eins.&source_lang=de&target_lang=en-us",
        });
        let bodies: Vec<&str> = (0..3)
            .filter_map(|_| replay.answer(&key).map(|(_, r)| r.body.as_str()))
            .collect();
        assert_eq!(bodies, ["first", "second", "second"]);
        assert_eq!(replay.counts(), (2, 0));
    }

    #[test]
    fn later_paragraphs_replace_earlier_ones_and_hidden_files_are_skipped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paragraphs = |target: &str| {
            json!({"source_language": "de", "target_language": "en",
                   "paragraphs": [{"source": "Eins.", "target": target}]})
        };
        write(dir.path(), "0001-openai.json", &paragraphs("Uno."));
        write(dir.path(), "0002-openai.json", &paragraphs("One."));
        std::fs::write(dir.path().join(".diglot-x.json.tmp"), "{").expect("write");
        std::fs::write(dir.path().join(".hidden.json"), "{").expect("write");
        let replay = Replay::load(dir.path()).expect("loads");
        assert_eq!(
            replay.lookup(LanguageCode::DE, LanguageCode::EN, "Eins."),
            Some("One.")
        );
        assert_eq!(replay.counts(), (0, 1));
    }

    #[test]
    fn refuses_a_missing_or_empty_directory_and_names_a_bad_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Replay::load(dir.path()).expect_err("empty accepted");
        assert!(matches!(err, CassetteDirError::Empty { .. }), "{err}");
        let err = Replay::load(&dir.path().join("nope")).expect_err("missing accepted");
        assert!(matches!(err, CassetteDirError::Read { .. }), "{err}");
        std::fs::write(dir.path().join("bad.json"), "{\"paragraphs\": 3}").expect("write");
        let err = Replay::load(dir.path()).expect_err("bad file accepted");
        assert!(err.to_string().contains("bad.json' is malformed"), "{err}");
    }

    #[test]
    fn numbers_order_recorded_files() {
        assert_eq!(number_of("0007-openai.json"), Some(7));
        assert_eq!(number_of("12345-deepl.json"), Some(12345));
        assert_eq!(number_of("article.json"), None);
    }
}
