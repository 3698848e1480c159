//! The top-level error: one variant per stage, so `main` can map each to its exit code with a
//! single `match` and print one line plus its causes. The stages' own error types are
//! re-exported here for that `match`; the stages themselves stay private.

use std::path::PathBuf;

/// A line for stderr from anything that may carry text from outside (a server's error message,
/// a language code it offered, a file name, a URL with a password): every URL redacted
/// (`secret::redact_urls`) and every character that could control a terminal shown as a
/// visible stand-in (`render::sanitize::for_terminal`, as on stdout). `main` passes every line
/// it writes to stderr through this one function.
pub fn for_stderr(text: &str) -> String {
    crate::render::sanitize::for_terminal(&crate::secret::redact_urls(text)).into_owned()
}

pub use crate::batch::job::JobError;
pub use crate::batch::{ArticleError, BatchError, BatchPlanError};
pub use crate::config::ConfigError;
pub use crate::detect::DetectError;
pub use crate::glossary::file::GlossaryError;
pub use crate::ingest::IngestError;
pub use crate::input::{InputError, Source};
pub use crate::prompt::PromptError;
pub use crate::provider::ProviderError;
pub use crate::provider::transport::TransportError;
pub use crate::verify::VerifyError;
pub use crate::verify::brief::BriefVerifyError;
pub use crate::verify::fidelity::ChecksFailed;

