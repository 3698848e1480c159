//! The subcommands: one file each, every one a straight line through the stages. `run`
//! dispatches; help-like commands answer before any configuration is read; the others turn
//! their flags into [`Flags`], resolve [`Settings`] once, and hand plain data down. `main`
//! prints the [`Outcome`] and picks the exit code.
//!
//! `translate` and `brief` share the article flow (`article/`), which is built from resolved
//! settings, not from clap types, and [`deliver`], which writes one article to stdout or
//! `-o FILE`, or many into `--out-dir` through [`crate::batch`].

mod article;
mod brief;
mod cache;
mod check;
mod completions;
mod config;
mod deliver;
mod detect;
mod dry_run;
mod engine;
mod in_order;
mod man;
mod mock_server;
mod progressive;
mod terms;
mod translate;

use crate::cli::{
    BriefOptions, Cli, Command, ConfigAction, ConfigArgs, OutputArgs, SelectionArgs,
    TranslateOptions,
};
use crate::config::{Env, Flags, LoadedFile, Settings, Terminal};
use crate::error::Error;
use crate::ingest::Document;
use crate::input::Source;

pub use completions::complete_if_asked;
pub use mock_server::mock_server;

/// What a successful run produced, for `main` to write.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The rendered result for stdout.
    pub output: Vec<u8>,
    /// Non-fatal notes for stderr.
    pub warnings: Vec<String>,
    /// An error that ends the run only after `output` is printed (`--strict` fidelity checks).
    pub error_after_output: Option<Error>,
    /// Information for stderr: a batch's summary, the usage with `-v`.
    pub notes: Vec<String>,
}

impl Outcome {
    /// Output with no warnings.
    fn of(output: Vec<u8>) -> Outcome {
        Outcome {
            output,
            ..Outcome::default()
        }
    }
}

/// Runs one subcommand (all but `mock-server`, which `main` drives through [`mock_server()`]).
/// `exit_code` is `main`'s mapping of an error to its exit code, for output that states the
/// status a run ends with (jsonl's `end` record).
pub fn run(
    cli: &Cli,
    env: &Env,
    terminal: Terminal,
    exit_code: fn(&Error) -> u8,
) -> Result<Outcome, Error> {
    // Help-like commands answer before any config is read.
    match &cli.command {
        Command::Completions(args) => return Ok(completions::run(args.shell)),
        Command::Man => return man::run(),
        Command::Config(ConfigArgs {
            action: Some(ConfigAction::Init),
            ..
        }) => return config::init(cli.config.as_deref(), env),
        Command::Cache(args) => return cache::run(args.action, env, cli.config.as_deref()),
        _ => {}
    }
    let file = LoadedFile::load(cli.config.as_deref(), env)?;
    let warnings = file.warnings();
    let (flags, writes_files) = match &cli.command {
        Command::Translate(args) => {
            let (flags, writes_files) =
                article_flags(&args.options, &args.brief_options, &args.output, cli);
            let flags = Flags {
                align: args.align,
                glossary: args.terms.glossary.clone(),
                no_context: args.terms.no_context,
                ..flags
            };
            (flags, writes_files)
        }
        Command::Brief(args) => {
            article_flags(&args.options, &args.brief_options, &args.output, cli)
        }
        Command::Batch(args) => {
            let job = match &args.action {
                crate::cli::BatchAction::Status(job) | crate::cli::BatchAction::Cancel(job) => job,
            };
            (flags_of(&job.selection, None, cli), false)
        }
        // `config` previews what a run with the same flags would use.
        Command::Config(args) => (
            flags_of(&args.selection, args.brief_provider.clone(), cli),
            false,
        ),
        _ => (
            Flags {
                color: cli.color,
                ..Flags::default()
            },
            false,
        ),
    };
    // Output files get no colour and no terminal width: they are read later, elsewhere.
    let terminal = if writes_files {
        Terminal {
            stdout_is_tty: false,
            width: None,
            ..terminal
        }
    } else {
        terminal
    };
    let settings = Settings::resolve(&flags, env, file, terminal)?;
    let mut outcome = match &cli.command {
        Command::Translate(args) => translate::run(args, settings, exit_code),
        Command::Brief(args) => brief::run(args, settings, exit_code),
        Command::Detect(args) => detect::run(args, settings.max_article_bytes.value),
        Command::Check(args) => check::run(args, settings.max_article_bytes.value),
        Command::Batch(args) => engine::batch_command(args, settings),
        Command::Terms(args) => terms::run(args, settings.max_article_bytes.value),
        // `main` runs the mock server through [`mock_server`] to announce its address first;
        // here it serves without a banner.
        Command::MockServer(args) => {
            mock_server(args, |_| Ok(()), |_| {}).map(|()| Outcome::default())
        }
        // `config` (show); completions, man, `cache` and `config init` returned above.
        Command::Config(_) | Command::Completions(_) | Command::Man | Command::Cache(_) => {
            Ok(config::show(&settings))
        }
    }?;
    outcome.warnings.splice(0..0, warnings);
    Ok(outcome)
}

/// The flags of `translate` or `brief`, and whether they write files.
fn article_flags(
    options: &TranslateOptions,
    brief: &BriefOptions,
    output: &OutputArgs,
    cli: &Cli,
) -> (Flags, bool) {
    let flags = Flags {
        verbose: options.verbose,
        // A dry run sends nothing: no key is needed, and no key command runs.
        run_key_command: !output.bulk.dry_run,
        ..flags_of(&options.selection, brief.brief_provider.clone(), cli)
    };
    (flags, output.writes_files())
}

/// The command-line layer of the settings, from the flags `translate`, `brief` and `config`
/// share. They all use (or show) the provider, so a profile's `api_key_cmd` runs.
fn flags_of(selection: &SelectionArgs, brief_provider: Option<String>, cli: &Cli) -> Flags {
    Flags {
        provider: selection.provider.clone(),
        brief_provider,
        base_url: selection.base_url.clone(),
        model: selection.model.clone(),
        timeout: selection.timeout,
        no_cache: selection.no_cache,
        verbose: false,
        jobs: selection.jobs,
        to: selection.to,
        width: selection.width,
        color: cli.color,
        align: None,
        paging: selection.paging,
        run_key_command: true,
        glossary: Vec::new(),
        no_context: false,
    }
}

/// Reads and ingests one article of at most `max_bytes`.
fn read_document(source: &Source, max_bytes: u64) -> Result<Document, Error> {
    let bytes = crate::input::read(source, crate::input::Limit::article(max_bytes))?;
    crate::ingest::ingest(&bytes).map_err(|error| Error::Ingest {
        source_name: source.clone(),
        error,
    })
}

/// Renders into a buffer with `render`.
fn rendered(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Vec<u8>, Error> {
    let mut output = Vec::new();
    render(&mut output).map_err(Error::Render)?;
    Ok(output)
}

/// Runs `future` on a current-thread runtime; Ctrl-C ends it with [`Error::Interrupted`].
fn block_on_interruptible<T>(
    future: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    runtime()?.block_on(async {
        tokio::select! {
            result = future => result,
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
        }
    })
}

/// A current-thread runtime: the work is waiting on the network, and CPU work (detection, the
/// checks) runs in `spawn_blocking`.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)
}
