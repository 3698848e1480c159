//! Progressive output: a translation written pair by pair as the pairs are verified (issue 15),
//! for `--format text` and `--format jsonl`.
//!
//! A [`Progressive`] writer is told the article's [`Head`] (languages, provider, paragraph ids)
//! before anything is translated, then each verified pair in article order, then the finished
//! [`Report`] for what only the whole article knows (the brief, the boilerplate, the legend of
//! failed checks, jsonl's `end` record). The whole-document text and jsonl writers
//! ([`super::translation`]) are this same writer fed every pair at once, so a progressive run
//! and a run rendered at the end (a cache hit, `-o FILE`) write the same bytes.
//!
//! That is why nothing before a pair may depend on what comes after it: the id margin is as
//! wide as the widest id of the article (known before any request), and a pair that failed a
//! fidelity check shows `!` in place of its `¶` (`!3`), which takes no extra column; the brief,
//! which needs the whole article, comes after the pairs. Aligned by sentence (`--align`, in the
//! [`Style`]), the layout (`auto` is interlinear below 80 columns) and the margin come from the
//! alignment asked for and the sources: the margin keeps room for the widest label a flagged
//! later sentence pair could get (`!.12`, [`Head::sentences`]), whatever the pairs turn out.

use std::io::{self, Write};

use crate::ingest::sentence::{Align, SentencePair};
use crate::ingest::{Paragraph, ParagraphId};
use crate::report::{ParagraphPair, ProviderInfo, Report, SourceInfo, TargetInfo};
use crate::verify::fidelity::Check;

use super::lines::{Line, Tone, write_lines};
use super::{
    CHECK_MARKER, Format, Layout, MIN_WIDTH, Style, brief, columns, interlinear, jsonl, stacked,
};

/// What is known of an article before its first pair: enough for the header and the margin.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// The source language and how it was decided.
    pub source: &'a SourceInfo,
    /// The target language.
    pub target: &'a TargetInfo,
    /// Who translates.
    pub provider: &'a ProviderInfo,
    /// Every paragraph's id, in article order (sent or kept).
    pub ids: &'a [ParagraphId],
    /// Aligned by sentence, the most sentences one source paragraph has
    /// ([`most_sentences`]): how wide a later sentence pair's label (`.12`) can get. 0 when
    /// aligned by paragraph.
    pub sentences: usize,
}

impl<'a> Head<'a> {
    /// The head of a finished report aligned by `align` (its ids collected into `ids`).
    pub fn of(report: &'a Report, ids: &'a mut Vec<ParagraphId>, align: Align) -> Head<'a> {
        *ids = report.paragraphs.iter().map(|p| p.id).collect();
        let sources = report.paragraphs.iter().map(|p| p.source.as_str());
        Head {
            source: &report.source,
            target: &report.target,
            provider: &report.provider,
            ids,
            sentences: most_sentences(sources, align),
        }
    }
}

/// Aligned by sentence, the most sentences one of `sources` (every paragraph of the article,
/// sent or kept) is cut into; 0 aligned by paragraph. Counted on the sources alone, so a run
/// knows it before its first request and a report written whole gets the same.
pub fn most_sentences<'t>(sources: impl IntoIterator<Item = &'t str>, align: Align) -> usize {
    match align {
        Align::Paragraph => 0,
        Align::Sentence => sources
            .into_iter()
            .map(|text| crate::ingest::sentence::sentences(text).len())
            .max()
            .unwrap_or(0),
    }
}

/// Writes one translation pair by pair, in `--format text` or `--format jsonl`.
#[derive(Debug)]
pub enum Progressive {
    /// Lines of text in the chosen layout.
    Text(TextDocument),
    /// One JSON object per line.
    Jsonl,
}

impl Progressive {
    /// The writer for `format`, or `None` for the formats written whole at the end (JSON,
    /// Markdown, HTML).
    pub fn new(format: Format, head: &Head<'_>, style: &Style) -> Option<Progressive> {
        match format {
            Format::Text => Some(Progressive::Text(TextDocument::new(head, style))),
            Format::Jsonl => Some(Progressive::Jsonl),
            Format::Json | Format::Markdown | Format::Html => None,
        }
    }

    /// The header (text) or the `start` record (jsonl).
    pub fn start(&mut self, head: &Head<'_>, out: &mut impl Write) -> io::Result<()> {
        match self {
            Progressive::Text(doc) => write_lines(&doc.header(head), doc.color, out),
            Progressive::Jsonl => jsonl::start(head, out),
        }
    }

