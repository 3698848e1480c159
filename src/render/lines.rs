//! Lines: the styled, width-measured text lines that the text layouts build, and their output.
//!
//! The text layouts (`columns`, `stacked`) never write escape codes themselves: they wrap
//! sanitized text with [`wrap_to`], assemble [`Line`]s of toned [`Span`]s, and hand them to
//! [`write_lines`], which adds ANSI SGR codes only when colour is on. Widths are therefore always
//! measured on text without escapes, and output without colour contains no escape byte at all.
//! This module knows nothing about reports; it owns measuring, padding and wrapping.

use std::io::{self, Write};

use textwrap::WordSeparator;
use textwrap::core::Fragment;
use textwrap::word_splitters::{WordSplitter, split_words};
use textwrap::wrap_algorithms::{Penalties, wrap_first_fit, wrap_optimal_fit};
use unicode_segmentation::UnicodeSegmentation;
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
    /// The translation (SGR 36, cyan): told apart from the source at a glance, in either
    /// layout, on dark and light backgrounds alike.
    Target,
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

/// Display width of `text` in terminal columns: the sum of its grapheme clusters' widths.
///
/// Each cluster is measured on its own with unicode-width's string rules, so an emoji
/// presentation or ZWJ sequence (`🕊️`, `👩‍👩‍👧`, flags, skin tones) counts as the two columns
/// current terminals give it, while the Arabic lam-alef pair (`لا`, `لأ`), which unicode-width
/// counts as one ligature column, counts as the two cells a terminal draws (lam and alef are
/// clusters of their own). The same measure decides where lines break and how they are padded,
/// so the column separator stays in place.
pub(super) fn measure(text: &str) -> usize {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.len();
    }
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
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

/// A piece of a line as the wrapping sees it: a word (or a part of one too long for a line),
/// the whitespace after it, and what is added when a line ends after it; widths by [`measure`].
#[derive(Debug)]
struct Piece<'a> {
    word: &'a str,
    whitespace: &'a str,
    penalty: &'a str,
    width: f64,
    whitespace_width: f64,
    penalty_width: f64,
}

impl<'a> Piece<'a> {
    fn new(word: &'a str, width: usize, whitespace: &'a str, penalty: &'a str) -> Piece<'a> {
        Piece {
            word,
            whitespace,
            penalty,
            width: width as f64,
            whitespace_width: measure(whitespace) as f64,
            penalty_width: measure(penalty) as f64,
        }
    }
}

impl Fragment for Piece<'_> {
    fn width(&self) -> f64 {
        self.width
    }

    fn whitespace_width(&self) -> f64 {
        self.whitespace_width
    }

    fn penalty_width(&self) -> f64 {
        self.penalty_width
    }
}

/// Above this many pieces a text is wrapped first-fit rather than optimal-fit.
const MAX_OPTIMAL_PIECES: usize = 5_000;

/// Sanitizes `text` and wraps it into lines of at most `width` display columns (by
/// [`measure`]), without trailing whitespace. Always returns at least one line.
///
/// Break opportunities are textwrap's Unicode line breaker (UAX #14: between words, after
/// hyphens, between CJK ideographs, never inside an emoji ZWJ sequence); a word wider than a
/// line is cut between grapheme clusters, never inside one. Lines are chosen by textwrap's
/// optimal fit over pieces measured with [`measure`], in one pass that is linear in the text (a
/// 200,000-character word included), with the overflow penalty raised so the width is a hard
/// limit. Chinese and Japanese line-start rules follow ([`keep_punctuation_in_place`]). `width`
/// must be at least 2, so that a double-width character fits.
pub(super) fn wrap_to(text: &str, width: usize) -> Vec<String> {
    let clean = sanitize::for_terminal(text);
    let pieces = pieces_of(&clean, width);
    let penalties = Penalties {
        // The default (2,500 per column) lets optimal fit overflow a line by a column or two
        // when that leaves a smaller gap elsewhere; the width is a hard limit here.
        overflow_penalty: 1_000_000_000,
        ..Penalties::new()
    };
    let widths = [width as f64];
    // Optimal fit is linear too, but with a larger constant: past a few thousand pieces (a
    // text no one reads for its raggedness) first fit does.
    let lines = if pieces.len() > MAX_OPTIMAL_PIECES {
        wrap_first_fit(&pieces, &widths)
    } else {
        wrap_optimal_fit(&pieces, &widths, &penalties)
            .unwrap_or_else(|_| wrap_first_fit(&pieces, &widths))
    };
    let mut wrapped: Vec<String> = lines
        .into_iter()
        .map(|line| {
            let mut text = String::new();
            for (i, piece) in line.iter().enumerate() {
                text.push_str(piece.word);
                text.push_str(if i + 1 == line.len() {
                    piece.penalty
                } else {
                    piece.whitespace
                });
            }
            text.truncate(text.trim_end().len());
            text
        })
        .collect();
    if wrapped.is_empty() {
        wrapped.push(String::new());
    }
    let glued = glued_breaks(&clean, &wrapped);
    keep_punctuation_in_place(wrapped, glued, width)
}

