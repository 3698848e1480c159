//! Batch runs: many articles in, one output file each, nothing lost to a failure or a kill.
//!
//! Owns the batch plan (which articles, from files and directories; which output name each
//! gets; which are already done) and the run (articles concurrently, each output written
//! atomically the moment it is finished, failures collected rather than fatal, Ctrl-C). Does
//! not know what is done to an article, nor what its errors are: the caller passes the work in
//! as a closure and its error type implements [`ArticleError`], so the single-article path and
//! the batch share every stage.
//!
//! Resume: an output exists only once complete (see [`crate::output::write_atomic`]), and the
//! directory's [`manifest`] records what made each one, so a re-run skips every article whose
//! output exists, is newer than the article and was made the same way (options, provider,
//! model), and redoes the rest.

pub mod job;
mod manifest;
pub mod results;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;
use tokio::task::JoinSet;

use crate::output::{remove_stale_temps, write_atomic};
use crate::render::progress::BatchProgress;

pub use manifest::Record;
use manifest::{Manifest, Recorder};

/// The file extensions a directory is searched for (compared without case). Other files in a
/// directory (images, earlier JSON output, `.DS_Store`) are not articles; a file named on the
/// command line is taken whatever its extension.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// Why a batch cannot start. Nothing has been read or sent yet.
#[derive(Debug, thiserror::Error)]
pub enum BatchPlanError {
    /// Several articles and no `--out-dir`. Exit 2.
    #[error("{count} articles given, but without --out-dir there is only stdout to write to")]
    SeveralWithoutOutDir {
        /// Articles named.
        count: usize,
    },
    /// A directory and no `--out-dir`. Exit 2.
    #[error("'{}' is a directory; its articles need --out-dir", path.display())]
    DirectoryWithoutOutDir {
        /// The directory.
        path: PathBuf,
    },
    /// `-o FILE` with more than one article. Exit 2.
    #[error("-o/--output writes one article, but {count} were given")]
    SeveralToOneFile {
        /// Articles named (a directory counts as many).
        count: usize,
    },
    /// `-` among batch inputs. Exit 2.
    #[error("stdin ('-') cannot be part of a batch with --out-dir")]
    StdinInBatch,
    /// Two articles would get the same output name. Exit 2.
    #[error(
        "'{}' and '{}' would both be written to '{}'",
        first.display(), second.display(), output.display()
    )]
    SameOutput {
        /// The article that came first.
        first: PathBuf,
        /// The other.
        second: PathBuf,
        /// The output both map to.
        output: PathBuf,
    },
    /// An output would replace its own article. Exit 2.
    #[error("'{}' would be overwritten by its own output", path.display())]
    OutputIsInput {
        /// The article.
        path: PathBuf,
    },
    /// A directory holds no articles. Exit 3.
    #[error("no articles in '{}' (looked for files ending in .txt, .md or .text)", path.display())]
    EmptyDirectory {
        /// The directory.
        path: PathBuf,
    },
    /// A directory cannot be listed. Exit 3.
    #[error("cannot list '{}': {source}", path.display())]
    ListDirectory {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl BatchPlanError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        Some(
            match self {
                BatchPlanError::SeveralWithoutOutDir { .. }
                | BatchPlanError::DirectoryWithoutOutDir { .. }
                | BatchPlanError::SeveralToOneFile { .. } => {
                    "write one output per article with --out-dir DIR"
                }
                BatchPlanError::StdinInBatch => "save the pasted article to a file first",
                BatchPlanError::SameOutput { .. } => {
                    "rename one of them, or run them into different --out-dir directories"
                }
                BatchPlanError::OutputIsInput { .. } => {
                    "write the output somewhere else (another --out-dir, or -o FILE)"
                }
                BatchPlanError::EmptyDirectory { .. } | BatchPlanError::ListDirectory { .. } => {
                    return None;
                }
            }
            .to_owned(),
        )
    }
}

/// One article of a batch and where its output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The article.
    pub input: PathBuf,
    /// Its output file, inside the output directory.
    pub output: PathBuf,
    /// Whether its output is there but was made another way (other options, provider or
    /// model), so it is done again.
    pub made_another_way: bool,
}

