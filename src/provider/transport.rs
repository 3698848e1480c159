//! Transport: the crate's only network code. Sends [`WireRequest`]s over one shared HTTP client
//! with a connect timeout, a per-request timeout, a concurrency limit and retries.
//!
//! Retries cover 429, 5xx, timeouts and connection errors, with exponential backoff and jitter;
//! `Retry-After` (seconds or an HTTP date) is honoured up to [`MAX_RETRY_AFTER`]. Other 4xx
//! answers are returned at once for the protocol to explain: retrying a refused key only
//! burns quota.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;

use super::{HeaderValue, Method, WireReply, WireRequest};

/// The longest `Retry-After` diglot waits for; longer asks are cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Time to establish a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// First backoff delay; doubled on each retry.
const BASE_BACKOFF: Duration = Duration::from_millis(500);

/// Why a request got no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The HTTP client could not be built (TLS setup).
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// No connection, or the connection broke, on every attempt.
    #[error("cannot reach {url} after {attempts} attempt(s): {detail}")]
    Unreachable {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last error.
        detail: String,
    },
    /// Every attempt ran past the timeout.
    #[error("{url} did not answer within {secs} s, {attempts} attempt(s)")]
    Timeout {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The per-request timeout.
        secs: u64,
    },
    /// The server kept answering 429 or 5xx.
    #[error("{url} answered HTTP {status} on all {attempts} attempt(s)")]
    GaveUp {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last status.
        status: u16,
    },
}

/// One HTTP client shared by every request of a run.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    timeout: Duration,
    max_retries: u32,
    limit: Arc<Semaphore>,
}

impl Transport {
    /// Builds the client. `jobs` bounds requests in flight; `max_retries` counts retries after
    /// the first attempt.
    pub fn new(
        timeout: Duration,
        max_retries: u32,
        jobs: u32,
    ) -> Result<Transport, TransportError> {
        // The ring provider is compiled in; installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(timeout)
                .user_agent(concat!("diglot/", env!("CARGO_PKG_VERSION")))
        };
        // The platform verifier needs a CA store; a machine without one still gets the
        // compiled-in Mozilla roots rather than no client at all.
        let client = builder().build().or_else(|_| {
            let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der).ok());
            builder()
                .tls_certs_only(roots)
                .build()
                .map_err(|e| TransportError::Setup(e.to_string()))
        })?;
        Ok(Transport {
            client,
            timeout,
            max_retries,
            limit: Arc::new(Semaphore::new(jobs.max(1) as usize)),
        })
    }

    /// Sends `request`, retrying transient failures. Returns the final answer, which is 2xx or
    /// a non-retryable 4xx.
    pub async fn send(&self, request: &WireRequest) -> Result<WireReply, TransportError> {
        let _permit = self
            .limit
            .acquire()
            .await
            .map_err(|e| TransportError::Setup(e.to_string()))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.attempt(request).await;
            let delay = match outcome {
                Ok((reply, _)) if !is_retryable(reply.status) => return Ok(reply),
                Ok((_, Some(retry_after))) => retry_after,
                Ok((_, None)) | Err(_) => backoff(attempt),
            };
            if attempt > self.max_retries {
                return Err(self.give_up(request, attempt, outcome));
            }
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        request: &WireRequest,
    ) -> Result<(WireReply, Option<Duration>), reqwest::Error> {
        let mut builder = match request.method {
            Method::Get => self.client.get(&request.url),
            Method::Post => self
                .client
                .post(&request.url)
                .header("content-type", "application/json")
                .body(request.body.to_string()),
        };
        for (name, value) in &request.headers {
            builder = match value {
                HeaderValue::Plain(v) => builder.header(name, v),
                HeaderValue::Secret(s) => builder.header(name, s.expose()),
            };
        }
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = response.bytes().await?.to_vec();
        Ok((WireReply { status, body }, retry_after))
    }

    fn give_up(
        &self,
        request: &WireRequest,
        attempts: u32,
        last: Result<(WireReply, Option<Duration>), reqwest::Error>,
    ) -> TransportError {
        let url = request.url.clone();
        match last {
            Ok((reply, _)) => TransportError::GaveUp {
                url,
                attempts,
                status: reply.status,
            },
            Err(e) if e.is_timeout() => TransportError::Timeout {
                url,
                attempts,
                secs: self.timeout.as_secs(),
            },
            Err(e) => TransportError::Unreachable {
                url,
                attempts,
                detail: error_chain(&e),
            },
        }
    }
}

fn is_retryable(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// `BASE_BACKOFF × 2^(attempt-1)`, ±25% jitter so parallel requests do not retry in lockstep.
fn backoff(attempt: u32) -> Duration {
    let base = BASE_BACKOFF.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let factor = 0.75 + (random % 1000) as f64 / 2000.0;
    base.mul_f64(factor)
}

/// `Retry-After` as delta-seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let delay = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(now)
            .unwrap_or(Duration::ZERO),
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// The error and its sources on one line, e.g. "error sending request: connection refused".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates_and_is_capped() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("86400", now), Some(MAX_RETRY_AFTER));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_and_stays_within_its_jitter() {
        for attempt in 1..=4 {
            let base = BASE_BACKOFF * (1 << (attempt - 1));
            let delay = backoff(attempt);
            assert!(
                delay >= base.mul_f64(0.75) && delay <= base.mul_f64(1.25),
                "{delay:?}"
            );
        }
    }

    #[test]
    fn only_429_and_5xx_are_retried() {
        assert!(is_retryable(429) && is_retryable(500) && is_retryable(503));
        assert!(
            !is_retryable(400) && !is_retryable(401) && !is_retryable(404) && !is_retryable(200)
        );
    }
}
