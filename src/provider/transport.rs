//! Transport: the crate's only network code. Sends [`WireRequest`]s over one shared HTTP client
//! (keep-alive, so parallel chunks reuse connections) with a connect timeout, a stall timeout
//! (no bytes for that long; a slow, steady stream is fine), a cap on the bytes of an answer, a
//! deadline for the whole run, a concurrency limit, client-side rate limits and retries, and
//! counts what it sent for the run's `usage`. Answers are read by [`super::stream`]: streamed
//! events go to the caller's [`Listener`] as they arrive.
//!
//! Retries cover 429, 5xx, stalls and connection errors, with exponential backoff and jitter;
//! `Retry-After` (seconds or an HTTP date) is honoured up to [`MAX_RETRY_AFTER`]. Attempts are
//! bounded by the profile's `max_retries` and time by the run's deadline (`--timeout`). Other
//! 4xx answers, and a 5xx that the listener recognises as a refusal of the request itself
//! (a validation error about a parameter), are returned at once for the caller to explain or
//! adapt to: retrying a refused key or a refused parameter only burns time and quota.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;
use tokio::time::Instant;

mod bulk;

use super::stream::{Listener, ReadError};
use super::wait::WaitNotice;
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
    #[error("cannot reach {url}: gave up after {attempts} attempt(s): {detail}")]
    Unreachable {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last error.
        detail: String,
    },
    /// Every attempt stalled: no bytes for the stall timeout.
    #[error("{url} sent nothing for {secs} s: gave up after {attempts} attempt(s)")]
    Timeout {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The stall timeout.
        secs: u64,
    },
    /// The server kept answering 429 or 5xx.
    #[error("{url}: gave up after {attempts} attempt(s): last answer HTTP {status}{}", reason_suffix(*status))]
    GaveUp {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last status.
        status: u16,
    },
    /// The reply's body is larger than the request can legitimately produce (`reply_limit`):
    /// an endless or runaway body from a broken or hostile server. Not retried; exit 4.
    #[error(
        "{url}: the reply is larger than {} MB, far more than the request can produce (a broken or hostile server)",
        limit.div_ceil(1_000_000)
    )]
    ReplyTooLarge {
        /// The request URL.
        url: String,
        /// The most bytes the reply could have had.
        limit: u64,
    },
    /// The whole run's deadline (`--timeout`) passed.
    #[error(
        "the run did not finish within --timeout {secs} s: gave up after {attempts} attempt(s) of the last request{}",
        last_suffix(last)
    )]
    RunTimeout {
        /// The run's time limit in seconds.
        secs: u64,
        /// Attempts made for the request that was running out of time.
        attempts: u32,
        /// What its last attempt got, e.g. `HTTP 429 Too Many Requests`.
        last: Option<String>,
    },
}

fn reason_suffix(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

fn last_suffix(last: &Option<String>) -> String {
    last.as_ref()
        .map(|l| format!(": last answer {l}"))
        .unwrap_or_default()
}

/// How the transport behaves: the profile's limits and the run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportOptions {
    /// Time an attempt may go without a byte (the profile's `timeout`).
    pub timeout: Duration,
    /// Retries after the first attempt (the profile's `max_retries`).
    pub max_retries: u32,
    /// Requests in flight at once (`--jobs`).
    pub jobs: u32,
    /// Time the whole run may take (`--timeout`); `None` for no limit.
    pub run_timeout: Option<Duration>,
    /// Requests started per minute at most (the profile's `requests_per_minute`).
    pub requests_per_minute: Option<u32>,
    /// Estimated tokens per minute at most (the profile's `tokens_per_minute`).
    pub tokens_per_minute: Option<u32>,
}

/// What the transport sent over a run, for the report's `usage`.
#[derive(Debug, Default)]
pub struct TransportStats {
    requests: AtomicU64,
    retries: AtomicU64,
}

