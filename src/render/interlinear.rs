//! Interlinear: each source sentence, then its translation beneath it, as a learner's reader
//! shows it (`--layout interlinear`).
//!
//! Takes one [`ParagraphPair`] with the checks it failed and a width, returns styled [`Line`]s
//! for `lines::write_lines`. The first sentence of a paragraph starts after its id
//! (right-aligned to the margin, then a space), every later one after its place in the
//! paragraph (`.2`); each source sentence (or run of sentences the translation merged)
//! continues under itself, and its translation follows indented by two more columns, coloured
//! as the translation is everywhere (cyan), so without colour the indent tells them apart:
//!
//! ```text
//!  ¶4 Rutte ergänzte, Trump wünsche einen “dauerhaften Frieden” und …
//!       Rutte added that Trump wants a “lasting peace” and suggested …
//!  .2 Eine offizielle Beteiligung der NATO schloss er jedoch aus.
//!       However, he ruled out an official involvement of NATO.
//! ```
//!
//! The margin keeps room for a flagged later sentence's label (`!.2`), which is known to fit
//! before the first pair is written (`render::progressive`). A paragraph not aligned by
//! sentence (kept as it was, or a result aligned by paragraph) is one source block and one
//! translation block. A sentence pair that failed a fidelity check has the check marker in
//! place of the `¶` or before the `.` of its label ([`sentence_labels`], which the columns
//! share). Header, marker, blank lines between pairs and boilerplate come from `render`.

use crate::ingest::sentence::Align;
use crate::report::ParagraphPair;
use crate::verify::fidelity::Check;

use super::lines::{Line, Tone, wrap_to};
use super::{CHECK_MARKER, Layout, MIN_WIDTH, STACKED_BELOW, Style};

/// How much further than its source a translation is indented, in columns.
const TRANSLATION_INDENT: usize = 2;

/// The layout a translation is drawn in with `style`: the chosen one, where `auto` below 80
/// columns stacks a translation aligned by paragraph and sets one aligned by sentence
/// interlinear. Decided from the alignment asked for (known before the first pair), not from
/// the pairs.
pub(super) fn layout_for(style: &Style) -> Layout {
    let width = style.width.max(MIN_WIDTH);
    match style.layout {
        Layout::Auto if style.align == Align::Sentence && width < STACKED_BELOW => {
            Layout::Interlinear
        }
        chosen => chosen.for_width(width),
    }
}

/// The margin label of each sentence pair of `pair`, given the `checks` the paragraph failed:
/// the paragraph's id on the first (`¶3`, `!3` when that pair or the paragraph as a whole
/// failed a check), the place of its first sentence on a later one (`.2`, `!.2` when that pair
/// failed a check).
pub(super) fn sentence_labels(pair: &ParagraphPair, checks: &[Check]) -> Vec<String> {
    let flagged = |ids: &[crate::ingest::sentence::SentenceId]| {
        checks
            .iter()
            .any(|c| !c.sentences.is_empty() && c.sentences == ids)
    };
    let whole = checks.iter().any(|c| c.sentences.is_empty());
    pair.sentences
        .iter()
        .enumerate()
        .map(|(index, sentence)| {
            let flagged = flagged(&sentence.ids) || (index == 0 && whole);
            match (index, sentence.ids.first()) {
                (0, _) | (_, None) => super::id_label(pair.id, flagged),
                (_, Some(first)) if flagged => format!("{CHECK_MARKER}.{}", first.index),
                (_, Some(first)) => format!(".{}", first.index),
            }
        })
        .collect()
}

/// One pair interlinear at `width` (at least `MIN_WIDTH`), with a margin of `margin` columns
/// and `kept` in place of a kept paragraph's translation: each sentence pair a block, or the
/// paragraph one block when it is not aligned by sentence.
pub(super) fn pair_lines(
    pair: &ParagraphPair,
    checks: &[Check],
    margin: usize,
    width: usize,
    kept: &str,
) -> Vec<Line> {
    let label = || super::id_label(pair.id, !checks.is_empty());
    let blocks: Vec<(String, &str, &str, Tone)> = if !pair.translated {
        vec![(label(), pair.source.as_str(), kept, Tone::Dim)]
    } else if pair.sentences.is_empty() {
        let target = pair.target.as_str();
        vec![(label(), pair.source.as_str(), target, Tone::Target)]
    } else {
        sentence_labels(pair, checks)
            .into_iter()
            .zip(&pair.sentences)
            .map(|(label, s)| (label, s.source.as_str(), s.target.as_str(), Tone::Target))
            .collect()
    };
    blocks
        .into_iter()
        .flat_map(|(label, source, target, tone)| {
            block(&label, (source, target, tone), margin, width)
        })
        .collect()
}