/// What a batch will do, decided before any article is read.
#[derive(Debug)]
pub struct Plan {
    /// Articles to do, in input order.
    pub todo: Vec<Item>,
    /// Articles whose output is already there, newer than the article and made the same way.
    pub skipped: usize,
    /// Records this run's outputs, beside what made those already there.
    recorder: Recorder,
}

/// The articles `paths` name: files as given, directories as their regular files with an
/// [`ARTICLE_EXTENSIONS`] extension (not hidden, not recursive), sorted by name.
/// No paths means stdin, which a batch cannot read.
pub fn articles(paths: &[PathBuf]) -> Result<Vec<PathBuf>, BatchPlanError> {
    if paths.is_empty() {
        return Err(BatchPlanError::StdinInBatch);
    }
    let mut articles = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            return Err(BatchPlanError::StdinInBatch);
        }
        if !path.is_dir() {
            // A missing file fails when it is read, as one failed article of the batch.
            articles.push(path.clone());
            continue;
        }
        let list = |source| BatchPlanError::ListDirectory {
            path: path.clone(),
            source,
        };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(list)? {
            let entry = entry.map_err(list)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // `metadata` follows symlinks: a link to an article is an article.
            let is_file = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file());
            if is_file && !name.starts_with('.') && has_article_extension(&entry.path()) {
                found.push(entry.path());
            }
        }
        if found.is_empty() {
            return Err(BatchPlanError::EmptyDirectory { path: path.clone() });
        }
        found.sort();
        articles.extend(found);
    }
    Ok(articles)
}

fn has_article_extension(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        ARTICLE_EXTENSIONS
            .iter()
            .any(|known| e.eq_ignore_ascii_case(known))
    })
}

/// Names each article's output `<stem>.<extension>` in `out_dir`, refuses two articles on one
/// output and an output on its own article, and sets aside the articles already done the way
/// `record` says (unless `force`). Reads file metadata and the directory's manifest only.
pub fn plan(
    articles: Vec<PathBuf>,
    out_dir: &Path,
    extension: &str,
    force: bool,
    record: Record,
) -> Result<Plan, BatchPlanError> {
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut items = Vec::with_capacity(articles.len());
    for input in articles {
        let stem = input
            .file_stem()
            .map_or_else(|| "article".into(), |s| s.to_os_string());
        let mut name = stem;
        name.push(".");
        name.push(extension);
        let output = out_dir.join(name);
        if let Some(first) = seen.get(&output) {
            return Err(BatchPlanError::SameOutput {
                first: first.clone(),
                second: input,
                output,
            });
        }
        if is_same_file(&input, &output) {
            return Err(BatchPlanError::OutputIsInput { path: input });
        }
        seen.insert(output.clone(), input.clone());
        items.push(Item {
            input,
            output,
            made_another_way: false,
        });
    }
    let manifest = Manifest::load(out_dir);
    let before = items.len();
    if !force {
        items.retain_mut(|item| {
            let same_way = manifest.made_as(&item.output, &record);
            let done = is_done(item);
            item.made_another_way = done && !same_way;
            !(done && same_way)
        });
    }
    Ok(Plan {
        skipped: before - items.len(),
        todo: items,
        recorder: Recorder::new(manifest, out_dir.to_owned(), record),
    })
}

/// Whether both paths exist and are the same file.
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// An output counts as done when it exists and is not older than its article: an article
/// edited after its output was written is done again.
fn is_done(item: &Item) -> bool {
    let Ok(output) = std::fs::metadata(&item.output) else {
        return false;
    };
    let input = std::fs::metadata(&item.input).and_then(|m| m.modified());
    match (output.modified(), input) {
        (Ok(written), Ok(changed)) => output.is_file() && written >= changed,
        _ => output.is_file(),
    }
}

/// Creates the output directory if missing and removes temp files a killed run left there.
pub fn prepare_out_dir(out_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    remove_stale_temps(out_dir);
    Ok(())
}

/// What a batch needs to know of an article's error, besides showing it.
pub trait ArticleError: std::error::Error + Send + 'static {
    /// Whether every other article would fail the same way (a rejected key, say): then no new
    /// article starts.
    fn stops_batch(&self) -> bool;
    /// The article's output could not be written.
    fn write_failed(path: PathBuf, source: std::io::Error) -> Self;
    /// The article's task ended without a result (it panicked: a bug).
    fn task_failed(source: tokio::task::JoinError) -> Self;
}

