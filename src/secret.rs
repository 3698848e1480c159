//! Secret: an API key that can be used but never shown.
//!
//! Secrets live only inside [`Secret`]; its `Debug` and `Display` print `(redacted)`, it is not
//! `Serialize`, so settings can be logged, printed by `diglot config` or written to a cache
//! without leaking a key. Text that comes back from outside (an API's error message) goes
//! through [`redact`] before anyone sees it, in case it quotes the key.

use std::fmt;

/// An API key or token. Only [`Secret::expose`] reveals it, for building a request header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Keys shorter than this are not treated as secrets by [`redact`]: local servers take any key,
/// and a dummy key such as `x` or `model` would otherwise cut letters out of every message.
pub const MIN_SECRET_LEN: usize = 8;

/// What stands in for a secret in text shown to the user.
const REDACTED: &str = "(redacted)";

/// `text` with every whole-token occurrence of `secret` replaced by `(redacted)`.
///
/// An occurrence counts only when the characters on either side are not part of a token
/// (letters, digits, `-`, `_`), so a key that happens to be a word inside another word is left
/// alone. Secrets shorter than [`MIN_SECRET_LEN`] characters are not redacted at all.
pub fn redact(text: &str, secret: &Secret) -> String {
    let key = secret.expose();
    if key.chars().count() < MIN_SECRET_LEN {
        return text.to_owned();
    }
    let is_token = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices(key) {
        if at < rest {
            continue;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + key.len()..].chars().next();
        if before.is_some_and(is_token) || after.is_some_and(is_token) {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(REDACTED);
        rest = at + key.len();
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_whole_tokens_of_long_keys_only() {
        let key = Secret::new("sk-live-123456");
        assert_eq!(
            redact("Incorrect API key provided: sk-live-123456.", &key),
            "Incorrect API key provided: (redacted)."
        );
        assert_eq!(
            redact("Bearer sk-live-123456 and key=sk-live-123456", &key),
            "Bearer (redacted) and key=(redacted)"
        );
        // Part of a longer token: not this key.
        assert_eq!(
            redact("sk-live-1234567 xsk-live-123456", &key),
            "sk-live-1234567 xsk-live-123456"
        );
    }

    #[test]
    fn short_dummy_keys_leave_messages_alone() {
        for short in ["x", "model", "1234567"] {
            let text = "The model `gpt-5x` does not exist: model \"llama3\" not found";
            assert_eq!(redact(text, &Secret::new(short)), text, "{short}");
        }
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::new("sk-live-123");
        assert_eq!(format!("{secret:?} {secret}"), "(redacted) (redacted)");
        assert_eq!(secret.expose(), "sk-live-123");
    }
}
