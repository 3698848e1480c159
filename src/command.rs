//! The subcommands, each a straight line through the stages: resolve settings, read and ingest,
//! detect, translate, verify, render into a buffer. `main` prints the buffer and the warnings
//! and picks the exit code.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::brief::{Brief, BriefInput};
use crate::cache::{Cache, Key, ProviderIdentity};
use crate::cli::{
    BriefArgs, BriefOptions, CacheAction, Cli, Command, ConfigAction, ConfigArgs, DetectArgs,
    InputArgs, MockServerArgs, TranslateArgs, TranslateOptions,
};
use crate::config::{
    ConfigError, Env, Flags, LoadedFile, ProviderSettings, Settings, Terminal, check_brief_capable,
};
use crate::detect::{Detector, DocumentDetection};
use crate::error::{Error, InputError};
use crate::ingest::{Document, Paragraph, ingest};
use crate::language::LanguageCode;
use crate::mock::{MockOptions, MockServer};
use crate::pipeline::Pipeline;
use crate::prompt::Prompts;
use crate::provider::transport::{Transport, TransportOptions};
use crate::render::{self, Style};
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
    /// Information for stderr asked for with `-v` (the usage summary).
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
    let settings = Settings::resolve(&flags, env, file, terminal)?;
    let mut outcome = match &cli.command {
        Command::Translate(args) => translate(args, settings),
        Command::Brief(args) => brief(args, settings),
        Command::Detect(args) => detect(args),
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

fn read_input(input: &InputArgs) -> Result<(PathBuf, Document), Error> {
    let path = input.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    } else {
        std::fs::read(&path)
    }
    .map_err(|source| InputError::Read {
        path: path.clone(),
        source,
    })?;
    let document = ingest(&bytes).map_err(|source| InputError::Ingest {
        path: path.clone(),
        source,
    })?;
    Ok((path, document))
}

