//! Collecting a job's articles: the downloaded results (or an imported results file) are
//! indexed on disk ([`Results`]), and every waiting article whose requests all have an answer
//! is done the way a synchronous batch does it ([`crate::batch::run`]: up to `--jobs` at once,
//! each output written whole, the manifest kept), its pipelines taking the batch's answers in
//! place of their first requests ([`crate::pipeline::Answers`]): the contract, the repair of a
//! broken reply, the fidelity checks and the repair of a broken paragraph, the cache, all as
//! in a synchronous run. A request the batch refused fails its article as the same refusal
//! would have (unless it refused a parameter: then it goes synchronously, which adapts). A
//! request that expired, was cancelled or met a server error is sent again in a new part, at
//! most [`MAX_TRIES`] times; an article edited since its requests went out is sent anew.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;

use super::{Context, Tally};
use crate::batch::job::{ArticleState, Carrier, Job, JobError, Step, file_digest};
use crate::batch::results::Results;
use crate::batch::{self, Done, Failure, Item};
use crate::command::article::{Session, prepare, process};
use crate::error::Error;
use crate::input::Source;
use crate::pipeline::Answers;
use crate::provider::WireReply;
use crate::provider::engine::Outcome;
use crate::render::progress::BatchProgress;

/// Batches a request is sent in at most before its article fails.
pub(super) const MAX_TRIES: u32 = 3;

/// Where an article of the job stands, as its requests' answers say.
enum Standing {
    /// Every request answered or refused: it can be collected.
    Ready,
    /// Some request is still out.
    Out,
    /// Some requests came back unanswered (`why`): they go out again.
    Unanswered(Vec<String>, String),
    /// Its batch was refused as a whole.
    Refused(JobError),
}

/// What the answers say of the waiting articles.
#[derive(Default)]
struct Sorted {
    /// Articles (indexes into the job) whose requests all have an answer.
    ready: Vec<usize>,
    /// Requests to send again.
    again: HashSet<String>,
    /// Articles edited since their requests were sent.
    changed: Vec<usize>,
    /// Whether any article moved on (failed, or goes out again).
    moved: bool,
}

/// Collects what can be collected, sends again what came back unanswered (a batch API) or
/// fails it (an imported file); returns whether anything moved.
pub(super) async fn collect(
    ctx: &Arc<Context>,
    job: &mut Job,
    import: Option<&Path>,
    tally: &mut Tally,
) -> Result<bool, Error> {
    let results = Arc::new(index(ctx, job, import).await?);
    let sorted = sort(ctx, job, &results, import, tally)?;
    let moved = sorted.moved || !sorted.ready.is_empty() || !sorted.changed.is_empty();
    run(ctx, job, sorted.ready, results, tally).await?;
    if !sorted.again.is_empty() {
        let mut writer = ctx.job_dir.writer(job.next_part(), ctx.limits)?;
        super::submit::copy_lines(ctx, job, &sorted.again, |line| writer.add(line))?;
        job.parts.extend(writer.finish()?);
    }
    if !sorted.changed.is_empty() {
        let items: Vec<Item> = sorted
            .changed
            .into_iter()
            .map(|at| {
                let article = &mut job.articles[at];
                article.state = ArticleState::Replaced;
                Item {
                    input: article.input.clone(),
                    output: article.output.clone(),
                    made_another_way: false,
                }
            })
            .collect();
        super::submit::add(ctx, job, items, tally).await?;
    }
    Ok(moved)
}

/// Sorts the waiting articles by what their requests' answers say; fails those that cannot
/// be answered (a refused batch, requests unanswered too often or missing from an import).
fn sort(
    ctx: &Context,
    job: &mut Job,
    results: &Results,
    import: Option<&Path>,
    tally: &mut Tally,
) -> Result<Sorted, Error> {
    let (out, refused) = part_lines(ctx, job)?;
    let mut sorted = Sorted::default();
    // A job cancelled by hand sends nothing again: what its batches left unanswered fails.
    let resend = ctx.carrier != Carrier::File && !job.cancelled;
    for at in 0..job.articles.len() {
        let article = &mut job.articles[at];
        if article.state != ArticleState::Waiting {
            continue;
        }
        if file_digest(&article.input).unwrap_or_default() != article.digest {
            sorted.changed.push(at);
            continue;
        }
        let lines = article.lines.iter();
        match standing(ctx, lines, results, &out, &refused, import.is_some()) {
            Standing::Ready => sorted.ready.push(at),
            Standing::Out => {}
            Standing::Refused(error) => {
                fail(article, error.into(), tally);
                sorted.moved = true;
            }
            Standing::Unanswered(lines, why) => {
                sorted.moved = true;
                let count = lines.len();
                let error = match import {
                    Some(file) => JobError::NotImported {
                        file: file.to_owned(),
                        count,
                        why,
                    },
                    None if resend && article.tries < MAX_TRIES => {
                        article.tries += 1;
                        sorted.again.extend(lines);
                        continue;
                    }
                    // An export: the requests go into the next export.
                    None if ctx.carrier == Carrier::File => continue,
                    None => JobError::Unanswered {
                        count,
                        tries: article.tries + 1,
                        why,
                    },
                };
                fail(article, error.into(), tally);
            }
        }
    }
    Ok(sorted)
}

