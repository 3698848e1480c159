//! A job's parts on the provider's batch engine: sent (uploaded and a batch created on the
//! file, for OpenAI; created with the requests, for Anthropic), asked for their state, and
//! their results downloaded to disk once they have ended. Each step is recorded in the job
//! before the next is taken; a step that may have reached the provider without being recorded
//! (a run killed mid-upload or mid-create) is looked for at the provider before it is taken
//! again: an OpenAI upload by its file name, an OpenAI batch by its metadata, an Anthropic
//! batch by its creation time and number of requests. So a killed run neither loses a batch
//! nor pays for one twice.

use std::collections::{BTreeMap, HashSet};

use super::Context;
use crate::batch::job::{Job, Step, unix_now};
use crate::error::Error;
use crate::provider::WireRequest;
use crate::provider::engine::{BatchStatus, Phase};

/// How far back before a recorded start a batch created by a killed run may lie (clocks
/// differ).
const CLOCK_SLACK: i64 = 300;

/// Pages of batches looked through for one a killed run created.
const MAX_PAGES: usize = 20;

/// Sends the parts not yet out, asks the batches out for their state and downloads the
/// results of those that ended; returns whether anything moved.
pub(super) async fn advance(ctx: &Context, job: &mut Job) -> Result<bool, Error> {
    let mut moved = false;
    let resumed: HashSet<u32> = job
        .parts
        .iter()
        .filter(|p| matches!(p.step, Step::Sending { .. } | Step::Uploaded { .. }))
        .map(|p| p.number)
        .collect();
    for at in 0..job.parts.len() {
        if matches!(
            job.parts[at].step,
            Step::Written | Step::Sending { .. } | Step::Uploaded { .. }
        ) {
            send(ctx, job, at, resumed.contains(&job.parts[at].number)).await?;
            moved = true;
        }
        if let Step::Running { batch, .. } = &job.parts[at].step {
            let status = status(ctx, batch).await?;
            moved |= record(ctx, job, at, status)?;
        }
        if matches!(job.parts[at].step, Step::Ended { .. }) {
            download(ctx, job, at).await?;
            moved = true;
        }
    }
    Ok(moved)
}

/// Sends a small call and returns the 2xx answer's body.
async fn call(ctx: &Context, request: &WireRequest) -> Result<Vec<u8>, Error> {
    let reply = ctx.transport.call(request).await?;
    if (200..300).contains(&reply.status) {
        Ok(reply.body)
    } else {
        Err(super::refusal(
            &ctx.main,
            request.url.clone(),
            reply.status,
            &reply.body,
        ))
    }
}

/// The batch `id` as the engine describes it now.
async fn status(ctx: &Context, id: &str) -> Result<BatchStatus, Error> {
    let body = call(ctx, &ctx.engine.retrieve(id)).await?;
    Ok(ctx.engine.decode_status(&body)?)
}

/// Records what `status` says of part `at`; whether its step changed.
fn record(ctx: &Context, job: &mut Job, at: usize, status: BatchStatus) -> Result<bool, Error> {
    let step = if status.phase.has_ended() {
        Step::Ended {
            batch: status.id,
            phase: status.phase,
            results: status.results,
            error: status.error,
        }
    } else {
        Step::Running {
            batch: status.id,
            phase: status.phase,
            succeeded: status.succeeded,
            failed: status.failed,
        }
    };
    let ended = matches!(step, Step::Ended { .. });
    let changed = job.parts[at].step != step;
    job.parts[at].step = step;
    if changed {
        ctx.job_dir.save(job)?;
    }
    Ok(ended)
}

/// The name a part is uploaded under, by which a killed run's upload is found again.
fn upload_name(job: &Job, number: u32) -> String {
    format!("diglot-{}-part-{number}.jsonl", job.id)
}

/// The metadata a part's batch is created with (OpenAI), by which it is found again.
fn metadata(job: &Job, number: u32) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("diglot_job".to_owned(), job.id.clone()),
        ("diglot_part".to_owned(), number.to_string()),
    ])
}

/// Takes part `at` from where it stands to a running batch; `resumed` when its step was
/// recorded by an earlier run, which may have got further than it recorded.
async fn send(ctx: &Context, job: &mut Job, at: usize, resumed: bool) -> Result<(), Error> {
    let number = job.parts[at].number;
    if ctx.engine.uploads_files() {
        let file = match job.parts[at].step.clone() {
            Step::Uploaded { file } => file,
            step => {
                let found = match step {
                    Step::Sending { .. } => find_upload(ctx, &upload_name(job, number)).await?,
                    _ => None,
                };
                let file = match found {
                    Some(file) => file,
                    None => {
                        job.parts[at].step = Step::Sending { since: unix_now() };
                        ctx.job_dir.save(job)?;
                        upload(ctx, job, at).await?
                    }
                };
                job.parts[at].step = Step::Uploaded { file: file.clone() };
                ctx.job_dir.save(job)?;
                file
            }
        };
        let found = match resumed {
            true => find_batch(ctx, job, at).await?,
            false => None,
        };
        let status = match found {
            Some(status) => status,
            None => {
                let request = ctx.engine.create(&file, &metadata(job, number));
                ctx.engine.decode_status(&call(ctx, &request).await?)?
            }
        };
        record(ctx, job, at, status)?;
        return Ok(());
    }
    let found = match job.parts[at].step {
        Step::Sending { .. } => find_batch(ctx, job, at).await?,
        _ => None,
    };
    let status = match found {
        Some(status) => status,
        None => {
            job.parts[at].step = Step::Sending { since: unix_now() };
            ctx.job_dir.save(job)?;
            let body = upload(ctx, job, at).await?;
            ctx.engine.decode_status(body.as_bytes())?
        }
    };
    record(ctx, job, at, status)?;
    Ok(())
}

