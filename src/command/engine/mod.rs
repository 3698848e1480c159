//! Articles through a provider's batch engine (`--batch-api`) or a batch file for another
//! engine (`--export-batch`, `--import-batch`), with the job kept in the output directory
//! ([`crate::batch::job`]).
//!
//! One command does it all, and running it again goes on where it stood: the articles not yet
//! in the job are prepared, their requests written into parts within one batch's limits and
//! sent ([`submit`], [`remote`]); every batch out is asked once for its state; ended batches'
//! results are downloaded to disk; every article whose requests are all answered is collected
//! ([`collect`]): its answers go through the same contract, repair, fidelity checks and cache
//! as a synchronous run's, and its output is written as a synchronous batch writes it. Requests
//! that expired, were cancelled or failed with a server error are sent again in a new part (at
//! most [`collect::MAX_TRIES`] times); a refused request fails its article. With `--wait` the
//! command repeats until every article is written or failed. `diglot batch status|cancel DIR`
//! ([`status`]) shows or stops a job.

mod collect;
mod remote;
mod status;
mod submit;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(super) use status::batch_command;

use super::Outcome;
use super::article::{Requester, Task};
use super::deliver::Mode;
use crate::batch::job::{Carrier, Job, JobDir, JobError};
use crate::batch::{self, BatchError, Failure, Item};
use crate::config::{Endpoint, ProviderSettings, Settings};
use crate::error::Error;
use crate::provider::engine::{Engine, EngineKind, Limits};
use crate::provider::transport::{Transport, TransportOptions};

/// What every step of a job needs.
pub(super) struct Context {
    task: Arc<Task>,
    main: ProviderSettings,
    brief: Option<ProviderSettings>,
    requester: Arc<Requester>,
    job_dir: JobDir,
    out_dir: PathBuf,
    /// What makes the outputs, for the batch manifest.
    record: batch::Record,
    /// The outputs' file extension.
    extension: &'static str,
    limits: Limits,
    engine: Engine,
    carrier: Carrier,
    /// The client for the engine's calls (not the articles' requests).
    transport: Transport,
    /// Articles collected at once (`--jobs`).
    jobs: u32,
    /// Whether progress is drawn.
    progress: bool,
}

/// What a run did, for its summary.
#[derive(Default)]
pub(super) struct Tally {
    written: usize,
    flagged: usize,
    redone: usize,
    failures: Vec<Failure<Error>>,
    cost: Option<f64>,
    interrupted: bool,
}

impl Tally {
    fn add(&mut self, report: BatchError<Error>) {
        self.written += report.written;
        self.flagged += report.flagged;
        self.redone += report.redone;
        self.failures.extend(report.failures);
        self.interrupted |= report.interrupted;
        self.cost = match (self.cost, report.cost) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }
}

/// Runs `plan`'s articles through the batch engine or batch file `mode` names, with the job in
/// `dir`; `force` abandons a job made another way (cancelling its batches).
pub(super) fn run(
    task: Task,
    (main, brief): (ProviderSettings, Option<ProviderSettings>),
    (plan, force): (batch::Plan, bool),
    dir: &Path,
    mode: Mode,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let ctx = Arc::new(Context::new(task, (main, brief), dir, &mode, settings)?);
    batch::prepare_out_dir(dir).map_err(|source| Error::Output {
        path: dir.to_owned(),
        source,
    })?;
    let skipped = plan.skipped;
    let todo = plan.todo;
    if todo.is_empty() && ctx.job_dir.load()?.is_none() {
        // Everything is done and no job is open: nothing to send or collect.
        return Ok(Outcome {
            notes: vec![BatchError::<Error>::all_skipped(skipped).summary()],
            ..Outcome::default()
        });
    }
    let (job, tally) = super::block_on_interruptible(async {
        let job = ctx.open_job(force, &mode).await?;
        ctx.go(job, todo.clone(), &mode).await
    })?;
    let report = summary(job.as_ref(), &todo, skipped, tally);
    let warnings = super::cache::keep_within_limit(settings)
        .into_iter()
        .collect();
    if !report.failures.is_empty() || report.interrupted {
        return Err(report.into());
    }
    let mut notes = vec![report.summary()];
    if let (Some(job), Mode::Export(file)) = (&job, &mode) {
        notes.push(submit::exported_note(job, file));
    }
    notes.extend(report.hint());
    Ok(Outcome {
        notes,
        warnings,
        ..Outcome::default()
    })
}

