//! Reading as it arrives (issue 15): pairs on stdout the moment they are verified, in order,
//! while later chunks are still being generated (the mock's request log shows them pending),
//! aligned by paragraph or by sentence;
//! `--format jsonl` line by line; the same bytes as a run written whole; the pager (a fake one
//! that records its input), quitting it early, Ctrl-C and a closed pipe; the status area on a
//! pseudo-terminal.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use diglot::mock::{Emulation, MockOptions};

use crate::common::{BackgroundMock, Sandbox, fixture, interrupt, json, requested_ids};

/// An article of `n` German paragraphs of about `size` characters, from the fixtures'
/// sentences.
fn article(sandbox: &Sandbox, n: usize, size: usize) -> PathBuf {
    let text = std::fs::read_to_string(fixture("de-rutte-nato.txt")).expect("fixture");
    let sentences: Vec<&str> = text
        .split(['.', '!', '?'])
        .map(str::trim)
        .filter(|s| s.len() > 40 && !s.contains('\n'))
        .collect();
    let mut paragraphs = Vec::new();
    let mut next = sentences.iter().cycle();
    for _ in 0..n {
        let mut paragraph = String::new();
        while paragraph.len() < size {
            paragraph.push_str(next.next().expect("sentences"));
            paragraph.push_str(". ");
        }
        paragraphs.push(paragraph.trim().to_owned());
    }
    sandbox.write(
        &format!("article-{n}-{size}.txt"),
        paragraphs.join("\n\n") + "\n",
    )
}

/// A mock that generates at `rate` characters a second after `latency_ms`; with `whole`, it
/// never streams, so its log lists an answer only once all of it is generated.
fn generating(latency_ms: u64, rate: u32, whole: bool) -> BackgroundMock {
    BackgroundMock::spawn(MockOptions {
        latency: Duration::from_millis(latency_ms),
        chars_per_sec: rate,
        emulate: if whole {
            vec![Emulation::NoStream]
        } else {
            Vec::new()
        },
        ..MockOptions::default()
    })
    .expect("mock starts")
}

/// `diglot translate` against `mock` with stdout and stderr piped, started.
fn spawn(sandbox: &Sandbox, mock: &BackgroundMock, file: &Path, args: &[&str]) -> Child {
    sandbox
        .std_cmd()
        .args(crate::common::translate_args(mock))
        .args(args)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("diglot starts")
}

fn stderr_of(child: &mut Child) -> String {
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut text).expect("stderr");
    }
    text
}

#[test]
fn pairs_arrive_in_order_while_later_chunks_are_still_pending() {
    for align in ["paragraph", "sentence"] {
        // Whole answers: the log lists a chunk only once it is generated.
        let mock = generating(100, 1500, true);
        let sandbox = Sandbox::new();
        let file = article(&sandbox, 20, 250);
        let args = ["--format", "jsonl", "--jobs", "2", "--align", align];
        let mut child = spawn(&sandbox, &mock, &file, &args);
        let started = Instant::now();
        let lines = BufReader::new(child.stdout.take().expect("stdout"));
        let mut seen = Vec::new();
        let mut answered_at_first_pair = None;
        for line in lines.lines() {
            let line = line.expect("a line");
            let record = json(&line);
            if record["type"] == "paragraph" {
                if answered_at_first_pair.is_none() {
                    answered_at_first_pair = Some(mock.chat_requests());
                }
                // Aligned by sentence, each record carries its sentence pairs.
                let sentences = record["sentences"].as_array().map_or(0, Vec::len);
                assert_eq!(sentences > 0, align == "sentence", "{record}");
                seen.push((record["id"].as_u64().expect("an id"), started.elapsed()));
            }
        }
        assert!(
            child.wait().expect("diglot ends").success(),
            "{align}: {}",
            stderr_of(&mut child)
        );
        let ids: Vec<u64> = seen.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            (1..=20).collect::<Vec<_>>(),
            "{align}: every pair once, in order"
        );
        assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1));
        // The opening paragraph went alone; the rest in two balanced chunks for --jobs 2.
        assert_eq!(mock.chat_requests(), 3, "{align}");
        if align == "paragraph" {
            assert_eq!(requested_ids(&mock)[0], [1]);
        } else {
            let first = first_request_text(&mock);
            assert!(
                first.contains("[1.1] ") && !first.contains("[2.1] "),
                "{first}"
            );
        }
        // When ¶1 was on stdout, only its own chunk had been answered: the others were pending.
        assert_eq!(answered_at_first_pair, Some(1), "{align}");
    }
}

