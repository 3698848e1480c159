//! Recording a real API (`diglot mock-server --record DIR --upstream URL`): the mock becomes a
//! proxy that passes every request on to the upstream, passes its answer back unchanged (a
//! stream as it arrives), and writes each exchange into DIR as a cassette that
//! `--cassettes DIR` replays (`replay.rs`).
//!
//! Owns the [`Upstream`] URL, preparing the directory ([`Recording::prepare`]), the proxy
//! handler, and what a cassette may hold. Keys are never written: no request header is kept
//! but the content type, the body fields and query parameters that carry keys
//! ([`super::exchange::SECRET_FIELDS`]: `api_key`, `auth_key`; and a `key` parameter) are left
//! out, and every key the request carried (in `Authorization`, `x-api-key`, DeepL's
//! `DeepL-Auth-Key` scheme, a body or the query) is replaced by `(redacted)` wherever it
//! appears in the cassette, an echo in an error message included. The proxy neither retries
//! nor interprets: that is the client's job, and the recording must show what the upstream
//! really did. It sends its own requests with its own HTTP client (the transport in
//! `provider` retries and reads answers, which a proxy must not), and asks for answers
//! without compression so that the cassette holds readable text.
//!
//! Cassettes are numbered in the order requests arrive (`0001-openai.json`, after the highest
//! number already in DIR, so a second session adds to the first) and written when the answer
//! ends, each whole or not at all. A cassette that cannot be written stops the server, and
//! `diglot mock-server` exits with the error: a recording with holes is no recording.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::MethodRouter;
use serde_json::Value;
use tokio::sync::{Notify, mpsc};

use super::Shared;
use super::cassette::{Cassette, RecordedParagraph};
use super::exchange::{
    Exchange, RecordedRequest, RecordedResponse, SECRET_FIELDS, SECRET_PARAMS, protocol_of,
    translations, without_secret_params,
};
use super::replay::{CassetteDirError, cassette_files, number_of};

/// The most bytes of one answer a cassette keeps; the client still gets all of it.
const MAX_RECORDED_BYTES: usize = 32 * 1024 * 1024;
/// How long the upstream may send nothing before the proxy gives up on its answer (a CPU
/// server can think a long time before the first token).
const UPSTREAM_STALL: Duration = Duration::from_secs(600);
/// Time to connect to the upstream.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Headers whose values are keys.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
];
/// A key shorter than this is not looked for in the cassette's text: replacing two or three
/// letters everywhere would spoil the recording, and such a key protects nothing.
const MIN_SECRET_CHARS: usize = 6;
/// What a key is replaced with.
const REDACTED: &str = "(redacted)";
/// Headers that belong to one connection, never passed on (RFC 9110, 7.6.1), and those the
/// proxy sets itself.
const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
];

/// The real API a recording mock passes requests on to: an `http` or `https` URL. A request
/// for PATH goes to the URL's path followed by PATH, except that an URL ending in `/v1` (an
/// OpenAI-style base URL, as diglot's profiles give it) does not get a second `/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream(reqwest::Url);

/// Why an `--upstream` value is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not an http:// or https:// URL without a query")]
pub struct ParseUpstreamError {
    value: String,
}

impl FromStr for Upstream {
    type Err = ParseUpstreamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refused = || ParseUpstreamError {
            value: s.to_owned(),
        };
        let url = reqwest::Url::parse(s.trim()).map_err(|_| refused())?;
        let usable = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.query().is_none()
            && url.fragment().is_none();
        usable.then_some(Upstream(url)).ok_or_else(refused)
    }
}

impl fmt::Display for Upstream {
    /// The URL without a user name or password, fit for a cassette's note.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        f.write_str(shown.as_str().trim_end_matches('/'))
    }
}

impl Upstream {
    /// Where a request for `path` (and `query`) goes.
    fn url_for(&self, path: &str, query: Option<&str>) -> String {
        let mut url = self.0.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        let path = match base.strip_suffix("/v1") {
            Some(root) if path.starts_with("/v1/") => format!("{root}{path}"),
            _ => format!("{base}{path}"),
        };
        url.set_path(&path);
        url.set_query(query);
        url.into()
    }
}

/// Where a server records to, and from what.
#[derive(Debug, Clone)]
pub struct Recording {
    dir: PathBuf,
    upstream: Upstream,
    /// The number the first new cassette gets.
    first: u64,
}

