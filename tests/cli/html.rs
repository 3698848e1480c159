//! `--format html` and `--format markdown` over HTTP: the reference page as a snapshot, and an
//! article full of markup, pipes and backticks that must come out as text, never as markup.

use std::path::Path;

use crate::common::BackgroundMock;

use crate::common::{Run, Sandbox, fixture, mock, run};

/// 2025-11-24 22:40:00 UTC: a fixed date so pages are byte-for-byte repeatable.
pub const SOURCE_DATE_EPOCH: &str = "1764024000";

/// `diglot COMMAND --provider mock --base-url MOCK --format FORMAT ARTICLE ARGS…` with a fixed
/// `SOURCE_DATE_EPOCH`.
fn command(
    sandbox: &Sandbox,
    mock: &BackgroundMock,
    (command, format): (&str, &str),
    article: &Path,
    args: &[&str],
) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .args([
            command,
            "--provider",
            "mock",
            "--base-url",
            &mock.base_url(),
        ])
        .args(["--format", format])
        .arg(article)
        .args(args);
    cmd
}

/// Runs [`command`] and expects success.
pub fn render(
    sandbox: &Sandbox,
    mock: &BackgroundMock,
    command_name: &str,
    format: &str,
    article: &Path,
    args: &[&str],
) -> Run {
    let out = run(&mut command(
        sandbox,
        mock,
        (command_name, format),
        article,
        args,
    ));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out
}

/// The reference article's page, with its brief.
pub fn reference_page(sandbox: &Sandbox, mock: &BackgroundMock) -> String {
    let article = fixture("de-rutte-nato.txt");
    render(sandbox, mock, "translate", "html", &article, &["--brief"]).stdout
}

#[test]
fn reference_article_as_html_with_the_brief() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    insta::assert_snapshot!(reference_page(&sandbox, &mock));
}

#[test]
fn reference_article_brief_as_html() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = fixture("de-rutte-nato.txt");
    let html = render(&sandbox, &mock, "brief", "html", &article, &[]).stdout;
    assert!(html.starts_with("<!doctype html>\n"), "{html}");
    assert!(html.contains("<h1>German → English brief</h1>"));
    assert!(html.contains("<dd>2025-11-24</dd>"));
    assert!(html.contains("Rutte: NATO membership for Ukraine"));
    assert!(!html.contains("id=\"translation\"") && !html.contains("href="));
}

#[test]
fn reference_article_as_markdown_with_the_brief() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = fixture("de-rutte-nato.txt");
    let out = render(
        &sandbox,
        &mock,
        "translate",
        "markdown",
        &article,
        &["--brief"],
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn the_date_is_today_without_source_date_epoch_and_a_bad_one_is_a_config_error() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = fixture("de-kurz.txt");
    let mut today = command(&sandbox, &mock, ("translate", "html"), &article, &[]);
    today.env_remove("SOURCE_DATE_EPOCH");
    let before = utc_date();
    let out = run(&mut today);
    let after = utc_date();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("<dd>{before}</dd>"))
            || out.stdout.contains(&format!("<dd>{after}</dd>")),
        "{}",
        out.stdout
    );
    let mut malformed = command(&sandbox, &mock, ("translate", "html"), &article, &[]);
    let out = run(malformed.env("SOURCE_DATE_EPOCH", "yesterday"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("diglot: error: invalid value 'yesterday' in SOURCE_DATE_EPOCH"),
        "{}",
        out.stderr
    );
}

/// Today's date in UTC as `date -u +%F` prints it (YYYY-MM-DD).
fn utc_date() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%F"])
        .output()
        .expect("date runs");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned()
}

/// The crafted article: `<script>`, `<img src=https://…>`, `<b>`, a Markdown link, pipes,
/// backticks, `&`, both quote kinds, emphasis, and lines starting with `#`, `>`, `-`, `1.`.
fn special() -> std::path::PathBuf {
    fixture("de-sonderzeichen.txt")
}

#[test]
fn html_shows_markup_from_the_article_and_the_api_as_text() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let html = render(
        &sandbox,
        &mock,
        "translate",
        "html",
        &special(),
        &["--brief"],
    )
    .stdout;
    let lower = html.to_ascii_lowercase();
    // Our own markup has no script, image or external reference at all, so any of these
    // would be the article's text escaping into markup.
    for raw in [
        "<script",
        "</script",
        "<img",
        "<b>",
        "src=\"http",
        "href=\"http",
    ] {
        assert!(!lower.contains(raw), "raw {raw} in\n{html}");
    }
    // The source side, the mock's pseudo-translation (which keeps markup, as a translator
    // does) and its pseudo-brief (which repeats the article) all show it as text.
    assert!(
        html.matches("&lt;script&gt;alert(1)&lt;/script&gt;")
            .count()
            >= 2,
        "{html}"
    );
    assert!(html.matches("&lt;script&gt;").count() >= 3, "{html}");
    for escaped in [
        "&lt;img src=&quot;https://example.invalid/x.png&quot;&gt;",
        "&lt;b&gt;ohne&lt;/b&gt;",
        "&quot;Einnahmen | Ausgaben | Saldo&quot;",
        "`rm -rf`",
        "Stadt &amp; Land",
        "beim &#39;Bürgerservice&#39;",
        "[der Webseite](https://example.invalid/)",
    ] {
        assert!(html.contains(escaped), "{escaped} missing in\n{html}");
    }
}

#[test]
fn markdown_shows_markup_tables_and_emphasis_from_the_article_as_text() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let md = render(&sandbox, &mock, "translate", "markdown", &special(), &[]).stdout;
    for escaped in [
        r"**¶1** Die Stadtverwaltung",
        r"\<script\>alert\(1\)\</script\>",
        r#"\# Kein Titel: Der Kämmerer erklärte, die Tabelle "Einnahmen \| Ausgaben \| Saldo""#,
        r"**¶3** \> Die IT-Leiterin",
        r"\`rm -rf\`",
        r"Stadt \& Land",
        r"**¶4** \- Die Kosten",
        r"\*vorläufig\* und \_ungeprüft\_",
        r"**¶5** 1\. Punkt",
        r"\<b\>ohne\</b\>",
        r"\<img src=",
        r"\[der Webseite\]\(https://example.invalid/\)",
    ] {
        assert!(md.contains(escaped), "{escaped} missing in\n{md}");
    }
    // Nothing unescaped that a renderer would turn into a table cell, code, emphasis or a tag.
    for line in md.lines() {
        for (at, ch) in line.char_indices() {
            if matches!(ch, '|' | '`' | '<' | '_' | '[') {
                assert!(
                    line[..at].ends_with('\\'),
                    "unescaped {ch:?} at {at} in {line:?}"
                );
            }
        }
    }
}

#[test]
fn each_side_carries_its_language_and_arabic_reads_right_to_left() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = fixture("de-kurz.txt");
    let html = render(
        &sandbox,
        &mock,
        "translate",
        "html",
        &article,
        &["--to", "ar"],
    )
    .stdout;
    assert!(html.contains("<p class=\"cell src\" lang=\"de\" tabindex=\"0\">Die Stadtbibliothek"));
    assert!(html.contains("<p class=\"cell tgt\" lang=\"ar\" dir=\"rtl\" tabindex=\"0\">"));
    assert!(html.contains("German (de) → Arabic (ar)"), "{html}");
    assert!(!html.contains("lang=\"de\" dir="));
}
