//! Lines: the styled, width-measured text lines that the text layouts build, and their output.
//!
//! The text layouts (`columns`, `stacked`) never write escape codes themselves: they wrap
//! sanitized text with [`wrap_to`], assemble [`Line`]s of toned [`Span`]s, and hand them to
//! [`write_lines`], which adds ANSI SGR codes only when colour is on. Widths are therefore always
//! measured on text without escapes, and output without colour contains no escape byte at all.
//! This module knows nothing about reports; it owns measuring, padding and wrapping.

use std::io::{self, Write};

use textwrap::wrap_algorithms::Penalties;
use textwrap::{Options, WrapAlgorithm};
use unicode_width::UnicodeWidthStr;

use super::sanitize;

/// How a span is shown when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    /// No styling.
    Plain,
    /// Bold (SGR 1): the header.
    Bold,
    /// Dim (SGR 2): ids, separators, markers, boilerplate.
    Dim,
}

/// A run of text shown in one tone. Invariant: no control characters (so no escapes, no
/// newlines); text from outside diglot gets there through [`wrap_to`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Span {
    /// The text, already sanitized and wrapped.
    pub(super) text: String,
    /// Its styling when colour is on.
    pub(super) tone: Tone,
}

/// One output line: spans written left to right, followed by a newline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Line {
    /// The spans, in order.
    pub(super) spans: Vec<Span>,
}

impl Line {
    /// A line of one span.
    pub(super) fn of(text: impl Into<String>, tone: Tone) -> Line {
        let mut line = Line::default();
        line.push(text, tone);
        line
    }

    /// Appends a span.
    pub(super) fn push(&mut self, text: impl Into<String>, tone: Tone) {
        self.spans.push(Span {
            text: text.into(),
            tone,
        });
    }

    /// Removes trailing whitespace, across spans, so no line ends in padding.
    pub(super) fn trim_end(&mut self) {
        while let Some(last) = self.spans.last_mut() {
            let kept = last.text.trim_end().len();
            last.text.truncate(kept);
            if !last.text.is_empty() {
                break;
            }
            self.spans.pop();
        }
    }
}

/// Display width of `text` in terminal columns.
///
/// unicode-width's string rules, which treat emoji presentation sequences (`🕊️`, flags, skin
/// tones) as two columns, as current terminals draw them. textwrap's own measure disagrees on
/// some sequences (it counts `🕊️` as 1 and a flag as 4), so wrapped lines are re-measured here
/// and re-wrapped narrower when they do not fit: one measure decides both fit and padding, and
/// the column separator stays in place.
pub(super) fn measure(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `width` display columns (unchanged when already as wide).
pub(super) fn pad_right(text: &str, width: usize) -> String {
    let mut padded = String::from(text);
    padded.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(measure(text)),
    ));
    padded
}

/// Spaces up to `width` display columns, then `text`.
pub(super) fn pad_left(text: &str, width: usize) -> String {
    let mut padded = " ".repeat(width.saturating_sub(measure(text)));
    padded.push_str(text);
    padded
}

/// Sanitizes `text` and wraps it into lines of at most `width` display columns (by
/// [`measure`]), without trailing whitespace. Always returns at least one line.
///
/// Wrapping is textwrap's, with its default Unicode line breaker (which breaks between CJK
/// ideographs) and words longer than a line broken. Two guards keep the width a hard limit:
/// optimal-fit's overflow penalty is raised so it never trades an overlong line for a tidier
/// paragraph, and when [`measure`] still finds a line too wide (an emoji textwrap counts
/// narrower), the paragraph is rewrapped narrower, and as a last resort a line is cut between
/// characters. `width` must be at least 2, so that a double-width character fits.
pub(super) fn wrap_to(text: &str, width: usize) -> Vec<String> {
    let clean = sanitize::for_terminal(text);
    let mut target = width;
    loop {
        let lines = wrap_once(&clean, target);
        if target <= 1 || lines.iter().all(|line| measure(line) <= width) {
            return lines
                .iter()
                .flat_map(|line| cut_to_width(line, width))
                .collect();
        }
        target -= 1;
    }
}

