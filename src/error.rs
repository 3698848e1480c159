//! The top-level error: one variant per stage, so `main` can map each to its exit code with a
//! single `match` and print one line plus its causes.

use std::path::PathBuf;

use crate::batch::{BatchError, BatchPlanError};
use crate::config::ConfigError;
use crate::ingest::IngestError;
use crate::language::LanguageCode;
use crate::prompt::PromptError;
use crate::provider::ProviderError;
use crate::provider::transport::TransportError;
use crate::verify::VerifyError;
use crate::verify::brief::BriefVerifyError;
use crate::verify::fidelity::ChecksFailed;

/// Why the input cannot be used. Exits 3.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file (or stdin) cannot be read.
    #[error("cannot read '{}': {source}", path.display())]
    Read {
        /// The path (`-` for stdin).
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a usable article.
    #[error("cannot use '{}': {source}", path.display())]
    Ingest {
        /// The path (`-` for stdin).
        path: PathBuf,
        /// What is wrong with it.
        source: IngestError,
    },
    /// A file given to `diglot check` is not a saved `--format json` translation.
    #[error("'{}' is not a diglot translation result (--format json): {source}", path.display())]
    NotAResult {
        /// The path (`-` for stdin).
        path: PathBuf,
        /// Where and why the JSON did not read.
        source: serde_json::Error,
    },
    /// Detection cannot decide the article's language.
    #[error(
        "cannot tell which language the article is in (confidence {confidence:.2}, below {:.2})",
        crate::detect::DOCUMENT_MIN_CONFIDENCE
    )]
    Undecidable {
        /// The best language's letter-weighted confidence.
        confidence: f64,
    },
    /// Most of the text is in a language detection does not cover (without `--from`).
    #[error(
        "the article seems to be in {language} ({share:.2} of its letters), which diglot cannot \
         detect"
    )]
    Unsupported {
        /// The language's English name, as whatlang gives it.
        language: &'static str,
        /// Its letter-weighted share of the text.
        share: f64,
    },
}

/// Everything that can end a run early.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad configuration. Exit 2.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Bad input. Exit 3.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A prompt template is broken. Exit 2.
    #[error(transparent)]
    Prompt(#[from] PromptError),
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
    /// The article is already in the target language. Exit 2.
    #[error("the article is already in {} ({language}), the target language", language.name())]
    SameLanguage {
        /// The language of both.
        language: LanguageCode,
    },
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
    Batch(#[from] BatchError),
    /// The mock server could not start, or the runtime could not be built. Exit 1.
    #[error("cannot {what}: {source}")]
    Io {
        /// What diglot was doing.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether every other article of a batch would fail the same way (a rejected key, a used
    /// up quota, a broken prompt or HTTP client): then a batch starts no more articles.
    pub fn stops_batch(&self) -> bool {
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

    /// A second line telling the user how to fix it, where the fix is obvious.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Config(e) => e.hint(),
            Error::BatchPlan(e) => e.hint(),
            Error::Batch(e) => e.hint(),
            Error::Input(InputError::Undecidable { .. } | InputError::Unsupported { .. }) => {
                Some("name the article's language with --from LANG (e.g. --from de)".to_owned())
            }
            Error::SameLanguage { .. } => {
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
            Error::Transport(TransportError::Unreachable { .. }) => Some(
                "check the base URL and that the server is running; try it offline with \
                 --provider mock"
                    .to_owned(),
            ),
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
