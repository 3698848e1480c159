//! One article through the stages, for a single run and for each article of a batch: read,
//! ingest, look the whole result up in the cache and else detect and choose the direction
//! ([`prepare()`]), then translate (and brief) or brief, verify, store and render ([`process`])
//! over a [`Session`] connected once and shared by every article.
//!
//! Built from resolved settings and plain [`TaskOptions`], never from clap types. Translations
//! arrive chunk by chunk from the pipeline and are released in paragraph order
//! ([`crate::verify::InOrder`]); the fidelity checks run on them off the async thread; the brief
//! is written at the same time. Each verified pair goes to a [`Sink`] the moment it and every
//! pair before it are checked ([`process_progressive`], for text and jsonl on stdout), or the
//! output is rendered whole at the end ([`process`]) by the same writer.

mod identity;
mod names;
mod prepare;
mod requests;
mod session;
mod translation;

use indicatif::ProgressBar;

use crate::brief::{Brief, BriefInput};
use crate::cache::{Cache, Key, ProviderIdentity};
use crate::config::{ProviderSettings, Settings};
use crate::detect::Detector;
use crate::error::Error;
use crate::ingest::ParagraphId;
use crate::ingest::sentence::Align;
use crate::language::LanguageCode;
use crate::pipeline::LiveSink;
use crate::prompt::Prompts;
use crate::render::progressive::Head;
use crate::render::{Format, Layout, Style};
use crate::report::{BriefReport, ParagraphPair, ProviderInfo, Report, Usage};
use crate::verify::fidelity::{Check, ChecksFailed};

use identity::{ReportIdentity, identity_of};
use prepare::{Body, is_already_target};
pub(super) use prepare::{Prepared, prepare};
pub(super) use requests::{ArticleRequests, Asked, Requester};
pub(super) use session::{RunOptions, Session};

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

/// What the user asked of each article, as plain data (the subcommands build it from flags).
#[derive(Debug, Clone, Copy)]
pub(super) struct TaskOptions {
    pub(super) kind: TaskKind,
    /// `--from`: the source language instead of detecting it.
    pub(super) from: Option<LanguageCode>,
    /// `--keep-boilerplate`: translate the footer too.
    pub(super) keep_boilerplate: bool,
    pub(super) format: Format,
    pub(super) layout: Layout,
    /// Whether the output goes to files (no colour then).
    pub(super) writes_files: bool,
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
    /// The profile names of the translation's and the brief's provider.
    names: (String, Option<String>),
    /// The cache of whole results, unless disabled.
    cache: Option<Cache>,
    /// `main`'s exit code of an error: what jsonl's `end` record says a `--strict` run with
    /// failed checks ends with.
    exit_code: fn(&Error) -> u8,
    /// The glossaries and whether chunks carry the text before them (`translate` only).
    terms: Terms,
}

/// What `translate` keeps consistent across an article: the glossaries given and whether
/// each chunk carries the source text before it.
#[derive(Debug, Clone, Default)]
pub(super) struct Terms {
    pub(super) glossaries: std::sync::Arc<crate::glossary::Glossaries>,
    pub(super) context: bool,
}

impl Terms {
    /// What the terms add to a cache identity: a digest of every glossary entry of every
    /// pair (the direction is not known before detection) and the context switch.
    fn identity(&self) -> (Option<String>, bool) {
        let glossary = (!self.glossaries.is_empty()).then(|| {
            let rows: Vec<String> = self
                .glossaries
                .0
                .iter()
                .flat_map(|g| {
                    g.terms.iter().map(move |t| {
                        format!(
                            "{}→{}\t{}\t{}\t{}",
                            g.source, g.target, t.source, t.target, t.case_sensitive
                        )
                    })
                })
                .collect();
            crate::cache::digest(&rows.iter().map(String::as_str).collect::<Vec<_>>())
        });
        (glossary, self.context)
    }
}

impl Task {
    pub(super) fn new(
        options: TaskOptions,
        prompts: Prompts,
        (main, brief): (&ProviderSettings, Option<&ProviderSettings>),
        settings: &Settings,
        exit_code: fn(&Error) -> u8,
    ) -> Task {
        let brief_points = match options.kind {
            TaskKind::Translate { brief_points, .. } => brief_points,
            TaskKind::Brief { points, .. } => Some(points),
        };
        let brief = match options.kind {
            TaskKind::Brief { .. } => Some(main),
            TaskKind::Translate { .. } => brief,
        };
        let producers = (
            identity_of(main, &prompts),
            brief
                .zip(brief_points)
                .map(|(provider, points)| (identity_of(provider, &prompts), points)),
        );
        let mut run = RunOptions::of(settings);
        run.align = alignment(options, settings);
        let names = (main.name.value.clone(), brief.map(|b| b.name.value.clone()));
        Task {
            names,
            kind: options.kind,
            prompts,
            from: options.from,
            to: settings.to.as_ref().map(|to| to.value),
            keep_boilerplate: options.keep_boilerplate,
            format: options.format,
            style: Style {
                color: settings.color.value && !options.writes_files,
                width: settings.width.value,
                layout: options.layout,
                date: settings.date,
                align: run.align,
            },
            cache: run.cache_dir.clone().map(Cache::new),
            run,
            verbose: settings.verbose,
            producers,
            exit_code,
            terms: Terms::default(),
        }
    }

