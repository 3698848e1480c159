//! The transport's work for batch engines: small JSON calls (create, status, list, cancel)
//! through the same retries as any request, an upload streamed from a part file on disk, and a
//! download streamed into a file on disk. Neither an upload nor a download is ever held in
//! memory whole: a batch file may be hundreds of megabytes.
//!
//! Uploads and downloads are retried from their start on what a request is retried on (429,
//! 5xx, a stall, a broken connection), within the profile's `max_retries` and the run's
//! deadline. A download writes into a file the caller renames once it is complete; a download
//! that passes its byte cap stops (a hostile server sending forever).

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

use super::{Transport, TransportError, backoff, error_chain, is_retryable, parse_retry_after};
use crate::provider::engine::Framing;
use crate::provider::stream::Listener;
use crate::provider::{HeaderValue, WireReply, WireRequest};

/// Bytes read from a part file at a time.
const PIECE: usize = 64 * 1024;

/// The slowest an upload is assumed to go, in bytes a second: the time it may take before the
/// server answers is the profile's `timeout` plus the file at this rate.
const SLOWEST_UPLOAD: u64 = 50_000;

/// A listener that hears nothing: the engine's answers are not streamed.
struct Quiet;

impl Listener for Quiet {}

/// Why one attempt of an upload or download failed.
enum Failed {
    /// The server answered with a status worth retrying (429, 5xx), maybe saying when.
    Status(u16, Option<Duration>),
    /// No bytes for the stall timeout.
    Stalled,
    /// The connection broke, or the file could not be read or written.
    Broken(String),
    /// More bytes than the cap.
    TooLarge(u64),
}

impl Transport {
    /// Sends a small JSON call (create, status, list, cancel) with the usual retries; returns
    /// the answer, 2xx or a 4xx for the caller to explain.
    pub async fn call(&self, request: &WireRequest) -> Result<WireReply, TransportError> {
        self.send(request, &mut Quiet).await
    }

    /// Uploads `file` (one request a line, `lines` of them) framed as `framing` says, streamed
    /// from disk; returns the answer (2xx, or a 4xx for the caller to explain).
    pub async fn upload(
        &self,
        framing: &Framing,
        file: &Path,
        lines: u64,
    ) -> Result<WireReply, TransportError> {
        self.retried(&framing.url, |stall| async move {
            self.upload_once(framing, file, lines, stall).await
        })
        .await
    }

    /// Downloads `request`'s answer into `into`, which is emptied first (and again for each
    /// attempt); at most `limit` bytes. Returns the status: 2xx, or a 4xx for the caller.
    pub async fn download(
        &self,
        request: &WireRequest,
        into: &Path,
        limit: u64,
    ) -> Result<WireReply, TransportError> {
        self.retried(&request.url, |stall| async move {
            self.download_once(request, into, limit, stall).await
        })
        .await
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries or the deadline are
    /// used up; each attempt counts as a request.
    async fn retried<F, Fut>(&self, url: &str, attempt: F) -> Result<WireReply, TransportError>
    where
        F: Fn(Duration) -> Fut,
        Fut: std::future::Future<Output = Result<WireReply, Failed>>,
    {
        let _permit = self
            .limit
            .acquire()
            .await
            .map_err(|e| TransportError::Setup(e.to_string()))?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            self.stats
                .requests
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let outcome = match self.deadline {
                Some((deadline, limit)) => {
                    match tokio::time::timeout_at(deadline, attempt(self.timeout)).await {
                        Ok(outcome) => outcome,
                        Err(_) => {
                            return Err(TransportError::RunTimeout {
                                secs: limit.as_secs(),
                                attempts,
                                last: None,
                            });
                        }
                    }
                }
                None => attempt(self.timeout).await,
            };
            let failed = match outcome {
                Ok(reply) => return Ok(reply),
                Err(failed) => failed,
            };
            let delay = match &failed {
                Failed::TooLarge(limit) => {
                    return Err(TransportError::ReplyTooLarge {
                        url: url.to_owned(),
                        limit: *limit,
                    });
                }
                Failed::Status(_, Some(after)) => *after,
                _ => backoff(attempts),
            };
            if attempts > self.max_retries {
                return Err(give_up(url, attempts, failed, self.timeout));
            }
            tokio::time::sleep(delay).await;
        }
    }

    async fn upload_once(
        &self,
        framing: &Framing,
        file: &Path,
        lines: u64,
        stall: Duration,
    ) -> Result<WireReply, Failed> {
        let broken =
            |e: std::io::Error| Failed::Broken(format!("cannot read '{}': {e}", file.display()));
        let size = tokio::fs::metadata(file).await.map_err(broken)?.len();
        let content = match &framing.separator {
            None => size,
            // Each line break but the last becomes the separator; the last goes.
            Some(separator) => {
                size.saturating_sub(lines) + lines.saturating_sub(1) * separator.len() as u64
            }
        };
        let length = framing.prefix.len() as u64 + content + framing.suffix.len() as u64;
        let opened = tokio::fs::File::open(file).await.map_err(broken)?;
        let body = reqwest::Body::wrap_stream(framed(opened, framing));
        let mut builder = self
            .client
            .post(&framing.url)
            .header("content-type", &framing.content_type)
            .header("content-length", length)
            .body(body);
        builder = with_headers(builder, &framing.headers);
        let patience = stall + Duration::from_secs(length / SLOWEST_UPLOAD);
        let response = match tokio::time::timeout(patience, builder.send()).await {
            Err(_) => return Err(Failed::Stalled),
            Ok(response) => response.map_err(|e| Failed::Broken(error_chain(&e)))?,
        };
        let status = response.status().as_u16();
        let after = retry_after(&response);
        let read = crate::provider::stream::read(
            response,
            stall,
            crate::provider::engine::STATUS_REPLY_LIMIT,
            &mut Quiet,
        )
        .await
        .map_err(read_failed)?;
        if is_retryable(status) {
            return Err(Failed::Status(status, after));
        }
        Ok(WireReply::plain(status, read.body))
    }

