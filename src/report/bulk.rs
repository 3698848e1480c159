//! Work in bulk as plain data for the renderer: what `--dry-run` expects a run to take, per
//! article and in total (its serde form is the `--dry-run --format json` schema), and where a
//! job on a batch API stands (`diglot batch status|cancel`, `--format json`). README, "Thousands
//! of articles".

use serde::Serialize;

/// The expected cost of one article, or of all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Expected {
    /// Chunks the translation is planned in (0 for `brief`).
    pub chunks: u64,
    /// Requests sent first (repairs and retries depend on the answers).
    pub requests: u64,
    /// Tokens of the requests' prompts (LLMs).
    pub input_tokens: u64,
    /// Tokens their answers are expected to take (LLMs).
    pub output_tokens: u64,
    /// Characters of article text sent (what DeepL bills).
    pub characters: u64,
    /// The cost at the profile's prices (through the batch API with `--batch-api`); absent
    /// without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

impl Expected {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &Expected) {
        self.chunks += other.chunks;
        self.requests += other.requests;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.characters += other.characters;
        self.cost = match (self.cost, other.cost) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }
}

/// One article of a dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleEstimate {
    /// The article (`-` for stdin).
    pub article: String,
    /// What it is expected to take.
    #[serde(flatten)]
    pub expected: Expected,
    /// Whether its whole result is in the cache (nothing would be sent).
    pub cached: bool,
    /// Why it would fail before anything is sent (unreadable, language undecidable), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A whole dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The translation's provider (the brief's for `brief`) and its model.
    pub provider: String,
    /// Its model (empty for machine translation APIs).
    pub model: String,
    /// Whether the requests would go through the provider's batch API.
    pub batch_api: bool,
    /// Whether the provider bills characters (DeepL, LibreTranslate) rather than tokens.
    pub bills_characters: bool,
    /// Articles whose output is already there and would be skipped (`--out-dir`).
    pub skipped: u64,
    /// Each article, in input order.
    pub articles: Vec<ArticleEstimate>,
    /// The sum over the articles.
    pub total: Expected,
}

/// Where a job on a batch API stands (`diglot batch status|cancel`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobReport {
    /// The output directory the job belongs to.
    pub dir: String,
    /// Articles in the job.
    pub articles: usize,
    /// Of those, written.
    pub written: usize,
    /// Of those, failed.
    pub failed: usize,
    /// Of those, waiting for answers.
    pub waiting: usize,
    /// Its parts, in order.
    pub parts: Vec<PartReport>,
    /// Whether it was cancelled (its unanswered requests are not sent again).
    pub cancelled: bool,
}

/// One part of a job: its batch and where that stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartReport {
    /// The part's number.
    pub part: u32,
    /// Requests in it.
    pub requests: u64,
    /// Its batch's id, once it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Where it stands: `written` (not sent), `sending`, `uploaded`, `validating`,
    /// `in progress`, `cancelling`, `completed`, `expired`, `cancelled`, `failed`, each ended
    /// one with `, downloaded` once its results are in; `exported`.
    pub state: String,
    /// Requests answered so far, when the engine said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<u64>,
    /// Requests failed so far, when the engine said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<u64>,
}
