//! The built-in mock API server: a real HTTP server on a local socket that speaks the
//! OpenAI-compatible chat format, the Anthropic Messages API, DeepL API v2 and LibreTranslate,
//! for users' CI (`diglot mock-server`) and our own tests.
//!
//! Owns starting and stopping the server, routing, latency, and the request log. In:
//! [`MockOptions`] (latency and faults) and an address. Out: a running server whose
//! [`base_url`](MockServer::base_url) a provider is pointed at, and the [`LoggedRequest`]s it
//! saw. The chat format is in `openai.rs`, the recorded answers in `cassette.rs`, and the fault
//! kinds in `faults.rs`. The library never prints: `main.rs` announces the address.
//!
//! Routes: `POST /v1/chat/completions` and `GET /v1/models` (OpenAI, base URL `…/v1`),
//! `POST /v1/messages` (Anthropic), `POST /v2/translate`, `GET /v2/usage` and
//! `GET /v2/languages` (DeepL),
//! `POST /translate`, `GET /languages` and `POST /detect` (LibreTranslate); the last three
//! families take the server's root as base URL. The batch engines (`batches.rs`): OpenAI's
//! `/v1/files` and `/v1/batches`, Anthropic's `/v1/messages/batches`. Anything else gets an
//! OpenAI-style 404 or 405.
//! Every answer, error or not, waits for the configured latency and is logged. All
//! translation endpoints answer from the same cassettes and use up the same fault queue.
//!
//! Generation model (issue #7): with `chars_per_sec` R > 0, an answer that carries generated
//! text (a translation, a brief, a plain chat reply) is held back for latency + its characters /
//! R, as a hosted model that writes R characters per second would take; requests in flight are
//! generated in parallel. The whole body is sent at the end (time to first byte = the whole
//! time), which is what a non-streaming client sees of a real API too. `GET /__mock/requests`
//! lists the log as JSON (not logged itself), so a process outside can count requests.

mod anthropic;
mod batches;
mod brief;
mod cassette;
mod deepl;
mod deepl_glossaries;
mod emulate;
mod exchange;
mod faults;
mod libretranslate;
mod openai;
mod pseudo;
mod record;
mod replay;
mod sentences;
mod stream;
mod terms;
#[cfg(test)]
mod testing;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use batches::{BatchFault, BatchFaultKind, ParseBatchFaultError};
use cassette::{CassetteIndex, Cassettes};
pub use emulate::Emulation;
pub use faults::Fault;
pub use record::{ParseUpstreamError, Recording, Upstream};
pub use replay::{CassetteDirError, Replay};

/// The mock's pseudo-translation of `text` from `from` into `to` (ISO 639-1 codes), as it
/// answers a paragraph no cassette records: marked `[mock from→to]`, common words of the target
/// language in place of the source's, numbers, quotation marks and punctuation kept. `None`
/// for a code that is not two letters.
pub fn pseudo_translation(from: &str, to: &str, text: &str) -> Option<String> {
    Some(pseudo::pseudo_translation(
        from.parse().ok()?,
        to.parse().ok()?,
        text,
    ))
}

