//! Articles joining a job: each is read, detected and planned as a run would, and the requests
//! it would send first are written as lines of the job's parts, each under the `custom_id` of
//! its article and chunk (`a{article}-c{chunk}`, `a{article}-b` for the brief). An article
//! that fails before anything is sent (unreadable, language undecidable) fails now, as in a
//! synchronous batch; one whose result is in the cache, or whose requests cannot be batched
//! (a paragraph larger than a request, a brief by another provider), joins with fewer lines
//! and is collected with the rest. For `--export-batch` the lines of every waiting article
//! are then written into the export file.

use std::collections::HashSet;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use super::{Context, Tally};
use crate::batch::job::{ArticleState, Job, JobArticle, JobError, PartWriter, Step, file_digest};
use crate::batch::{Failure, Item};
use crate::command::article::{ArticleRequests, Asked, prepare};
use crate::error::Error;
use crate::input::Source;
use crate::provider::engine::custom_id;

/// Prepares the articles of `todo` that are not already waiting in the job, writes their
/// requests into new parts and records them; an article that fails on the way is a failure
/// of this run.
pub(super) async fn add(
    ctx: &Context,
    job: &mut Job,
    todo: Vec<Item>,
    tally: &mut Tally,
) -> Result<(), Error> {
    let waiting: HashSet<&Path> = job
        .articles
        .iter()
        .filter(|a| a.state == ArticleState::Waiting)
        .map(|a| a.input.as_path())
        .collect();
    let new: Vec<Item> = todo
        .into_iter()
        .filter(|item| !waiting.contains(item.input.as_path()))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    let mut writer = ctx.job_dir.writer(job.next_part(), ctx.limits)?;
    let (task, requester) = (ctx.task.clone(), ctx.requester.clone());
    let work = move |item: Item| {
        let digest = file_digest(&item.input).unwrap_or_default();
        let planned = prepare(&Source::File(item.input.clone()), &task)
            .and_then(|ready| requester.requests(&task, &ready));
        (item, digest, planned)
    };
    crate::command::in_order::in_order(new, work, |prepared| {
        join(ctx, job, &mut writer, tally, prepared)
    })
    .await?;
    job.parts.extend(writer.finish()?);
    ctx.job_dir.save(job)?;
    Ok(())
}

/// An article, as prepared and planned.
type Prepared = (Item, String, Result<ArticleRequests, Error>);

/// Adds a prepared article to the job, its batchable requests written as lines; an article
/// that failed on the way is recorded failed, a failure of this run.
fn join(
    ctx: &Context,
    job: &mut Job,
    writer: &mut PartWriter,
    tally: &mut Tally,
    (item, digest, planned): Prepared,
) -> Result<(), Error> {
    let index = job.articles.len();
    let mut article = JobArticle {
        input: item.input.clone(),
        output: item.output,
        digest,
        lines: Vec::new(),
        tries: 0,
        state: ArticleState::Waiting,
    };
    match planned {
        Ok(planned) => {
            for request in planned.requests.iter().filter(|r| r.batchable) {
                let id = request_id(&job.id, index, request.asked);
                writer.add(&ctx.engine.line(&id, &request.wire))?;
                article.lines.push(id);
            }
        }
        Err(error) => {
            article.state = ArticleState::Failed {
                error: error.to_string(),
            };
            tally.failures.push(Failure {
                path: item.input,
                error,
            });
        }
    }
    job.articles.push(article);
    Ok(())
}

/// The `custom_id` of the request `asked` of article `index` of job `job`.
pub(super) fn request_id(job: &str, index: usize, asked: Asked) -> String {
    match asked {
        Asked::Chunk(n) => custom_id(job, index, Some(n)),
        Asked::Brief => custom_id(job, index, None),
    }
}

/// The `custom_id` of a request line in a part file.
pub(super) fn line_id(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Line {
        custom_id: String,
    }
    serde_json::from_slice::<Line>(line)
        .ok()
        .map(|l| l.custom_id)
}

/// Copies the lines of the job's part files whose `custom_id` is in `wanted` into `into`,
/// each once; returns how many.
pub(super) fn copy_lines(
    ctx: &Context,
    job: &Job,
    wanted: &HashSet<String>,
    mut into: impl FnMut(&str) -> Result<(), JobError>,
) -> Result<usize, Error> {
    let mut copied = HashSet::new();
    for part in &job.parts {
        let path = ctx.job_dir.part(part.number);
        let file = std::fs::File::open(&path).map_err(|e| JobError::Read {
            dir: path.clone(),
            detail: e.to_string(),
        })?;
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(|e| JobError::Read {
                dir: path.clone(),
                detail: e.to_string(),
            })?;
            let Some(id) = line_id(line.as_bytes()) else {
                continue;
            };
            if wanted.contains(&id) && copied.insert(id) {
                into(&line)?;
            }
        }
    }
    Ok(copied.len())
}

/// Writes the lines of every waiting article into `file` (whole or not at all) and marks the
/// parts exported.
pub(super) fn export(ctx: &Context, job: &mut Job, file: &Path) -> Result<(), Error> {
    let wanted: HashSet<String> = job
        .articles
        .iter()
        .filter(|a| a.state == ArticleState::Waiting)
        .flat_map(|a| a.lines.iter().cloned())
        .collect();
    let failed = |source: std::io::Error| Error::Output {
        path: file.to_owned(),
        source,
    };
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(crate::output::TEMP_PREFIX)
        .suffix(crate::output::TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(failed)?;
    let mut out = BufWriter::new(temp);
    copy_lines(ctx, job, &wanted, |line| {
        out.write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|source| JobError::Write {
                dir: file.to_owned(),
                source,
            })
    })?;
    let temp = out.into_inner().map_err(|e| failed(e.into_error()))?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(file).map_err(|e| failed(e.error))?;
    for part in &mut job.parts {
        part.step = Step::Exported;
    }
    Ok(())
}

/// What to do with an exported file.
pub(super) fn exported_note(job: &Job, file: &Path) -> String {
    let requests: usize = job
        .articles
        .iter()
        .filter(|a| a.state == ArticleState::Waiting)
        .map(|a| a.lines.len())
        .sum();
    format!(
        "wrote {requests} request(s) to {} (OpenAI batch JSONL); run them, e.g. `vllm run-batch \
         -i {} -o results.jsonl --model MODEL`, then run this command with --import-batch \
         results.jsonl in place of --export-batch",
        file.display(),
        file.display()
    )
}