    /// How text output looks (colour, width, layout).
    pub(super) fn style(&self) -> &Style {
        &self.style
    }

    /// This task with glossaries and context (for `translate`).
    pub(super) fn with_terms(mut self, terms: Terms) -> Task {
        self.run.glossaries = std::sync::Arc::clone(&terms.glossaries);
        Task { terms, ..self }
    }

    /// What changes the output of every article of this task, for the batch manifest: the
    /// command and its options, the languages asked for, the format (with width and layout
    /// for text), and every provider with its model, endpoint, prompts and options. Not the
    /// HTML page's date, nor anything secret.
    pub(super) fn made_with(&self) -> serde_json::Value {
        let (command, points, only_target) = match self.kind {
            TaskKind::Translate { brief_points, .. } => ("translate", brief_points, false),
            TaskKind::Brief {
                points,
                only_target,
            } => ("brief", Some(points), only_target),
        };
        let align = self.run.align;
        let text = (self.format == Format::Text).then(|| {
            serde_json::json!({
                "width": self.style.width,
                "layout": format!("{:?}", self.style.layout.for_width(self.style.width)),
            })
        });
        serde_json::json!({
            "command": command,
            "brief_points": points,
            "only_target": only_target,
            "from": self.from,
            "to": self.to,
            "keep_boilerplate": self.keep_boilerplate,
            "format": format!("{:?}", self.format).to_lowercase(),
            "text": text,
            "align": (align == Align::Sentence).then_some(align),
            "glossary": self.terms.identity().0,
            "context": self.terms.context,
            "provider": who(&self.names.0, &self.producers.0),
            "brief_provider": self.names.1.as_deref().zip(self.producers.1.as_ref()).map(
                |(name, (identity, points))| {
                    serde_json::json!({ "provider": who(name, identity), "points": points })
                }
            ),
        })
    }

    /// The cache key of this article's whole result, unless the cache is off.
    fn report_key(&self, body: &Body) -> Option<Key> {
        self.cache.as_ref()?;
        let command = match self.kind {
            TaskKind::Translate { .. } => "translate",
            TaskKind::Brief { .. } => "brief",
        };
        Some(
            ReportIdentity::new(command, self.producers.clone(), (self.from, self.to), body)
                .with_terms(self.terms.identity())
                .aligned(self.run.align)
                .key(),
        )
    }

    /// The finished result as output, with `warnings` and the cache's own.
    fn render(&self, finished: &Finished, warnings: Vec<String>) -> Result<Rendered, Error> {
        let output = match finished {
            Finished::Translation(report) => {
                let code = self.exit_code_of(report);
                super::rendered(|out| {
                    crate::render::translation(report, self.format, &self.style, code, out)
                })?
            }
            Finished::Brief(report) => {
                let only_target = matches!(
                    self.kind,
                    TaskKind::Brief {
                        only_target: true,
                        ..
                    }
                );
                super::rendered(|out| {
                    crate::render::brief(report, self.format, &self.style, only_target, out)
                })?
            }
        };
        Ok(self.rendered(output, finished, warnings))
    }

    /// What goes with an output (written already when it was progressive): the failed checks
    /// (which fail the run with `--strict`), the warnings with the cache's own, the usage.
    fn rendered(
        &self,
        output: Vec<u8>,
        finished: &Finished,
        mut warnings: Vec<String>,
    ) -> Rendered {
        let (failed, usage, paragraphs) = match finished {
            Finished::Translation(report) => (
                ChecksFailed::of(&report.checks),
                &report.usage,
                report.paragraphs.len(),
            ),
            Finished::Brief(report) => (None, &report.usage, 0),
        };
        if let Some(cache) = &self.cache {
            warnings.extend(cache.take_warnings());
        }
        Rendered {
            output,
            flagged: failed.is_some(),
            failed: failed.filter(|_| self.is_strict()),
            warnings,
            notes: self.verbose.then(|| usage.summary()).into_iter().collect(),
            paragraphs,
            cost: usage.cost,
        }
    }