/// Path of the chat endpoint.
const CHAT_PATH: &str = "/v1/chat/completions";
/// Path of the model list.
const MODELS_PATH: &str = "/v1/models";
/// Path of the request log as JSON, for benchmarks and other processes (not logged itself).
pub const LOG_PATH: &str = "/__mock/requests";
/// The key that every protocol of the mock refuses (401, or 403 for DeepL).
pub const BAD_KEY: &str = "bad-key";
/// How long a shutdown waits for requests in flight before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How the mock behaves. The default answers at once and injects no faults.
#[derive(Debug, Clone, Default)]
pub struct MockOptions {
    /// Delay before every answer (`--latency-ms`).
    pub latency: Duration,
    /// Faults for chat requests, used up in order (`--fault`, repeatable).
    pub faults: Vec<Fault>,
    /// Generation rate in characters per second per request (`--chars-per-sec`); 0 answers at
    /// once. An answer with generated text waits `latency + chars / chars_per_sec`; a streamed
    /// one sends its first event after the latency and each later one at that rate.
    pub chars_per_sec: u32,
    /// Real servers' behaviours to take on (`--emulate`).
    pub emulate: Vec<Emulation>,
    /// Told of every request once it is answered (`diglot mock-server` prints a line on
    /// stderr); the library itself never prints.
    pub on_request: Option<RequestHook>,
    /// Pass every request on to a real API and record its answers (`--record`, `record.rs`).
    pub record: Option<Recording>,
    /// A directory's cassettes to replay before the compiled-in ones (`--cassettes`).
    pub replay: Option<Arc<Replay>>,
    /// How long a batch (OpenAI's Batch API, Anthropic's Message Batches) takes before it ends
    /// (`--batch-seconds`); zero ends it at the first look.
    pub batch_time: Duration,
    /// Faults for batches, one batch each in the order they are created (`--batch-fault`).
    pub batch_faults: Vec<BatchFault>,
}

/// What hears of an answered request: the request, and the time its answer took.
pub type OnRequest = dyn Fn(&LoggedRequest, Duration) + Send + Sync;

/// Called with each request and the time it took to answer, latency included.
#[derive(Clone)]
pub struct RequestHook(pub Arc<OnRequest>);

impl std::fmt::Debug for RequestHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestHook")
    }
}

/// The base URL each protocol's provider takes (`--base-url`), for a server at `root`
/// (`http://HOST:PORT`): OpenAI's ends in `/v1`, the others are the root.
pub fn base_urls(root: &str) -> [(&'static str, String); 4] {
    [
        ("openai", format!("{root}/v1")),
        ("anthropic", root.to_owned()),
        ("deepl", root.to_owned()),
        ("libretranslate", root.to_owned()),
    ]
}

/// Characters of generated text an answer carries, attached to the response by the handler so
/// that [`Shared::respond`] can hold it back for the generation time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Generated(pub(crate) usize);

/// Marks `response` as carrying `chars` characters of generated text.
pub(crate) fn with_generated(mut response: Response, chars: usize) -> Response {
    response.extensions_mut().insert(Generated(chars));
    response
}

/// Marks a streamed `response` as carrying `chars` characters of generated text, which its
/// body paces itself: [`Shared::respond`] waits only the latency.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paced;

/// See [`Paced`].
pub(crate) fn with_streamed(mut response: Response, chars: usize) -> Response {
    response.extensions_mut().insert(Generated(chars));
    response.extensions_mut().insert(Paced);
    response
}

/// One request as the mock saw and answered it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// HTTP method, such as `POST`.
    pub method: String,
    /// Request path without the query, such as `/v1/chat/completions`.
    pub path: String,
    /// The body parsed as JSON, or `null` when it is empty or not JSON; an upload to
    /// `/v1/files` as `{"purpose", "filename", "bytes"}`.
    pub body: Value,
    /// The status the mock answered with.
    pub status: u16,
    /// Characters of generated text in the answer (0 for errors and lists).
    pub generated_chars: usize,
}

impl LoggedRequest {
    /// One line for a log: `POST /v1/chat/completions 200 12 ms`.
    pub fn log_line(&self, took: Duration) -> String {
        format!(
            "{} {} {} {} ms",
            self.method,
            self.path,
            self.status,
            took.as_millis()
        )
    }

    /// Whether this is a `POST` to the chat endpoint (the requests that use up faults).
    pub fn is_chat(&self) -> bool {
        self.method == "POST" && self.path == CHAT_PATH
    }

    /// Whether this is a `POST` to any protocol's translation endpoint.
    pub fn is_translation(&self) -> bool {
        self.method == "POST"
            && [
                CHAT_PATH,
                anthropic::MESSAGES_PATH,
                deepl::TRANSLATE_PATH,
                libretranslate::TRANSLATE_PATH,
            ]
            .contains(&self.path.as_str())
    }
}

