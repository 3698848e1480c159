//! Work in bulk: a dry run's estimate (`--dry-run`) and a job's standing (`diglot batch
//! status|cancel`), as JSON for scripts or as text. The estimate is a table, one article a line
//! and the total last, numbers first and the article's name last, so long names never push
//! the columns apart; names are sanitized for the terminal.

use std::io::{self, Write};

use super::Format;
use crate::provider::price::show_cost;
use crate::report::bulk::{Estimate, Expected, JobReport};

/// Writes `estimate` as `format` asks: JSON, or the table for every other format.
pub fn estimate(estimate: &Estimate, format: Format, out: &mut impl Write) -> io::Result<()> {
    if format == Format::Json {
        return super::json::write(estimate, out);
    }
    let priced = estimate.total.cost.is_some();
    let units = if estimate.bills_characters {
        "  characters"
    } else {
        "  input tokens  output tokens"
    };
    let cost = if priced { "        cost" } else { "" };
    writeln!(out, "chunks  requests{units}{cost}  article")?;
    for article in &estimate.articles {
        let name = super::sanitize::for_terminal(&article.article);
        match (&article.error, article.cached) {
            (Some(error), _) => {
                let error = super::sanitize::for_terminal(error);
                writeln!(out, "{name}: not sent: {error}")?;
            }
            (None, true) => writeln!(
                out,
                "{}  {name} (in the cache)",
                row(estimate, &article.expected)
            )?,
            (None, false) => writeln!(out, "{}  {name}", row(estimate, &article.expected))?,
        }
    }
    let articles = estimate.articles.len();
    let noun = if articles == 1 { "article" } else { "articles" };
    let mut total = format!("total: {articles} {noun}");
    if estimate.skipped > 0 {
        total.push_str(&format!(", {} skipped (already done)", estimate.skipped));
    }
    if estimate.batch_api {
        total.push_str(", through the batch API");
    }
    writeln!(out, "{}  {total}", row(estimate, &estimate.total))
}

/// The numbers of one line, in the table's columns.
fn row(estimate: &Estimate, expected: &Expected) -> String {
    let mut line = format!(
        "{:>6}  {:>8}",
        grouped(expected.chunks),
        grouped(expected.requests)
    );
    if estimate.bills_characters {
        line.push_str(&format!("  {:>10}", grouped(expected.characters)));
    } else {
        line.push_str(&format!(
            "  {:>12}  {:>13}",
            grouped(expected.input_tokens),
            grouped(expected.output_tokens)
        ));
    }
    if estimate.total.cost.is_some() {
        let cost = expected.cost.map_or_else(|| "—".to_owned(), show_cost);
        line.push_str(&format!("  {cost:>10}"));
    }
    line
}

/// Writes a job's standing: JSON, or a line for the articles and one for each part.
pub fn job(report: &JobReport, format: Format, out: &mut impl Write) -> io::Result<()> {
    if format == Format::Json {
        return super::json::write(report, out);
    }
    let dir = super::sanitize::for_terminal(&report.dir);
    let cancelled = if report.cancelled { " (cancelled)" } else { "" };
    writeln!(
        out,
        "batch job in {dir}{cancelled}: {} articles: {} written, {} failed, {} waiting",
        report.articles, report.written, report.failed, report.waiting
    )?;
    for part in &report.parts {
        let batch = part
            .batch
            .as_deref()
            .map(|b| format!("  {}", super::sanitize::for_terminal(b)))
            .unwrap_or_default();
        let counts = match (part.succeeded, part.failed) {
            (Some(ok), Some(failed)) => format!(": {ok} answered, {failed} failed"),
            _ => String::new(),
        };
        writeln!(
            out,
            "part {}  {} requests{batch}  {}{counts}",
            part.part, part.requests, part.state
        )?;
    }
    Ok(())
}

/// `n` with a comma between each group of three digits (`12,345`).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::bulk::ArticleEstimate;

    fn sample(cost: Option<f64>) -> Estimate {
        let one = Expected {
            chunks: 2,
            requests: 2,
            input_tokens: 1_234,
            output_tokens: 987,
            characters: 2_900,
            cost,
        };
        Estimate {
            provider: "openai".into(),
            model: "gpt-4o-mini".into(),
            batch_api: false,
            bills_characters: false,
            skipped: 1,
            articles: vec![
                ArticleEstimate {
                    article: "in/a\u{1b}[31m.txt".into(),
                    expected: one.clone(),
                    cached: false,
                    error: None,
                },
                ArticleEstimate {
                    article: "in/b.txt".into(),
                    expected: Expected::default(),
                    cached: false,
                    error: Some("cannot read 'in/b.txt': no such file".into()),
                },
            ],
            total: one,
        }
    }

    fn text(estimate: &Estimate) -> String {
        let mut out = Vec::new();
        super::estimate(estimate, Format::Text, &mut out).expect("writes");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn the_table_has_a_line_per_article_and_the_total() {
        let table = text(&sample(Some(0.0012)));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert_eq!(
            lines[0],
            "chunks  requests  input tokens  output tokens        cost  article"
        );
        assert!(
            lines[1].starts_with("     2         2         1,234            987    0.001200  in/a"),
            "{table}"
        );
        assert!(!table.contains('\u{1b}'), "{table}");
        assert_eq!(
            lines[2],
            "in/b.txt: not sent: cannot read 'in/b.txt': no such file"
        );
        assert!(
            lines[3].ends_with("total: 2 articles, 1 skipped (already done)"),
            "{table}"
        );
    }

    #[test]
    fn no_cost_column_without_prices_and_characters_for_deepl() {
        let mut deepl = sample(None);
        deepl.bills_characters = true;
        let table = text(&deepl);
        assert!(
            table.starts_with("chunks  requests  characters  article\n"),
            "{table}"
        );
        assert!(
            table.contains("     2         2       2,900  in/a"),
            "{table}"
        );
    }

    #[test]
    fn json_is_the_estimate_itself() {
        let mut out = Vec::new();
        estimate(&sample(Some(0.5)), Format::Json, &mut out).expect("writes");
        let value: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
        assert_eq!(value["total"]["input_tokens"], 1234);
        assert_eq!(value["articles"][0]["chunks"], 2);
        assert_eq!(
            value["articles"][1]["error"],
            "cannot read 'in/b.txt': no such file"
        );
        assert_eq!(value["total"]["cost"], 0.5);
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(12), "12");
    }
}
