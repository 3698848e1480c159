//! The subcommands, each a straight line through the stages: resolve settings, read and ingest,
//! detect, translate, verify, render into a buffer. `main` prints the buffer and the warnings
//! and picks the exit code.
//!
//! `translate` and `brief` resolve their providers and flags once into an `article::Task`,
//! then `deliver` it: one article to stdout or `-o FILE`, or many into `--out-dir` through
//! [`crate::batch`]. The work done to one article lives in `command/article.rs`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;

use crate::batch::{self, BatchPlanError};
use crate::cli::{
    ArticlesArgs, BriefArgs, BriefOptions, CacheAction, CheckArgs, Cli, Command, ConfigAction,
    ConfigArgs, DetectArgs, MockServerArgs, OutputArgs, TranslateArgs, TranslateOptions,
};
use crate::config::{
    ConfigError, Env, Flags, LoadedFile, ProviderSettings, Settings, Terminal, check_brief_capable,
};
use crate::detect::Detector;
use crate::error::{Error, InputError};
use crate::ingest::{Document, Paragraph, ingest};
use crate::mock::{MockOptions, MockServer};
use crate::output::write_atomic;
use crate::prompt::Prompts;
use crate::render::{self, Format, Style};
use crate::report::{DetectionReport, ParagraphDetection, Report};
use crate::verify::fidelity::ChecksFailed;

mod article;

pub use article::KEEP_IF_ALREADY_TARGET;
use article::{Ready, Session, Task, TaskKind, prepare, process};

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
    pub fn of(output: Vec<u8>) -> Outcome {
        Outcome {
            output,
            ..Outcome::default()
        }
    }
}

/// Runs one subcommand (all but `mock-server`, which `main` drives through [`mock_server`]).
pub fn run(cli: &Cli, env: &Env, terminal: Terminal) -> Result<Outcome, Error> {
    // Help-like commands answer before any config is read.
    match &cli.command {
        Command::Completions(args) => {
            return Ok(Outcome::of(crate::manual::completions(args.shell)));
        }
        Command::Man => {
            return crate::manual::man_page()
                .map(Outcome::of)
                .map_err(write_error);
        }
        Command::Config(ConfigArgs {
            action: Some(ConfigAction::Init),
        }) => {
            return crate::manual::config_init(cli.config.as_deref(), env);
        }
        Command::Cache(args) => return cache_command(args.action, env),
        _ => {}
    }
    let file = LoadedFile::load(cli.config.as_deref(), env)?;
    let warnings = file.warnings();
    let flags = match &cli.command {
        Command::Translate(args) => flags_of(&args.options, &args.brief_options, cli),
        Command::Brief(args) => flags_of(&args.options, &args.brief_options, cli),
        _ => Flags {
            color: cli.color,
            ..Flags::default()
        },
    };
    // Output files get no colour and no terminal width: they are read later, elsewhere.
    let terminal = if writes_files(&cli.command) {
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
        Command::Translate(args) => translate(args, settings),
        Command::Brief(args) => brief(args, settings),
        Command::Detect(args) => detect(args),
        Command::Check(args) => check(args),
        Command::MockServer(_) => Err(Error::Io {
            what: "run the mock server here".to_owned(),
            source: std::io::Error::other("`mock-server` runs through diglot::mock_server"),
        }),
        // `config` (show); completions, man, `cache` and `config init` returned above.
        Command::Config(_) | Command::Completions(_) | Command::Man | Command::Cache(_) => {
            Ok(Outcome::of(settings.describe().into_bytes()))
        }
    }?;
    outcome.warnings.splice(0..0, warnings);
    Ok(outcome)
}

fn writes_files(command: &Command) -> bool {
    match command {
        Command::Translate(args) => args.output.writes_files(),
        Command::Brief(args) => args.output.writes_files(),
        _ => false,
    }
}

/// The command-line layer of the settings, from the flags `translate` and `brief` share.
fn flags_of(options: &TranslateOptions, brief: &BriefOptions, cli: &Cli) -> Flags {
    Flags {
        provider: options.provider.clone(),
        brief_provider: brief.brief_provider.clone(),
        base_url: options.base_url.clone(),
        model: options.model.clone(),
        timeout: options.timeout,
        no_cache: options.no_cache,
        verbose: options.verbose,
        jobs: options.jobs,
        to: options.to,
        width: options.width,
        color: cli.color,
    }
}