    fn is_strict(&self) -> bool {
        matches!(self.kind, TaskKind::Translate { strict: true, .. })
    }

    /// The status a translation's run ends with: the exit code `main` gives failed checks
    /// with `--strict`, else 0.
    pub(super) fn exit_code_of(&self, report: &Report) -> u8 {
        match ChecksFailed::of(&report.checks).filter(|_| self.is_strict()) {
            Some(failed) => (self.exit_code)(&Error::from(failed)),
            None => 0,
        }
    }

    /// [`Task::rendered`] for a translation written progressively: no output left to write.
    pub(super) fn streamed(&self, report: Report, warnings: Vec<String>) -> Rendered {
        self.rendered(Vec::new(), &Finished::Translation(report), warnings)
    }
}

/// What a task's translations are aligned by: the settings' choice, except that
/// `--layout interlinear` asks for sentences unless a layer named the alignment. A brief
/// translates nothing, so it aligns nothing.
fn alignment(options: TaskOptions, settings: &Settings) -> Align {
    match options.kind {
        TaskKind::Brief { .. } => Align::Paragraph,
        TaskKind::Translate { .. }
            if options.layout == Layout::Interlinear
                && settings.align.source == crate::config::Source::Default =>
        {
            Align::Sentence
        }
        TaskKind::Translate { .. } => settings.align.value,
    }
}

/// A provider as the batch manifest records it: profile, kind, model, prompts and options.
/// Not the base URL: the same provider reached at another address (a restarted local server
/// on a new port) makes the same output.
fn who(name: &str, identity: &ProviderIdentity) -> serde_json::Value {
    serde_json::json!({
        "profile": name,
        "kind": identity.kind,
        "model": identity.model,
        "prompts": identity.prompts,
        "options": identity.options,
    })
}

/// An article ready for [`process`]: its result found in the cache (already rendered), or
/// detected and waiting to be sent, with the cache key its result will be stored under.
pub(super) enum Ready {
    Cached(Rendered),
    Fresh {
        prepared: Box<Prepared>,
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
    /// Whether any fidelity check failed (with or without `--strict`).
    pub(super) flagged: bool,
    /// What it cost, when the profile has prices.
    pub(super) cost: Option<f64>,
}

/// A verified result, as the cache stores it.
enum Finished {
    Translation(Report),
    Brief(BriefReport),
}

impl Finished {
    /// Why a cached result cannot stand for `body`, if it cannot: a translation must have every
    /// paragraph of the article exactly once, with the article's text and a visible
    /// translation, and the same boilerplate; a brief may cite only the article's paragraphs.
    fn mismatch(&self, body: &Body) -> Option<String> {
        let ids: Vec<ParagraphId> = body.paragraphs.iter().map(|p| p.id).collect();
        match self {
            Finished::Translation(report) => {
                let pairs = report.paragraphs.iter().map(|p| (p.id, p.target.as_str()));
                let sentences = report
                    .paragraphs
                    .iter()
                    .map(|p| (p.id, p.source.as_str(), p.sentences.as_slice()));
                if let Err(broken) = crate::verify::whole(ids, pairs)
                    .and_then(|()| crate::verify::sentences::whole(sentences))
                {
                    return Some(broken.to_string());
                }
                let sources = report.paragraphs.iter().map(|p| (p.id, p.source.as_str()));
                let texts = body.paragraphs.iter().map(|p| (p.id, p.text.as_str()));
                if !sources.eq(texts) || report.boilerplate != body.boilerplate {
                    return Some("its text is not the article's".to_owned());
                }
                None
            }
            Finished::Brief(report) => {
                let brief = &report.brief;
                let cited = brief.points.iter().map(|p| &p.paragraphs);
                let cited = cited.chain(brief.entities.iter().map(|e| &e.paragraphs));
                let stray = cited.flatten().find(|id| !ids.contains(id))?;
                Some(format!("it cites {stray}, which the article does not have"))
            }
        }
    }

    fn usage(&mut self) -> &mut Usage {
        match self {
            Finished::Translation(report) => &mut report.usage,
            Finished::Brief(report) => &mut report.usage,
        }
    }

