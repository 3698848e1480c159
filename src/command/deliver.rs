//! Where `translate` and `brief` write: one article to stdout or `-o FILE`, or a batch into
//! `--out-dir`, each output written whole or not at all. Usage errors come before anything is
//! read. A translation to stdout in text or jsonl is written as it is verified
//! ([`super::progressive`]); whole output on a terminal may go through a pager.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;

use super::article::{Ready, Session, Task, TaskKind, prepare, process};
use super::{Outcome, block_on_interruptible, runtime};
use crate::batch::{self, BatchError, BatchPlanError};
use crate::cli::{ArticlesArgs, OutputArgs};
use crate::config::{ProviderSettings, Settings};
use crate::error::Error;
use crate::input::Source;
use crate::output::write_output;
use crate::render::Format;
use crate::render::progress::{BatchProgress, request_bar};

/// Where the output goes, decided from the flags before anything is read.
pub(super) enum Destination {
    /// One article (a file or stdin) to stdout.
    Stdout(Source),
    /// One article to a file, replaced whole or not at all.
    File(Source, PathBuf),
    /// Many articles, one output each in a directory.
    Directory {
        articles: Vec<PathBuf>,
        dir: PathBuf,
        force: bool,
        mode: Mode,
    },
    /// Articles estimated and nothing sent (`--dry-run` without `--out-dir`).
    DryRun(Vec<Source>),
}

/// How the articles of a directory batch are done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mode {
    /// Request by request.
    Sync,
    /// Estimated, nothing sent (`--dry-run`), as a batch API run would send them or not.
    DryRun { batch_api: bool },
    /// Through the provider's batch API (`--batch-api`).
    BatchApi { wait: Option<std::time::Duration> },
    /// Written to a batch file for another engine (`--export-batch FILE`).
    Export(PathBuf),
    /// Collected from another engine's results file (`--import-batch FILE`).
    Import(PathBuf),
}

impl Mode {
    fn of(bulk: &crate::cli::BulkArgs) -> Mode {
        if bulk.dry_run {
            Mode::DryRun {
                batch_api: bulk.batch_api,
            }
        } else if bulk.batch_api {
            Mode::BatchApi {
                wait: bulk.wait.then_some(bulk.poll_interval),
            }
        } else if let Some(file) = &bulk.export_batch {
            Mode::Export(file.clone())
        } else if let Some(file) = &bulk.import_batch {
            Mode::Import(file.clone())
        } else {
            Mode::Sync
        }
    }
}