/// The pieces of `text` for lines of `width` columns: its words, split after hyphens, and each
/// word wider than a line cut between grapheme clusters into parts that fit.
fn pieces_of(text: &str, width: usize) -> Vec<Piece<'_>> {
    let words = WordSeparator::UnicodeBreakProperties.find_words(text);
    let mut pieces = Vec::new();
    for word in split_words(words, &WordSplitter::HyphenSplitter) {
        let word_width = measure(word.word);
        if word_width <= width {
            pieces.push(Piece::new(
                word.word,
                word_width,
                word.whitespace,
                word.penalty,
            ));
            continue;
        }
        let (mut start, mut used) = (0, 0);
        for (at, grapheme) in word.word.grapheme_indices(true) {
            let cluster = UnicodeWidthStr::width(grapheme);
            if used + cluster > width && at > start {
                pieces.push(Piece::new(&word.word[start..at], used, "", ""));
                (start, used) = (at, 0);
            }
            used += cluster;
        }
        pieces.push(Piece::new(
            &word.word[start..],
            used,
            word.whitespace,
            word.penalty,
        ));
    }
    pieces
}

/// Characters that must not begin a line in Chinese and Japanese typesetting (kinsoku shori,
/// JIS X 4051 and the Chinese convention): closing brackets and quotes, sentence and clause
/// punctuation, small kana, the prolonged sound mark and iteration marks.
const NO_LINE_START: &str = ")]}）］｝〕〉》」』】〙〗〟’”｠»、。，．,.:;!?！？：；・‥…ー〜\
                             ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻ゝゞヽヾ";

/// Characters that must not end a line: opening brackets and quotes.
const NO_LINE_END: &str = "([{（［｛〔〈《「『【〘〖〝‘“｟«";

/// For each line, whether the break before it falls between two characters with no space
/// between them (between ideographs, say), as opposed to a break at a space. `lines` are the
/// wrapped pieces of `text` in order, their whitespace at the breaks removed.
fn glued_breaks(text: &str, lines: &[String]) -> Vec<bool> {
    let mut glued = vec![false; lines.len()];
    let mut rest = text;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = rest.trim_start();
        glued[i] = i > 0 && trimmed.len() == rest.len();
        let Some(after) = trimmed.strip_prefix(line.as_str()) else {
            // Not a piece of the text as expected: leave every break as it is.
            return vec![false; lines.len()];
        };
        rest = after;
    }
    glued
}

