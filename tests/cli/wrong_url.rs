//! A wrong base URL: each usual mistake gets its own fix in the hint (issue 14).

use std::io::{Read, Write};

use crate::common::{Sandbox, fixture, mock, run};

fn translate(sandbox: &Sandbox, base_url: &str) -> crate::common::Run {
    run(sandbox
        .cmd()
        .args(["translate", "--provider", "openai", "--base-url", base_url])
        .env("OPENAI_API_KEY", "sk-test-0000")
        .arg(fixture("de-kurz.txt")))
}

#[test]
fn a_base_url_without_v1_is_told_to_add_it() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = translate(&sandbox, &mock.root_url());
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "diglot: hint: the base URL probably lacks /v1 (OpenAI-compatible servers answer at \
             /v1/chat/completions): try --base-url {}/v1\n",
            mock.root_url()
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_port_on_this_machine_is_not_retried_and_says_nothing_listens() {
    let sandbox = Sandbox::new();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let out = translate(&sandbox, &format!("http://127.0.0.1:{port}/v1"));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("gave up after 1 attempt(s)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "diglot: hint: nothing listens at 127.0.0.1:{port}: start"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_web_page_at_the_url_is_named_as_such() {
    let sandbox = Sandbox::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    // A web UI on the port: every request gets its HTML page.
    let server = std::thread::spawn(move || {
        for stream in listener.incoming().take(1) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 8192];
            let _ = stream.read(&mut buffer);
            let page = "<!DOCTYPE html>\n<html><head><title>Open WebUI</title></head></html>\n";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    let out = translate(&sandbox, &format!("http://{addr}/v1"));
    server.join().expect("server thread");
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!(
            "diglot: error: openai answered with a web page, not the API (HTTP 200 from \
             http://{addr}/v1/chat/completions)\ndiglot: hint: the base URL points at a website"
        )),
        "{}",
        out.stderr
    );
}
