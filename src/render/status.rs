//! The status area of a progressive run on stderr (issue 15): the request bar, and under it the
//! paragraph the model is writing now, one or two lines of its latest words, so the reader
//! sees the next pair coming while the pairs before it are already on stdout.
//!
//! Which paragraph: the one in the answer for the chunk that holds the next pair to print
//! (the reader waits for that one), as the pipeline reads it from the stream. When a pair is
//! printed, the area moves on to the next. Drawn only where the request bar is (stderr is a
//! terminal, and no pager owns the screen); the text is neutralized ([`super::sanitize`]) and
//! fitted to the width like all output, and it never reaches stdout: printing a pair clears
//! the area first ([`Status::suspend`]) and draws it again after.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unicode_width::UnicodeWidthChar;

use crate::ingest::ParagraphId;

/// Rows of paragraph text under the bar.
const TEXT_ROWS: usize = 2;

/// Columns left free at the right edge: the two every progress line leaves for the `^C` a
/// terminal echoes ([`super::progress`]), and one more, so a row never touches the edge.
const ECHO_ROOM: usize = 3;

/// The status area: the request bar and the paragraph in progress.
#[derive(Debug, Clone)]
pub struct Status {
    bar: ProgressBar,
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    /// Per chunk (by its first paragraph): the paragraph being written and its text so far.
    writing: BTreeMap<ParagraphId, (ParagraphId, String)>,
    /// The next pair to print, once the first is out (before: the first chunk's).
    next: Option<ParagraphId>,
    /// What is shown, to redraw only on change.
    shown: String,
}

impl Status {
    /// The status area around a request bar ([`super::progress::request_bar`]).
    pub fn new(bar: ProgressBar) -> Status {
        if !bar.is_hidden() {
            let style = ProgressStyle::with_template(
                "{spinner} {prefix} {pos}/{len} requests, {elapsed}{msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_prefix(bar.message());
            bar.set_message("");
            bar.set_style(style);
        }
        Status {
            bar,
            state: Arc::default(),
        }
    }

    /// Whether the area is drawn (stderr is a terminal and no pager owns the screen).
    pub fn is_shown(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Clears the area and draws it no more (a pager has taken the screen).
    pub fn hide(&self) {
        self.bar.finish_and_clear();
        self.bar.set_draw_target(ProgressDrawTarget::hidden());
    }

    /// The request bar (the pipeline counts requests on it).
    pub fn bar(&self) -> ProgressBar {
        self.bar.clone()
    }

    /// A streamed answer for the chunk starting at `chunk` has got to `paragraph` (its id and
    /// its text so far).
    pub fn writing(&self, chunk: ParagraphId, paragraph: (ParagraphId, String)) {
        if self.bar.is_hidden() {
            return;
        }
        let mut state = self.lock();
        state.writing.insert(chunk, paragraph);
        self.draw(&mut state);
    }

    /// The pair before `next` is printed; `next` is the one the reader waits for now (`None`
    /// after the last).
    pub fn printed(&self, next: Option<ParagraphId>) {
        if self.bar.is_hidden() {
            return;
        }
        let mut state = self.lock();
        state.next = next;
        match next {
            Some(next) => {
                // Chunks that end before the next pair are done with.
                let keep = state.writing.range(..=next).next_back().map(|(k, _)| *k);
                state.writing.retain(|chunk, _| Some(*chunk) >= keep);
            }
            None => state.writing.clear(),
        }
        self.draw(&mut state);
    }

    /// Runs `write` (printing on stdout) with the area cleared, then draws it again.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        self.bar.suspend(write)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn draw(&self, state: &mut State) {
        let shown = match state.next {
            Some(next) => state.writing.range(..=next).next_back(),
            None => state.writing.iter().next(),
        };
        let width = console::Term::stderr().size().1 as usize;
        let message = shown
            .map(|(_, (id, text))| lines(*id, text, width.saturating_sub(ECHO_ROOM)))
            .unwrap_or_default();
        if message != state.shown {
            state.shown.clone_from(&message);
            self.bar.set_message(message);
        }
    }
}

/// The paragraph's latest words under the bar: `\n¶12 …words` on at most [`TEXT_ROWS`] rows of
/// `width` columns, the second indented under the first's text.
fn lines(id: ParagraphId, text: &str, width: usize) -> String {
    let label = format!("{id} ");
    let indent = label.chars().count();
    let room = width.saturating_sub(indent);
    if room < 8 {
        return String::new();
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = super::sanitize::for_terminal(&flat);
    // The latest words that fit the rows, an ellipsis where earlier ones were left out.
    let budget = room * TEXT_ROWS - 1;
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in flat.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            tail.push('…');
            break;
        }
        used += w;
        tail.push(c);
    }
    tail.reverse();
    let mut rows = vec![String::new()];
    let mut row_width = 0;
    for c in tail {
        let w = c.width().unwrap_or(0);
        if row_width + w > room {
            rows.push(String::new());
            row_width = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        row_width += w;
    }
    // A wide character that did not fit at a row's end may push the text onto one more row.
    let extra = rows.len().saturating_sub(TEXT_ROWS);
    rows.drain(..extra);
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        out.push('\n');
        if i == 0 {
            out.push_str(&label);
        } else {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(row.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_words_on_at_most_two_rows_within_the_width() {
        let text = "word ".repeat(100);
        let shown = lines(ParagraphId(12), &text, 40);
        let rows: Vec<&str> = shown.lines().skip(1).collect();
        assert_eq!(rows.len(), 2, "{shown:?}");
        assert!(rows[0].starts_with("¶12 …"), "{rows:?}");
        assert!(rows[1].starts_with("    "), "{rows:?}");
        for row in rows {
            assert!(unicode_width::UnicodeWidthStr::width(row) <= 40, "{row:?}");
        }
        let short = lines(ParagraphId(3), "NATO   will\nnot", 40);
        assert_eq!(short, "\n¶3 NATO will not");
    }

    #[test]
    fn escapes_and_wide_characters_are_shown_neutralized_within_the_width() {
        let text = format!("\u{1b}[31mred\u{7} {}", "北约".repeat(40));
        let shown = lines(ParagraphId(1), &text, 30);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        for row in shown.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(row) <= 30, "{row:?}");
        }
    }

    #[test]
    fn nothing_when_the_terminal_is_too_narrow() {
        assert_eq!(lines(ParagraphId(1), "text", 10), "");
    }
}
