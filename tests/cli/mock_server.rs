//! The shipped `diglot mock-server` as a subprocess: its first line names the address.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{MockProcess, Sandbox, fixture, get_body, json, run};

#[test]
fn mock_server_subprocess_announces_its_port_and_serves_a_translation() {
    let server = MockProcess::start(&[]);
    let address = server.address.clone();
    assert!(
        address.starts_with("http://127.0.0.1:") && !address.ends_with(":0"),
        "{address}"
    );

    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .args([
            "translate",
            "--provider",
            "mock",
            "--format",
            "json",
            "--base-url",
            &format!("{address}/v1"),
        ])
        .arg(fixture("de-rutte-nato.txt")));
    drop(server);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        json(&out.stdout)["paragraphs"][0]["target"]
            .as_str()
            .map(|t| t.starts_with("NATO membership")),
        Some(true)
    );
}

#[test]
fn an_unknown_fault_is_a_usage_error() {
    let out = run(
        assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("diglot")).args([
            "mock-server",
            "--fault",
            "teapot",
        ]),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("valid faults: 429, 500"),
        "{}",
        out.stderr
    );
}

#[test]
fn mock_server_generates_at_a_rate_and_lists_its_requests() {
    let server = MockProcess::start(&["--latency-ms", "50", "--chars-per-sec", "20000"]);
    let address = server.address.clone();

    let sandbox = Sandbox::new();
    let started = std::time::Instant::now();
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock", "--format", "json"])
        .args(["--base-url", &format!("{address}/v1")])
        .arg(fixture("de-rutte-nato.txt")));
    let elapsed = started.elapsed();
    let log = get_body(&address, "/__mock/requests");
    drop(server);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let log = json(&log);
    assert_eq!(log["count"], 1, "{log}");
    let generated = log["requests"][0]["generated_chars"]
        .as_u64()
        .expect("generated_chars");
    // The reply is about as long as the article (~3,000 characters): latency + chars / rate is
    // a lower bound on the run's time.
    assert!(generated > 2000, "{generated}");
    let floor = std::time::Duration::from_millis(50 + generated * 1000 / 20000);
    assert!(elapsed >= floor, "{elapsed:?} < {floor:?}");
    assert!(log["requests"][0]["body"]["messages"].is_array());
}

#[test]
fn mock_server_prints_each_protocol_s_base_url_and_logs_every_request() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("diglot"))
        .args(["mock-server", "--addr", "127.0.0.1:0"])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mock-server starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = Vec::new();
    for _ in 0..5 {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("banner line");
        banner.push(line.trim_end().to_owned());
    }
    let root = banner[0]
        .strip_prefix("listening on ")
        .expect("the first line is unchanged")
        .to_owned();
    assert_eq!(
        &banner[1..],
        [
            format!("  openai          --base-url {root}/v1"),
            format!("  anthropic       --base-url {root}"),
            format!("  deepl           --base-url {root}"),
            format!("  libretranslate  --base-url {root}"),
        ]
    );
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock", "--base-url"])
        .arg(format!("{root}/v1"))
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let wrong = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock", "--base-url", &root])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(wrong.code, 4, "{}", wrong.stderr);
    child.kill().expect("stop the server");
    let output = child.wait_with_output().expect("stopped");
    let log = String::from_utf8(output.stderr).expect("UTF-8");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    for (line, expected) in lines.iter().zip([
        "diglot mock-server: POST /v1/chat/completions 200 ",
        "diglot mock-server: POST /chat/completions 404 ",
    ]) {
        assert!(line.starts_with(expected) && line.ends_with(" ms"), "{log}");
    }
}
