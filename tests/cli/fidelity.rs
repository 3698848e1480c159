//! Fidelity checks over HTTP: each crafted mock answer (`drop-number`, `untranslated`,
//! `truncate-paragraph`) is caught and named in JSON and text, `--strict` turns a failed check
//! into exit 6 after printing everything, honest output has no checks, and `diglot check`
//! re-runs the checks on saved results.

use serde_json::Value;

use crate::common::{Run, Sandbox, fixture, json, mock, requested_ids, run, widest_line};

/// The reference article through the mock with `faults`, as JSON, plus the run.
fn reference_json(faults: &[&str], args: &[&str]) -> (Run, Value) {
    let sandbox = Sandbox::new();
    let mock = mock(faults);
    let mut all = vec!["--format", "json"];
    all.extend(args);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &all);
    let doc = json(&out.stdout);
    (out, doc)
}

/// The checks of a JSON result as `(paragraph, kind, detail)`.
pub(crate) fn checks(doc: &Value) -> Vec<(u64, String, String)> {
    doc["checks"]
        .as_array()
        .expect("a checks array")
        .iter()
        .map(|c| {
            (
                c["paragraph"].as_u64().expect("paragraph"),
                c["kind"].as_str().expect("kind").to_owned(),
                c["detail"].as_str().expect("detail").to_owned(),
            )
        })
        .collect()
}

fn check(paragraph: u64, kind: &str, detail: &str) -> (u64, String, String) {
    (paragraph, kind.to_owned(), detail.to_owned())
}

#[test]
fn the_reference_articles_come_out_with_no_checks_even_with_strict() {
    for (article, to) in [("de-rutte-nato.txt", "en"), ("en-city-budget.txt", "de")] {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let out = sandbox.translate(
            &mock,
            &fixture(article),
            &["--format", "json", "--to", to, "--strict"],
        );
        assert_eq!(out.code, 0, "{article}: {}", out.stderr);
        let doc = json(&out.stdout);
        assert_eq!(doc["checks"], serde_json::json!([]), "{article}");
        assert!(out.stderr.is_empty(), "{article}: {}", out.stderr);
    }
}

/// Paragraphs sent again on their own after a failed check, from JSON output.
fn repairs(doc: &serde_json::Value) -> u64 {
    doc["usage"]["repairs"].as_u64().expect("usage.repairs")
}

#[test]
fn a_dropped_number_is_caught_and_named_as_the_source_writes_it() {
    // Every answer drops it, the repair's too: the check still fails after the one repair.
    let (out, doc) = reference_json(&["drop-number"], &[]);
    assert_eq!(
        out.code, 0,
        "without --strict a failed check does not fail the run"
    );
    assert_eq!(checks(&doc), [check(7, "number_missing", "30")]);
    let target = doc["paragraphs"][6]["target"].as_str().expect("target");
    assert!(!target.contains("30"), "{target}");
    assert_eq!(repairs(&doc), 1);
}

/// Issue #12: a paragraph whose check shows it broken goes again on its own, once, and the
/// better version is kept.
#[test]
fn a_broken_paragraph_is_repaired_once_and_the_better_version_kept() {
    for fault in ["drop-number:1", "untranslated:1", "truncate-paragraph:1"] {
        let sandbox = Sandbox::new();
        let mock = mock(&[fault]);
        let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
        assert_eq!(out.code, 0, "{fault}: {}", out.stderr);
        let doc = json(&out.stdout);
        assert_eq!(checks(&doc), [], "{fault}");
        assert_eq!(repairs(&doc), 1, "{fault}");
        // The article in one request, then the broken paragraph alone.
        let ids = requested_ids(&mock);
        assert_eq!(ids.len(), 2, "{fault}: {ids:?}");
        assert_eq!(ids[1].len(), 1, "{fault}: {ids:?}");
    }
}