/// What the first chat request asked to be translated (its user message).
fn first_request_text(mock: &BackgroundMock) -> String {
    mock.requests()
        .iter()
        .find(|r| r.is_chat())
        .and_then(|r| r.body["messages"][1]["content"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn jsonl_is_one_record_a_line_with_the_exit_status_at_the_end() {
    let mock = crate::common::mock(&["drop-number"]);
    let sandbox = Sandbox::new();
    let out = sandbox.translate(
        &mock,
        &fixture("de-rutte-nato.txt"),
        &["--format", "jsonl", "--strict"],
    );
    assert_eq!(out.code, 6, "{}", out.stderr);
    let records: Vec<serde_json::Value> = out.stdout.lines().map(json).collect();
    let types: Vec<&str> = records.iter().filter_map(|r| r["type"].as_str()).collect();
    let mut expected = vec!["start"];
    expected.extend(["paragraph"; 8]);
    expected.extend(["boilerplate", "end"]);
    assert_eq!(types, expected);
    let start = &records[0];
    assert_eq!(start["source"]["language"], "de");
    assert_eq!(start["target"]["language"], "en");
    assert_eq!(start["provider"]["name"], "mock");
    assert_eq!(start["provider"]["model"], "diglot-mock");
    for (record, id) in records[1..9].iter().zip(1..) {
        assert_eq!(record["id"], id);
        for field in ["source", "target", "language", "confidence", "checks"] {
            assert!(!record[field].is_null(), "{field} in {record}");
        }
    }
    let flagged: Vec<&serde_json::Value> = records[1..9]
        .iter()
        .filter(|r| r["checks"].as_array().is_some_and(|c| !c.is_empty()))
        .collect();
    assert!(!flagged.is_empty(), "{}", out.stdout);
    let end = &records[10];
    assert_eq!(end["exit_code"], 6, "the process's own exit status");
    assert!(end["usage"]["requests"].as_u64() >= Some(2), "{end}");
    assert!(end["checks_failed"].as_u64() >= Some(1), "{end}");
}

#[test]
fn progressive_output_is_byte_for_byte_the_whole_document() {
    let mock = crate::common::mock(&[]);
    let sandbox = Sandbox::new();
    let file = fixture("de-rutte-nato.txt");
    for args in [
        vec!["--format", "text"],
        vec!["--format", "text", "--layout", "stacked", "--brief"],
        vec!["--format", "jsonl", "--brief"],
    ] {
        let streamed = sandbox.translate(&mock, &file, &args);
        assert_eq!(streamed.code, 0, "{}", streamed.stderr);
        let saved = sandbox.dir.path().join("whole.out");
        let mut with_file = args.clone();
        with_file.extend(["-o", saved.to_str().expect("UTF-8 path")]);
        let whole = sandbox.translate(&mock, &file, &with_file);
        assert_eq!(whole.code, 0, "{}", whole.stderr);
        let written = std::fs::read_to_string(&saved).expect("the file");
        if args.contains(&"jsonl") {
            // The same records; the `end` record's usage counts what each run sent (a run
            // read as it arrives sends its opening paragraph alone: one request more).
            let (streamed_records, written_records) = (
                streamed.stdout.lines().collect::<Vec<_>>(),
                written.lines().collect::<Vec<_>>(),
            );
            let last = written_records.len() - 1;
            assert_eq!(
                streamed_records[..last],
                written_records[..last],
                "{args:?}"
            );
            let (mut a, mut b) = (json(streamed_records[last]), json(written_records[last]));
            assert_eq!(
                a["usage"]["requests"], 4,
                "the opening, the rest, the brief's source side, the brief's texts"
            );
            assert_eq!(b["usage"]["requests"], 3);
            a["usage"] = serde_json::Value::Null;
            b["usage"] = serde_json::Value::Null;
            assert_eq!(a, b);
        } else {
            assert_eq!(streamed.stdout, written, "{args:?}");
        }
        assert!(streamed.stdout.contains("¶8") || streamed.stdout.contains("\"id\":8"));
    }
    // A result from the cache is written whole, and the same.
    let first = sandbox.translate_with(sandbox.cached_cmd(), &mock, &file, &[]);
    let again = sandbox.translate_with(sandbox.cached_cmd(), &mock, &file, &[]);
    assert_eq!(first.stdout, again.stdout);
}

/// Runs `command` (a shell command line) on a pseudo-terminal of 80×30 and returns what the
/// terminal received.
fn on_terminal(sandbox: &Sandbox, command: &str, env: &[(&str, &str)]) -> Vec<u8> {
    let mut cmd = sandbox.script(&format!("stty cols 80 rows 30; {command}"));
    for (key, value) in env {
        cmd.env(key, value);
    }
    let child = cmd.spawn().expect("script runs (util-linux)");
    child.wait_with_output().expect("script ends").stdout
}

fn diglot() -> String {
    assert_cmd::cargo::cargo_bin!("diglot")
        .display()
        .to_string()
}

fn translate_line(mock: &BackgroundMock, file: &Path, args: &str) -> String {
    format!(
        "{} translate --no-cache --provider mock --base-url {} --width 80 --color never {args} {}",
        diglot(),
        mock.base_url(),
        file.display()
    )
}

#[test]
fn a_pager_gets_the_output_on_a_terminal_and_never_when_piped() {
    let mock = crate::common::mock(&[]);
    let sandbox = Sandbox::new();
    let file = fixture("de-rutte-nato.txt");
    let expected = sandbox.translate(&mock, &file, &[]).stdout;
    let recorded = sandbox.dir.path().join("paged.txt");
    let pager = format!("sh -c 'cat > {}'", recorded.display());
    let screen = on_terminal(
        &sandbox,
        &translate_line(&mock, &file, "--paging always"),
        &[("DIGLOT_PAGER", &pager)],
    );
    let paged = std::fs::read_to_string(&recorded).expect("the pager recorded its input");
    assert_eq!(paged, expected);
    let screen = String::from_utf8_lossy(&screen);
    assert!(
        !screen.contains("German → English"),
        "the pager took it: {screen}"
    );
    // $PAGER too, when DIGLOT_PAGER is unset; `auto` with a short output does not page.
    let short = fixture("de-kurz.txt");
    std::fs::remove_file(&recorded).expect("remove");
    let screen = on_terminal(
        &sandbox,
        &translate_line(&mock, &short, ""),
        &[("PAGER", &pager)],
    );
    assert!(!recorded.exists(), "{}", String::from_utf8_lossy(&screen));
    // Piped: no pager, whatever --paging says.
    let piped = sandbox.translate(&mock, &file, &["--paging", "always"]);
    let mut cmd = sandbox.cmd();
    cmd.env("DIGLOT_PAGER", &pager);
    let piped_with_pager = sandbox.translate_with(cmd, &mock, &file, &["--paging", "always"]);
    assert_eq!(piped.stdout, expected);
    assert_eq!(piped_with_pager.stdout, expected);
    assert!(!recorded.exists());
}

#[test]
fn a_pager_that_cannot_start_falls_back_with_one_warning() {
    let mock = crate::common::mock(&[]);
    let sandbox = Sandbox::new();
    let file = fixture("de-rutte-nato.txt");
    let screen = on_terminal(
        &sandbox,
        &format!("{} 2>&1", translate_line(&mock, &file, "--paging always")),
        &[("DIGLOT_PAGER", "/no/such/pager -x")],
    );
    let screen = String::from_utf8_lossy(&screen);
    let warnings: Vec<&str> = screen.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{screen}");
    assert!(
        warnings[0].contains("cannot start the pager '/no/such/pager -x'"),
        "{screen}"
    );
    assert!(screen.contains("¶8"), "written without the pager: {screen}");
}

#[test]
fn quitting_the_pager_early_stops_the_run_quietly_and_the_cache_keeps_what_was_done() {
    let mock = generating(300, 800, true);
    let sandbox = Sandbox::new();
    let file = article(&sandbox, 12, 250);
    let seen = sandbox.dir.path().join("seen.txt");
    // Reads the header and the first row of ¶1, then quits.
    let pager = format!("sh -c 'head -n 3 > {}'", seen.display());
    let command = format!(
        "{} translate --provider mock --base-url {} --width 80 --color never --jobs 1 \
         --paging always {} 2> {}; echo \"exit $?\"",
        diglot(),
        mock.base_url(),
        file.display(),
        sandbox.dir.path().join("err.txt").display()
    );
    let screen = on_terminal(&sandbox, &command, &[("DIGLOT_PAGER", &pager)]);
    let screen = String::from_utf8_lossy(&screen);
    assert!(screen.contains("exit 0"), "{screen}");
    let err = std::fs::read_to_string(sandbox.dir.path().join("err.txt")).expect("stderr");
    assert_eq!(err, "", "no error, no warning");
    let seen = std::fs::read_to_string(&seen).expect("the pager's lines");
    assert!(seen.contains("¶1 "), "{seen}");
    // The run stopped before its last chunk: at --jobs 1 the third was never answered.
    let planned = 3;
    assert!(mock.chat_requests() < planned, "{:?}", requested_ids(&mock));
    // What was done is in the cache: the next run asks only for the rest.
    let before = mock.chat_requests();
    let out = sandbox.translate_with(
        sandbox.cached_cmd(),
        &mock,
        &file,
        &["--format", "jsonl", "--jobs", "1"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let end = json(out.stdout.lines().last().expect("an end record"));
    assert!(end["usage"]["cache_hits"].as_u64() >= Some(1), "{end}");
    assert!(mock.chat_requests() - before < planned);
}

#[test]
fn ctrl_c_keeps_the_pairs_already_out_and_exits_130() {
    let mock = generating(100, 800, false);
    let sandbox = Sandbox::new();
    let file = article(&sandbox, 12, 250);
    let mut child = spawn(
        &sandbox,
        &mock,
        &file,
        &["--format", "jsonl", "--jobs", "1"],
    );
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let mut out = String::new();
    while !out.contains("\"type\":\"paragraph\"") {
        assert!(lines.read_line(&mut out).expect("read") > 0, "{out}");
    }
    interrupt(&child);
    lines.read_to_string(&mut out).expect("the rest");
    let status = child.wait().expect("diglot ends");
    assert_eq!(status.code(), Some(130));
    assert_eq!(stderr_of(&mut child), "diglot: error: interrupted\n");
    let records: Vec<serde_json::Value> = out.lines().map(json).collect();
    assert_eq!(records[0]["type"], "start");
    assert_eq!(records[1]["id"], 1);
    assert!(records.iter().all(|r| r["type"] != "end"), "{out}");
}

#[test]
fn a_closed_pipe_stops_the_run_quietly() {
    let mock = generating(100, 800, false);
    let sandbox = Sandbox::new();
    let file = article(&sandbox, 12, 250);
    let mut child = spawn(&sandbox, &mock, &file, &["--jobs", "1"]);
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the header");
    drop(stdout);
    let status = child.wait().expect("diglot ends");
    assert_eq!(status.code(), Some(0));
    assert_eq!(stderr_of(&mut child), "");
    assert!(mock.chat_requests() < 3, "stopped before the end");
}

#[test]
fn the_status_area_shows_the_paragraph_being_written_and_never_reaches_stdout() {
    let mock = generating(100, 400, false);
    let sandbox = Sandbox::new();
    let file = article(&sandbox, 3, 500);
    let saved = sandbox.dir.path().join("stdout.txt");
    let raw = on_terminal(
        &sandbox,
        &format!(
            "{} > {}",
            translate_line(&mock, &file, "--jobs 1"),
            saved.display()
        ),
        &[],
    );
    // stdout: the pairs only, as a run written whole writes them.
    let stdout = std::fs::read_to_string(&saved).expect("stdout");
    let whole = sandbox.translate(&mock, &file, &[]).stdout;
    assert_eq!(stdout, whole);
    // stderr (the terminal): the paragraph in progress appeared under the bar, words of its
    // translation after its id…
    let drawn = String::from_utf8_lossy(&raw);
    let first_words: String = json_target_words(&sandbox, &mock, &file);
    assert!(drawn.contains(&format!("¶1 {first_words}")), "{drawn}");
    // …and nothing of it stays on the screen.
    let mut parser = vt100::Parser::new(30, 80, 0);
    parser.process(&raw);
    assert_eq!(
        parser.screen().contents().trim(),
        "",
        "{}",
        parser.screen().contents()
    );
}

/// The first three words of ¶1's translation.
fn json_target_words(sandbox: &Sandbox, mock: &BackgroundMock, file: &Path) -> String {
    let out = sandbox.translate(mock, file, &["--format", "jsonl"]);
    let first = out
        .stdout
        .lines()
        .map(json)
        .find(|r| r["type"] == "paragraph")
        .expect("a pair");
    let target = first["target"].as_str().expect("a target").to_owned();
    target.split(' ').take(3).collect::<Vec<_>>().join(" ")
}

#[test]
fn on_a_terminal_the_pairs_stay_and_the_status_area_goes() {
    let mock = generating(50, 2000, false);
    let sandbox = Sandbox::new();
    let file = fixture("de-kurz.txt");
    let raw = on_terminal(
        &sandbox,
        &translate_line(&mock, &file, "--paging never"),
        &[],
    );
    let mut parser = vt100::Parser::new(30, 80, 0);
    parser.process(&raw);
    let screen: Vec<String> = parser
        .screen()
        .rows(0, 80)
        .map(|row| row.trim_end().to_owned())
        .collect();
    let expected = sandbox.translate(&mock, &file, &[]).stdout;
    let shown = screen.join("\n");
    assert_eq!(shown.trim_end(), expected.trim_end(), "{shown}");
    let _ = std::io::stdout().flush();
}

#[test]
fn with_one_request_at_a_time_the_opening_paragraph_is_verified_before_the_rest_goes() {
    // Every request's first paragraph comes back untranslated: ¶1 needs its repair.
    let mock = crate::common::mock(&["untranslated"]);
    let sandbox = Sandbox::new();
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--jobs", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sent = requested_ids(&mock);
    // The opening paragraph, its repair, and only then the rest (whose ¶2 is repaired too).
    assert_eq!(
        sent[..3],
        [vec![1], vec![1], (2..=8).collect::<Vec<u64>>()],
        "{sent:?}"
    );
}
