//! One article to stdout as it is verified (issue 15): `translate --format text|jsonl` writes
//! the header at once, each pair the moment it and every pair before it are checked, and the
//! rest at the end; the status area on stderr shows the paragraph being written. Output taller
//! than the terminal goes through a pager, fed as the pairs arrive. Whole-document output on a
//! terminal (JSON, Markdown, HTML, a brief, a result from the cache) goes through the pager
//! too ([`page_whole`]).
//!
//! How a run ends: done (the tail written, the pager waited for); the reader quit the pager
//! or closed the pipe (`| head`): the run stops at once, quietly, exit 0, and the cache keeps
//! the chunks already done; Ctrl-C: what is on the screen stays, the status area is cleared,
//! a pager gets the end of its input and is waited for, exit 130; an error: the same, then the
//! error.

use std::sync::Arc;

use tokio::sync::watch;

use super::article::{Ready, Session, Sink, Task, prepare, process_progressive};
use super::{Outcome, runtime};
use crate::config::{ProviderSettings, Settings};
use crate::error::Error;
use crate::ingest::ParagraphId;
use crate::input::Source;
use crate::pipeline::{Live, LiveSink};
use crate::render::pager::{Output, Pager, PagerSetup, Paging};
use crate::render::progress::request_bar;
use crate::render::progressive::{Head, Progressive};
use crate::render::status::Status;
use crate::render::{Format, Style};
use crate::report::ParagraphPair;
use crate::verify::fidelity::Check;

