//! The flags of work in bulk: `--dry-run`, the providers' batch APIs (`--batch-api`,
//! `diglot batch status|cancel`) and batch files for other engines (`--export-batch`,
//! `--import-batch`). README, "Thousands of articles".

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::SelectionArgs;

/// `diglot batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: BatchAction,
}

/// `diglot batch status|cancel`.
#[derive(Debug, Subcommand)]
pub enum BatchAction {
    /// The job in DIR: its articles, and each of its batches as the provider describes it now.
    Status(BatchJobArgs),
    /// Cancel the job's batches that are still running. What they finished is kept: the job's
    /// command, run again, collects it and reports the rest as cancelled.
    Cancel(BatchJobArgs),
}

/// The job a `diglot batch` command is about.
#[derive(Debug, Args)]
pub struct BatchJobArgs {
    /// The output directory the job was sent from (its --out-dir).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// The provider the job was sent to, as when it was sent.
    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: JobFormat,
}

/// `diglot batch --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JobFormat {
    /// A line for the articles, then one a batch.
    Text,
    /// The same as data.
    Json,
}

/// A time between two polls such as `30s`, `5m` or `500ms`.
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (try 30s, 5m or 500ms)"))
}

/// Work in bulk: what a run would cost, the providers' batch APIs, and batch files for other
/// engines.
#[derive(Debug, Args)]
pub struct BulkArgs {
    /// Send nothing (no key needed): read, detect and plan every article, then print per
    /// article and in total the chunks, requests, estimated input and output tokens
    /// (characters for DeepL and LibreTranslate) and, when the profile has prices, the cost.
    #[arg(long, conflicts_with_all = ["output", "export_batch", "import_batch"])]
    pub dry_run: bool,

    /// With --out-dir: send the articles through the provider's batch API (openai, anthropic:
    /// half the price, answered within 24 hours); the job is kept in DIR, and running the same
    /// command again collects what is done.
    #[arg(long, requires = "out_dir", conflicts_with_all = ["export_batch", "import_batch"])]
    pub batch_api: bool,

    /// With --batch-api: wait until every article is collected, asking every --poll-interval.
    #[arg(long, requires = "batch_api")]
    pub wait: bool,

    /// With --batch-api --wait: how often to ask for the job's state (e.g. 30s, 5m).
    #[arg(long, value_name = "TIME", default_value = "30s", value_parser = parse_interval,
          requires = "wait")]
    pub poll_interval: std::time::Duration,

    /// With --out-dir: write the job's requests as OpenAI batch JSONL to FILE without sending
    /// them (for `vllm run-batch` or any engine that reads that format).
    #[arg(
        long,
        value_name = "FILE",
        requires = "out_dir",
        conflicts_with = "import_batch"
    )]
    pub export_batch: Option<PathBuf>,

    /// With --out-dir: read the results JSONL of an exported job from FILE and write the
    /// outputs (`-` for stdin is not allowed).
    #[arg(long, value_name = "FILE", requires = "out_dir")]
    pub import_batch: Option<PathBuf>,
}
