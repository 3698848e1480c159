//! JSON Lines (`--format jsonl`): one JSON object per line, for scripts that read a translation
//! as it arrives.
//!
//! Records, each with a `type`: `start` (languages, provider and model, the number of
//! paragraphs), one `paragraph` per verified pair in article order (the fields of the JSON
//! schema's `paragraphs[]`, plus the `checks` that pair failed), `boilerplate` (the paragraphs
//! set aside, possibly none), `brief` (with `--brief`), and `end` (every failed check, usage
//! and the exit status).
//! Field values are the `--format json` schema's, so a script reads both the same way. A
//! stream that stops before its `end` record was cut short: the exit code and stderr say why.
//! Text is not sanitized: serde escapes control characters.

use std::io::{self, Write};

use serde::Serialize;

use crate::brief::Brief;
use crate::report::{
    BriefReport, ParagraphPair, ProviderInfo, Report, SourceInfo, TargetInfo, Usage,
};
use crate::verify::fidelity::Check;

use super::progressive::Head;

/// One line of the stream.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Record<'a> {
    Start {
        source: &'a SourceInfo,
        target: &'a TargetInfo,
        provider: &'a ProviderInfo,
        /// Paragraph records to come (0 for `diglot brief`).
        paragraphs: usize,
    },
    Paragraph {
        #[serde(flatten)]
        pair: &'a ParagraphPair,
        checks: &'a [Check],
    },
    Boilerplate {
        boilerplate: &'a [String],
    },
    Brief {
        brief: &'a Brief,
    },
    End {
        paragraphs: usize,
        checks_failed: usize,
        /// Every failed check, the paragraphs' and those found once the whole article was in
        /// (`name_drift`), as the JSON's `checks`.
        checks: &'a [Check],
        usage: &'a Usage,
        exit_code: u8,
    },
}

/// Writes `record` as one line.
fn line(record: &Record<'_>, out: &mut impl Write) -> io::Result<()> {
    let mut text = serde_json::to_vec(record)?;
    text.push(b'\n');
    out.write_all(&text)
}

/// The `start` record of a translation.
pub(super) fn start(head: &Head<'_>, out: &mut impl Write) -> io::Result<()> {
    let record = Record::Start {
        source: head.source,
        target: head.target,
        provider: head.provider,
        paragraphs: head.ids.len(),
    };
    line(&record, out)
}

/// A `paragraph` record: one verified pair and the checks it failed.
pub(super) fn paragraph(
    pair: &ParagraphPair,
    checks: &[Check],
    out: &mut impl Write,
) -> io::Result<()> {
    line(&Record::Paragraph { pair, checks }, out)
}

/// After the pairs: `boilerplate`, `brief` (when the report has one) and `end`.
pub(super) fn finish(report: &Report, exit_code: u8, out: &mut impl Write) -> io::Result<()> {
    let mut buffer = Vec::new();
    let boilerplate = &report.boilerplate;
    line(&Record::Boilerplate { boilerplate }, &mut buffer)?;
    if let Some(brief) = &report.brief {
        line(&Record::Brief { brief }, &mut buffer)?;
    }
    let end = Record::End {
        paragraphs: report.paragraphs.len(),
        checks_failed: report.checks.len(),
        checks: &report.checks,
        usage: &report.usage,
        exit_code,
    };
    line(&end, &mut buffer)?;
    out.write_all(&buffer)
}

/// `diglot brief --format jsonl`: `start`, `brief`, `end` (a finished brief exits 0).
pub(super) fn brief(report: &BriefReport, out: &mut impl Write) -> io::Result<()> {
    let mut buffer = Vec::new();
    let start = Record::Start {
        source: &report.source,
        target: &report.target,
        provider: &report.provider,
        paragraphs: 0,
    };
    line(&start, &mut buffer)?;
    line(
        &Record::Brief {
            brief: &report.brief,
        },
        &mut buffer,
    )?;
    let end = Record::End {
        paragraphs: 0,
        checks_failed: 0,
        checks: &[],
        usage: &report.usage,
        exit_code: 0,
    };
    line(&end, &mut buffer)?;
    out.write_all(&buffer)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::render::tests::{flagged_report, sample_report};
    use crate::render::{Date, Format, Layout, Style, translation};
    use crate::report::Report;

    fn records(report: &Report, exit_code: u8) -> Vec<Value> {
        let style = Style {
            color: true,
            width: 20,
            layout: Layout::Columns,
            date: Date::from_unix_seconds(0),
            align: crate::ingest::sentence::Align::Paragraph,
        };
        let mut out = Vec::new();
        translation(report, Format::Jsonl, &style, exit_code, &mut out).expect("write");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(text.ends_with('\n'), "{text}");
        text.lines()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
            .collect()
    }

    #[test]
    fn one_object_a_line_start_paragraphs_boilerplate_end() {
        let report = sample_report();
        let records = records(&report, 0);
        let types: Vec<&str> = records.iter().filter_map(|r| r["type"].as_str()).collect();
        assert_eq!(
            types,
            [
                "start",
                "paragraph",
                "paragraph",
                "paragraph",
                "boilerplate",
                "end"
            ]
        );
        assert_eq!(records[0]["source"]["language"], "de");
        assert_eq!(records[0]["target"]["language"], "en");
        assert_eq!(records[0]["provider"]["model"], "gpt-4o-mini");
        assert_eq!(records[0]["paragraphs"], 3);
        assert_eq!(records[1]["id"], 1);
        assert_eq!(records[1]["source"], report.paragraphs[0].source.as_str());
        assert_eq!(records[1]["target"], report.paragraphs[0].target.as_str());
        assert_eq!(records[1]["language"], "de");
        assert_eq!(records[3]["translated"], false);
        assert_eq!(records[1]["checks"], serde_json::json!([]));
        assert_eq!(records[4]["boilerplate"][0], report.boilerplate[0].as_str());
        assert_eq!(records[5]["exit_code"], 0);
        assert_eq!(records[5]["usage"]["requests"], 0);
    }

    #[test]
    fn a_flagged_pair_carries_its_checks_and_the_end_its_exit_code() {
        let records = records(&flagged_report(), 6);
        assert_eq!(records[2]["checks"][0]["kind"], "number_missing");
        assert_eq!(records[1]["checks"], serde_json::json!([]));
        let end = records.last().expect("an end record");
        assert_eq!(end["checks_failed"], 1);
        assert_eq!(end["checks"][0]["paragraph"], records[2]["id"]);
        assert_eq!(end["checks"][0]["kind"], "number_missing");
        assert_eq!(end["exit_code"], 6);
    }

    #[test]
    fn controls_in_text_are_escaped_and_lines_never_break() {
        let mut report = sample_report();
        report.paragraphs[0].target = "a\nb\u{1b}[31m\u{2028}c".to_owned();
        let records = records(&report, 0);
        assert_eq!(records.len(), 6);
        assert_eq!(records[1]["target"], "a\nb\u{1b}[31m\u{2028}c");
    }
}