fn detect(args: &DetectArgs) -> Result<Outcome, Error> {
    let (_, document) = read_input(&args.input)?;
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

/// The article as read: the paragraphs to translate and the boilerplate set aside.
struct Body {
    paragraphs: Vec<Paragraph>,
    boilerplate: Vec<String>,
}

/// Reads and ingests the input; with `--keep-boilerplate` the footer joins the paragraphs.
fn read_body(input: &InputArgs) -> Result<Body, Error> {
    let (_, document) = read_input(input)?;
    let Document {
        mut paragraphs,
        boilerplate,
        ..
    } = document;
    let boilerplate = if input.keep_boilerplate {
        paragraphs.extend(boilerplate);
        Vec::new()
    } else {
        boilerplate.into_iter().map(|p| p.text).collect()
    };
    Ok(Body {
        paragraphs,
        boilerplate,
    })
}

/// The paragraphs of one translation run and what detection said of each.
struct Prepared {
    paragraphs: Vec<Paragraph>,
    boilerplate: Vec<String>,
    detection: DocumentDetection,
    source: SourceInfo,
    target: LanguageCode,
}

fn prepare(
    body: Body,
    from: Option<LanguageCode>,
    to: Option<LanguageCode>,
) -> Result<Prepared, Error> {
    let Body {
        paragraphs,
        boilerplate,
    } = body;
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

fn style_of(options: &TranslateOptions, settings: &Settings) -> Style {
    Style {
        color: settings.color.value,
        width: settings.width.value,
        layout: options.layout,
    }
}

/// What a run needs from the settings besides the provider.
#[derive(Debug, Clone)]
struct RunOptions {
    jobs: u32,
    progress: bool,
    run_timeout: Option<std::time::Duration>,
    cache_dir: Option<PathBuf>,
}

impl RunOptions {
    fn of(settings: &Settings) -> RunOptions {
        RunOptions {
            jobs: settings.jobs.value,
            progress: settings.progress,
            run_timeout: settings.run_timeout.as_ref().map(|t| t.value),
            cache_dir: settings.cache_dir.clone(),
        }
    }
}

/// Who produces results, for cache keys: never the key or the headers.
fn identity_of(provider: &ProviderSettings, prompts: &Prompts) -> ProviderIdentity {
    ProviderIdentity {
        kind: provider.kind.to_string(),
        base_url: provider
            .base_url
            .as_ref()
            .map_or_else(|| "in-process mock".to_owned(), |u| u.value.clone()),
        model: provider.model.value.clone(),
        prompts: prompts.fingerprint(),
        options: format!("{:?} {:?}", provider.response_format, provider.deepl),
    }
}

/// The cache identity of a whole run's result, known before detection: the article's text,
/// the direction asked for and every provider involved. A hit skips detection and sending.
#[derive(serde::Serialize)]
struct ReportIdentity<'a> {
    command: &'static str,
    provider: ProviderIdentity,
    brief: Option<(ProviderIdentity, u8)>,
    from: Option<LanguageCode>,
    to: Option<LanguageCode>,
    paragraphs: Vec<(u32, &'a str)>,
    boilerplate: &'a [String],
}

impl<'a> ReportIdentity<'a> {
    fn new(
        command: &'static str,
        provider: ProviderIdentity,
        brief: Option<(ProviderIdentity, u8)>,
        (from, to): (Option<LanguageCode>, Option<LanguageCode>),
        body: &'a Body,
    ) -> ReportIdentity<'a> {
        ReportIdentity {
            command,
            provider,
            brief,
            from,
            to,
            paragraphs: body
                .paragraphs
                .iter()
                .map(|p| (p.id.0, p.text.as_str()))
                .collect(),
            boilerplate: &body.boilerplate,
        }
    }

    fn key(&self) -> Key {
        Key::of("report", self)
    }
}

/// The finished result of a run: looked up in the cache before anything else is done (a hit
/// gets a usage of nothing sent), else computed and stored once it passed every check.
/// Returns it with the warnings of the run and the cache.
fn through_cache<R: serde::Serialize + serde::de::DeserializeOwned>(
    run: &RunOptions,
    key: Key,
    usage: fn(&mut R) -> &mut Usage,
    compute: impl FnOnce() -> Result<(R, Vec<String>), Error>,
) -> Result<(R, Vec<String>), Error> {
    let Some(cache) = run.cache_dir.clone().map(Cache::new) else {
        return compute();
    };
    let (report, mut warnings) = match cache.get::<R>(&key) {
        Some(mut report) => {
            let original = usage(&mut report).clone();
            *usage(&mut report) = usage_from_cache(&original);
            (report, Vec::new())
        }
        None => {
            let (report, warnings) = compute()?;
            cache.put(&key, &report);
            (report, warnings)
        }
    };
    warnings.extend(cache.take_warnings());
    Ok((report, warnings))
}

/// A cached run's usage: nothing sent, every chunk a hit.
fn usage_from_cache(original: &Usage) -> Usage {
    Usage {
        chunks: original.chunks,
        cache_hits: original.chunks.max(1),
        ..Usage::default()
    }
}

/// Asks `provider` for a brief of the prepared paragraphs and verifies it.
fn write_brief(
    provider: &ProviderSettings,
    prompts: Prompts,
    prepared: &Prepared,
    points: u8,
    run: &RunOptions,
) -> Result<(Brief, Usage, Vec<String>), Error> {
    let input = BriefInput {
        source_language: prepared.source.language,
        target_language: prepared.target,
        points,
        paragraphs: prepared.paragraphs.clone(),
    };
    let detector = Detector::new();
    let run = RunOptions {
        jobs: 1,
        progress: false,
        ..run.clone()
    };
    block_on_interruptible(async {
        let (_mock, pipeline) = connect(provider, prompts, &run).await?;
        let brief = pipeline
            .brief(&input, |brief| {
                crate::verify::brief::check(brief, &input, &detector)
            })
            .await?;
        Ok((brief, pipeline.usage(0), pipeline.take_warnings()))
    })
}

fn brief(args: &BriefArgs, mut settings: Settings) -> Result<Outcome, Error> {
    let translation = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let prompts = Prompts::load(settings.prompts_dir.as_deref())?;
    let provider = brief_provider(settings.brief_provider.take(), &translation, &prompts)?;
    let run = RunOptions::of(&settings);
    let body = read_body(&args.input)?;
    let to = settings.to.as_ref().map(|to| to.value);
    let key = ReportIdentity::new(
        "brief",
        identity_of(&provider, &prompts),
        Some((identity_of(&provider, &prompts), args.brief_options.points)),
        (args.options.from, to),
        &body,
    )
    .key();
    let (report, warnings) = through_cache(
        &run,
        key,
        |r: &mut BriefReport| &mut r.usage,
        || {
            let prepared = prepare(body, args.options.from, to)?;
            let (brief, usage, warnings) = write_brief(
                &provider,
                prompts,
                &prepared,
                args.brief_options.points,
                &run,
            )?;
            let report = BriefReport {
                source: prepared.source,
                target: TargetInfo {
                    language: prepared.target,
                },
                provider: provider_info(&provider),
                brief,
                usage,
            };
            Ok((report, warnings))
        },
    )?;
    let style = style_of(&args.options, &settings);
    let mut output = Vec::new();
    render::brief(
        &report,
        args.options.format,
        &style,
        args.only_target,
        &mut output,
    )
    .map_err(write_error)?;
    Ok(Outcome {
        output,
        warnings,
        notes: settings
            .verbose
            .then(|| report.usage.summary())
            .into_iter()
            .collect(),
    })
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
    let run = RunOptions::of(&settings);
    let body = read_body(&args.input)?;
    let to = settings.to.as_ref().map(|to| to.value);
    let key = ReportIdentity::new(
        "translate",
        identity_of(&provider, &prompts),
        brief_provider
            .as_ref()
            .map(|b| (identity_of(b, &prompts), args.brief_options.points)),
        (args.options.from, to),
        &body,
    )
    .key();
    let (report, warnings) = through_cache(
        &run,
        key,
        |r: &mut Report| &mut r.usage,
        || {
            let prepared = prepare(body, args.options.from, to)?;
            translate_prepared(
                args,
                (&provider, brief_provider.as_ref()),
                prompts,
                prepared,
                &run,
            )
        },
    )?;
    let style = style_of(&args.options, &settings);
    let mut output = Vec::new();
    render::translation(&report, args.options.format, &style, &mut output).map_err(write_error)?;
    Ok(Outcome {
        output,
        warnings,
        notes: settings
            .verbose
            .then(|| report.usage.summary())
            .into_iter()
            .collect(),
    })
}

/// Translates the prepared paragraphs (and writes the brief, with `--brief`) into a verified
/// report.
fn translate_prepared(
    args: &TranslateArgs,
    (provider, brief_provider): (&ProviderSettings, Option<&ProviderSettings>),
    prompts: Prompts,
    prepared: Prepared,
    run: &RunOptions,
) -> Result<(Report, Vec<String>), Error> {
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
    let (translated, mut usage, mut warnings) =
        block_on_interruptible(send(provider, prompts.clone(), run, job))?;
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
    let brief = match brief_provider {
        Some(brief_provider) => {
            let (brief, brief_usage, brief_warnings) = write_brief(
                brief_provider,
                prompts,
                &prepared,
                args.brief_options.points,
                run,
            )?;
            usage.add(&brief_usage);
            warnings.extend(brief_warnings);
            Some(brief)
        }
        None => None,
    };
    let report = Report {
        source: prepared.source,
        target: TargetInfo {
            language: prepared.target,
        },
        provider: provider_info(provider),
        paragraphs,
        boilerplate: prepared.boilerplate,
        usage,
        brief,
    };
    Ok((report, warnings))
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

/// Connects to the provider, plans the chunks within its budget for `run.jobs` requests at
/// once, and runs the pipeline. Returns the translations, the usage and the cache's warnings.
async fn send(
    provider: &ProviderSettings,
    prompts: Prompts,
    run: &RunOptions,
    job: Job<'_>,
) -> Result<(Vec<crate::provider::Translated>, Usage, Vec<String>), Error> {
    if job.paragraphs.is_empty() {
        return Ok((Vec::new(), Usage::default(), Vec::new()));
    }
    let (_mock, pipeline) = connect(provider, prompts, run).await?;
    let chunks = crate::plan::plan(
        job.paragraphs,
        job.source,
        job.target,
        &pipeline.budget,
        run.jobs,
    );
    let planned = chunks.len() as u64;
    pipeline.progress.set_length(planned);
    let translated = Arc::clone(&pipeline).translate(chunks).await?;
    Ok((
        translated,
        pipeline.usage(planned),
        pipeline.take_warnings(),
    ))
}

/// The planner's budget for `provider`: its protocol's, plus an estimated-token limit for
/// LLMs (the profile's `max_chunk_tokens`, else [`crate::config::DEFAULT_MAX_CHUNK_TOKENS`]).
fn budget_for(
    provider: &ProviderSettings,
    protocol: &dyn crate::provider::Protocol,
) -> crate::plan::Budget {
    let capabilities = protocol.capabilities();
    let mut budget = capabilities.budget();
    if capabilities.briefs {
        budget.max_tokens = Some(
            provider
                .max_chunk_tokens
                .unwrap_or(crate::config::DEFAULT_MAX_CHUNK_TOKENS),
        );
    }
    budget
}

/// The pipeline for `provider`, with the in-process mock it talks to when the profile has no
/// base URL (keep it alive as long as the pipeline is used).
async fn connect(
    provider: &ProviderSettings,
    prompts: Prompts,
    run: &RunOptions,
) -> Result<(Option<MockServer>, Arc<Pipeline>), Error> {
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
    let identity = identity_of(provider, &prompts);
    let protocol = crate::provider::protocol_for(provider, base_url, prompts);
    let transport = Transport::new(TransportOptions {
        timeout: provider.timeout.value,
        max_retries: provider.max_retries,
        jobs: run.jobs,
        run_timeout: run.run_timeout,
        requests_per_minute: provider.requests_per_minute,
        tokens_per_minute: provider.tokens_per_minute,
    })?;
    let pipeline = Arc::new(Pipeline {
        provider: provider.name.value.clone(),
        budget: budget_for(provider, protocol.as_ref()),
        protocol,
        transport,
        api_key: provider.api_key.as_ref().map(|k| k.value.clone()),
        progress: crate::pipeline::progress_bar(
            run.progress,
            0,
            &format!("translating with {}", provider.name.value),
        ),
        key_var: provider.key_var.clone(),
        billed_characters: std::sync::Mutex::new(None),
        cache: run.cache_dir.clone().map(Cache::new),
        identity,
        meter: crate::pipeline::Meter::default(),
    });
    Ok((mock, pipeline))
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            what: "start the async runtime".to_owned(),
            source,
        })?;
    runtime.block_on(async {
        tokio::select! {
            result = future => result,
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
        }
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
