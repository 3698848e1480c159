//! The vendors' own Python SDKs (openai, anthropic, deepl; versions pinned in
//! `tests/sdk/requirements.txt`) against the mock API over HTTP: what an ordinary user of each
//! SDK sends must get what the real API would answer, marked as the mock's. The SDKs live in
//! the virtualenv `tests/sdk/.venv`, which `tests/sdk/setup` creates (`.ci/run` runs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{fixture, mock};

/// The virtualenv's Python, or a failure that says how to create it.
fn sdk_python() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("tests/sdk/.venv/bin/python");
    assert!(
        python.is_file(),
        "the SDK tests need the Python virtualenv tests/sdk/.venv with the vendors' SDKs; \
         create it with `tests/sdk/setup` (needs python3 with venv, and PyPI), as .ci/run does"
    );
    python
}

/// What the mock answers a plain prompt with.
const PROMPT: &str = "Translate into English: Guten Morgen.";

/// The mock's answer to [`PROMPT`] and its token counts as the mock estimates them (a quarter
/// of the characters, rounded up).
fn plain_answer() -> (String, u64, u64) {
    let answer = format!("[mock translation] {PROMPT}");
    let tokens = |text: &str| text.chars().count().div_ceil(4) as u64;
    (answer.clone(), tokens(PROMPT), tokens(&answer))
}

/// Runs `tests/sdk/clients.py` against a fresh mock: the SDKs' answers, and the mock's log.
fn sdk_answers(paragraph: &str) -> (Value, Vec<diglot::mock::LoggedRequest>) {
    let python = sdk_python();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/clients.py");
    let server = mock(&[]);
    let output = Command::new(python)
        .arg(script)
        .arg(server.root_url())
        .arg(paragraph)
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the SDK script runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "clients.py failed: {stderr}");
    let answers = serde_json::from_slice(&output.stdout).expect("clients.py prints JSON");
    (answers, server.requests())
}

#[test]
fn vendor_sdks_get_what_the_real_apis_answer() {
    let article = std::fs::read_to_string(fixture("de-rutte-nato.txt")).expect("fixture");
    let paragraph = article.lines().next().expect("a first paragraph");
    let (answers, log) = sdk_answers(paragraph);
    assert_eq!(
        answers["versions"],
        json!({"openai": "3.57.0", "anthropic": "2.16.0", "deepl": "1.32.0"})
    );
    check_openai(&answers);
    check_anthropic(&answers);
    check_deepl(&answers, paragraph);
    check_batches(&answers);
    // Every call reached the mock and none was refused, except the one DeepL refuses too.
    let refused: Vec<(&str, u16)> = log
        .iter()
        .filter(|r| r.status != 200)
        .map(|r| (r.path.as_str(), r.status))
        .collect();
    assert_eq!(refused, [("/v2/translate", 400)]);
    let streamed = log.iter().filter(|r| r.body["stream"] == true).count();
    assert_eq!(streamed, 4, "two streamed chats and two streamed messages");
}

fn check_openai(answers: &Value) {
    let (answer, prompt_tokens, completion_tokens) = plain_answer();
    let usage = json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                       "total_tokens": prompt_tokens + completion_tokens});
    assert_eq!(
        answers["openai_plain"],
        json!({"content": answer, "finish_reason": "stop", "usage": usage})
    );
    // Streamed: the same text in several chunks, and the usage chunk only when asked for.
    let streamed = &answers["openai_stream_usage"];
    assert_eq!(streamed["content"], answer, "{streamed}");
    assert_eq!(streamed["finish_reason"], "stop");
    assert_eq!(streamed["usage"], usage);
    assert!(streamed["chunks"].as_u64() > Some(3), "{streamed}");
    let unasked = &answers["openai_stream"];
    assert_eq!(unasked["content"], answer, "{unasked}");
    assert_eq!(unasked["usage"], Value::Null);
    assert_eq!(
        unasked["chunks"].as_u64(),
        streamed["chunks"].as_u64().map(|n| n - 1)
    );
    assert_eq!(answers["openai_models"], json!(["diglot-mock"]));
}