impl Recording {
    /// Creates `dir` when it does not exist and numbers new cassettes after those in it.
    pub fn prepare(dir: &Path, upstream: Upstream) -> Result<Recording, CassetteDirError> {
        std::fs::create_dir_all(dir).map_err(|source| CassetteDirError::Create {
            dir: dir.to_owned(),
            source,
        })?;
        let files = cassette_files(dir).map_err(|source| CassetteDirError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let last = files
            .iter()
            .filter_map(|f| number_of(f.file_name()?.to_str()?))
            .max()
            .unwrap_or(0);
        Ok(Recording {
            dir: dir.to_owned(),
            upstream,
            first: last + 1,
        })
    }
}

/// A recording server's state: the client it passes requests on with, the next cassette's
/// number, and the first cassette that could not be written.
#[derive(Debug)]
pub(super) struct Recorder {
    recording: Recording,
    client: reqwest::Client,
    next: AtomicU64,
    failure: Mutex<Option<io::Error>>,
    failed: Notify,
}

impl Recorder {
    /// Builds the HTTP client (no redirects followed: the client sees them as sent).
    pub(super) fn new(recording: Recording) -> io::Result<Recorder> {
        let client = crate::provider::transport::http_client(|| {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(UPSTREAM_STALL)
                .redirect(reqwest::redirect::Policy::none())
        })
        .map_err(io::Error::other)?;
        Ok(Recorder {
            next: AtomicU64::new(recording.first),
            recording,
            client,
            failure: Mutex::default(),
            failed: Notify::new(),
        })
    }

    fn fail(&self, error: io::Error) {
        let mut failure = self.failure.lock().unwrap_or_else(PoisonError::into_inner);
        if failure.is_none() {
            *failure = Some(error);
            self.failed.notify_one();
        }
    }
}

/// Resolves once `recorder` could not write a cassette; never without a recorder.
pub(super) async fn failed(recorder: Option<&Recorder>) {
    match recorder {
        Some(recorder) => recorder.failed.notified().await,
        None => std::future::pending().await,
    }
}

/// The first cassette write that failed, if one did.
pub(super) fn failure(recorder: Option<&Recorder>) -> Option<io::Error> {
    let mut failure = recorder?
        .failure
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    failure.take()
}

/// A recording server's routes: the request log (`log`) and everything else passed on.
pub(super) fn router(shared: Arc<Shared>, log: MethodRouter<Arc<Shared>>) -> Router {
    Router::new()
        .route(super::LOG_PATH, log)
        .fallback(proxy)
        .with_state(shared)
}

/// Every request of a recording server: passed on to the upstream, its answer passed back.
async fn proxy(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let logged = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let response = forward(&shared, &method, &uri, &headers, body).await;
    shared.respond(method, uri, logged, || response).await
}

/// Sends the request upstream and starts relaying the answer; a 502 when the upstream cannot
/// be reached (nothing is recorded then: the upstream said nothing).
async fn forward(
    shared: &Arc<Shared>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let Some(recorder) = shared.recorder.as_ref() else {
        return super::openai::error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the mock server is not recording (a bug in diglot)",
        );
    };
    let number = recorder.next.fetch_add(1, Ordering::Relaxed);
    let url = recorder.recording.upstream.url_for(uri.path(), uri.query());
    let mut request = recorder
        .client
        .request(method.clone(), url)
        .body(body.clone());
    for (name, value) in headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            request = request.header(name, value);
        }
    }
    let upstream = match request.send().await {
        Ok(upstream) => upstream,
        Err(error) => {
            return super::openai::error_response(
                StatusCode::BAD_GATEWAY,
                "upstream_error",
                format!(
                    "the recording mock cannot reach {}: {error}",
                    recorder.recording.upstream
                ),
            );
        }
    };
    let pending = Pending {
        number,
        request: recorded_request(method, uri, headers, &body),
        secrets: secrets_of(headers, uri.query().unwrap_or_default(), &body),
        status: upstream.status().as_u16(),
        content_type: header_text(upstream.headers(), &header::CONTENT_TYPE),
        retry_after: header_text(upstream.headers(), &header::RETRY_AFTER),
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = upstream.status();
    for (name, value) in upstream.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) || name == header::CONTENT_LENGTH {
            response.headers_mut().append(name, value.clone());
        }
    }
    let (sender, receiver) = mpsc::channel(16);
    tokio::spawn(relay(Arc::clone(shared), upstream, sender, pending));
    *response.body_mut() = Body::from_stream(Chunks(receiver));
    response
}

