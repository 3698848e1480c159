//! The providers' batch engines as wire formats: OpenAI's Batch API (a JSONL file of requests
//! uploaded to `/files`, a batch created on it, its results downloaded as JSONL files) and
//! Anthropic's Message Batches (the requests sent in the create call, the results downloaded
//! as JSONL from the batch's `results_url`).
//!
//! Pure, like the protocols: an [`Engine`] builds plain [`WireRequest`]s and reads plain
//! bodies; it never touches the network (`transport/bulk.rs` sends, streams uploads and
//! downloads). The requests inside a batch are the protocol's own, encoded in the shape a batch
//! line takes (no streaming), so a batched chunk is the same request a synchronous run sends,
//! and its answer goes through the same `decode_translation`. Each request carries a
//! `custom_id` that names its article and chunk; [`Engine::decode_line`] reads one result line
//! back into the answer a synchronous request would have got, a refusal, or nothing (expired,
//! cancelled, a server error: worth sending again).

mod anthropic;
mod openai;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{HeaderValue, Method, Profile, ProviderError, ProviderKind, WireRequest};
use crate::secret::Secret;

/// The most bytes a batch's status, a list of batches or files, or the answer to an upload may
/// take: these are small JSON documents.
pub const STATUS_REPLY_LIMIT: usize = 16 * 1024 * 1024;

/// Which batch API a profile's kind has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// OpenAI's Batch API (`/files`, `/batches`), which OpenAI-compatible servers copy.
    Openai,
    /// Anthropic's Message Batches (`/v1/messages/batches`).
    Anthropic,
}

impl EngineKind {
    /// The engine of `kind`: `openai` and `mock` speak OpenAI's, `anthropic` its own; DeepL and
    /// LibreTranslate have none.
    pub fn of(kind: ProviderKind) -> Option<EngineKind> {
        match kind {
            ProviderKind::Openai | ProviderKind::Mock => Some(EngineKind::Openai),
            ProviderKind::Anthropic => Some(EngineKind::Anthropic),
            ProviderKind::Deepl | ProviderKind::Libretranslate => None,
        }
    }

    /// How large one batch may be: OpenAI takes 50,000 requests or 200 MB per file, Anthropic
    /// 100,000 requests or 256 MB per batch.
    pub fn limits(self) -> Limits {
        match self {
            EngineKind::Openai => Limits {
                requests: 50_000,
                bytes: 200_000_000,
            },
            EngineKind::Anthropic => Limits {
                requests: 100_000,
                bytes: 256_000_000,
            },
        }
    }
}

/// How large one batch may be; a larger job is split into several batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests per batch.
    pub requests: usize,
    /// Bytes of requests per batch (the uploaded file, or the create call's body).
    pub bytes: u64,
}

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Accepted, not yet being worked on (OpenAI's `validating`).
    Validating,
    /// Being worked on (`in_progress`, and OpenAI's `finalizing`).
    InProgress,
    /// A cancel was asked for and is being carried out.
    Cancelling,
    /// Every request answered (some may have failed).
    Completed,
    /// The window passed: what finished has results, the rest expired.
    Expired,
    /// Cancelled: what finished before has results.
    Cancelled,
    /// The batch as a whole was refused (its file did not validate): no results.
    Failed,
}

impl Phase {
    /// Whether the batch will change no more: its results (if any) can be downloaded.
    pub fn has_ended(self) -> bool {
        matches!(
            self,
            Phase::Completed | Phase::Expired | Phase::Cancelled | Phase::Failed
        )
    }

    /// The name shown to the user.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Validating => "validating",
            Phase::InProgress => "in progress",
            Phase::Cancelling => "cancelling",
            Phase::Completed => "completed",
            Phase::Expired => "expired",
            Phase::Cancelled => "cancelled",
            Phase::Failed => "failed",
        }
    }
}

/// A batch as the engine describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStatus {
    /// The engine's id of the batch.
    pub id: String,
    /// Where it stands.
    pub phase: Phase,
    /// Requests in it.
    pub total: u64,
    /// Requests answered successfully so far.
    pub succeeded: u64,
    /// Requests that failed, expired or were cancelled so far.
    pub failed: u64,
    /// What to download once it has ended: OpenAI's output and error file ids, Anthropic's
    /// results URL.
    pub results: Vec<String>,
    /// Why the whole batch failed, when it did.
    pub error: Option<String>,
    /// When it was created, in seconds since 1970.
    pub created_at: Option<i64>,
    /// The metadata it was created with (OpenAI), by which a batch whose creation was never
    /// recorded is found again.
    pub metadata: BTreeMap<String, String>,
}