    async fn download_once(
        &self,
        request: &WireRequest,
        into: &Path,
        limit: u64,
        stall: Duration,
    ) -> Result<WireReply, Failed> {
        let broken =
            |e: std::io::Error| Failed::Broken(format!("cannot write '{}': {e}", into.display()));
        let builder = with_headers(self.client.get(&request.url), &request.headers);
        let mut response = match tokio::time::timeout(stall, builder.send()).await {
            Err(_) => return Err(Failed::Stalled),
            Ok(response) => response.map_err(|e| Failed::Broken(error_chain(&e)))?,
        };
        let status = response.status().as_u16();
        if is_retryable(status) {
            return Err(Failed::Status(status, retry_after(&response)));
        }
        if !(200..300).contains(&status) {
            let read = crate::provider::stream::read(
                response,
                stall,
                crate::provider::engine::STATUS_REPLY_LIMIT,
                &mut Quiet,
            )
            .await
            .map_err(read_failed)?;
            return Ok(WireReply::plain(status, read.body));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(Failed::TooLarge(limit));
        }
        let mut file = tokio::fs::File::create(into).await.map_err(broken)?;
        let mut total = 0u64;
        loop {
            let chunk = match tokio::time::timeout(stall, response.chunk()).await {
                Err(_) => return Err(Failed::Stalled),
                Ok(Err(e)) => return Err(Failed::Broken(error_chain(&e))),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            total += chunk.len() as u64;
            if total > limit {
                return Err(Failed::TooLarge(limit));
            }
            file.write_all(&chunk).await.map_err(broken)?;
        }
        file.flush().await.map_err(broken)?;
        file.sync_all().await.map_err(broken)?;
        Ok(WireReply::plain(status, Vec::new()))
    }
}

/// The body of an upload: the framing's prefix, the file (its line breaks turned into the
/// separator when there is one), the suffix.
fn framed(
    file: tokio::fs::File,
    framing: &Framing,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    let prefix = futures_util::stream::iter([Ok(framing.prefix.clone())]);
    let suffix = futures_util::stream::iter([Ok(framing.suffix.clone())]);
    let content = match framing.separator.clone() {
        None => futures_util::stream::unfold(file, |mut file| async move {
            let mut piece = vec![0; PIECE];
            match file.read(&mut piece).await {
                Ok(0) => None,
                Ok(n) => {
                    piece.truncate(n);
                    Some((Ok(piece), file))
                }
                Err(e) => Some((Err(e), file)),
            }
        })
        .boxed(),
        Some(separator) => {
            let reader = tokio::io::BufReader::new(file);
            futures_util::stream::unfold((reader, false), move |(mut reader, started)| {
                let separator = separator.clone();
                async move {
                    let mut line = Vec::new();
                    match reader.read_until(b'\n', &mut line).await {
                        Ok(0) => None,
                        Ok(_) => {
                            if line.last() == Some(&b'\n') {
                                line.pop();
                            }
                            let piece = if started {
                                [separator, line].concat()
                            } else {
                                line
                            };
                            Some((Ok(piece), (reader, true)))
                        }
                        Err(e) => Some((Err(e), (reader, started))),
                    }
                }
            })
            .boxed()
        }
    };
    prefix.chain(content).chain(suffix)
}

fn with_headers(
    mut builder: reqwest::RequestBuilder,
    headers: &[(String, HeaderValue)],
) -> reqwest::RequestBuilder {
    for (name, value) in headers {
        builder = match value {
            HeaderValue::Plain(v) => builder.header(name, v),
            HeaderValue::Secret(s) => builder.header(name, s.expose()),
        };
    }
    builder
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()))
}

fn read_failed(error: crate::provider::stream::ReadError) -> Failed {
    use crate::provider::stream::ReadError;
    match error {
        ReadError::Stalled => Failed::Stalled,
        ReadError::TooLarge { limit } => Failed::TooLarge(limit as u64),
        ReadError::Network(e) => Failed::Broken(error_chain(&e)),
    }
}

fn give_up(url: &str, attempts: u32, failed: Failed, timeout: Duration) -> TransportError {
    let url = url.to_owned();
    match failed {
        Failed::Status(status, _) => TransportError::GaveUp {
            url,
            attempts,
            status,
        },
        Failed::Stalled => TransportError::Timeout {
            url,
            attempts,
            secs: timeout.as_secs(),
        },
        Failed::Broken(detail) => TransportError::Unreachable {
            url,
            attempts,
            detail,
        },
        Failed::TooLarge(limit) => TransportError::ReplyTooLarge { url, limit },
    }
}
