//! Batch runs (`--out-dir`) and `-o FILE`: one output per article, written whole, failures
//! collected, and an interrupted batch (kill -9 or Ctrl-C) resumed without loss.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::BackgroundMock;

#[cfg(unix)]
use crate::common::interrupt;
use crate::common::{
    Run, Sandbox, articles_dir, chat_payloads, fixture, json, mock, mock_with, run,
};

const ARTICLES: [&str; 6] = [
    "de-kurz.txt",
    "de-lange-absaetze.txt",
    "de-rutte-nato.txt",
    "en-city-budget.txt",
    "fr-greve-transports.txt",
    "wide-chars.txt",
];

/// `diglot translate --provider mock --base-url MOCK --width 80 --color never ARGS…`.
fn translate(sandbox: &Sandbox, mock: &BackgroundMock, args: &[&str]) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "mock", "--base-url"])
        .arg(mock.base_url())
        .args(["--width", "80", "--color", "never"])
        .args(args);
    run(&mut cmd)
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The record of what made each output, beside them.
const MANIFEST: &str = ".diglot-batch.json";

/// The file names in `dir`, sorted, without the batch's record of them.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != MANIFEST)
        .collect()
}

fn json_names(articles: &[&str]) -> BTreeSet<String> {
    articles
        .iter()
        .map(|a| a.replace(".txt", ".json"))
        .collect()
}

/// Every paragraph source text the mock was asked to translate.
fn requested_texts(mock: &BackgroundMock) -> Vec<String> {
    chat_payloads(mock)
        .iter()
        .flat_map(|payload| {
            payload["paragraphs"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| p["text"].as_str().map(str::to_owned))
        .collect()
}

/// Asserts `path` holds a whole JSON report with every paragraph paired, and returns it.
fn complete_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("output readable");
    let report: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not whole JSON: {e}", path.display()));
    let paragraphs = report["paragraphs"].as_array().expect("paragraphs");
    assert!(!paragraphs.is_empty(), "{}", path.display());
    for p in paragraphs {
        assert!(p["target"].as_str().is_some_and(|t| !t.is_empty()));
    }
    report
}

#[test]
fn a_directory_batch_writes_each_article_as_its_single_run_would() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let chosen = [
        "de-kurz.txt",
        "en-city-budget.txt",
        "fr-greve-transports.txt",
    ];
    let dir = articles_dir(&sandbox, "in", &chosen);
    sandbox.write("in/notes.jpg", "not an article");
    let out = sandbox.dir.path().join("out/texts");
    let batch = translate(&sandbox, &server, &[s(&dir), "--out-dir", s(&out)]);
    assert_eq!(batch.code, 0, "{}", batch.stderr);
    assert!(batch.stdout.is_empty());
    // The mock's pseudo-translations of the French and English articles fail fidelity checks.
    assert_eq!(batch.stderr, "diglot: 3 articles: 3 written\n");
    assert!(out.join(MANIFEST).is_file());
    let expected: BTreeSet<String> = chosen.iter().map(|a| (*a).to_owned()).collect();
    assert_eq!(names(&out), expected);
    for article in chosen {
        let single = sandbox.translate(&server, &dir.join(article), &[]);
        assert_eq!(single.code, 0, "{}", single.stderr);
        let written = std::fs::read_to_string(out.join(article)).expect("output");
        assert_eq!(written, single.stdout, "{article}");
    }
}

#[test]
fn each_format_gets_its_extension_and_files_and_directories_mix() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "en-city-budget.txt"]);
    let extra = articles_dir(&sandbox, "more", &["fr-greve-transports.txt"]);
    let one = extra.join("fr-greve-transports.txt");
    for (format, ext) in [("json", "json"), ("markdown", "md"), ("text", "txt")] {
        let out = sandbox.dir.path().join(format!("out-{format}"));
        let run = translate(
            &sandbox,
            &server,
            &[s(&dir), s(&one), "--out-dir", s(&out), "--format", format],
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        let expected: BTreeSet<String> = ["de-kurz", "en-city-budget", "fr-greve-transports"]
            .iter()
            .map(|stem| format!("{stem}.{ext}"))
            .collect();
        assert_eq!(names(&out), expected, "{format}");
    }
    let report = complete_report(&sandbox.dir.path().join("out-json/de-kurz.json"));
    assert_eq!(report["source"]["language"], "de");
    let markdown = std::fs::read_to_string(sandbox.dir.path().join("out-markdown/de-kurz.md"))
        .expect("markdown");
    assert!(markdown.contains("**¶1**"), "{markdown}");
}

