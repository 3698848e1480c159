//! The providers' batch engines in the mock API: OpenAI's Batch API (`/v1/files`,
//! `/v1/batches`, the results as files) in `batches/openai.rs`, Anthropic's Message Batches
//! (`/v1/messages/batches`, the results at `results_url`) in `batches/anthropic.rs`, both on
//! the state kept here, with the handlers they share in `batches/routes.rs`.
//!
//! A batch takes a simulated processing time (`--batch-seconds`, 0 by default: done at the
//! first look after its creation); it ends when someone looks at it after that time, and only
//! then are its requests answered, each exactly as the synchronous endpoint answers it (the
//! same cassettes, pseudo-translations and content faults from `--fault`, streaming switched
//! off). Batch faults (`--batch-fault KIND[:N]`, used up one batch each, in the order batches
//! are created) make a batch expire or be cancelled with half of its requests answered, fail
//! as a whole, or fail one line. A cancel (`POST …/cancel`) ends a running batch cancelled, the
//! first half of its requests answered. Every answer is in the vendor's format; ids are
//! `file-N`, `batch_N` and `msgbatch_N`.

mod anthropic;
mod openai;
mod routes;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use axum::response::Response;
use serde_json::Value;

pub(super) use anthropic::{ANTHROPIC_BATCHES, anthropic_router};
pub(super) use openai::openai_router;
use routes::{Vendor, batch_routes, query_param, refusing_others, takes_a_batch};

/// The most bytes one answer inside a batch may take.
const ANSWER_LIMIT: usize = 16 * 1024 * 1024;

/// One way a batch can go wrong. The name in parentheses is what `--batch-fault` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFaultKind {
    /// (`expire`) The batch expires: the first half of its requests are answered, the rest
    /// expire (`batch_expired`; Anthropic: `expired`).
    Expire,
    /// (`cancel`) The batch ends cancelled, as when cancelled from outside: the first half of
    /// its requests answered.
    Cancel,
    /// (`fail`) The batch fails as a whole (OpenAI: `failed` with an error; Anthropic has no
    /// such state and errors every request instead), nothing answered.
    Fail,
    /// (`line-500`) The last request of the batch fails with a server error (500; Anthropic:
    /// `api_error`), which is worth sending again.
    LineServerError,
    /// (`line-400`) The first request of the batch is refused (400 `invalid_request_error`).
    LineRefused,
}

impl BatchFaultKind {
    const ALL: [BatchFaultKind; 5] = [
        BatchFaultKind::Expire,
        BatchFaultKind::Cancel,
        BatchFaultKind::Fail,
        BatchFaultKind::LineServerError,
        BatchFaultKind::LineRefused,
    ];

    /// The name `--batch-fault` accepts.
    pub fn name(self) -> &'static str {
        match self {
            BatchFaultKind::Expire => "expire",
            BatchFaultKind::Cancel => "cancel",
            BatchFaultKind::Fail => "fail",
            BatchFaultKind::LineServerError => "line-500",
            BatchFaultKind::LineRefused => "line-400",
        }
    }
}

/// A batch fault for `times` batches (`KIND` or `KIND:N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchFault {
    /// What goes wrong.
    pub kind: BatchFaultKind,
    /// For how many batches.
    pub times: u32,
}

/// Why `--batch-fault` did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown batch fault '{0}' (expected one of expire, cancel, fail, line-500, line-400, with an optional :N)"
)]
pub struct ParseBatchFaultError(String);

impl FromStr for BatchFault {
    type Err = ParseBatchFaultError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || ParseBatchFaultError(text.to_owned());
        let (name, times) = match text.split_once(':') {
            Some((name, times)) => (name, times.parse().map_err(|_| bad())?),
            None => (text, 1),
        };
        let kind = BatchFaultKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(bad)?;
        Ok(BatchFault { kind, times })
    }
}

impl fmt::Display for BatchFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.times)
    }
}

/// Which vendor's batch a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Openai,
    Anthropic,
}

/// How an ended batch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    Completed,
    Expired,
    Cancelled,
    /// Refused as a whole, with the reasons.
    Failed(Vec<String>),
}

/// What a batch's requests came to.
#[derive(Debug, Clone)]
struct Ended {
    ending: Ending,
    at: i64,
    succeeded: u64,
    errored: u64,
    /// Requests expired or cancelled.
    unanswered: u64,
    /// OpenAI: the output and error files; Anthropic: the results are in `results`.
    output_file: Option<String>,
    error_file: Option<String>,
    results: Vec<u8>,
}

/// Where a batch stands.
#[derive(Debug, Clone)]
enum Progress {
    Running,
    Cancelling { since: i64 },
    Ended(Ended),
}

