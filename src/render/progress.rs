//! Progress on stderr: a request bar for one article and the batch display above the bars of
//! the articles in flight. Drawn only when stderr is a terminal (the settings decide); hidden
//! bars cost nothing. Local models can take minutes per request: the user sees that diglot is
//! waiting, not hanging.

use std::path::Path;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

/// How often a visible bar redraws its spinner and clock.
const TICK: std::time::Duration = std::time::Duration::from_millis(200);

/// Columns of each progress line left free at the right edge. indicatif pads every line to the
/// full width so that the cursor ends at the terminal's edge; then the `^C` the terminal echoes
/// on Ctrl-C wraps onto a new line, indicatif's clear hits that line instead of the bar, and the
/// bar stays on the screen above the error. Two free columns hold the echo.
const ECHO_ROOM: u16 = 2;

/// stderr, as the progress display sees it: [`ECHO_ROOM`] columns narrower than it is.
#[derive(Debug)]
struct Stderr(console::Term);

impl indicatif::TermLike for Stderr {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(ECHO_ROOM).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Where visible progress is drawn: stderr, narrowed (see [`ECHO_ROOM`]).
fn stderr_target() -> ProgressDrawTarget {
    ProgressDrawTarget::term_like(Box::new(Stderr(console::Term::stderr())))
}

/// A progress bar on stderr for `chunks` requests, or a hidden one. Local models can take
/// minutes per request: the user sees that diglot is waiting, not hanging. However the run
/// ends (done, an error, Ctrl-C), the bar is cleared when its last handle is dropped, so no
/// spinner line stays above the result or the error.
pub fn request_bar(visible: bool, chunks: usize, what: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = unstarted_bar(chunks, what);
    bar.set_draw_target(stderr_target());
    bar.enable_steady_tick(TICK);
    bar
}

/// A styled request bar that draws nowhere yet: it must be given its place (stderr, or a line
/// of a [`MultiProgress`]) before its first draw, or that draw lands outside the display that
/// later clears it and stays on the screen.
fn unstarted_bar(chunks: usize, what: &str) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} {msg} {pos}/{len} requests, {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    ProgressBar::with_draw_target(Some(chunks as u64), ProgressDrawTarget::hidden())
        .with_style(style)
        .with_message(what.to_owned())
        .with_finish(ProgressFinish::AndClear)
}

/// Progress of a batch on stderr: one line of articles, paragraphs and requests, and below it
/// the request bar of each article in flight ([`request_bar`]).
pub struct BatchProgress {
    multi: MultiProgress,
    visible: bool,
    total: ProgressBar,
    paragraphs: usize,
    requests: u64,
    what: String,
}

impl BatchProgress {
    /// Bars for `articles` articles, drawn only when `visible`.
    pub fn new(visible: bool, articles: usize, what: &str) -> BatchProgress {
        let target = if visible {
            stderr_target()
        } else {
            ProgressDrawTarget::hidden()
        };
        BatchProgress::with_target(target, visible, articles, what)
    }

    /// [`BatchProgress::new`] drawing on `target` (a test's in-memory terminal).
    fn with_target(
        target: ProgressDrawTarget,
        visible: bool,
        articles: usize,
        what: &str,
    ) -> BatchProgress {
        let multi = MultiProgress::with_draw_target(target);
        let style =
            ProgressStyle::with_template("{spinner} {pos}/{len} articles · {msg}, {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let total = multi.add(
            ProgressBar::with_draw_target(Some(articles as u64), ProgressDrawTarget::hidden())
                .with_style(style)
                .with_finish(ProgressFinish::AndClear),
        );
        if visible {
            total.enable_steady_tick(TICK);
        }
        let progress = BatchProgress {
            multi,
            visible,
            total,
            paragraphs: 0,
            requests: 0,
            what: what.to_owned(),
        };
        progress.update();
        progress
    }

    /// The request bar for one article, named by its file: a line of the batch display (added
    /// before it first draws, so the display knows every line it has to clear).
    pub fn article(&self, path: &Path) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        // A file name may hold escapes or line breaks: shown neutralized, as on stdout.
        let name = super::sanitize::for_terminal(&name);
        let bar = self.multi.add(unstarted_bar(0, &name));
        bar.enable_steady_tick(TICK);
        bar
    }

    /// Counts a finished article and removes its line.
    pub fn finished(&mut self, bar: &ProgressBar, paragraphs: usize) {
        self.requests += bar.position();
        self.paragraphs += paragraphs;
        bar.finish_and_clear();
        self.multi.remove(bar);
        self.total.inc(1);
        self.update();
    }

    /// Clears the whole display once the batch is over, however it ended (articles still in
    /// flight after Ctrl-C included).
    pub fn finish(&self) {
        self.total.finish_and_clear();
        let _ = self.multi.clear();
    }

    fn update(&self) {
        self.total.set_message(format!(
            "{} · {} paragraphs, {} requests",
            self.what, self.paragraphs, self.requests
        ));
    }
}

/// Characters of a streamed answer shown beside a request bar.
const LIVE_CHARS: usize = 32;

/// A sink for the text a model streams: the bar's message shows its last words, neutralized
/// and on one line, so the user sees the model write. Costs nothing on a hidden bar.
pub fn live_text(bar: ProgressBar) -> std::sync::Arc<dyn Fn(&str) + Send + Sync> {
    let what = bar.message();
    std::sync::Arc::new(move |text: &str| {
        if bar.is_hidden() {
            return;
        }
        let clean = super::sanitize::for_terminal(text);
        let flat: String = clean.split_whitespace().collect::<Vec<_>>().join(" ");
        let skip = flat.chars().count().saturating_sub(LIVE_CHARS);
        let tail: String = flat.chars().skip(skip).collect();
        bar.set_message(format!("{what} …{tail}"));
    })
}