#[test]
fn a_bad_article_fails_alone_and_is_named_at_the_end() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "en-city-budget.txt"]);
    sandbox.write("in/b-empty.txt", "");
    sandbox.write("in/c-latin1.txt", b"Gr\xfc\xdfe aus M\xfcnchen\n");
    let out = sandbox.dir.path().join("out");
    let batch = translate(
        &sandbox,
        &server,
        &[s(&dir), "--out-dir", s(&out), "--format", "json"],
    );
    assert_eq!(batch.code, 3, "{}", batch.stderr);
    assert_eq!(
        names(&out),
        json_names(&["de-kurz.txt", "en-city-budget.txt"])
    );
    complete_report(&out.join("de-kurz.json"));
    complete_report(&out.join("en-city-budget.json"));
    let lines: Vec<&str> = batch.stderr.lines().collect();
    let empty = dir.join("b-empty.txt");
    let latin1 = dir.join("c-latin1.txt");
    assert!(
        lines[0].starts_with(&format!("diglot: error: {}: ", empty.display())),
        "{}",
        batch.stderr
    );
    assert!(lines[0].contains("empty"), "{}", batch.stderr);
    assert!(
        lines[1].starts_with(&format!("diglot: error: {}: ", latin1.display())),
        "{}",
        batch.stderr
    );
    assert!(lines[1].contains("UTF-8"), "{}", batch.stderr);
    assert_eq!(lines[2], "diglot: error: 4 articles: 2 written, 2 failed");
    assert!(lines[3].starts_with("diglot: hint: "), "{}", batch.stderr);
}

#[test]
fn a_provider_failure_fails_only_its_article_with_the_providers_exit_code() {
    // The first article's request gets HTTP 500 on its attempt and all 3 retries (--jobs 1:
    // articles one after the other); the second article is written.
    let server = mock(&["500:4"]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "en-city-budget.txt"]);
    let out = sandbox.dir.path().join("out");
    let batch = translate(
        &sandbox,
        &server,
        &[
            s(&dir),
            "--out-dir",
            s(&out),
            "--jobs",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(batch.code, 5, "{}", batch.stderr);
    assert_eq!(names(&out), json_names(&["en-city-budget.txt"]));
    assert!(
        batch.stderr.starts_with(&format!(
            "diglot: error: {}: ",
            dir.join("de-kurz.txt").display()
        )),
        "{}",
        batch.stderr
    );
    assert!(batch.stderr.contains("2 articles: 1 written, 1 failed"));
}

#[test]
fn the_summary_counts_outputs_written_with_failed_checks() {
    // Every answer drops the reference article's 30 (its repair's too); the short article has
    // no number above 12 to drop.
    let server = mock(&["drop-number"]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "de-rutte-nato.txt"]);
    let out = sandbox.dir.path().join("out");
    let run = translate(&sandbox, &server, &[s(&dir), "--out-dir", s(&out)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "diglot: 2 articles: 2 written (1 with failed fidelity checks)\n"
    );
}

#[test]
fn a_rerun_skips_what_is_done_and_force_redoes_it() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "en-city-budget.txt"]);
    let out = sandbox.dir.path().join("out");
    let args = [s(&dir), "--out-dir", s(&out), "--format", "json"];
    assert_eq!(translate(&sandbox, &server, &args).code, 0);
    let first = server.chat_requests();
    assert!(first >= 2);
    let again = translate(&sandbox, &server, &args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stderr,
        "diglot: 2 articles: 0 written, 2 skipped (already done)\n"
    );
    assert_eq!(server.chat_requests(), first, "nothing is asked twice");
    // an article edited after its output was written is done again
    let kurz = dir.join("de-kurz.txt");
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&kurz)
        .expect("open")
        .set_modified(later)
        .expect("set mtime");
    let changed = translate(&sandbox, &server, &args);
    assert_eq!(
        changed.stderr,
        "diglot: 2 articles: 1 written, 1 skipped (already done)\n"
    );
    let forced = translate(&sandbox, &server, &[&args[..], &["--force"]].concat());
    assert_eq!(forced.stderr, "diglot: 2 articles: 2 written\n");
}

