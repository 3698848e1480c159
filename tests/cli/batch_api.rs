//! Work in bulk (issue 18) against the mock's batch engines over HTTP: `--dry-run` (nothing
//! sent, no key, its estimate within a tenth of what a run reports), the cost from configured
//! prices, `--batch-api` end to end for OpenAI's Batch API and Anthropic's Message Batches
//! (outputs as a synchronous batch writes them, the cache filled, request bodies valid against
//! the published schemas), jobs split across lowered batch limits, every batch fault, `diglot
//! batch status|cancel`, kill -9 at many points of a job then resume, `--export-batch` /
//! `--import-batch` round trips, and a batch aligned by sentence (`--align sentence`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diglot::mock::{LoggedRequest, MockOptions};
use serde_json::Value;

use crate::common::{BackgroundMock, Run, Sandbox, articles_dir, get_body, json, run};
use crate::wire_specs::{Wire, assert_valid};

const ARTICLES: [&str; 4] = [
    "de-kurz.txt",
    "de-rutte-nato.txt",
    "en-city-budget.txt",
    "fr-greve-transports.txt",
];

/// A mock whose batches take `seconds` and meet `batch_faults`; `faults` for its answers.
fn batch_mock(seconds: u64, batch_faults: &[&str], faults: &[&str]) -> BackgroundMock {
    BackgroundMock::spawn(MockOptions {
        batch_time: Duration::from_secs(seconds),
        batch_faults: batch_faults
            .iter()
            .map(|f| f.parse().expect("batch fault"))
            .collect(),
        faults: faults.iter().map(|f| f.parse().expect("fault")).collect(),
        ..MockOptions::default()
    })
    .expect("mock starts")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `diglot translate --provider openai --base-url MOCK --model diglot-mock` with `cmd`,
/// width 80, no colour, then `args`.
fn openai(mut cmd: assert_cmd::Command, mock: &BackgroundMock, args: &[&str]) -> Run {
    cmd.args(["translate", "--provider", "openai", "--base-url"])
        .arg(mock.base_url())
        .args([
            "--model",
            "diglot-mock",
            "--width",
            "80",
            "--color",
            "never",
        ])
        .args(args);
    run(&mut cmd)
}

/// The same with `--provider anthropic` at the mock's root.
fn anthropic(mut cmd: assert_cmd::Command, mock: &BackgroundMock, args: &[&str]) -> Run {
    cmd.args(["translate", "--provider", "anthropic", "--base-url"])
        .arg(mock.root_url())
        .args(["--width", "80", "--color", "never"])
        .args(args);
    run(&mut cmd)
}

/// A sandbox with the fixture articles `names` in `in/`, and the paths of `in/` and `out/`.
fn setup(names: &[&str]) -> (Sandbox, PathBuf, PathBuf) {
    let sandbox = Sandbox::new();
    let input = articles_dir(&sandbox, "in", names);
    let out = sandbox.dir.path().join("out");
    (sandbox, input, out)
}

/// `translate --batch-api --out-dir OUT IN` against the mock's OpenAI batch engine.
fn batch_api(sandbox: &Sandbox, mock: &BackgroundMock, input: &Path, out: &Path) -> Run {
    openai(
        sandbox.cmd(),
        mock,
        &[s(input), "--batch-api", "--out-dir", s(out)],
    )
}

/// The outputs in `dir` (not hidden files), by name.
fn outputs(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry"))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("output");
            (e.file_name().to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// What a synchronous batch writes for the articles in `input` with `args`.
fn sync_outputs(
    sandbox: &Sandbox,
    mock: &BackgroundMock,
    input: &Path,
    args: &[&str],
) -> BTreeMap<String, String> {
    let out = sandbox.dir.path().join("sync-out");
    let mut all = vec![s(input), "--out-dir", s(&out)];
    all.extend(args);
    let done = openai(sandbox.cmd(), mock, &all);
    assert_eq!(done.code, 0, "{}", done.stderr);
    outputs(&out)
}

fn posts(mock: &BackgroundMock, path: &str) -> Vec<LoggedRequest> {
    mock.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .collect()
}

#[test]
fn dry_run_sends_nothing_needs_no_key_and_estimates_within_a_tenth_of_the_run() {
    let server = batch_mock(0, &[], &[]);
    let sandbox = Sandbox::new();
    let names = [
        "de-kurz.txt",
        "de-lange-absaetze.txt",
        "de-rutte-nato.txt",
        "en-city-budget.txt",
        "fr-greve-transports.txt",
        "wide-chars.txt",
    ];
    let input = articles_dir(&sandbox, "in", &names);
    // The translation alone, then with a brief (its source side, then its texts translated).
    for (n, extra) in [None, Some("--brief")].into_iter().enumerate() {
        let before = server.requests().len();
        let dry = openai(
            sandbox.cmd(),
            &server,
            &[
                &[s(&input), "--dry-run", "--format", "json"][..],
                extra.as_slice(),
            ]
            .concat(),
        );
        assert_eq!(dry.code, 0, "{}", dry.stderr);
        assert_eq!(server.requests().len(), before, "a dry run sent something");
        let estimate = json(&dry.stdout);
        assert_eq!(
            estimate["articles"].as_array().map(Vec::len),
            Some(names.len())
        );
        let total = &estimate["total"];
        // The run itself, each article's usage as the mock reported it.
        let out = sandbox.dir.path().join(format!("out{n}"));
        let args = [s(&input), "--format", "json", "--out-dir", s(&out)];
        let done = openai(
            sandbox.cmd(),
            &server,
            &[&args[..], extra.as_slice()].concat(),
        );
        assert_eq!(done.code, 0, "{}", done.stderr);
        let (mut input_tokens, mut output_tokens, mut requests) = (0, 0, 0);
        for report in outputs(&out).values() {
            let usage = &json(report)["usage"];
            input_tokens += usage["input_tokens"].as_u64().expect("input tokens");
            output_tokens += usage["output_tokens"].as_u64().expect("output tokens");
            requests += usage["requests"].as_u64().expect("requests");
        }
        assert_eq!(total["requests"].as_u64(), Some(requests), "{extra:?}");
        let estimated = total["input_tokens"].as_u64().expect("n")
            + total["output_tokens"].as_u64().expect("n");
        let reported = (input_tokens + output_tokens) as f64;
        let off = (estimated as f64 - reported).abs() / reported;
        assert!(
            off <= 0.10,
            "{extra:?}: estimated {estimated} tokens, the mock reported {reported} ({:.1}% off)",
            off * 100.0
        );
    }
    // No key for OpenAI's own API, and the table on stdout.
    let keyless = run(sandbox
        .cmd()
        .args([
            "translate",
            "--provider",
            "openai",
            "--dry-run",
            "--width",
            "80",
        ])
        .arg(input.join("de-kurz.txt")));
    assert_eq!(keyless.code, 0, "{}", keyless.stderr);
    assert!(
        keyless
            .stdout
            .starts_with("chunks  requests  input tokens  output tokens  article\n"),
        "{}",
        keyless.stdout
    );
    assert!(
        keyless.stdout.contains("total: 1 article"),
        "{}",
        keyless.stdout
    );
}

#[test]
fn the_dry_run_prices_the_profile_and_deepl_counts_characters() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        "[providers.priced]\nkind = \"openai\"\nprice_input = 2.0\nprice_output = 8.0\n",
    );
    let article = crate::common::fixture("de-rutte-nato.txt");
    let estimate = |extra: &[&str]| {
        let mut cmd = sandbox.cmd();
        cmd.args([
            "translate",
            "--provider",
            "priced",
            "--dry-run",
            "--format",
            "json",
        ])
        .args(extra)
        .arg(&article);
        let done = run(&mut cmd);
        assert_eq!(done.code, 0, "{}", done.stderr);
        json(&done.stdout)["total"].clone()
    };
    let sync = estimate(&[]);
    let tokens = |key: &str| sync[key].as_f64().expect("tokens");
    let cost = (tokens("input_tokens") * 2.0 + tokens("output_tokens") * 8.0) / 1e6;
    assert!(
        (sync["cost"].as_f64().expect("cost") - cost).abs() < 1e-9,
        "{sync}"
    );
    let out = sandbox.dir.path().join("out");
    let batched = estimate(&["--batch-api", "--out-dir", s(&out)]);
    assert!(
        (batched["cost"].as_f64().expect("cost") - cost / 2.0).abs() < 1e-9,
        "{batched}"
    );
    assert!(
        !out.join(".diglot-batch-job").exists(),
        "a dry run wrote a job"
    );
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "deepl",
        "--dry-run",
        "--format",
        "json",
    ])
    .arg(&article);
    let deepl = run(&mut cmd);
    assert_eq!(deepl.code, 0, "{}", deepl.stderr);
    let deepl = json(&deepl.stdout);
    assert_eq!(deepl["bills_characters"], true);
    let text = std::fs::read_to_string(&article).expect("article");
    // Boilerplate is set aside; every other character of the article is billed.
    let characters = deepl["total"]["characters"].as_u64().expect("characters");
    assert!(
        characters > 2000 && characters < text.chars().count() as u64,
        "{deepl}"
    );
    assert_eq!(deepl["total"]["input_tokens"], 0);
}

