//! `diglot batch status DIR` and `diglot batch cancel DIR`: a job's articles and batches, each
//! batch asked for its state (and, for `cancel`, cancelled when still running). The provider
//! is resolved as for `translate` (its flags, the environment, the config file) and must be
//! the one the job was sent to. The state learnt is recorded in the job; collecting stays the
//! job's own command's work.

use crate::batch::job::{ArticleState, Job, JobDir, JobError, Step};
use crate::cli::{BatchAction, BatchArgs, JobFormat};
use crate::command::Outcome;
use crate::config::{ConfigError, Endpoint, ProviderSettings, Settings};
use crate::error::Error;
use crate::provider::WireRequest;
use crate::provider::engine::Engine;
use crate::provider::transport::Transport;
use crate::render::Format;
use crate::report::bulk::{JobReport, PartReport};

/// Runs `diglot batch status|cancel`.
pub(in crate::command) fn batch_command(
    args: &BatchArgs,
    mut settings: Settings,
) -> Result<Outcome, Error> {
    let (job_args, cancel) = match &args.action {
        BatchAction::Status(job) => (job, false),
        BatchAction::Cancel(job) => (job, true),
    };
    let dir = &job_args.dir;
    let job_dir = JobDir::of(dir);
    let mut job = job_dir
        .load()?
        .ok_or_else(|| JobError::NoJob { dir: dir.clone() })?;
    let provider = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let engine = engine_of(&job, &provider, dir)?;
    let transport = super::engine_transport(&provider, &settings)?;
    super::super::block_on_interruptible(learn(
        &mut job,
        (&engine, &transport, &provider),
        cancel,
    ))?;
    job.cancelled |= cancel;
    job_dir.save(&job)?;
    let report = report_of(&job, &dir.display().to_string());
    let format = match job_args.format {
        JobFormat::Text => Format::Text,
        JobFormat::Json => Format::Json,
    };
    let output = super::super::rendered(|out| crate::render::bulk::job(&report, format, out))?;
    Ok(Outcome::of(output))
}

/// The batch engine of `provider`, which must be the one `job` was sent to.
fn engine_of(
    job: &Job,
    provider: &ProviderSettings,
    dir: &std::path::Path,
) -> Result<Engine, Error> {
    let base_url = match &provider.endpoint {
        Endpoint::Url(url) => url.value.clone(),
        Endpoint::InProcessMock => String::new(),
    };
    let engine = Engine::of(&provider.profile(base_url)).ok_or_else(|| JobError::NoEngine {
        profile: provider.name.value.clone(),
        kind: provider.kind,
        what: "has no batch API",
    })?;
    let endpoint = crate::cache::digest(&[
        &provider.kind.to_string(),
        &engine.base_url,
        &provider.model.value,
    ]);
    if job.endpoint != endpoint {
        return Err(JobError::Other {
            dir: dir.to_owned(),
            why: "sent to another provider or model than this command names",
        }
        .into());
    }
    Ok(engine)
}

/// Asks each running batch of `job` where it stands (cancelling it first with `cancel`) and
/// records it; downloading ended batches is left to the job's command.
async fn learn(
    job: &mut Job,
    (engine, transport, provider): (&Engine, &Transport, &ProviderSettings),
    cancel: bool,
) -> Result<(), Error> {
    for part in &mut job.parts {
        let Step::Running { batch, .. } = &part.step else {
            continue;
        };
        if cancel {
            send(transport, provider, &engine.cancel(batch)).await?;
        }
        let status =
            engine.decode_status(&send(transport, provider, &engine.retrieve(batch)).await?)?;
        part.step = if !status.phase.has_ended() {
            Step::Running {
                batch: status.id,
                phase: status.phase,
                succeeded: status.succeeded,
                failed: status.failed,
            }
        } else {
            Step::Ended {
                batch: status.id,
                phase: status.phase,
                results: status.results,
                error: status.error,
            }
        };
    }
    Ok(())
}

/// Sends a call and returns the 2xx answer's body; an error answer as the provider's refusal.
async fn send(
    transport: &Transport,
    provider: &ProviderSettings,
    request: &WireRequest,
) -> Result<Vec<u8>, Error> {
    let reply = transport.call(request).await?;
    if (200..300).contains(&reply.status) {
        return Ok(reply.body);
    }
    Err(super::refusal(
        provider,
        request.url.clone(),
        reply.status,
        &reply.body,
    ))
}

/// The job as the report shows it.
fn report_of(job: &Job, dir: &str) -> JobReport {
    let count = |wanted: fn(&ArticleState) -> bool| {
        job.articles.iter().filter(|a| wanted(&a.state)).count()
    };
    JobReport {
        dir: dir.to_owned(),
        articles: job.articles.len() - count(|s| *s == ArticleState::Replaced),
        written: count(|s| *s == ArticleState::Written),
        failed: count(|s| matches!(s, ArticleState::Failed { .. })),
        waiting: count(|s| *s == ArticleState::Waiting),
        cancelled: job.cancelled,
        parts: job
            .parts
            .iter()
            .map(|part| {
                let (state, counts) = match &part.step {
                    Step::Written => ("written, not sent".to_owned(), None),
                    Step::Sending { .. } => ("sending".to_owned(), None),
                    Step::Uploaded { .. } => ("uploaded".to_owned(), None),
                    Step::Running {
                        phase,
                        succeeded,
                        failed,
                        ..
                    } => (phase.name().to_owned(), Some((*succeeded, *failed))),
                    Step::Ended { phase, .. } => (phase.name().to_owned(), None),
                    Step::Downloaded { phase, .. } => {
                        (format!("{}, downloaded", phase.name()), None)
                    }
                    Step::Exported => ("exported".to_owned(), None),
                };
                PartReport {
                    part: part.number,
                    requests: part.requests,
                    batch: part.step.batch().map(str::to_owned),
                    state,
                    succeeded: counts.map(|c| c.0),
                    failed: counts.map(|c| c.1),
                }
            })
            .collect(),
    }
}