/// State shared by all handlers of one server.
#[derive(Debug)]
struct Shared {
    latency: Duration,
    chars_per_sec: u32,
    faults: faults::FaultQueue,
    cassettes: Cassettes,
    /// Set when the server records (`--record`): every request is passed on.
    recorder: Option<record::Recorder>,
    log: Mutex<Vec<LoggedRequest>>,
    /// Chat completions answered so far, for their ids (`mock-1`, `mock-2`, …).
    completions: AtomicU64,
    /// Characters DeepL requests were billed for, for `GET /v2/usage`.
    billed: AtomicU64,
    /// Requests that took the `name-drift` fault so far (every second one drifts).
    name_drifts: AtomicU64,
    /// The DeepL glossaries created on this server (`POST /v3/glossaries`), by id.
    glossaries: Mutex<deepl_glossaries::Store>,
    /// Set when a handler panicked; the test guard turns it into a failure.
    handler_panicked: AtomicBool,
    /// Real servers' behaviours taken on.
    emulations: emulate::Emulations,
    /// Told of every answered request.
    on_request: Option<RequestHook>,
    /// The batch engines' files and batches.
    batches: batches::Batches,
}

impl Shared {
    fn new(options: MockOptions) -> io::Result<Shared> {
        let built_in = CassetteIndex::compiled_in()
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
        Ok(Shared {
            latency: options.latency,
            chars_per_sec: options.chars_per_sec,
            faults: faults::FaultQueue::new(&options.faults),
            cassettes: Cassettes::new(options.replay, built_in),
            recorder: options.record.map(record::Recorder::new).transpose()?,
            log: Mutex::default(),
            completions: AtomicU64::new(0),
            billed: AtomicU64::new(0),
            name_drifts: AtomicU64::new(0),
            glossaries: Mutex::default(),
            handler_panicked: AtomicBool::new(false),
            emulations: emulate::Emulations::new(&options.emulate),
            on_request: options.on_request,
            batches: batches::Batches::new(options.batch_time, &options.batch_faults),
        })
    }

    /// Computes the answer (a panic becomes a 500 and is remembered), waits for the latency,
    /// logs the request and returns the answer.
    async fn respond(
        &self,
        method: Method,
        uri: Uri,
        body: Value,
        answer: impl FnOnce() -> Response,
    ) -> Response {
        let started = std::time::Instant::now();
        let response = catch_unwind(AssertUnwindSafe(answer)).unwrap_or_else(|_| {
            self.handler_panicked.store(true, Ordering::SeqCst);
            openai::error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the mock server panicked (a bug in diglot)",
            )
        });
        let generated_chars = response
            .extensions()
            .get::<Generated>()
            .map_or(0, |generated| generated.0);
        let paced = response.extensions().get::<Paced>().is_some();
        let generating = if paced {
            Duration::ZERO
        } else {
            generation_time(generated_chars, self.chars_per_sec)
        };
        let delay = self.latency + generating;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let logged = LoggedRequest {
            method: method.to_string(),
            path: uri.path().to_owned(),
            body,
            status: response.status().as_u16(),
            generated_chars,
        };
        if let Some(RequestHook(hook)) = &self.on_request {
            hook(&logged, started.elapsed());
        }
        self.log_lock().push(logged);
        response
    }

    fn log_lock(&self) -> std::sync::MutexGuard<'_, Vec<LoggedRequest>> {
        // Pushing a finished entry cannot leave the log half-written, so a poisoned lock is fine.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn requests(&self) -> Vec<LoggedRequest> {
        self.log_lock().clone()
    }
}

/// How long writing `chars` characters takes at `chars_per_sec` (0: no time).
fn generation_time(chars: usize, chars_per_sec: u32) -> Duration {
    if chars_per_sec == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs_f64(chars as f64 / f64::from(chars_per_sec))
}

/// `GET /__mock/requests`: `{"count": N, "requests": [{method, path, status,
/// generated_chars, body}, …]}`, in the order answered. Not logged and not delayed.
async fn request_log(State(shared): State<Arc<Shared>>) -> Response {
    let requests: Vec<Value> = shared
        .requests()
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "method": r.method,
                "path": r.path,
                "status": r.status,
                "generated_chars": r.generated_chars,
                "body": r.body,
            })
        })
        .collect();
    let log = serde_json::json!({"count": requests.len(), "requests": requests});
    openai::json_response(StatusCode::OK, log.to_string())
}

