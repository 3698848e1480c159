//! Command-line flags and subcommands: what the user typed, before any defaults.
//!
//! Every value that a config file or the environment may also set is an `Option` here;
//! `config::Settings::resolve` is the only place that decides which layer wins.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::language::LanguageCode;
use crate::mock::Fault;
use crate::render::{ColorChoice, Format, Layout};

mod bulk;

pub use bulk::{BatchAction, BatchArgs, BatchJobArgs, BulkArgs, JobFormat};

/// Every exit code and what it means (README "Exit codes", `--help`, the man page).
pub const EXIT_CODE_TABLE: &[(u8, &str)] = &[
    (
        0,
        "success (also when stdout or the pager was closed early)",
    ),
    (1, "internal error (a bug: please report it)"),
    (2, "usage or configuration error"),
    (
        3,
        "bad input: unreadable, empty, binary, not UTF-8, language undecidable or unsupported",
    ),
    (
        4,
        "the provider refused: authentication, other 4xx, or a reply that broke the paragraph \
         contract even after repair",
    ),
    (
        5,
        "the provider is unreachable: network error, timeout, 5xx or 429 after retries",
    ),
    (
        6,
        "verification failed (nothing misaligned is printed), or fidelity checks failed with \
         --strict or `diglot check` (after the output is printed)",
    ),
    (
        7,
        "the output cannot be written: stdout, -o FILE or --out-dir (a missing or read-only \
         directory, a directory as FILE, a full disk)",
    ),
    (130, "interrupted (Ctrl-C)"),
];

/// What a batch exits with, after the table of `translate` and `brief`.
pub const BATCH_EXIT: &str =
    "A batch (--out-dir) with failed articles exits with the code of the first one.";

/// The exit-code block of a `--help`: the codes a command can end with, each wrapped to 79
/// columns under its meaning; with `batch`, the line on batches.
pub fn exit_codes(codes: &[u8], batch: bool) -> String {
    let mut text = String::from("Exit codes:\n");
    for (code, meaning) in EXIT_CODE_TABLE.iter().filter(|(c, _)| codes.contains(c)) {
        let lead = format!("  {code:<5}");
        let wrapped = textwrap::fill(meaning, 79 - lead.len());
        text.push_str(&lead);
        text.push_str(&wrapped.replace('\n', &format!("\n{:width$}", "", width = lead.len())));
        text.push('\n');
    }
    if batch {
        text.push_str(BATCH_EXIT);
    }
    text.trim_end().to_owned()
}

/// The codes of commands that talk to a provider.
const PROVIDER_CODES: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 130];

/// Put a news article and its translation side by side.
#[derive(Debug, Parser)]
#[command(name = "diglot", version, about, after_help = exit_codes(PROVIDER_CODES, true))]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Read configuration from FILE instead of $XDG_CONFIG_HOME/diglot/config.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to use colour on stdout.
    #[arg(long, global = true, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Translate an article and print it beside the original.
    #[command(after_help = exit_codes(PROVIDER_CODES, true))]
    Translate(TranslateArgs),
    /// Write a bilingual brief: headline, key points and who is named, in both languages,
    /// every point citing its paragraphs.
    #[command(after_help = exit_codes(PROVIDER_CODES, true))]
    Brief(BriefArgs),
    /// Detect the language of an article (on this machine, no API).
    #[command(after_help = exit_codes(&[0, 1, 2, 3, 7], false))]
    Detect(DetectArgs),
    /// Re-run the fidelity checks on a saved `translate --format json` result (for CI);
    /// exits 6 when any check fails.
    #[command(after_help = exit_codes(&[0, 1, 2, 3, 6, 7], false))]
    Check(CheckArgs),
    /// List the names of a saved `translate --format json` result (and the brief's people and
    /// organisations) with their translations, as a glossary (CSV) to correct and reuse with
    /// --glossary.
    #[command(after_help = exit_codes(&[0, 1, 2, 3, 7], false))]
    Terms(TermsCommandArgs),
    /// Show the effective configuration, or write an example config file.
    #[command(after_help = exit_codes(&[0, 1, 2, 7], false))]
    Config(ConfigArgs),
    /// Print shell completions for bash, zsh or fish.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Run the built-in mock API (OpenAI-compatible) until interrupted.
    MockServer(MockServerArgs),
    /// Show or clear the on-disk cache of translations and briefs.
    Cache(CacheArgs),
    /// Show or cancel a job sent to a provider's batch API (`--batch-api --out-dir DIR`).
    #[command(after_help = exit_codes(&[0, 1, 2, 4, 5, 7], false))]
    Batch(BatchArgs),
}