/// Translates `article` and writes it to stdout (or a pager) pair by pair.
pub(super) fn deliver(
    task: Task,
    (main, brief): (ProviderSettings, Option<ProviderSettings>),
    article: Source,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let (prepared, key) = match prepare(&article, &task)? {
        Ready::Cached(rendered) => {
            let mut warnings = rendered.warnings;
            let output = page_whole(rendered.output, settings, &mut warnings)?;
            return Ok(Outcome {
                output,
                warnings,
                error_after_output: rendered.failed.map(Error::from),
                notes: rendered.notes,
            });
        }
        Ready::Fresh { prepared, key } => (prepared, key),
    };
    let what = format!("translating with {}", main.name.value);
    let status = Status::new(request_bar(settings.progress, 0, &what));
    let (gone, quit) = watch::channel(false);
    let mut screen = Screen {
        format: task.format,
        style: *task.style(),
        pager: settings.pager.value.clone(),
        height: settings.height,
        writer: None,
        head: None,
        output: Output::Stdout,
        gone: Some(gone),
        status,
        ids: Vec::new(),
        printed: 0,
        warnings: Vec::new(),
    };
    let ended = runtime()?.block_on(async {
        let work = async {
            let session = Session::open(main, brief, &task.prompts, &task.run).await?;
            let bar = screen.status.bar();
            process_progressive(&task, &session, *prepared, key, bar, &mut screen).await
        };
        tokio::select! {
            done = work => done.map(Some),
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
            () = reader_quit(quit) => Ok(None),
        }
    });
    // What the run came to: its output written, the reader gone, or an error.
    let ended = match ended {
        Ok(Some((report, warnings))) => {
            let code = task.exit_code_of(&report);
            screen
                .finish(&report, code)
                .map(|()| Some(task.streamed(report, warnings)))
        }
        Ok(None) => Ok(None),
        Err(error) => Err(error),
    };
    let Screen {
        output,
        mut warnings,
        status,
        ..
    } = screen;
    // The status area goes before a pager is waited for or anything else is said.
    drop(status);
    output.close();
    let rendered = match ended {
        Ok(rendered) => rendered,
        // The reader quit the pager or closed the pipe: stop quietly.
        Err(Error::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => None,
        Err(error) => return Err(error),
    };
    warnings.extend(super::cache::keep_within_limit(settings));
    Ok(match rendered {
        Some(rendered) => Outcome {
            output: Vec::new(),
            warnings: [rendered.warnings, warnings].concat(),
            error_after_output: rendered.failed.map(Error::from),
            notes: rendered.notes,
        },
        None => Outcome {
            warnings,
            ..Outcome::default()
        },
    })
}

/// Resolves when the reader has quit the pager (never when there is none).
async fn reader_quit(mut quit: watch::Receiver<bool>) {
    if quit.wait_for(|gone| *gone).await.is_err() {
        // No pager was started, or it could not be: nothing to wait for.
        std::future::pending::<()>().await;
    }
}

/// Where a progressive run writes: the writer, stdout or the pager, and the status area.
struct Screen {
    format: Format,
    style: Style,
    pager: PagerSetup,
    /// The terminal's height when stdout is one.
    height: Option<usize>,
    writer: Option<Progressive>,
    /// The header until it is written.
    head: Option<Header>,
    output: Output,
    /// Told when the pager ends; taken when one starts.
    gone: Option<watch::Sender<bool>>,
    status: Status,
    /// Every paragraph's id, to tell the status area which pair comes next.
    ids: Vec<ParagraphId>,
    printed: usize,
    warnings: Vec<String>,
}

impl Screen {
    /// Writes `bytes` with the status area out of the way.
    fn send(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let output = &mut self.output;
        self.status
            .suspend(|| output.send(bytes))
            .map_err(Error::Stdout)
    }

    /// Starts the pager for progressive output, or says why it cannot and writes without.
    fn open_pager(&mut self) {
        let Some(gone) = self.gone.take() else {
            return;
        };
        let started = self.pager.words(false).and_then(|words| {
            Pager::start(&words, &self.pager.env, gone)
                .map_err(|e| format!("cannot start the pager '{}': {e}", words.join(" ")))
        });
        match started {
            Ok(pager) => {
                // The pager owns the screen: no status area over it.
                self.status.hide();
                self.output = Output::Pager(pager);
            }
            Err(why) => self
                .warnings
                .push(format!("{why}; writing without a pager")),
        }
    }

    /// What follows the pairs (after the header, for an article without pairs).
    fn finish(&mut self, report: &crate::report::Report, exit_code: u8) -> Result<(), Error> {
        self.open()?;
        let Some(mut writer) = self.writer.take() else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        writer
            .finish(report, exit_code, &mut bytes)
            .map_err(Error::Render)?;
        self.send(&bytes)
    }
}

impl Screen {
    /// Before the first write: the pager, if the output is to be paged, and the header. Held
    /// back until there is a pair to show, so a run that fails before its first pair prints
    /// nothing and opens no pager.
    fn open(&mut self) -> Result<(), Error> {
        let Some(mut head) = self.head.take() else {
            return Ok(());
        };
        let taller = head.rows > self.height.unwrap_or(usize::MAX);
        if self.height.is_some()
            && match self.pager.paging {
                Paging::Always => true,
                Paging::Auto => taller,
                Paging::Never => false,
            }
        {
            self.open_pager();
        }
        self.send(&std::mem::take(&mut head.bytes))
    }
}

/// The header, written with the first pair, and the rows the whole output is expected to take.
struct Header {
    bytes: Vec<u8>,
    rows: usize,
}

impl Sink for Screen {
    fn start(
        &mut self,
        head: &Head<'_>,
        sources: &[&str],
        boilerplate: &[String],
    ) -> Result<(), Error> {
        let Some(mut writer) = Progressive::new(self.format, head, &self.style) else {
            return Ok(());
        };
        let rows = writer.estimated_rows(head, sources, boilerplate);
        let mut bytes = Vec::new();
        writer.start(head, &mut bytes).map_err(Error::Render)?;
        self.ids = head.ids.to_vec();
        self.writer = Some(writer);
        self.head = Some(Header { bytes, rows });
        Ok(())
    }

    fn pair(&mut self, pair: &ParagraphPair, checks: &[Check]) -> Result<(), Error> {
        self.open()?;
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        writer
            .pair(pair, checks, &mut bytes)
            .map_err(Error::Render)?;
        self.send(&bytes)?;
        self.printed += 1;
        self.status.printed(self.ids.get(self.printed).copied());
        Ok(())
    }

    fn live(&self) -> LiveSink {
        let status = self.status.clone();
        Arc::new(move |live: &Live<'_>| {
            if !status.is_shown() {
                return;
            }
            if let (Some(chunk), Some(paragraph)) = (live.chunk, live.paragraph()) {
                status.writing(chunk, paragraph);
            }
        })
    }
}

/// Whole-document output on a terminal through the pager, when `--paging` says so (`auto`:
/// taller than the terminal): written, then the pager waited for, and nothing is left for
/// `main` to write. Otherwise, or when the pager cannot start (a warning says so), `output`
/// back for `main`.
pub(super) fn page_whole(
    output: Vec<u8>,
    settings: &Settings,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, Error> {
    let setup = &settings.pager.value;
    let Some(height) = settings.height else {
        return Ok(output);
    };
    let taller = || {
        let text = String::from_utf8_lossy(&output);
        crate::render::pager::rows(&text, settings.width.value) > height
    };
    let wanted = match setup.paging {
        Paging::Never => false,
        Paging::Always => true,
        Paging::Auto => taller(),
    };
    if !wanted {
        return Ok(output);
    }
    // Nobody waits for this pager to end early: a quit pager fails the write, quietly.
    let (gone, _) = watch::channel(false);
    let started = setup.words(true).and_then(|words| {
        Pager::start(&words, &setup.env, gone)
            .map_err(|e| format!("cannot start the pager '{}': {e}", words.join(" ")))
    });
    let mut pager = match started {
        Ok(pager) => Output::Pager(pager),
        Err(why) => {
            warnings.push(format!("{why}; writing without a pager"));
            return Ok(output);
        }
    };
    let written = pager.send(&output);
    pager.close();
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Stdout(e)),
        _ => Ok(Vec::new()),
    }
}