/// One textwrap pass at `width`, trailing whitespace trimmed.
fn wrap_once(text: &str, width: usize) -> Vec<String> {
    let penalties = Penalties {
        // The default (2,500 per column) lets optimal fit overflow a line by a column or two
        // when that leaves a smaller gap elsewhere; the width is a hard limit here.
        overflow_penalty: 1_000_000_000,
        ..Penalties::new()
    };
    let options = Options::new(width).wrap_algorithm(WrapAlgorithm::OptimalFit(penalties));
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|line| line.trim_end().to_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// Cuts `line` between characters into pieces of at most `width` columns; a line that fits is
/// returned whole. Each piece takes at least one character, so this always makes progress.
fn cut_to_width(line: &str, width: usize) -> Vec<String> {
    if measure(line) <= width {
        return vec![line.to_owned()];
    }
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for ch in line.chars() {
        piece.push(ch);
        if measure(&piece) > width && piece.chars().nth(1).is_some() {
            piece.pop();
            pieces.push(std::mem::take(&mut piece));
            piece.push(ch);
        }
    }
    pieces.push(piece);
    pieces
}

/// Writes `lines`, each followed by `\n`, in one `write_all`.
///
/// With `color`, every styled span is wrapped in its SGR code and a reset (`\x1b[0m`), so a line
/// never leaves the terminal styled; whitespace-only spans are written plain. Without `color`
/// the output contains no escape byte.
pub(super) fn write_lines(lines: &[Line], color: bool, out: &mut impl Write) -> io::Result<()> {
    let mut buffer = String::new();
    for line in lines {
        for span in &line.spans {
            let sgr = match span.tone {
                _ if !color || span.text.trim().is_empty() => None,
                Tone::Plain => None,
                Tone::Bold => Some("\x1b[1m"),
                Tone::Dim => Some("\x1b[2m"),
            };
            match sgr {
                Some(code) => {
                    buffer.push_str(code);
                    buffer.push_str(&span.text);
                    buffer.push_str("\x1b[0m");
                }
                None => buffer.push_str(&span.text),
            }
        }
        buffer.push('\n');
    }
    out.write_all(buffer.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "Der NATO-Generalsekretär äußerte sich – „北约秘书长吕特表示“ 🇺🇦🕊️ \
                         ❤️❤️❤️❤️❤️❤️❤️❤️❤️❤️ Donaudampfschifffahrtsgesellschaftskapitän";

    #[test]
    fn measures_cjk_and_emoji_as_two_columns() {
        assert_eq!(measure("äöüß"), 4);
        assert_eq!(measure("北约"), 4);
        assert_eq!(measure("🇺🇦"), 2);
        assert_eq!(measure("🕊️"), 2);
    }

    #[test]
    fn wrapped_lines_never_exceed_the_width() {
        for width in 2..=40 {
            for line in wrap_to(MIXED, width) {
                assert!(measure(&line) <= width, "{line:?} wider than {width}");
            }
        }
    }

    #[test]
    fn wrapping_loses_no_text() {
        let joined: String = wrap_to(MIXED, 7).concat();
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(squeeze(&joined), squeeze(MIXED));
    }

    #[test]
    fn wrapping_breaks_between_cjk_ideographs() {
        let lines = wrap_to("北约秘书长吕特表示", 6);
        assert_eq!(lines, ["北约秘", "书长吕", "特表示"]);
    }

    #[test]
    fn wrapping_sanitizes_first() {
        let lines = wrap_to("\x1b[31mred\x1b[0m", 80);
        assert_eq!(lines, ["␛[31mred␛[0m"]);
    }

    #[test]
    fn wrapping_empty_text_gives_one_empty_line() {
        assert_eq!(wrap_to("", 10), [""]);
    }

    #[test]
    fn pads_by_display_width_not_bytes() {
        assert_eq!(pad_right("ß北", 5), "ß北  ");
        assert_eq!(pad_left("¶2", 4), "  ¶2");
        assert_eq!(pad_right("too wide", 3), "too wide");
    }

    #[test]
    fn trim_end_removes_padding_across_spans() {
        let mut line = Line::of("text  ", Tone::Plain);
        line.push("   ", Tone::Dim);
        line.trim_end();
        assert_eq!(line, Line::of("text", Tone::Plain));
    }

    #[test]
    fn writes_no_escape_without_color() {
        let mut out = Vec::new();
        let lines = [Line::of("bold", Tone::Bold), Line::of("dim", Tone::Dim)];
        write_lines(&lines, false, &mut out).expect("writing to a Vec succeeds");
        assert_eq!(out, b"bold\ndim\n");
    }

    #[test]
    fn styles_spans_and_resets_them_with_color() {
        let mut out = Vec::new();
        let mut line = Line::of("  ", Tone::Dim);
        line.push("id", Tone::Dim);
        line.push(" text", Tone::Plain);
        write_lines(&[line, Line::of("head", Tone::Bold)], true, &mut out)
            .expect("writing to a Vec succeeds");
        let text = String::from_utf8(out).expect("output is UTF-8");
        assert_eq!(text, "  \x1b[2mid\x1b[0m text\n\x1b[1mhead\x1b[0m\n");
    }
}
