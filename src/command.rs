//! The subcommands, each a straight line through the stages: resolve settings, read and ingest,
//! detect, translate, verify, render into a buffer. `main` prints the buffer and the warnings
//! and picks the exit code.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::brief::{Brief, BriefInput};
use crate::cli::{
    BriefArgs, BriefOptions, Cli, Command, ConfigAction, ConfigArgs, DetectArgs, InputArgs,
    MockServerArgs, TranslateArgs, TranslateOptions,
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
use crate::provider::transport::Transport;
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
}

impl Outcome {
    /// Output with no warnings.
    pub fn of(output: Vec<u8>) -> Outcome {
        Outcome {
            output,
            warnings: Vec::new(),
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
    Ok(Outcome {
        output,
        warnings: vec![],
    })
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

fn prepare(
    input: &InputArgs,
    from: Option<LanguageCode>,
    to: Option<LanguageCode>,
) -> Result<Prepared, Error> {
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
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    let detection = Detector::new().detect_document(&texts);
    if let (None, Some((language, share))) = (from, detection.unsupported()) {
        return Err(InputError::Unsupported { language, share }.into());
    }
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

/// Asks `provider` for a brief of the prepared paragraphs and verifies it.
fn write_brief(
    provider: &ProviderSettings,
    prompts: Prompts,
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
    block_on_interruptible(async {
        let (_mock, pipeline) = connect(provider, prompts, (1, false)).await?;
        pipeline
            .brief(&input, |brief| {
                crate::verify::brief::check(brief, &input, &detector)
            })
            .await
    })
}

fn brief(args: &BriefArgs, mut settings: Settings) -> Result<Outcome, Error> {
    let translation = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let prompts = Prompts::load(settings.prompts_dir.as_deref())?;
    let provider = brief_provider(settings.brief_provider.take(), &translation, &prompts)?;
    let prepared = prepare(
        &args.input,
        args.options.from,
        settings.to.as_ref().map(|to| to.value),
    )?;
    let brief = write_brief(&provider, prompts, &prepared, args.brief_options.points)?;
    let report = BriefReport {
        source: prepared.source,
        target: TargetInfo {
            language: prepared.target,
        },
        provider: provider_info(&provider),
        brief,
    };
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
        warnings: vec![],
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
    let prepared = prepare(
        &args.input,
        args.options.from,
        settings.to.as_ref().map(|to| to.value),
    )?;
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
    let (translated, billed_characters) = block_on_interruptible(send(
        &provider,
        prompts.clone(),
        (settings.jobs.value, settings.progress),
        job,
    ))?;
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
    let brief = match &brief_provider {
        Some(brief_provider) => Some(write_brief(
            brief_provider,
            prompts,
            &prepared,
            args.brief_options.points,
        )?),
        None => None,
    };
    let report = Report {
        source: prepared.source,
        target: TargetInfo {
            language: prepared.target,
        },
        provider: provider_info(&provider),
        paragraphs,
        boilerplate: prepared.boilerplate,
        usage: billed_characters.map(|n| Usage {
            billed_characters: Some(n),
        }),
        brief,
    };
    let style = style_of(&args.options, &settings);
    let mut output = Vec::new();
    render::translation(&report, args.options.format, &style, &mut output).map_err(write_error)?;
    Ok(Outcome {
        output,
        warnings: vec![],
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

/// Connects to the provider, plans the chunks within its protocol's budget, and runs the
/// pipeline. Returns the translations and the characters billed, when the API reports them.
async fn send(
    provider: &ProviderSettings,
    prompts: Prompts,
    (jobs, progress): (u32, bool),
    job: Job<'_>,
) -> Result<(Vec<crate::provider::Translated>, Option<u64>), Error> {
    if job.paragraphs.is_empty() {
        return Ok((Vec::new(), None));
    }
    let (_mock, pipeline) = connect(provider, prompts, (jobs, progress)).await?;
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

/// The pipeline for `provider`, with the in-process mock it talks to when the profile has no
/// base URL (keep it alive as long as the pipeline is used).
async fn connect(
    provider: &ProviderSettings,
    prompts: Prompts,
    (jobs, progress): (u32, bool),
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
    let protocol = crate::provider::protocol_for(provider, base_url, prompts);
    let transport = Transport::new(provider.timeout.value, provider.max_retries, jobs)?;
    let pipeline = Arc::new(Pipeline {
        provider: provider.name.value.clone(),
        protocol,
        transport,
        api_key: provider.api_key.as_ref().map(|k| k.value.clone()),
        progress: crate::pipeline::progress_bar(
            progress,
            0,
            &format!("translating with {}", provider.name.value),
        ),
        key_var: provider.key_var.clone(),
        billed_characters: std::sync::Mutex::new(None),
    });
    Ok((mock, pipeline))
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
