//! Columns: the side-by-side text layout, source on the left and translation on the right.
//!
//! Takes one [`ParagraphPair`] and a width, returns styled [`Line`]s for `lines::write_lines`. Each row
//! is a margin holding the paragraph id (right-aligned to the widest id, then a space), the
//! source column padded by display width, a dimmed ` │ ` separator, and the target column:
//!
//! ```text
//! ¶1 NATO-Generalsekretär Mark  │ NATO Secretary General Mark
//!    Rutte äußerte sich …       │ Rutte spoke in Brussels …
//! ```
//!
//! Both sides of a pair start on the same row, the shorter side is padded, and pairs are
//! separated by one blank line. A translation aligned by sentence has rows for each sentence
//! pair, both sides starting on one row, so the eye moves across, not down. What remains of
//! the width after margin and separator is split in two, the left column getting the floor.
//! Header, marker and boilerplate come from `render`, the order of pairs from
//! `render::progressive`; this file owns only the geometry and the rows.

use crate::report::ParagraphPair;

use super::lines::{Line, Tone, pad_left, pad_right, wrap_to};

/// Between the columns; its width is [`SEPARATOR_WIDTH`].
const SEPARATOR: &str = " │ ";

/// Display width of [`SEPARATOR`].
const SEPARATOR_WIDTH: usize = 3;

/// Where things go on a row, in display columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Geometry {
    /// Width of the widest id; the margin is this plus one space.
    id: usize,
    /// Width of the source column.
    left: usize,
    /// Width of the translation column.
    right: usize,
}

impl Geometry {
    /// Splits `width` into margin, left column, separator and right column.
    fn new(id: usize, width: usize) -> Geometry {
        let rest = width.saturating_sub(id + 1 + SEPARATOR_WIDTH);
        let left = rest / 2;
        Geometry {
            id,
            left,
            right: rest - left,
        }
    }
}

/// One pair in columns at `width` (at least `MIN_WIDTH`), with a margin of `margin` columns
/// for the ids (the article's widest) and `kept` in place of a kept paragraph's translation:
/// as many rows as the longer side needs, the margin `label` (the id) on the first.
pub(super) fn pair_lines(
    pair: &ParagraphPair,
    label: &str,
    margin: usize,
    width: usize,
    kept: &str,
) -> Vec<Line> {
    let geometry = Geometry::new(margin, width);
    let left = wrap_to(&pair.source, geometry.left);
    let (right, right_tone) = if pair.translated {
        (wrap_to(&pair.target, geometry.right), Tone::Target)
    } else {
        (wrap_to(kept, geometry.right), Tone::Dim)
    };
    rows(label, &left, (&right, right_tone), geometry)
}

/// A translation aligned by sentence at `width`, with a margin of `margin` columns: each
/// sentence pair's rows, both sides starting on the same row, one pair right under the other;
/// its label (`labels`, one per sentence pair: the id, `.2`, a check marker) in the margin.
pub(super) fn sentence_lines(
    pair: &ParagraphPair,
    labels: &[String],
    margin: usize,
    width: usize,
) -> Vec<Line> {
    let geometry = Geometry::new(margin, width);
    pair.sentences
        .iter()
        .zip(labels)
        .flat_map(|(sentence, label)| {
            let left = wrap_to(&sentence.source, geometry.left);
            let right = wrap_to(&sentence.target, geometry.right);
            rows(label, &left, (&right, Tone::Target), geometry)
        })
        .collect()
}

