//! Why a provider's answer cannot be used ([`ProviderError`]), the ways a reply breaks the
//! paragraph contract ([`ContractProblem`]), and the short lists their one-line messages name.

use std::fmt;

use super::sentences;
use crate::ingest::ParagraphId;

/// Ways a reply breaks the paragraph contract; each is repairable by asking again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractProblem {
    /// No JSON object with paragraphs could be found in the reply.
    NotJson,
    /// A requested paragraph is missing from the reply.
    Missing(ParagraphId),
    /// The reply has an id that was not requested.
    Unexpected(u32),
    /// The reply has an id twice.
    Duplicate(ParagraphId),
    /// The reply's text for a paragraph is empty.
    Empty(ParagraphId),
    /// The model stopped at its length limit.
    Truncated,
    /// A positional API (DeepL, LibreTranslate) answered a different number of texts.
    WrongCount {
        /// Texts sent.
        expected: usize,
        /// Translations received.
        got: usize,
    },
    /// The reply breaks the sentence contract (`--align sentence`).
    Sentence(sentences::SentenceProblem),
}

impl fmt::Display for ContractProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractProblem::NotJson => f.write_str("the reply is not the requested JSON"),
            ContractProblem::Missing(id) => write!(f, "{id} is missing"),
            ContractProblem::Unexpected(n) => write!(f, "¶{n} was not requested"),
            ContractProblem::Duplicate(id) => write!(f, "{id} appears twice"),
            ContractProblem::Empty(id) => write!(f, "{id} is empty"),
            ContractProblem::Truncated => f.write_str("the reply was cut off at the length limit"),
            ContractProblem::WrongCount { expected, got } => {
                write!(
                    f,
                    "the reply has {got} translation(s) for {expected} text(s)"
                )
            }
            ContractProblem::Sentence(problem) => problem.fmt(f),
        }
    }
}