/// `diglot cache`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: CacheAction,
}

/// `diglot cache stats|clear`.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CacheAction {
    /// Print the cache directory, its number of entries, their size and the size limit.
    Stats,
    /// Remove every cache entry, or those not used for a while.
    Clear {
        /// Remove only entries not used for AGE or longer (`30d`, `12h`, `2weeks`).
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        older_than: Option<std::time::Duration>,
    },
}

/// An age such as `30d`, `12h` or `2weeks`.
fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (try 30d, 12h or 2weeks)"))
}

/// Where the article comes from (`detect`).
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The article: a file, or `-` (or nothing) for stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Count footer boilerplate (newsletter, social, donation calls) as part of the article
    /// when deciding its language.
    #[arg(long)]
    pub keep_boilerplate: bool,
}

/// The articles `translate` and `brief` read: one, or many with `--out-dir`.
#[derive(Debug, Args)]
pub struct ArticlesArgs {
    /// The articles: a file, or `-` (or nothing) for stdin; with --out-dir, any number of files
    /// and directories (a directory gives its *.txt, *.md and *.text files, not recursively).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Translate footer boilerplate (newsletter, social, donation calls) too.
    #[arg(long)]
    pub keep_boilerplate: bool,
}

/// Where `translate` and `brief` write: stdout, one file, or one file per article.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write the output to FILE instead of stdout (one article; no colour; replaced whole or
    /// not at all; a link is followed, a device or FIFO written into; `-` is stdout).
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,

    /// Write one output per article into DIR (created if missing), named after the article
    /// with the format's extension (.txt, .json, .md). Articles whose output is already there
    /// are skipped, so re-running an interrupted batch does only what is missing.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// With --out-dir: redo articles whose output is already there.
    #[arg(long, requires = "out_dir")]
    pub force: bool,

    /// Estimates, batch APIs and batch files.
    #[command(flatten)]
    pub bulk: BulkArgs,
}

impl OutputArgs {
    /// Whether the output goes to files rather than stdout (so no colour, no terminal width).
    pub fn writes_files(&self) -> bool {
        let to_stdout = |file: &PathBuf| file.as_path() == std::path::Path::new("-");
        self.output.as_ref().is_some_and(|file| !to_stdout(file)) || self.out_dir.is_some()
    }
}

/// `diglot translate`.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The articles.
    #[command(flatten)]
    pub input: ArticlesArgs,

    /// Where the output goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Languages, provider and output.
    #[command(flatten)]
    pub options: TranslateOptions,

    /// Also write a bilingual brief, written at the same time as the translation and printed
    /// after it (JSON: a "brief" field).
    #[arg(long)]
    pub brief: bool,

    /// How the brief is written (with --brief).
    #[command(flatten)]
    pub brief_options: BriefOptions,

    /// Exit 6 when any fidelity check fails (numbers, quotations, untranslated leftovers,
    /// length, empty, glossary terms, names translated two ways), after printing everything.
    #[arg(long)]
    pub strict: bool,

    /// Align by paragraph, or by sentence: each sentence (or run of sentences the translation
    /// merged) beside its translation [default: paragraph; sentence with --layout interlinear].
    #[arg(long, value_name = "UNIT")]
    pub align: Option<crate::ingest::sentence::Align>,

    /// Glossaries and context.
    #[command(flatten)]
    pub terms: TermsArgs,
}

/// How `translate` keeps names and terms consistent.
#[derive(Debug, Args)]
pub struct TermsArgs {
    /// A glossary: CSV or TSV whose header names the two languages (`de,en`), one term and
    /// its required translation a row. Repeatable; replaces the config's `glossary`.
    #[arg(long, value_name = "FILE")]
    pub glossary: Vec<PathBuf>,

    /// Send each chunk without the source text before it (the headline and the previous
    /// paragraph, sent as context by default).
    #[arg(long)]
    pub no_context: bool,
}

/// `diglot check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The saved result of `diglot translate --format json`, or `-` for stdin.
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,

    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: CheckFormat,

    /// Also check the glossary terms of FILE (repeatable): a term of a paragraph must come out
    /// as the glossary says.
    #[arg(long, value_name = "FILE")]
    pub glossary: Vec<PathBuf>,
}

/// `diglot terms`.
#[derive(Debug, Args)]
pub struct TermsCommandArgs {
    /// The saved result of `diglot translate --format json`, or `-` for stdin.
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,
}

