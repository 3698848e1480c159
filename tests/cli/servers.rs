//! The servers and models people actually run (issue #12): diglot with default settings
//! against the mock emulating each real server's quirk (`--emulate`), over HTTP. Each quirk is
//! met by a general mechanism — a refused parameter steps the request's shape down, thinking is
//! stripped or switched off, a looping stream is cut, a server that cannot stream is read
//! whole — and the reference article comes out as it does against a well-behaved server.

use std::path::PathBuf;

use crate::common::{BackgroundMock, Run, Sandbox, fixture, json, run};
use diglot::mock::{Emulation, MockOptions};

/// A mock behaving as `emulate` says, generating `chars_per_sec` characters a second.
fn emulating(emulate: &[&str], chars_per_sec: u32) -> BackgroundMock {
    BackgroundMock::spawn(MockOptions {
        emulate: emulate
            .iter()
            .map(|e| e.parse::<Emulation>().expect("an emulation"))
            .collect(),
        chars_per_sec,
        ..MockOptions::default()
    })
    .expect("mock starts")
}

/// A profile `p` of kind `openai` for `base_url`, with `extra` lines.
fn profile(sandbox: &Sandbox, base_url: &str, extra: &str) -> PathBuf {
    sandbox.write(
        "servers.toml",
        format!(
            "[providers.p]\nkind = \"openai\"\nbase_url = \"{base_url}\"\nmodel = \"m\"\n{extra}"
        ),
    )
}

/// `diglot translate --provider p --config CONFIG ARTICLE --format json` with `cmd`.
fn translate(mut cmd: assert_cmd::Command, config: &PathBuf, article: &PathBuf) -> Run {
    cmd.args([
        "translate",
        "--provider",
        "p",
        "--format",
        "json",
        "--config",
    ])
    .arg(config)
    .arg(article);
    run(&mut cmd)
}

/// The translated paragraphs of a JSON result.
fn targets(stdout: &str) -> Vec<String> {
    json(stdout)["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| p["target"].as_str().expect("target").to_owned())
        .collect()
}

/// The reference article's translation against a mock with no quirks.
fn well_behaved() -> Vec<String> {
    let sandbox = Sandbox::new();
    let mock = emulating(&[], 0);
    let config = profile(&sandbox, &mock.base_url(), "");
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    targets(&out.stdout)
}

#[test]
fn default_settings_translate_the_reference_article_against_every_emulation() {
    let expected = well_behaved();
    assert_eq!(expected.len(), 8);
    for emulation in Emulation::ALL {
        let sandbox = Sandbox::new();
        let mock = emulating(&[emulation.name()], 0);
        let config = profile(&sandbox, &mock.base_url(), "");
        let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
        assert_eq!(out.code, 0, "{emulation}: {}", out.stderr);
        assert_eq!(targets(&out.stdout), expected, "{emulation}");
        let doc = json(&out.stdout);
        assert_eq!(doc["checks"], serde_json::json!([]), "{emulation}");
        assert!(
            targets(&out.stdout).iter().all(|t| !t.contains("<think>")),
            "{emulation}"
        );
    }
}

/// The `response_format` type of every chat request the mock saw.
fn formats(mock: &BackgroundMock) -> Vec<String> {
    mock.requests()
        .iter()
        .filter(|r| r.is_chat())
        .map(|r| {
            r.body
                .pointer("/response_format/type")
                .and_then(|t| t.as_str())
                .unwrap_or("none")
                .to_owned()
        })
        .collect()
}

/// `diglot brief --provider p --config CONFIG ARTICLE --format json` with `cmd`.
fn brief(mut cmd: assert_cmd::Command, config: &PathBuf, article: &PathBuf) -> Run {
    cmd.args(["brief", "--provider", "p", "--format", "json", "--config"])
        .arg(config)
        .arg(article);
    run(&mut cmd)
}

#[test]
fn translations_go_out_numbered_and_switch_to_json_when_the_model_breaks_that() {
    let sandbox = Sandbox::new();
    let mock = crate::common::mock(&["missing:1"]);
    let config = profile(&sandbox, &mock.base_url(), "");
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(targets(&out.stdout), well_behaved());
    // The numbered request had no response_format; its repair asks for the strongest JSON.
    assert_eq!(formats(&mock), ["none", "json_schema"]);
    let first = mock
        .requests()
        .into_iter()
        .find(|r| r.is_chat())
        .expect("a request");
    let user = first.body["messages"][1]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        user.starts_with("German (de) → English (en)\n\n[1] "),
        "{user}"
    );
}