/// The batch report of a run: the articles named (`todo` and `skipped`) and any others the
/// job still waits for, what the run wrote and failed, what waits, what it cost.
fn summary(job: Option<&Job>, todo: &[Item], skipped: usize, tally: Tally) -> BatchError<Error> {
    let waiting = job.map_or(0, Job::waiting);
    let extra = job.map_or(0, |job| {
        job.articles
            .iter()
            .filter(|a| a.state == crate::batch::job::ArticleState::Waiting)
            .filter(|a| !todo.iter().any(|item| item.input == a.input))
            .count()
    });
    BatchError {
        total: skipped + todo.len() + extra,
        written: tally.written,
        redone: tally.redone,
        flagged: tally.flagged,
        skipped,
        failures: tally.failures,
        not_done: 0,
        interrupted: tally.interrupted,
        waiting,
        cost: tally.cost,
    }
}

impl Context {
    fn new(
        task: Task,
        (main, brief): (ProviderSettings, Option<ProviderSettings>),
        dir: &Path,
        mode: &Mode,
        settings: &Settings,
    ) -> Result<Context, Error> {
        let (engine, carrier, limits) = carrier_of(&main, mode)?;
        let transport = engine_transport(&main, settings)?;
        let requester = Arc::new(Requester::new(&task, (&main, brief.as_ref()), true));
        Ok(Context {
            record: batch::Record::of(task.made_with()),
            extension: super::deliver::extension(task.format),
            task: Arc::new(task),
            requester,
            job_dir: JobDir::of(dir),
            out_dir: dir.to_owned(),
            limits,
            engine,
            carrier,
            transport,
            jobs: settings.jobs.value,
            progress: settings.progress,
            main,
            brief,
        })
    }

    /// A fingerprint of where the requests go: kind, base URL and model.
    fn endpoint(&self) -> String {
        crate::cache::digest(&[
            &self.main.kind.to_string(),
            &self.engine.base_url,
            &self.main.model.value,
        ])
    }

    /// The job in the directory, or a new one. A job made another way is an error, unless
    /// `force`: then its batches are cancelled and it is dropped.
    async fn open_job(&self, force: bool, mode: &Mode) -> Result<Job, Error> {
        let found = self.job_dir.load()?;
        if let Some(job) = found {
            let why = if job.made_with != self.record.fingerprint {
                Some("made with other options")
            } else if job.endpoint != self.endpoint() {
                Some("sent to another provider or model")
            } else if job.carrier != self.carrier {
                Some("carried another way (batch API or batch file)")
            } else {
                None
            };
            match why {
                None => return Ok(job),
                Some(_) if force => {
                    if job.carrier != Carrier::File && job.carrier == self.carrier {
                        remote::cancel_all(self, &job).await?;
                    }
                    self.job_dir.remove()?;
                }
                Some(why) => {
                    return Err(JobError::Other {
                        dir: self.out_dir.clone(),
                        why,
                    }
                    .into());
                }
            }
        } else if matches!(mode, Mode::Import(_)) {
            return Err(JobError::NothingExported {
                dir: self.out_dir.clone(),
            }
            .into());
        }
        Ok(Job::new(
            self.record.fingerprint.clone(),
            self.endpoint(),
            self.carrier,
        ))
    }