/// Uploads part `at` (OpenAI: returns the file's id) or creates its batch with its requests
/// (Anthropic: returns the batch's description).
async fn upload(ctx: &Context, job: &Job, at: usize) -> Result<String, Error> {
    let part = &job.parts[at];
    let framing = ctx.engine.framing(&upload_name(job, part.number));
    let reply = ctx
        .transport
        .upload(&framing, &ctx.job_dir.part(part.number), part.requests)
        .await?;
    if !(200..300).contains(&reply.status) {
        let url = framing.url.clone();
        return Err(super::refusal(&ctx.main, url, reply.status, &reply.body));
    }
    if ctx.engine.uploads_files() {
        Ok(ctx.engine.decode_file(&reply.body)?.id)
    } else {
        Ok(String::from_utf8_lossy(&reply.body).into_owned())
    }
}

/// The id of an uploaded file named `name`, if a killed run uploaded it.
async fn find_upload(ctx: &Context, name: &str) -> Result<Option<String>, Error> {
    let Some(request) = ctx.engine.list_files() else {
        return Ok(None);
    };
    let files = ctx.engine.decode_files(&call(ctx, &request).await?)?;
    Ok(files.into_iter().find(|f| f.filename == name).map(|f| f.id))
}

/// The batch a killed run created for part `at` without recording it: OpenAI's by its
/// metadata; Anthropic's as the oldest batch created since the part's recorded start (less
/// [`CLOCK_SLACK`]) with the part's number of requests that the job does not know yet.
async fn find_batch(ctx: &Context, job: &Job, at: usize) -> Result<Option<BatchStatus>, Error> {
    let part = &job.parts[at];
    let since = match part.step {
        Step::Sending { since } => since,
        _ => job.created_at,
    } - CLOCK_SLACK;
    let wanted = metadata(job, part.number);
    let known: HashSet<&str> = job.parts.iter().filter_map(|p| p.step.batch()).collect();
    let mut candidates = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = ctx
            .engine
            .decode_list(&call(ctx, &ctx.engine.list(after.as_deref())).await?)?;
        let mut older = false;
        for batch in page.batches {
            older |= batch.created_at.is_some_and(|t| t < since);
            if ctx.engine.uploads_files() {
                if wanted.iter().all(|(k, v)| batch.metadata.get(k) == Some(v)) {
                    return Ok(Some(batch));
                }
            } else if batch.total == part.requests
                && batch.created_at.is_none_or(|t| t >= since)
                && !known.contains(batch.id.as_str())
            {
                candidates.push(batch);
            }
        }
        match page.next {
            Some(next) if !older => after = Some(next),
            _ => break,
        }
    }
    // Newest first: the oldest match is the first one created after the start.
    Ok(candidates.pop())
}

/// Downloads the results of ended part `at` into its results file (complete before it gets
/// its name) and records it.
async fn download(ctx: &Context, job: &mut Job, at: usize) -> Result<(), Error> {
    let Step::Ended {
        batch,
        phase,
        results,
        error,
    } = job.parts[at].step.clone()
    else {
        return Ok(());
    };
    let number = job.parts[at].number;
    let assembled = ctx.job_dir.results_download(number);
    let failed = |source: std::io::Error| Error::Output {
        path: assembled.clone(),
        source,
    };
    let mut whole = std::fs::File::create(&assembled).map_err(failed)?;
    let piece = assembled.with_extension("piece");
    // Results run a few times the size of their requests, never more.
    let limit = job.parts[at].bytes.saturating_mul(16) + 64_000_000;
    for result in results.iter().filter(|_| phase != Phase::Failed) {
        let request = ctx.engine.download(result)?;
        let reply = ctx.transport.download(&request, &piece, limit).await?;
        if !(200..300).contains(&reply.status) {
            let url = request.url.clone();
            return Err(super::refusal(&ctx.main, url, reply.status, &reply.body));
        }
        let mut read = std::fs::File::open(&piece).map_err(failed)?;
        std::io::copy(&mut read, &mut whole).map_err(failed)?;
    }
    whole.sync_all().map_err(failed)?;
    let _ = std::fs::remove_file(&piece);
    std::fs::rename(&assembled, ctx.job_dir.results(number)).map_err(failed)?;
    job.parts[at].step = Step::Downloaded {
        batch,
        phase,
        error,
    };
    ctx.job_dir.save(job)?;
    Ok(())
}

/// Cancels every batch of `job` still running (what finished is kept by the engine).
pub(super) async fn cancel_all(ctx: &Context, job: &Job) -> Result<usize, Error> {
    let mut cancelled = 0;
    for part in &job.parts {
        if let Step::Running { batch, .. } = &part.step {
            call(ctx, &ctx.engine.cancel(batch)).await?;
            cancelled += 1;
        }
    }
    Ok(cancelled)
}