#[test]
fn usage_carries_the_cost_of_the_reported_tokens_and_a_batch_adds_it_up() {
    let server = batch_mock(0, &[], &[]);
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        format!(
            "[providers.priced]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"m\"\n\
             price_input = 3.0\nprice_output = 15.0\n",
            server.base_url()
        ),
    );
    let article = crate::common::fixture("de-rutte-nato.txt");
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "priced", "--format", "json"])
        .arg(&article);
    let done = run(&mut cmd);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let usage = &json(&done.stdout)["usage"];
    let reported = |key: &str| usage[key].as_f64().expect("tokens");
    let cost = (reported("input_tokens") * 3.0 + reported("output_tokens") * 15.0) / 1e6;
    assert!(
        (usage["cost"].as_f64().expect("cost") - cost).abs() < 1e-12,
        "{usage}"
    );
    let input = articles_dir(&sandbox, "in", &ARTICLES[..2]);
    let out = sandbox.dir.path().join("out");
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "priced",
        "--format",
        "json",
        "--out-dir",
    ])
    .arg(&out)
    .arg(&input);
    let batch = run(&mut cmd);
    assert_eq!(batch.code, 0, "{}", batch.stderr);
    let total: f64 = outputs(&out)
        .values()
        .map(|report| json(report)["usage"]["cost"].as_f64().expect("cost"))
        .sum();
    let line = batch
        .stderr
        .strip_prefix("diglot: 2 articles: 2 written, cost ");
    let shown: f64 = line
        .and_then(|l| l.trim_end().parse().ok())
        .unwrap_or_else(|| panic!("no cost in {:?}", batch.stderr));
    // Four significant digits.
    assert!((shown - total).abs() <= total * 5e-4, "{shown} for {total}");
}