/// The bytes of `path`, or of stdin for `-`.
fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    } else {
        std::fs::read(path)
    }
    .map_err(|source| {
        InputError::Read {
            path: path.to_owned(),
            source,
        }
        .into()
    })
}

/// Reads and ingests one article; `-` is stdin.
fn read_input(path: &Path) -> Result<Document, Error> {
    let bytes = read_bytes(path)?;
    let document = ingest(&bytes).map_err(|source| InputError::Ingest {
        path: path.to_owned(),
        source,
    })?;
    Ok(document)
}

fn detect(args: &DetectArgs) -> Result<Outcome, Error> {
    let path = args.input.file.as_deref().unwrap_or(Path::new("-"));
    let document = read_input(path)?;
    let all: Vec<&Paragraph> = document
        .paragraphs
        .iter()
        .chain(&document.boilerplate)
        .collect();
    let body: Vec<&str> = document
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    let detector = Detector::new();
    let detection = detector.detect_document(&body);
    if let Some((language, share)) = detection.unsupported() {
        return Err(InputError::Unsupported { language, share }.into());
    }
    let paragraphs = args.paragraphs.then(|| {
        all.iter()
            .enumerate()
            .map(|(i, p)| {
                let d = detection
                    .paragraphs
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| detector.detect(&p.text));
                ParagraphDetection {
                    id: p.id,
                    language: d.language,
                    confidence: d.confidence,
                    boilerplate: i >= document.paragraphs.len(),
                }
            })
            .collect()
    });
    let report = DetectionReport {
        language: detection.document.language,
        confidence: detection.document.confidence,
        paragraphs,
    };
    let mut output = Vec::new();
    render::detection(&report, args.format, &mut output).map_err(write_error)?;
    Ok(Outcome::of(output))
}

fn write_error(source: std::io::Error) -> Error {
    Error::Io {
        what: "render the output".to_owned(),
        source,
    }
}

/// The provider for briefs (the one named for briefs, else the translation's), checked for the
/// capability before anything is read or sent.
fn brief_provider(
    named: Option<Result<ProviderSettings, ConfigError>>,
    translation: &ProviderSettings,
    prompts: &Prompts,
) -> Result<ProviderSettings, Error> {
    let provider = match named {
        Some(named) => named?,
        None => translation.clone(),
    };
    let placeholder = "http://127.0.0.1/v1".to_owned();
    let base_url = provider
        .base_url
        .as_ref()
        .map_or(placeholder, |u| u.value.clone());
    let protocol = crate::provider::protocol_for(&provider, base_url, prompts.clone());
    check_brief_capable(&provider, protocol.capabilities())?;
    Ok(provider)
}

/// Text style; output files never get colour, whatever `--color` says.
fn style_of(options: &TranslateOptions, settings: &Settings, output: &OutputArgs) -> Style {
    Style {
        color: settings.color.value && !output.writes_files(),
        width: settings.width.value,
        layout: options.layout,
        date: settings.date,
    }
}

fn brief(args: &BriefArgs, mut settings: Settings) -> Result<Outcome, Error> {
    let translation = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let prompts = Prompts::load(settings.prompts_dir.as_deref())?;
    let provider = brief_provider(settings.brief_provider.take(), &translation, &prompts)?;
    let kind = TaskKind::Brief {
        points: args.brief_options.points,
        only_target: args.only_target,
    };
    let task = Task::new(
        kind,
        prompts,
        (&provider, None),
        (&args.options, &args.input, &args.output),
        &settings,
    );
    deliver(task, (provider, None), &args.input, &args.output, &settings)
}

fn translate(args: &TranslateArgs, mut settings: Settings) -> Result<Outcome, Error> {
    let provider = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let prompts = Prompts::load(settings.prompts_dir.as_deref())?;
    let brief_provider = if args.brief {
        Some(brief_provider(
            settings.brief_provider.take(),
            &provider,
            &prompts,
        )?)
    } else {
        None
    };
    let kind = TaskKind::Translate {
        brief_points: args.brief.then_some(args.brief_options.points),
        strict: args.strict,
    };
    let task = Task::new(
        kind,
        prompts,
        (&provider, brief_provider.as_ref()),
        (&args.options, &args.input, &args.output),
        &settings,
    );
    deliver(
        task,
        (provider, brief_provider),
        &args.input,
        &args.output,
        &settings,
    )
}