/// As many rows as the longer side needs: the margin `label` on the first, the left column
/// padded, the separator, the right column in `right_tone`.
fn rows(
    label: &str,
    left: &[String],
    (right, right_tone): (&[String], Tone),
    geometry: Geometry,
) -> Vec<Line> {
    let rows = left.len().max(right.len());
    (0..rows)
        .map(|row| {
            let id = if row == 0 { label } else { "" };
            let mut line = Line::of(pad_left(id, geometry.id) + " ", super::margin_tone(id));
            let source = left.get(row).map_or("", String::as_str);
            line.push(pad_right(source, geometry.left), Tone::Plain);
            line.push(SEPARATOR, Tone::Dim);
            if let Some(target) = right.get(row) {
                line.push(target.as_str(), right_tone);
            }
            line.trim_end();
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ParagraphId;
    use crate::render::lines::measure;
    use crate::render::tests::{WIDTHS, render_text, sample_report};
    use crate::render::{Layout, MIN_WIDTH};
    use crate::report::Report;

    fn render(report: &Report, width: usize) -> String {
        render_text(report, Layout::Columns, width, false)
    }

    #[test]
    fn splits_the_width_after_margin_and_separator() {
        assert_eq!(
            Geometry::new(2, 80),
            Geometry {
                id: 2,
                left: 37,
                right: 37
            }
        );
        assert_eq!(
            (Geometry::new(2, 81).left, Geometry::new(2, 81).right),
            (37, 38)
        );
        assert_eq!(Geometry::new(3, 20).left + Geometry::new(3, 20).right, 13);
    }

    #[test]
    fn both_sides_of_each_pair_start_on_the_same_row() {
        let report = sample_report();
        for width in WIDTHS {
            let text = render(&report, width);
            let geometry = Geometry::new(2, width.min(2 + 1 + 2 * crate::render::MAX_COLUMN + 3));
            let right_start = 2 + 1 + geometry.left + SEPARATOR_WIDTH;
            for pair in report.paragraphs.iter().filter(|pair| pair.translated) {
                let id = format!("{} ", pair.id);
                let row = text.lines().find(|line| line.starts_with(&id));
                let row = row.unwrap_or_else(|| panic!("no row for {} at {width}", pair.id));
                let right: String = skip_columns(row, right_start);
                let first_word = pair.target.split(' ').next().unwrap_or_default();
                assert!(
                    first_word.starts_with(right.split(' ').next().unwrap_or_default()),
                    "{width}: {row:?} does not start {first_word:?} on the right"
                );
                assert!(!right.is_empty(), "{width}: empty right column in {row:?}");
            }
        }
    }

    /// The part of `line` after its first `columns` display columns.
    fn skip_columns(line: &str, columns: usize) -> String {
        let mut seen = 0;
        line.chars()
            .skip_while(|ch| {
                seen += measure(&ch.to_string());
                seen <= columns
            })
            .collect()
    }

    #[test]
    fn separator_lines_up_on_every_row() {
        let text = render(&sample_report(), 60);
        let geometry = Geometry::new(2, 60);
        let column = 2 + 1 + geometry.left + 1;
        for line in text.lines().filter(|line| line.contains('│')) {
            let before = line.split('│').next().unwrap_or_default();
            assert_eq!(measure(before), column, "{line:?}");
        }
    }

    #[test]
    fn kept_paragraph_shows_a_marker_instead_of_repeating_itself() {
        let text = render(&sample_report(), 120);
        let row = text.lines().find(|line| line.starts_with("¶3 "));
        let row = row.expect("a row for ¶3");
        assert!(row.ends_with("│ (kept: already English)"), "{row:?}");
        assert_eq!(text.matches("We stand with Ukraine").count(), 1);
    }

    #[test]
    fn right_aligns_ids_to_the_widest() {
        let mut report = sample_report();
        report.paragraphs[0].id = ParagraphId(9);
        report.paragraphs[1].id = ParagraphId(10);
        report.paragraphs.truncate(2);
        let text = render(&report, 80);
        assert!(
            text.lines().any(|line| line.starts_with(" ¶9 NATO")),
            "{text}"
        );
        assert!(
            text.lines().any(|line| line.starts_with("¶10 Chinesische")),
            "{text}"
        );
    }

    #[test]
    fn fits_the_widest_possible_id_at_the_minimum_width() {
        let mut report = sample_report();
        report.paragraphs[1].id = ParagraphId(u32::MAX);
        let text = render(&report, MIN_WIDTH);
        assert!(text.contains("¶4294967295 "), "{text}");
        for line in text.lines() {
            assert!(measure(line) <= MIN_WIDTH, "{line:?}");
        }
    }

    #[test]
    fn pairs_are_separated_by_one_blank_line() {
        for width in WIDTHS {
            let text = render(&sample_report(), width);
            let rows: Vec<&str> = text.lines().collect();
            for id in ["¶2 ", "¶3 "] {
                let at = rows.iter().position(|row| row.starts_with(id));
                let at = at.unwrap_or_else(|| panic!("no row for {id} at {width}"));
                assert!(
                    rows[at - 1].is_empty() && rows[at - 2].contains('│'),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn plain_output_has_no_escape_and_colored_output_has_only_ours() {
        let mut report = sample_report();
        report.paragraphs[0].target = "\x1b[31mred\x1b[0m \x1b]8;;https://x.example\x1b\\link\
                                       \x1b]8;;\x1b\\ \u{9b}2J"
            .to_owned();
        for width in WIDTHS {
            assert!(!render(&report, width).contains('\x1b'));
            let colored = render_text(&report, Layout::Columns, width, true);
            let escapes: Vec<&str> = colored.split('\x1b').skip(1).collect();
            assert!(!escapes.is_empty());
            for rest in escapes {
                let ours = ["[0m", "[1m", "[2m", "[36m"]
                    .iter()
                    .any(|sgr| rest.starts_with(sgr));
                assert!(ours, "foreign escape before {rest:?}");
            }
        }
    }

    #[test]
    fn a_wide_terminal_gets_columns_no_wider_than_reads_well() {
        use crate::render::MAX_COLUMN;
        let report = sample_report();
        let wide = render(&report, 200);
        let narrow = render(&report, 2 + 1 + 2 * MAX_COLUMN + 3);
        assert_eq!(
            wide, narrow,
            "wider than two readable columns changes nothing"
        );
        for line in wide.lines().filter(|l| l.contains('│')) {
            let (left, right) = line.split_once('│').expect("a separator");
            assert!(measure(left) <= 3 + MAX_COLUMN + 1, "{line:?}");
            assert!(measure(right) <= MAX_COLUMN + 1, "{line:?}");
        }
    }

    #[test]
    fn the_translation_is_coloured_apart_from_the_source() {
        let colored = render_text(&sample_report(), Layout::Columns, 100, true);
        let row = colored
            .lines()
            .find(|l| l.contains("NATO-Generalsekretär"))
            .expect("row ¶1");
        assert!(row.contains("\x1b[36mNATO Secretary"), "{row:?}");
        assert!(!row.contains("\x1b[36mNATO-General"), "{row:?}");
        let stacked = render_text(&sample_report(), Layout::Stacked, 60, true);
        assert!(stacked.contains("    \x1b[36mNATO Secretary"), "{stacked}");
    }

    #[test]
    fn columns_at_80_snapshot() {
        insta::assert_snapshot!(render(&sample_report(), 80));
    }

    #[test]
    fn columns_at_40_snapshot() {
        insta::assert_snapshot!(render(&sample_report(), 40));
    }
}