/// A page of the engine's batches, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPage {
    /// The batches on this page.
    pub batches: Vec<BatchStatus>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// An uploaded file (OpenAI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The file's id.
    pub id: String,
    /// The name it was uploaded under.
    pub filename: String,
}

/// How a part's requests travel in one request body, streamed from the part file (one
/// request a line): `prefix`, the lines (each followed by `separator` but the last), `suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framing {
    /// Where the body goes.
    pub url: String,
    /// Headers beyond the content type and length.
    pub headers: Vec<(String, HeaderValue)>,
    /// The body's content type.
    pub content_type: String,
    /// Bytes before the first line.
    pub prefix: Vec<u8>,
    /// Bytes that replace the line break between two lines (`None`: the file as it is).
    pub separator: Option<Vec<u8>>,
    /// Bytes after the last line.
    pub suffix: Vec<u8>,
}

/// What one result line says of its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The body a synchronous request would have got (a chat completion, a message).
    Answered(Vec<u8>),
    /// Refused for good (a 4xx other than 429): status and the error body, as a synchronous
    /// request would have got them.
    Refused {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: Vec<u8>,
    },
    /// Not answered (expired, cancelled, a server error or rate limit): worth sending again.
    Unanswered {
        /// What the engine said, for the user.
        why: String,
    },
}

/// One line of a batch's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLine {
    /// The request's `custom_id`.
    pub custom_id: String,
    /// What became of it.
    pub outcome: Outcome,
}

/// A provider's batch engine: where it is, the key and headers it takes.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Which batch API.
    pub kind: EngineKind,
    /// Profile name, for messages.
    pub provider: String,
    /// The profile's base URL (OpenAI's ends in `/v1`, Anthropic's is the root).
    pub base_url: String,
    api_key: Option<Secret>,
    headers: Vec<(String, String)>,
}

impl Engine {
    /// The batch engine of `profile`, `None` for a kind without one.
    pub fn of(profile: &Profile) -> Option<Engine> {
        Some(Engine {
            kind: EngineKind::of(profile.kind)?,
            provider: profile.name.clone(),
            base_url: profile.base_url.trim_end_matches('/').to_owned(),
            api_key: profile.api_key.clone(),
            headers: profile.headers.clone(),
        })
    }