#[test]
fn a_job_is_submitted_then_collected_as_a_synchronous_batch_writes_it() {
    let server = batch_mock(2, &[], &[]);
    let (sandbox, input, out) = setup(&ARTICLES);
    let args = [s(&input), "--batch-api", "--out-dir", s(&out)];
    let started = std::time::Instant::now();
    let first = openai(sandbox.cached_cmd(), &server, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.stderr,
        "diglot: 4 articles: 0 written, 4 waiting for the batch API\n\
         diglot: run the same command again to collect the rest when the batch API has \
         answered (or add --wait)\n"
    );
    assert!(outputs(&out).is_empty());
    let status = run(sandbox
        .cmd()
        .args([
            "batch",
            "status",
            s(&out),
            "--provider",
            "openai",
            "--base-url",
        ])
        .arg(server.base_url())
        .args(["--model", "diglot-mock", "--format", "json"]));
    assert_eq!(status.code, 0, "{}", status.stderr);
    let status = json(&status.stdout);
    assert_eq!(status["waiting"], 4);
    assert_eq!(status["parts"][0]["state"], "in progress", "{status}");
    let mut waiting = args.to_vec();
    waiting.extend(["--wait", "--poll-interval", "200ms"]);
    let second = openai(sandbox.cached_cmd(), &server, &waiting);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "collected before the batch ended"
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stderr, "diglot: 4 articles: 4 written\n");
    assert!(
        !out.join(".diglot-batch-job").exists(),
        "the finished job stays"
    );
    assert_eq!(
        server.chat_requests(),
        0,
        "a batched request went one by one"
    );
    assert_eq!(outputs(&out), sync_outputs(&sandbox, &server, &input, &[]));
    let sent = server.chat_requests();
    // What was sent holds to OpenAI's published schemas.
    let created = posts(&server, "/v1/batches");
    assert_eq!(created.len(), 1);
    assert_valid(Wire::OpenAiBatch, &created[0].body);
    let file = created[0].body["input_file_id"].as_str().expect("file id");
    let lines = get_body(&server.root_url(), &format!("/v1/files/{file}/content"));
    assert_eq!(lines.lines().count(), 4);
    for line in lines.lines() {
        let line: Value = serde_json::from_str(line).expect("a JSON line");
        assert_eq!(line["url"], "/v1/chat/completions");
        assert_eq!(line["body"].get("stream"), None, "a batch line streams");
        assert_valid(Wire::OpenAi, &line["body"]);
    }
    // The cache is filled: the same articles again send nothing.
    let again = openai(
        sandbox.cached_cmd(),
        &server,
        &[s(&input.join("de-kurz.txt"))],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(server.chat_requests(), sent);
}