/// An exchange whose answer is still arriving.
struct Pending {
    number: u64,
    request: RecordedRequest,
    secrets: Vec<String>,
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
}

/// Passes the upstream's answer to the client chunk by chunk as it arrives, keeps it (up to
/// [`MAX_RECORDED_BYTES`]), and writes the cassette when it ends: at its end, when the client
/// hangs up (the upstream connection is dropped, so a server stops generating), or when the
/// connection breaks (the client's body breaks too).
async fn relay(
    shared: Arc<Shared>,
    mut upstream: reqwest::Response,
    sender: mpsc::Sender<io::Result<Bytes>>,
    pending: Pending,
) {
    let mut body = Vec::new();
    let mut complete = true;
    loop {
        match upstream.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() <= MAX_RECORDED_BYTES {
                    body.extend_from_slice(&chunk);
                } else {
                    complete = false;
                }
                if sender.send(Ok(chunk)).await.is_err() {
                    complete = false;
                    break;
                }
            }
            Ok(None) => break,
            Err(error) => {
                complete = false;
                let _ = sender.send(Err(io::Error::other(error))).await;
                break;
            }
        }
    }
    drop((sender, upstream));
    let Some(recorder) = shared.recorder.as_ref() else {
        return;
    };
    let dir = recorder.recording.dir.clone();
    let note = format!(
        "recorded by `diglot mock-server --record` from {}: {} {}, HTTP {}{}",
        recorder.recording.upstream,
        pending.request.method,
        pending.request.path,
        pending.status,
        if complete { "" } else { ", cut short" }
    );
    let written = tokio::task::spawn_blocking(move || {
        write_cassette(
            &dir,
            pending,
            String::from_utf8_lossy(&body),
            complete,
            note,
        )
    })
    .await
    .unwrap_or_else(|join| Err(io::Error::other(join)));
    if let Err(error) = written {
        recorder.fail(error);
    }
}

/// Writes one exchange as cassette `DIR/NNNN-PROTOCOL.json`, keys redacted.
fn write_cassette(
    dir: &Path,
    pending: Pending,
    body: std::borrow::Cow<'_, str>,
    complete: bool,
    note: String,
) -> io::Result<()> {
    let exchange = Exchange {
        response: RecordedResponse {
            status: pending.status,
            content_type: pending.content_type,
            retry_after: pending.retry_after,
            body: body.into_owned(),
            complete,
        },
        request: pending.request,
    };
    let translated = translations(&exchange.request.key(), &exchange.response);
    let label = file_label(&exchange.request.path);
    let cassette = Cassette {
        source_language: translated.as_ref().map(|t| t.source),
        target_language: translated.as_ref().map(|t| t.target),
        note: Some(note),
        paragraphs: translated
            .map(|t| t.pairs)
            .unwrap_or_default()
            .into_iter()
            .map(|(source, target)| RecordedParagraph { source, target })
            .collect(),
        exchange: Some(exchange),
        ..Cassette::default()
    };
    let json = serde_json::to_string_pretty(&cassette).map_err(io::Error::other)?;
    let json = redacted(json, &pending.secrets) + "\n";
    let path = dir.join(format!("{:04}-{label}.json", pending.number));
    crate::output::write_atomic(&path, json.as_bytes())
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write '{}': {e}", path.display())))
}

/// What a cassette's file name says after its number: the wire format of a translation
/// (`openai`, `anthropic`, `deepl`, `libretranslate`), else the path's last part (`models`,
/// `languages`), letters and digits only.
fn file_label(path: &str) -> String {
    match protocol_of(path) {
        "other" => {
            let last = path
                .rsplit('/')
                .find(|part| !part.is_empty())
                .unwrap_or("root");
            last.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect()
        }
        protocol => protocol.to_owned(),
    }
}

/// The request as a cassette keeps it: method, path, query and body without keys, and the
/// content type.
fn recorded_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> RecordedRequest {
    let content_type = super::deepl::content_type(headers);
    let form = super::deepl::is_form(content_type);
    let body = match serde_json::from_slice::<Value>(body) {
        _ if body.is_empty() => Value::Null,
        Ok(Value::Object(mut fields)) if !form => {
            for name in SECRET_FIELDS {
                fields.remove(name);
            }
            Value::Object(fields)
        }
        Ok(json) if !form => json,
        _ => Value::String(super::exchange::without_secret_fields(form, body)),
    };
    RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: without_secret_params(uri.query().unwrap_or_default()),
        content_type: content_type.map(str::to_owned),
        body,
    }
}