/// Any other route or method: an OpenAI-style 404 (unknown path) or 405 (wrong method).
async fn unknown_route(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let logged = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_owned();
    let served = [
        CHAT_PATH,
        MODELS_PATH,
        anthropic::MESSAGES_PATH,
        deepl::TRANSLATE_PATH,
        deepl::USAGE_PATH,
        deepl::LANGUAGES_PATH,
        deepl_glossaries::GLOSSARIES_PATH,
        libretranslate::TRANSLATE_PATH,
        libretranslate::LANGUAGES_PATH,
        libretranslate::DETECT_PATH,
    ];
    let status = if served.contains(&path.as_str()) {
        StatusCode::METHOD_NOT_ALLOWED
    } else {
        StatusCode::NOT_FOUND
    };
    let message = format!(
        "the mock server does not serve {method} {path} \
         (it serves POST {CHAT_PATH}, GET {MODELS_PATH}, POST /v1/messages, \
         POST /v2/translate, GET /v2/usage, GET /v2/languages, POST /v3/glossaries, \
         GET /v3/glossaries/ID, POST /translate, GET /languages, POST /detect, and the batch \
         APIs under /v1/files, /v1/batches and {})",
        batches::ANTHROPIC_BATCHES
    );
    shared
        .respond(method, uri, logged, || {
            openai::error_response(status, "invalid_request_error", message)
        })
        .await
}

fn router(shared: Arc<Shared>) -> Router {
    if shared.recorder.is_some() {
        return record::router(shared, get(request_log));
    }
    let router = Router::new()
        .route(
            CHAT_PATH,
            post(openai::chat_completions).fallback(unknown_route),
        )
        .route(MODELS_PATH, get(openai::models).fallback(unknown_route))
        .route(LOG_PATH, get(request_log).fallback(unknown_route))
        .route(
            anthropic::MESSAGES_PATH,
            post(anthropic::messages).fallback(unknown_route),
        )
        .route(
            deepl::TRANSLATE_PATH,
            post(deepl::translate).fallback(unknown_route),
        )
        .route(deepl::USAGE_PATH, get(deepl::usage).fallback(unknown_route))
        .route(
            deepl::LANGUAGES_PATH,
            get(deepl::languages).fallback(unknown_route),
        )
        .route(
            deepl_glossaries::GLOSSARIES_PATH,
            post(deepl_glossaries::create).fallback(unknown_route),
        )
        .route(
            deepl_glossaries::GLOSSARY_PATH,
            get(deepl_glossaries::get_one)
                .delete(deepl_glossaries::remove)
                .fallback(unknown_route),
        )
        .route(
            libretranslate::TRANSLATE_PATH,
            post(libretranslate::translate).fallback(unknown_route),
        )
        .route(
            libretranslate::LANGUAGES_PATH,
            get(libretranslate::languages).fallback(unknown_route),
        )
        .route(
            libretranslate::DETECT_PATH,
            post(libretranslate::detect).fallback(unknown_route),
        )
        .merge(batches::openai_router())
        .merge(batches::anthropic_router())
        .fallback(unknown_route);
    replay::layered(router, &shared).with_state(shared)
}