#[test]
fn anthropic_message_batches_carry_a_job_too() {
    let server = batch_mock(0, &[], &[]);
    let (sandbox, input, out) = setup(&ARTICLES[..2]);
    let done = anthropic(
        sandbox.cmd(),
        &server,
        &[s(&input), "--batch-api", "--out-dir", s(&out)],
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(done.stderr, "diglot: 2 articles: 2 written\n");
    let created = posts(&server, "/v1/messages/batches");
    assert_eq!(created.len(), 1);
    let requests = created[0].body["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert!(
            request["custom_id"]
                .as_str()
                .is_some_and(|id| id.ends_with("-c0"))
        );
        assert_valid(Wire::Anthropic, &request["params"]);
    }
    assert_eq!(posts(&server, "/v1/messages").len(), 0);
    let written = outputs(&out);
    let paired = written.values().all(|text| text.contains("¶1"));
    assert!(paired && written.len() == 2, "{written:?}");
}

#[test]
fn a_brief_goes_into_the_batch_beside_its_translation() {
    let server = batch_mock(0, &[], &[]);
    let (sandbox, input, out) = setup(&["de-rutte-nato.txt"]);
    let args = [
        s(&input),
        "--brief",
        "--format",
        "json",
        "--batch-api",
        "--out-dir",
        s(&out),
    ];
    let done = openai(sandbox.cmd(), &server, &args);
    assert_eq!(done.code, 0, "{}", done.stderr);
    // The brief's second step (its texts translated) needs the first step's answer: it is
    // the one request sent synchronously, at collection.
    let synchronous = posts(&server, "/v1/chat/completions");
    assert_eq!(synchronous.len(), 1, "{synchronous:?}");
    let created = posts(&server, "/v1/batches");
    let file = created[0].body["input_file_id"].as_str().expect("file");
    let lines = get_body(&server.root_url(), &format!("/v1/files/{file}/content"));
    let ids: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON")["custom_id"].to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids[0].ends_with("-a0-c0\"") && ids[1].ends_with("-a0-b\""),
        "{ids:?}"
    );
    let report = json(&outputs(&out)["de-rutte-nato.json"]);
    assert_eq!(report["usage"]["batched"], 2);
    assert_eq!(report["usage"]["requests"], 1, "{report}");
    let points = report["brief"]["points"].as_array().expect("points");
    assert!(!points.is_empty(), "{report}");
    let asked = synchronous[0].body["messages"][1]["content"]
        .as_str()
        .expect("user message");
    for point in points {
        let text = point["source"].as_str().expect("source side");
        assert!(asked.contains(text), "{text:?} not in {asked:?}");
    }
    let plain = sync_outputs(&sandbox, &server, &input, &["--brief", "--format", "json"]);
    let mut synced = json(&plain["de-rutte-nato.json"]);
    let mut batched = report;
    synced.as_object_mut().map(|o| o.remove("usage"));
    batched.as_object_mut().map(|o| o.remove("usage"));
    assert_eq!(batched, synced);
}

#[test]
fn a_job_over_the_batch_limits_is_split_into_several_batches() {
    let server = batch_mock(0, &[], &[]);
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        format!(
            "[providers.small]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"diglot-mock\"\n\
             batch_max_requests = 3\nbatch_max_size = \"3 kB\"\n",
            server.base_url()
        ),
    );
    let names = [
        "de-kurz.txt",
        "de-rutte-nato.txt",
        "de-sonderzeichen.txt",
        "en-city-budget.txt",
        "fr-greve-transports.txt",
        "mixed-de-en.txt",
        "wide-chars.txt",
    ];
    let input = articles_dir(&sandbox, "in", &names);
    let out = sandbox.dir.path().join("out");
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "small",
        "--width",
        "80",
        "--batch-api",
        "--out-dir",
    ])
    .arg(&out)
    .arg(&input);
    let done = run(&mut cmd);
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(done.stderr, "diglot: 7 articles: 7 written\n");
    let uploads = posts(&server, "/v1/files");
    assert!(uploads.len() >= 3, "{} uploads", uploads.len());
    assert_eq!(posts(&server, "/v1/batches").len(), uploads.len());
    for created in posts(&server, "/v1/batches") {
        let file = created.body["input_file_id"].as_str().expect("file id");
        let file = get_body(&server.root_url(), &format!("/v1/files/{file}/content"));
        let (lines, bytes) = (file.lines().count(), file.len());
        // Within the limits, or a single request larger than the byte limit on its own.
        assert!(
            lines <= 3 && (bytes <= 3000 || lines == 1),
            "{lines} lines, {bytes} bytes"
        );
    }
    assert_eq!(outputs(&out).len(), names.len());
}