#[test]
fn a_rerun_with_other_options_or_another_provider_redoes_the_outputs_and_says_so() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "de-rutte-nato.txt"]);
    let out = sandbox.dir.path().join("out");
    let args = [s(&dir), "--out-dir", s(&out), "--format", "json"];
    let first = translate(&sandbox, &server, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let redone = "2 redone: made with other options)\n";
    for other in [
        &["--to", "fr"][..],
        &["--brief"],
        &["--model", "other-model"],
    ] {
        let run = translate(&sandbox, &server, &[&args[..], other].concat());
        assert_eq!(run.code, 0, "{other:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("diglot: 2 articles: 2 written (")
                && run.stderr.ends_with(redone),
            "{other:?}: {}",
            run.stderr
        );
        // The outputs are now the new run's.
        let report = complete_report(&out.join("de-kurz.json"));
        match other[0] {
            "--to" => assert_eq!(report["target"]["language"], "fr"),
            "--brief" => assert!(report["brief"].is_object()),
            _ => assert_eq!(report["provider"]["model"], "other-model"),
        }
        // The same options again: nothing to do.
        let again = translate(&sandbox, &server, &[&args[..], other].concat());
        assert_eq!(
            again.stderr, "diglot: 2 articles: 0 written, 2 skipped (already done)\n",
            "{other:?}"
        );
    }
}

#[test]
fn two_articles_on_one_output_name_stop_before_any_request() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let a = sandbox.write(
        "x/report.txt",
        std::fs::read(fixture("de-kurz.txt")).unwrap(),
    );
    let b = sandbox.write(
        "y/report.md",
        std::fs::read(fixture("de-kurz.txt")).unwrap(),
    );
    let out = sandbox.dir.path().join("out");
    let run = translate(&sandbox, &server, &[s(&a), s(&b), "--out-dir", s(&out)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        format!(
            "diglot: error: '{}' and '{}' would both be written to '{}'",
            a.display(),
            b.display(),
            out.join("report.txt").display()
        )
    );
    assert!(run.stderr.contains("diglot: hint: "));
    assert_eq!(server.requests().len(), 0);
    assert!(!out.exists(), "nothing is created before the batch can run");
}

#[test]
fn an_output_that_would_replace_its_article_is_refused() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt"]);
    let article = dir.join("de-kurz.txt");
    let before = std::fs::read(&article).expect("article");
    for args in [
        [s(&dir), "--out-dir", s(&dir)],
        [s(&article), "-o", s(&article)],
    ] {
        let run = translate(&sandbox, &server, &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("would be overwritten by its own output"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(&article).expect("article"), before);
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn several_articles_or_a_directory_need_out_dir() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "en-city-budget.txt"]);
    let (a, b) = (dir.join("de-kurz.txt"), dir.join("en-city-budget.txt"));
    let cases: [(&[&str], &str); 4] = [
        (
            &[s(&a), s(&b)],
            "diglot: error: 2 articles given, but without --out-dir there is only stdout to \
             write to\ndiglot: hint: write one output per article with --out-dir DIR\n",
        ),
        (&[s(&dir)], "is a directory; its articles need --out-dir"),
        (
            &[s(&a), s(&b), "-o", "x.txt"],
            "-o/--output writes one article",
        ),
        (
            &[s(&a), "-", "--out-dir", s(&dir)],
            "stdin ('-') cannot be part of a batch",
        ),
    ];
    for (args, expected) in cases {
        let run = translate(&sandbox, &server, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn a_directory_without_articles_is_bad_input() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    sandbox.write("in/photo.jpg", "x");
    let dir = sandbox.dir.path().join("in");
    let out = sandbox.dir.path().join("out");
    let run = translate(&sandbox, &server, &[s(&dir), "--out-dir", s(&out)]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("no articles in"));
}

#[test]
fn output_file_holds_what_stdout_would_without_colour() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let article = fixture("de-rutte-nato.txt");
    let stdout = sandbox.translate(&server, &article, &[]);
    assert_eq!(stdout.code, 0);
    let file = sandbox.dir.path().join("nato.txt");
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "mock", "--base-url"])
        .arg(server.base_url())
        .args(["--width", "80", "--color", "always", "-o", s(&file)])
        .arg(&article);
    let to_file = run(&mut cmd);
    assert_eq!(to_file.code, 0, "{}", to_file.stderr);
    assert!(to_file.stdout.is_empty());
    assert!(to_file.stderr.is_empty(), "{}", to_file.stderr);
    let written = std::fs::read_to_string(&file).expect("written");
    assert!(!written.contains('\u{1b}'), "a file gets no colour");
    assert_eq!(written, stdout.stdout);
    assert_eq!(
        names(sandbox.dir.path())
            .iter()
            .filter(|n| n.ends_with(".tmp"))
            .count(),
        0
    );
}