/// Every key the request carries, longest first: auth headers (whole, and the token after the
/// scheme), and the key fields of its query and body.
fn secrets_of(headers: &HeaderMap, query: &str, body: &[u8]) -> Vec<String> {
    let mut secrets: Vec<String> = Vec::new();
    for name in SECRET_HEADERS {
        for value in headers.get_all(HeaderName::from_static(name)) {
            let value = String::from_utf8_lossy(value.as_bytes()).trim().to_owned();
            if let Some((_, token)) = value.rsplit_once(' ') {
                secrets.push(token.to_owned());
            }
            secrets.push(value);
        }
    }
    let params = form_urlencoded::parse(query.as_bytes())
        .chain(form_urlencoded::parse(body))
        .filter(|(name, _)| SECRET_PARAMS.contains(&name.as_ref()))
        .map(|(_, value)| value.into_owned());
    secrets.extend(params);
    if let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) {
        let values = SECRET_FIELDS
            .iter()
            .filter_map(|f| fields.get(*f)?.as_str());
        secrets.extend(values.map(str::to_owned));
    }
    secrets.retain(|s| s.chars().count() >= MIN_SECRET_CHARS);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

/// `text` with every key in it (as written, and as JSON escapes it) replaced by
/// [`REDACTED`].
fn redacted(mut text: String, secrets: &[String]) -> String {
    for secret in secrets {
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        for form in [secret.as_str(), escaped] {
            if text.contains(form) {
                text = text.replace(form, REDACTED);
            }
        }
    }
    text
}

/// A header's value as text, if it has a readable one.
fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    Some(headers.get(name)?.to_str().ok()?.to_owned())
}

/// The relayed answer, as a body stream.
struct Chunks(mpsc::Receiver<io::Result<Bytes>>);

impl futures_util::Stream for Chunks {
    type Item = io::Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::{MockOptions, MockServer};

    fn upstream(url: &str) -> Upstream {
        url.parse().expect("an upstream URL")
    }

    #[test]
    fn joins_the_upstream_and_the_request_path_without_a_second_v1() {
        let cases = [
            (
                "http://127.0.0.1:8080",
                "/v1/chat/completions",
                "http://127.0.0.1:8080/v1/chat/completions",
            ),
            (
                "https://api.openai.com/v1",
                "/v1/chat/completions",
                "https://api.openai.com/v1/chat/completions",
            ),
            (
                "https://api.groq.com/openai/v1/",
                "/v1/chat/completions",
                "https://api.groq.com/openai/v1/chat/completions",
            ),
            (
                "https://api-free.deepl.com",
                "/v2/translate",
                "https://api-free.deepl.com/v2/translate",
            ),
            (
                "https://example.org/lt",
                "/translate",
                "https://example.org/lt/translate",
            ),
        ];
        for (base, path, expected) in cases {
            assert_eq!(
                upstream(base).url_for(path, None),
                expected,
                "{base} + {path}"
            );
        }
        let with_query = upstream("http://h").url_for("/v2/languages", Some("type=target"));
        assert_eq!(with_query, "http://h/v2/languages?type=target");
    }

    /// A mock playing the real API, and a recording mock in front of it writing into `dir`.
    async fn recording(dir: &Path) -> (MockServer, MockServer) {
        let local = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let real = MockServer::start(local, MockOptions::default())
            .await
            .expect("starts");
        let root = format!("http://{}", real.addr());
        let record = Recording::prepare(dir, upstream(&root)).expect("prepares");
        let options = MockOptions {
            record: Some(record),
            ..MockOptions::default()
        };
        let recorder = MockServer::start(local, options).await.expect("starts");
        (real, recorder)
    }