#[test]
fn an_untranslated_paragraph_is_caught_with_its_language() {
    let (out, doc) = reference_json(&["untranslated"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(checks(&doc), [check(1, "untranslated", "de")]);
}

#[test]
fn a_truncated_paragraph_is_caught_by_its_length_and_its_end() {
    let (out, doc) = reference_json(&["truncate-paragraph"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let found = checks(&doc);
    let kinds: Vec<(u64, &str)> = found.iter().map(|c| (c.0, c.1.as_str())).collect();
    assert_eq!(kinds, [(1, "cut_off"), (1, "length_ratio")], "{found:?}");
    assert!(found[1].2.ends_with(", expected about 0.87"), "{found:?}");
}

#[test]
fn every_provider_kind_s_crafted_answer_is_caught() {
    for (kind, _) in crate::providers::KINDS {
        let sandbox = Sandbox::new();
        let mock = mock(&["drop-number"]);
        let file = fixture("de-rutte-nato.txt");
        let out = crate::providers::translate(
            &sandbox,
            &mock,
            kind,
            &file,
            &[],
            &["--format", "json", "--strict"],
        );
        assert_eq!(out.code, 6, "{kind}: {}", out.stderr);
        assert_eq!(
            checks(&json(&out.stdout)),
            [check(7, "number_missing", "30")],
            "{kind}"
        );
    }
}

#[test]
fn strict_exits_6_after_printing_everything_with_one_error_line() {
    let (out, doc) = reference_json(&["drop-number"], &["--strict"]);
    assert_eq!(out.code, 6);
    assert_eq!(doc["paragraphs"].as_array().map(Vec::len), Some(8));
    assert_eq!(
        out.stderr,
        "diglot: error: 1 fidelity check failed (¶7 number_missing 30)\n"
    );
}

#[test]
fn text_output_marks_the_paragraph_in_the_margin_and_ends_with_a_legend() {
    let sandbox = Sandbox::new();
    let mock = mock(&["untranslated"]);
    let file = fixture("de-rutte-nato.txt");
    let out = sandbox.translate(&mock, &file, &["--layout", "columns", "--strict"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(widest_line(&out.stdout) <= 80, "{}", out.stdout);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("!1 Eine NATO")),
        "{}",
        out.stdout
    );
    // The fault answers the first paragraph of each request with its source: ¶1 (the
    // opening paragraph's own request) and ¶2 (the first of the rest).
    assert!(out.stdout.lines().any(|l| l.starts_with("!2 Die Ukraine")));
    assert!(out.stdout.lines().any(|l| l.starts_with("¶3 Auf die")));
    // Every row puts the separator in the same column, flagged or not.
    let columns: std::collections::BTreeSet<usize> = out
        .stdout
        .lines()
        .filter_map(|l| {
            l.find('│')
                .map(|at| unicode_width::UnicodeWidthStr::width(&l[..at]))
        })
        .collect();
    assert_eq!(columns.len(), 1, "{columns:?}");
    assert!(
        out.stdout.ends_with(
            "\nFidelity checks failed (! in the margin):\n\
             ! ¶1 untranslated: still German (de)\n\
             ! ¶2 untranslated: still German (de)\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("(¶1 untranslated de, ¶2 untranslated de)"),
        "{}",
        out.stderr
    );
}

#[test]
fn stacked_and_markdown_output_show_the_checks_too() {
    let sandbox = Sandbox::new();
    let mock = mock(&["drop-number"]);
    let file = fixture("de-rutte-nato.txt");
    let stacked = sandbox.translate(&mock, &file, &["--layout", "stacked"]);
    assert_eq!(stacked.code, 0);
    assert!(stacked.stdout.lines().any(|l| l.starts_with("!7 Trumps")));
    assert!(stacked.stdout.ends_with("! ¶7 number missing: 30\n"));
    let markdown = sandbox.translate(&mock, &file, &["--format", "markdown"]);
    assert!(
        markdown
            .stdout
            .ends_with("## Checks\n\n- **¶7** number missing: 30\n"),
        "{}",
        markdown.stdout
    );
}

/// `diglot check ARGS…`, with `stdin` when given.
fn diglot_check(sandbox: &Sandbox, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.args(["check", "--color", "never"]).args(args);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    run(&mut cmd)
}

#[test]
fn check_passes_a_saved_clean_result_and_fails_a_tampered_one() {
    let (_, doc) = reference_json(&[], &[]);
    let sandbox = Sandbox::new();
    let clean = sandbox.write("clean.json", doc.to_string());
    let out = diglot_check(&sandbox, &[clean.to_str().expect("path")], None);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, "all 8 paragraphs pass the fidelity checks\n");

    let mut tampered = doc.clone();
    let target = tampered["paragraphs"][6]["target"]
        .as_str()
        .expect("target");
    tampered["paragraphs"][6]["target"] = target.replace("30-day", "month-long").into();
    // The saved (clean) checks are ignored: the checks run again.
    let path = sandbox.write("tampered.json", tampered.to_string());
    let out = diglot_check(&sandbox, &[path.to_str().expect("path")], None);
    assert_eq!(out.code, 6);
    assert_eq!(out.stdout, "! ¶7 number missing: 30\n");
    assert_eq!(
        out.stderr,
        "diglot: error: 1 fidelity check failed (¶7 number_missing 30)\n"
    );

    let out = diglot_check(
        &sandbox,
        &["-", "--format", "json"],
        Some(&tampered.to_string()),
    );
    assert_eq!(out.code, 6);
    let report = json(&out.stdout);
    assert_eq!(report["paragraphs"], 8);
    assert_eq!(checks(&report), [check(7, "number_missing", "30")]);
}

#[test]
fn check_reads_results_without_fields_added_later() {
    let (_, mut doc) = reference_json(&[], &[]);
    let object = doc.as_object_mut().expect("an object");
    object.remove("checks");
    object.remove("boilerplate");
    let sandbox = Sandbox::new();
    let out = diglot_check(&sandbox, &["-"], Some(&doc.to_string()));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn check_on_garbage_or_a_missing_file_exits_3_with_one_line() {
    let sandbox = Sandbox::new();
    let garbage = sandbox.write("garbage.json", "<html>not JSON</html>");
    let other = sandbox.write("other.json", r#"{"language": "de", "confidence": 1.0}"#);
    for (path, says) in [
        (garbage, "expected value at line 1 column 1"),
        (other, "missing field `source`"),
        (sandbox.dir.path().join("absent.json"), "cannot read"),
    ] {
        let out = diglot_check(&sandbox, &[path.to_str().expect("path")], None);
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.starts_with("diglot: error: "), "{}", out.stderr);
        assert!(out.stderr.contains(says), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}
