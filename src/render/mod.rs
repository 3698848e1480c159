//! Render: a finished [`Report`] or [`DetectionReport`] → bytes for the user.
//!
//! Owns every output format: text (three layouts, [`Layout::Columns`] side by side,
//! [`Layout::Stacked`] one above the other and [`Layout::Interlinear`] sentence under
//! sentence), JSON, Markdown and a self-contained HTML page. A translation aligned by sentence
//! (`--align sentence`) shows each sentence pair on its own rows in columns, interlinear, HTML
//! and Markdown, and a failed check on a sentence pair is marked at that pair.
//! Renderers are pure: they take the data, a [`Style`] decided once in the settings (colour,
//! width, layout, the date an HTML page shows), and a writer; they never query the terminal,
//! the clock or the environment, and never print. Untrusted text goes through
//! [`sanitize::for_terminal`] before it is wrapped or escaped; JSON relies on serde's escaping
//! instead.
//!
//! Text output shared by both layouts: a bold header line naming the languages, the detection
//! confidence and the model; a rule; the pairs; with `--brief`, a rule and the brief; then, when
//! the ingest step set any aside, a dimmed boilerplate section. A paragraph kept untranslated
//! (already in the target language) is shown once, with a dimmed `(kept: already English)`
//! marker in place of its translation. A paragraph that failed a fidelity check has a bold `!`
//! in place of the `¶` of its id (`!3`), and a legend after everything else names each failed
//! check (`! ¶3 number missing: 30`); the margin is as narrow as the ids either way. Text and
//! jsonl are written pair by pair ([`progressive`]), so nothing before a pair depends on what
//! comes after it. No line is ever wider than [`Style::width`] display columns.

mod brief;
pub mod bulk;
mod columns;
mod html;
mod interlinear;
mod json;
mod jsonl;
mod lines;
mod markdown;
pub mod pager;
pub mod progress;
pub mod progressive;
pub mod sanitize;
mod sentence_html;
mod stacked;
pub mod status;

use std::io::{self, Write};

use crate::ingest::ParagraphId;
use crate::ingest::sentence::Align;
use crate::language::LanguageCode;
use crate::report::{
    BriefReport, DetectionReport, ParagraphDetection, ProviderInfo, Report, SourceInfo, TargetInfo,
};
use crate::verify::fidelity::Check;

use lines::{Line, Tone, wrap_to};

pub use html::Date;

/// The narrowest output width the text renderers support, in display columns.
///
/// Callers clamp user input to at least this (the `--width` flag rejects less). At this width
/// each column still fits a double-width character beside the widest possible `¶` id; a narrower
/// [`Style::width`] is rendered as if it were `MIN_WIDTH`.
pub const MIN_WIDTH: usize = 20;

/// Below this width, [`Layout::Auto`] stacks: two columns of under 38 characters read poorly.
const STACKED_BELOW: usize = 80;

/// The widest a column of text gets, in display columns, however wide the terminal: past
/// about 75 characters a reader's eye loses the start of the next line (Bringhurst's 45–75,
/// 66 ideal). With optimal-fit wrapping a column of 72 fills its lines to 67.8 characters on
/// average on the reference article (60, 66, 80 and 90 give 56.6, 62.6, 76.6 and 86.6;
/// measured at `--width 300`, every line but each paragraph's last). A wider
/// terminal leaves the rest of each line empty; the layout stays left-aligned, like `less`
/// and `man`.
pub const MAX_COLUMN: usize = 72;

/// The width text output uses at most for `layout`: two columns of [`MAX_COLUMN`] beside the
/// margin (widest ids plus a flagged marker) and the separator, or one column stacked.
fn readable_width(layout: Layout, id_width: usize) -> usize {
    match layout {
        Layout::Stacked | Layout::Interlinear => id_width + 1 + MAX_COLUMN,
        Layout::Columns | Layout::Auto => id_width + 1 + 2 * MAX_COLUMN + 3,
    }
}

/// When to colour stdout (`--color`); resolved once, with the environment and the terminal, in
/// the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal, NO_COLOR is unset and TERM is not `dumb`.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Output format, chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text for the terminal.
    #[default]
    Text,
    /// The report as pretty-printed JSON; its field names are a stable schema.
    Json,
    /// Markdown: the brief, then each paragraph in bold id, source, and quoted translation.
    Markdown,
    /// One self-contained HTML page: source and translation in two aligned columns.
    Html,
    /// One JSON object per line, for scripts: `start`, a `paragraph` per verified pair (written
    /// as it is verified), `boilerplate`, `brief`, `end`.
    Jsonl,
}