#[test]
fn an_expired_or_cancelled_batch_keeps_what_finished_and_sends_the_rest_again() {
    for fault in ["expire", "cancel", "line-500"] {
        let server = batch_mock(0, &[fault], &[]);
        let (sandbox, input, out) = setup(&ARTICLES);
        let done = batch_api(&sandbox, &server, &input, &out);
        assert_eq!(done.code, 0, "{fault}: {}", done.stderr);
        assert_eq!(done.stderr, "diglot: 4 articles: 4 written\n", "{fault}");
        let created = posts(&server, "/v1/batches");
        assert_eq!(
            created.len(),
            2,
            "{fault}: one batch, then one for what it left"
        );
        let file = created[1].body["input_file_id"].as_str().expect("file");
        let again = get_body(&server.root_url(), &format!("/v1/files/{file}/content"));
        let expected = if fault == "line-500" { 1 } else { 2 };
        assert_eq!(again.lines().count(), expected, "{fault}: {again}");
        assert_eq!(
            outputs(&out),
            sync_outputs(&sandbox, &server, &input, &[]),
            "{fault}"
        );
    }
}

#[test]
fn a_refused_request_or_batch_fails_its_articles_and_the_rest_are_written() {
    let server = batch_mock(0, &["line-400"], &[]);
    let (sandbox, input, out) = setup(&ARTICLES);
    let done = batch_api(&sandbox, &server, &input, &out);
    assert_eq!(done.code, 4, "{}", done.stderr);
    assert!(
        done.stderr.starts_with(&format!(
            "diglot: error: {}: openai refused the request: HTTP 400 (the mock refuses this \
             request on purpose (batch fault line-400))\n",
            input.join("de-kurz.txt").display()
        )),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr
            .contains("diglot: error: 4 articles: 3 written, 1 failed\n"),
        "{}",
        done.stderr
    );
    assert_eq!(outputs(&out).len(), 3);
    // The whole batch refused: every article fails, exit 4, and nothing is written.
    let server = batch_mock(0, &["fail"], &[]);
    let (sandbox, input, out) = setup(&ARTICLES[..2]);
    let done = batch_api(&sandbox, &server, &input, &out);
    assert_eq!(done.code, 4, "{}", done.stderr);
    assert!(
        done.stderr
            .contains("the batch API refused batch batch_2: the mock batch failed on purpose"),
        "{}",
        done.stderr
    );
    assert!(outputs(&out).is_empty());
    assert!(!out.join(".diglot-batch-job").exists());
}

