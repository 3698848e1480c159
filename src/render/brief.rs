//! Brief: the bilingual brief as text lines, side by side or stacked, or the target side alone.
//!
//! Takes a [`Brief`] and a width, returns styled [`Line`]s for `lines::write_lines`. Side by
//! side, each row is a margin with the paragraph references (`¶2,5`, dimmed), the source side,
//! a dimmed ` │ `, and the target side; the headline is bold and has no references:
//!
//! ```text
//!      Rutte: Kein NATO-Beitritt …  │ Rutte: no NATO membership …
//!
//! Key points
//! ¶1,3 Laut Rutte steht …           │ According to Rutte, …
//! ```
//!
//! Below 80 columns (with `--layout auto`) the target side goes under the source, indented by
//! four columns, as in the stacked translation. `--only-target` gives the headline, bullets
//! with references after them, and the entities. Text is sanitized and wrapped by
//! [`wrap_to`], so no line is wider than the width.

use crate::brief::Brief;
use crate::ingest::ParagraphId;

use super::Layout;
use super::lines::{Line, Tone, measure, pad_left, pad_right, wrap_to};

/// Between the columns.
const SEPARATOR: &str = " │ ";
/// Display width of [`SEPARATOR`].
const SEPARATOR_WIDTH: usize = 3;
/// The widest reference margin; longer reference lists wrap inside it.
const MAX_MARGIN: usize = 8;
/// How far the target side is indented when stacked.
const TARGET_INDENT: usize = 4;
/// Section title above the key points.
const POINTS_TITLE: &str = "Key points";
/// Section title above the entities.
const ENTITIES_TITLE: &str = "People and organisations";

/// Paragraph references as shown in the margin: `¶2,5`.
pub(super) fn refs_label(ids: &[ParagraphId]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let numbers: Vec<String> = ids.iter().map(|id| id.0.to_string()).collect();
    format!("¶{}", numbers.join(","))
}

/// One row group: references, source side, target side, and how the sides are shown.
struct Item {
    refs: String,
    source: String,
    target: String,
    tone: Tone,
}

fn items(brief: &Brief) -> (Item, Vec<Item>, Vec<Item>) {
    let headline = Item {
        refs: String::new(),
        source: brief.headline.source.clone(),
        target: brief.headline.target.clone(),
        tone: Tone::Bold,
    };
    let points = brief
        .points
        .iter()
        .map(|p| Item {
            refs: refs_label(&p.paragraphs),
            source: p.source.clone(),
            target: p.target.clone(),
            tone: Tone::Plain,
        })
        .collect();
    let entities = brief
        .entities
        .iter()
        .map(|e| Item {
            refs: refs_label(&e.paragraphs),
            source: format!("{} – {}", e.name, e.role.source),
            target: format!("{} – {}", e.name, e.role.target),
            tone: Tone::Plain,
        })
        .collect();
    (headline, points, entities)
}

/// The margin the brief's references need: the widest, at most [`MAX_MARGIN`].
pub(super) fn margin(brief: &Brief) -> usize {
    let (_, points, entities) = items(brief);
    points
        .iter()
        .chain(&entities)
        .map(|item| measure(&item.refs))
        .max()
        .unwrap_or(0)
        .min(MAX_MARGIN)
}

/// The whole brief in `layout` at `width` (at least `MIN_WIDTH`), without a header, with a
/// reference margin of `margin` columns: at least [`margin`]'s, and the translation's id
/// margin when the brief stands above a translation, so both share one separator column.
pub(super) fn lines(brief: &Brief, layout: Layout, width: usize, margin: usize) -> Vec<Line> {
    let (headline, points, entities) = items(brief);
    let render = |item: &Item| match layout.for_width(width) {
        Layout::Stacked | Layout::Interlinear => stacked(item, margin, width),
        Layout::Columns | Layout::Auto => columns(item, margin, width),
    };
    let mut lines = render(&headline);
    for (title, section) in [(POINTS_TITLE, &points), (ENTITIES_TITLE, &entities)] {
        if section.is_empty() {
            continue;
        }
        lines.push(Line::default());
        lines.extend(
            wrap_to(title, width)
                .into_iter()
                .map(|t| Line::of(t, Tone::Bold)),
        );
        for (index, item) in section.iter().enumerate() {
            if index > 0 && section.len() > 1 && title == POINTS_TITLE {
                lines.push(Line::default());
            }
            lines.extend(render(item));
        }
    }
    lines
}