/// A mock server running as a task in the current tokio runtime.
///
/// Dropping it begins a graceful shutdown; [`wait`](MockServer::wait) serves until the task
/// ends, and [`shutdown`](MockServer::shutdown) stops it and waits for that.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// Sending, or dropping, this starts the graceful shutdown.
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl MockServer {
    /// Binds `addr` (port 0 lets the OS choose) and spawns the server on the current runtime.
    ///
    /// Fails if the address cannot be bound, or (only in a broken build) if a compiled-in
    /// cassette is malformed.
    pub async fn start(addr: SocketAddr, options: MockOptions) -> io::Result<MockServer> {
        let shared = Arc::new(Shared::new(options)?);
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(Arc::clone(&shared));
        let watched = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A stop message, a dropped sender, or a recording that failed.
                    tokio::select! {
                        _ = stopped => {}
                        () = record::failed(watched.recorder.as_ref()) => {}
                    }
                })
                .await
        });
        Ok(MockServer {
            addr,
            shared,
            stop,
            task,
        })
    }

    /// The bound address, with the port the OS chose.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to configure a provider with, such as `http://127.0.0.1:PORT/v1` (loopback
    /// when bound to all interfaces).
    pub fn base_url(&self) -> String {
        base_url(self.addr)
    }

    /// Every request so far, in the order they were answered.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests()
    }

    /// A handle on the request log that outlives a move of the server into another thread
    /// (the tests' background mock reads it from outside the server's runtime).
    pub fn log(&self) -> MockLog {
        MockLog(Arc::clone(&self.shared))
    }

    /// Serves until the server task ends, which without a shutdown is never, or, when it
    /// records, until a cassette cannot be written (that error is returned).
    pub async fn wait(self) -> io::Result<()> {
        let MockServer {
            stop, task, shared, ..
        } = self;
        let result = task.await;
        drop(stop);
        result.map_err(io::Error::other)??;
        record::failure(shared.recorder.as_ref()).map_or(Ok(()), Err)
    }

    /// Stops accepting connections and waits for requests in flight, for at most 5 seconds.
    pub async fn shutdown(self) -> io::Result<()> {
        let MockServer { stop, mut task, .. } = self;
        let _ = stop.send(());
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(result) => result.map_err(io::Error::other)?,
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

/// The request log of a running [`MockServer`], readable from any thread.
#[derive(Debug, Clone)]
pub struct MockLog(Arc<Shared>);

impl MockLog {
    /// Every request so far, in the order they were answered.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.0.requests()
    }

    /// Whether a handler panicked (it answered 500); a bug in the mock, not a fault.
    pub fn handler_panicked(&self) -> bool {
        self.0.handler_panicked.load(Ordering::SeqCst)
    }
}

/// The URL a client on this machine uses: a server bound to all interfaces (`0.0.0.0`, `::`)
/// is reached through loopback.
fn base_url(mut addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        let loopback = match addr {
            SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        };
        addr.set_ip(loopback);
    }
    format!("http://{addr}/v1")
}