#[test]
fn a_broken_answer_in_a_batch_is_repaired_through_the_normal_api() {
    // The first answer (inside the batch) misses a paragraph, the second drops a number.
    let server = batch_mock(0, &[], &["missing:1", "drop-number:1"]);
    let (sandbox, input, out) = setup(&["de-rutte-nato.txt", "de-kurz.txt"]);
    let done = openai(
        sandbox.cmd(),
        &server,
        &[
            s(&input),
            "--format",
            "json",
            "--batch-api",
            "--out-dir",
            s(&out),
        ],
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    // One repair of the broken reply, one of the paragraph whose number went missing.
    assert_eq!(server.chat_requests(), 2, "{:?}", server.requests());
    let written = outputs(&out);
    let usage = |name: &str| json(&written[name])["usage"].clone();
    assert_eq!(usage("de-kurz.json")["batched"], 1);
    let repaired = usage("de-kurz.json")["requests"].as_u64().unwrap_or(0)
        + usage("de-rutte-nato.json")["requests"]
            .as_u64()
            .unwrap_or(0);
    assert_eq!(repaired, 2);
    for report in written.values() {
        let report = json(report);
        assert_eq!(report["checks"], serde_json::json!([]), "{report}");
    }
}

#[test]
fn a_cancelled_job_keeps_what_finished_and_reports_the_rest() {
    let server = batch_mock(60, &[], &[]);
    let (sandbox, input, out) = setup(&ARTICLES);
    let args = [s(&input), "--batch-api", "--out-dir", s(&out)];
    let first = openai(sandbox.cmd(), &server, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let cancel = run(sandbox
        .cmd()
        .args([
            "batch",
            "cancel",
            s(&out),
            "--provider",
            "openai",
            "--base-url",
        ])
        .arg(server.base_url())
        .args(["--model", "diglot-mock"]));
    assert_eq!(cancel.code, 0, "{}", cancel.stderr);
    assert!(
        cancel.stdout.starts_with(&format!(
            "batch job in {} (cancelled): 4 articles",
            out.display()
        )),
        "{}",
        cancel.stdout
    );
    assert!(
        cancel.stdout.contains("batch_2  cancelled"),
        "{}",
        cancel.stdout
    );
    let second = openai(sandbox.cmd(), &server, &args);
    assert_eq!(second.code, 5, "{}", second.stderr);
    assert_eq!(
        second.stderr.matches("(last: batch_cancelled)").count(),
        2,
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("4 articles: 2 written, 2 failed"),
        "{}",
        second.stderr
    );
    assert_eq!(
        posts(&server, "/v1/batches").len(),
        1,
        "cancelled requests were sent again"
    );
    assert!(!out.join(".diglot-batch-job").exists());
}

#[test]
#[cfg(unix)]
fn a_job_killed_at_any_step_resumes_and_loses_and_repeats_nothing() {
    let server = BackgroundMock::spawn(MockOptions {
        latency: Duration::from_millis(120),
        ..MockOptions::default()
    })
    .expect("mock");
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        format!(
            "[providers.one]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"diglot-mock\"\n\
             batch_max_requests = 1\n",
            server.base_url()
        ),
    );
    let input = articles_dir(&sandbox, "in", &ARTICLES);
    let out = sandbox.dir.path().join("out");
    let command = || {
        let mut cmd = sandbox.std_cmd();
        cmd.args([
            "translate",
            "--provider",
            "one",
            "--width",
            "80",
            "--batch-api",
            "--out-dir",
        ])
        .arg(&out)
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        cmd
    };
    // Kill -9 at spread points: while preparing, uploading, creating, polling, downloading
    // and collecting; each run goes on where the one before stood.
    for ms in [60, 250, 400, 530, 700, 850, 1000, 1150, 1300, 1500, 1800] {
        let mut child = command().spawn().expect("diglot starts");
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        child.wait().expect("reaped");
    }
    let mut cmd = command();
    cmd.stderr(std::process::Stdio::piped());
    let last = cmd.output().expect("diglot runs");
    assert_eq!(
        server.chat_requests(),
        0,
        "a batched request went one by one"
    );
    assert_eq!(
        last.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    assert!(!out.join(".diglot-batch-job").exists());
    // Nothing lost: every article written, as a synchronous batch writes it.
    let plain = sandbox.dir.path().join("plain");
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "one",
        "--width",
        "80",
        "--out-dir",
    ])
    .arg(&plain)
    .arg(&input);
    assert_eq!(run(&mut cmd).code, 0);
    assert_eq!(outputs(&out), outputs(&plain));
    // Nothing repeated: one upload and one batch per part, never two.
    let uploads: Vec<String> = posts(&server, "/v1/files")
        .iter()
        .filter_map(|r| r.body["filename"].as_str().map(str::to_owned))
        .collect();
    let mut distinct = uploads.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        uploads.len(),
        distinct.len(),
        "a part was uploaded twice: {uploads:?}"
    );
    let parts: Vec<String> = posts(&server, "/v1/batches")
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r.body["metadata"]["diglot_job"], r.body["metadata"]["diglot_part"]
            )
        })
        .collect();
    let mut once = parts.clone();
    once.sort();
    once.dedup();
    assert_eq!(
        parts.len(),
        once.len(),
        "a batch was created twice: {parts:?}"
    );
}

#[test]
fn an_exported_job_runs_elsewhere_and_its_results_are_imported() {
    let server = batch_mock(0, &[], &[]);
    let (sandbox, input, out) = setup(&ARTICLES);
    let exported = sandbox.dir.path().join("requests.jsonl");
    let export_args = [
        s(&input),
        "--out-dir",
        s(&out),
        "--export-batch",
        s(&exported),
    ];
    let export = openai(sandbox.cmd(), &server, &export_args);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(
        export.stderr.contains("4 waiting for the batch API"),
        "{}",
        export.stderr
    );
    assert!(
        export
            .stderr
            .contains(&format!("wrote 4 request(s) to {}", exported.display())),
        "{}",
        export.stderr
    );
    assert!(server.requests().is_empty(), "an export sent something");
    // Another engine (as `vllm run-batch` does): every line's body posted to the chat
    // endpoint, the answers written as OpenAI batch results, in reverse order, one left out.
    let lines: Vec<Value> = std::fs::read_to_string(&exported)
        .expect("export")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 4);
    let mut results = String::new();
    for line in lines.iter().rev().skip(1) {
        assert_valid(Wire::OpenAi, &line["body"]);
        let answer =
            crate::common::post_json(&server.root_url(), "/v1/chat/completions", &line["body"]);
        let result = serde_json::json!({"id": "vllm-1", "custom_id": line["custom_id"],
            "response": {"status_code": 200, "request_id": "r", "body": answer}, "error": null});
        results.push_str(&format!("{result}\n"));
    }
    let results_file = sandbox.write("results.jsonl", &results);
    let import = openai(
        sandbox.cmd(),
        &server,
        &[
            s(&input),
            "--out-dir",
            s(&out),
            "--import-batch",
            s(&results_file),
        ],
    );
    assert_eq!(import.code, 5, "{}", import.stderr);
    assert!(
        import.stderr.contains("its requests are not answered in"),
        "{}",
        import.stderr
    );
    assert!(
        import.stderr.contains("4 articles: 3 written, 1 failed"),
        "{}",
        import.stderr
    );
    let plain = sync_outputs(&sandbox, &server, &input, &[]);
    let written = outputs(&out);
    assert_eq!(written.len(), 3);
    for (name, text) in &written {
        assert_eq!(Some(text), plain.get(name), "{name}");
    }
    // The missing one goes out again in a new export.
    let again = openai(sandbox.cmd(), &server, &export_args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(&exported)
            .expect("export")
            .lines()
            .count(),
        1
    );
}

