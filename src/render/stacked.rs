//! Stacked: the narrow text layout, each source paragraph above its indented translation.
//!
//! Takes one [`ParagraphPair`] and a width, returns styled [`Line`]s for `lines::write_lines`. The source
//! paragraph starts after its id (right-aligned to the widest id, then a space) and continues
//! under itself; the translation follows, indented by four spaces:
//!
//! ```text
//! ¶1 NATO-Generalsekretär Mark Rutte äußerte
//!    sich am Donnerstag in Brüssel …
//!     NATO Secretary General Mark Rutte spoke
//!     in Brussels on Thursday …
//! ```
//!
//! Pairs are separated by one blank line. Header, marker and boilerplate come from `render`, the
//! order of pairs from `render::progressive`.

use crate::report::ParagraphPair;

use super::lines::{Line, Tone, pad_left, wrap_to};

/// How far translations are indented, in columns.
const TRANSLATION_INDENT: usize = 4;

/// One pair stacked at `width` (at least `MIN_WIDTH`): the source after its margin `label`
/// (right-aligned to `id_width`, the article's widest id), then the translation or `kept`.
pub(super) fn pair_lines(
    pair: &ParagraphPair,
    label: &str,
    id_width: usize,
    width: usize,
    kept: &str,
) -> Vec<Line> {
    let mut lines = source_lines(&pair.source, label, id_width, width);
    lines.extend(translation_lines(pair, kept, width));
    lines
}

/// The source text (a paragraph, or a sentence of one) with its margin `label` (the id),
/// continuation lines aligned under the text.
pub(super) fn source_lines(text: &str, label: &str, id_width: usize, width: usize) -> Vec<Line> {
    let margin = id_width + 1;
    wrap_to(text, width.saturating_sub(margin))
        .into_iter()
        .enumerate()
        .map(|(row, text)| {
            let id = if row == 0 { label } else { "" };
            let mut line = Line::of(pad_left(id, id_width) + " ", super::margin_tone(id));
            line.push(text, Tone::Plain);
            line.trim_end();
            line
        })
        .collect()
}

/// The translation indented by [`TRANSLATION_INDENT`], or the dimmed kept marker.
fn translation_lines(pair: &ParagraphPair, marker: &str, width: usize) -> Vec<Line> {
    let (text, tone) = if pair.translated {
        (pair.target.as_str(), Tone::Target)
    } else {
        (marker, Tone::Dim)
    };
    let indent = " ".repeat(TRANSLATION_INDENT);
    wrap_to(text, width.saturating_sub(TRANSLATION_INDENT))
        .into_iter()
        .map(|text| {
            let mut line = Line::of(indent.as_str(), Tone::Plain);
            line.push(text, tone);
            line.trim_end();
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::render::Layout;
    use crate::render::tests::{WIDTHS, render_text, sample_report};
    use crate::report::Report;

    fn render(report: &Report, width: usize) -> String {
        render_text(report, Layout::Stacked, width, false)
    }

    #[test]
    fn translation_follows_its_source_indented() {
        let report = sample_report();
        for width in WIDTHS {
            let text = render(&report, width);
            let rows: Vec<&str> = text.lines().collect();
            for pair in report.paragraphs.iter().filter(|pair| pair.translated) {
                let id = format!("{} ", pair.id);
                let start = rows.iter().position(|row| row.starts_with(&id));
                let start = start.unwrap_or_else(|| panic!("no row for {} at {width}", pair.id));
                let first = rows[start..].iter().find(|row| row.starts_with("    "));
                let first = first.map(|row| row.trim_start()).unwrap_or_default();
                let first_word = pair.target.split(' ').next().unwrap_or_default();
                let shown = first.split(' ').next().unwrap_or_default();
                assert!(
                    !shown.is_empty() && first_word.starts_with(shown),
                    "{width}: {text}"
                );
            }
        }
    }

    #[test]
    fn continuation_lines_align_under_the_source_text() {
        let text = render(&sample_report(), 40);
        let mut rows = text.lines().skip_while(|row| !row.starts_with("¶1 "));
        let first = rows.next().unwrap_or_default();
        assert!(first.starts_with("¶1 NATO"), "{text}");
        let second = rows.next().unwrap_or_default();
        assert!(
            second.starts_with("   ") && !second.starts_with("    "),
            "{text}"
        );
    }

    #[test]
    fn kept_paragraph_shows_a_marker_instead_of_repeating_itself() {
        let text = render(&sample_report(), 60);
        assert!(
            text.contains("Ukraine,” the alliance said in English.\n    (kept: already English)\n")
        );
        assert_eq!(text.matches("We stand with Ukraine").count(), 1);
    }

    #[test]
    fn plain_output_has_no_escape_and_colored_output_has_some() {
        let mut report = sample_report();
        report.paragraphs[1].source = "\x1b[2J\x1b]8;;https://x.example\x07link".to_owned();
        for width in WIDTHS {
            assert!(!render(&report, width).contains('\x1b'));
            assert!(render_text(&report, Layout::Stacked, width, true).contains("\x1b[1m"));
        }
    }

    #[test]
    fn stacked_at_60_snapshot() {
        insta::assert_snapshot!(render(&sample_report(), 60));
    }
}
