//! Each injected fault over real HTTP: the exit code, the stderr line and the request count.

use crate::common::BackgroundMock;

use crate::common::{Run, Sandbox, fixture, mock, mock_with};

fn reference() -> std::path::PathBuf {
    fixture("de-rutte-nato.txt")
}

/// Translates the reference article against a mock injecting `faults`, and asserts that the
/// run succeeds after exactly `requests` chat requests (text output: the opening paragraph
/// goes alone, the rest in a second request). Returns the mock and the run for the
/// test's own assertions.
fn recovers(
    sandbox: &Sandbox,
    faults: &[&str],
    args: &[&str],
    requests: usize,
) -> (BackgroundMock, Run) {
    let mock = mock(faults);
    let out = sandbox.translate(&mock, &reference(), args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mock.chat_requests(), requests);
    (mock, out)
}

/// A config whose `fast` profile does not retry and waits at most one second.
fn fast_profile(sandbox: &Sandbox, base_url: &str) -> std::path::PathBuf {
    sandbox.write(
        "fast.toml",
        format!("[providers.fast]\nkind = \"openai\"\nbase_url = \"{base_url}\"\nmodel = \"m\"\ntimeout = 1\nmax_retries = 0\n"),
    )
}

#[test]
fn retries_once_after_429_with_retry_after() {
    let (_, out) = recovers(&Sandbox::new(), &["429:1"], &[], 3);
    assert!(out.stdout.contains("NATO membership for Kyiv"));
}

#[test]
fn persistent_429_exits_5_after_four_attempts() {
    let sandbox = Sandbox::new();
    let mock = mock(&["429"]);
    let out = sandbox.translate(&mock, &reference(), &[]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("gave up after 4 attempt(s): last answer HTTP 429 Too Many Requests"),
        "{}",
        out.stderr
    );
    // 4 attempts for a request before it gives up (and the other chunk's stop there).
    assert!(
        (4..=8).contains(&mock.chat_requests()),
        "{}",
        mock.chat_requests()
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_500_is_retried_and_persistent_500s_exit_5() {
    let sandbox = Sandbox::new();
    recovers(&sandbox, &["500:2"], &[], 4);

    let broken = mock(&["500"]);
    let config = fast_profile(&sandbox, &broken.base_url());
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "fast", "--config"])
        .arg(&config)
        .arg(reference());
    let out = crate::common::run(&mut cmd);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("gave up after 1 attempt(s): last answer HTTP 500 Internal Server Error"),
        "{}",
        out.stderr
    );
    // One attempt for each chunk (the opening paragraph, the rest) at most.
    assert!((1..=2).contains(&broken.chat_requests()));
}

#[test]
fn a_slow_server_past_the_timeout_exits_5() {
    let sandbox = Sandbox::new();
    let slow = mock_with(&[], 3_000);
    let config = fast_profile(&sandbox, &slow.base_url());
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "fast", "--config"])
        .arg(&config)
        .arg(reference());
    let out = crate::common::run(&mut cmd);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("sent nothing for 1 s"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("raise `timeout` (seconds per request)"),
        "hint missing: {}",
        out.stderr
    );
}

#[test]
fn json_in_a_fence_after_prose_is_accepted_without_repair() {
    let (_, out) = recovers(&Sandbox::new(), &["fenced"], &[], 2);
    assert!(out.stdout.contains("NATO membership for Kyiv"));
}

#[test]
fn a_reply_that_is_not_json_is_repaired_once() {
    let (mock, _) = recovers(&Sandbox::new(), &["not-json:1"], &[], 3);
    // The repair request carries the bad reply: four messages.
    let turns: Vec<usize> = mock
        .requests()
        .iter()
        .filter_map(|r| r.body["messages"].as_array().map(Vec::len))
        .collect();
    assert_eq!(
        turns.iter().filter(|n| **n == 4).count(),
        1,
        "the repair request carries the bad reply: {turns:?}"
    );
}

#[test]
fn a_missing_paragraph_is_repaired_and_output_stays_aligned() {
    let (_, out) = recovers(&Sandbox::new(), &["missing:1"], &["--format", "json"], 2);
    let doc = crate::common::json(&out.stdout);
    assert_eq!(
        doc["paragraphs"][7]["target"]
            .as_str()
            .map(|t| t.starts_with("The exact content")),
        Some(true)
    );
}

#[test]
fn a_contract_that_stays_broken_exits_4_naming_the_paragraphs() {
    let sandbox = Sandbox::new();
    let mock = mock(&["missing"]);
    let out = sandbox.translate(&mock, &reference(), &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("broke the paragraph contract for ¶"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("is missing"), "{}", out.stderr);
    assert_eq!(out.stdout, "", "nothing misaligned may be printed");
    // first request + repair, then halves down to single paragraphs, each asked and repaired
    assert!(mock.chat_requests() > 2, "{}", mock.chat_requests());
}

#[test]
fn prose_forever_exits_4() {
    let sandbox = Sandbox::new();
    let mock = mock(&["not-json"]);
    let out = sandbox.translate(&mock, &fixture("de-kurz.txt"), &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("¶1") && out.stderr.contains("not the requested JSON"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.chat_requests(), 2);
}

#[test]
fn a_truncated_body_is_asked_again_then_exits_4() {
    let sandbox = Sandbox::new();
    recovers(&sandbox, &["truncated:1"], &[], 3);

    let always = mock(&["truncated"]);
    let out = sandbox.translate(&always, &reference(), &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("malformed body"), "{}", out.stderr);
    // Each request asked once more, for each chunk that got that far.
    assert!(
        (2..=4).contains(&always.chat_requests()),
        "{}",
        always.chat_requests()
    );
}

#[test]
fn escape_sequences_in_a_reply_never_reach_the_terminal() {
    let sandbox = Sandbox::new();
    let mock = mock(&["escape"]);
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "mock",
        "--base-url",
        &mock.base_url(),
        "--color",
        "always",
    ])
    .arg(reference());
    let out = crate::common::run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains('␛'),
        "the escape should be shown as a visible stand-in"
    );
    assert!(!out.stdout.contains('\u{7}'), "BEL reached stdout");
    assert!(
        !out.stdout.contains("\u{1b}[31m"),
        "the reply's colour sequence reached stdout"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_and_prints_nothing() {
    let slow = mock_with(&[], 4_000);
    let sandbox = Sandbox::new();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("diglot"))
        .args([
            "translate",
            "--provider",
            "mock",
            "--base-url",
            &slow.base_url(),
        ])
        .arg(reference())
        .env_clear()
        .env("HOME", sandbox.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("diglot starts");
    // the mock logs a request only once answered, so give diglot time to send it (start-up and
    // detection take well under a second), then interrupt while it waits for the answer
    std::thread::sleep(std::time::Duration::from_millis(1_000));
    crate::common::interrupt(&child);
    let output = child.wait_with_output().expect("diglot ends");
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "diglot: error: interrupted\n"
    );
}