/// Moves characters across the glued line breaks (see [`glued_breaks`]) so that no line
/// starts with a [`NO_LINE_START`] character and none ends with a [`NO_LINE_END`] one, keeping
/// every line within `width`. A closing mark is pulled back onto the line before when it fits
/// there (oikomi); otherwise that line's last character is pushed down with it (oidashi), and
/// what then overflows moves on. Breaks at spaces are never touched: in „Zitat“ – the quote
/// mark before a space closes, whatever it is in Chinese.
fn keep_punctuation_in_place(
    mut lines: Vec<String>,
    mut glued: Vec<bool>,
    width: usize,
) -> Vec<String> {
    let starts_badly = |line: &str| {
        line.chars()
            .next()
            .is_some_and(|c| NO_LINE_START.contains(c))
    };
    let ends_badly = |line: &str| {
        line.chars()
            .next_back()
            .is_some_and(|c| NO_LINE_END.contains(c))
    };
    let mut i = 1;
    // Each step moves a character forward or ends the line's repair, so this terminates; the
    // bound guards against a line of nothing but closing marks.
    let mut budget = lines.iter().map(|l| l.chars().count()).sum::<usize>() * 2 + 8;
    while i < lines.len() && budget > 0 {
        budget -= 1;
        let (before, after) = lines.split_at_mut(i);
        let (prev, line) = (&mut before[i - 1], &mut after[0]);
        if !glued.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        if starts_badly(line) {
            let first = line.chars().next().unwrap_or(' ');
            if measure(prev) + measure(&first.to_string()) <= width {
                prev.push(first);
                line.drain(..first.len_utf8());
            } else if prev.chars().count() > 1 {
                let last = prev.pop().unwrap_or(' ');
                line.insert(0, last);
            } else {
                i += 1;
                continue;
            }
        } else if ends_badly(prev) && prev.chars().count() > 1 {
            let last = prev.pop().unwrap_or(' ');
            line.insert(0, last);
        } else {
            i += 1;
            continue;
        }
        // Keep the line within the width: its overflow starts the next line.
        while measure(&lines[i]) > width && lines[i].chars().count() > 1 {
            let last = lines[i].pop().unwrap_or(' ');
            match lines.get_mut(i + 1) {
                Some(next) if glued.get(i + 1).copied().unwrap_or(false) => next.insert(0, last),
                _ => {
                    lines.insert(i + 1, last.to_string());
                    glued.insert(i + 1, true);
                }
            }
        }
        if lines[i].is_empty() {
            lines.remove(i);
            glued.remove(i);
        }
        // The line before may now end badly, or this one start badly: look again from there.
        i = i.saturating_sub(1).max(1);
    }
    lines
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
                Tone::Target => Some("\x1b[36m"),
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
    fn measures_lam_alef_as_the_two_cells_terminals_draw() {
        // unicode-width's string rules make each pair one ligature column; terminals draw two.
        for pair in ["لا", "لأ", "لإ", "لآ"] {
            assert_eq!(UnicodeWidthStr::width(pair), 1, "{pair}");
            assert_eq!(measure(pair), 2, "{pair}");
        }
        assert_eq!(measure("السلام"), 6);
    }

    #[test]
    fn measures_a_zwj_emoji_sequence_as_one_double_cell() {
        assert_eq!(measure("👩\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(measure("a👩\u{200d}💻b"), 4);
    }

    #[test]
    fn never_breaks_inside_a_grapheme_cluster() {
        let family = "👩\u{200d}👩\u{200d}👧";
        let text = format!("x{}", family.repeat(30));
        for width in 2..=20 {
            for line in wrap_to(&text, width) {
                assert!(measure(&line) <= width, "{line:?} wider than {width}");
                let clusters: String = line.replace('x', "");
                assert_eq!(clusters.replace(family, ""), "", "{line:?} at {width}");
            }
        }
        let word = "Deutsch\u{0308}e".repeat(10);
        for line in wrap_to(&word, 5) {
            assert!(!line.starts_with('\u{0308}'), "{line:?}");
        }
    }

    #[test]
    fn a_200k_character_word_wraps_into_full_lines() {
        let word = "a".repeat(200_000);
        let lines = wrap_to(&format!("Kurz. {word}"), 40);
        assert_eq!(lines[0], "Kurz.");
        assert_eq!(lines.len(), 1 + 200_000 / 40);
        assert!(lines[1..].iter().all(|line| line.len() == 40));
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
    fn no_line_starts_with_closing_punctuation_nor_ends_with_an_opening_quote() {
        let texts = [
            "北约秘书长吕特表示。他说，“北约的大门”仍然敞开！（欧洲）很重要。",
            "日本の首相は「防衛費を増やす」と述べた。ニュースです、はい。",
        ];
        for text in texts {
            for width in 4..=40 {
                let lines = wrap_to(text, width);
                assert_eq!(lines.concat(), text, "{width}: text lost or reordered");
                for (n, line) in lines.iter().enumerate() {
                    assert!(measure(line) <= width, "{width}: {line:?} too wide");
                    // Below 8 columns (4 ideographs) a run such as `ニュー` cannot be kept
                    // whole: the width wins.
                    if width < 8 {
                        continue;
                    }
                    let first = line.chars().next().unwrap_or(' ');
                    assert!(
                        n == 0 || !NO_LINE_START.contains(first),
                        "{width}: {lines:?} starts a line with {first}"
                    );
                    let last = line.chars().next_back().unwrap_or(' ');
                    assert!(
                        n + 1 == lines.len() || !NO_LINE_END.contains(last),
                        "{width}: {lines:?} ends a line with {last}"
                    );
                }
            }
        }
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
