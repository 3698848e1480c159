//! Recording a provider's answers and replaying them in CI (`diglot mock-server --record DIR
//! --upstream URL`, then `--cassettes DIR`): a second mock plays the real provider, every wire
//! format goes through the recorder with a canary key, no key reaches the cassettes, and with
//! the upstream gone the replay gives diglot the same answers, a broken one included.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use diglot::mock::{Fault, LoggedRequest, MockOptions, Replay};
use serde_json::{Value, json};

use crate::common::{BackgroundMock, MockProcess, Run, Sandbox, get_body, json, run};

/// A short German article written for this test, and its English translation.
const ARTICLE: [(&str, &str); 3] = [
    (
        "Der Stadtrat von Kellbach hat am Dienstag einen neuen Radweg entlang der Mühlstraße \
         beschlossen. Die Bauarbeiten sollen im April beginnen und rund 14 Wochen dauern.",
        "On Tuesday, the Kellbach city council approved a new cycle path along Mühlstraße. \
         Construction is due to begin in April and to last around 14 weeks.",
    ),
    (
        "Die Kosten von 2,3 Millionen Euro trägt zur Hälfte das Land. Bürgermeisterin Anna \
         Reiter sprach von einem „wichtigen Schritt für die Sicherheit der Schulkinder“.",
        "The state will cover half of the costs of 2.3 million euros. Mayor Anna Reiter spoke \
         of “an important step for the safety of schoolchildren”.",
    ),
    (
        "Anwohner können ihre Fragen bei einer Versammlung am 12. März im Rathaus stellen.",
        "Residents can ask their questions at a meeting in the town hall on March 12.",
    ),
];

/// Each wire format, the variable its key is read from, and a canary key for it.
const KINDS: [(&str, &str, &str); 4] = [
    ("openai", "OPENAI_API_KEY", "canary-openai-7f3a9c"),
    ("anthropic", "ANTHROPIC_API_KEY", "canary-anthropic-51be0d"),
    ("deepl", "DEEPL_AUTH_KEY", "canary-deepl-c2e8:fx"),
    (
        "libretranslate",
        "LIBRETRANSLATE_API_KEY",
        "canary-libre-90d4aa",
    ),
];

/// Writes the article into the sandbox.
fn article(sandbox: &Sandbox) -> PathBuf {
    let text: Vec<&str> = ARTICLE.iter().map(|(de, _)| *de).collect();
    sandbox.write("kellbach.txt", text.join("\n") + "\n")
}

/// The "real provider": a mock that knows the article's translation (a hand-written cassette
/// in a directory of its own) and breaks its first answer (a paragraph left out).
fn upstream(sandbox: &Sandbox) -> BackgroundMock {
    let paragraphs: Vec<Value> = ARTICLE
        .iter()
        .map(|(source, target)| json!({"source": source, "target": target}))
        .collect();
    let cassette = json!({"source_language": "de", "target_language": "en",
                          "note": "the provider's translation", "paragraphs": paragraphs});
    let dir = sandbox.dir.path().join("provider");
    sandbox.write("provider/kellbach.json", cassette.to_string());
    BackgroundMock::spawn(MockOptions {
        faults: vec!["missing:1".parse::<Fault>().expect("fault")],
        replay: Some(Arc::new(
            Replay::load(&dir).expect("the provider's cassette"),
        )),
        ..MockOptions::default()
    })
    .expect("upstream starts")
}

/// `diglot translate --provider KIND --base-url … --format json FILE` with the key in `var`.
fn translate(sandbox: &Sandbox, root: &str, kind: &str, key: (&str, &str), file: &Path) -> Run {
    let base = if kind == "openai" {
        format!("{root}/v1")
    } else {
        root.to_owned()
    };
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", kind, "--base-url", &base])
        .args(["--format", "json"])
        .arg(file)
        .env(key.0, key.1);
    run(&mut cmd)
}

/// The translated paragraphs of a `--format json` result, and how many requests it took.
fn outcome(out: &Run, kind: &str) -> (Value, Value) {
    assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
    let result = json(&out.stdout);
    (
        result["paragraphs"].clone(),
        result["usage"]["requests"].clone(),
    )
}

/// Every file in `dir` as text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the cassette directory")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let text = std::fs::read_to_string(&path).expect("a text file");
            (name.unwrap_or_default(), text)
        })
        .collect();
    files.sort();
    files
}

/// Translates the article with each of `kinds` through a recorder in front of the provider:
/// the cassette directory, each run's outcome, and what the provider was sent.
fn record(sandbox: &Sandbox, file: &Path, kinds: &[(&str, &str, &str)]) -> Recorded {
    let dir = sandbox.dir.path().join("cassettes");
    let provider = upstream(sandbox);
    let recorder = MockProcess::start(&[
        "--record",
        dir.to_str().expect("UTF-8 path"),
        "--upstream",
        &provider.root_url(),
    ]);
    let outcomes = kinds
        .iter()
        .map(|&(kind, var, key)| {
            let out = translate(sandbox, &recorder.address, kind, (var, key), file);
            outcome(&out, kind)
        })
        .collect();
    drop(recorder);
    Recorded {
        dir,
        outcomes,
        sent: provider.requests(),
    }
}

