//! A job on a provider's batch engine (`--batch-api`), or in a batch file for another engine
//! (`--export-batch`, `--import-batch`), kept in the output directory so that nothing is lost to
//! a killed process or a laptop closed overnight: the next run with the same command picks the
//! job up where it stood.
//!
//! Everything lives in one hidden directory, [`DIR`], inside the output directory:
//! `job.json` (the [`Job`]: its articles, the `custom_id`s of their requests, and each part's
//! step), `part-N.jsonl` (the requests of part N, one line each, as the engine takes them) and
//! `part-N.results.jsonl` (what the engine answered for part N, downloaded whole before it is
//! renamed into place). `job.json` is written whole or not at all ([`write_atomic`]) after each
//! step; a step that reaches the provider is recorded before it is taken when it could be
//! taken twice (an upload or a batch whose creation is not yet recorded is looked for by its
//! name or metadata before it is made again). Files the state does not name are a killed run's
//! leftovers and are removed. The directory goes once every article is written or failed.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output::write_atomic;
use crate::provider::engine::{Limits, Phase};

/// The job's directory inside the output directory.
pub const DIR: &str = ".diglot-batch-job";

/// The state file inside [`DIR`].
const STATE: &str = "job.json";

/// The state's format; another one is not read.
const FORMAT: &str = "diglot-batch-job-v1";

/// Why a job cannot be read, written or continued. Exit 2 (a job made another way, an
/// unreadable state), 7 (the state cannot be written).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The job's state file cannot be written.
    #[error("cannot write the batch job in '{}': {source}", dir.display())]
    Write {
        /// The job's directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The job's state file is there but does not read.
    #[error("cannot read the batch job in '{}': {detail}", dir.display())]
    Read {
        /// The job's directory.
        dir: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The output directory holds a job made with other options, another provider or model,
    /// or another engine.
    #[error(
        "'{}' holds a batch job {why}; this run would mix it with another",
        dir.display()
    )]
    Other {
        /// The output directory.
        dir: PathBuf,
        /// How the job differs (`made with other options`, `sent to another provider`).
        why: &'static str,
    },
    /// The provider has no batch engine (DeepL, LibreTranslate), or not the one asked for.
    #[error("provider '{profile}' ({kind}) {what}")]
    NoEngine {
        /// Profile name.
        profile: String,
        /// Its kind.
        kind: crate::provider::ProviderKind,
        /// What it cannot do (`has no batch API`).
        what: &'static str,
    },
    /// `diglot batch status|cancel` on a directory without a job.
    #[error("'{}' holds no batch job", dir.display())]
    NoJob {
        /// The directory.
        dir: PathBuf,
    },
    /// `--import-batch` with no exported job in the output directory.
    #[error("'{}' holds no exported batch job to import results into", dir.display())]
    NothingExported {
        /// The output directory.
        dir: PathBuf,
    },
    /// A results file to import cannot be read.
    #[error("cannot read the batch results '{}': {source}", path.display())]
    Results {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The engine refused a whole batch (its file did not validate): its articles fail. Exit 4.
    #[error("the batch API refused batch {batch}{}", detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    BatchFailed {
        /// The batch's id.
        batch: String,
        /// Why, as the engine said.
        detail: Option<String>,
    },
    /// Requests of an article were sent again and again without an answer. Exit 5.
    #[error(
        "the batch API did not answer {count} of its requests after {tries} batches (last: {why})"
    )]
    Unanswered {
        /// Requests without an answer.
        count: usize,
        /// Batches they were sent in.
        tries: u32,
        /// What the engine said of the last one (`batch_expired`, `HTTP 500`).
        why: String,
    },
    /// An article's requests are not in the imported results.
    #[error("its requests are not answered in '{}' ({count} missing or failed; last: {why})", file.display())]
    NotImported {
        /// The results file.
        file: PathBuf,
        /// Requests without an answer.
        count: usize,
        /// What the file said of the last one.
        why: String,
    },
}