#[test]
fn a_500_validation_error_steps_down_at_once_and_the_next_run_starts_there() {
    let sandbox = Sandbox::new();
    let mock = emulating(&["llama-cpp-python"], 0);
    let config = profile(&sandbox, &mock.base_url(), "");
    let out = brief(sandbox.cached_cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The 500 is no transport failure: no retry, the next request goes in the next shape
    // (and the brief's translation, numbered, in none).
    assert_eq!(formats(&mock), ["json_schema", "json_object", "none"]);
    let usage = &json(&out.stdout)["usage"];
    assert_eq!(
        (usage["refusals"].as_u64(), usage["retries"].as_u64()),
        (Some(1), Some(0))
    );
    // What the endpoint took is remembered in the cache directory: the next run (another
    // article, so the cache of results does not answer it) starts at json_object.
    let out = brief(
        sandbox.cached_cmd(),
        &config,
        &fixture("en-city-budget.txt"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(formats(&mock)[3..], ["json_object", "none"]);
    assert_eq!(json(&out.stdout)["usage"]["refusals"], 0);
}

#[test]
fn groq_and_deepseek_refusals_step_down_to_json_object() {
    for emulation in ["groq", "deepseek"] {
        let sandbox = Sandbox::new();
        let mock = emulating(&[emulation], 0);
        let config = profile(&sandbox, &mock.base_url(), "");
        let out = brief(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
        assert_eq!(out.code, 0, "{emulation}: {}", out.stderr);
        let seen = formats(&mock);
        assert_eq!(
            seen[..2],
            ["json_schema", "json_object"],
            "{emulation}: {seen:?}"
        );
    }
}

#[test]
fn openai_reasoning_models_get_max_completion_tokens_and_no_unknown_parameter() {
    let sandbox = Sandbox::new();
    let mock = emulating(&["openai-reasoning"], 0);
    let config = profile(&sandbox, &mock.base_url(), "");
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let chats: Vec<serde_json::Value> = mock
        .requests()
        .into_iter()
        .filter(|r| r.is_chat())
        .map(|r| r.body)
        .collect();
    let last = chats.last().expect("requests");
    assert!(last.get("max_tokens").is_none(), "{last}");
    assert!(last["max_completion_tokens"].as_u64() > Some(0), "{last}");
    assert!(last.get("chat_template_kwargs").is_none(), "{last}");
    assert_eq!(json(&out.stdout)["usage"]["refusals"], 2);
}

#[test]
fn a_forced_response_format_that_is_refused_exits_4_naming_the_setting() {
    let sandbox = Sandbox::new();
    let mock = emulating(&["lm-studio"], 0);
    let config = profile(
        &sandbox,
        &mock.base_url(),
        "response_format = \"json_object\"\n",
    );
    let out = translate(sandbox.cmd(), &config, &fixture("de-kurz.txt"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    let mut lines = out.stderr.lines();
    let error = lines.next().unwrap_or_default();
    assert!(
        error.starts_with("diglot: error: p refused the request's `response_format`: HTTP 400")
            && error.contains("must be 'json_schema' or 'text'"),
        "{error}"
    );
    assert!(
        !error.contains("reach"),
        "never reported as unreachable: {error}"
    );
    let hint = lines.next().unwrap_or_default();
    assert!(hint.contains("response_format = \"auto\""), "{hint}");
    assert_eq!(mock.chat_requests(), 1, "a refusal is not retried");
    assert_eq!(out.stdout, "");
}

#[test]
fn a_looping_model_is_cut_off_and_its_chunk_halved() {
    let sandbox = Sandbox::new();
    let mock = emulating(&["loop"], 0);
    let config = profile(&sandbox, &mock.base_url(), "");
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    // Uncut, the loop would run to 64K tokens, past what the request may take (exit 4).
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(targets(&out.stdout), well_behaved());
    let ids = crate::common::requested_ids(&mock);
    assert_eq!(ids.len(), 3, "the article, then its halves: {ids:?}");
    assert_eq!(ids[1].len() + ids[2].len(), ids[0].len());
}

#[test]
fn thinking_is_off_by_default_and_a_thinking_model_s_blocks_never_reach_a_translation() {
    // Left thinking, the model spends its budget on reasoning and answers nothing.
    let sandbox = Sandbox::new();
    let mock = emulating(&["reasoning-length"], 0);
    let config = profile(&sandbox, &mock.base_url(), "thinking = \"on\"\n");
    let out = translate(sandbox.cmd(), &config, &fixture("de-kurz.txt"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("output limit"), "{}", out.stderr);
    // Off (the default), the same model answers.
    let config = profile(&sandbox, &mock.base_url(), "");
    let out = translate(sandbox.cmd(), &config, &fixture("de-kurz.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A model that thinks whatever it is told: its blocks are stripped.
    let thinking = emulating(&["think"], 0);
    let config = profile(&sandbox, &thinking.base_url(), "thinking = \"on\"\n");
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(targets(&out.stdout), well_behaved());
}

#[test]
fn slow_steady_generation_is_no_stall() {
    // The answer takes about 3 s at 1,000 characters a second, three times the stall timeout
    // (1 s), but a piece arrives every few milliseconds.
    let sandbox = Sandbox::new();
    let mock = emulating(&[], 1000);
    let config = profile(&sandbox, &mock.base_url(), "timeout = 1\nmax_retries = 0\n");
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let generated: usize = mock.requests().iter().map(|r| r.generated_chars).sum();
    assert!(generated > 2000, "{generated}");
    // The same answer from a server that cannot stream comes whole at the end: a stall.
    let whole = emulating(&["no-stream"], 1000);
    let config = profile(
        &sandbox,
        &whole.base_url(),
        "timeout = 1\nmax_retries = 0\n",
    );
    let out = translate(sandbox.cmd(), &config, &fixture("de-rutte-nato.txt"));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("sent nothing for 1 s"),
        "{}",
        out.stderr
    );
}