    /// One verified pair, with the fidelity checks it failed.
    pub fn pair(
        &mut self,
        pair: &ParagraphPair,
        checks: &[Check],
        out: &mut impl Write,
    ) -> io::Result<()> {
        match self {
            Progressive::Text(doc) => {
                let lines = doc.pair(pair, checks);
                write_lines(&lines, doc.color, out)
            }
            Progressive::Jsonl => jsonl::paragraph(pair, checks, out),
        }
    }

    /// What follows the pairs: the brief, the boilerplate and the legend of failed checks
    /// (text); the `boilerplate`, `brief` and `end` records (jsonl), the end record giving
    /// `exit_code`, the status the run ends with.
    pub fn finish(
        &mut self,
        report: &Report,
        exit_code: u8,
        out: &mut impl Write,
    ) -> io::Result<()> {
        match self {
            Progressive::Text(doc) => write_lines(&doc.tail(report), doc.color, out),
            Progressive::Jsonl => jsonl::finish(report, exit_code, out),
        }
    }

    /// Rows the output will take on a terminal if every translation is as long as its source
    /// (`sources`, in article order; `boilerplate` set aside): how a pager decides, before the
    /// first pair, whether the output will be taller than the screen.
    pub fn estimated_rows(
        &mut self,
        head: &Head<'_>,
        sources: &[&str],
        boilerplate: &[String],
    ) -> usize {
        match self {
            Progressive::Text(doc) => doc.estimated_rows(head, sources, boilerplate),
            // start, one record per paragraph, boilerplate, end.
            Progressive::Jsonl => sources.len() + 3,
        }
    }
}

/// The whole translation written at once by the progressive writer: the header, every pair,
/// then the tail. For [`Format::Text`] and [`Format::Jsonl`].
pub(super) fn whole(
    report: &Report,
    format: Format,
    style: &Style,
    exit_code: u8,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut ids = Vec::new();
    let head = Head::of(report, &mut ids, style.align);
    let Some(mut writer) = Progressive::new(format, &head, style) else {
        return Ok(());
    };
    // One write, as the other whole-document writers: a reader never sees half a document.
    let mut buffer = Vec::new();
    writer.start(&head, &mut buffer)?;
    for pair in &report.paragraphs {
        writer.pair(pair, &checks_of(report, pair.id), &mut buffer)?;
    }
    writer.finish(report, exit_code, &mut buffer)?;
    out.write_all(&buffer)
}

/// The checks `report` failed for paragraph `id`.
fn checks_of(report: &Report, id: ParagraphId) -> Vec<Check> {
    report
        .checks
        .iter()
        .filter(|c| c.paragraph == id)
        .cloned()
        .collect()
}

/// Text output as it is written: the layout, width and margin decided from the [`Head`], and
/// how many pairs are out (pairs are separated by a blank line).
#[derive(Debug)]
pub struct TextDocument {
    /// Columns, stacked or interlinear (never auto: decided by the width and the alignment).
    layout: Layout,
    /// The layout asked for (the brief decides its own from it).
    asked: Layout,
    width: usize,
    /// The widest id of the article, or aligned by sentence the widest label a sentence pair
    /// can get, in columns.
    margin: usize,
    /// What stands for the translation of a paragraph kept as it was.
    kept: String,
    color: bool,
    pairs: usize,
}

impl TextDocument {
    /// The document for `head` in `style`.
    fn new(head: &Head<'_>, style: &Style) -> TextDocument {
        let ids = head
            .ids
            .iter()
            .map(|id| super::lines::measure(&id.to_string()))
            .max()
            .unwrap_or(0);
        // A later sentence pair's label, flagged: `!.12`.
        let sentences = match head.sentences {
            0 | 1 => 0,
            most => CHECK_MARKER.len() + 1 + most.to_string().len(),
        };
        let margin = ids.max(sentences);
        let layout = interlinear::layout_for(style);
        let width = style
            .width
            .max(MIN_WIDTH)
            .min(super::readable_width(layout, margin));
        TextDocument {
            layout,
            asked: style.layout,
            width,
            margin,
            kept: super::kept_marker(head.target),
            color: style.color,
            pairs: 0,
        }
    }

    fn header(&self, head: &Head<'_>) -> Vec<Line> {
        super::header_lines_of(head.source, head.target, head.provider, None, self.width)
    }