impl Destination {
    /// The destination the flags ask for, or why they do not make one.
    pub(super) fn of(input: &ArticlesArgs, output: &OutputArgs) -> Result<Destination, Error> {
        if let Some(dir) = &output.out_dir {
            return Ok(Destination::Directory {
                articles: batch::articles(&input.files)?,
                dir: dir.clone(),
                force: output.force,
                mode: Mode::of(&output.bulk),
            });
        }
        if output.bulk.dry_run {
            // Nothing is written: any number of articles, or one from stdin.
            return Ok(Destination::DryRun(match input.files.as_slice() {
                [] => vec![Source::Stdin],
                [one] if !one.is_dir() => vec![Source::from_arg(one)],
                several => batch::articles(several)?
                    .iter()
                    .map(|path| Source::File(path.clone()))
                    .collect(),
            }));
        }
        let article = match input.files.as_slice() {
            [] => Source::Stdin,
            [one] if one.is_dir() => {
                return Err(BatchPlanError::DirectoryWithoutOutDir { path: one.clone() }.into());
            }
            [one] => Source::from_arg(one),
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
        match (&output.output, &article) {
            (None, _) => Ok(Destination::Stdout(article)),
            // `-o -` is stdout, as for the article.
            (Some(file), _) if file.as_path() == Path::new("-") => Ok(Destination::Stdout(article)),
            (Some(file), Source::File(path)) if batch::is_same_file(path, file) => {
                Err(BatchPlanError::OutputIsInput { path: path.clone() }.into())
            }
            (Some(file), _) => Ok(Destination::File(article, file.clone())),
        }
    }
}

/// Runs `task` on the articles and writes where `destination` says.
pub(super) fn deliver(
    task: Task,
    (main, brief): (ProviderSettings, Option<ProviderSettings>),
    destination: Destination,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let (article, file) = match destination {
        Destination::Directory {
            articles,
            dir,
            force,
            mode,
        } => return to_directory(task, (main, brief), (articles, &dir, force), mode, settings),
        Destination::DryRun(articles) => {
            let asked = super::dry_run::DryRun {
                articles,
                skipped: 0,
                batch_api: false,
            };
            return super::dry_run::run(task, (main, brief), asked, settings);
        }
        Destination::Stdout(article)
            if matches!(task.kind, TaskKind::Translate { .. })
                && matches!(task.format, Format::Text | Format::Jsonl) =>
        {
            return super::progressive::deliver(task, (main, brief), article, settings);
        }
        Destination::Stdout(article) => (article, None),
        Destination::File(article, file) => (article, Some(file)),
    };
    let rendered = match prepare(&article, &task)? {
        Ready::Cached(rendered) => rendered,
        fresh => {
            let progress = match task.kind {
                TaskKind::Translate { .. } => request_bar(
                    settings.progress,
                    0,
                    &format!("translating with {}", main.name.value),
                ),
                TaskKind::Brief { .. } => ProgressBar::hidden(),
            };
            let mut rendered = block_on_interruptible(async {
                let session = Session::open(main, brief, &task.prompts, &task.run).await?;
                process(&task, &session, fresh, progress).await
            })?;
            // A result found whole in the cache wrote nothing; a fresh one may have pushed
            // the cache over its limit.
            rendered
                .warnings
                .extend(super::cache::keep_within_limit(settings));
            rendered
        }
    };
    let mut outcome = Outcome {
        output: Vec::new(),
        warnings: rendered.warnings,
        error_after_output: rendered.failed.map(Error::from),
        notes: rendered.notes,
    };
    match file {
        None => Ok(Outcome {
            output: super::progressive::page_whole(
                rendered.output,
                settings,
                &mut outcome.warnings,
            )?,
            ..outcome
        }),
        Some(file) => {
            write_output(&file, &rendered.output)
                .map_err(|source| Error::Output { path: file, source })?;
            Ok(outcome)
        }
    }
}

/// Many articles into `dir`, done as `mode` says: request by request, estimated, or through
/// a batch API or batch file.
fn to_directory(
    task: Task,
    providers: (ProviderSettings, Option<ProviderSettings>),
    (articles, dir, force): (Vec<PathBuf>, &Path, bool),
    mode: Mode,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let record = batch::Record::of(task.made_with());
    let plan = batch::plan(articles, dir, extension(task.format), force, record)?;
    match mode {
        Mode::Sync => run_batch(task, providers, plan, dir, settings),
        Mode::DryRun { batch_api } => {
            let asked = super::dry_run::DryRun {
                articles: plan
                    .todo
                    .iter()
                    .map(|item| Source::File(item.input.clone()))
                    .collect(),
                skipped: plan.skipped,
                batch_api,
            };
            super::dry_run::run(task, providers, asked, settings)
        }
        other => super::engine::run(task, providers, (plan, force), dir, other, settings),
    }
}

/// The output file extension for `format`.
pub(super) fn extension(format: Format) -> &'static str {
    match format {
        Format::Text => "txt",
        Format::Json => "json",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Jsonl => "jsonl",
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
    batch::prepare_out_dir(dir).map_err(|source| Error::Output {
        path: dir.to_owned(),
        source,
    })?;
    let jobs = settings.jobs.value;
    let what = match task.kind {
        TaskKind::Translate { .. } => format!("translating with {}", main.name.value),
        TaskKind::Brief { .. } => "writing briefs".to_owned(),
    };
    let report = if plan.todo.is_empty() {
        // Everything is done already: no provider is needed.
        BatchError::all_skipped(plan.skipped)
    } else {
        let mut progress = BatchProgress::new(settings.progress, plan.todo.len(), &what);
        runtime()?.block_on(async {
            let session = Arc::new(Session::open(main, brief, &task.prompts, &task.run).await?);
            let task = Arc::new(task);
            let work = |path: PathBuf, bar: ProgressBar| {
                let (task, session) = (Arc::clone(&task), Arc::clone(&session));
                async move {
                    let prepared = {
                        let task = Arc::clone(&task);
                        tokio::task::spawn_blocking(move || prepare(&Source::File(path), &task))
                            .await
                            .map_err(|source| Error::Task {
                                what: "article reading",
                                source,
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
                            flagged: rendered.flagged,
                            cost: rendered.cost,
                        }),
                    }
                }
            };
            Ok::<_, Error>(batch::run(plan, jobs as usize, &mut progress, work).await)
        })?
    };
    let warnings = super::cache::keep_within_limit(settings)
        .into_iter()
        .collect();
    if report.is_success() {
        Ok(Outcome {
            notes: vec![report.summary()],
            warnings,
            ..Outcome::default()
        })
    } else {
        Err(report.into())
    }
}