/// Marks `article` failed with `error`, a failure of this run.
fn fail(article: &mut crate::batch::job::JobArticle, error: Error, tally: &mut Tally) {
    article.state = ArticleState::Failed {
        error: error.to_string(),
    };
    tally.failures.push(Failure {
        path: article.input.clone(),
        error,
    });
}

/// Where an article with request `lines` stands.
fn standing<'a>(
    ctx: &Context,
    lines: impl Iterator<Item = &'a String>,
    results: &Results,
    out: &HashSet<String>,
    refused: &HashMap<String, (String, Option<String>)>,
    imported: bool,
) -> Standing {
    let mut unanswered = Vec::new();
    let mut why = String::new();
    let mut waiting = false;
    for id in lines {
        if let Some((batch, detail)) = refused.get(id) {
            return Standing::Refused(JobError::BatchFailed {
                batch: batch.clone(),
                detail: detail.clone(),
            });
        }
        if results.answered(id) {
            continue;
        }
        // Sent again and still out: what an earlier batch said of it no longer counts.
        if out.contains(id) && !imported {
            waiting = true;
            continue;
        }
        let outcome = results
            .line(id)
            .ok()
            .flatten()
            .and_then(|line| ctx.engine.decode_line(&line).ok())
            .map(|line| line.outcome);
        match outcome {
            Some(Outcome::Refused { .. }) => {}
            Some(Outcome::Unanswered { why: said }) => {
                why = said;
                unanswered.push(id.clone());
            }
            Some(Outcome::Answered(_)) => {}
            None => {
                why = "no result line".to_owned();
                unanswered.push(id.clone());
            }
        }
    }
    match (waiting, unanswered.is_empty()) {
        (true, _) => Standing::Out,
        (false, true) => Standing::Ready,
        (false, false) => Standing::Unanswered(unanswered, why),
    }
}

/// The downloaded results of the job's parts, and the imported file.
async fn index(ctx: &Context, job: &Job, import: Option<&Path>) -> Result<Results, Error> {
    let mut files: Vec<PathBuf> = job
        .parts
        .iter()
        .filter(|p| matches!(p.step, Step::Downloaded { .. }))
        .map(|p| ctx.job_dir.results(p.number))
        .collect();
    files.extend(import.map(Path::to_owned));
    let engine = ctx.engine.clone();
    tokio::task::spawn_blocking(move || {
        let mut results = Results::default();
        let read = |line: &[u8]| {
            let line = engine.decode_line(line).ok()?;
            Some((line.custom_id, matches!(line.outcome, Outcome::Answered(_))))
        };
        for file in files {
            results
                .add(&file, &read)
                .map_err(|source| JobError::Results { path: file, source })?;
        }
        Ok::<_, Error>(results)
    })
    .await
    .map_err(|source| Error::Task {
        what: "batch results",
        source,
    })?
}

/// The request lines of the parts still out (not downloaded), and of the parts whose batch
/// was refused as a whole (with the batch and why).
#[expect(
    clippy::type_complexity,
    reason = "two plain sets of ids, read in one pass over the part files"
)]
fn part_lines(
    ctx: &Context,
    job: &Job,
) -> Result<(HashSet<String>, HashMap<String, (String, Option<String>)>), Error> {
    use std::io::BufRead;
    let mut out = HashSet::new();
    let mut refused = HashMap::new();
    for part in &job.parts {
        let failed = match &part.step {
            Step::Downloaded {
                batch,
                phase: crate::provider::engine::Phase::Failed,
                error,
            } => Some((batch.clone(), error.clone())),
            step if step.is_out() => None,
            _ => continue,
        };
        let path = ctx.job_dir.part(part.number);
        let file = std::fs::File::open(&path).map_err(|e| JobError::Read {
            dir: path.clone(),
            detail: e.to_string(),
        })?;
        for line in std::io::BufReader::new(file).split(b'\n') {
            let line = line.map_err(|e| JobError::Read {
                dir: path.clone(),
                detail: e.to_string(),
            })?;
            let Some(id) = super::submit::line_id(&line) else {
                continue;
            };
            match &failed {
                Some(why) => {
                    refused.insert(id, why.clone());
                }
                None => {
                    out.insert(id);
                }
            }
        }
    }
    Ok((out, refused))
}