/// What [`record`] did.
struct Recorded {
    dir: PathBuf,
    outcomes: Vec<(Value, Value)>,
    sent: Vec<LoggedRequest>,
}

#[test]
fn records_every_wire_format_without_keys_and_replays_it_without_the_upstream() {
    let sandbox = Sandbox::new();
    let file = article(&sandbox);
    let Recorded {
        dir,
        outcomes: recorded,
        sent,
    } = record(&sandbox, &file, &KINDS);
    // The provider got every request, keys included, and broke the first answer: the OpenAI
    // run needed a repair, so it made one request more (LibreTranslate asks for the language
    // list first).
    let sent_keys = sent.iter().any(|r| r.body["api_key"] == KINDS[3].2);
    assert!(sent_keys, "the LibreTranslate key was passed on");
    let requests: Vec<&Value> = recorded.iter().map(|(_, requests)| requests).collect();
    assert_eq!(requests, [&json!(2), &json!(1), &json!(1), &json!(2)]);
    // The provider's translations came through, and were recorded without a key.
    for (kind, (paragraphs, _)) in KINDS.iter().map(|k| k.0).zip(&recorded) {
        let targets: Vec<&str> = paragraphs
            .as_array()
            .expect("paragraphs")
            .iter()
            .filter_map(|p| p["target"].as_str())
            .collect();
        let expected: Vec<&str> = ARTICLE.iter().map(|(_, en)| *en).collect();
        assert_eq!(targets, expected, "{kind}");
    }
    let cassettes = files(&dir);
    let names: Vec<&str> = cassettes.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "0001-openai.json",
            "0002-openai.json",
            "0003-anthropic.json",
            "0004-deepl.json",
            "0005-languages.json",
            "0006-libretranslate.json"
        ]
    );
    for (name, text) in &cassettes {
        for (_, _, key) in KINDS {
            assert!(!text.contains(key), "{name} holds the key {key}");
            assert!(!text.contains(key.trim_end_matches(":fx")), "{name}");
        }
        assert!(!text.to_lowercase().contains("authorization"), "{name}");
    }
    // The broken answer is kept as it was, and teaches the paragraph index nothing.
    let broken: Value = serde_json::from_str(&cassettes[0].1).expect("a cassette");
    assert_eq!(broken["paragraphs"], json!([]), "{broken}");
    assert_eq!(broken["exchange"]["response"]["status"], 200);
    // diglot streams its chat requests: the stream was passed on and recorded as sent.
    let response = &broken["exchange"]["response"];
    assert_eq!(response["content_type"], "text/event-stream", "{response}");
    let body = response["body"].as_str().unwrap_or_default();
    assert!(body.ends_with("data: [DONE]\n\n"), "{body}");
    let repaired: Value = serde_json::from_str(&cassettes[1].1).expect("a cassette");
    assert_eq!(repaired["paragraphs"].as_array().map(Vec::len), Some(3));

    // Replay, the upstream gone, with other keys: the same answers, the broken one too.
    let replay = MockProcess::start(&["--cassettes", dir.to_str().expect("UTF-8 path")]);
    for ((kind, var, _), expected) in KINDS.iter().zip(&recorded) {
        let out = translate(
            &sandbox,
            &replay.address,
            kind,
            (var, "another-key-1234"),
            &file,
        );
        assert_eq!(&outcome(&out, kind), expected, "{kind}");
    }
    let log = json(&get_body(&replay.address, "/__mock/requests"));
    assert_eq!(log["count"], 6, "{log}");
}

#[test]
fn a_replay_chunked_differently_still_gets_the_recorded_translations() {
    let sandbox = Sandbox::new();
    let file = article(&sandbox);
    let key = ("OPENAI_API_KEY", "canary-openai-7f3a9c");
    let Recorded { dir, outcomes, .. } = record(&sandbox, &file, &[("openai", key.0, key.1)]);
    // One paragraph a request: no recorded request matches, each paragraph does.
    let replay = MockProcess::start(&["--cassettes", dir.to_str().expect("UTF-8 path")]);
    let config = sandbox.write(
        "small.toml",
        format!(
            "[providers.small]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"m\"\n\
             max_chunk_chars = 200\n",
            replay.base_url()
        ),
    );
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "small",
        "--format",
        "json",
        "--config",
    ])
    .arg(&config)
    .arg(&file)
    .env(key.0, key.1);
    let out = run(&mut cmd);
    let (paragraphs, requests) = outcome(&out, "openai");
    assert_eq!(paragraphs, outcomes[0].0);
    assert_eq!(requests, 3, "one request a paragraph");
}