    /// One pair's lines with the `checks` it failed, after a blank line unless it is the
    /// first. A pair aligned by sentence has rows (columns) or blocks (interlinear) for each
    /// sentence pair, each with its own label; stacked shows the paragraphs.
    fn pair(&mut self, pair: &ParagraphPair, checks: &[Check]) -> Vec<Line> {
        let mut lines = Vec::new();
        if self.pairs > 0 {
            lines.push(Line::default());
        }
        self.pairs += 1;
        let label = super::id_label(pair.id, !checks.is_empty());
        let (margin, width, kept) = (self.margin, self.width, self.kept.as_str());
        let aligned = pair.translated && !pair.sentences.is_empty();
        lines.extend(match self.layout {
            Layout::Stacked => stacked::pair_lines(pair, &label, margin, width, kept),
            Layout::Interlinear => interlinear::pair_lines(pair, checks, margin, width, kept),
            Layout::Columns | Layout::Auto if aligned => {
                let labels = interlinear::sentence_labels(pair, checks);
                columns::sentence_lines(pair, &labels, margin, width)
            }
            Layout::Columns | Layout::Auto => {
                columns::pair_lines(pair, &label, margin, width, kept)
            }
        });
        lines
    }

    /// After the pairs: the brief (below a rule), the boilerplate, the legend.
    fn tail(&self, report: &Report) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(brief) = &report.brief {
            lines.push(Line::default());
            lines.push(Line::of("─".repeat(self.width), Tone::Dim));
            let margin = brief::margin(brief).max(self.margin);
            lines.extend(brief::lines(brief, self.asked, self.width, margin));
        }
        lines.extend(super::boilerplate_lines(&report.boilerplate, self.width));
        lines.extend(super::legend_lines(&report.checks, self.width));
        lines
    }

    fn estimated_rows(
        &mut self,
        head: &Head<'_>,
        sources: &[&str],
        boilerplate: &[String],
    ) -> usize {
        let mut rows = self.header(head).len();
        let pairs = self.pairs;
        for (id, source) in head.ids.iter().zip(sources) {
            let pair = ParagraphPair {
                id: *id,
                source: (*source).to_owned(),
                target: (*source).to_owned(),
                language: None,
                confidence: 0.0,
                translated: true,
                sentences: as_long_sentences(*id, source, head.sentences > 0),
            };
            rows += self.pair(&pair, &[]).len();
        }
        self.pairs = pairs;
        rows + super::boilerplate_lines(boilerplate, self.width).len()
    }
}

