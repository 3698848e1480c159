//! JSON: any report → its serde form, pretty-printed, for scripts.
//!
//! The field names of [`Report`](crate::report::Report) and
//! [`DetectionReport`](crate::report::DetectionReport) are the documented `--format json`
//! schema, so this file adds nothing of its own: no envelope, no renaming. Text is not
//! sanitized here; serde escapes control characters (ESC becomes `\u001b`).

use std::io::{self, Write};

use serde::Serialize;

/// Writes `value` as pretty-printed JSON followed by a newline.
pub(super) fn write(value: &impl Serialize, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::render::tests::sample_report;
    use crate::render::{Format, Layout, Style, translation};
    use crate::report::Report;

    fn render(report: &Report) -> String {
        let style = Style {
            color: true,
            width: 20,
            layout: Layout::Columns,
            date: crate::render::Date::from_unix_seconds(0),
            align: crate::ingest::sentence::Align::Paragraph,
        };
        let mut out = Vec::new();
        translation(report, Format::Json, &style, 0, &mut out).expect("writing to a Vec succeeds");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    fn parse(json: &str) -> Value {
        serde_json::from_str(json).expect("output is valid JSON")
    }

    #[test]
    fn round_trips_with_the_documented_field_names() {
        let value = parse(&render(&sample_report()));
        assert_eq!(value["source"]["language"], "de");
        assert_eq!(value["source"]["forced"], false);
        assert!(value["source"]["confidence"].is_f64());
        assert_eq!(value["target"]["language"], "en");
        assert_eq!(value["provider"]["name"], "openai");
        assert_eq!(value["provider"]["model"], "gpt-4o-mini");
        let first = &value["paragraphs"][0];
        assert_eq!(first["id"], 1);
        assert!(first["id"].is_u64());
        assert_eq!(first["language"], "de");
        assert_eq!(first["translated"], true);
        assert!(
            first["source"]
                .as_str()
                .is_some_and(|s| s.contains("äußerte"))
        );
        assert!(first["target"].is_string());
        assert_eq!(value["paragraphs"][2]["translated"], false);
        let boilerplate = value["boilerplate"]
            .as_array()
            .expect("boilerplate is an array");
        assert_eq!(boilerplate.len(), 2);
        assert!(boilerplate.iter().all(Value::is_string));
    }

    #[test]
    fn keeps_text_exact_and_unwrapped() {
        let report = sample_report();
        let value = parse(&render(&report));
        assert_eq!(
            value["paragraphs"][1]["source"],
            report.paragraphs[1].source.as_str()
        );
    }

    #[test]
    fn escapes_control_characters_and_ignores_color() {
        let mut report = sample_report();
        report.paragraphs[0].target = "\x1b[31mred\x1b[0m".to_owned();
        let json = render(&report);
        assert!(!json.contains('\x1b'), "{json}");
        assert!(json.contains(r"\u001b[31mred"), "{json}");
        assert_eq!(
            parse(&json)["paragraphs"][0]["target"],
            "\x1b[31mred\x1b[0m"
        );
    }

    #[test]
    fn is_pretty_printed_and_ends_with_a_newline() {
        let json = render(&sample_report());
        assert!(json.starts_with("{\n  \"source\": {"), "{json}");
        assert!(json.ends_with("}\n"));
    }
}