fn check_anthropic(answers: &Value) {
    let (answer, input_tokens, output_tokens) = plain_answer();
    let expected = json!({"text": answer, "stop_reason": "end_turn",
                          "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens}});
    assert_eq!(answers["anthropic_plain"], expected);
    assert_eq!(answers["anthropic_stream"], expected);
    let events: Vec<&str> = answers["anthropic_events"]
        .as_array()
        .expect("event types")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(events.first(), Some(&"message_start"), "{events:?}");
    assert_eq!(events.last(), Some(&"message_stop"), "{events:?}");
    assert!(
        events
            .iter()
            .filter(|e| **e == "content_block_delta")
            .count()
            > 3
    );
}

fn check_deepl(answers: &Value, paragraph: &str) {
    // The first paragraph of the reference article is in the built-in cassette.
    let recorded = "NATO membership for Kyiv is not up for debate";
    let billed = paragraph.chars().count() as u64;
    let target_only = &answers["deepl_target_only"];
    assert!(
        target_only["text"]
            .as_str()
            .is_some_and(|t| t.starts_with(recorded)),
        "{target_only}"
    );
    assert_eq!(target_only["detected_source_lang"], "DE");
    assert_eq!(target_only["billed_characters"], billed);
    let list = &answers["deepl_lower_case_list"];
    assert_eq!(list[0], *target_only);
    let second = diglot::mock::pseudo_translation("de", "en", "Zweiter Absatz.");
    assert_eq!(list[1]["text"].as_str(), second.as_deref(), "{list}");
    let portuguese = diglot::mock::pseudo_translation("de", "pt", paragraph);
    assert_eq!(
        answers["deepl_pt_br"]["text"].as_str(),
        portuguese.as_deref()
    );
    let refused = &answers["deepl_source_variant"];
    assert_eq!(refused["error"], "DeepLException", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("Value for 'source_lang' not supported")),
        "{refused}"
    );
    // Usage counts the source characters of the three translations before it: the paragraph
    // three times and "Zweiter Absatz." once (the refused request is not billed).
    let translated = 3 * billed + "Zweiter Absatz.".chars().count() as u64;
    assert_eq!(
        answers["deepl_usage"],
        json!({"count": translated, "limit": 500_000})
    );
    let sources = answers["deepl_sources"].as_array().expect("sources");
    assert!(sources.contains(&json!("DE")) && sources.contains(&json!("EN")));
    let targets = &answers["deepl_targets"];
    assert_eq!(targets["EN-US"], false);
    assert_eq!(targets["DE"], true);
    assert_eq!(targets["EN"], Value::Null, "EN is not listed as a target");
    let form = &answers["deepl_form"];
    assert_eq!(form["status"], 200, "{form}");
    let third = diglot::mock::pseudo_translation("de", "en", "Dritter Absatz.");
    assert_eq!(form["json"]["translations"][0]["text"], target_only["text"]);
    assert_eq!(
        form["json"]["translations"][1]["text"].as_str(),
        third.as_deref()
    );
}

/// The batch engines through the SDKs: a batch of one request, answered as the synchronous
/// endpoint answers it.
fn check_batches(answers: &Value) {
    let (answer, _, _) = plain_answer();
    let openai = &answers["openai_batch"];
    assert_eq!(
        openai["file"],
        json!({"purpose": "batch", "filename": "requests.jsonl"}),
        "{openai}"
    );
    assert_eq!(openai["created"], "in_progress");
    assert_eq!(openai["status"], "completed");
    assert_eq!(
        openai["counts"],
        json!({"total": 1, "completed": 1, "failed": 0})
    );
    assert_eq!(openai["metadata"], json!({"from": "sdk"}));
    assert_eq!(openai["listed"], true);
    let line = &openai["lines"][0];
    assert_eq!(line["custom_id"], "sdk-1");
    assert_eq!(line["response"]["status_code"], 200);
    assert_eq!(
        line["response"]["body"]["choices"][0]["message"]["content"],
        answer
    );
    let anthropic = &answers["anthropic_batch"];
    assert_eq!(anthropic["created"], "in_progress", "{anthropic}");
    assert_eq!(anthropic["status"], "ended");
    assert_eq!(anthropic["counts"]["succeeded"], 1);
    assert_eq!(
        anthropic["results"],
        json!([["sdk-1", "succeeded", answer]])
    );
}