#[test]
fn output_file_for_a_brief_from_stdin_is_json_when_asked() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let file = sandbox.dir.path().join("brief.json");
    let mut cmd = sandbox.cmd();
    cmd.args(["brief", "--provider", "mock", "--base-url"])
        .arg(server.base_url())
        .args(["--format", "json", "--output", s(&file)])
        .write_stdin(std::fs::read(fixture("de-kurz.txt")).unwrap());
    let run = run(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let brief = json(&std::fs::read_to_string(&file).expect("written"));
    assert!(
        brief["brief"]["points"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
}

#[test]
fn a_brief_batch_writes_one_brief_per_article() {
    let server = mock(&[]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &["de-kurz.txt", "en-city-budget.txt"]);
    let out = sandbox.dir.path().join("briefs");
    let mut cmd = sandbox.cmd();
    cmd.args(["brief", "--provider", "mock", "--base-url"])
        .arg(server.base_url())
        .args([s(&dir), "--out-dir", s(&out), "--format", "json"]);
    let run = run(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        names(&out),
        json_names(&["de-kurz.txt", "en-city-budget.txt"])
    );
    for name in names(&out) {
        let brief = json(&std::fs::read_to_string(out.join(&name)).expect("brief"));
        assert!(brief["brief"]["points"].is_array(), "{name}");
    }
}

/// Starts a batch of [`ARTICLES`] against `server` as a child process.
#[cfg(unix)]
fn spawn_batch(
    sandbox: &Sandbox,
    server: &BackgroundMock,
    dir: &Path,
    out: &Path,
) -> std::process::Child {
    sandbox
        .std_cmd()
        .args(["translate", "--provider", "mock", "--base-url"])
        .arg(server.base_url())
        .args([
            s(dir),
            "--out-dir",
            s(out),
            "--format",
            "json",
            "--jobs",
            "2",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("diglot starts")
}

/// Waits until `out` holds an output (not a temp file), for at most 60 s.
#[cfg(unix)]
fn wait_for_first_output(out: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if out.is_dir() && names(out).iter().any(|n| n.ends_with(".json")) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("no output appeared in {}", out.display());
}

/// The outputs in `out`, each asserted whole; temp files are left out.
#[cfg(unix)]
fn whole_outputs(out: &Path) -> BTreeSet<String> {
    let outputs: BTreeSet<String> = names(out)
        .into_iter()
        .filter(|n| !(n.starts_with(".diglot-") && n.ends_with(".tmp")) && n != MANIFEST)
        .collect();
    for name in &outputs {
        assert!(name.ends_with(".json"), "unexpected file {name}");
        complete_report(&out.join(name));
    }
    outputs
}

#[cfg(unix)]
#[test]
fn a_batch_killed_mid_way_resumes_without_loss_or_repeats() {
    let slow = mock_with(&[], 1_500);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &ARTICLES);
    let out = sandbox.dir.path().join("out");
    let mut child = spawn_batch(&sandbox, &slow, &dir, &out);
    wait_for_first_output(&out);
    child.kill().expect("SIGKILL"); // kill -9: no chance to clean up
    child.wait().expect("reaped");
    let finished = whole_outputs(&out);
    assert!(!finished.is_empty());
    assert!(
        finished.len() < ARTICLES.len(),
        "the kill came too late to test anything: {finished:?}"
    );
    let sources: Vec<String> = finished
        .iter()
        .flat_map(|name| {
            complete_report(&out.join(name))["paragraphs"]
                .as_array()
                .expect("paragraphs")
                .iter()
                .filter(|p| p["translated"] == true)
                .map(|p| p["source"].as_str().expect("source").to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    // what a kill during a write would leave behind
    let stale = out.join(".diglot-de-kurz.json.AbC123.tmp");
    std::fs::write(&stale, "{\"source\": {\"lang").expect("stale temp");

    let server = mock(&[]);
    let resumed = translate(
        &sandbox,
        &server,
        &[s(&dir), "--out-dir", s(&out), "--format", "json"],
    );
    let asked = requested_texts(&server);
    assert!(!asked.is_empty());
    for source in &sources {
        assert!(
            !asked.contains(source),
            "a finished article was asked for again: {source}"
        );
    }
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let head = format!(
        "diglot: {} articles: {} written",
        ARTICLES.len(),
        ARTICLES.len() - finished.len()
    );
    let tail = format!("{} skipped (already done)\n", finished.len());
    assert!(
        resumed.stderr.starts_with(&head) && resumed.stderr.ends_with(&tail),
        "{}",
        resumed.stderr
    );
    assert!(!resumed.stderr.contains("redone"), "{}", resumed.stderr);
    assert_eq!(
        names(&out),
        json_names(&ARTICLES),
        "each output exactly once"
    );
    assert_eq!(whole_outputs(&out).len(), ARTICLES.len());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_batch_with_130_and_keeps_finished_outputs() {
    let slow = mock_with(&[], 1_500);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &ARTICLES);
    let out = sandbox.dir.path().join("out");
    let child = spawn_batch(&sandbox, &slow, &dir, &out);
    wait_for_first_output(&out);
    interrupt(&child);
    let output = child.wait_with_output().expect("diglot ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(output.stdout.is_empty());
    let finished = whole_outputs(&out);
    assert!(!finished.is_empty() && finished.len() < ARTICLES.len());
    assert_eq!(
        names(&out).len(),
        finished.len(),
        "no temp file is left after Ctrl-C"
    );
    assert!(
        stderr.contains(&format!(
            "diglot: error: interrupted: {} articles: {} written",
            ARTICLES.len(),
            finished.len()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("not done"), "{stderr}");
}

#[test]
fn a_rejected_key_stops_the_batch_after_the_first_article() {
    let server = mock(&["401"]);
    let sandbox = Sandbox::new();
    let dir = articles_dir(&sandbox, "in", &ARTICLES[..3]);
    let out = sandbox.dir.path().join("out");
    let run = translate(
        &sandbox,
        &server,
        &[s(&dir), "--out-dir", s(&out), "--jobs", "1"],
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        server.chat_requests(),
        1,
        "every other article would be refused too"
    );
    assert!(names(&out).is_empty());
    assert!(
        run.stderr
            .contains("diglot: error: 3 articles: 0 written, 1 failed, 2 not done"),
        "{}",
        run.stderr
    );
}
