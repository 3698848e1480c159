//! The subcommands, each a straight line through the stages: resolve settings, read and ingest,
//! detect, translate, verify, render into a buffer. `main` prints the buffer and the warnings
//! and picks the exit code.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;

use crate::batch::{self, BatchPlanError};
use crate::brief::{Brief, BriefInput};
use crate::cli::{
    ArticlesArgs, BriefArgs, BriefOptions, Cli, Command, ConfigAction, ConfigArgs, DetectArgs,
    MockServerArgs, OutputArgs, TranslateArgs, TranslateOptions,
};
use crate::config::{
    ConfigError, Env, Flags, LoadedFile, ProviderSettings, Settings, Terminal, check_brief_capable,
};
use crate::detect::{Detector, DocumentDetection};
use crate::error::{Error, InputError};
use crate::ingest::{Document, Paragraph, ingest};
use crate::language::LanguageCode;
use crate::mock::{MockOptions, MockServer};
use crate::output::write_atomic;
use crate::pipeline::Pipeline;
use crate::prompt::Prompts;
use crate::provider::transport::Transport;
use crate::render::{self, Format, Style};
use crate::report::{
    BriefReport, DetectionReport, ParagraphDetection, ParagraphPair, ProviderInfo, Report,
    SourceInfo, TargetInfo, Usage,
};

/// A paragraph detected in the target language with at least this confidence is kept as it is
/// instead of being sent: translating English into English only costs money and risks drift.
pub const KEEP_IF_ALREADY_TARGET: f64 = 0.9;

/// What a successful run produced, for `main` to write.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The rendered result for stdout.
    pub output: Vec<u8>,
    /// Non-fatal notes for stderr.
    pub warnings: Vec<String>,
    /// What was done, for stderr (a batch's summary), when stdout is not the output.
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
        Command::MockServer(_) => Err(Error::Io {
            what: "run the mock server here".to_owned(),
            source: std::io::Error::other("`mock-server` runs through diglot::mock_server"),
        }),
        // `config` (show); completions, man and `config init` returned above.
        Command::Config(_) | Command::Completions(_) | Command::Man => {
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
        jobs: options.jobs,
        to: options.to,
        width: options.width,
        color: cli.color,
    }
}

/// Reads and ingests one article; `-` is stdin.
fn read_input(path: &Path) -> Result<Document, Error> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    } else {
        std::fs::read(path)
    }
    .map_err(|source| InputError::Read {
        path: path.to_owned(),
        source,
    })?;
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

/// The paragraphs of one translation run and what detection said of each.
struct Prepared {
    paragraphs: Vec<Paragraph>,
    boilerplate: Vec<String>,
    detection: DocumentDetection,
    source: SourceInfo,
    target: LanguageCode,
}

