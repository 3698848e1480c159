//! Waits worth a word: what the transport says while a client-side rate limit
//! (`requests_per_minute`, `tokens_per_minute`) holds a request back, through a [`WaitNotice`]
//! the caller hands it (the run's progress line, shown on a terminal only). The transport
//! decides when to wait; this owns what is said and when a wait is long enough to say it.

use std::sync::Arc;
use std::time::Duration;

/// Where the transport says what a request waits for (a rate limit's turn): the run's
/// progress line, shown on a terminal only. Nothing is said without one.
#[derive(Clone)]
pub struct WaitNotice(Arc<dyn Fn(&str) + Send + Sync>);

impl WaitNotice {
    /// Calls `say` with each notice.
    pub fn new(say: impl Fn(&str) + Send + Sync + 'static) -> WaitNotice {
        WaitNotice(Arc::new(say))
    }

    /// Says that a request waits `wait` for the profile's `limit`, if that is long enough to
    /// be noticed.
    pub fn announce(&self, wait: Duration, limit: &str) {
        if let Some(message) = wait_message(wait, limit) {
            (self.0)(&message);
        }
    }
}

impl std::fmt::Debug for WaitNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WaitNotice")
    }
}

/// A wait at least this long is announced.
const ANNOUNCED_WAIT: Duration = Duration::from_secs(1);

/// What to say before waiting `wait` for the profile's `limit` (`tokens_per_minute`), if it is
/// long enough to be noticed.
fn wait_message(wait: Duration, limit: &str) -> Option<String> {
    (wait >= ANNOUNCED_WAIT).then(|| {
        format!(
            "waiting {} s for the profile's {limit} limit",
            wait.as_secs_f64().ceil()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::transport::RateLimiter;

    #[test]
    fn a_long_rate_limit_wait_is_announced_and_a_short_one_is_not() {
        // 60 tokens a minute: a burst of 6, then 30 more take 30 s.
        let limiter = RateLimiter::per_minute(60);
        let wait = limiter.reserve(36.0);
        assert_eq!(
            wait_message(wait, "tokens_per_minute").as_deref(),
            Some("waiting 30 s for the profile's tokens_per_minute limit")
        );
        assert_eq!(wait_message(Duration::from_millis(400), "x"), None);
        let said = Arc::new(std::sync::Mutex::new(Vec::new()));
        let notice = {
            let said = Arc::clone(&said);
            WaitNotice::new(move |message| said.lock().expect("lock").push(message.to_owned()))
        };
        notice.announce(Duration::from_millis(400), "requests_per_minute");
        notice.announce(Duration::from_millis(1500), "requests_per_minute");
        assert_eq!(
            *said.lock().expect("lock"),
            ["waiting 2 s for the profile's requests_per_minute limit"]
        );
    }
}