impl TransportStats {
    /// HTTP requests sent, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Attempts after the first, over all requests.
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }
}

/// A token bucket on tokio's clock, shared by every request of a run. Its capacity is a tenth
/// of the per-minute budget (at least one unit), refilled continuously at `per_minute / 60` per
/// second. A cost larger than what is in the bucket is reserved (the level goes negative) and
/// the caller sleeps until the bucket would have held it, so callers are served first come,
/// first served and no lock is held across an `.await`.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    /// A limiter for `per_minute` units a minute (at least 1).
    pub fn per_minute(per_minute: u32) -> RateLimiter {
        let per_minute = f64::from(per_minute.max(1));
        let capacity = (per_minute / 10.0).max(1.0);
        RateLimiter {
            capacity,
            per_second: per_minute / 60.0,
            state: Mutex::new((capacity, Instant::now())),
        }
    }

    /// How long the caller must wait before spending `cost` units; reserves them.
    pub fn reserve(&self, cost: f64) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let (level, last) = *state;
        let level = (level + now.duration_since(last).as_secs_f64() * self.per_second)
            .min(self.capacity)
            - cost;
        *state = (level, now);
        if level >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-level / self.per_second)
        }
    }
}

/// What one request's attempts got so far, read when the run's deadline cuts it short.
#[derive(Debug, Default)]
struct Attempts {
    count: u32,
    last: Option<String>,
}

/// Builds an HTTP client from `builder` with rustls: the platform's CA store, or on a machine
/// without one the compiled-in Mozilla roots rather than no client at all (`builder` is called
/// again for that). Also the mock's recording proxy's client.
pub fn http_client(
    builder: impl Fn() -> reqwest::ClientBuilder,
) -> Result<reqwest::Client, reqwest::Error> {
    // The ring provider is compiled in; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    builder().build().or_else(|_| {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der).ok());
        builder().tls_certs_only(roots).build()
    })
}

/// One HTTP client shared by every request of a run.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    timeout: Duration,
    max_retries: u32,
    limit: Arc<Semaphore>,
    deadline: Option<(Instant, Duration)>,
    requests_limit: Option<Arc<RateLimiter>>,
    tokens_limit: Option<Arc<RateLimiter>>,
    stats: Arc<TransportStats>,
    notice: Option<WaitNotice>,
}

impl Transport {
    /// Builds the client; the run's deadline starts now.
    pub fn new(options: TransportOptions) -> Result<Transport, TransportError> {
        let client = http_client(|| {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .user_agent(concat!("diglot/", env!("CARGO_PKG_VERSION")))
        })
        .map_err(|e| TransportError::Setup(e.to_string()))?;
        let limiter =
            |per_minute: Option<u32>| per_minute.map(|n| Arc::new(RateLimiter::per_minute(n)));
        Ok(Transport {
            client,
            timeout: options.timeout,
            max_retries: options.max_retries,
            limit: Arc::new(Semaphore::new(options.jobs.max(1) as usize)),
            deadline: options
                .run_timeout
                .map(|limit| (Instant::now() + limit, limit)),
            requests_limit: limiter(options.requests_per_minute),
            tokens_limit: limiter(options.tokens_per_minute),
            stats: Arc::new(TransportStats::default()),
            notice: None,
        })
    }

    /// What was sent so far.
    /// The same client, request limit, rate limits and deadline, counting its own requests:
    /// one article's usage in a batch that shares the transport.
    pub fn with_own_stats(&self) -> Transport {
        Transport {
            stats: Arc::new(TransportStats::default()),
            ..self.clone()
        }
    }

    /// The same transport, saying through `notice` what a request waits for.
    pub fn with_wait_notice(self, notice: WaitNotice) -> Transport {
        Transport {
            notice: Some(notice),
            ..self
        }
    }