#[test]
fn batch_api_misuse_is_a_clear_error() {
    let server = batch_mock(60, &[], &[]);
    let (sandbox, input, out) = setup(&ARTICLES[..1]);
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "deepl",
        "--batch-api",
        "--out-dir",
    ])
    .arg(&out)
    .arg(&input);
    cmd.env("DEEPL_AUTH_KEY", "k:fx");
    let deepl = run(&mut cmd);
    assert_eq!(deepl.code, 2, "{}", deepl.stderr);
    assert!(
        deepl
            .stderr
            .starts_with("diglot: error: provider 'deepl' (deepl) has no batch API\n"),
        "{}",
        deepl.stderr
    );
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "mock",
        "--batch-api",
        "--out-dir",
    ])
    .arg(&out)
    .arg(&input);
    let in_process = run(&mut cmd);
    assert_eq!(in_process.code, 2, "{}", in_process.stderr);
    assert!(
        in_process
            .stderr
            .contains("in-process mock, which ends with the run"),
        "{}",
        in_process.stderr
    );
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--batch-api"]).arg(&input);
    assert_eq!(run(&mut cmd).code, 2, "--batch-api without --out-dir");
    // A job is open; the same directory with other options is refused.
    let first = batch_api(&sandbox, &server, &input, &out);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let other = openai(
        sandbox.cmd(),
        &server,
        &[s(&input), "--batch-api", "--to", "fr", "--out-dir", s(&out)],
    );
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(
        other
            .stderr
            .contains("holds a batch job made with other options"),
        "{}",
        other.stderr
    );
    assert!(
        other
            .stderr
            .contains("diglot: hint: finish it with the command that started it"),
        "{}",
        other.stderr
    );
    let forced = openai(
        sandbox.cmd(),
        &server,
        &[
            s(&input),
            "--batch-api",
            "--to",
            "fr",
            "--force",
            "--out-dir",
            s(&out),
        ],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(
        posts(&server, "/v1/batches/batch_2/cancel").len(),
        1,
        "the old job's batch was not cancelled"
    );
    let mut cmd = sandbox.cmd();
    cmd.args(["batch", "status"])
        .arg(sandbox.dir.path())
        .args(["--provider", "openai", "--base-url"])
        .arg(server.base_url());
    let none = run(&mut cmd);
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(
        none.stderr.contains("holds no batch job"),
        "{}",
        none.stderr
    );
}

/// `POST path` on the mock with `headers` and `body` over a plain socket: the status line.
fn post_raw(mock: &BackgroundMock, path: &str, headers: &[(&str, &str)], body: &[u8]) -> String {
    use std::io::{Read, Write};
    let root = mock.root_url();
    let host = root.strip_prefix("http://").expect("http address");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the mock");
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).expect("send");
    stream.write_all(body).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_mock_takes_batches_of_the_size_the_real_apis_take() {
    let server = batch_mock(0, &[], &[]);
    // 3 MB: over a web server's default body limit (2 MB), far under the vendors' (200 MB
    // OpenAI's batch file, 256 MB Anthropic's create call).
    let text = "Wort ".repeat(600_000);
    let line = serde_json::json!({
        "custom_id": "big-1", "method": "POST", "url": "/v1/chat/completions",
        "body": {"model": "m", "messages": [{"role": "user", "content": text}]},
    });
    let boundary = "diglot-test-boundary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n\
         Content-Type: application/jsonl\r\n\r\n{line}\n\r\n--{boundary}--\r\n"
    );
    let multipart = format!("multipart/form-data; boundary={boundary}");
    let uploaded = post_raw(
        &server,
        "/v1/files",
        &[("Content-Type", &multipart)],
        form.as_bytes(),
    );
    assert!(uploaded.starts_with("HTTP/1.1 200"), "{uploaded}");
    let create = serde_json::json!({"requests": [{"custom_id": "big-1", "params": {
        "model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": text}],
    }}]});
    let created = post_raw(
        &server,
        "/v1/messages/batches",
        &[
            ("Content-Type", "application/json"),
            ("anthropic-version", "2023-06-01"),
        ],
        create.to_string().as_bytes(),
    );
    assert!(created.starts_with("HTTP/1.1 200"), "{created}");
}

