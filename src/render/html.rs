//! HTML: a report or a brief as one self-contained page, for reading in a browser or printing.
//!
//! The page needs nothing from anywhere: the stylesheet is inline, there is no script, and a
//! Content-Security-Policy meta (`default-src 'none'; style-src 'unsafe-inline'`) makes the
//! browser refuse any request the page could still cause. Each paragraph pair is one CSS grid
//! row (number, source cell, target cell), so the two paragraphs' tops line up whatever their
//! lengths; below 700 px wide the row stacks the translation under its source. Hovering or
//! focusing either cell highlights the whole row (`:hover`/`:focus-within`, no script), and
//! every cell is focusable (`tabindex="0"`). Cells carry their own `lang` (and `dir="rtl"` for
//! right-to-left languages); the page's own words are English, so `<html lang="en">`. A
//! translation aligned by sentence has a row per sentence pair inside each paragraph's row and
//! a reading-practice toggle ([`super::sentence_html`]).
//!
//! Every piece of article and API text goes through [`escape`]: made inert for display by
//! [`sanitize::for_terminal`] (controls and bidi overrides shown, not obeyed), then `&`, `<`,
//! `>`, `"` and `'` turned into character references. The date in the header comes from the
//! caller ([`Date`], decided once in the settings), never from the clock here.

use std::fmt;
use std::io::{self, Write};

use crate::brief::Brief;
use crate::ingest::ParagraphId;
use crate::language::LanguageCode;
use crate::report::{BriefReport, ParagraphPair, ProviderInfo, Report, SourceInfo, TargetInfo};

use super::{sanitize, sentence_html};

/// A calendar day in UTC, shown in the HTML header as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    year: i64,
    month: u8,
    day: u8,
}