/// One article, done: its output and what it took.
#[derive(Debug)]
pub struct Done {
    /// The rendered output.
    pub output: Vec<u8>,
    /// Paragraphs in the article.
    pub paragraphs: usize,
    /// Whether any fidelity check failed (the output is written and flags them).
    pub flagged: bool,
    /// What it cost, when the profile has prices.
    pub cost: Option<f64>,
}

/// An article that failed, and why.
#[derive(Debug)]
pub struct Failure<E> {
    /// The article.
    pub path: PathBuf,
    /// Why.
    pub error: E,
}

/// What a finished (or interrupted) batch did. When anything failed or it was interrupted,
/// this is the error `main` reports.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.summary())]
pub struct BatchError<E: std::error::Error> {
    /// Articles in the batch (done before, written now, failed, not done).
    pub total: usize,
    /// Outputs written by this run.
    pub written: usize,
    /// Of `written`, outputs that were there but made another way (other options, provider or
    /// model).
    pub redone: usize,
    /// Of `written`, outputs whose article failed a fidelity check.
    pub flagged: usize,
    /// Articles skipped because their output was already there, made the same way.
    pub skipped: usize,
    /// Failed articles, in input order.
    pub failures: Vec<Failure<E>>,
    /// Articles not finished: stopped by Ctrl-C, or not started after an error every article
    /// would meet.
    pub not_done: usize,
    /// Whether Ctrl-C ended the run.
    pub interrupted: bool,
    /// Articles sent to the provider's batch API whose answers are not in yet.
    pub waiting: usize,
    /// What the articles written cost, when the profile has prices.
    pub cost: Option<f64>,
}

impl<E: std::error::Error> BatchError<E> {
    /// The report of a batch whose `skipped` articles were all done already.
    pub fn all_skipped(skipped: usize) -> BatchError<E> {
        BatchError {
            total: skipped,
            written: 0,
            redone: 0,
            flagged: 0,
            skipped,
            failures: Vec::new(),
            not_done: 0,
            interrupted: false,
            waiting: 0,
            cost: None,
        }
    }

    /// Whether every article is done (written now or before).
    pub fn is_success(&self) -> bool {
        self.failures.is_empty() && !self.interrupted && self.not_done == 0 && self.waiting == 0
    }

    /// Adds `cost` to what the batch cost.
    pub fn add_cost(&mut self, cost: Option<f64>) {
        self.cost = match (self.cost, cost) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }

    /// One line: `6 articles: 3 written (1 with failed fidelity checks), 1 skipped (already
    /// done), 2 failed`.
    pub fn summary(&self) -> String {
        let mut written = Vec::new();
        if self.flagged > 0 {
            written.push(format!("{} with failed fidelity checks", self.flagged));
        }
        if self.redone > 0 {
            written.push(format!("{} redone: made with other options", self.redone));
        }
        let mut parts = vec![if written.is_empty() {
            format!("{} written", self.written)
        } else {
            format!("{} written ({})", self.written, written.join(", "))
        }];
        if self.skipped > 0 {
            parts.push(format!("{} skipped (already done)", self.skipped));
        }
        if !self.failures.is_empty() {
            parts.push(format!("{} failed", self.failures.len()));
        }
        if self.not_done > 0 {
            parts.push(format!("{} not done", self.not_done));
        }
        if self.waiting > 0 {
            parts.push(format!("{} waiting for the batch API", self.waiting));
        }
        if let Some(cost) = self.cost {
            parts.push(format!("cost {}", crate::provider::price::show_cost(cost)));
        }
        let noun = if self.total == 1 {
            "article"
        } else {
            "articles"
        };
        let head = if self.interrupted {
            "interrupted: "
        } else {
            ""
        };
        format!("{head}{} {noun}: {}", self.total, parts.join(", "))
    }

    /// A second line after a failed or interrupted batch, or one still waiting for a batch
    /// API.
    pub fn hint(&self) -> Option<String> {
        if self.waiting > 0 && self.failures.is_empty() && !self.interrupted {
            return Some(
                "run the same command again to collect the rest when the batch API has answered \
                 (or add --wait)"
                    .to_owned(),
            );
        }
        (!self.is_success()).then(|| {
            "run the same command again to do only what is missing (--force redoes everything)"
                .to_owned()
        })
    }
}