/// Collects the articles at `ready` (indexes into the job) and records how each ended.
async fn run(
    ctx: &Arc<Context>,
    job: &mut Job,
    ready: Vec<usize>,
    results: Arc<Results>,
    tally: &mut Tally,
) -> Result<(), Error> {
    if ready.is_empty() {
        return Ok(());
    }
    let index_of: Arc<HashMap<PathBuf, usize>> = Arc::new(
        ready
            .iter()
            .map(|&at| (job.articles[at].input.clone(), at))
            .collect(),
    );
    let inputs: Vec<PathBuf> = ready
        .iter()
        .map(|&at| job.articles[at].input.clone())
        .collect();
    let plan = batch::plan(
        inputs.clone(),
        &ctx.out_dir,
        ctx.extension,
        false,
        ctx.record.clone(),
    )?;
    let articles = plan.todo.len();
    let answers = Arc::new(Answers::default());
    let job_id: Arc<str> = Arc::from(job.id.as_str());
    let session = Arc::new(session(ctx, &answers).await?);
    let mut progress = BatchProgress::new(ctx.progress, articles, "collecting batch answers");
    let work = |path: PathBuf, bar: ProgressBar| {
        let (ctx, session, results, answers) = (
            Arc::clone(ctx),
            Arc::clone(&session),
            Arc::clone(&results),
            Arc::clone(&answers),
        );
        let index = index_of.get(&path).copied().unwrap_or_default();
        let id = (Arc::clone(&job_id), index);
        async move { collect_one(&ctx, &session, (&results, &answers), (id, path), bar).await }
    };
    let report = batch::run(plan, ctx.jobs as usize, &mut progress, work).await;
    let failed: HashMap<PathBuf, String> = report
        .failures
        .iter()
        .map(|f| (f.path.clone(), f.error.to_string()))
        .collect();
    tally.add(report);
    record_ends(ctx, job, &ready, inputs, &failed)
}

/// The providers' session for collecting, its pipelines taking `answers` first.
async fn session(ctx: &Context, answers: &Arc<Answers>) -> Result<Session, Error> {
    let mut session = Session::open(
        ctx.main.clone(),
        ctx.brief.clone(),
        &ctx.task.prompts,
        &ctx.task.run,
    )
    .await?;
    session.answered_by_batch(answers);
    Ok(session)
}

/// Records how the articles at `ready` ended: failed as `failed` says, written when the batch
/// manifest says their output is there (written now, or by a run killed after writing it),
/// else still waiting.
fn record_ends(
    ctx: &Context,
    job: &mut Job,
    ready: &[usize],
    inputs: Vec<PathBuf>,
    failed: &HashMap<PathBuf, String>,
) -> Result<(), Error> {
    let still = batch::plan(
        inputs,
        &ctx.out_dir,
        ctx.extension,
        false,
        ctx.record.clone(),
    )?;
    let missing: HashSet<PathBuf> = still.todo.into_iter().map(|item| item.input).collect();
    for &at in ready {
        let article = &mut job.articles[at];
        if let Some(error) = failed.get(&article.input) {
            article.state = ArticleState::Failed {
                error: error.clone(),
            };
        } else if !missing.contains(&article.input) {
            article.state = ArticleState::Written;
        }
    }
    Ok(())
}

/// One article: prepared again, its answers filed for its pipelines, then processed as a
/// synchronous run processes it.
async fn collect_one(
    ctx: &Context,
    session: &Session,
    (results, answers): (&Arc<Results>, &Arc<Answers>),
    ((job, index), path): ((Arc<str>, usize), PathBuf),
    bar: ProgressBar,
) -> Result<Done, Error> {
    let (task, requester) = (Arc::clone(&ctx.task), Arc::clone(&ctx.requester));
    let (ready, planned) = tokio::task::spawn_blocking(move || {
        let ready = prepare(&Source::File(path), &task)?;
        let planned = requester.requests(&task, &ready)?;
        Ok::<_, Error>((ready, planned))
    })
    .await
    .map_err(|source| Error::Task {
        what: "article reading",
        source,
    })??;
    let mut keys = Vec::new();
    for request in &planned.requests {
        let id = super::submit::request_id(&job, index, request.asked);
        let line = results.line(&id).map_err(|source| JobError::Results {
            path: PathBuf::from(&id),
            source,
        })?;
        let Some(line) = line else { continue };
        match ctx.engine.decode_line(&line)?.outcome {
            Outcome::Answered(body) => {
                answers.insert(request.key.clone(), WireReply::plain(200, body));
                keys.push(request.key.clone());
            }
            Outcome::Refused { status, body }
                if !ctx
                    .requester
                    .refuses_parameter(request.asked, status, &body) =>
            {
                answers.forget(&keys);
                let url = format!("{} (a request in a batch)", ctx.engine.base_url);
                return Err(super::refusal(&ctx.main, url, status, &body));
            }
            Outcome::Refused { .. } | Outcome::Unanswered { .. } => {}
        }
    }
    let paragraphs = ready.paragraphs();
    let rendered = process(&ctx.task, session, ready, bar).await;
    answers.forget(&keys);
    let rendered = rendered?;
    match rendered.failed {
        Some(failed) => Err(failed.into()),
        None => Ok(Done {
            output: rendered.output,
            paragraphs,
            flagged: rendered.flagged,
            cost: rendered.cost,
        }),
    }
}