    /// Waits until `dir` holds `count` cassettes (they are written when an answer ends).
    async fn cassettes_in(dir: &Path, count: usize) -> Vec<PathBuf> {
        for _ in 0..500 {
            let files = cassette_files(dir).expect("lists");
            if files.len() >= count {
                return files;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no {count} cassettes in {}", dir.display());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn passes_a_stream_through_unchanged_and_records_it_as_sent() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_upstream, recorder) = recording(dir.path()).await;
        let body = serde_json::json!({"model": "m", "stream": true,
            "messages": [{"role": "user", "content": "Guten Tag."}]});
        let response = crate::mock::testing::client()
            .post(format!("{}/chat/completions", recorder.base_url()))
            .header("authorization", "Bearer sk-canary-stream")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("the recorder answers");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let received = response.text().await.expect("body");
        assert!(received.contains("data: [DONE]"), "{received}");
        let files = cassettes_in(dir.path(), 1).await;
        let text = std::fs::read_to_string(&files[0]).expect("cassette");
        assert!(!text.contains("canary"), "{text}");
        let cassette = Cassette::from_json(&text).expect("a cassette");
        let exchange = cassette.exchange.expect("an exchange");
        assert_eq!(exchange.response.body, received);
        assert_eq!(
            exchange.response.content_type.as_deref(),
            Some("text/event-stream")
        );
        assert!(exchange.response.complete);
        assert_eq!(exchange.request.body, body);
        assert!(files[0].ends_with("0001-openai.json"), "{files:?}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_cassette_that_cannot_be_written_stops_the_server_with_the_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = dir.path().join("gone");
        let (_upstream, recorder) = recording(&gone).await;
        std::fs::remove_dir(&gone).expect("remove the directory");
        let url = format!("{}/models", recorder.base_url());
        let answered = crate::mock::testing::client().get(url).send().await;
        assert_eq!(answered.map(|r| r.status().as_u16()).ok(), Some(200));
        let stopped = tokio::time::timeout(Duration::from_secs(10), recorder.wait()).await;
        let error = stopped
            .expect("the server stops")
            .expect_err("with the error");
        assert!(error.to_string().contains("0001-models.json"), "{error}");
    }

    #[test]
    fn names_files_by_wire_format_or_path() {
        assert_eq!(file_label("/v1/chat/completions"), "openai");
        assert_eq!(file_label("/v2/translate"), "deepl");
        assert_eq!(file_label("/v1/models"), "models");
        assert_eq!(
            file_label("/v2/glossary-language-pairs"),
            "glossary_language_pairs"
        );
        assert_eq!(file_label("/"), "root");
    }

    #[test]
    fn refuses_upstreams_that_are_not_plain_http_urls_and_hides_a_password() {
        for bad in [
            "ftp://h",
            "localhost:8080",
            "http://h/?key=x",
            "",
            "http://",
        ] {
            assert!(bad.parse::<Upstream>().is_err(), "{bad}");
        }
        assert_eq!(
            upstream("https://user:pw@api.example.com/v1").to_string(),
            "https://api.example.com/v1"
        );
    }

    #[test]
    fn finds_keys_in_headers_query_and_body_and_redacts_every_echo() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            "DeepL-Auth-Key canary-123:fx".parse().expect("value"),
        );
        headers.insert("x-api-key", "sk-ant-canary".parse().expect("value"));
        let body = br#"{"q": "Hallo", "api_key": "lt-canary-key", "source": "de"}"#;
        let secrets = secrets_of(&headers, "key=query-canary&x=1", body);
        for expected in [
            "canary-123:fx",
            "sk-ant-canary",
            "lt-canary-key",
            "query-canary",
        ] {
            assert!(
                secrets.iter().any(|s| s == expected),
                "{expected}: {secrets:?}"
            );
        }
        let text =
            "Incorrect key canary-123:fx; also \"sk-ant-canary\" and lt-canary-key".to_owned();
        let clean = redacted(text, &secrets);
        assert!(!clean.contains("canary"), "{clean}");
        assert_eq!(clean.matches(REDACTED).count(), 3, "{clean}");
        // Too short to look for: it would spoil the text, and protects nothing.
        assert!(secrets_of(&HeaderMap::new(), "key=ab", b"").is_empty());
    }

    #[test]
    fn a_recorded_request_keeps_no_key() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().expect("value"),
        );
        let uri: Uri = "/v2/translate?auth_key=canary-query&x=1"
            .parse()
            .expect("uri");
        let body = b"text=Hallo&auth_key=canary-form&target_lang=EN-US";
        let recorded = recorded_request(&Method::POST, &uri, &headers, body);
        let written = serde_json::to_string(&recorded).expect("serializes");
        assert!(!written.contains("canary"), "{written}");
        assert_eq!(recorded.query, "x=1");
        assert_eq!(recorded.body, Value::from("text=Hallo&target_lang=EN-US"));
        let json = br#"{"q": ["Hallo"], "api_key": "canary-json", "target": "en"}"#;
        let recorded = recorded_request(
            &Method::POST,
            &"/translate".parse().expect("uri"),
            &HeaderMap::new(),
            json,
        );
        assert_eq!(
            recorded.body,
            serde_json::json!({"q": ["Hallo"], "target": "en"})
        );
    }
}