/// Runs `work` on every article the plan has to do, up to `concurrency` at once, writing each
/// output atomically the moment its article is done. A failed article is collected and the
/// others go on, except after an error every article would meet
/// ([`ArticleError::stops_batch`]): then nothing new starts.
/// Ctrl-C stops everything in flight (nothing partial is written) and marks the report
/// interrupted. Must run inside a tokio runtime.
pub async fn run<F, Fut, E>(
    plan: Plan,
    concurrency: usize,
    progress: &mut BatchProgress,
    work: F,
) -> BatchError<E>
where
    F: Fn(PathBuf, ProgressBar) -> Fut,
    Fut: Future<Output = Result<Done, E>> + Send + 'static,
    E: ArticleError,
{
    let mut report = BatchError::all_skipped(plan.skipped);
    report.total += plan.todo.len();
    let recorder = Arc::new(plan.recorder);
    let mut failures: Vec<(usize, Failure<E>)> = Vec::new();
    let mut pending = plan.todo.into_iter().enumerate();
    let mut running = JoinSet::new();
    let mut in_flight: HashMap<tokio::task::Id, (usize, Item, ProgressBar)> = HashMap::new();
    let mut stopping = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        while !stopping && running.len() < concurrency.max(1) {
            let Some((index, item)) = pending.next() else {
                break;
            };
            let bar = progress.article(&item.input);
            let article = work(item.input.clone(), bar.clone());
            let written = write_when_done(article, item.output.clone(), Arc::clone(&recorder));
            let task = running.spawn(written);
            in_flight.insert(task.id(), (index, item, bar));
        }
        let joined = tokio::select! {
            joined = running.join_next_with_id() => joined,
            _ = &mut ctrl_c => {
                report.interrupted = true;
                running.abort_all();
                while running.join_next().await.is_some() {}
                break;
            }
        };
        let (id, result) = match joined {
            None => break,
            Some(Ok((id, result))) => (id, result),
            // A panicked task is a bug, reported like any other failure.
            Some(Err(e)) => (e.id(), Err(E::task_failed(e))),
        };
        let Some((index, item, bar)) = in_flight.remove(&id) else {
            continue;
        };
        progress.finished(
            &bar,
            result.as_ref().map_or(0, |(paragraphs, _, _)| *paragraphs),
        );
        match result {
            Ok((_, flagged, cost)) => {
                report.written += 1;
                report.flagged += usize::from(flagged);
                report.redone += usize::from(item.made_another_way);
                report.add_cost(cost);
            }
            Err(error) => {
                stopping |= error.stops_batch();
                let path = item.input;
                failures.push((index, Failure { path, error }));
            }
        }
    }
    progress.finish();
    failures.sort_by_key(|(index, _)| *index);
    report.failures = failures.into_iter().map(|(_, f)| f).collect();
    report.not_done = report.total - report.skipped - report.written - report.failures.len();
    report
}