impl Date {
    /// The UTC day that `seconds` after the Unix epoch falls on.
    pub fn from_unix_seconds(seconds: u64) -> Date {
        // Howard Hinnant's `civil_from_days`: days since 1970-01-01 → proleptic Gregorian date.
        let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX / 2);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date {
            year,
            // Invariant: month is 1..=12 and day 1..=31 by construction.
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The inline stylesheet: grid rows, highlight, stacking below 700 px, print rules.
const STYLE: &str = include_str!("html.css");

/// `text` safe anywhere in HTML text or a quoted attribute: controls and bidi overrides made
/// visible, then `&`, `<`, `>`, `"`, `'` as character references.
pub(super) fn escape(text: &str) -> String {
    let clean = sanitize::for_terminal(text);
    let mut out = String::with_capacity(clean.len());
    for ch in clean.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// `lang="de"`, plus ` dir="rtl"` for a right-to-left language.
pub(super) fn lang_attrs(language: LanguageCode) -> String {
    if language.is_right_to_left() {
        format!(r#"lang="{language}" dir="rtl""#)
    } else {
        format!(r#"lang="{language}""#)
    }
}

/// What the page is about: the report's languages, detection and provider, the day, and the
/// article's headline for the browser's tab.
struct Heading<'a> {
    source: &'a SourceInfo,
    target: &'a TargetInfo,
    provider: &'a ProviderInfo,
    date: Date,
    headline: String,
    /// Rules the page needs beyond the common ones (sentence rows), empty for none.
    style: &'static str,
}

impl<'a> Heading<'a> {
    fn new(
        (source, target): (&'a SourceInfo, &'a TargetInfo),
        provider: &'a ProviderInfo,
        date: Date,
    ) -> Heading<'a> {
        Heading {
            source,
            target,
            provider,
            date,
            headline: String::new(),
            style: "",
        }
    }

    /// The same heading, with `headline` in the page's `<title>`.
    fn titled(self, headline: String) -> Heading<'a> {
        Heading { headline, ..self }
    }

    /// The page: this header (`what` such as `brief` after the languages), then `sections`.
    fn write(&self, what: Option<&str>, sections: &str, out: &mut impl Write) -> io::Result<()> {
        let body = header(self, what) + sections;
        let title = if self.headline.is_empty() {
            title(self, what)
        } else {
            format!("{} · {}", self.headline, title(self, what))
        };
        out.write_all(page(&title, &body, self.style).as_bytes())
    }
}

/// A translation report as a page: header, brief (with links to the pairs), pairs, boilerplate.
pub(super) fn write_translation(
    report: &Report,
    date: Date,
    out: &mut impl Write,
) -> io::Result<()> {
    let headline = match &report.brief {
        Some(brief) => brief.headline.target.clone(),
        None => headline_of(report.paragraphs.first().map_or("", |p| p.target.as_str())),
    };
    let mut heading =
        Heading::new((&report.source, &report.target), &report.provider, date).titled(headline);
    if sentence_html::is_aligned(report) {
        heading.style = sentence_html::STYLE;
    }
    let mut sections = report
        .brief
        .as_ref()
        .map(|brief| brief_section(brief, &heading, true))
        .unwrap_or_default();
    sections.push_str(&pairs_section(report));
    sections.push_str(&checks_section(report));
    sections.push_str(&boilerplate_section(report));
    heading.write(None, &sections, out)
}

/// A brief report as a page: header and the brief, both languages side by side; references
/// are plain text, since the page has no paragraphs to link to.
pub(super) fn write_brief(
    report: &BriefReport,
    date: Date,
    out: &mut impl Write,
) -> io::Result<()> {
    let heading = Heading::new((&report.source, &report.target), &report.provider, date)
        .titled(report.brief.headline.target.clone());
    let sections = brief_section(&report.brief, &heading, false);
    heading.write(Some("brief"), &sections, out)
}

/// Longest headline a page title takes, in characters: what a browser tab or a bookmark
/// shows of it, and about the length of a news headline.
const HEADLINE_CHARS: usize = 90;

/// A headline for a page without a brief: the first paragraph's translation (a pasted article
/// usually starts with its headline), cut at a word boundary to [`HEADLINE_CHARS`] with `…`.
fn headline_of(first: &str) -> String {
    let first = first.trim();
    if first.chars().count() <= HEADLINE_CHARS {
        return first.to_owned();
    }
    let cut: String = first.chars().take(HEADLINE_CHARS).collect();
    let at_word = cut
        .rfind(char::is_whitespace)
        .filter(|&i| i > HEADLINE_CHARS / 2);
    format!("{}…", cut[..at_word.unwrap_or(cut.len())].trim_end())
}

/// `German → English`, with ` brief` when `what` says so.
fn title(heading: &Heading, what: Option<&str>) -> String {
    let what = what.map(|w| format!(" {w}")).unwrap_or_default();
    format!(
        "{} → {}{what}",
        heading.source.language.name(),
        heading.target.language.name()
    )
}

/// The whole document around `body` (already HTML), with `style` after the common rules.
fn page(title: &str, body: &str, style: &str) -> String {
    format!(
        "<!doctype html>\n\
         <html lang=\"en\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"diglot\">\n\
         <title>{} · diglot</title>\n\
         <style>\n{STYLE}{style}</style>\n\
         </head>\n\
         <body>\n{body}</body>\n\
         </html>\n",
        escape(title)
    )
}

/// The page header: title and one line each for languages, detection, provider and date.
fn header(heading: &Heading, what: Option<&str>) -> String {
    let (source, target) = (heading.source.language, heading.target.language);
    let detection = if heading.source.forced {
        String::from("given with --from")
    } else {
        // Rounded down: 99.7 % is not "100 % confident".
        format!(
            "{:.0} % confident",
            (heading.source.confidence * 100.0).floor()
        )
    };
    let provider = if heading.provider.model.is_empty() {
        format!("{} profile", escape(&heading.provider.name))
    } else {
        format!(
            "{} · {} profile",
            escape(&heading.provider.model),
            escape(&heading.provider.name)
        )
    };
    let item = |term: &str, value: &str| format!("<div><dt>{term}</dt><dd>{value}</dd></div>\n");
    let mut html = format!(
        "<header>\n<h1>{}</h1>\n<dl class=\"meta\">\n",
        escape(&title(heading, what))
    );
    html.push_str(&item(
        "Languages",
        &format!(
            "{} ({source}) → {} ({target})",
            escape(source.name()),
            escape(target.name())
        ),
    ));
    html.push_str(&item("Detection", &detection));
    html.push_str(&item("Provider", &provider));
    html.push_str(&item("Date", &heading.date.to_string()));
    html.push_str("</dl>\n</header>\n");
    html
}

/// The heading row over the two columns: the languages' names.
fn column_names(source: LanguageCode, target: LanguageCode) -> String {
    format!(
        "<div class=\"row names\" aria-hidden=\"true\"><span class=\"ref\"></span>\
         <div class=\"src\">{}</div><div class=\"tgt\">{}</div></div>\n",
        escape(source.name()),
        escape(target.name())
    )
}

/// One side of a row.
struct Cell {
    /// Extra class (`kept`, `headline`) or empty.
    class: &'static str,
    /// The language's `lang` (and `dir`) attributes.
    language: LanguageCode,
    /// The content, already HTML.
    content: String,
}

impl Cell {
    fn new(language: LanguageCode, content: String) -> Cell {
        Cell {
            class: "",
            language,
            content,
        }
    }
}

/// One grid row: the margin (references or the number, already HTML), then source and target.
fn row(id: Option<ParagraphId>, margin: &str, cells: [Cell; 2]) -> String {
    let id = id
        .map(|id| format!(" id=\"p{}\"", id.0))
        .unwrap_or_default();
    let mut html = format!("<div class=\"row\"{id}>\n<div class=\"ref\">{margin}</div>\n");
    for (cell, side) in cells.iter().zip(["src", "tgt"]) {
        let class = if cell.class.is_empty() {
            side.to_owned()
        } else {
            format!("{side} {}", cell.class)
        };
        html.push_str(&format!(
            "<p class=\"cell {class}\" {} tabindex=\"0\">{}</p>\n",
            lang_attrs(cell.language),
            cell.content
        ));
    }
    html.push_str("</div>\n");
    html
}

/// The brief: headline, key points and entities, each a row in both languages. With `link`,
/// each reference is a link to its pair row (`#p3`).
fn brief_section(brief: &Brief, heading: &Heading, link: bool) -> String {
    let (source, target) = (heading.source.language, heading.target.language);
    let refs = |ids: &[ParagraphId]| -> String {
        if ids.is_empty() {
            return String::new();
        }
        let numbers: Vec<String> = ids
            .iter()
            .map(|id| {
                if link {
                    format!("<a href=\"#p{0}\">{0}</a>", id.0)
                } else {
                    id.0.to_string()
                }
            })
            .collect();
        // A reference list breaks only after a comma, never inside a number.
        format!("¶{}", numbers.join(",<wbr>"))
    };
    let mut html = String::from(
        "<section class=\"brief\" aria-labelledby=\"brief\">\n<h2 id=\"brief\">Brief</h2>\n",
    );
    html.push_str(&column_names(source, target));
    let headline = |language, text: &str| Cell {
        class: "headline",
        language,
        content: escape(text),
    };
    html.push_str(&row(
        None,
        "",
        [
            headline(source, &brief.headline.source),
            headline(target, &brief.headline.target),
        ],
    ));
    html.push_str("<h3>Key points</h3>\n");
    for point in &brief.points {
        html.push_str(&row(
            None,
            &refs(&point.paragraphs),
            [
                Cell::new(source, escape(&point.source)),
                Cell::new(target, escape(&point.target)),
            ],
        ));
    }
    if !brief.entities.is_empty() {
        html.push_str("<h3>People and organisations</h3>\n");
        for entity in &brief.entities {
            let role = |language, text: &str| {
                Cell::new(
                    language,
                    format!(
                        "<strong>{}</strong> – {}",
                        escape(&entity.name),
                        escape(text)
                    ),
                )
            };
            html.push_str(&row(
                None,
                &refs(&entity.paragraphs),
                [
                    role(source, &entity.role.source),
                    role(target, &entity.role.target),
                ],
            ));
        }
    }
    html.push_str("</section>\n");
    html
}

/// The paragraph pairs, one row each, numbered and linkable (`#p3`).
fn pairs_section(report: &Report) -> String {
    let (source, target) = (report.source.language, report.target.language);
    let mut html = String::from(
        "<section class=\"pairs\" aria-labelledby=\"translation\">\n\
         <h2 id=\"translation\">Translation</h2>\n",
    );
    if sentence_html::is_aligned(report) {
        html.push_str(sentence_html::toggle());
    }
    html.push_str(&column_names(source, target));
    for pair in &report.paragraphs {
        let flags_of = |sentences: &[crate::ingest::sentence::SentenceId]| -> Vec<String> {
            report
                .checks
                .iter()
                .filter(|check| check.paragraph == pair.id && check.sentences == sentences)
                .map(|check| escape(&check.describe()))
                .collect()
        };
        if pair.translated && !pair.sentences.is_empty() {
            let own: Vec<Vec<String>> = pair.sentences.iter().map(|s| flags_of(&s.ids)).collect();
            html.push_str(&sentence_html::pair_row(
                pair,
                (source, target),
                &flags_of(&[]),
                &own,
            ));
        } else {
            let flags: Vec<String> = report
                .checks
                .iter()
                .filter(|check| check.paragraph == pair.id)
                .map(|check| escape(&check.describe()))
                .collect();
            html.push_str(&pair_row(pair, source, target, &flags));
        }
    }
    html.push_str("</section>\n");
    html
}

/// One pair. A paragraph kept as it was is in the target language on both sides; its target
/// cell repeats it, dimmed, under a `kept as is` note. A pair with failed fidelity checks
/// (`flags`, already escaped) gets a `!` after its number and the checks above its translation.
fn pair_row(
    pair: &ParagraphPair,
    source: LanguageCode,
    target: LanguageCode,
    flags: &[String],
) -> String {
    let mut number = format!("<a href=\"#p{}\">{}</a>", pair.id.0, pair.id);
    let mut translation = escape(&pair.target);
    if !flags.is_empty() {
        number.push_str(" <span class=\"flag\" title=\"failed fidelity check\">!</span>");
        translation = format!(
            "<span class=\"note flag\">{}</span>{translation}",
            flags.join("; ")
        );
    }
    let text = escape(&pair.source);
    let cells = if pair.translated {
        [Cell::new(source, text), Cell::new(target, translation)]
    } else {
        let note = format!(
            "<span class=\"note\">kept as is: already {}</span>",
            escape(target.name())
        );
        [
            Cell::new(target, text.clone()),
            Cell {
                class: "kept",
                language: target,
                content: format!("{note}{text}"),
            },
        ]
    };
    row(Some(pair.id), &number, cells)
}

/// The failed fidelity checks after the pairs, each linking to its pair; nothing when all pass.
fn checks_section(report: &Report) -> String {
    if report.checks.is_empty() {
        return String::new();
    }
    let mut html = String::from(
        "<section class=\"checks\" aria-labelledby=\"checks\">\n\
         <h2 id=\"checks\">Failed fidelity checks</h2>\n<ul>\n",
    );
    for check in &report.checks {
        let anchor = match check.sentences.first() {
            Some(first) => format!("s{}-{}", first.paragraph.0, first.index),
            None => format!("p{}", check.paragraph.0),
        };
        html.push_str(&format!(
            "<li><a href=\"#{anchor}\">{}</a> {}</li>\n",
            escape(&check.location()),
            escape(&check.describe())
        ));
    }
    html.push_str("</ul>\n</section>\n");
    html
}

/// The boilerplate set aside, dimmed, after the pairs; nothing when there is none.
fn boilerplate_section(report: &Report) -> String {
    if report.boilerplate.is_empty() {
        return String::new();
    }
    let lang = lang_attrs(report.source.language);
    let mut html = String::from(
        "<section class=\"boilerplate\" aria-labelledby=\"boilerplate\">\n\
         <h2 id=\"boilerplate\">Set aside as boilerplate (not translated)</h2>\n",
    );
    for paragraph in &report.boilerplate {
        html.push_str(&format!("<p {lang}>{}</p>\n", escape(paragraph)));
    }
    html.push_str("</section>\n");
    html
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::render::brief::tests::sample_brief;
    use crate::render::tests::{flagged_report, sample_report};

    pub(in crate::render) fn page_of(report: &Report) -> String {
        let mut out = Vec::new();
        write_translation(report, Date::from_unix_seconds(1_764_000_000), &mut out)
            .expect("writing to a Vec succeeds");
        String::from_utf8(out).expect("HTML is UTF-8")
    }

    #[test]
    fn dates_are_utc_days_including_leap_days_and_centuries() {
        for (seconds, day) in [
            (0, "1970-01-01"),
            (86_399, "1970-01-01"),
            (86_400, "1970-01-02"),
            (951_782_400, "2000-02-29"),
            (1_764_000_000, "2025-11-24"),
            (4_107_542_400, "2100-03-01"),
        ] {
            assert_eq!(
                Date::from_unix_seconds(seconds).to_string(),
                day,
                "{seconds}"
            );
        }
    }

    #[test]
    fn escapes_markup_quotes_controls_and_bidi_overrides() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("a\x1b[31mb\u{202E}c"), "a␛[31mb\u{FFFD}c");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn page_is_self_contained_with_a_strict_policy_and_no_script() {
        let mut report = sample_report();
        report.brief = Some(sample_brief());
        report.paragraphs[0].source = "<script>alert(1)</script> <img src=\"http://x\">".into();
        let html = page_of(&report);
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"en\">\n"),
            "{html}"
        );
        for needed in [
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "content=\"default-src 'none'; style-src 'unsafe-inline'\"",
            "@media (max-width: 700px)",
            "@media print",
        ] {
            assert!(html.contains(needed), "missing {needed}");
        }
        let lower = html.to_ascii_lowercase();
        for banned in ["<script", "<img"] {
            assert!(!lower.contains(banned), "{banned} in {html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let lower = page_of(&sample_report()).to_ascii_lowercase();
        for banned in ["src=", "http:", "https:", "url(", "@import", "//"] {
            assert!(!lower.contains(banned), "{banned} in {html}");
        }
    }

    #[test]
    fn the_title_is_the_article_s_headline() {
        let html = page_of(&sample_report());
        assert!(
            html.contains(
                "<title>NATO Secretary General Mark Rutte spoke in Brussels on Thursday about \
                 future support for… · German → English · diglot</title>"
            ),
            "{html}"
        );
        let mut report = sample_report();
        report.brief = Some(sample_brief());
        let headline = escape(&sample_brief().headline.target);
        assert!(page_of(&report).contains(&format!("<title>{headline} · German → English")));
        let long = "word ".repeat(40);
        let cut = headline_of(&long);
        assert!(
            cut.ends_with("word…") && cut.chars().count() <= HEADLINE_CHARS + 1,
            "{cut}"
        );
    }

    #[test]
    fn references_in_the_margin_break_between_numbers_only() {
        assert!(STYLE.contains(".ref { overflow-wrap: normal; }"));
    }

    #[test]
    fn header_names_languages_confidence_provider_and_date() {
        let html = page_of(&sample_report());
        assert!(html.contains("<h1>German → English</h1>"));
        assert!(html.contains("German (de) → English (en)"));
        assert!(html.contains("<dd>98 % confident</dd>"), "floored: {html}");
        assert!(html.contains("gpt-4o-mini · openai profile"));
        assert!(html.contains("<dd>2025-11-24</dd>"));
    }

    #[test]
    fn each_pair_is_one_numbered_row_with_both_cells_focusable_and_tagged() {
        let html = page_of(&sample_report());
        let row = html
            .split("<div class=\"row\" id=\"p1\">")
            .nth(1)
            .and_then(|rest| rest.split("</div>\n<div class=\"row\"").next())
            .expect("row p1");
        assert!(row.contains("<a href=\"#p1\">¶1</a>"), "{row}");
        assert!(row.contains("<p class=\"cell src\" lang=\"de\" tabindex=\"0\">NATO-General"));
        assert!(row.contains("<p class=\"cell tgt\" lang=\"en\" tabindex=\"0\">NATO Secretary"));
        assert_eq!(html.matches("class=\"row\" id=\"p").count(), 3);
    }

    #[test]
    fn kept_paragraphs_are_dimmed_and_in_the_target_language_on_both_sides() {
        let html = page_of(&sample_report());
        let row = html.split("id=\"p3\">").nth(1).expect("row p3");
        assert!(row.contains("<p class=\"cell src\" lang=\"en\""), "{row}");
        assert!(row.contains(
            "<p class=\"cell tgt kept\" lang=\"en\" tabindex=\"0\">\
             <span class=\"note\">kept as is: already English</span>"
        ));
    }

    #[test]
    fn right_to_left_targets_get_dir_rtl() {
        let mut report = sample_report();
        report.target.language = "ar".parse().expect("code");
        let html = page_of(&report);
        assert!(
            html.contains("class=\"cell tgt\" lang=\"ar\" dir=\"rtl\""),
            "{html}"
        );
        assert!(!html.contains("lang=\"de\" dir"));
    }

    #[test]
    fn brief_references_link_to_pairs_only_when_the_pairs_are_on_the_page() {
        let mut report = sample_report();
        report.brief = Some(sample_brief());
        let html = page_of(&report);
        assert!(
            html.contains("¶<a href=\"#p1\">1</a>,<wbr><a href=\"#p3\">3</a>"),
            "{html}"
        );
        assert!(html.find("id=\"brief\"") < html.find("id=\"translation\""));
        let brief_page = BriefReport {
            source: report.source.clone(),
            target: report.target.clone(),
            provider: report.provider.clone(),
            brief: sample_brief(),
            usage: crate::report::Usage::default(),
        };
        let mut out = Vec::new();
        write_brief(&brief_page, Date::from_unix_seconds(0), &mut out).expect("writes");
        let html = String::from_utf8(out).expect("UTF-8");
        assert!(
            html.contains("<div class=\"ref\">¶1,<wbr>3</div>"),
            "{html}"
        );
        assert!(!html.contains("href=") && !html.contains("id=\"translation\""));
        assert!(html.contains("<h1>German → English brief</h1>"));
    }

    #[test]
    fn failed_checks_flag_their_pair_and_are_listed_after_the_pairs() {
        let html = page_of(&flagged_report());
        let row = html
            .split("<div class=\"row\" id=\"p2\">")
            .nth(1)
            .and_then(|rest| rest.split("<div class=\"row\"").next())
            .expect("row 2");
        assert!(row.contains("<span class=\"flag\""), "{row}");
        assert!(
            row.contains("<span class=\"note flag\">number missing: 30</span>"),
            "{row}"
        );
        let list = html.find("id=\"checks\"").expect("checks section");
        assert!(list > html.find("id=\"translation\"").expect("pairs"));
        assert!(html[list..].contains("<li><a href=\"#p2\">¶2</a> number missing: 30</li>"));
        let clean = page_of(&sample_report());
        assert!(!clean.contains("class=\"flag") && !clean.contains("id=\"checks\""));
    }

    #[test]
    fn boilerplate_follows_the_pairs() {
        let html = page_of(&sample_report());
        let at = html.find("id=\"boilerplate\"").expect("section");
        assert!(html[at..].contains("<p lang=\"de\">Folgen Sie uns auf Mastodon und Bluesky.</p>"));
        assert!(html.find("id=\"p3\"") < Some(at));
    }
}