    /// A warning when the brief of a result from the cache has fewer key points than `asked`
    /// (the run that wrote it left some out, and said why then).
    fn fewer_points(&self, asked: Option<u8>) -> Option<String> {
        let brief = match self {
            Finished::Translation(report) => report.brief.as_ref()?,
            Finished::Brief(report) => &report.brief,
        };
        brief.fewer_points_from_cache(asked?)
    }
}

/// Where a translation's pairs go the moment they are verified: progressive output.
pub(super) trait Sink {
    /// Before the first request: the header's facts, every paragraph's source text in order
    /// (for a pager's estimate of the height) and the boilerplate set aside.
    fn start(
        &mut self,
        head: &Head<'_>,
        sources: &[&str],
        boilerplate: &[String],
    ) -> Result<(), Error>;
    /// One pair, checked (and repaired), in article order, with the checks it failed.
    fn pair(&mut self, pair: &ParagraphPair, checks: &[Check]) -> Result<(), Error>;
    /// Where streamed answers are shown while they arrive (the status area).
    fn live(&self) -> LiveSink;
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
    let guessed = guess_warning(&prepared);
    let (finished, mut warnings) = match task.kind {
        TaskKind::Translate { brief_points, .. } => {
            let (report, warnings) = translation::translate_article(
                session,
                *prepared,
                progress,
                (brief_points, &task.terms),
                None,
            )
            .await?;
            (Finished::Translation(report), warnings)
        }
        TaskKind::Brief { points, .. } => {
            let (brief, usage, warnings) =
                write_brief(&session.main, &prepared, (points, &task.terms)).await?;
            let report = BriefReport {
                source: prepared.source(),
                target: prepared.target(),
                provider: provider_info(&session.main.provider),
                brief,
                usage,
            };
            (Finished::Brief(report), warnings)
        }
    };
    warnings.splice(0..0, guessed);
    task.store(key.as_ref(), &finished);
    task.render(&finished, warnings)
}

/// [`process`] for a translation written as it is verified: the header's facts, then each
/// pair, go to `sink`; the finished report (for what follows the pairs) is stored in the cache
/// and returned with the warnings. A `--brief` run is translated and briefed at once.
pub(super) async fn process_progressive(
    task: &Task,
    session: &Session,
    prepared: Prepared,
    key: Option<Key>,
    progress: ProgressBar,
    sink: &mut (dyn Sink + Send),
) -> Result<(Report, Vec<String>), Error> {
    let guessed = guess_warning(&prepared);
    let brief_points = match task.kind {
        TaskKind::Translate { brief_points, .. } => brief_points,
        TaskKind::Brief { .. } => None,
    };
    let (report, mut warnings) = translation::translate_article(
        session,
        prepared,
        progress,
        (brief_points, &task.terms),
        Some(sink),
    )
    .await?;
    warnings.splice(0..0, guessed);
    if let (Some(cache), Some(key)) = (&task.cache, &key) {
        cache.put(key, &report);
    }
    Ok((report, warnings))
}

impl Task {
    /// Puts a verified result into the cache of whole results under `key`.
    fn store(&self, key: Option<&Key>, finished: &Finished) {
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            match finished {
                Finished::Translation(report) => cache.put(key, report),
                Finished::Brief(report) => cache.put(key, report),
            }
        }
    }
}

/// A short text's language may be a guess: a warning that says so, unless `--from` gave it.
fn guess_warning(prepared: &Prepared) -> Option<String> {
    prepared
        .detection
        .guess()
        .filter(|_| !prepared.direction.forced)
        .map(|(language, confidence)| super::detect::guess_warning(language, confidence))
}

/// Asks the connection's provider for a brief of `points` key points of the prepared
/// paragraphs, its texts translated with the glossary of `terms`, and verifies it.
async fn write_brief(
    connection: &session::Connection,
    prepared: &Prepared,
    (points, terms): (u8, &Terms),
) -> Result<(Brief, Usage, Vec<String>), Error> {
    let fitting = crate::brief::points_for(points, &prepared.paragraphs);
    let input = BriefInput {
        source_language: prepared.direction.source,
        target_language: prepared.direction.target,
        points: fitting,
        paragraphs: prepared.paragraphs.clone(),
    };
    let mut warnings = Vec::new();
    if fitting < points {
        let (sentences, key_points) = if fitting == 1 {
            ("sentence", "key point")
        } else {
            ("sentences", "key points")
        };
        warnings.push(format!(
            "the article has {fitting} {sentences}: its brief has at most {fitting} {key_points}, not {points}"
        ));
    }
    let pipeline = connection.pipeline(ProgressBar::hidden());
    let checked = input.clone();
    let check: crate::pipeline::BriefCheck = std::sync::Arc::new(move |brief: &Brief| {
        crate::verify::brief::check(brief, &checked, &Detector::new())
    });
    let glossary = terms
        .glossaries
        .terms_for(prepared.direction.source, prepared.direction.target);
    let brief = pipeline.brief(&input, &glossary, check).await?;
    warnings.extend(pipeline.take_warnings());
    Ok((brief, pipeline.usage(0), warnings))
}

fn provider_info(provider: &ProviderSettings) -> ProviderInfo {
    ProviderInfo {
        name: provider.name.value.clone(),
        model: provider.model.value.clone(),
    }
}