/// Awaits one article and writes its output; returns its paragraph count, whether a check
/// failed and its cost. There is no await between the end of the work and the rename, so an
/// abort (Ctrl-C) comes either before the write or after the output is complete.
/// The output is recorded in the manifest first: a kill between the two leaves a record that
/// matches no output, so the article is done again.
async fn write_when_done<E: ArticleError>(
    article: impl Future<Output = Result<Done, E>>,
    output: PathBuf,
    recorder: Arc<Recorder>,
) -> Result<(usize, bool, Option<f64>), E> {
    let done = article.await?;
    // A record that cannot be written only means the output is redone next time.
    let _ = recorder.record(&output, &done.output);
    write_atomic(&output, &done.output).map_err(|source| E::write_failed(output, source))?;
    Ok((done.paragraphs, done.flagged, done.cost))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article's error in these tests; `stops` plays a rejected key.
    #[derive(Debug, thiserror::Error)]
    #[error("test failure")]
    struct TestError {
        stops: bool,
    }

    impl ArticleError for TestError {
        fn stops_batch(&self) -> bool {
            self.stops
        }
        fn write_failed(_: PathBuf, _: std::io::Error) -> Self {
            TestError { stops: false }
        }
        fn task_failed(_: tokio::task::JoinError) -> Self {
            TestError { stops: false }
        }
    }

    /// The record of a run translating into `to`.
    fn rec(to: &str) -> Record {
        Record::of(serde_json::json!({ "to": to }))
    }

    fn touch(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, "x").unwrap();
        path
    }

    #[test]
    fn a_directory_gives_its_articles_sorted_without_hidden_or_other_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "b.txt",
            "a.md",
            "c.TEXT",
            ".hidden.txt",
            "photo.jpg",
            "old.json",
        ] {
            touch(dir.path(), name);
        }
        std::fs::create_dir(dir.path().join("sub.txt")).unwrap();
        let found = articles(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["a.md", "b.txt", "c.TEXT"]);
    }

    #[test]
    fn a_named_file_counts_whatever_its_extension_and_stdin_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let photo = touch(dir.path(), "notes");
        assert_eq!(articles(std::slice::from_ref(&photo)).unwrap(), [photo]);
        for stdin in [&[PathBuf::from("-")][..], &[]] {
            assert!(matches!(articles(stdin), Err(BatchPlanError::StdinInBatch)));
        }
    }

    #[test]
    fn a_directory_without_articles_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "photo.jpg");
        assert!(matches!(
            articles(&[dir.path().to_path_buf()]),
            Err(BatchPlanError::EmptyDirectory { .. })
        ));
    }

    #[test]
    fn outputs_are_named_by_stem_and_format() {
        let plan = plan(
            vec!["in/a.txt".into(), "in/b.v2.md".into(), "c".into()],
            Path::new("out"),
            "json",
            false,
            rec("en"),
        )
        .unwrap();
        let outputs: Vec<_> = plan.todo.iter().map(|i| i.output.clone()).collect();
        assert_eq!(
            outputs,
            [
                PathBuf::from("out/a.json"),
                "out/b.v2.json".into(),
                "out/c.json".into()
            ]
        );
        assert_eq!(plan.skipped, 0);
    }

    #[test]
    fn two_articles_on_one_output_are_refused() {
        let err = plan(
            vec!["x/a.txt".into(), "y/a.md".into()],
            Path::new("out"),
            "md",
            false,
            rec("en"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "'x/a.txt' and 'y/a.md' would both be written to 'out/a.md'"
        );
    }

    #[test]
    fn an_output_over_its_own_article_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let article = touch(dir.path(), "a.txt");
        let err = plan(vec![article], dir.path(), "txt", false, rec("en")).unwrap_err();
        assert!(matches!(err, BatchPlanError::OutputIsInput { .. }));
    }

    #[test]
    fn done_articles_are_skipped_unless_forced_or_changed_since() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let a = touch(dir.path(), "a.txt");
        let b = touch(dir.path(), "b.txt");
        let c = touch(dir.path(), "c.txt");
        touch(&out, "a.json");
        // c's output predates its article: an edited article is done again
        let c_out = touch(&out, "c.json");
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&c_out)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let all = vec![a, b.clone(), c.clone()];
        // a and c were made by a run with the same options, the manifest says.
        let mut manifest = Manifest::load(&out);
        for name in ["a.json", "c.json"] {
            manifest
                .record(&out, name.into(), &rec("en"), b"x")
                .unwrap();
        }
        let resumed = plan(all.clone(), &out, "json", false, rec("en")).unwrap();
        let todo: Vec<_> = resumed.todo.iter().map(|i| i.input.clone()).collect();
        assert_eq!(todo, [b, c]);
        assert_eq!(resumed.skipped, 1);
        assert!(resumed.todo.iter().all(|i| !i.made_another_way));
        // Other options: a's output is redone, and counted as made another way.
        let other = plan(all.clone(), &out, "json", false, rec("fr")).unwrap();
        let todo: Vec<_> = other.todo.iter().map(|i| i.input.clone()).collect();
        assert_eq!(todo, all);
        assert_eq!(other.skipped, 0);
        let redone: Vec<bool> = other.todo.iter().map(|i| i.made_another_way).collect();
        assert_eq!(redone, [true, false, false]);
        let forced = plan(all, &out, "json", true, rec("en")).unwrap();
        assert_eq!((forced.todo.len(), forced.skipped), (3, 0));
    }

    /// Runs a batch of `names` into a temp dir, where the work sleeps `ms` ms per article
    /// and fails articles named `bad*` with `fail()`; returns the report, the files written and
    /// the most articles in flight at once.
    async fn fake_batch(
        names: &[&str],
        concurrency: usize,
        fail: fn() -> TestError,
    ) -> (BatchError<TestError>, Vec<String>, usize) {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let articles = names.iter().map(|n| dir.path().join(n)).collect();
        let plan = plan(articles, &dir.path().join("out"), "txt", false, rec("en")).unwrap();
        prepare_out_dir(&dir.path().join("out")).unwrap();
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut progress = BatchProgress::new(false, names.len(), "test");
        let work = |path: PathBuf, _bar: ProgressBar| {
            let (now, most) = (Arc::clone(&now), Arc::clone(&most));
            async move {
                let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(at_once, Ordering::SeqCst);
                // article n sleeps (10 - n) × 10 ms: later articles finish first
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let n: u64 = name[name.len() - 5..name.len() - 4].parse().unwrap();
                tokio::time::sleep(std::time::Duration::from_millis((10 - n) * 10)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                if name.starts_with("bad") {
                    return Err(fail());
                }
                Ok(Done {
                    flagged: name.starts_with('e'),
                    output: name.into_bytes(),
                    paragraphs: 1,
                    cost: Some(0.25),
                })
            }
        };
        let report = run(plan, concurrency, &mut progress, work).await;
        let mut written: Vec<String> = names_in(&dir.path().join("out"));
        written.sort();
        (report, written, most.load(Ordering::SeqCst))
    }

    /// The outputs in `dir` (not the manifest).
    fn names_in(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != manifest::FILE)
            .collect()
    }

    fn same_language() -> TestError {
        TestError { stops: false }
    }

    #[tokio::test]
    async fn failures_are_collected_in_input_order_and_the_rest_is_written() {
        let names = [
            "a1.txt", "bad2.txt", "c3.txt", "bad4.txt", "e5.txt", "f6.txt",
        ];
        let (report, written, _) = fake_batch(&names, 6, same_language).await;
        assert_eq!(written, ["a1.txt", "c3.txt", "e5.txt", "f6.txt"]);
        let failed: Vec<_> = report.failures.iter().map(|f| f.path.clone()).collect();
        assert!(failed[0].ends_with("bad2.txt") && failed[1].ends_with("bad4.txt"));
        assert_eq!((report.written, report.not_done), (4, 0));
        assert_eq!(report.flagged, 1);
        assert!(
            report.summary().starts_with(
                "6 articles: 4 written (1 with failed fidelity checks), 2 failed, cost 1.00"
            ),
            "{}",
            report.summary()
        );
        assert!(!report.is_success());
    }

    #[tokio::test]
    async fn jobs_bounds_the_articles_in_flight() {
        let names = ["a1.txt", "b2.txt", "c3.txt", "d4.txt", "e5.txt"];
        let (report, written, most) = fake_batch(&names, 2, same_language).await;
        assert_eq!(most, 2);
        assert_eq!(written.len(), 5);
        assert!(report.is_success());
    }

    #[tokio::test]
    async fn an_error_every_article_would_meet_starts_nothing_new() {
        let names = ["bad1.txt", "b2.txt", "c3.txt", "d4.txt"];
        let (report, written, _) = fake_batch(&names, 1, || TestError { stops: true }).await;
        assert!(written.is_empty());
        assert_eq!(
            report.summary(),
            "4 articles: 0 written, 1 failed, 3 not done"
        );
    }

    #[test]
    fn the_summary_counts_every_article_once() {
        let report = BatchError {
            total: 6,
            written: 3,
            redone: 2,
            flagged: 0,
            skipped: 1,
            failures: vec![Failure {
                path: "a.txt".into(),
                error: TestError { stops: false },
            }],
            not_done: 1,
            interrupted: true,
            waiting: 2,
            cost: Some(1.5),
        };
        assert_eq!(
            report.summary(),
            "interrupted: 6 articles: 3 written (2 redone: made with other options), 1 skipped \
             (already done), 1 failed, 1 not done, 2 waiting for the batch API, cost 1.50"
        );
        assert!(!report.is_success());
    }
}