#[test]
fn batch_lines_carry_the_glossary_and_context_a_synchronous_run_sends() {
    let server = batch_mock(0, &[], &[]);
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        format!(
            "[providers.small]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"diglot-mock\"\n\
             max_chunk_chars = 900\n",
            server.base_url()
        ),
    );
    let glossary = sandbox.write("glossary.csv", "de,en\nKiew,Kyiv\n");
    let input = articles_dir(&sandbox, "in", &["de-rutte-nato.txt"]);
    let args = |out: &Path, batch: bool| {
        let mut cmd = sandbox.cmd();
        cmd.args(["translate", "--provider", "small", "--format", "json"])
            .arg("--glossary")
            .arg(&glossary)
            .arg("--out-dir")
            .arg(out)
            .arg(&input);
        if batch {
            cmd.arg("--batch-api");
        }
        run(&mut cmd)
    };
    let out = sandbox.dir.path().join("out");
    let done = args(&out, true);
    assert_eq!(done.code, 0, "{}", done.stderr);
    // Every chunk's answer came from the batch: its lines were the requests a synchronous
    // run sends, glossary entries and context included.
    assert_eq!(server.chat_requests(), 0, "{:?}", server.requests());
    let created = posts(&server, "/v1/batches");
    let file = created[0].body["input_file_id"].as_str().expect("file id");
    let lines = get_body(&server.root_url(), &format!("/v1/files/{file}/content"));
    assert!(lines.lines().count() > 1, "one chunk: no context to carry");
    assert!(lines.contains("Kyiv"), "no glossary entry in {lines}");
    let plain = sandbox.dir.path().join("plain");
    let sync = args(&plain, false);
    assert_eq!(sync.code, 0, "{}", sync.stderr);
    let strip = |text: &String| {
        let mut report = json(text);
        report.as_object_mut().map(|o| o.remove("usage"));
        report
    };
    let batched: Vec<Value> = outputs(&out).values().map(strip).collect();
    let synced: Vec<Value> = outputs(&plain).values().map(strip).collect();
    assert_eq!(batched, synced);
}

#[test]
fn aligned_by_sentence_a_batch_sends_the_sentence_requests_and_reads_their_answers() {
    let server = batch_mock(1, &[], &[]);
    let (sandbox, input, out) = setup(&["de-kurz.txt", "de-rutte-nato.txt"]);
    let aligned = ["--align", "sentence", "--format", "json"];
    let mut args = vec![s(&input), "--batch-api", "--out-dir", s(&out)];
    args.extend(aligned);
    args.extend(["--wait", "--poll-interval", "200ms"]);
    let done = openai(sandbox.cmd(), &server, &args);
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(done.stderr, "diglot: 2 articles: 2 written\n");
    // Every answer kept the sentence contract: nothing went one by one.
    assert_eq!(server.chat_requests(), 0);
    let created = posts(&server, "/v1/batches");
    let file = created[0].body["input_file_id"].as_str().expect("file id");
    let lines = get_body(&server.root_url(), &format!("/v1/files/{file}/content"));
    assert_eq!(lines.lines().count(), 2);
    for line in lines.lines() {
        let line: Value = serde_json::from_str(line).expect("a JSON line");
        let user = line["body"]["messages"][1]["content"]
            .as_str()
            .unwrap_or_default();
        assert!(user.contains("\n[1.1] "), "a sentence request: {user}");
    }
    let written = outputs(&out);
    for (name, text) in &written {
        let result = json(text);
        let paragraphs = result["paragraphs"].as_array().expect("paragraphs");
        assert!(
            paragraphs
                .iter()
                .all(|p| !p["sentences"].as_array().expect("sentences").is_empty()),
            "{name}: every paragraph aligned by sentence"
        );
    }
    // The same as a synchronous batch writes, but for the usage (batched, not requested).
    let without_usage = |outputs: BTreeMap<String, String>| {
        outputs
            .into_iter()
            .map(|(name, text)| {
                let mut result = json(&text);
                result["usage"] = Value::Null;
                (name, result)
            })
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        without_usage(written),
        without_usage(sync_outputs(&sandbox, &server, &input, &aligned))
    );
}
