//! One article through the stages, for a single run and for each article of a batch: read,
//! ingest, look the whole result up in the cache and else detect ([`prepare`]), then translate
//! (and brief) or brief, verify, store and render ([`process`]) over a [`Session`] connected
//! once and shared by every article.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;

use super::{read_input, style_of, write_error};
use crate::brief::{Brief, BriefInput};
use crate::cache::{Cache, Key, ProviderIdentity};
use crate::cli::{ArticlesArgs, OutputArgs, TranslateOptions};
use crate::config::{ProviderSettings, Settings};
use crate::detect::{Detector, DocumentDetection};
use crate::error::{Error, InputError};
use crate::ingest::{Document, Paragraph};
use crate::language::LanguageCode;
use crate::mock::{MockOptions, MockServer};
use crate::pipeline::Pipeline;
use crate::prompt::Prompts;
use crate::provider::transport::{Transport, TransportOptions};
use crate::render::{self, Format, Style};
use crate::report::{
    BriefReport, ParagraphPair, ProviderInfo, Report, SourceInfo, TargetInfo, Usage,
};
use crate::verify::fidelity::ChecksFailed;

/// A paragraph detected in the target language with at least this confidence is kept as it is
/// instead of being sent: translating English into English only costs money and risks drift.
pub const KEEP_IF_ALREADY_TARGET: f64 = 0.9;

/// The article as read: the paragraphs to translate and the boilerplate set aside.
pub(super) struct Body {
    pub(super) paragraphs: Vec<Paragraph>,
    pub(super) boilerplate: Vec<String>,
}

/// The paragraphs of one translation run and what detection said of each.
pub(super) struct Prepared {
    pub(super) paragraphs: Vec<Paragraph>,
    boilerplate: Vec<String>,
    detection: DocumentDetection,
    source: SourceInfo,
    target: LanguageCode,
}

/// An article ready for [`process`]: its result found in the cache (already rendered), or
/// detected and waiting to be sent, with the cache key its result will be stored under.
pub(super) enum Ready {
    Cached(Rendered),
    Fresh {
        prepared: Prepared,
        key: Option<Key>,
    },
}

impl Ready {
    /// Paragraphs in the article, for a batch's progress.
    pub(super) fn paragraphs(&self) -> usize {
        match self {
            Ready::Cached(rendered) => rendered.paragraphs,
            Ready::Fresh { prepared, .. } => prepared.paragraphs.len(),
        }
    }
}

/// One article's output and what goes to stderr with it.
pub(super) struct Rendered {
    pub(super) output: Vec<u8>,
    /// With `--strict`, the fidelity checks that failed (the run fails after the output).
    pub(super) failed: Option<ChecksFailed>,
    pub(super) warnings: Vec<String>,
    /// The usage summary, with `-v`.
    pub(super) notes: Vec<String>,
    paragraphs: usize,
}

/// Reads and ingests one article (`-` is stdin); a hit in the cache of whole results is
/// rendered at once, with no language detection; otherwise the article is detected and the
/// direction decided.
pub(super) fn prepare(path: &Path, task: &Task) -> Result<Ready, Error> {
    let body = read_body(path, task.keep_boilerplate)?;
    let key = task.report_key(&body);
    if let (Some(cache), Some(key)) = (&task.cache, &key) {
        let finished = match task.kind {
            TaskKind::Translate { .. } => cache.get::<Report>(key).map(Finished::Translation),
            TaskKind::Brief { .. } => cache.get::<BriefReport>(key).map(Finished::Brief),
        };
        if let Some(mut finished) = finished {
            let usage = finished.usage();
            *usage = usage_from_cache(usage);
            return task.render(&finished, Vec::new()).map(Ready::Cached);
        }
    }
    let prepared = detect(body, task.from, task.to)?;
    Ok(Ready::Fresh { prepared, key })
}