/// Aligned by sentence (`aligned`), the sentences of paragraph `id` each paired with itself,
/// as [`TextDocument::estimated_rows`] assumes translations as long as their sources; none
/// otherwise.
fn as_long_sentences(id: ParagraphId, source: &str, aligned: bool) -> Vec<SentencePair> {
    if !aligned {
        return Vec::new();
    }
    let paragraph = Paragraph {
        id,
        text: source.to_owned(),
    };
    crate::ingest::sentence::numbered(&paragraph)
        .into_iter()
        .map(|sentence| SentencePair {
            ids: vec![sentence.id],
            source: sentence.text.clone(),
            target: sentence.text,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::{WIDTHS, flagged_report, sample_report};
    use crate::render::{Date, translation};

    fn style(layout: Layout, width: usize, color: bool) -> Style {
        Style {
            color,
            width,
            layout,
            date: Date::from_unix_seconds(0),
            align: crate::ingest::sentence::Align::Paragraph,
        }
    }

    /// The report written pair by pair into one buffer, each step separately.
    fn pair_by_pair(report: &Report, format: Format, style: &Style) -> Vec<u8> {
        let mut ids = Vec::new();
        let head = Head::of(report, &mut ids, style.align);
        let mut writer = Progressive::new(format, &head, style).expect("a progressive format");
        let mut out = Vec::new();
        writer.start(&head, &mut out).expect("write");
        for pair in &report.paragraphs {
            writer
                .pair(pair, &checks_of(report, pair.id), &mut out)
                .expect("write");
        }
        writer.finish(report, 0, &mut out).expect("write");
        out
    }

    #[test]
    fn pair_by_pair_is_byte_for_byte_the_whole_document() {
        use crate::render::interlinear::tests::{aligned_report, flagged_aligned_report};
        let mut with_brief = flagged_report();
        with_brief.brief = Some(crate::render::brief::tests::sample_brief());
        let reports = [
            (sample_report(), Align::Paragraph),
            (flagged_report(), Align::Paragraph),
            (with_brief, Align::Paragraph),
            (aligned_report(), Align::Sentence),
            (flagged_aligned_report(), Align::Sentence),
        ];
        for (report, align) in reports {
            for layout in [
                Layout::Columns,
                Layout::Stacked,
                Layout::Interlinear,
                Layout::Auto,
            ] {
                for width in WIDTHS {
                    for format in [Format::Text, Format::Jsonl] {
                        let style = Style {
                            align,
                            ..style(layout, width, true)
                        };
                        let mut whole = Vec::new();
                        translation(&report, format, &style, 0, &mut whole).expect("write");
                        assert_eq!(
                            String::from_utf8_lossy(&pair_by_pair(&report, format, &style)),
                            String::from_utf8_lossy(&whole),
                            "{format:?} {layout:?} {width} {align:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn aligned_by_sentence_the_margin_is_known_before_the_first_pair() {
        use crate::render::interlinear::tests::aligned_report;
        let report = aligned_report();
        let mut ids = Vec::new();
        // ¶1 has three sentences: a flagged later one is `!.3`, three columns.
        assert_eq!(Head::of(&report, &mut ids, Align::Sentence).sentences, 3);
        assert_eq!(Head::of(&report, &mut ids, Align::Paragraph).sentences, 0);
        let plain = style(Layout::Columns, 100, false);
        let aligned = Style {
            align: Align::Sentence,
            ..plain
        };
        let mut paragraph_ids = Vec::new();
        let by_paragraph = Head::of(&report, &mut paragraph_ids, Align::Paragraph);
        assert_eq!(TextDocument::new(&by_paragraph, &plain).margin, 2);
        let head = Head::of(&report, &mut ids, Align::Sentence);
        let doc = |style: &Style| TextDocument::new(&head, style);
        assert_eq!(doc(&aligned).margin, 3);
        assert_eq!(doc(&aligned).layout, Layout::Columns);
        let narrow = Style {
            width: 60,
            layout: Layout::Auto,
            ..aligned
        };
        assert_eq!(doc(&narrow).layout, Layout::Interlinear);
    }

    #[test]
    fn a_flagged_pair_keeps_the_margin_of_the_others() {
        let plain = sample_report();
        let flagged = flagged_report();
        for layout in [Layout::Columns, Layout::Stacked] {
            let render = |report: &Report| {
                let mut out = Vec::new();
                translation(report, Format::Text, &style(layout, 80, false), 0, &mut out)
                    .expect("write");
                String::from_utf8(out).expect("UTF-8")
            };
            let (a, b) = (render(&plain), render(&flagged));
            // Only ¶2's label differs before the legend.
            let before_legend = b.split("\nFidelity").next().unwrap_or_default();
            assert_eq!(
                before_legend.replacen("!2", "¶2", 1),
                a.trim_end_matches('\n').to_owned() + "\n",
                "{layout:?}"
            );
        }
    }

    /// The rows [`Progressive::estimated_rows`] expects for `report` and the rows the whole
    /// document really has.
    fn estimated_and_real_rows(report: &Report, style: &Style) -> (usize, usize) {
        let mut whole = Vec::new();
        translation(report, Format::Text, style, 0, &mut whole).expect("write");
        let mut ids = Vec::new();
        let head = Head::of(report, &mut ids, style.align);
        let mut writer = Progressive::new(Format::Text, &head, style).expect("text");
        let sources: Vec<&str> = report
            .paragraphs
            .iter()
            .map(|p| p.source.as_str())
            .collect();
        let rows = writer.estimated_rows(&head, &sources, &report.boilerplate);
        (rows, String::from_utf8_lossy(&whole).lines().count())
    }

    #[test]
    fn aligned_by_sentence_the_estimate_counts_the_rows_of_each_sentence_pair() {
        use crate::render::interlinear::tests::aligned_report;
        let mut report = aligned_report();
        for pair in &mut report.paragraphs {
            let sentences = as_long_sentences(pair.id, &pair.source, true);
            pair.target = pair.source.clone();
            pair.translated = true;
            pair.sentences = sentences;
        }
        assert_eq!(report.paragraphs[0].sentences.len(), 3);
        for layout in [Layout::Interlinear, Layout::Columns] {
            let style = Style {
                align: Align::Sentence,
                ..style(layout, 60, false)
            };
            let (estimated, real) = estimated_and_real_rows(&report, &style);
            assert_eq!(estimated, real, "{layout:?}");
        }
    }

    #[test]
    fn the_estimate_counts_rows_as_if_translations_were_as_long_as_their_sources() {
        let mut report = sample_report();
        for pair in &mut report.paragraphs {
            pair.target = pair.source.clone();
            pair.translated = true;
        }
        let (estimated, real) =
            estimated_and_real_rows(&report, &style(Layout::Columns, 80, false));
        assert_eq!(estimated, real);
    }
}