/// `diglot check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line per failed check (`! ¶3 number missing: 30`), or that all pass.
    Text,
    /// `{"paragraphs": N, "checks": [...]}`.
    Json,
    /// A `## Checks` list.
    Markdown,
    /// The same as text.
    #[value(hide = true)]
    Html,
}

impl From<CheckFormat> for Format {
    fn from(format: CheckFormat) -> Format {
        match format {
            CheckFormat::Text => Format::Text,
            CheckFormat::Json => Format::Json,
            CheckFormat::Markdown => Format::Markdown,
            CheckFormat::Html => Format::Html,
        }
    }
}

/// `diglot detect --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetectFormat {
    /// `de German 0.99`, then with --paragraphs one line each (`¶1 de 0.98`).
    Text,
    /// `{"language": "de", "confidence": 0.99}`, with a `paragraphs` array on request.
    Json,
    /// The same as text.
    #[value(hide = true)]
    Markdown,
    /// The same as text.
    #[value(hide = true)]
    Html,
}

impl From<DetectFormat> for Format {
    fn from(format: DetectFormat) -> Format {
        match format {
            DetectFormat::Text => Format::Text,
            DetectFormat::Json => Format::Json,
            DetectFormat::Markdown => Format::Markdown,
            DetectFormat::Html => Format::Html,
        }
    }
}

/// `diglot brief`.
#[derive(Debug, Args)]
pub struct BriefArgs {
    /// The articles.
    #[command(flatten)]
    pub input: ArticlesArgs,

    /// Where the output goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Languages, provider and output.
    #[command(flatten)]
    pub options: TranslateOptions,

    /// How the brief is written.
    #[command(flatten)]
    pub brief_options: BriefOptions,

    /// Print only the target-language brief (text and markdown), for pasting into a report.
    #[arg(long)]
    pub only_target: bool,
}

/// The flags `translate` and `brief` share: languages, provider and output.
#[derive(Debug, Args)]
pub struct TranslateOptions {
    /// Source language (ISO 639-1), instead of detecting it.
    #[arg(long, value_name = "LANG")]
    pub from: Option<LanguageCode>,

    /// What the run uses: target language, provider, limits, width.
    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Print a usage summary (requests, retries, cache hits, characters, tokens) on stderr.
    #[arg(short, long)]
    pub verbose: bool,

    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,

    /// Text layout: columns side by side, stacked, or interlinear (each sentence above its
    /// translation); auto stacks below 80 columns (interlinear when aligned by sentence).
    #[arg(long, value_name = "LAYOUT", default_value = "auto")]
    pub layout: Layout,
}

/// The flags that choose what a run uses, shared by `translate`, `brief` and `config` (which
/// shows what a run with them would use).
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Target language (ISO 639-1). Default: English, or German for an English article.
    #[arg(long, value_name = "LANG")]
    pub to: Option<LanguageCode>,

    /// Provider profile or kind: openai, ollama, anthropic, deepl, libretranslate, mock, or a
    /// [providers.NAME] from the config.
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,

    /// Base URL of the API (e.g. http://localhost:11434/v1).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Model name.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,

    /// Seconds the whole run may take, retries and waits included (at least 1) [default: no
    /// limit]. One request's limit is the profile's `timeout` (default 600).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// Requests sent at the same time [default: 4].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: Option<u32>,

    /// Neither read nor write the on-disk cache of translations and briefs.
    #[arg(long)]
    pub no_cache: bool,

    /// Output width in columns [default: the terminal's, 100 when not a terminal].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,

    /// When output on a terminal goes through a pager ($DIGLOT_PAGER, $PAGER, less): auto
    /// when it is taller than the terminal [default: auto; never when stdout is not a
    /// terminal].
    #[arg(long, value_name = "WHEN")]
    pub paging: Option<crate::render::pager::Paging>,
}

/// How a brief is written.
#[derive(Debug, Args)]
pub struct BriefOptions {
    /// Key points in the brief (3 to 7).
    #[arg(long, value_name = "N", default_value_t = crate::brief::DEFAULT_POINTS,
          value_parser = clap::value_parser!(u8).range(
              i64::from(crate::brief::MIN_POINTS)..=i64::from(crate::brief::MAX_POINTS)))]
    pub points: u8,

    /// Provider profile for the brief [default: the translation's].
    #[arg(long, value_name = "NAME")]
    pub brief_provider: Option<String>,
}

/// `diglot detect`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// The article.
    #[command(flatten)]
    pub input: InputArgs,

    /// Also show each paragraph's language.
    #[arg(long)]
    pub paragraphs: bool,

    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: DetectFormat,
}