/// Everything that can end a run early.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad configuration. Exit 2.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The article cannot be read. Exit 3.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The article's bytes are not a usable text. Exit 3.
    #[error("cannot use '{source_name}': {error}")]
    Ingest {
        /// The article.
        source_name: Source,
        /// What is wrong with it.
        error: IngestError,
    },
    /// No direction can be chosen: the language is undecidable or unsupported (exit 3), or
    /// already the target (exit 2).
    #[error(transparent)]
    Detect(#[from] DetectError),
    /// A file given to `diglot check` is not a saved `--format json` translation. Exit 3.
    #[error("'{source_name}' is not a diglot translation result (--format json): {error}")]
    NotAResult {
        /// The file (`-` for stdin).
        source_name: Source,
        /// Where and why the JSON did not read.
        error: serde_json::Error,
    },
    /// A saved result given to `diglot check` lost, doubled or emptied paragraphs. Exit 6.
    #[error("'{source_name}': {error}")]
    BrokenResult {
        /// The file (`-` for stdin).
        source_name: Source,
        /// What does not line up (boxed: it is the largest of the errors).
        error: Box<VerifyError>,
    },
    /// A prompt template is broken. Exit 2.
    #[error(transparent)]
    Prompt(#[from] PromptError),
    /// A glossary file cannot be used. Exit 2.
    #[error(transparent)]
    Glossary(#[from] GlossaryError),
    /// The provider refused or broke the contract. Exit 4 (2 for a prompt problem).
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The provider could not be reached. Exit 5.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The assembled result failed verification. Exit 6.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The brief failed its checks, even after repair. Exit 6.
    #[error(transparent)]
    BriefVerify(#[from] BriefVerifyError),
    /// Fidelity checks failed under `--strict` or `diglot check`. Exit 6, after the output.
    #[error(transparent)]
    Fidelity(#[from] ChecksFailed),
    /// Ctrl-C. Exit 130.
    #[error("interrupted")]
    Interrupted,
    /// The articles and output flags do not make a batch. Exit 2 (3 for a directory without
    /// articles or one that cannot be listed).
    #[error(transparent)]
    BatchPlan(#[from] BatchPlanError),
    /// Some articles of a batch failed, or Ctrl-C ended it; the others were written. Exit 130
    /// when interrupted, else the exit code of the first failed article (in input order).
    #[error(transparent)]
    Batch(#[from] BatchError<Error>),
    /// A job on a provider's batch API (or in a batch file) cannot go on. Exit 2 (a job made
    /// another way, no batch API), 4 (a batch refused), 5 (requests never answered), 7 (its
    /// state cannot be written).
    #[error(transparent)]
    BatchJob(#[from] JobError),
    /// An output file or directory cannot be written. Exit 7.
    #[error("cannot write '{}': {source}", path.display())]
    Output {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Progressive output cannot be written to stdout (or the pager). Exit 7; a closed pipe
    /// or a pager the reader quit is not a failure: the run stops quietly instead.
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    /// Output could not be rendered. Exit 1.
    #[error("cannot render the output: {0}")]
    Render(std::io::Error),
    /// Neither `DIGLOT_CACHE_DIR`, `XDG_CACHE_HOME` nor `HOME` names a cache directory. Exit 1.
    #[error("cannot find the cache directory: set HOME, XDG_CACHE_HOME or DIGLOT_CACHE_DIR")]
    NoCacheDir,
    /// The cache directory cannot be read or cleared. Exit 1.
    #[error("cannot {action} the cache in '{}': {source}", dir.display())]
    Cache {
        /// `read` or `clear`.
        action: &'static str,
        /// The cache directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The mock API's cassette directory cannot be recorded into or replayed. Exit 2.
    #[error(transparent)]
    Cassettes(#[from] crate::mock::CassetteDirError),
    /// The mock API cannot listen, or stopped serving. Exit 1.
    #[error("cannot {action} the mock API: {source}")]
    Mock {
        /// What failed: `start`, `announce` or `serve`.
        action: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The async runtime cannot be built. Exit 1.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// A task ended without its result (it panicked: a bug). Exit 1.
    #[error("a {what} task ended without its result: {source}")]
    Task {
        /// What the task was doing.
        what: &'static str,
        /// How it ended.
        source: tokio::task::JoinError,
    },
}

impl ArticleError for Error {
    /// A rejected key, a used-up quota, a broken prompt or HTTP client: every other article of
    /// a batch would fail the same way, so a batch starts no more articles.
    fn stops_batch(&self) -> bool {
        matches!(
            self,
            Error::Prompt(_)
                | Error::Provider(
                    ProviderError::AuthRejected { .. }
                        | ProviderError::QuotaExceeded { .. }
                        | ProviderError::Prompt(_)
                )
                | Error::Transport(TransportError::Setup(_))
        )
    }

    fn write_failed(path: PathBuf, source: std::io::Error) -> Self {
        Error::Output { path, source }
    }

    fn task_failed(source: tokio::task::JoinError) -> Self {
        Error::Task {
            what: "article",
            source,
        }
    }
}

impl Error {
    /// A second line telling the user how to fix it, where the fix is obvious.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Config(e) => e.hint(),
            Error::BatchPlan(e) => e.hint(),
            Error::BatchJob(e) => e.hint(),
            Error::Batch(e) => e.hint(),
            Error::Detect(DetectError::Unsupported(outsider)) => Some(match outsider.code {
                Some(code) => format!("translate it anyway with --from {code}"),
                None => "name the article's language with --from LANG".to_owned(),
            }),
            Error::Detect(DetectError::Undecidable { .. }) => {
                Some("name the article's language with --from LANG (e.g. --from de)".to_owned())
            }
            Error::Detect(DetectError::SameLanguage { .. }) => {
                Some("choose another target language with --to LANG".to_owned())
            }
            Error::Transport(TransportError::Timeout { .. }) => Some(
                "a local model on a CPU can take minutes: raise `timeout` (seconds per request) \
                 in the provider's profile"
                    .to_owned(),
            ),
            Error::Transport(TransportError::RunTimeout { .. }) => Some(
                "raise --timeout SECS (or DIGLOT_TIMEOUT), or leave it out for no limit".to_owned(),
            ),
            Error::Transport(TransportError::Unreachable { url, detail, .. }) => {
                Some(match refused_address(url, detail) {
                    Some(address) => format!(
                        "nothing listens at {address}: start the server (`ollama serve`, \
                         `diglot mock-server`, …) or correct the port in the base URL"
                    ),
                    None => "check the base URL and that the server is running; try it \
                             offline with --provider mock"
                        .to_owned(),
                })
            }
            Error::Provider(ProviderError::Refused {
                status: 404, url, ..
            }) => missing_api_version(url).map(|base| {
                format!(
                    "the base URL probably lacks /v1 (OpenAI-compatible servers answer at \
                     /v1/chat/completions): try --base-url {base}"
                )
            }),
            Error::Provider(ProviderError::WebPage { .. }) => Some(
                "the base URL points at a website or web UI, not at the API: use the API's base \
                 URL (for OpenAI-compatible servers it usually ends in /v1)"
                    .to_owned(),
            ),
            Error::Provider(ProviderError::RefusedParameter { parameter, .. }) => Some(format!(
                "the profile forces `{parameter}`: remove that setting (or set response_format = \
                 \"auto\") to let diglot find the form the server accepts"
            )),
            Error::Provider(ProviderError::OutputLimit { .. }) => Some(
                "the model's output limit is too small for one sentence: raise its output \
                 limit (max_tokens, num_predict) or lower max_chunk_tokens in the profile"
                    .to_owned(),
            ),
            Error::Provider(ProviderError::AuthRejected { key_var, .. }) => Some(format!(
                "check the API key in {key_var} (or DIGLOT_API_KEY); \
                 try it offline with --provider mock"
            )),
            Error::Provider(ProviderError::QuotaExceeded { .. }) => Some(
                "the account's character quota is used up: wait for the next billing period, \
                 raise the limit in the provider's account settings, or use another provider"
                    .to_owned(),
            ),
            Error::Provider(ProviderError::UnsupportedPair { .. }) => Some(
                "choose another target language with --to LANG, or install the language \
                 models on the server"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// For a request that got 404 at an OpenAI-style URL without a `/v1` segment
/// (`http://host:8080/chat/completions`), the base URL that probably works
/// (`http://host:8080/v1`).
fn missing_api_version(url: &str) -> Option<String> {
    let base = url.strip_suffix("/chat/completions")?;
    let path = reqwest::Url::parse(base).ok()?.path().to_owned();
    let has_version = path.split('/').any(|segment| {
        segment.len() >= 2 && segment.starts_with('v') && segment[1..].parse::<u32>().is_ok()
    });
    (!has_version).then(|| format!("{}/v1", base.trim_end_matches('/')))
}

/// `host:port` when `detail` (the connection error) says the connection was refused: nothing
/// listens there.
fn refused_address(url: &str, detail: &str) -> Option<String> {
    let lower = detail.to_ascii_lowercase();
    if !(lower.contains("connection refused") || lower.contains("actively refused")) {
        return None;
    }
    let url = reqwest::Url::parse(url).ok()?;
    Some(format!(
        "{}:{}",
        url.host_str()?,
        url.port_or_known_default()?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ParagraphId;
    use crate::language::LanguageCode;
    use crate::provider::ContractProblem;

    #[test]
    fn a_stderr_line_has_no_control_character_and_no_url_secret() {
        let offered = vec![
            "de→en".to_owned(),
            "\u{1b}]0;x\u{7}\u{1b}[2J→\r\nen".to_owned(),
        ];
        let error = Error::from(ProviderError::UnsupportedPair {
            provider: "lt".into(),
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            offered,
        });
        let line = for_stderr(&error.to_string());
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(line.contains("␛]0;x␇␛[2J→␍␊en"), "{line}");
        let error = Error::from(TransportError::GaveUp {
            url: "http://u:SECRET@h/v1/chat/completions?api_key=K2".into(),
            attempts: 1,
            status: 500,
        });
        let line = for_stderr(&error.to_string());
        assert!(!line.contains("SECRET") && !line.contains("K2"), "{line}");
    }

    #[test]
    fn a_reply_with_200000_extra_ids_makes_one_short_line() {
        let error = Error::from(ProviderError::Contract {
            provider: "p".into(),
            ids: (1..=200_000).map(ParagraphId).collect(),
            problems: (3..200_003).map(ContractProblem::Unexpected).collect(),
        });
        let line = error.to_string();
        assert!(line.len() < 300, "{} bytes", line.len());
        assert!(
            line.ends_with("¶3 was not requested; ¶4 was not requested; ¶5 was not requested; ¶6 was not requested; ¶7 was not requested; and 199995 more"),
            "{line}"
        );
        assert!(
            line.contains("¶1, ¶2, ¶3, ¶4, ¶5, and 199995 more"),
            "{line}"
        );
    }

    #[test]
    fn a_404_without_v1_suggests_the_base_url_with_it() {
        assert_eq!(
            missing_api_version("http://127.0.0.1:8080/chat/completions").as_deref(),
            Some("http://127.0.0.1:8080/v1")
        );
        assert_eq!(
            missing_api_version("https://api.groq.com/openai/chat/completions").as_deref(),
            Some("https://api.groq.com/openai/v1")
        );
        assert_eq!(missing_api_version("http://h/v1/chat/completions"), None);
        assert_eq!(
            missing_api_version("http://h/api/v2/chat/completions"),
            None
        );
        assert_eq!(missing_api_version("http://h/v2/translate"), None);
    }

    #[test]
    fn a_refused_connection_names_the_address() {
        let detail = "error sending request for url (http://127.0.0.1:9/v1/chat/completions): \
                      client error (Connect): tcp connect error: Connection refused (os error 111)";
        assert_eq!(
            refused_address("http://127.0.0.1:9/v1/chat/completions", detail).as_deref(),
            Some("127.0.0.1:9")
        );
        assert_eq!(
            refused_address("http://localhost/v1", "Connection refused").as_deref(),
            Some("localhost:80")
        );
        assert_eq!(
            refused_address("http://h:1/v1", "dns error: no such host"),
            None
        );
    }
}
