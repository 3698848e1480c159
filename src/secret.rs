//! Secret: an API key that can be used but never shown, and URLs shown without theirs.
//!
//! Secrets live only inside [`Secret`]; its `Debug` and `Display` print `(redacted)`, it is not
//! `Serialize`, so settings can be logged, printed by `diglot config` or written to a cache
//! without leaking a key. Text that comes back from outside (an API's error message) goes
//! through [`redact`] before anyone sees it, in case it quotes the key. A base URL may carry a
//! secret of its own (`http://user:PASSWORD@host`, `?key=…`): [`redact_url`] is the one function
//! that hides it, and [`redact_urls`] applies it to every URL in a message, which is how `main`
//! prints every stderr line and `diglot config` its table.

use std::borrow::Cow;
use std::fmt;

/// What stands in for a hidden secret.
const REDACTED: &str = "(redacted)";

/// Query parameter names that hold secrets when they contain one of these (case-insensitive):
/// `key`, `api_key`, `apikey`, `token`, `access_token`, `secret`, `password`, `auth`, `sig`, …
const SECRET_PARAMETERS: &[&str] = &[
    "key",
    "token",
    "secret",
    "pass",
    "pwd",
    "auth",
    "sig",
    "credential",
    "session",
];

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

/// `url` with its userinfo (`user:password@`) and the values of secret-looking query and
/// fragment parameters ([`SECRET_PARAMETERS`]) replaced by `(redacted)`; borrowed when there is
/// nothing to hide. Works on text that does not parse as a URL too (an invalid base URL is
/// shown redacted in its error message).
pub fn redact_url(url: &str) -> Cow<'_, str> {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = authority.rfind('@').map(|at| &authority[at + 1..]);
    let (path, parameters) = match tail.find(['?', '#']) {
        Some(at) => tail.split_at(at),
        None => (tail, ""),
    };
    let parameters = redact_parameters(parameters);
    if host.is_none() && matches!(parameters, Cow::Borrowed(_)) {
        return Cow::Borrowed(url);
    }
    let authority = match host {
        Some(host) => format!("{REDACTED}@{host}"),
        None => authority.to_owned(),
    };
    Cow::Owned(format!("{scheme}{authority}{path}{parameters}"))
}

/// `?a=1&key=…#token=…` with the secret values hidden.
fn redact_parameters(parameters: &str) -> Cow<'_, str> {
    let is_secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        SECRET_PARAMETERS.iter().any(|word| name.contains(word))
    };
    let secret_values = parameters
        .split(['?', '&', '#', ';'])
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, value)| is_secret(name) && !value.is_empty());
    if !secret_values {
        return Cow::Borrowed(parameters);
    }
    let mut out = String::with_capacity(parameters.len());
    let mut rest = parameters;
    while let Some(separator) = rest.chars().next() {
        out.push(separator);
        rest = &rest[separator.len_utf8()..];
        let end = rest.find(['&', '#', ';']).unwrap_or(rest.len());
        let (pair, next) = rest.split_at(end);
        match pair.split_once('=') {
            Some((name, value)) if is_secret(name) && !value.is_empty() => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
        rest = next;
    }
    Cow::Owned(out)
}

/// `text` with every URL in it (`scheme://…` up to the next whitespace) passed through
/// [`redact_url`]; quotes, brackets and punctuation that end a sentence stay outside the URL.
pub fn redact_urls(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(marker) = rest.find("://") {
        let start = rest[..marker]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |at| at + 1);
        let end = rest[marker..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |at| marker + at);
        let url = rest[start..end].trim_end_matches([')', '\'', '"', ',', '.', ';', ':']);
        out.push_str(&rest[..start]);
        out.push_str(&redact_url(url));
        rest = &rest[start + url.len()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Keys shorter than this are not treated as secrets by [`redact`]: local servers take any key,
/// and a dummy key such as `x` or `model` would otherwise cut letters out of every message.
pub const MIN_SECRET_LEN: usize = 8;

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
    fn urls_lose_their_userinfo_and_secret_parameters() {
        let cases = [
            ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
            (
                "http://user:SECRET@127.0.0.1:8080/v1",
                "http://(redacted)@127.0.0.1:8080/v1",
            ),
            ("https://TOKEN@host", "https://(redacted)@host"),
            (
                "http://u:p%40ss@h/v1?model=x&api_key=SECRET&key=S2#access_token=S3",
                "http://(redacted)@h/v1?model=x&api_key=(redacted)&key=(redacted)#access_token=(redacted)",
            ),
            ("http://h/v1?key=", "http://h/v1?key="),
            ("http://us:er@h:notaport", "http://(redacted)@h:notaport"),
            ("not a url", "not a url"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown, "{url}");
        }
        assert!(matches!(redact_url("http://h/v1?a=1"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_url_in_a_message_is_redacted() {
        let message = "cannot reach http://u:SECRET@127.0.0.1:9/v1/chat/completions: gave up after \
                       4 attempt(s): error sending request for url \
                       (http://u:SECRET@127.0.0.1:9/v1/chat/completions?key=K)";
        let shown = redact_urls(message);
        assert!(
            !shown.contains("SECRET") && !shown.contains("=K"),
            "{shown}"
        );
        assert!(
            shown.ends_with(
                "for url (http://(redacted)@127.0.0.1:9/v1/chat/completions?key=(redacted))"
            ),
            "{shown}"
        );
        let quoted = "invalid base URL 'http://u:SECRET@h:x/v1' for provider 'p': invalid port";
        assert_eq!(
            redact_urls(quoted),
            "invalid base URL 'http://(redacted)@h:x/v1' for provider 'p': invalid port"
        );
        assert!(matches!(redact_urls("no url here"), Cow::Borrowed(_)));
    }

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