#[cfg(test)]
mod tests {
    use super::testing::{chat_body, payload, started};
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn logs_method_path_body_and_status() {
        let server = started(MockOptions::default()).await;
        let body = chat_body(&payload("de", "en", &[(1, "Hallo.")]));
        server.post_chat(&body).await;
        server.post_raw("{oops").await;
        server.get("/models").await;
        server.get("/nowhere").await;
        let log = server.server.requests();
        let seen: Vec<_> = log
            .iter()
            .map(|r| (r.method.as_str(), r.path.as_str(), r.status))
            .collect();
        assert_eq!(
            seen,
            [
                ("POST", "/v1/chat/completions", 200),
                ("POST", "/v1/chat/completions", 400),
                ("GET", "/v1/models", 200),
                ("GET", "/v1/nowhere", 404),
            ]
        );
        assert_eq!(log[0].body, body);
        assert_eq!(log[1].body, Value::Null);
        assert!(log[0].is_chat() && log[1].is_chat() && !log[2].is_chat());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_request_hook_hears_of_every_answered_request() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&heard);
        let options = MockOptions {
            on_request: Some(RequestHook(Arc::new(move |request, took| {
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(request.log_line(took));
            }))),
            ..MockOptions::default()
        };
        let server = started(options).await;
        server.get("/models").await;
        server.get("/nowhere").await;
        let heard = heard.lock().unwrap_or_else(PoisonError::into_inner).clone();
        assert_eq!(heard.len(), 2, "{heard:?}");
        assert!(heard[0].starts_with("GET /v1/models 200 ") && heard[0].ends_with(" ms"));
        assert!(heard[1].starts_with("GET /v1/nowhere 404 "), "{heard:?}");
        let urls = base_urls("http://127.0.0.1:1");
        assert_eq!(urls[0], ("openai", "http://127.0.0.1:1/v1".to_owned()));
    }

    #[test]
    fn base_url_reaches_a_wildcard_bind_through_loopback() {
        let url = |addr: &str| base_url(addr.parse().expect("socket address"));
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080/v1");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080/v1");
        assert_eq!(url("192.0.2.7:80"), "http://192.0.2.7:80/v1");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn wrong_method_on_a_known_route_is_405() {
        let server = started(MockOptions::default()).await;
        let (status, text) = server.get("/chat/completions").await;
        assert_eq!(status, 405);
        let error: Value = serde_json::from_str(&text).expect("error is JSON");
        assert_eq!(error["error"]["type"], "invalid_request_error");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn latency_delays_the_answer() {
        let latency = Duration::from_millis(200);
        let options = MockOptions {
            latency,
            ..MockOptions::default()
        };
        let server = started(options).await;
        let started_at = std::time::Instant::now();
        server.get("/models").await;
        // A lower bound only: a busy machine may take longer, never shorter.
        assert!(started_at.elapsed() >= latency);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn shutdown_stops_the_server() {
        let server = started(MockOptions::default()).await;
        let base = server.server.base_url();
        server.server.shutdown().await.expect("clean shutdown");
        let refused = testing::client().get(format!("{base}/models")).send().await;
        assert!(refused.is_err());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn chars_per_sec_holds_an_answer_for_its_generation_time() {
        let server = started(MockOptions {
            chars_per_sec: 1000,
            ..MockOptions::default()
        })
        .await;
        let text = "x".repeat(300);
        let body =
            serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]});
        let started_at = std::time::Instant::now();
        let (status, _, _) = server.post_chat(&body).await;
        assert_eq!(status, 200);
        // "[mock translation] " + 300 characters at 1000/s: at least 0.3 s (a lower bound only).
        assert!(started_at.elapsed() >= Duration::from_millis(300));
        let log = server.server.requests();
        assert_eq!(log[0].generated_chars, 319);
        assert_eq!(generation_time(319, 1000), Duration::from_millis(319));
        assert_eq!(generation_time(319, 0), Duration::ZERO);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn requests_in_flight_are_generated_in_parallel() {
        let server = started(MockOptions {
            chars_per_sec: 2000,
            ..MockOptions::default()
        })
        .await;
        let ask = |text: String| serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]});
        let (long, short) = (ask("L".repeat(2000)), ask("S".to_owned()));
        // The long one is sent first; generated one after the other it would also finish first.
        let first = server.post_chat(&long);
        let second = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            server.post_chat(&short).await
        };
        let ((a, _, _), (b, _, _)) = tokio::join!(first, second);
        assert_eq!((a, b), (200, 200));
        let order: Vec<usize> = server
            .server
            .requests()
            .iter()
            .map(|r| r.generated_chars)
            .collect();
        assert_eq!(order, [20, 2019]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn request_log_endpoint_lists_requests_without_logging_itself() {
        let server = started(MockOptions::default()).await;
        let body = chat_body(&payload("de", "en", &[(1, "Hallo.")]));
        server.post_chat(&body).await;
        server.get("/models").await;
        let url = format!("http://{}{LOG_PATH}", server.server.addr());
        for _ in 0..2 {
            let response = testing::client()
                .get(&url)
                .send()
                .await
                .expect("log answers");
            assert_eq!(response.status(), 200);
            let text = response.text().await.expect("log answers");
            let log: Value = serde_json::from_str(&text).expect("log is JSON");
            assert_eq!(log["count"], 2, "{log}");
            assert_eq!(log["requests"][0]["path"], "/v1/chat/completions");
            assert_eq!(log["requests"][0]["body"], body);
            assert!(log["requests"][0]["generated_chars"].as_u64() > Some(0));
            assert_eq!(log["requests"][1]["generated_chars"], 0);
        }
    }
}