/// Margin, source column, separator, target column; as many rows as the longest needs.
fn columns(item: &Item, margin: usize, width: usize) -> Vec<Line> {
    let rest = width.saturating_sub(margin + 1 + SEPARATOR_WIDTH);
    let left_width = rest / 2;
    let right_width = rest - left_width;
    let refs = margin_lines(&item.refs, margin);
    let left = wrap_to(&item.source, left_width);
    let right = wrap_to(&item.target, right_width);
    let rows = refs.len().max(left.len()).max(right.len());
    (0..rows)
        .map(|row| {
            let refs = refs.get(row).map_or("", String::as_str);
            let mut line = Line::of(pad_left(refs, margin) + " ", Tone::Dim);
            let source = left.get(row).map_or("", String::as_str);
            line.push(pad_right(source, left_width), item.tone);
            line.push(SEPARATOR, Tone::Dim);
            if let Some(target) = right.get(row) {
                line.push(target.as_str(), item.tone);
            }
            line.trim_end();
            line
        })
        .collect()
}

/// Margin and source, then the target indented below.
fn stacked(item: &Item, margin: usize, width: usize) -> Vec<Line> {
    let refs = margin_lines(&item.refs, margin);
    let left = wrap_to(&item.source, width.saturating_sub(margin + 1));
    let rows = refs.len().max(left.len());
    let mut lines: Vec<Line> = (0..rows)
        .map(|row| {
            let refs = refs.get(row).map_or("", String::as_str);
            let mut line = Line::of(pad_left(refs, margin) + " ", Tone::Dim);
            line.push(left.get(row).map_or("", String::as_str), item.tone);
            line.trim_end();
            line
        })
        .collect();
    let indent = " ".repeat(TARGET_INDENT);
    for text in wrap_to(&item.target, width.saturating_sub(TARGET_INDENT)) {
        let mut line = Line::of(indent.as_str(), Tone::Plain);
        line.push(text, item.tone);
        line.trim_end();
        lines.push(line);
    }
    lines
}

/// The references wrapped into the margin (nothing when there are none).
fn margin_lines(refs: &str, margin: usize) -> Vec<String> {
    if refs.is_empty() || margin == 0 {
        Vec::new()
    } else {
        wrap_to(refs, margin)
    }
}

