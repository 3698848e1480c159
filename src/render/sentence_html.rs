//! HTML for a translation aligned by sentence (`--align sentence`): each sentence pair a row
//! of its own inside its paragraph's row, and the reading-practice toggle.
//!
//! A paragraph's row keeps its number in the margin; beside it, each sentence pair is a small
//! two-column grid (`.sp`, `id="s3-2"`) whose columns line up with the page's, so the source
//! sentence and its translation start at the same height, pair under pair. Every sentence is
//! focusable (`tabindex="0"`); hovering or focusing one lights up its counterpart
//! (`.sp:hover`, `.sp:focus-within`, no script), below 700 px the translation goes under its
//! sentence. A checkbox before the rows (`#practice`, a label says what it does) hides every
//! translation until its sentence is hovered or focused, for reading practice: CSS only, with
//! the general sibling combinator. The rules are in `sentences.css`, added to the page only
//! when it has sentence pairs. All text goes through [`super::html::escape`].

use crate::ingest::sentence::SentencePair;
use crate::language::LanguageCode;
use crate::report::{ParagraphPair, Report};

use super::html::{escape, lang_attrs};

/// The rules for sentence rows and the toggle, after the page's own.
pub(super) const STYLE: &str = include_str!("sentences.css");

/// Whether the page shows sentence pairs.
pub(super) fn is_aligned(report: &Report) -> bool {
    report.paragraphs.iter().any(|p| !p.sentences.is_empty())
}

/// The reading-practice toggle, first in the pairs' section.
pub(super) fn toggle() -> &'static str {
    "<input type=\"checkbox\" id=\"practice\" class=\"practice\">\
     <label for=\"practice\" class=\"practice\">Hide the translation (hover or focus a \
     sentence to see its own)</label>\n"
}

/// The id of a sentence pair's row: `s3-2` for the pair starting at ¶3.2.
pub(super) fn anchor(pair: &SentencePair) -> String {
    pair.ids
        .first()
        .map(|id| format!("s{}-{}", id.paragraph.0, id.index))
        .unwrap_or_default()
}

/// A paragraph aligned by sentence: its number (`flags` the escaped descriptions of the checks
/// on the paragraph as a whole), then a row per sentence pair; `checks` holds the escaped
/// descriptions of each pair's own failed checks, in the pairs' order.
pub(super) fn pair_row(
    pair: &ParagraphPair,
    (source, target): (LanguageCode, LanguageCode),
    flags: &[String],
    checks: &[Vec<String>],
) -> String {
    let mut number = format!("<a href=\"#p{}\">{}</a>", pair.id.0, pair.id);
    if !flags.is_empty() || checks.iter().any(|c| !c.is_empty()) {
        number.push_str(" <span class=\"flag\" title=\"failed fidelity check\">!</span>");
    }
    let mut html = format!(
        "<div class=\"row aligned\" id=\"p{}\">\n<div class=\"ref\">{number}</div>\n\
         <div class=\"sentences\">\n",
        pair.id.0
    );
    for (index, sentence) in pair.sentences.iter().enumerate() {
        let mut own: Vec<String> = checks.get(index).cloned().unwrap_or_default();
        if index == 0 {
            own.splice(0..0, flags.iter().cloned());
        }
        let note = if own.is_empty() {
            String::new()
        } else {
            format!("<span class=\"note flag\">{}</span>", own.join("; "))
        };
        html.push_str(&format!(
            "<div class=\"sp\" id=\"{}\" title=\"{}\">\n\
             <p class=\"cell src\" {} tabindex=\"0\">{}</p>\n\
             <p class=\"cell tgt\" {} tabindex=\"0\">{note}{}</p>\n</div>\n",
            anchor(sentence),
            escape(&sentence.label()),
            lang_attrs(source),
            escape(&sentence.source),
            lang_attrs(target),
            escape(&sentence.target),
        ));
    }
    html.push_str("</div>\n</div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::html::tests::page_of;
    use crate::render::interlinear::tests::aligned_report;
    use crate::verify::fidelity::{Check, CheckKind};

    #[test]
    fn each_sentence_pair_is_a_row_of_two_focusable_cells() {
        let html = page_of(&aligned_report());
        let row = html
            .split("<div class=\"row aligned\" id=\"p1\">")
            .nth(1)
            .and_then(|rest| rest.split("<div class=\"row\"").next())
            .expect("¶1 aligned");
        assert_eq!(row.matches("<div class=\"sp\"").count(), 2, "{row}");
        assert!(row.contains(
            "<div class=\"sp\" id=\"s1-1\" title=\"¶1.1\">\n\
             <p class=\"cell src\" lang=\"de\" tabindex=\"0\">Rutte sprach am Donnerstag in \
             Brüssel.</p>\n<p class=\"cell tgt\" lang=\"en\" tabindex=\"0\">Rutte spoke"
        ));
        assert!(row.contains("id=\"s1-2\" title=\"¶1.2–3\""), "{row}");
        assert!(html.contains("„Danke“"), "escaped, not mangled");
        assert!(html.contains(STYLE) && html.contains(toggle()));
        assert!(html.find(toggle()) < html.find("id=\"p1\""));
        // ¶2 is not aligned: a plain row, as the page has without sentences.
        assert!(html.contains("<div class=\"row\" id=\"p2\">"));
    }

    #[test]
    fn a_page_without_sentences_has_neither_the_rules_nor_the_toggle() {
        let html = page_of(&crate::render::tests::sample_report());
        assert!(!html.contains("id=\"practice\"") && !html.contains(".sp {"));
    }

    #[test]
    fn a_check_on_a_sentence_is_noted_in_that_sentence_and_linked() {
        let mut report = aligned_report();
        let ids = report.paragraphs[0].sentences[1].ids.clone();
        report.checks = vec![Check {
            paragraph: report.paragraphs[0].id,
            kind: CheckKind::NumberMissing,
            detail: "30".to_owned(),
            sentences: ids,
        }];
        let html = page_of(&report);
        let second = html.split("id=\"s1-2\"").nth(1).expect("pair ¶1.2");
        let second = second.split("</div>").next().unwrap_or_default();
        assert!(
            second.contains("<span class=\"note flag\">number missing: 30</span>He praised"),
            "{second}"
        );
        assert!(html.contains("<li><a href=\"#s1-2\">¶1.2–3</a> number missing: 30</li>"));
    }
}
