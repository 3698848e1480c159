//! Markdown: a report or a brief as plain CommonMark, for notes and reports.
//!
//! A translation is a title, the brief when there is one, then each paragraph as its bold id
//! and source text followed by the translation as a blockquote (`**¶1** …` then `> …`), or,
//! aligned by sentence, its bold id and a list of sentence pairs (`- **¶1.2** …` then `> …`).
//! A brief is its headline, the key points with their references, and the entities, each in both
//! languages (or the target side alone). Untrusted text is sanitized (control characters made
//! visible) and Markdown-significant characters are escaped, so an article cannot inject
//! links, HTML or formatting. Kept simple on purpose: another issue polishes Markdown and HTML.

use std::io::{self, Write};

use crate::brief::Brief;
use crate::report::{BriefReport, Report};

use super::brief::refs_label;
use super::sanitize;

/// Characters that mean something to Markdown (or to common extensions: `|` tables, `~`
/// strikethrough, `$` maths) anywhere in a line; `&` because it starts a character reference
/// (`&lt;` would render as `<`).
const SIGNIFICANT: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '!', '{', '}', '(', ')', '&', '$',
];

/// `text` sanitized, on one line, with Markdown-significant characters backslash-escaped (and
/// a leading `-`, `+`, `=` or `1.` that would start a list, a rule or a heading). Leading
/// spaces, which could make an indented code block and render as nothing anyway, are dropped.
pub(super) fn escape(text: &str) -> String {
    let clean = sanitize::for_terminal(text);
    let clean = clean.trim_start_matches(' ');
    let mut out = String::with_capacity(clean.len());
    for ch in clean.chars() {
        if SIGNIFICANT.contains(&ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// A translation report: title, brief, paragraph pairs, boilerplate.
pub(super) fn write_translation(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let mut text = format!(
        "# {} → {}\n\n*{}*\n\n",
        report.source.language.name(),
        report.target.language.name(),
        escape(&super::provenance(&report.source, &report.provider))
    );
    if let Some(brief) = &report.brief {
        text.push_str(&brief_text(brief, report.source.language.name(), false));
        text.push_str("## Translation\n\n");
    }
    for pair in &report.paragraphs {
        if pair.translated && !pair.sentences.is_empty() {
            text.push_str(&sentence_list(pair));
            continue;
        }
        text.push_str(&format!("**{}** {}\n\n", pair.id, escape(&pair.source)));
        if pair.translated {
            text.push_str(&format!("> {}\n\n", escape(&pair.target)));
        } else {
            text.push_str(&format!(
                "> *(kept: already {})*\n\n",
                report.target.language.name()
            ));
        }
    }
    if !report.boilerplate.is_empty() {
        text.push_str("## Set aside as boilerplate (not translated)\n\n");
        for paragraph in &report.boilerplate {
            text.push_str(&format!("{}\n\n", escape(paragraph)));
        }
    }
    text.push_str(&checks_text(report));
    out.write_all(text.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

/// A paragraph aligned by sentence: its bold id, then a list of its sentence pairs, each the
/// source sentence after its id and the translation quoted beneath it:
///
/// ```text
/// **¶3**
///
/// - **¶3.1** Auf die Frage …
///   > When Bloomberg presenter …
/// - **¶3.2–3** Er betonte … Auf die konkrete Nachfrage …
///   > He stressed …
/// ```
fn sentence_list(pair: &crate::report::ParagraphPair) -> String {
    let mut text = format!("**{}**\n\n", pair.id);
    for sentence in &pair.sentences {
        text.push_str(&format!(
            "- **{}** {}\n  > {}\n",
            sentence.label(),
            escape(&sentence.source),
            escape(&sentence.target)
        ));
    }
    text.push('\n');
    text
}

/// The failed fidelity checks as a `## Checks` list (`- **¶3** number missing: 30`), or nothing
/// when every check passed.
pub(super) fn checks_text(report: &Report) -> String {
    if report.checks.is_empty() {
        return String::new();
    }
    let mut text = String::from("## Checks\n\n");
    for check in &report.checks {
        text.push_str(&format!(
            "- **{}** {}\n",
            check.location(),
            escape(&check.describe())
        ));
    }
    text.push('\n');
    text
}

/// A brief report, both languages or the target side alone.
pub(super) fn write_brief(
    report: &BriefReport,
    only_target: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let text = brief_text(&report.brief, report.source.language.name(), only_target);
    out.write_all(text.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

fn brief_text(brief: &Brief, source_name: &str, only_target: bool) -> String {
    let refs = |ids| match refs_label(ids) {
        label if label.is_empty() => String::new(),
        label => format!(" ({label})"),
    };
    let mut text = format!("## {}\n\n", escape(&brief.headline.target));
    if !only_target {
        text.push_str(&format!("*{}*\n\n", escape(&brief.headline.source)));
    }
    text.push_str("### Key points\n\n");
    for point in &brief.points {
        text.push_str(&format!(
            "- {}{}\n",
            escape(&point.target),
            refs(&point.paragraphs)
        ));
        if !only_target {
            text.push_str(&format!("  - *{source_name}:* {}\n", escape(&point.source)));
        }
    }
    text.push('\n');
    if !brief.entities.is_empty() {
        text.push_str("### People and organisations\n\n");
        for entity in &brief.entities {
            text.push_str(&format!(
                "- **{}** – {}{}",
                escape(&entity.name),
                escape(&entity.role.target),
                refs(&entity.paragraphs)
            ));
            if !only_target {
                text.push_str(&format!(" / *{}*", escape(&entity.role.source)));
            }
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::brief::tests::sample_brief;
    use crate::render::tests::sample_report;

    #[test]
    fn escapes_markdown_tables_code_entities_maths_line_starts_and_controls() {
        for (text, escaped) in [
            ("a *b* [c](d) <e> #f", r"a \*b\* \[c\]\(d\) \<e\> \#f"),
            ("x\x1b[31m", r"x␛\[31m"),
            ("a | b", r"a \| b"),
            ("`rm -rf`", r"\`rm -rf\`"),
            ("&lt;b&gt; & Co", r"\&lt;b\&gt; \& Co"),
            ("$5 and $10", r"\$5 and \$10"),
            (
                "<script>alert(1)</script>",
                r"\<script\>alert\(1\)\</script\>",
            ),
            ("*a* _b_ ~c~", r"\*a\* \_b\_ \~c\~"),
            ("# no heading", r"\# no heading"),
            ("> no quote", r"\> no quote"),
            ("- item", r"\- item"),
            ("+ no item", r"\+ no item"),
            ("=== no rule", r"\=== no rule"),
            ("1. März", r"1\. März"),
            ("2) no item", r"2\) no item"),
            ("    not code", "not code"),
        ] {
            assert_eq!(escape(text), escaped, "{text:?}");
        }
    }

    #[test]
    fn sentence_pairs_are_a_list_with_the_translation_quoted_under_each() {
        let report = crate::render::interlinear::tests::aligned_report();
        let mut out = Vec::new();
        write_translation(&report, &mut out).expect("writes");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.contains(
                "**¶1**\n\n- **¶1.1** Rutte sprach am Donnerstag in Brüssel.\n  \
                 > Rutte spoke in Brussels on Thursday.\n- **¶1.2–3** Er lobte die Ukraine. \
                 Er sagte „Danke“ – 北约秘书长 🇺🇦.\n  > He praised Ukraine"
            ),
            "{text}"
        );
        assert!(
            text.contains("**¶2** Chinesische"),
            "¶2 is not aligned: {text}"
        );
    }

    #[test]
    fn translation_has_bold_ids_and_quoted_translations_after_the_brief() {
        let mut report = sample_report();
        report.brief = Some(sample_brief());
        let mut out = Vec::new();
        write_translation(&report, &mut out).expect("writes");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.starts_with(
                "# German → English\n\n*detected 0.99 · gpt-4o-mini \\(openai\\)*\n\n\
                 ## Rutte: no NATO"
            ),
            "{text}"
        );
        let brief_at = text.find("### Key points").expect("brief");
        let pairs_at = text.find("**¶1** NATO-Generalsekretär").expect("pair");
        assert!(brief_at < pairs_at);
        assert!(text.contains("\n> NATO Secretary General Mark Rutte spoke"));
        assert!(text.contains("> *(kept: already English)*"));
        assert!(text.contains(
            "- According to Rutte, NATO membership for Kyiv is not up for debate. (¶1,3)"
        ));
    }
}