/// One batch.
#[derive(Debug, Clone)]
struct Batch {
    id: String,
    api: Api,
    /// The requests, one JSON line each (OpenAI's lines; Anthropic's `{custom_id, params}`).
    lines: std::sync::Arc<Vec<Value>>,
    input_file: Option<String>,
    created: Instant,
    created_at: i64,
    metadata: Value,
    fault: Option<BatchFaultKind>,
    /// Why the whole batch is refused, found when it was created (OpenAI validates the file).
    invalid: Vec<String>,
    state: Progress,
}

/// An uploaded or written file.
#[derive(Debug, Clone)]
struct StoredFile {
    id: String,
    filename: String,
    purpose: String,
    created_at: i64,
    bytes: std::sync::Arc<Vec<u8>>,
}

#[derive(Debug, Default)]
struct Store {
    files: HashMap<String, StoredFile>,
    file_order: Vec<String>,
    batches: HashMap<String, Batch>,
    batch_order: Vec<String>,
    next: u64,
    faults: VecDeque<BatchFaultKind>,
}

/// The batch engines' state, shared by the handlers.
#[derive(Debug)]
pub(super) struct Batches {
    store: Mutex<Store>,
    processing: Duration,
}

/// Seconds since 1970, now.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Batches {
    /// Batches that take `processing` each and meet `faults` in creation order.
    pub(super) fn new(processing: Duration, faults: &[BatchFault]) -> Batches {
        let faults = faults
            .iter()
            .flat_map(|f| std::iter::repeat_n(f.kind, f.times as usize))
            .collect();
        Batches {
            store: Mutex::new(Store {
                faults,
                ..Store::default()
            }),
            processing,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // Every change is made whole under the lock.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_id(store: &mut Store, prefix: &str) -> String {
        store.next += 1;
        format!("{prefix}{}", store.next)
    }

    /// Stores a file and returns it.
    fn add_file(&self, filename: &str, purpose: &str, bytes: Vec<u8>) -> StoredFile {
        let mut store = self.lock();
        let file = StoredFile {
            id: Self::next_id(&mut store, "file-"),
            filename: filename.to_owned(),
            purpose: purpose.to_owned(),
            created_at: unix_now(),
            bytes: std::sync::Arc::new(bytes),
        };
        store.file_order.push(file.id.clone());
        store.files.insert(file.id.clone(), file.clone());
        file
    }

    fn file(&self, id: &str) -> Option<StoredFile> {
        self.lock().files.get(id).cloned()
    }

    /// Starts a batch of `lines`; the next batch fault is its.
    fn add_batch(
        &self,
        api: Api,
        lines: Vec<Value>,
        input_file: Option<String>,
        metadata: Value,
        invalid: Vec<String>,
    ) -> Batch {
        let mut store = self.lock();
        let prefix = match api {
            Api::Openai => "batch_",
            Api::Anthropic => "msgbatch_",
        };
        let batch = Batch {
            id: Self::next_id(&mut store, prefix),
            api,
            lines: std::sync::Arc::new(lines),
            input_file,
            created: Instant::now(),
            created_at: unix_now(),
            metadata,
            fault: store.faults.pop_front(),
            invalid,
            state: Progress::Running,
        };
        store.batch_order.push(batch.id.clone());
        store.batches.insert(batch.id.clone(), batch.clone());
        batch
    }

    /// Asks for `id` to be cancelled: a running batch starts cancelling.
    fn cancel(&self, id: &str, api: Api) -> Option<()> {
        let mut store = self.lock();
        let batch = store.batches.get_mut(id).filter(|b| b.api == api)?;
        if matches!(batch.state, Progress::Running) {
            batch.state = Progress::Cancelling { since: unix_now() };
        }
        Some(())
    }

    /// The batch `id` as it stands now: if its time is up (or it is being cancelled), its
    /// requests are answered first.
    async fn current(&self, shared: &super::Shared, id: &str, api: Api) -> Option<Batch> {
        let batch = self
            .lock()
            .batches
            .get(id)
            .filter(|b| b.api == api)
            .cloned()?;
        let ending = match &batch.state {
            Progress::Ended(_) => return Some(batch),
            Progress::Cancelling { .. } => Ending::Cancelled,
            Progress::Running if batch.created.elapsed() < self.processing => return Some(batch),
            Progress::Running if !batch.invalid.is_empty() => Ending::Failed(batch.invalid.clone()),
            Progress::Running => match batch.fault {
                Some(BatchFaultKind::Expire) => Ending::Expired,
                Some(BatchFaultKind::Cancel) => Ending::Cancelled,
                Some(BatchFaultKind::Fail) if api == Api::Openai => Ending::Failed(vec![
                    "the mock batch failed on purpose (batch fault fail)".to_owned(),
                ]),
                _ => Ending::Completed,
            },
        };
        let ended = self.end(shared, &batch, ending).await;
        let mut store = self.lock();
        let stored = store.batches.get_mut(id)?;
        if !matches!(stored.state, Progress::Ended(_)) {
            stored.state = Progress::Ended(ended);
        }
        Some(stored.clone())
    }

    /// Answers the requests of `batch` that its ending leaves answered.
    async fn end(&self, shared: &super::Shared, batch: &Batch, ending: Ending) -> Ended {
        let answered = match ending {
            Ending::Completed => batch.lines.len(),
            Ending::Expired | Ending::Cancelled => batch.lines.len().div_ceil(2),
            Ending::Failed(_) => 0,
        };
        let mut lines = Vec::new();
        for (n, line) in batch.lines.iter().enumerate() {
            let line_fault = match batch.fault {
                Some(BatchFaultKind::LineServerError) if n + 1 == batch.lines.len() => {
                    Some(LineFault::ServerError)
                }
                Some(BatchFaultKind::LineRefused) if n == 0 => Some(LineFault::Refused),
                Some(BatchFaultKind::Fail) => Some(LineFault::ServerError),
                _ => None,
            };
            let result = if n >= answered {
                LineResult::Unanswered(ending.clone())
            } else {
                answer(shared, batch.api, line, line_fault).await
            };
            lines.push((
                line.get("custom_id").cloned().unwrap_or(Value::Null),
                result,
            ));
        }
        match batch.api {
            Api::Openai => openai::ended(self, batch, ending, lines),
            Api::Anthropic => anthropic::ended(ending, lines),
        }
    }

    /// Every batch of `api`, newest first.
    async fn list(&self, shared: &super::Shared, api: Api) -> Vec<Batch> {
        let ids: Vec<String> = self.lock().batch_order.iter().rev().cloned().collect();
        let mut batches = Vec::new();
        for id in ids {
            if let Some(batch) = self.current(shared, &id, api).await {
                batches.push(batch);
            }
        }
        batches
    }
}