    /// Waits for `cost` units of `limiter`, saying so first when the wait is long.
    async fn wait_for(&self, limiter: &RateLimiter, cost: f64, limit: &str) {
        let wait = limiter.reserve(cost);
        if let Some(notice) = &self.notice {
            notice.announce(wait, limit);
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// What was sent so far.
    pub fn stats(&self) -> &TransportStats {
        &self.stats
    }

    /// Sends `request`, retrying transient failures, with `listener` seeing each attempt's
    /// streamed events. Returns the final answer: 2xx, a non-retryable 4xx, or an answer the
    /// listener says refuses the request.
    pub async fn send(
        &self,
        request: &WireRequest,
        listener: &mut dyn Listener,
    ) -> Result<WireReply, TransportError> {
        let mut attempts = Attempts::default();
        let Some((deadline, limit)) = self.deadline else {
            return self
                .send_until(request, None, &mut attempts, listener)
                .await;
        };
        match tokio::time::timeout_at(
            deadline,
            self.send_until(request, Some(deadline), &mut attempts, listener),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(TransportError::RunTimeout {
                secs: limit.as_secs(),
                attempts: attempts.count,
                last: attempts.last,
            }),
        }
    }

    async fn send_until(
        &self,
        request: &WireRequest,
        deadline: Option<Instant>,
        attempts: &mut Attempts,
        listener: &mut dyn Listener,
    ) -> Result<WireReply, TransportError> {
        let _permit = self
            .limit
            .acquire()
            .await
            .map_err(|e| TransportError::Setup(e.to_string()))?;
        let tokens = self
            .tokens_limit
            .as_ref()
            .map(|_| crate::plan::estimate_tokens(&request.body.to_string()) as f64 * 2.0);
        loop {
            if let Some(limiter) = &self.requests_limit {
                self.wait_for(limiter, 1.0, "requests_per_minute").await;
            }
            if let (Some(limiter), Some(tokens)) = (&self.tokens_limit, tokens) {
                self.wait_for(limiter, tokens, "tokens_per_minute").await;
            }
            attempts.count += 1;
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            if attempts.count > 1 {
                self.stats.retries.fetch_add(1, Ordering::Relaxed);
            }
            // An attempt never outlives the run: past the deadline the timeout above fires.
            let timeout = match deadline {
                Some(deadline) => self.timeout.min(
                    deadline.saturating_duration_since(Instant::now()) + Duration::from_millis(50),
                ),
                None => self.timeout,
            };
            listener.restart();
            let outcome = self.attempt(request, timeout, listener).await;
            attempts.last = Some(match &outcome {
                Ok((reply, _)) => format!("HTTP {}{}", reply.status, reason_suffix(reply.status)),
                Err(ReadError::Stalled) => {
                    format!("nothing for {} s", self.timeout.as_secs())
                }
                Err(ReadError::TooLarge { limit }) => {
                    return Err(TransportError::ReplyTooLarge {
                        url: request.url.clone(),
                        limit: *limit as u64,
                    });
                }
                Err(ReadError::Network(e)) => error_chain(e),
            });
            // Nothing listens at a refused port on this machine: retrying will not start it.
            if let Err(ReadError::Network(e)) = &outcome
                && super::is_local_refusal(&request.url, e)
            {
                return Err(self.give_up(request, attempts.count, outcome));
            }
            let delay = match outcome {
                Ok((reply, _))
                    if !is_retryable(reply.status)
                        || listener.refuses(reply.status, &reply.body) =>
                {
                    return Ok(reply);
                }
                Ok((_, Some(retry_after))) => retry_after,
                Ok((_, None)) | Err(_) => backoff(attempts.count),
            };
            if attempts.count > self.max_retries {
                return Err(self.give_up(request, attempts.count, outcome));
            }
            // Waiting past the run's deadline only to be cut off helps no one: give up now.
            if let Some((deadline, limit)) = self.deadline
                && Instant::now() + delay >= deadline
            {
                return Err(TransportError::RunTimeout {
                    secs: limit.as_secs(),
                    attempts: attempts.count,
                    last: attempts.last.take(),
                });
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: the request, then its answer read within `stall` per chunk of bytes.
    async fn attempt(
        &self,
        request: &WireRequest,
        stall: Duration,
        listener: &mut dyn Listener,
    ) -> Result<(WireReply, Option<Duration>), ReadError> {
        let mut builder = match request.method {
            Method::Get => self.client.get(&request.url),
            // A call that carries nothing (a batch's cancel) sends no body at all.
            Method::Post if request.body.is_null() => self.client.post(&request.url),
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
        // The headers come once the server starts answering: for a local model, after it has
        // read the whole prompt. The stall timeout covers that wait too.
        let response = match tokio::time::timeout(stall, builder.send()).await {
            Err(_) => return Err(ReadError::Stalled),
            Ok(response) => response.map_err(ReadError::Network)?,
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let read = super::stream::read(response, stall, request.reply_limit, listener).await?;
        let reply = WireReply {
            status,
            body: read.body,
            events: read.events,
            cut: read.cut.is_some(),
        };
        Ok((reply, retry_after))
    }

    fn give_up(
        &self,
        request: &WireRequest,
        attempts: u32,
        last: Result<(WireReply, Option<Duration>), ReadError>,
    ) -> TransportError {
        let url = request.url.clone();
        match last {
            Ok((reply, _)) => TransportError::GaveUp {
                url,
                attempts,
                status: reply.status,
            },
            Err(ReadError::Stalled) => TransportError::Timeout {
                url,
                attempts,
                secs: self.timeout.as_secs(),
            },
            Err(ReadError::TooLarge { limit }) => TransportError::ReplyTooLarge {
                url,
                limit: limit as u64,
            },
            Err(ReadError::Network(e)) => TransportError::Unreachable {
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
    fn the_rate_limiter_allows_a_burst_then_spaces_requests() {
        // 60 a minute: a burst of 6, then one a second.
        let limiter = RateLimiter::per_minute(60);
        let waits: Vec<Duration> = (0..8).map(|_| limiter.reserve(1.0)).collect();
        assert!(waits[..6].iter().all(Duration::is_zero), "{waits:?}");
        // Less only by the few microseconds of refill between the calls.
        assert!((900..=1000).contains(&waits[6].as_millis()), "{waits:?}");
        assert!((1900..=2000).contains(&waits[7].as_millis()), "{waits:?}");
    }

    #[test]
    fn give_up_messages_name_attempts_and_the_last_answer() {
        let gave_up = TransportError::GaveUp {
            url: "http://h/v1/chat/completions".into(),
            attempts: 4,
            status: 429,
        };
        assert_eq!(
            gave_up.to_string(),
            "http://h/v1/chat/completions: gave up after 4 attempt(s): last answer HTTP 429 Too Many Requests"
        );
        let run = TransportError::RunTimeout {
            secs: 2,
            attempts: 3,
            last: Some("HTTP 503 Service Unavailable".into()),
        };
        assert!(run.to_string().contains("--timeout 2 s"), "{run}");
        assert!(
            run.to_string()
                .ends_with("last answer HTTP 503 Service Unavailable"),
            "{run}"
        );
    }

    #[test]
    fn a_reply_too_large_says_so_in_megabytes() {
        let too_large = TransportError::ReplyTooLarge {
            url: "http://h/v1/chat/completions".into(),
            limit: 4_000_000,
        };
        assert_eq!(
            too_large.to_string(),
            "http://h/v1/chat/completions: the reply is larger than 4 MB, far more than the \
             request can produce (a broken or hostile server)"
        );
    }

    #[test]
    fn only_429_and_5xx_are_retried() {
        assert!(is_retryable(429) && is_retryable(500) && is_retryable(503));
        assert!(
            !is_retryable(400) && !is_retryable(401) && !is_retryable(404) && !is_retryable(200)
        );
    }
}
