//! One article through the stages, for a single run and for each article of a batch: read,
//! ingest, detect ([`prepare`]), then translate (and brief) or brief, verify and render
//! ([`process`]) over a [`Session`] connected once and shared by every article.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use indicatif::ProgressBar;

use super::{read_input, style_of, write_error};
use crate::brief::{Brief, BriefInput};
use crate::cli::{ArticlesArgs, OutputArgs, TranslateOptions};
use crate::config::{ProviderSettings, Settings};
use crate::detect::{Detector, DocumentDetection};
use crate::error::{Error, InputError};
use crate::ingest::{Document, Paragraph};
use crate::language::LanguageCode;
use crate::mock::{MockOptions, MockServer};
use crate::pipeline::Pipeline;
use crate::prompt::Prompts;
use crate::provider::transport::Transport;
use crate::render::{self, Format, Style};
use crate::report::{
    BriefReport, ParagraphPair, ProviderInfo, Report, SourceInfo, TargetInfo, Usage,
};
use crate::verify::fidelity::ChecksFailed;

/// A paragraph detected in the target language with at least this confidence is kept as it is
/// instead of being sent: translating English into English only costs money and risks drift.
pub const KEEP_IF_ALREADY_TARGET: f64 = 0.9;

/// The paragraphs of one translation run and what detection said of each.
pub(super) struct Prepared {
    pub(super) paragraphs: Vec<Paragraph>,
    boilerplate: Vec<String>,
    detection: DocumentDetection,
    source: SourceInfo,
    target: LanguageCode,
}

/// Reads, ingests and detects one article (`-` is stdin) and decides the direction.
pub(super) fn prepare(path: &Path, task: &Task) -> Result<Prepared, Error> {
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

/// What `translate` or `brief` does to each article, resolved once for all of them.
pub(super) struct Task {
    pub(super) kind: TaskKind,
    pub(super) prompts: Prompts,
    from: Option<LanguageCode>,
    to: Option<LanguageCode>,
    keep_boilerplate: bool,
    pub(super) format: Format,
    style: Style,
}

impl Task {
    pub(super) fn new(
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
pub(super) enum TaskKind {
    /// `translate`, with a brief of this many points when `--brief`; with `strict`, failed
    /// fidelity checks fail the article (after its output is rendered).
    Translate {
        brief_points: Option<u8>,
        strict: bool,
    },
    /// `brief`.
    Brief { points: u8, only_target: bool },
}

/// The providers a run talks to, connected once and shared by every article, so `--jobs`
/// bounds the requests of a whole batch.
pub(super) struct Session {
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
    pub(super) async fn open(
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

/// One prepared article through the task: translation (and brief) or brief, rendered; and,
/// with `--strict`, the fidelity checks that failed.
pub(super) async fn process(
    task: &Task,
    session: &Session,
    prepared: Prepared,
    progress: ProgressBar,
) -> Result<(Vec<u8>, Option<ChecksFailed>), Error> {
    let mut output = Vec::new();
    let mut failed = None;
    match task.kind {
        TaskKind::Translate {
            brief_points,
            strict,
        } => {
            let report = translate_article(session, prepared, progress, brief_points).await?;
            failed = ChecksFailed::of(&report.checks).filter(|_| strict);
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
    Ok((output, failed))
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
        .collect::<Vec<_>>();
    let checks = crate::verify::fidelity::check(
        &paragraphs,
        prepared.source.language,
        prepared.target,
        &Detector::new(),
    );
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
        checks,
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

fn provider_info(provider: &ProviderSettings) -> ProviderInfo {
    ProviderInfo {
        name: provider.name.value.clone(),
        model: provider.model.value.clone(),
    }
}