/// How text output places a paragraph and its translation, chosen with `--layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Layout {
    /// Source on the left, translation on the right, each pair starting on the same row.
    Columns,
    /// Source paragraph, then its translation indented below it.
    Stacked,
    /// Each source sentence, then its translation beneath it, as a learner's reader shows it
    /// (paragraph by paragraph where the translation is not aligned by sentence).
    Interlinear,
    /// Stacked when the width is under 80 columns (interlinear for a translation aligned by
    /// sentence), columns otherwise.
    #[default]
    Auto,
}

impl Layout {
    /// The concrete layout for `width`: [`Layout::Auto`] becomes [`Layout::Stacked`] below 80
    /// columns and [`Layout::Columns`] otherwise; the others stay as they are.
    pub fn for_width(self, width: usize) -> Layout {
        match self {
            Layout::Auto if width < STACKED_BELOW => Layout::Stacked,
            Layout::Auto => Layout::Columns,
            chosen => chosen,
        }
    }
}

/// How text output looks, decided once from flags, environment and terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Whether to emit ANSI colour and weight codes. When false the output has no escape byte.
    pub color: bool,
    /// Total width in display columns; at least [`MIN_WIDTH`] (less is treated as `MIN_WIDTH`).
    pub width: usize,
    /// Columns, stacked, or chosen by width.
    pub layout: Layout,
    /// The day shown in an HTML page's header (`SOURCE_DATE_EPOCH`, else today, in UTC).
    pub date: Date,
    /// What the translation is aligned by (`--align`), known before the first pair: it decides
    /// the interlinear choice of [`Layout::Auto`] and the room the margin keeps for sentence
    /// labels (`.2`).
    pub align: Align,
}

/// Writes a translation report to `out` in `format`, in one write.
///
/// Text follows `style`; Markdown ignores it; HTML takes only its date; JSON ignores it and is
/// the report's serde form, pretty-printed, plus a trailing newline. Text and jsonl are the
/// [`progressive`] writer fed every pair at once (the same bytes as a progressive run); jsonl's
/// `end` record gives `exit_code`, the status the run ends with. The only errors are `out`'s.
pub fn translation(
    report: &Report,
    format: Format,
    style: &Style,
    exit_code: u8,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Markdown => markdown::write_translation(report, out),
        Format::Html => html::write_translation(report, style.date, out),
        Format::Text | Format::Jsonl => progressive::whole(report, format, style, exit_code, out),
    }
}

/// Writes the fidelity checks of `report` to `out` in `format` (for `diglot check`).
///
/// Text (and HTML, which has no page of its own for this) is the legend the translation's
/// text output ends with, or one line saying all paragraphs pass; JSON is `{"paragraphs": N, "checks": [...]}`; Markdown the `## Checks` list.
pub fn checks(report: &Report, format: Format, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Json | Format::Jsonl => json::write(
            &serde_json::json!({
                "paragraphs": report.paragraphs.len(),
                "checks": report.checks,
            }),
            out,
        ),
        Format::Markdown if report.checks.is_empty() => out.write_all(b"No failed checks.\n"),
        Format::Markdown => out.write_all(markdown::checks_text(report).trim_start().as_bytes()),
        Format::Text | Format::Html if report.checks.is_empty() => writeln!(
            out,
            "all {} paragraphs pass the fidelity checks",
            report.paragraphs.len()
        ),
        Format::Text | Format::Html => {
            let text: String = report
                .checks
                .iter()
                .map(|check| {
                    let line = format!("{CHECK_MARKER} {} {}", check.location(), check.describe());
                    format!("{}\n", sanitize::for_terminal(&line))
                })
                .collect();
            out.write_all(text.as_bytes())
        }
    }
}