/// A fault on one line of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineFault {
    ServerError,
    Refused,
}

/// What became of one request of a batch.
#[derive(Debug, Clone)]
enum LineResult {
    /// The synchronous endpoint's status and body.
    Answered(u16, Value),
    /// Expired or cancelled with its batch.
    Unanswered(Ending),
}

/// The answer to one request, as the synchronous endpoint gives it (never streamed).
async fn answer(
    shared: &super::Shared,
    api: Api,
    line: &Value,
    fault: Option<LineFault>,
) -> LineResult {
    match fault {
        Some(LineFault::ServerError) => {
            return LineResult::Answered(
                500,
                error_body(
                    api,
                    "api_error",
                    "the mock failed this request on purpose (batch fault line-500)",
                ),
            );
        }
        Some(LineFault::Refused) => {
            return LineResult::Answered(
                400,
                error_body(
                    api,
                    "invalid_request_error",
                    "the mock refuses this request on purpose (batch fault line-400)",
                ),
            );
        }
        None => {}
    }
    let field = match api {
        Api::Openai => "body",
        Api::Anthropic => "params",
    };
    let mut body = line.get(field).cloned().unwrap_or(Value::Null);
    if let Some(fields) = body.as_object_mut() {
        fields.remove("stream");
        fields.remove("stream_options");
    }
    let response = match api {
        Api::Openai => super::openai::answer_chat(shared, Ok(body)),
        Api::Anthropic => super::anthropic::answer(shared, Ok(body)),
    };
    let (status, body) = body_of(response).await;
    LineResult::Answered(status, body)
}

/// A response's status and body as JSON (a body that is not JSON as a string).
async fn body_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), ANSWER_LIMIT)
        .await
        .unwrap_or_default();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, body)
}

/// An error body in `api`'s format.
fn error_body(api: Api, kind: &str, message: &str) -> Value {
    match api {
        Api::Openai => serde_json::json!({"error": {"message": message, "type": kind}}),
        Api::Anthropic => {
            serde_json::json!({"type": "error", "error": {"type": kind, "message": message}})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_faults_parse_with_a_count() {
        assert_eq!(
            "expire:2".parse(),
            Ok(BatchFault {
                kind: BatchFaultKind::Expire,
                times: 2
            })
        );
        assert_eq!(
            "line-400".parse::<BatchFault>().map(|f| f.kind),
            Ok(BatchFaultKind::LineRefused)
        );
        assert!("explode".parse::<BatchFault>().is_err());
        assert!("cancel:x".parse::<BatchFault>().is_err());
    }
}