/// Runs `task` on the articles and writes where the flags say: one article to stdout or to
/// `-o FILE`, or a batch into `--out-dir`. Usage errors come before anything is read.
fn deliver(
    task: Task,
    (main, brief): (ProviderSettings, Option<ProviderSettings>),
    input: &ArticlesArgs,
    output: &OutputArgs,
    settings: &Settings,
) -> Result<Outcome, Error> {
    if let Some(dir) = &output.out_dir {
        let articles = batch::articles(&input.files)?;
        let plan = batch::plan(articles, dir, extension(task.format), output.force)?;
        return run_batch(task, (main, brief), plan, dir, settings);
    }
    let path = match input.files.as_slice() {
        [] => Path::new("-"),
        [one] if one.is_dir() => {
            return Err(BatchPlanError::DirectoryWithoutOutDir { path: one.clone() }.into());
        }
        [one] => one.as_path(),
        several if output.output.is_some() => {
            return Err(BatchPlanError::SeveralToOneFile {
                count: several.len(),
            }
            .into());
        }
        several => {
            return Err(BatchPlanError::SeveralWithoutOutDir {
                count: several.len(),
            }
            .into());
        }
    };
    if let Some(file) = &output.output
        && batch::is_same_file(path, file)
    {
        return Err(BatchPlanError::OutputIsInput {
            path: path.to_owned(),
        }
        .into());
    }
    let rendered = match prepare(path, &task)? {
        Ready::Cached(rendered) => rendered,
        fresh => {
            let progress = match task.kind {
                TaskKind::Translate { .. } => crate::pipeline::progress_bar(
                    settings.progress,
                    0,
                    &format!("translating with {}", main.name.value),
                ),
                TaskKind::Brief { .. } => ProgressBar::hidden(),
            };
            block_on_interruptible(async {
                let session = Session::open(main, brief, &task.prompts, &task.run).await?;
                process(&task, &session, fresh, progress).await
            })?
        }
    };
    let outcome = Outcome {
        output: Vec::new(),
        warnings: rendered.warnings,
        error_after_output: rendered.failed.map(Error::from),
        notes: rendered.notes,
    };
    match &output.output {
        None => Ok(Outcome {
            output: rendered.output,
            ..outcome
        }),
        Some(file) => {
            crate::output::remove_stale_temps_of(file);
            write_atomic(file, &rendered.output).map_err(|source| Error::Io {
                what: format!("write '{}'", file.display()),
                source,
            })?;
            Ok(outcome)
        }
    }
}

/// The output file extension for `format`.
fn extension(format: Format) -> &'static str {
    match format {
        Format::Text => "txt",
        Format::Json => "json",
        Format::Markdown => "md",
        Format::Html => "html",
    }
}

/// A batch: every article of `plan` concurrently (up to `--jobs` at once, sharing one client
/// and its `--jobs` requests), each output written the moment it is done.
fn run_batch(
    task: Task,
    (main, brief): (ProviderSettings, Option<ProviderSettings>),
    plan: batch::Plan,
    dir: &Path,
    settings: &Settings,
) -> Result<Outcome, Error> {
    batch::prepare_out_dir(dir)?;
    let jobs = settings.jobs.value;
    let what = match task.kind {
        TaskKind::Translate { .. } => format!("translating with {}", main.name.value),
        TaskKind::Brief { .. } => "writing briefs".to_owned(),
    };
    let report = if plan.todo.is_empty() {
        // Everything is done already: no provider is needed.
        batch::BatchError::all_skipped(plan.skipped)
    } else {
        let mut progress = batch::Progress::new(settings.progress, plan.todo.len(), &what);
        runtime()?.block_on(async {
            let session = Arc::new(Session::open(main, brief, &task.prompts, &task.run).await?);
            let task = Arc::new(task);
            let work = |path: PathBuf, bar: ProgressBar| {
                let (task, session) = (Arc::clone(&task), Arc::clone(&session));
                async move {
                    let prepared = {
                        let task = Arc::clone(&task);
                        tokio::task::spawn_blocking(move || prepare(&path, &task))
                            .await
                            .map_err(|e| Error::Io {
                                what: "read an article".to_owned(),
                                source: std::io::Error::other(e.to_string()),
                            })??
                    };
                    let paragraphs = prepared.paragraphs();
                    let rendered = process(&task, &session, prepared, bar).await?;
                    // With --strict a failed check fails the article, and its output is not
                    // written: a re-run must not skip it as done.
                    match rendered.failed {
                        Some(failed) => Err(failed.into()),
                        None => Ok(batch::Done {
                            output: rendered.output,
                            paragraphs,
                        }),
                    }
                }
            };
            Ok::<_, Error>(batch::run(plan, jobs as usize, &mut progress, work).await)
        })?
    };
    if report.is_success() {
        Ok(Outcome {
            notes: vec![report.summary()],
            ..Outcome::default()
        })
    } else {
        Err(report.into())
    }
}

