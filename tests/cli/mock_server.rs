//! The shipped `diglot mock-server` as a subprocess: its first line names the address.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{Sandbox, fixture, json, run};

#[test]
fn mock_server_subprocess_announces_its_port_and_serves_a_translation() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("diglot"))
        .args(["mock-server", "--addr", "127.0.0.1:0"])
        .env_clear()
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock-server starts");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first line");
    let address = first
        .trim()
        .strip_prefix("listening on ")
        .expect("announces")
        .to_owned();
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
    child.kill().expect("stop the server");
    let _ = child.wait();
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
