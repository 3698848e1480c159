//! Progress on stderr: a request bar for one article and the batch display above the bars of
//! the articles in flight. Drawn only when stderr is a terminal (the settings decide); hidden
//! bars cost nothing. Local models can take minutes per request: the user sees that diglot is
//! waiting, not hanging.

use std::path::Path;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr for `chunks` requests, or a hidden one. Local models can take
/// minutes per request: the user sees that diglot is waiting, not hanging.
pub fn request_bar(visible: bool, chunks: usize, what: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(chunks as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {msg} {pos}/{len} requests, {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
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
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let total = multi.add(ProgressBar::new(articles as u64));
        let style =
            ProgressStyle::with_template("{spinner} {pos}/{len} articles · {msg}, {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
        total.set_style(style);
        if visible {
            total.enable_steady_tick(std::time::Duration::from_millis(200));
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

    /// The request bar for one article, named by its file.
    pub fn article(&self, path: &Path) -> ProgressBar {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        // A file name may hold escapes or line breaks: shown neutralized, as on stdout.
        let name = super::sanitize::for_terminal(&name);
        self.multi.add(request_bar(self.visible, 0, &name))
    }

    pub fn finished(&mut self, bar: &ProgressBar, paragraphs: usize) {
        self.requests += bar.position();
        self.paragraphs += paragraphs;
        bar.finish_and_clear();
        self.multi.remove(bar);
        self.total.inc(1);
        self.update();
    }

    /// Clears the batch line once the batch is over.
    pub fn finish(&self) {
        self.total.finish_and_clear();
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