/// One source text with its margin `label`, then its translation beneath it in `tone`,
/// indented by [`TRANSLATION_INDENT`] past the source.
fn block(
    label: &str,
    (source, target, tone): (&str, &str, Tone),
    id_width: usize,
    width: usize,
) -> Vec<Line> {
    let margin = id_width + 1;
    let mut lines = super::stacked::source_lines(source, label, id_width, width);
    let indent = " ".repeat(margin + TRANSLATION_INDENT);
    let room = width.saturating_sub(margin + TRANSLATION_INDENT);
    lines.extend(wrap_to(target, room).into_iter().map(|text| {
        let mut line = Line::of(indent.as_str(), Tone::Plain);
        line.push(text, tone);
        line.trim_end();
        line
    }));
    lines
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::ingest::ParagraphId;
    use crate::ingest::sentence::{SentenceId, SentencePair};
    use crate::render::lines::measure;
    use crate::render::tests::{WIDTHS, render_text, sample_report};
    use crate::report::Report;
    use crate::verify::fidelity::CheckKind;

    /// The sample report with ¶1 aligned by sentence: two source sentences, the second a group
    /// of two that the translation merged.
    pub(in crate::render) fn aligned_report() -> Report {
        let mut report = sample_report();
        let id = |index| SentenceId {
            paragraph: ParagraphId(1),
            index,
        };
        let first = &mut report.paragraphs[0];
        first.source = "Rutte sprach am Donnerstag in Brüssel. Er lobte die Ukraine. Er sagte \
                        „Danke“ – 北约秘书长 🇺🇦."
            .to_owned();
        first.target = "Rutte spoke in Brussels on Thursday. He praised Ukraine and said \
                        “thank you” – 北约秘书长 🇺🇦."
            .to_owned();
        first.sentences = vec![
            SentencePair {
                ids: vec![id(1)],
                source: "Rutte sprach am Donnerstag in Brüssel.".to_owned(),
                target: "Rutte spoke in Brussels on Thursday.".to_owned(),
            },
            SentencePair {
                ids: vec![id(2), id(3)],
                source: "Er lobte die Ukraine. Er sagte „Danke“ – 北约秘书长 🇺🇦.".to_owned(),
                target: "He praised Ukraine and said “thank you” – 北约秘书长 🇺🇦.".to_owned(),
            },
        ];
        report
    }

    #[test]
    fn each_sentence_is_followed_by_its_translation_indented() {
        let text = render_text(&aligned_report(), Layout::Interlinear, 100, false);
        let rows: Vec<&str> = text.lines().collect();
        let at = rows
            .iter()
            .position(|r| r.starts_with(" ¶1 Rutte sprach"))
            .expect("¶1's first sentence (the margin keeps room for `!.2`)");
        assert_eq!(rows[at + 1], "      Rutte spoke in Brussels on Thursday.");
        assert_eq!(
            rows[at + 2],
            " .2 Er lobte die Ukraine. Er sagte „Danke“ – 北约秘书长 🇺🇦."
        );
        assert!(
            rows[at + 3].starts_with("      He praised Ukraine"),
            "{text}"
        );
        assert!(rows[at + 4].is_empty(), "a blank line ends the paragraph");
        assert!(text.contains(" ¶3 “We stand with Ukraine,”"), "{text}");
        assert!(text.contains("\n      (kept: already English)\n"), "{text}");
    }

    #[test]
    fn no_line_is_wider_than_the_width_and_colour_marks_the_translation() {
        let report = aligned_report();
        for width in WIDTHS.into_iter().chain(21..=39) {
            for line in render_text(&report, Layout::Interlinear, width, false).lines() {
                assert!(measure(line) <= width, "{width}: {line:?}");
                assert_eq!(line.trim_end(), line, "{width}: trailing spaces");
            }
        }
        let colored = render_text(&report, Layout::Interlinear, 100, true);
        assert!(
            colored.contains("      \x1b[36mRutte spoke in Brussels"),
            "{colored}"
        );
    }

    /// [`aligned_report`] with its second sentence pair (`¶1.2–3`) left untranslated.
    pub(in crate::render) fn flagged_aligned_report() -> Report {
        let mut report = aligned_report();
        report.checks = vec![Check {
            paragraph: ParagraphId(1),
            kind: CheckKind::Untranslated,
            detail: "de".to_owned(),
            sentences: report.paragraphs[0].sentences[1].ids.clone(),
        }];
        report
    }

    #[test]
    fn a_flagged_sentence_has_the_marker_on_its_own_row() {
        let report = flagged_aligned_report();
        let text = render_text(&report, Layout::Interlinear, 100, false);
        // The flag takes no room of its own: the margin kept it from the start.
        assert!(text.contains("\n ¶1 Rutte sprach"), "{text}");
        assert!(text.contains("\n!.2 Er lobte die Ukraine."), "{text}");
        assert!(
            text.ends_with("! ¶1.2–3 untranslated: still German (de)\n"),
            "{text}"
        );
    }

    #[test]
    fn auto_sets_a_narrow_translation_aligned_by_sentence_interlinear() {
        let style = |width, align| Style {
            color: false,
            width,
            layout: Layout::Auto,
            date: crate::render::Date::from_unix_seconds(0),
            align,
        };
        assert_eq!(layout_for(&style(60, Align::Sentence)), Layout::Interlinear);
        assert_eq!(layout_for(&style(100, Align::Sentence)), Layout::Columns);
        assert_eq!(layout_for(&style(60, Align::Paragraph)), Layout::Stacked);
    }

    #[test]
    fn interlinear_at_60_snapshot() {
        insta::assert_snapshot!(render_text(
            &aligned_report(),
            Layout::Interlinear,
            60,
            false
        ));
    }
}