/// Reads and ingests the article; with `--keep-boilerplate` the footer joins the paragraphs.
fn read_body(path: &Path, keep_boilerplate: bool) -> Result<Body, Error> {
    let Document {
        mut paragraphs,
        boilerplate,
        ..
    } = read_input(path)?;
    let boilerplate = if keep_boilerplate {
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

/// Detects the article's language and decides the direction.
fn detect(
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

/// What a run needs from the settings besides the provider.
#[derive(Debug, Clone)]
pub(super) struct RunOptions {
    jobs: u32,
    run_timeout: Option<std::time::Duration>,
    cache_dir: Option<PathBuf>,
}

impl RunOptions {
    pub(super) fn of(settings: &Settings) -> RunOptions {
        RunOptions {
            jobs: settings.jobs.value,
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

/// A cached run's usage: nothing sent, every chunk a hit.
fn usage_from_cache(original: &Usage) -> Usage {
    Usage {
        chunks: original.chunks,
        cache_hits: original.chunks.max(1),
        ..Usage::default()
    }
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
    pub(super) run: RunOptions,
    verbose: bool,
    /// Who produces the results (translation's provider, brief's provider and points), for
    /// the cache keys of whole results.
    producers: (ProviderIdentity, Option<(ProviderIdentity, u8)>),
    /// The cache of whole results, unless disabled.
    cache: Option<Cache>,
}

impl Task {
    pub(super) fn new(
        kind: TaskKind,
        prompts: Prompts,
        (main, brief): (&ProviderSettings, Option<&ProviderSettings>),
        (options, input, output): (&TranslateOptions, &ArticlesArgs, &OutputArgs),
        settings: &Settings,
    ) -> Task {
        let brief_points = match kind {
            TaskKind::Translate { brief_points, .. } => brief_points,
            TaskKind::Brief { points, .. } => Some(points),
        };
        let brief = match (kind, brief) {
            (TaskKind::Brief { .. }, _) => Some(main),
            (TaskKind::Translate { .. }, brief) => brief,
        };
        let producers = (
            identity_of(main, &prompts),
            brief
                .zip(brief_points)
                .map(|(provider, points)| (identity_of(provider, &prompts), points)),
        );
        let run = RunOptions::of(settings);
        Task {
            kind,
            prompts,
            from: options.from,
            to: settings.to.as_ref().map(|to| to.value),
            keep_boilerplate: input.keep_boilerplate,
            format: options.format,
            style: style_of(options, settings, output),
            cache: run.cache_dir.clone().map(Cache::new),
            run,
            verbose: settings.verbose,
            producers,
        }
    }

    /// The cache key of this article's whole result, unless the cache is off.
    fn report_key(&self, body: &Body) -> Option<Key> {
        self.cache.as_ref()?;
        let command = match self.kind {
            TaskKind::Translate { .. } => "translate",
            TaskKind::Brief { .. } => "brief",
        };
        let (main, brief) = self.producers.clone();
        Some(ReportIdentity::new(command, main, brief, (self.from, self.to), body).key())
    }

    /// The finished result as output, with `warnings` and the cache's own.
    fn render(&self, finished: &Finished, mut warnings: Vec<String>) -> Result<Rendered, Error> {
        let mut output = Vec::new();
        let (failed, usage, paragraphs) = match finished {
            Finished::Translation(report) => {
                render::translation(report, self.format, &self.style, &mut output)
                    .map_err(write_error)?;
                let strict = matches!(self.kind, TaskKind::Translate { strict: true, .. });
                let failed = ChecksFailed::of(&report.checks).filter(|_| strict);
                (failed, &report.usage, report.paragraphs.len())
            }
            Finished::Brief(report) => {
                let only_target = matches!(
                    self.kind,
                    TaskKind::Brief {
                        only_target: true,
                        ..
                    }
                );
                render::brief(report, self.format, &self.style, only_target, &mut output)
                    .map_err(write_error)?;
                (None, &report.usage, 0)
            }
        };
        if let Some(cache) = &self.cache {
            warnings.extend(cache.take_warnings());
        }
        Ok(Rendered {
            output,
            failed,
            warnings,
            notes: self.verbose.then(|| usage.summary()).into_iter().collect(),
            paragraphs,
        })
    }
}

/// A verified result, as the cache stores it.
enum Finished {
    Translation(Report),
    Brief(BriefReport),
}

impl Finished {
    fn usage(&mut self) -> &mut crate::report::Usage {
        match self {
            Finished::Translation(report) => &mut report.usage,
            Finished::Brief(report) => &mut report.usage,
        }
    }
}

/// The two subcommands' differences.
#[derive(Debug, Clone, Copy)]
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
    /// Requests at once (`--jobs`), which the planner balances chunks for.
    jobs: u32,
}

/// One provider: its protocol and HTTP client, and the in-process mock it talks to when the
/// profile has no base URL (kept alive as long as the connection).
struct Connection {
    _mock: Option<MockServer>,
    provider: ProviderSettings,
    protocol: Arc<dyn crate::provider::Protocol>,
    transport: Transport,
    budget: crate::plan::Budget,
    cache_dir: Option<PathBuf>,
    identity: ProviderIdentity,
}

impl Connection {
    async fn open(
        provider: ProviderSettings,
        prompts: Prompts,
        run: &RunOptions,
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
        let identity = identity_of(&provider, &prompts);
        let protocol = crate::provider::protocol_for(&provider, base_url, prompts);
        let transport = Transport::new(TransportOptions {
            timeout: provider.timeout.value,
            max_retries: provider.max_retries,
            jobs: run.jobs,
            run_timeout: run.run_timeout,
            requests_per_minute: provider.requests_per_minute,
            tokens_per_minute: provider.tokens_per_minute,
        })?;
        Ok(Connection {
            _mock: mock,
            budget: budget_for(&provider, protocol.as_ref()),
            cache_dir: run.cache_dir.clone(),
            identity,
            provider,
            protocol,
            transport,
        })
    }

    /// A pipeline for one article: its own progress, usage counts and billing over the
    /// shared client, request limit, rate limits and deadline.
    fn pipeline(&self, progress: ProgressBar) -> Arc<Pipeline> {
        Arc::new(Pipeline {
            provider: self.provider.name.value.clone(),
            protocol: Arc::clone(&self.protocol),
            transport: self.transport.with_own_stats(),
            api_key: self.provider.api_key.as_ref().map(|k| k.value.clone()),
            progress,
            key_var: self.provider.key_var.clone(),
            billed_characters: std::sync::Mutex::new(None),
            budget: self.budget,
            cache: self.cache_dir.clone().map(Cache::new),
            identity: self.identity.clone(),
            meter: crate::pipeline::Meter::default(),
        })
    }
}

impl Session {
    pub(super) async fn open(
        main: ProviderSettings,
        brief: Option<ProviderSettings>,
        prompts: &Prompts,
        run: &RunOptions,
    ) -> Result<Session, Error> {
        let brief = match brief {
            Some(provider) => Some(Connection::open(provider, prompts.clone(), run).await?),
            None => None,
        };
        Ok(Session {
            main: Connection::open(main, prompts.clone(), run).await?,
            brief,
            jobs: run.jobs,
        })
    }
}

/// Asks the connection's provider for a brief of the prepared paragraphs and verifies it.
async fn write_brief(
    connection: &Connection,
    prepared: &Prepared,
    points: u8,
) -> Result<(Brief, Usage, Vec<String>), Error> {
    let input = BriefInput {
        source_language: prepared.source.language,
        target_language: prepared.target,
        points,
        paragraphs: prepared.paragraphs.clone(),
    };
    let detector = Detector::new();
    let pipeline = connection.pipeline(ProgressBar::hidden());
    let brief = pipeline
        .brief(&input, |brief| {
            crate::verify::brief::check(brief, &input, &detector)
        })
        .await?;
    Ok((brief, pipeline.usage(0), pipeline.take_warnings()))
}

/// One article through the task: translation (and brief) or brief, verified, stored in the
/// cache and rendered; an article found in the cache is already rendered.
pub(super) async fn process(
    task: &Task,
    session: &Session,
    ready: Ready,
    progress: ProgressBar,
) -> Result<Rendered, Error> {
    let (prepared, key) = match ready {
        Ready::Cached(rendered) => return Ok(rendered),
        Ready::Fresh { prepared, key } => (prepared, key),
    };
    let (finished, warnings) = match task.kind {
        TaskKind::Translate { brief_points, .. } => {
            let (report, warnings) =
                translate_article(session, prepared, progress, brief_points).await?;
            (Finished::Translation(report), warnings)
        }
        TaskKind::Brief { points, .. } => {
            let (brief, usage, warnings) = write_brief(&session.main, &prepared, points).await?;
            let report = BriefReport {
                source: prepared.source,
                target: TargetInfo {
                    language: prepared.target,
                },
                provider: provider_info(&session.main.provider),
                brief,
                usage,
            };
            (Finished::Brief(report), warnings)
        }
    };
    if let (Some(cache), Some(key)) = (&task.cache, &key) {
        match &finished {
            Finished::Translation(report) => cache.put(key, report),
            Finished::Brief(report) => cache.put(key, report),
        }
    }
    task.render(&finished, warnings)
}

/// Translates the paragraphs not already in the target language, checks every one came back
/// exactly once, and writes the brief when asked.
async fn translate_article(
    session: &Session,
    prepared: Prepared,
    progress: ProgressBar,
    brief_points: Option<u8>,
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
    let pipeline = session.main.pipeline(progress);
    let (translated, mut usage, mut warnings) = send(pipeline, job, session.jobs).await?;
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
        (Some(points), Some(connection)) => {
            let (brief, brief_usage, brief_warnings) =
                write_brief(connection, &prepared, points).await?;
            usage.add(&brief_usage);
            warnings.extend(brief_warnings);
            Some(brief)
        }
        _ => None,
    };
    let report = Report {
        source: prepared.source,
        target: TargetInfo {
            language: prepared.target,
        },
        provider: provider_info(&session.main.provider),
        paragraphs,
        boilerplate: prepared.boilerplate,
        usage,
        brief,
        checks,
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

/// Plans the chunks within the budget for `jobs` requests at once and runs the pipeline.
/// Returns the translations, the usage and the cache's warnings.
async fn send(
    pipeline: Arc<Pipeline>,
    job: Job<'_>,
    jobs: u32,
) -> Result<(Vec<crate::provider::Translated>, Usage, Vec<String>), Error> {
    if job.paragraphs.is_empty() {
        return Ok((Vec::new(), Usage::default(), Vec::new()));
    }
    let chunks = crate::plan::plan(
        job.paragraphs,
        job.source,
        job.target,
        &pipeline.budget,
        jobs,
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

fn provider_info(provider: &ProviderSettings) -> ProviderInfo {
    ProviderInfo {
        name: provider.name.value.clone(),
        model: provider.model.value.clone(),
    }
}