#[test]
fn a_directory_that_holds_no_cassettes_or_a_bad_one_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let empty = sandbox.dir.path().join("empty");
    std::fs::create_dir(&empty).expect("dir");
    let mock_server = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("diglot"));
        cmd.arg("mock-server").args(args).env_clear();
        run(&mut cmd)
    };
    let out = mock_server(&["--cassettes", empty.to_str().expect("UTF-8")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("holds no cassettes"), "{}", out.stderr);
    sandbox.write(
        "empty/bad.json",
        "{\"paragraphs\": [{\"source\": \"x\", \"target\": \"y\"}]}",
    );
    let out = mock_server(&["--cassettes", empty.to_str().expect("UTF-8")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("bad.json' records paragraphs but not their source_language"),
        "{}",
        out.stderr
    );
    let out = mock_server(&["--record", "somewhere"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--upstream"), "{}", out.stderr);
    let out = mock_server(&["--record", "somewhere", "--upstream", "ftp://example.org"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("not an http:// or https:// URL"),
        "{}",
        out.stderr
    );
    let file = sandbox.write("a-file", "x");
    let out = mock_server(&[
        "--record",
        file.join("sub").to_str().expect("UTF-8"),
        "--upstream",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot create the cassette directory"),
        "{}",
        out.stderr
    );
}

/// The cassettes recorded from llama.cpp's `llama-server` with Qwen2.5-Coder-1.5B-Instruct
/// (Q4_K_M) translating the reference article (see `fixtures/README.md`).
fn qwen_cassettes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded/llama-server-qwen-rutte")
}

/// The translations a recorded cassette lists, by paragraph text.
fn recorded_translation(cassette: &str, source: &str) -> String {
    let text = std::fs::read_to_string(qwen_cassettes().join(cassette)).expect("cassette");
    let cassette: Value = serde_json::from_str(&text).expect("JSON");
    let paragraphs = cassette["paragraphs"].as_array().expect("paragraphs");
    let found = paragraphs.iter().find(|p| p["source"] == source);
    let target = found.and_then(|p| p["target"].as_str());
    target.expect("the paragraph is recorded").to_owned()
}

#[test]
fn a_real_model_s_broken_replies_replay_broken_and_are_repaired_as_when_recorded() {
    // Recorded answers of a real small model: its first reply cut ¶3 and ¶4 mid-sentence
    // ("Rutte added that Trump wishes for a") and left ¶5 half German; asked for ¶3 alone
    // it answered two ids; asked again, it cut ¶3 once more.
    let dir = qwen_cassettes();
    let replay = MockProcess::start(&["--cassettes", dir.to_str().expect("UTF-8 path")]);
    let sandbox = Sandbox::new();
    let article = crate::common::fixture("de-rutte-nato.txt");
    // They were recorded with `response_format: json_schema` (before translations went out
    // numbered by default): the same form replays them.
    let config = sandbox.write(
        "recorded.toml",
        format!(
            "[providers.recorded]\nkind = \"openai\"\nbase_url = \"{}\"\n\
             model = \"qwen2.5-coder-1.5b-instruct\"\nresponse_format = \"json_schema\"\n",
            replay.base_url()
        ),
    );
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "recorded",
        "--format",
        "json",
        "--config",
    ])
    .arg(&config)
    .arg(&article)
    .env("OPENAI_API_KEY", "any-key-at-all");
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result = json(&out.stdout);
    // As when recorded: the first reply, four paragraphs repaired one by one, and one repair
    // of the repair that broke the contract.
    assert_eq!(result["usage"]["requests"], 6, "{}", result["usage"]);
    assert_eq!(result["usage"]["repairs"], 4, "{}", result["usage"]);
    let paragraphs = result["paragraphs"].as_array().expect("paragraphs");
    let target = |id: u64| {
        let paragraph = paragraphs.iter().find(|p| p["id"] == id);
        paragraph
            .and_then(|p| p["target"].as_str())
            .unwrap_or_default()
    };
    let source = |id: u64| {
        let paragraph = paragraphs.iter().find(|p| p["id"] == id);
        paragraph
            .and_then(|p| p["source"].as_str())
            .unwrap_or_default()
    };
    // The cut and the half-German paragraphs are the repairs' translations now.
    for (id, cassette) in [
        (4, "0003-openai.json"),
        (5, "0004-openai.json"),
        (6, "0005-openai.json"),
    ] {
        assert_eq!(
            target(id),
            recorded_translation(cassette, source(id)),
            "¶{id}"
        );
    }
    assert!(target(4).starts_with("Rutte added, Trump wished for a “long-term peace”"));
    assert_eq!(
        target(1),
        recorded_translation("0001-openai.json", source(1))
    );
    // ¶3 stayed cut in every answer: it is printed, and flagged.
    let flagged = result["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .any(|c| c["paragraph"] == 3 && c["kind"] == "cut_off");
    assert!(flagged, "{}", result["checks"]);
    let log = json(&get_body(&replay.address, "/__mock/requests"));
    assert_eq!(log["count"], 6, "{log}");
}