/// Writes a brief report to `out` in `format`, in one write.
///
/// Text is a header like the translation's (`German → English · brief · MODEL (PROVIDER)`),
/// then the brief side by side (stacked below 80 columns with `--layout auto`); with
/// `only_target`, the target-language headline, bullets with references, and entities. JSON is
/// the report's serde form (`only_target` does not change it). Markdown follows `only_target`;
/// HTML is a page with both sides (a page is for reading them side by side).
pub fn brief(
    report: &BriefReport,
    format: Format,
    style: &Style,
    only_target: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Jsonl => jsonl::brief(report, out),
        Format::Markdown => markdown::write_brief(report, only_target, out),
        Format::Html => html::write_brief(report, style.date, out),
        Format::Text => {
            let layout = style.layout.for_width(style.width.max(MIN_WIDTH));
            let width = style
                .width
                .max(MIN_WIDTH)
                .min(readable_width(layout, "¶99".len()));
            let lines = if only_target {
                brief::target_lines(&report.brief, width)
            } else {
                let mut lines = header_lines_of(
                    &report.source,
                    &report.target,
                    &report.provider,
                    Some("brief"),
                    width,
                );
                let margin = brief::margin(&report.brief);
                lines.extend(brief::lines(&report.brief, style.layout, width, margin));
                lines
            };
            lines::write_lines(&lines, style.color, out)
        }
    }
}

/// Writes a detection result to `out` in `format`.
///
/// Text is one line `de German 0.99` (code, name, confidence to 2 decimals; `undecided 0.31`
/// without a language), then, when per-paragraph results are present, one line each:
/// `¶1 de 0.98`, with ` boilerplate` appended for boilerplate paragraphs. JSON is the report's
/// serde form, pretty-printed, plus a trailing newline.
pub fn detection(report: &DetectionReport, format: Format, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Json | Format::Jsonl => json::write(report, out),
        Format::Text | Format::Markdown | Format::Html => {
            let mut text = match report.language {
                Some(code) => format!("{} {} {:.2}\n", code, code.name(), report.confidence),
                None => format!("undecided {:.2}\n", report.confidence),
            };
            for paragraph in report.paragraphs.iter().flatten() {
                text.push_str(&paragraph_detection_line(paragraph));
            }
            out.write_all(text.as_bytes())
        }
    }
}

/// `¶1 de 0.98`, `¶2 undecided 0.40`, or `¶7 en 0.91 boilerplate`, with a newline.
fn paragraph_detection_line(paragraph: &ParagraphDetection) -> String {
    let language = paragraph
        .language
        .as_ref()
        .map_or("undecided", LanguageCode::as_str);
    let suffix = if paragraph.boilerplate {
        " boilerplate"
    } else {
        ""
    };
    format!(
        "{} {language} {:.2}{suffix}\n",
        paragraph.id, paragraph.confidence
    )
}

/// The header (`German → English · detected 0.99 · gpt-4o-mini (openai)`, bold, wrapped to
/// `width`) and a dimmed rule of `─` the full width; `what` (such as `brief`) goes after the
/// languages.
fn header_lines_of(
    source: &SourceInfo,
    target: &TargetInfo,
    provider: &ProviderInfo,
    what: Option<&str>,
    width: usize,
) -> Vec<Line> {
    let what = what.map(|w| format!("{w} · ")).unwrap_or_default();
    let header = format!(
        "{} → {} · {what}{}",
        source.language.name(),
        target.language.name(),
        provenance(source, provider)
    );
    let mut lines: Vec<Line> = wrap_to(&header, width)
        .into_iter()
        .map(|line| Line::of(line, Tone::Bold))
        .collect();
    lines.push(Line::of("─".repeat(width), Tone::Dim));
    lines
}

/// How the languages were decided and who answered: `detected 0.99 · gpt-4o-mini (openai)`,
/// `given · deepl`.
fn provenance(source: &SourceInfo, provider: &ProviderInfo) -> String {
    let detection = if source.forced {
        String::from("given")
    } else {
        format!("detected {:.2}", source.confidence)
    };
    if provider.model.is_empty() {
        format!("{detection} · {}", provider.name)
    } else {
        format!("{detection} · {} ({})", provider.model, provider.name)
    }
}

/// What stands in for the translation of a paragraph kept as it was: `(kept: already English)`.
fn kept_marker(target: &TargetInfo) -> String {
    format!("(kept: already {})", target.language.name())
}

/// What marks a paragraph that failed a fidelity check, in the margin and the legend.
const CHECK_MARKER: &str = "!";

/// The margin label of a paragraph: its id (`¶3`), or `!3` when it failed a check: the marker
/// takes the place of the `¶`, so a flagged pair needs no wider margin than the others and a
/// pair can be printed before the checks of later ones are known.
fn id_label(id: ParagraphId, flagged: bool) -> String {
    if flagged {
        format!("{CHECK_MARKER}{}", id.0)
    } else {
        id.to_string()
    }
}