    /// Adds the articles to do to the job and takes it as far as it goes now (with `--wait`,
    /// to its end). Returns the job (`None` once finished and removed) and what was done.
    async fn go(
        self: &Arc<Self>,
        mut job: Job,
        todo: Vec<Item>,
        mode: &Mode,
    ) -> Result<(Option<Job>, Tally), Error> {
        let mut tally = Tally::default();
        if !matches!(mode, Mode::Import(_)) {
            submit::add(self, &mut job, todo, &mut tally).await?;
        }
        let import = match mode {
            Mode::Import(file) => Some(file.as_path()),
            _ => None,
        };
        let wait = match mode {
            Mode::BatchApi { wait } => *wait,
            _ => None,
        };
        let mut passes = 0;
        loop {
            passes += 1;
            let mut progressed = false;
            match mode {
                Mode::Export(file) => submit::export(self, &mut job, file)?,
                Mode::BatchApi { .. } => progressed |= remote::advance(self, &mut job).await?,
                _ => {}
            }
            progressed |= collect::collect(self, &mut job, import, &mut tally).await?;
            self.job_dir.save(&job)?;
            if tally.interrupted || job.waiting() == 0 || !matches!(mode, Mode::BatchApi { .. }) {
                break;
            }
            match wait {
                Some(interval) if !progressed => tokio::time::sleep(interval).await,
                // Without --wait, go on only while something moves (a request sent again).
                None if !progressed || passes > collect::MAX_TRIES as usize + 1 => break,
                _ => {}
            }
        }
        if job.waiting() == 0 {
            // Batches still out serve no article now (theirs failed or were sent anew).
            if matches!(mode, Mode::BatchApi { .. }) {
                remote::cancel_all(self, &job).await?;
            }
            self.job_dir.remove()?;
            return Ok((None, tally));
        }
        Ok((Some(job), tally))
    }
}

/// The engine of `main`, what carries the job's requests in `mode`, and how large a part may
/// be. A profile without a batch engine, or the in-process mock for `--batch-api` (its batches
/// would end with the run), is refused; batch files are OpenAI's format.
fn carrier_of(main: &ProviderSettings, mode: &Mode) -> Result<(Engine, Carrier, Limits), Error> {
    let no_engine = |what| JobError::NoEngine {
        profile: main.name.value.clone(),
        kind: main.kind,
        what,
    };
    let base_url = match (&main.endpoint, mode) {
        (Endpoint::Url(url), _) => url.value.clone(),
        (Endpoint::InProcessMock, Mode::BatchApi { .. }) => {
            return Err(no_engine(
                "is the in-process mock, which ends with the run: give it a base_url \
                 (`diglot mock-server`) for --batch-api",
            )
            .into());
        }
        (Endpoint::InProcessMock, _) => "http://127.0.0.1/v1".to_owned(),
    };
    let engine =
        Engine::of(&main.profile(base_url)).ok_or_else(|| no_engine("has no batch API"))?;
    match (mode, engine.kind) {
        (Mode::BatchApi { .. }, kind) => {
            let carrier = match kind {
                EngineKind::Openai => Carrier::Openai,
                EngineKind::Anthropic => Carrier::Anthropic,
            };
            let limits = main.batch_limits.unwrap_or_else(|| kind.limits());
            Ok((engine, carrier, limits))
        }
        (_, EngineKind::Openai) => Ok((engine, Carrier::File, EngineKind::Openai.limits())),
        (_, EngineKind::Anthropic) => {
            Err(no_engine("does not speak OpenAI's batch format, which batch files use").into())
        }
    }
}

/// The client for a batch engine's calls (not the articles' requests): the profile's timeout
/// and retries, the run's deadline, a few calls at once.
fn engine_transport(provider: &ProviderSettings, settings: &Settings) -> Result<Transport, Error> {
    Ok(Transport::new(TransportOptions {
        timeout: provider.timeout.value,
        max_retries: provider.max_retries,
        jobs: 4,
        run_timeout: settings.run_timeout.as_ref().map(|t| t.value),
        requests_per_minute: None,
        tokens_per_minute: None,
    })?)
}

/// The error an engine's error answer, or a request refused inside a batch, stands for: what
/// the same answer to a synchronous request would be (the API's message on one line, the key
/// removed from it).
fn refusal(provider: &ProviderSettings, url: String, status: u16, body: &[u8]) -> Error {
    let detail = crate::provider::openai::error_detail(body).map(|d| {
        let line = d.split_whitespace().collect::<Vec<_>>().join(" ");
        match &provider.api_key {
            Some(key) => crate::secret::redact(&line, &key.value),
            None => line,
        }
    });
    let name = provider.name.value.clone();
    match status {
        401 | 403 => crate::provider::ProviderError::AuthRejected {
            provider: name,
            status,
            key_var: provider.key_var.clone(),
            detail,
        },
        status => crate::provider::ProviderError::Refused {
            provider: name,
            status,
            url,
            detail,
        },
    }
    .into()
}
