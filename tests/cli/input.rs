//! Bad input ends in exit 3 with one clear line; stdin works like a file.

use crate::common::{Sandbox, fixture, mock, run};

fn assert_input_error(sandbox: &Sandbox, bytes: &[u8], expected: &str) {
    let mock = mock(&[]);
    let file = sandbox.write("article.txt", bytes);
    let out = sandbox.translate(&mock, &file, &[]);
    assert_eq!(out.code, 3, "{bytes:?}: {}", out.stderr);
    assert!(out.stderr.starts_with("diglot: error: "), "{}", out.stderr);
    assert!(
        out.stderr.contains(expected),
        "{expected:?} not in {}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    assert_eq!(mock.chat_requests(), 0, "nothing may be sent for bad input");
}

#[test]
fn empty_input_exits_3() {
    assert_input_error(&Sandbox::new(), b"", "empty");
}

#[test]
fn whitespace_only_input_exits_3() {
    assert_input_error(&Sandbox::new(), b" \n\t\r\n \xc2\xa0\n", "empty");
}

#[test]
fn binary_input_exits_3() {
    assert_input_error(
        &Sandbox::new(),
        b"PK\x03\x04\x00\x00binary",
        "binary (NUL byte at offset 4)",
    );
}

#[test]
fn invalid_utf8_exits_3() {
    assert_input_error(
        &Sandbox::new(),
        b"Gr\xfc\xdfe aus Berlin",
        "not valid UTF-8 (invalid byte at offset 2)",
    );
}

#[test]
fn undecidable_language_exits_3_and_suggests_from() {
    let sandbox = Sandbox::new();
    assert_input_error(
        &sandbox,
        b"12345 67890 ... 2024-03-14 !!!",
        "cannot tell which language",
    );
    let mock = mock(&[]);
    let file = sandbox.write("numbers.txt", "12345 67890 ... 2024-03-14 !!!");
    let out = sandbox.translate(&mock, &file, &[]);
    assert!(out.stderr.contains("--from"), "{}", out.stderr);
}

#[test]
fn a_missing_file_exits_3_naming_it() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &sandbox.dir.path().join("nope.txt"), &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot read") && out.stderr.contains("nope.txt"),
        "{}",
        out.stderr
    );
}

#[test]
fn stdin_is_read_with_a_dash_or_no_file() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = std::fs::read(fixture("de-kurz.txt")).expect("fixture");
    for file_arg in [&["-"][..], &[][..]] {
        let mut cmd = sandbox.cmd();
        cmd.args([
            "translate",
            "--provider",
            "mock",
            "--base-url",
            &mock.base_url(),
            "--format",
            "json",
        ])
        .args(file_arg)
        .write_stdin(article.clone());
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("\"language\": \"de\""),
            "{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains("Ctrl-D"),
            "the paste hint is for terminals only"
        );
    }
}

#[test]
fn crlf_and_soft_hyphens_are_normalized() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let file = sandbox.write(
        "crlf.txt",
        "Die Bundes\u{ad}regierung hat am Mittwoch einen neuen Haushalt beschlossen.\r\nDer Finanzminister sprach von einem wichtigen Schritt für das ganze Land.\r\n",
    );
    let out = sandbox.translate(&mock, &file, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = crate::common::json(&out.stdout);
    assert_eq!(doc["paragraphs"].as_array().map(Vec::len), Some(2));
    assert!(
        doc["paragraphs"][0]["source"]
            .as_str()
            .is_some_and(|s| s.contains("Bundesregierung"))
    );
}