impl JobError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        match self {
            JobError::Other { .. } => Some(
                "finish it with the command that started it, cancel it with `diglot batch \
                 cancel DIR`, or start over with --force (batches it sent are cancelled)"
                    .to_owned(),
            ),
            JobError::Read { .. } => Some(format!(
                "remove DIR/{DIR} to start over (its batches, if any, are lost)"
            )),
            JobError::NoEngine { .. } => Some(
                "the batch APIs are OpenAI's and Anthropic's: use an openai, anthropic or mock \
                 profile, or translate without --batch-api"
                    .to_owned(),
            ),
            JobError::NoJob { .. } => Some(
                "a job is sent with `diglot translate --batch-api --out-dir DIR …`; name that DIR"
                    .to_owned(),
            ),
            JobError::NothingExported { .. } => Some(
                "export the job first with --export-batch FILE and the same --out-dir".to_owned(),
            ),
            JobError::NotImported { .. } => Some(
                "run the engine on the exported requests again, or export the missing ones \
                 with the same command and --export-batch"
                    .to_owned(),
            ),
            JobError::Write { .. }
            | JobError::Results { .. }
            | JobError::BatchFailed { .. }
            | JobError::Unanswered { .. } => None,
        }
    }
}

/// What carries a job's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// OpenAI's Batch API (and OpenAI-compatible servers with one, and the mock).
    Openai,
    /// Anthropic's Message Batches.
    Anthropic,
    /// A batch file for another engine (`--export-batch`, `--import-batch`).
    File,
}

/// Where an article of a job stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ArticleState {
    /// Its requests are out, or still to be sent.
    Waiting,
    /// Its output is written.
    Written,
    /// It failed; the message was reported when it did.
    Failed {
        /// Why.
        error: String,
    },
    /// It was edited after its requests were sent: it joined the job again as a new article.
    Replaced,
}

/// One article of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobArticle {
    /// The article.
    pub input: PathBuf,
    /// Its output file.
    pub output: PathBuf,
    /// SHA-256 of the article's bytes when its requests were made: an article changed since
    /// is sent again.
    pub digest: String,
    /// The `custom_id`s of its requests in the batch (none when nothing was batched: its
    /// result is in the cache, or its requests go synchronously).
    pub lines: Vec<String>,
    /// How many times its unanswered requests were sent again.
    pub tries: u32,
    /// Where it stands.
    #[serde(flatten)]
    pub state: ArticleState,
}

/// One part of a job: a file of requests within one batch's limits, and its batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The part's number (its files are `part-N.jsonl` and `part-N.results.jsonl`).
    pub number: u32,
    /// Requests in it.
    pub requests: u64,
    /// Bytes of its file.
    pub bytes: u64,
    /// Where it stands.
    #[serde(flatten)]
    pub step: Step,
}

/// Where a part stands, in the order its steps come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Its file is written; nothing is sent.
    Written,
    /// Its upload (OpenAI) or its batch (Anthropic) was started at `since` (seconds since
    /// 1970): it may have reached the provider, so it is looked for before it is sent again.
    Sending {
        /// When.
        since: i64,
    },
    /// Uploaded as file `file` (OpenAI); the batch on it may have been created, so it is
    /// looked for (by its metadata) before one is created.
    Uploaded {
        /// The file's id.
        file: String,
    },
    /// Its batch is running.
    Running {
        /// The batch's id.
        batch: String,
        /// Where it stands.
        phase: Phase,
        /// Requests answered so far.
        succeeded: u64,
        /// Requests failed so far.
        failed: u64,
    },
    /// Its batch has ended; its results are to be downloaded.
    Ended {
        /// The batch's id.
        batch: String,
        /// How it ended.
        phase: Phase,
        /// What to download.
        results: Vec<String>,
        /// Why the whole batch failed, when it did.
        error: Option<String>,
    },
    /// Its results are in `part-N.results.jsonl`.
    Downloaded {
        /// The batch's id.
        batch: String,
        /// How it ended.
        phase: Phase,
        /// Why the whole batch failed, when it did.
        error: Option<String>,
    },
    /// Written into an export file for another engine.
    Exported,
}

impl Step {
    /// The batch's id, once it has one.
    pub fn batch(&self) -> Option<&str> {
        match self {
            Step::Running { batch, .. }
            | Step::Ended { batch, .. }
            | Step::Downloaded { batch, .. } => Some(batch),
            Step::Written | Step::Sending { .. } | Step::Uploaded { .. } | Step::Exported => None,
        }
    }

    /// Whether the part's answers may still come (it is not downloaded, nor exported).
    pub fn is_out(&self) -> bool {
        !matches!(self, Step::Downloaded { .. } | Step::Exported)
    }
}