/// Why a provider's answer cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// A prompt template cannot be rendered (a configuration problem).
    #[error(transparent)]
    Prompt(#[from] crate::prompt::PromptError),
    /// The API refused the request (4xx other than 429).
    #[error(
        "{provider} refused the request: HTTP {status}{}",
        detail_suffix(detail)
    )]
    Refused {
        /// Profile name.
        provider: String,
        /// HTTP status.
        status: u16,
        /// The request URL (for the hint when it lacks `/v1`).
        url: String,
        /// The API's own error message, if it gave one.
        detail: Option<String>,
    },
    /// The server answered with a web page (HTML): the base URL names a website or a web UI,
    /// not the API.
    #[error("{provider} answered with a web page, not the API (HTTP {status} from {url})")]
    WebPage {
        /// Profile name.
        provider: String,
        /// HTTP status.
        status: u16,
        /// The request URL.
        url: String,
    },
    /// The HTTP body is not the API's reply format (not JSON, no choices, …).
    #[error("{provider} answered with a malformed body: {detail}")]
    Malformed {
        /// Profile name.
        provider: String,
        /// What was wrong.
        detail: String,
    },
    /// The API rejected the key (401, or DeepL's 403).
    #[error(
        "{provider} rejected the API key: HTTP {status}{}",
        detail_suffix(detail)
    )]
    AuthRejected {
        /// Profile name.
        provider: String,
        /// HTTP status.
        status: u16,
        /// The variable the key is read from, for the hint.
        key_var: String,
        /// The API's own error message, if it gave one.
        detail: Option<String>,
    },
    /// The account's quota is used up (DeepL's 456).
    #[error(
        "{provider} refused the request: the account's quota is used up (HTTP {status}){}",
        detail_suffix(detail)
    )]
    QuotaExceeded {
        /// Profile name.
        provider: String,
        /// HTTP status.
        status: u16,
        /// The API's own error message, if it gave one.
        detail: Option<String>,
    },
    /// The server does not translate this language pair (a configuration problem: exit 2).
    #[error(
        "{provider} cannot translate {source_language} to {target_language} (it offers: {})",
        list_some(offered, ", ")
    )]
    UnsupportedPair {
        /// Profile name.
        provider: String,
        /// The article's language.
        source_language: crate::language::LanguageCode,
        /// The requested target language.
        target_language: crate::language::LanguageCode,
        /// The pairs the server offers, as `de→en`.
        offered: Vec<String>,
    },
    /// The endpoint refuses a parameter diglot cannot do without: the `response_format` the
    /// profile chose. Exit 4.
    #[error(
        "{provider} refused the request's `{parameter}`: HTTP {status}{}",
        detail_suffix(detail)
    )]
    RefusedParameter {
        /// Profile name.
        provider: String,
        /// HTTP status.
        status: u16,
        /// The parameter's key, e.g. `response_format`.
        parameter: &'static str,
        /// The API's own error message, if it gave one.
        detail: Option<String>,
    },
    /// The model's answer for a single sentence still stopped at its output limit.
    #[error(
        "{provider} cut its answer for {id} off at the model's output limit, even for one sentence"
    )]
    OutputLimit {
        /// Profile name.
        provider: String,
        /// The paragraph that could not be translated.
        id: ParagraphId,
    },
    /// The reply broke the paragraph contract, even after repair.
    #[error(
        "{provider} broke the paragraph contract for {}: {}",
        list_ids(ids),
        list_problems(problems)
    )]
    Contract {
        /// Profile name.
        provider: String,
        /// The paragraphs that could not be translated.
        ids: Vec<ParagraphId>,
        /// What was wrong with the last reply.
        problems: Vec<ContractProblem>,
    },
    /// The reply to a brief request is not a brief, even after repair.
    #[error("{provider} did not answer with a brief: {}", list_problems(problems))]
    BriefContract {
        /// Profile name.
        provider: String,
        /// What was wrong with the last reply.
        problems: Vec<ContractProblem>,
    },
    /// The protocol cannot do this (e.g. a translation-only API asked for a brief).
    #[error("{provider} cannot {what}")]
    Unsupported {
        /// Profile name or kind.
        provider: String,
        /// What was asked, e.g. `write briefs`.
        what: String,
    },
}

/// The API's own message in parentheses, cut to [`MAX_ITEM_CHARS`] (a server may send
/// megabytes).
fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_ref()
        .map(|d| format!(" ({})", shorten(d)))
        .unwrap_or_default()
}

/// A one-line message names at most this many items of a list and counts the rest.
pub const MAX_NAMED_ITEMS: usize = 5;

/// A one-line message shows at most this many characters of one item (a server's message, a
/// number, a language code it offered).
pub const MAX_ITEM_CHARS: usize = 100;

/// `text` cut to [`MAX_ITEM_CHARS`] characters, with `…` where it was cut.
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_ITEM_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((at, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// The first [`MAX_NAMED_ITEMS`] of `items`, each [`shorten`]ed, joined by `separator`, then
/// `and N more` when there are more: a reply with 200,000 extra ids makes one short line.
pub fn list_some<T: fmt::Display>(items: &[T], separator: &str) -> String {
    let mut named: Vec<String> = items
        .iter()
        .take(MAX_NAMED_ITEMS)
        .map(|item| shorten(&item.to_string()).into_owned())
        .collect();
    if items.len() > MAX_NAMED_ITEMS {
        named.push(format!("and {} more", items.len() - MAX_NAMED_ITEMS));
    }
    named.join(separator)
}

/// Formats ids as `¶1, ¶2` (the first few, then how many more).
pub fn list_ids(ids: &[ParagraphId]) -> String {
    list_some(ids, ", ")
}

fn list_problems(problems: &[ContractProblem]) -> String {
    list_some(problems, "; ")
}

/// `provider` cannot do `what` (a brief, for a protocol without briefs).
pub(super) fn unsupported(provider: String, what: &str) -> ProviderError {
    ProviderError::Unsupported {
        provider,
        what: what.to_owned(),
    }
}