    /// The headers every request carries: the profile's, then the key in the kind's header
    /// (and Anthropic's version).
    fn headers(&self) -> Vec<(String, HeaderValue)> {
        let mut headers: Vec<(String, HeaderValue)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::Plain(v.clone())))
            .collect();
        match self.kind {
            EngineKind::Openai => {
                if let Some(key) = &self.api_key {
                    let bearer = Secret::new(format!("Bearer {}", key.expose()));
                    headers.push(("authorization".to_owned(), HeaderValue::Secret(bearer)));
                }
            }
            EngineKind::Anthropic => {
                headers.push((
                    "anthropic-version".to_owned(),
                    HeaderValue::Plain(super::anthropic::API_VERSION.to_owned()),
                ));
                if let Some(key) = &self.api_key {
                    headers.push(("x-api-key".to_owned(), HeaderValue::Secret(key.clone())));
                }
            }
        }
        headers
    }

    fn request(&self, method: Method, path: &str, body: serde_json::Value) -> WireRequest {
        WireRequest {
            method,
            url: format!("{}{path}", self.base_url),
            headers: self.headers(),
            body,
            reply_limit: STATUS_REPLY_LIMIT,
        }
    }

    fn malformed(&self, detail: impl Into<String>) -> ProviderError {
        ProviderError::Malformed {
            provider: self.provider.clone(),
            detail: detail.into(),
        }
    }

    /// One line of a part file: `request` (the protocol's, for a chunk or a brief) under
    /// `custom_id`, as the engine's batch format writes it, without the line break.
    pub fn line(&self, custom_id: &str, request: &WireRequest) -> String {
        match self.kind {
            EngineKind::Openai => openai::line(custom_id, request),
            EngineKind::Anthropic => anthropic::line(custom_id, request),
        }
    }

    /// How a part file named `name` is sent: uploaded as a file (OpenAI), or as the body of
    /// the call that creates the batch (Anthropic).
    pub fn framing(&self, name: &str) -> Framing {
        match self.kind {
            EngineKind::Openai => openai::upload(self, name),
            EngineKind::Anthropic => anthropic::create(self),
        }
    }

    /// Whether a part is uploaded first and its batch created in a second call (OpenAI).
    pub fn uploads_files(&self) -> bool {
        self.kind == EngineKind::Openai
    }

    /// The call that creates a batch of the uploaded file `file_id` (OpenAI), tagged with
    /// `metadata`.
    pub fn create(&self, file_id: &str, metadata: &BTreeMap<String, String>) -> WireRequest {
        let body = serde_json::json!({
            "input_file_id": file_id,
            "endpoint": openai::ENDPOINT,
            "completion_window": "24h",
            "metadata": metadata,
        });
        self.request(Method::Post, "/batches", body)
    }

    /// The call that describes batch `id`.
    pub fn retrieve(&self, id: &str) -> WireRequest {
        self.request(
            Method::Get,
            &self.batch_path(id, ""),
            serde_json::Value::Null,
        )
    }

    /// The call that cancels batch `id`.
    pub fn cancel(&self, id: &str) -> WireRequest {
        self.request(
            Method::Post,
            &self.batch_path(id, "/cancel"),
            serde_json::Value::Null,
        )
    }

    fn batch_path(&self, id: &str, rest: &str) -> String {
        let id = percent_segment(id);
        match self.kind {
            EngineKind::Openai => format!("/batches/{id}{rest}"),
            EngineKind::Anthropic => format!("/v1/messages/batches/{id}{rest}"),
        }
    }

    /// The call that lists batches, newest first, after the cursor `after`.
    pub fn list(&self, after: Option<&str>) -> WireRequest {
        let cursor = after
            .map(|a| format!("&after{}={}", self.cursor_suffix(), percent_segment(a)))
            .unwrap_or_default();
        let path = match self.kind {
            EngineKind::Openai => format!("/batches?limit=100{cursor}"),
            EngineKind::Anthropic => format!("/v1/messages/batches?limit=100{cursor}"),
        };
        self.request(Method::Get, &path, serde_json::Value::Null)
    }

    fn cursor_suffix(&self) -> &'static str {
        match self.kind {
            EngineKind::Openai => "",
            EngineKind::Anthropic => "_id",
        }
    }

    /// The call that lists uploaded batch files (OpenAI), by which a file whose upload was
    /// never recorded is found again.
    pub fn list_files(&self) -> Option<WireRequest> {
        (self.kind == EngineKind::Openai)
            .then(|| self.request(Method::Get, "/files?purpose=batch", serde_json::Value::Null))
    }

    /// The download of `result` (an output or error file id, or a results URL). A results
    /// URL must lie under the profile's base URL: the key goes nowhere else.
    pub fn download(&self, result: &str) -> Result<WireRequest, ProviderError> {
        match self.kind {
            EngineKind::Openai => {
                let path = format!("/files/{}/content", percent_segment(result));
                Ok(self.request(Method::Get, &path, serde_json::Value::Null))
            }
            EngineKind::Anthropic => {
                let same_origin = result
                    .strip_prefix(&self.base_url)
                    .is_some_and(|rest| rest.starts_with('/'));
                if !same_origin {
                    return Err(self.malformed(format!(
                        "the batch's results_url is not under the base URL {}",
                        self.base_url
                    )));
                }
                let mut request = self.request(Method::Get, "", serde_json::Value::Null);
                request.url = result.to_owned();
                Ok(request)
            }
        }
    }

    /// Reads the answer to an upload.
    pub fn decode_file(&self, body: &[u8]) -> Result<UploadedFile, ProviderError> {
        openai::file(body).ok_or_else(|| self.malformed("the upload's answer is not a file"))
    }

    /// Reads a list of uploaded files.
    pub fn decode_files(&self, body: &[u8]) -> Result<Vec<UploadedFile>, ProviderError> {
        openai::files(body).ok_or_else(|| self.malformed("the list of files is not one"))
    }

    /// Reads a batch's description (the answer to create, retrieve and cancel).
    pub fn decode_status(&self, body: &[u8]) -> Result<BatchStatus, ProviderError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| self.malformed(format!("the batch is not JSON ({e})")))?;
        match self.kind {
            EngineKind::Openai => openai::status(&value),
            EngineKind::Anthropic => anthropic::status(&value),
        }
        .ok_or_else(|| self.malformed("the answer does not describe a batch"))
    }

    /// Reads a page of batches.
    pub fn decode_list(&self, body: &[u8]) -> Result<BatchPage, ProviderError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| self.malformed(format!("the list of batches is not JSON ({e})")))?;
        let data = value
            .get("data")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| self.malformed("the list of batches has no data"))?;
        let read = |v: &serde_json::Value| match self.kind {
            EngineKind::Openai => openai::status(v),
            EngineKind::Anthropic => anthropic::status(v),
        };
        let batches: Vec<BatchStatus> = data.iter().filter_map(read).collect();
        let more = value.get("has_more").and_then(serde_json::Value::as_bool) == Some(true);
        let next = more
            .then(|| {
                value
                    .get("last_id")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| batches.last().map(|b| b.id.clone()))
            })
            .flatten();
        Ok(BatchPage { batches, next })
    }

    /// Reads one line of a results file.
    pub fn decode_line(&self, line: &[u8]) -> Result<ResultLine, ProviderError> {
        let value: serde_json::Value = serde_json::from_slice(line)
            .map_err(|e| self.malformed(format!("a result line is not JSON ({e})")))?;
        match self.kind {
            EngineKind::Openai => openai::result_line(&value),
            EngineKind::Anthropic => anthropic::result_line(&value),
        }
        .ok_or_else(|| self.malformed("a result line names no custom_id"))
    }
}