/// A job: its articles and parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    format: String,
    /// A random id, in the batches' metadata and the uploads' names.
    pub id: String,
    /// The fingerprint of what makes the outputs (the batch manifest's).
    pub made_with: String,
    /// A fingerprint of the provider's kind, base URL and model.
    pub endpoint: String,
    /// What carries the requests.
    pub carrier: Carrier,
    /// When the job began (seconds since 1970).
    pub created_at: i64,
    /// Its articles, in the order they joined; a request's `custom_id` names its index.
    pub articles: Vec<JobArticle>,
    /// Its parts, in order.
    pub parts: Vec<Part>,
    /// Set by `diglot batch cancel`: requests its batches leave unanswered are not sent again;
    /// their articles fail.
    #[serde(default)]
    pub cancelled: bool,
}

impl Job {
    /// A new, empty job.
    pub fn new(made_with: String, endpoint: String, carrier: Carrier) -> Job {
        Job {
            format: FORMAT.to_owned(),
            id: random_id(),
            made_with,
            endpoint,
            carrier,
            created_at: unix_now(),
            articles: Vec::new(),
            parts: Vec::new(),
            cancelled: false,
        }
    }

    /// Articles not written nor failed.
    pub fn waiting(&self) -> usize {
        self.articles
            .iter()
            .filter(|a| a.state == ArticleState::Waiting)
            .count()
    }

    /// The number the next part takes.
    pub fn next_part(&self) -> u32 {
        self.parts.iter().map(|p| p.number + 1).max().unwrap_or(0)
    }
}

/// Seconds since 1970, now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sixteen hex digits no other job of this machine has had: the time and the process id,
/// hashed with the standard library's random seed.
fn random_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

/// SHA-256 of the file at `path`, as hex, read a piece at a time.
pub fn file_digest(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut file = std::fs::File::open(path)?;
    let mut piece = vec![0; 64 * 1024];
    loop {
        let n = std::io::Read::read(&mut file, &mut piece)?;
        if n == 0 {
            break;
        }
        hasher.update(&piece[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The job's directory in an output directory.
#[derive(Debug, Clone)]
pub struct JobDir {
    dir: PathBuf,
}

impl JobDir {
    /// The job directory of `out_dir`.
    pub fn of(out_dir: &Path) -> JobDir {
        JobDir {
            dir: out_dir.join(DIR),
        }
    }

    fn write_error(&self, source: std::io::Error) -> JobError {
        JobError::Write {
            dir: self.dir.clone(),
            source,
        }
    }

    /// The job in the directory, `None` when there is none; files the state does not name
    /// (a killed run's leftovers) are removed.
    pub fn load(&self) -> Result<Option<Job>, JobError> {
        let bytes = match std::fs::read(self.dir.join(STATE)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(JobError::Read {
                    dir: self.dir.clone(),
                    detail: e.to_string(),
                });
            }
        };
        let job: Job = serde_json::from_slice(&bytes).map_err(|e| JobError::Read {
            dir: self.dir.clone(),
            detail: e.to_string(),
        })?;
        if job.format != FORMAT {
            return Err(JobError::Read {
                dir: self.dir.clone(),
                detail: format!("written in format '{}', not {FORMAT}", job.format),
            });
        }
        self.remove_leftovers(&job);
        Ok(Some(job))
    }

    fn remove_leftovers(&self, job: &Job) {
        let named: Vec<String> = job
            .parts
            .iter()
            .flat_map(|p| [part_name(p.number), results_name(p.number)])
            .chain([STATE.to_owned()])
            .collect();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !named.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Writes `job`, whole or not at all.
    pub fn save(&self, job: &Job) -> Result<(), JobError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| self.write_error(e))?;
        let text = serde_json::to_vec_pretty(job)
            .map_err(|e| self.write_error(std::io::Error::other(e)))?;
        write_atomic(&self.dir.join(STATE), &text).map_err(|e| self.write_error(e))
    }

    /// Removes the job and its files.
    pub fn remove(&self) -> Result<(), JobError> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.write_error(e)),
            _ => Ok(()),
        }
    }

    /// The requests of part `number`.
    pub fn part(&self, number: u32) -> PathBuf {
        self.dir.join(part_name(number))
    }

    /// The answers to part `number`.
    pub fn results(&self, number: u32) -> PathBuf {
        self.dir.join(results_name(number))
    }

    /// Where the answers to part `number` are downloaded before they are complete.
    pub fn results_download(&self, number: u32) -> PathBuf {
        self.dir.join(format!("{}.download", results_name(number)))
    }

    /// Starts writing parts from number `first` within `limits`.
    pub fn writer(&self, first: u32, limits: Limits) -> Result<PartWriter, JobError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| self.write_error(e))?;
        Ok(PartWriter {
            dir: self.clone(),
            limits,
            next: first,
            open: None,
            parts: Vec::new(),
        })
    }
}