/// Reads, ingests and detects one article (`-` is stdin) and decides the direction.
fn prepare(path: &Path, task: &Task) -> Result<Prepared, Error> {
    let (keep_boilerplate, from, to) = (task.keep_boilerplate, task.from, task.to);
    let document = read_input(path)?;
    let Document {
        mut paragraphs,
        boilerplate,
        ..
    } = document;
    let boilerplate = if keep_boilerplate {
        paragraphs.extend(boilerplate);
        Vec::new()
    } else {
        boilerplate.into_iter().map(|p| p.text).collect()
    };
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    let detection = Detector::new().detect_document(&texts);
    let source = match (from, detection.document.language) {
        (Some(forced), _) => SourceInfo {
            language: forced,
            confidence: detection.share(forced),
            forced: true,
        },
        (None, Some(language)) => SourceInfo {
            language,
            confidence: detection.document.confidence,
            forced: false,
        },
        (None, None) => {
            return Err(InputError::Undecidable {
                confidence: detection.document.confidence,
            }
            .into());
        }
    };
    let target = to.unwrap_or(if source.language == LanguageCode::EN {
        LanguageCode::DE
    } else {
        LanguageCode::EN
    });
    if target == source.language {
        return Err(Error::SameLanguage { language: target });
    }
    Ok(Prepared {
        paragraphs,
        boilerplate,
        detection,
        source,
        target,
    })
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

fn provider_info(provider: &ProviderSettings) -> ProviderInfo {
    ProviderInfo {
        name: provider.name.value.clone(),
        model: provider.model.value.clone(),
    }
}

/// Text style; output files never get colour, whatever `--color` says.
fn style_of(options: &TranslateOptions, settings: &Settings, output: &OutputArgs) -> Style {
    Style {
        color: settings.color.value && !output.writes_files(),
        width: settings.width.value,
        layout: options.layout,
    }
}

/// What `translate` or `brief` does to each article, resolved once for all of them.
struct Task {
    kind: TaskKind,
    prompts: Prompts,
    from: Option<LanguageCode>,
    to: Option<LanguageCode>,
    keep_boilerplate: bool,
    format: Format,
    style: Style,
}

impl Task {
    fn new(
        kind: TaskKind,
        prompts: Prompts,
        options: &TranslateOptions,
        input: &ArticlesArgs,
        output: &OutputArgs,
        settings: &Settings,
    ) -> Task {
        Task {
            kind,
            prompts,
            from: options.from,
            to: settings.to.as_ref().map(|to| to.value),
            keep_boilerplate: input.keep_boilerplate,
            format: options.format,
            style: style_of(options, settings, output),
        }
    }
}

/// The two subcommands' differences.
enum TaskKind {
    /// `translate`, with a brief of this many points when `--brief`.
    Translate { brief_points: Option<u8> },
    /// `brief`.
    Brief { points: u8, only_target: bool },
}

/// The providers a run talks to, connected once and shared by every article, so `--jobs`
/// bounds the requests of a whole batch.
struct Session {
    /// The translation's provider (for `brief`, the brief's).
    main: Connection,
    /// The brief's provider, for `translate --brief`.
    brief: Option<Connection>,
}

/// One provider: its protocol and HTTP client, and the in-process mock it talks to when the
/// profile has no base URL (kept alive as long as the connection).
struct Connection {
    _mock: Option<MockServer>,
    provider: ProviderSettings,
    protocol: Arc<dyn crate::provider::Protocol>,
    transport: Transport,
}

impl Connection {
    async fn open(
        provider: ProviderSettings,
        prompts: Prompts,
        jobs: u32,
    ) -> Result<Connection, Error> {
        let mut mock = None;
        let base_url = match &provider.base_url {
            Some(url) => url.value.clone(),
            None => {
                let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let server = MockServer::start(addr, MockOptions::default())
                    .await
                    .map_err(|source| Error::Io {
                        what: "start the built-in mock API".to_owned(),
                        source,
                    })?;
                let url = server.base_url();
                mock = Some(server);
                url
            }
        };
        let protocol = crate::provider::protocol_for(&provider, base_url, prompts);
        let transport = Transport::new(provider.timeout.value, provider.max_retries, jobs)?;
        Ok(Connection {
            _mock: mock,
            provider,
            protocol,
            transport,
        })
    }

    /// A pipeline for one article: its own progress and billing, the shared client.
    fn pipeline(&self, progress: ProgressBar) -> Arc<Pipeline> {
        Arc::new(Pipeline {
            provider: self.provider.name.value.clone(),
            protocol: Arc::clone(&self.protocol),
            transport: self.transport.clone(),
            api_key: self.provider.api_key.as_ref().map(|k| k.value.clone()),
            progress,
            key_var: self.provider.key_var.clone(),
            billed_characters: std::sync::Mutex::new(None),
        })
    }
}

impl Session {
    async fn open(
        main: ProviderSettings,
        brief: Option<ProviderSettings>,
        prompts: &Prompts,
        jobs: u32,
    ) -> Result<Session, Error> {
        let brief = match brief {
            Some(provider) => Some(Connection::open(provider, prompts.clone(), jobs).await?),
            None => None,
        };
        Ok(Session {
            main: Connection::open(main, prompts.clone(), jobs).await?,
            brief,
        })
    }
}

/// Asks the connection's provider for a brief of the prepared paragraphs and verifies it.
async fn write_brief(
    connection: &Connection,
    prepared: &Prepared,
    points: u8,
) -> Result<Brief, Error> {
    let input = BriefInput {
        source_language: prepared.source.language,
        target_language: prepared.target,
        points,
        paragraphs: prepared.paragraphs.clone(),
    };
    let detector = Detector::new();
    connection
        .pipeline(ProgressBar::hidden())
        .brief(&input, |brief| {
            crate::verify::brief::check(brief, &input, &detector)
        })
        .await
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
        &args.options,
        &args.input,
        &args.output,
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
    };
    let task = Task::new(
        kind,
        prompts,
        &args.options,
        &args.input,
        &args.output,
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
    let prepared = prepare(path, &task)?;
    let progress = match task.kind {
        TaskKind::Translate { .. } => crate::pipeline::progress_bar(
            settings.progress,
            0,
            &format!("translating with {}", main.name.value),
        ),
        TaskKind::Brief { .. } => ProgressBar::hidden(),
    };
    let rendered = block_on_interruptible(async {
        let session = Session::open(main, brief, &task.prompts, settings.jobs.value).await?;
        process(&task, &session, prepared, progress).await
    })?;
    match &output.output {
        None => Ok(Outcome::of(rendered)),
        Some(file) => {
            write_atomic(file, &rendered).map_err(|source| Error::Io {
                what: format!("write '{}'", file.display()),
                source,
            })?;
            Ok(Outcome::default())
        }
    }
}

/// The output file extension for `format`.
fn extension(format: Format) -> &'static str {
    match format {
        Format::Text => "txt",
        Format::Json => "json",
        Format::Markdown => "md",
        // When `--format html` lands: `Format::Html => "html",` (one arm per format).
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
            let session = Arc::new(Session::open(main, brief, &task.prompts, jobs).await?);
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
                    let paragraphs = prepared.paragraphs.len();
                    let output = process(&task, &session, prepared, bar).await?;
                    Ok(batch::Done { output, paragraphs })
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

/// One prepared article through the task: translation (and brief) or brief, rendered.
async fn process(
    task: &Task,
    session: &Session,
    prepared: Prepared,
    progress: ProgressBar,
) -> Result<Vec<u8>, Error> {
    let mut output = Vec::new();
    match task.kind {
        TaskKind::Translate { brief_points } => {
            let report = translate_article(session, prepared, progress, brief_points).await?;
            render::translation(&report, task.format, &task.style, &mut output)
        }
        TaskKind::Brief {
            points,
            only_target,
        } => {
            let brief = write_brief(&session.main, &prepared, points).await?;
            let report = BriefReport {
                source: prepared.source,
                target: TargetInfo {
                    language: prepared.target,
                },
                provider: provider_info(&session.main.provider),
                brief,
            };
            render::brief(&report, task.format, &task.style, only_target, &mut output)
        }
    }
    .map_err(write_error)?;
    Ok(output)
}

/// Translates the paragraphs not already in the target language, checks every one came back
/// exactly once, and writes the brief when asked.
async fn translate_article(
    session: &Session,
    prepared: Prepared,
    progress: ProgressBar,
    brief_points: Option<u8>,
) -> Result<Report, Error> {
    let to_send: Vec<Paragraph> = prepared
        .paragraphs
        .iter()
        .zip(&prepared.detection.paragraphs)
        .filter(|(_, d)| !is_already_target(d, prepared.target))
        .map(|(p, _)| p.clone())
        .collect();
    let job = Job {
        paragraphs: &to_send,
        source: prepared.source.language,
        target: prepared.target,
    };
    let pipeline = session.main.pipeline(progress);
    let (translated, billed_characters) = send(pipeline, job).await?;
    let mut by_id = crate::verify::alignment(&to_send, translated)?;
    let paragraphs = prepared
        .paragraphs
        .iter()
        .zip(&prepared.detection.paragraphs)
        .map(|(p, d)| {
            let target = by_id.remove(&p.id);
            ParagraphPair {
                id: p.id,
                source: p.text.clone(),
                translated: target.is_some(),
                target: target.unwrap_or_else(|| p.text.clone()),
                language: d.language,
                confidence: d.confidence,
            }
        })
        .collect();
    let brief = match (brief_points, &session.brief) {
        (Some(points), Some(connection)) => Some(write_brief(connection, &prepared, points).await?),
        _ => None,
    };
    Ok(Report {
        source: prepared.source,
        target: TargetInfo {
            language: prepared.target,
        },
        provider: provider_info(&session.main.provider),
        paragraphs,
        boilerplate: prepared.boilerplate,
        usage: billed_characters.map(|n| Usage {
            billed_characters: Some(n),
        }),
        brief,
    })
}

fn is_already_target(detection: &crate::detect::Detection, target: LanguageCode) -> bool {
    detection.language == Some(target) && detection.confidence >= KEEP_IF_ALREADY_TARGET
}

/// The paragraphs to send and their direction.
struct Job<'a> {
    paragraphs: &'a [Paragraph],
    source: LanguageCode,
    target: LanguageCode,
}

/// Plans the chunks within the protocol's budget and runs the pipeline. Returns the
/// translations and the characters billed, when the API reports them.
async fn send(
    pipeline: Arc<Pipeline>,
    job: Job<'_>,
) -> Result<(Vec<crate::provider::Translated>, Option<u64>), Error> {
    if job.paragraphs.is_empty() {
        return Ok((Vec::new(), None));
    }
    let chunks = crate::plan::plan(
        job.paragraphs,
        job.source,
        job.target,
        &pipeline.protocol.capabilities().budget(),
    );
    pipeline.progress.set_length(chunks.len() as u64);
    let translated = Arc::clone(&pipeline).translate(chunks).await?;
    Ok((translated, pipeline.billed_characters()))
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