/// The `custom_id` of a request of one article of job `job`: `{job}-a{article}-c{chunk}` for a
/// chunk of its translation, `{job}-a{article}-b` for its brief, where `job` is the first eight
/// characters of the job's id, so the results of another job never answer this one's requests.
/// Letters, digits and dashes, within the 64 characters both engines allow.
pub fn custom_id(job: &str, article: usize, chunk: Option<usize>) -> String {
    let job: String = job
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    match chunk {
        Some(chunk) => format!("{job}-a{article}-c{chunk}"),
        None => format!("{job}-a{article}-b"),
    }
}

/// `text` safe as one URL path segment or query value: an id a server chose might hold `/`,
/// `?` or worse.
fn percent_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Seconds since 1970 of an RFC 3339 time in UTC (`2024-08-20T18:37:24.100435Z`), as
/// Anthropic writes them; `None` for anything else.
fn rfc3339_seconds(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let mut ymd = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, d) = (ymd.next()?.ok()?, ymd.next()?.ok()?, ymd.next()?.ok()?);
    let time = time.trim_end_matches('Z');
    let time = time.split(['+', '.']).next()?;
    let mut hms = time.splitn(3, ':').map(str::parse::<i64>);
    let (h, min, s) = (hms.next()?.ok()?, hms.next()?.ok()?, hms.next()?.ok()?);
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3_600 + min * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(kind: ProviderKind, base_url: &str) -> Engine {
        let profile = Profile {
            name: "test".into(),
            kind,
            base_url: base_url.into(),
            model: "m".into(),
            api_key: Some(Secret::new("sk-test")),
            headers: vec![],
            max_chunk_chars: 6000,
            openai: Default::default(),
            deepl: Default::default(),
        };
        Engine::of(&profile).expect("an engine")
    }

    #[test]
    fn custom_ids_name_the_job_the_article_and_the_chunk() {
        assert_eq!(
            custom_id("0123456789abcdef", 12, Some(3)),
            "01234567-a12-c3"
        );
        assert_eq!(custom_id("ab/cd", 0, None), "abcd-a0-b");
        assert!(custom_id(&"f".repeat(40), usize::MAX, Some(usize::MAX)).len() <= 64);
    }

    #[test]
    fn only_llm_kinds_have_an_engine() {
        assert_eq!(EngineKind::of(ProviderKind::Mock), Some(EngineKind::Openai));
        assert_eq!(EngineKind::of(ProviderKind::Deepl), None);
        assert_eq!(EngineKind::Openai.limits().requests, 50_000);
        assert_eq!(EngineKind::Anthropic.limits().bytes, 256_000_000);
    }

    #[test]
    fn ids_from_the_server_are_escaped_in_paths() {
        let openai = engine(ProviderKind::Openai, "http://h/v1/");
        assert_eq!(
            openai.retrieve("batch_1").url,
            "http://h/v1/batches/batch_1"
        );
        assert_eq!(
            openai.cancel("a/../b").url,
            "http://h/v1/batches/a%2F..%2Fb/cancel"
        );
        let anthropic = engine(ProviderKind::Anthropic, "http://h");
        assert_eq!(
            anthropic.list(Some("msgbatch_9")).url,
            "http://h/v1/messages/batches?limit=100&after_id=msgbatch_9"
        );
    }

    #[test]
    fn a_results_url_elsewhere_gets_no_key() {
        let anthropic = engine(ProviderKind::Anthropic, "http://h");
        assert!(
            anthropic
                .download("http://h/v1/messages/batches/b/results")
                .is_ok()
        );
        assert!(anthropic.download("http://evil/v1/results").is_err());
        assert!(anthropic.download("http://h.evil/x").is_err());
    }

    #[test]
    fn rfc3339_times_read_as_seconds() {
        assert_eq!(rfc3339_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            rfc3339_seconds("2024-08-20T18:37:24.100435Z"),
            Some(1_724_179_044)
        );
        assert_eq!(rfc3339_seconds("yesterday"), None);
    }
}