fn part_name(number: u32) -> String {
    format!("part-{number}.jsonl")
}

fn results_name(number: u32) -> String {
    format!("part-{number}.results.jsonl")
}

/// Writes request lines into parts, starting a new part before a line that would take one
/// past its limits (a single line over them gets a part of its own).
pub struct PartWriter {
    dir: JobDir,
    limits: Limits,
    next: u32,
    open: Option<(Part, BufWriter<std::fs::File>)>,
    parts: Vec<Part>,
}

impl PartWriter {
    /// Adds one line (without its line break).
    pub fn add(&mut self, line: &str) -> Result<(), JobError> {
        let bytes = line.len() as u64 + 1;
        let full = self.open.as_ref().is_some_and(|(part, _)| {
            part.requests as usize >= self.limits.requests || part.bytes + bytes > self.limits.bytes
        });
        if full {
            self.close()?;
        }
        if self.open.is_none() {
            let number = self.next;
            self.next += 1;
            let file = std::fs::File::create(self.dir.part(number))
                .map_err(|e| self.dir.write_error(e))?;
            let part = Part {
                number,
                requests: 0,
                bytes: 0,
                step: Step::Written,
            };
            self.open = Some((part, BufWriter::new(file)));
        }
        if let Some((part, file)) = &mut self.open {
            file.write_all(line.as_bytes())
                .and_then(|()| file.write_all(b"\n"))
                .map_err(|e| self.dir.write_error(e))?;
            part.requests += 1;
            part.bytes += bytes;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), JobError> {
        if let Some((part, file)) = self.open.take() {
            let file = file
                .into_inner()
                .map_err(|e| self.dir.write_error(e.into_error()))?;
            file.sync_all().map_err(|e| self.dir.write_error(e))?;
            self.parts.push(part);
        }
        Ok(())
    }

    /// The parts written, each complete on disk.
    pub fn finish(mut self) -> Result<Vec<Part>, JobError> {
        self.close()?;
        Ok(self.parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_split_at_the_limits_and_the_state_survives_a_reload() {
        let out = tempfile::tempdir().expect("temp dir");
        let dir = JobDir::of(out.path());
        let limits = Limits {
            requests: 2,
            bytes: 25,
        };
        let mut writer = dir.writer(0, limits).expect("writer");
        for line in [
            "aaaaaaaaa",
            "bbbbbbbbb",
            "ccccccccc",
            "dddddddddddddddddddddddddddddd",
            "e",
        ] {
            writer.add(line).expect("added");
        }
        let parts = writer.finish().expect("written");
        let sizes: Vec<(u32, u64, u64)> = parts
            .iter()
            .map(|p| (p.number, p.requests, p.bytes))
            .collect();
        // Two lines of 10 bytes; the third would pass 25 bytes; the long one alone.
        assert_eq!(sizes, [(0, 2, 20), (1, 1, 10), (2, 1, 31), (3, 1, 2)]);
        assert_eq!(
            std::fs::read_to_string(dir.part(0)).expect("part"),
            "aaaaaaaaa\nbbbbbbbbb\n"
        );
        let mut job = Job::new("m".into(), "e".into(), Carrier::Openai);
        job.parts = parts;
        job.parts[3].step = Step::Running {
            batch: "batch_1".into(),
            phase: Phase::InProgress,
            succeeded: 0,
            failed: 0,
        };
        job.articles.push(JobArticle {
            input: "a.txt".into(),
            output: "out/a.json".into(),
            digest: "d".into(),
            lines: vec!["a0-c0".into()],
            tries: 0,
            state: ArticleState::Failed { error: "no".into() },
        });
        dir.save(&job).expect("saved");
        std::fs::write(dir.part(9), "a killed run's leftover").expect("write");
        assert_eq!(dir.load().expect("loads"), Some(job.clone()));
        assert!(!dir.part(9).exists());
        assert!(dir.part(0).exists());
        assert_eq!(job.next_part(), 4);
        dir.remove().expect("removed");
        assert_eq!(dir.load().expect("loads"), None);
    }

    #[test]
    fn a_garbled_state_is_an_error_naming_the_directory() {
        let out = tempfile::tempdir().expect("temp dir");
        let dir = JobDir::of(out.path());
        std::fs::create_dir_all(out.path().join(DIR)).expect("dir");
        std::fs::write(out.path().join(DIR).join(STATE), "{oops").expect("write");
        let err = dir.load().expect_err("garbled");
        assert!(
            err.to_string().starts_with("cannot read the batch job in"),
            "{err}"
        );
    }
}