/// `diglot check`: reads a saved `--format json` translation, runs the fidelity checks again
/// (the saved `checks` are ignored) and prints what failed; any failure ends in exit 6.
fn check(args: &CheckArgs) -> Result<Outcome, Error> {
    let path = args.file.clone();
    let bytes = read_bytes(&path)?;
    let mut report: Report =
        serde_json::from_slice(&bytes).map_err(|source| InputError::NotAResult { path, source })?;
    report.checks = crate::verify::fidelity::check(
        &report.paragraphs,
        report.source.language,
        report.target.language,
        &Detector::new(),
    );
    let mut output = Vec::new();
    render::checks(&report, args.format, &mut output).map_err(write_error)?;
    Ok(Outcome {
        output,
        error_after_output: ChecksFailed::of(&report.checks).map(Error::from),
        ..Outcome::default()
    })
}

/// `diglot cache stats|clear`, on the cache directory the environment names.
fn cache_command(action: CacheAction, env: &Env) -> Result<Outcome, Error> {
    let Some(dir) = env.cache_dir() else {
        return Err(Error::Io {
            what: "find the cache directory".to_owned(),
            source: std::io::Error::other("set HOME, XDG_CACHE_HOME or DIGLOT_CACHE_DIR"),
        });
    };
    let io = |what: &str| {
        let what = format!("{what} the cache in '{}'", dir.display());
        move |source| Error::Io { what, source }
    };
    let text = match action {
        CacheAction::Stats => {
            let stats = crate::cache::stats(&dir).map_err(io("read"))?;
            format!(
                "cache:   {}\nentries: {}\nbytes:   {}\n",
                dir.display(),
                stats.entries,
                stats.bytes
            )
        }
        CacheAction::Clear => {
            let removed = crate::cache::clear(&dir).map_err(io("clear"))?;
            format!("removed {removed} cache entries from {}\n", dir.display())
        }
    };
    Ok(Outcome::of(text.into_bytes()))
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

/// A current-thread runtime: the work is waiting on the network, and detection runs in
/// `spawn_blocking`.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            what: "start the async runtime".to_owned(),
            source,
        })
}

/// `diglot mock-server`: binds, calls `announce` with the base URL once listening, and serves
/// until Ctrl-C.
pub fn mock_server(
    args: &MockServerArgs,
    announce: impl FnOnce(&str) -> std::io::Result<()>,
) -> Result<(), Error> {
    let options = MockOptions {
        latency: std::time::Duration::from_millis(args.latency_ms),
        faults: args.fault.clone(),
        chars_per_sec: args.chars_per_sec,
    };
    let serve = async {
        let server = MockServer::start(args.addr, options)
            .await
            .map_err(|source| Error::Io {
                what: format!("listen on {}", args.addr),
                source,
            })?;
        announce(&format!("http://{}", server.addr())).map_err(|source| Error::Io {
            what: "print the address".to_owned(),
            source,
        })?;
        server.wait().await.map_err(|source| Error::Io {
            what: "serve the mock API".to_owned(),
            source,
        })
    };
    match block_on_interruptible(serve) {
        Err(Error::Interrupted) => Ok(()),
        other => other,
    }
}