/// `diglot config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// What to do; without one, `show`.
    #[command(subcommand)]
    pub action: Option<ConfigAction>,

    /// Show what a run with these flags would use.
    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Provider profile for the brief [default: the translation's].
    #[arg(long, value_name = "NAME")]
    pub brief_provider: Option<String>,
}

/// `diglot config show|init`.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ConfigAction {
    /// Print each resolved value and where it came from (secrets redacted).
    Show,
    /// Write a commented example config (every kind, every key) to the config path; never
    /// overwrites an existing file.
    Init,
}

/// `diglot completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Shells diglot writes completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// GNU Bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
}

/// `diglot mock-server`.
#[derive(Debug, Args)]
pub struct MockServerArgs {
    /// Address to listen on; port 0 lets the OS choose.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub addr: std::net::SocketAddr,

    /// Delay every answer by N milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,

    /// Generate replies at R characters per second per request, after the latency, as a hosted
    /// model does (0: at once). Requests in parallel are generated in parallel.
    #[arg(long, value_name = "R", default_value_t = 0)]
    pub chars_per_sec: u32,

    /// Inject a fault: KIND or KIND:TIMES (429, 500, 401, 403, 456, not-json, fenced, missing,
    /// truncated, length, escape; crafted translations that the fidelity checks catch,
    /// translation requests only: drop-number, untranslated, truncate-paragraph, invisible
    /// (translations of invisible characters only), huge-word (a translation ending in a
    /// one-million-letter word); hostile servers: endless-body (a 200 whose body never ends),
    /// huge-body (a 64 MiB body), escape-error (a 400 whose message holds terminal escapes);
    /// for brief requests only: brief-bad-ref, brief-wrong-language, brief-malformed,
    /// brief-empty, brief-number, brief-field-names, brief-all-paragraphs, brief-duplicate,
    /// brief-one-word, brief-entity-uncited, brief-unattributed; for sentence requests only
    /// (--align sentence): drop-sentence, merge-sentences, sentence-order; names and terms,
    /// translation requests only: ignore-glossary (glossary entries left untranslated),
    /// name-drift (every second request respells the names it keeps)). Repeatable; faults are
    /// used up in order.
    #[arg(long, value_name = "KIND[:N]")]
    pub fault: Vec<Fault>,

    /// Behave as a real server or model does (repeatable): llama-cpp-python (500 for
    /// json_schema), lm-studio (400 for json_object), deepseek (json_object only, a first empty
    /// answer), groq (400 for json_schema), openai-reasoning (400 for max_tokens and unknown
    /// parameters), think (`<think>` blocks), reasoning-length (thinks its budget away unless
    /// thinking is off), ignores-format (prose and fences), loop (the first answer loops),
    /// no-stream (never streams).
    #[arg(long, value_name = "NAME")]
    pub emulate: Vec<crate::mock::Emulation>,

    /// Record a real API for CI: pass every request on to --upstream, its answer back
    /// unchanged (streams too), and write each exchange into DIR as a cassette (keys and auth
    /// headers never written). Replay them with --cassettes DIR.
    #[arg(
        long,
        value_name = "DIR",
        requires = "upstream",
        conflicts_with_all = ["cassettes", "fault", "emulate", "chars_per_sec"]
    )]
    pub record: Option<std::path::PathBuf>,

    /// The real API --record passes requests on to: its root (`http://127.0.0.1:8080`,
    /// `https://api-free.deepl.com`) or an OpenAI-style base URL ending in /v1.
    #[arg(long, value_name = "URL", requires = "record")]
    pub upstream: Option<crate::mock::Upstream>,

    /// Replay the cassettes in DIR (recorded with --record, or written by hand) before the
    /// built-in ones: a recorded request gets its recorded answer as it was, and any other
    /// paragraph its recorded translation.
    #[arg(long, value_name = "DIR")]
    pub cassettes: Option<std::path::PathBuf>,

    /// Seconds a batch (OpenAI's /v1/batches, Anthropic's /v1/messages/batches) takes before
    /// it ends and its requests are answered (0: at the first look).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub batch_seconds: u64,

    /// Inject a batch fault, one batch each in the order batches are created: KIND or KIND:N
    /// (expire and cancel: half of the requests answered, the rest expired or cancelled; fail:
    /// the batch fails as a whole; line-500: its last request fails with a server error;
    /// line-400: its first request is refused). Repeatable.
    #[arg(long, value_name = "KIND[:N]")]
    pub batch_fault: Vec<crate::mock::BatchFault>,
}