/// The target side alone: the bold headline, a bullet per point with its references after
/// it, and the entities with their roles, each wrapped under its bullet.
pub(super) fn target_lines(brief: &Brief, width: usize) -> Vec<Line> {
    let mut lines: Vec<Line> = wrap_to(&brief.headline.target, width)
        .into_iter()
        .map(|t| Line::of(t, Tone::Bold))
        .collect();
    let bullet = |text: &str, refs: &[ParagraphId]| -> Vec<Line> {
        let text = match refs_label(refs) {
            refs if refs.is_empty() => text.to_owned(),
            refs => format!("{text} ({refs})"),
        };
        wrap_to(&text, width.saturating_sub(2))
            .into_iter()
            .enumerate()
            .map(|(row, t)| {
                let mut line = Line::of(if row == 0 { "• " } else { "  " }, Tone::Dim);
                line.push(t, Tone::Plain);
                line.trim_end();
                line
            })
            .collect()
    };
    lines.push(Line::default());
    for point in &brief.points {
        lines.extend(bullet(&point.target, &point.paragraphs));
    }
    if !brief.entities.is_empty() {
        lines.push(Line::default());
        lines.extend(
            wrap_to(ENTITIES_TITLE, width)
                .into_iter()
                .map(|t| Line::of(t, Tone::Bold)),
        );
        for entity in &brief.entities {
            let text = format!("{} – {}", entity.name, entity.role.target);
            lines.extend(bullet(&text, &entity.paragraphs));
        }
    }
    lines
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::brief::{Bilingual, BriefEntity, BriefPoint};
    use crate::render::lines::write_lines;

    pub(crate) fn sample_brief() -> Brief {
        Brief {
            headline: Bilingual {
                source: "Rutte: Kein NATO-Beitritt für die Ukraine – „北约“ 🇺🇦".into(),
                target: "Rutte: no NATO membership for Ukraine – “北约” 🇺🇦".into(),
            },
            points: vec![
                BriefPoint {
                    source: "Laut Rutte steht eine NATO-Mitgliedschaft Kiews nicht zur Debatte."
                        .into(),
                    target: "According to Rutte, NATO membership for Kyiv is not up for debate."
                        .into(),
                    paragraphs: vec![ParagraphId(1), ParagraphId(3)],
                },
                BriefPoint {
                    source: "Kiew stimmte einer 30-tägigen Waffenruhe zu.\x1b[31m".into(),
                    target: "Kyiv agreed to a 30-day ceasefire.".into(),
                    paragraphs: vec![
                        ParagraphId(7),
                        ParagraphId(8),
                        ParagraphId(10),
                        ParagraphId(11),
                    ],
                },
            ],
            entities: vec![BriefEntity {
                name: "Mark Rutte".into(),
                role: Bilingual {
                    source: "niederländischer Ministerpräsident".into(),
                    target: "Dutch Prime Minister".into(),
                },
                paragraphs: vec![ParagraphId(1)],
            }],
        }
    }

    fn text(lines: &[Line]) -> String {
        let mut out = Vec::new();
        write_lines(lines, false, &mut out).expect("writing to a Vec succeeds");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn a_brief_follows_the_pairs_below_a_rule_and_keeps_its_own_separator_column() {
        let mut report = crate::render::tests::sample_report();
        report.brief = Some(sample_brief());
        for width in [80, 81, 100, 119] {
            let out = crate::render::tests::render_text(&report, Layout::Columns, width, false);
            let (pairs, brief) = out.split_once("\n\n─").expect("a rule before the brief");
            assert!(
                pairs.contains("¶3 ") && !pairs.contains("Key points"),
                "{out}"
            );
            assert!(
                brief.contains("Key points") && !brief.contains("¶3 “We"),
                "{out}"
            );
            for block in [pairs, brief] {
                let columns: std::collections::BTreeSet<usize> = block
                    .lines()
                    .filter_map(|line| line.find('│').map(|at| measure(&line[..at])))
                    .collect();
                assert_eq!(
                    columns.len(),
                    1,
                    "separators at {columns:?} ({width}):\n{out}"
                );
            }
        }
    }

    #[test]
    fn no_line_is_wider_than_the_width_in_any_layout() {
        let brief = sample_brief();
        for width in (20..=130).step_by(3) {
            for layout in [Layout::Columns, Layout::Stacked, Layout::Auto] {
                let all = text(&lines(&brief, layout, width, margin(&brief)))
                    + &text(&target_lines(&brief, width));
                for line in all.lines() {
                    assert!(measure(line) <= width, "{width} {layout:?}: {line:?}");
                }
            }
        }
    }

    #[test]
    fn columns_put_refs_in_the_margin_and_both_sides_on_one_row() {
        let out = text(&lines(
            &sample_brief(),
            Layout::Columns,
            120,
            margin(&sample_brief()),
        ));
        let row = out
            .lines()
            .find(|l| l.trim_start().starts_with("¶1,3"))
            .expect("a row with ¶1,3");
        assert!(
            row.contains("Laut Rutte") && row.contains("│ According to Rutte"),
            "{row}"
        );
        assert!(out.contains("\nKey points\n") && out.contains("\nPeople and organisations\n"));
        assert!(out.contains("␛[31m"), "escape sanitized: {out}");
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn stacked_puts_the_target_under_the_source() {
        let out = text(&lines(
            &sample_brief(),
            Layout::Stacked,
            60,
            margin(&sample_brief()),
        ));
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with("¶1,3"))
            .expect("refs row");
        assert!(
            lines[at + 1..]
                .iter()
                .any(|l| l.starts_with("    According")),
            "{out}"
        );
    }

    #[test]
    fn target_only_has_bullets_with_refs_and_no_source_text() {
        let out = text(&target_lines(&sample_brief(), 100));
        assert!(out.starts_with("Rutte: no NATO membership"), "{out}");
        assert!(out.contains(
            "• According to Rutte, NATO membership for Kyiv is not up for debate. (¶1,3)"
        ));
        assert!(out.contains("• Mark Rutte – Dutch Prime Minister (¶1)"));
        assert!(!out.contains("Laut Rutte"));
    }
}