/// A flagged margin (`! ¶3`) stands out; a plain id is dimmed.
fn margin_tone(label: &str) -> Tone {
    if label.starts_with(CHECK_MARKER) {
        Tone::Bold
    } else {
        Tone::Dim
    }
}

/// The legend of failed checks: a blank line, a bold title, then one line per check
/// (`! ¶3 number missing: 30`) wrapped to `width`. Empty when every check passed.
fn legend_lines(checks: &[Check], width: usize) -> Vec<Line> {
    if checks.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::default()];
    let title = format!("Fidelity checks failed ({CHECK_MARKER} in the margin):");
    lines.extend(
        wrap_to(&title, width)
            .into_iter()
            .map(|line| Line::of(line, Tone::Bold)),
    );
    for check in checks {
        let text = format!("{CHECK_MARKER} {} {}", check.location(), check.describe());
        lines.extend(
            wrap_to(&text, width)
                .into_iter()
                .map(|line| Line::of(line, Tone::Plain)),
        );
    }
    lines
}

/// The dimmed boilerplate section: a blank line, a label, then each boilerplate paragraph
/// wrapped to the full `width`. Empty when nothing was set aside.
fn boilerplate_lines(boilerplate: &[String], width: usize) -> Vec<Line> {
    if boilerplate.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::default()];
    let label = "Set aside as boilerplate (not translated):";
    let texts = std::iter::once(label).chain(boilerplate.iter().map(String::as_str));
    for text in texts {
        lines.extend(
            wrap_to(text, width)
                .into_iter()
                .map(|line| Line::of(line, Tone::Dim)),
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ParagraphPair, ProviderInfo, SourceInfo, TargetInfo};
    use crate::verify::fidelity::{Check, CheckKind};

    /// Widths every text test renders at: MIN_WIDTH to very wide.
    pub(super) const WIDTHS: [usize; 6] = [20, 40, 60, 80, 120, 200];

    #[test]
    fn no_line_is_wider_than_the_width_nor_ends_in_spaces_in_either_layout() {
        let report = sample_report();
        for layout in [Layout::Columns, Layout::Stacked] {
            for width in WIDTHS.into_iter().chain(21..=39) {
                for line in render_text(&report, layout, width, false).lines() {
                    let wide = lines::measure(line);
                    assert!(wide <= width, "{layout:?} {width}: {line:?} is {wide}");
                    assert_eq!(line.trim_end(), line, "{layout:?} {width}: trailing spaces");
                }
            }
        }
    }

    /// A German article in English: umlauts and ß, CJK and emoji on both sides, one paragraph
    /// already in English, and two boilerplate paragraphs.
    pub(super) fn sample_report() -> Report {
        let pair = |id, source: &str, target: &str, translated| ParagraphPair {
            id: ParagraphId(id),
            source: source.to_owned(),
            target: target.to_owned(),
            language: Some(if translated {
                LanguageCode::DE
            } else {
                LanguageCode::EN
            }),
            confidence: 0.97,
            translated,
            sentences: Vec::new(),
        };
        Report {
            source: SourceInfo {
                language: LanguageCode::DE,
                confidence: 0.987,
                forced: false,
            },
            target: TargetInfo {
                language: LanguageCode::EN,
            },
            provider: ProviderInfo {
                name: "openai".to_owned(),
                model: "gpt-4o-mini".to_owned(),
            },
            paragraphs: vec![
                pair(
                    1,
                    "NATO-Generalsekretär Mark Rutte äußerte sich am Donnerstag in Brüssel über \
                     die künftige Unterstützung für die Ukraine.",
                    "NATO Secretary General Mark Rutte spoke in Brussels on Thursday about \
                     future support for Ukraine.",
                    true,
                ),
                pair(
                    2,
                    "Chinesische Medien zitierten ihn mit „北约秘书长吕特表示“ – in sozialen \
                     Netzwerken begleitet von 🇺🇦🕊️.",
                    "Chinese media quoted him with “北约秘书长吕特表示” – accompanied by 🇺🇦🕊️ \
                     on social networks.",
                    true,
                ),
                pair(
                    3,
                    "“We stand with Ukraine,” the alliance said in English.",
                    "“We stand with Ukraine,” the alliance said in English.",
                    false,
                ),
            ],
            boilerplate: vec![
                "Folgen Sie uns auf Mastodon und Bluesky.".to_owned(),
                "Unterstützen Sie unabhängigen Journalismus – jetzt spenden!".to_owned(),
            ],
            usage: crate::report::Usage::default(),
            brief: None,
            checks: Vec::new(),
        }
    }

    /// Renders `report` as text and returns it as a string.
    pub(super) fn render_text(
        report: &Report,
        layout: Layout,
        width: usize,
        color: bool,
    ) -> String {
        let style = Style {
            color,
            width,
            layout,
            date: Date::from_unix_seconds(0),
            // A report aligned by sentence was asked for by sentence.
            align: if report.paragraphs.iter().any(|p| !p.sentences.is_empty()) {
                Align::Sentence
            } else {
                Align::Paragraph
            },
        };
        let mut out = Vec::new();
        translation(report, Format::Text, &style, 0, &mut out).expect("writing to a Vec succeeds");
        String::from_utf8(out).expect("text output is UTF-8")
    }

    pub(super) fn flagged_report() -> Report {
        let mut report = sample_report();
        report.checks = vec![Check {
            paragraph: ParagraphId(2),
            kind: CheckKind::NumberMissing,
            detail: "30".to_owned(),
            sentences: Vec::new(),
        }];
        report
    }

    #[test]
    fn a_flagged_paragraph_has_a_marker_in_the_margin_in_either_layout() {
        let report = flagged_report();
        for layout in [Layout::Columns, Layout::Stacked] {
            for width in WIDTHS.into_iter().chain(21..=39) {
                let text = render_text(&report, layout, width, false);
                for line in text.lines() {
                    assert!(
                        lines::measure(line) <= width,
                        "{layout:?} {width}: {line:?}"
                    );
                    assert_eq!(line.trim_end(), line, "{layout:?} {width}: trailing spaces");
                }
                let starts: Vec<&str> = text
                    .lines()
                    .filter(|l| l.starts_with(['¶', '!']) && !l.starts_with("! ¶2 number"))
                    .map(|l| l.split(' ').next().unwrap_or_default())
                    .collect();
                assert_eq!(starts, ["¶1", "!2", "¶3"], "{layout:?} {width}");
            }
        }
    }

    #[test]
    fn the_legend_names_each_failed_check_after_everything_else() {
        let report = flagged_report();
        let plain = render_text(&report, Layout::Columns, 100, false);
        assert!(
            plain.ends_with(
                "spenden!\n\nFidelity checks failed (! in the margin):\n! ¶2 number missing: 30\n"
            ),
            "{plain}"
        );
        let colored = render_text(&report, Layout::Columns, 100, true);
        assert!(colored.contains("\x1b[1m!2 \x1b[0m"), "{colored}");
    }

    #[test]
    fn without_failed_checks_there_is_no_marker_column_and_no_legend() {
        let text = render_text(&sample_report(), Layout::Columns, 100, false);
        assert!(text.lines().any(|l| l.starts_with("¶1 NATO")), "{text}");
        assert!(!text.contains("Fidelity"), "{text}");
    }

    #[test]
    fn diglot_check_prints_the_legend_or_that_all_pass() {
        let render = |report: &Report, format| {
            let mut out = Vec::new();
            checks(report, format, &mut out).expect("writing to a Vec succeeds");
            String::from_utf8(out).expect("UTF-8")
        };
        assert_eq!(
            render(&sample_report(), Format::Text),
            "all 3 paragraphs pass the fidelity checks\n"
        );
        assert_eq!(
            render(&flagged_report(), Format::Text),
            "! ¶2 number missing: 30\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(&flagged_report(), Format::Json)).expect("JSON");
        assert_eq!(json["paragraphs"], 3);
        assert_eq!(json["checks"][0]["kind"], "number_missing");
        assert_eq!(
            render(&flagged_report(), Format::Markdown),
            "## Checks\n\n- **¶2** number missing: 30\n\n"
        );
    }

    #[test]
    fn auto_layout_stacks_below_80_columns() {
        assert_eq!(Layout::Auto.for_width(79), Layout::Stacked);
        assert_eq!(Layout::Auto.for_width(80), Layout::Columns);
        assert_eq!(Layout::Columns.for_width(20), Layout::Columns);
        assert_eq!(Layout::Stacked.for_width(200), Layout::Stacked);
    }

    #[test]
    fn auto_layout_renders_like_the_layout_it_picks() {
        let report = sample_report();
        for (width, picked) in [(60, Layout::Stacked), (100, Layout::Columns)] {
            let auto = render_text(&report, Layout::Auto, width, false);
            assert_eq!(
                auto,
                render_text(&report, picked, width, false),
                "at {width}"
            );
        }
    }

    #[test]
    fn header_names_languages_confidence_and_model() {
        let text = render_text(&sample_report(), Layout::Columns, 100, false);
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            "German → English · detected 0.99 · gpt-4o-mini (openai)"
        );
        assert_eq!(text.lines().nth(1), Some("─".repeat(100).as_str()));
    }

    #[test]
    fn header_says_given_when_the_language_was_forced() {
        let mut report = sample_report();
        report.source.forced = true;
        report.provider = ProviderInfo {
            name: "deepl".to_owned(),
            model: String::new(),
        };
        let text = render_text(&report, Layout::Stacked, 100, false);
        assert!(
            text.starts_with("German → English · given · deepl\n"),
            "{text}"
        );
    }

    #[test]
    fn widths_below_the_minimum_render_at_the_minimum() {
        let report = sample_report();
        let narrow = render_text(&report, Layout::Columns, 5, false);
        assert_eq!(
            narrow,
            render_text(&report, Layout::Columns, MIN_WIDTH, false)
        );
    }

    #[test]
    fn boilerplate_section_is_labelled_and_dimmed() {
        let report = sample_report();
        let plain = render_text(&report, Layout::Columns, 100, false);
        assert!(plain.contains("\n\nSet aside as boilerplate (not translated):\n"));
        assert!(plain.ends_with("Unterstützen Sie unabhängigen Journalismus – jetzt spenden!\n"));
        let colored = render_text(&report, Layout::Columns, 100, true);
        assert!(colored.contains("\x1b[2mFolgen Sie uns auf Mastodon und Bluesky.\x1b[0m\n"));
    }

    #[test]
    fn no_boilerplate_means_no_boilerplate_section() {
        let mut report = sample_report();
        report.boilerplate.clear();
        let text = render_text(&report, Layout::Stacked, 80, false);
        assert!(!text.contains("boilerplate"), "{text}");
        assert!(text.ends_with("(kept: already English)\n"), "{text}");
    }

    fn detection_report(paragraphs: Option<Vec<ParagraphDetection>>) -> DetectionReport {
        DetectionReport {
            language: Some(LanguageCode::DE),
            confidence: 0.987,
            paragraphs,
        }
    }

    fn render_detection(report: &DetectionReport, format: Format) -> String {
        let mut out = Vec::new();
        detection(report, format, &mut out).expect("writing to a Vec succeeds");
        String::from_utf8(out).expect("output is UTF-8")
    }

    #[test]
    fn detection_text_gives_code_name_and_confidence() {
        let text = render_detection(&detection_report(None), Format::Text);
        assert_eq!(text, "de German 0.99\n");
    }

    #[test]
    fn detection_text_says_undecided_without_a_language() {
        let mut report = detection_report(None);
        report.language = None;
        report.confidence = 0.314;
        assert_eq!(render_detection(&report, Format::Text), "undecided 0.31\n");
    }

    #[test]
    fn detection_text_lists_paragraphs_and_marks_boilerplate() {
        let paragraph = |id, language, boilerplate| ParagraphDetection {
            id: ParagraphId(id),
            language,
            confidence: 0.981,
            boilerplate,
        };
        let report = detection_report(Some(vec![
            paragraph(1, Some(LanguageCode::DE), false),
            paragraph(2, None, false),
            paragraph(3, Some(LanguageCode::EN), true),
        ]));
        let expected = "de German 0.99\n¶1 de 0.98\n¶2 undecided 0.98\n¶3 en 0.98 boilerplate\n";
        assert_eq!(render_detection(&report, Format::Text), expected);
    }

    #[test]
    fn detection_json_omits_absent_paragraphs() {
        let json = render_detection(&detection_report(None), Format::Json);
        let value: serde_json::Value = serde_json::from_str(&json).expect("output is JSON");
        assert_eq!(value["language"], "de");
        assert!(value.get("paragraphs").is_none(), "{json}");
        assert!(json.ends_with("}\n"));
    }
}
