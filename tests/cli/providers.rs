//! Each provider kind over HTTP against the mock API, in its own wire format: the reference
//! article end to end, auth and quota errors, retries, DeepL's batching limits, LibreTranslate's
//! language-pair pre-flight, and every request body checked against the published schema.

use std::collections::HashMap;

use crate::common::BackgroundMock;
use serde_json::Value;

use crate::common::{Run, Sandbox, fixture, json, mock, run};
use crate::wire_specs::{Wire, assert_valid};

/// The provider kinds that translate, with their wire format.
pub(crate) const KINDS: [(&str, Wire); 4] = [
    ("openai", Wire::OpenAi),
    ("anthropic", Wire::Anthropic),
    ("deepl", Wire::Deepl),
    ("libretranslate", Wire::LibreTranslate),
];

/// The base URL for `kind`: OpenAI-compatible servers are under `/v1`, the others at the root.
fn base_url(mock: &BackgroundMock, kind: &str) -> String {
    if kind == "openai" {
        mock.base_url()
    } else {
        mock.root_url()
    }
}

/// `diglot translate --provider KIND --base-url … FILE ARGS…` with `env` set.
pub(crate) fn translate(
    sandbox: &Sandbox,
    mock: &BackgroundMock,
    kind: &str,
    file: &std::path::Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", kind, "--base-url"])
        .arg(base_url(mock, kind))
        .args(["--width", "80", "--color", "never"])
        .arg(file)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// The recorded de→en translations of the reference article, by source text.
fn cassette() -> HashMap<String, String> {
    let cassette = crate::common::fixture_json("cassettes/de-rutte-nato.en.json");
    cassette["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| {
            (
                p["source"].as_str().unwrap_or_default().to_owned(),
                p["target"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Every translation request the mock saw, each checked against `wire`'s schema.
pub(crate) fn translation_bodies(mock: &BackgroundMock, wire: Wire) -> Vec<Value> {
    let bodies: Vec<Value> = mock
        .requests()
        .into_iter()
        .filter(|r| r.is_translation())
        .map(|r| {
            assert_eq!(r.path, wire.path(), "{wire:?} used the wrong endpoint");
            r.body
        })
        .collect();
    for body in &bodies {
        assert_valid(wire, body);
    }
    bodies
}

#[test]
fn every_kind_translates_the_reference_article_in_its_own_wire_format() {
    let recorded = cassette();
    for (kind, wire) in KINDS {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let out = translate(
            &sandbox,
            &mock,
            kind,
            &fixture("de-rutte-nato.txt"),
            &[],
            &["--format", "json"],
        );
        assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
        let doc = json(&out.stdout);
        let paragraphs = doc["paragraphs"].as_array().expect("paragraphs");
        assert_eq!(paragraphs.len(), 8, "{kind}");
        for p in paragraphs {
            let source = p["source"].as_str().expect("source");
            assert_eq!(
                p["target"].as_str(),
                recorded.get(source).map(String::as_str),
                "{kind}: {source}"
            );
        }
        assert_eq!(doc["provider"]["name"], kind);
        let bodies = translation_bodies(&mock, wire);
        assert_eq!(bodies.len(), 1, "{kind}: one request for eight paragraphs");
    }
}

#[test]
fn repair_requests_also_follow_each_published_schema() {
    for (kind, wire) in [("openai", Wire::OpenAi), ("anthropic", Wire::Anthropic)] {
        let sandbox = Sandbox::new();
        let mock = mock(&["not-json:1"]);
        let out = translate(&sandbox, &mock, kind, &fixture("de-kurz.txt"), &[], &[]);
        assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
        let bodies = translation_bodies(&mock, wire);
        assert_eq!(bodies.len(), 2, "{kind}: the request and its repair");
    }
}

#[test]
fn anthropic_sends_system_on_top_version_header_and_max_tokens() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = translate(
        &sandbox,
        &mock,
        "anthropic",
        &fixture("de-rutte-nato.txt"),
        &[("ANTHROPIC_API_KEY", "sk-ant-good")],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The rest of the article, after the opening paragraph's own request.
    let bodies = translation_bodies(&mock, Wire::Anthropic);
    let body = bodies
        .iter()
        .max_by_key(|b| b["max_tokens"].as_u64())
        .expect("a request");
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert!(body["system"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(body["messages"][0]["role"], "user");
    let max_tokens = body["max_tokens"].as_u64().expect("max_tokens");
    assert!((1024..=16_384).contains(&max_tokens), "{max_tokens}");
}

#[test]
fn deepl_reports_billed_characters_and_uses_profile_options() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    // The profile names a glossary the account already has (the mock knows only its own).
    let glossary = r#"{"name": "mine", "dictionaries": [{"source_lang": "de",
        "target_lang": "en", "entries": "Kiew\tKyiv", "entries_format": "tsv"}]}"#;
    let (head, _) = crate::common::send(&mock.root_url(), "POST", "/v3/glossaries", Some(glossary));
    assert!(head.starts_with("HTTP/1.1 201"), "{head}");
    let config = sandbox.write(
        "deepl.toml",
        format!(
            "[providers.work]\nkind = \"deepl\"\nbase_url = \"{}\"\nenglish = \"en-gb\"\n\
             formality = \"prefer_more\"\nglossary_id = \"mock-glossary-1\"\n\
             preserve_formatting = true\n",
            mock.root_url()
        ),
    );
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "work",
        "--format",
        "json",
        "--config",
    ])
    .arg(&config)
    .arg(fixture("de-rutte-nato.txt"))
    .env("DEEPL_AUTH_KEY", "k-123:fx");
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let billed = doc["usage"]["billed_characters"].as_u64().expect("billed");
    assert!(billed > 1000, "{billed}");
    let body = &translation_bodies(&mock, Wire::Deepl)[0];
    assert_eq!(body["target_lang"], "EN-GB");
    assert_eq!(body["source_lang"], "DE");
    assert_eq!(body["formality"], "prefer_more");
    assert_eq!(body["glossary_id"], "mock-glossary-1");
    assert_eq!(body["preserve_formatting"], true);
    assert_eq!(body["show_billed_characters"], true);
    assert_eq!(body["text"].as_array().map(Vec::len), Some(8));
}

#[test]
fn openai_usage_counts_requests_and_reported_tokens_but_no_billed_characters() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = translate(
        &sandbox,
        &mock,
        "openai",
        &fixture("de-kurz.txt"),
        &[],
        &["--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let usage = &json(&out.stdout)["usage"];
    assert_eq!(usage["requests"], 1, "{usage}");
    assert_eq!(usage["retries"], 0, "{usage}");
    assert!(
        usage["input_tokens"].as_u64().is_some_and(|n| n > 0),
        "{usage}"
    );
    assert!(
        usage["output_tokens"].as_u64().is_some_and(|n| n > 0),
        "{usage}"
    );
    assert!(
        usage["characters_sent"].as_u64().is_some_and(|n| n > 0),
        "{usage}"
    );
    assert!(usage.get("billed_characters").is_none(), "{usage}");
}

#[test]
fn a_rejected_key_exits_4_naming_the_variable_and_never_printing_the_key() {
    let cases = [
        ("openai", "OPENAI_API_KEY", "HTTP 401"),
        ("anthropic", "ANTHROPIC_API_KEY", "HTTP 401"),
        ("deepl", "DEEPL_AUTH_KEY", "HTTP 403"),
        ("libretranslate", "LIBRETRANSLATE_API_KEY", "HTTP 401"),
    ];
    for (kind, var, status) in cases {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let out = translate(
            &sandbox,
            &mock,
            kind,
            &fixture("de-kurz.txt"),
            &[(var, "bad-key")],
            &[],
        );
        assert_eq!(out.code, 4, "{kind}: {}", out.stderr);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("diglot: error: ")
                && first.contains("rejected the API key")
                && first.contains(status),
            "{kind}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(var), "{kind}: {}", out.stderr);
        assert!(!out.stderr.contains("bad-key"), "{kind} printed the key");
        assert_eq!(out.stdout, "");
        assert_eq!(
            mock.translation_requests(),
            1,
            "{kind}: a 401/403 is not retried"
        );
    }
}

#[test]
fn auth_faults_answer_in_each_protocol_s_format() {
    for (kind, _) in KINDS {
        for fault in ["401", "403"] {
            let sandbox = Sandbox::new();
            let mock = mock(&[fault]);
            let out = translate(&sandbox, &mock, kind, &fixture("de-kurz.txt"), &[], &[]);
            assert_eq!(out.code, 4, "{kind} {fault}: {}", out.stderr);
            assert!(
                out.stderr.contains("rejected the API key")
                    && out.stderr.contains(&format!("HTTP {fault} (")),
                "{kind} {fault}: {}",
                out.stderr
            );
        }
    }
}

#[test]
fn an_exhausted_quota_exits_4_and_says_what_to_do() {
    for (kind, _) in KINDS {
        let sandbox = Sandbox::new();
        let mock = mock(&["456"]);
        let out = translate(&sandbox, &mock, kind, &fixture("de-kurz.txt"), &[], &[]);
        assert_eq!(out.code, 4, "{kind}: {}", out.stderr);
        let mut lines = out.stderr.lines();
        let error = lines.next().unwrap_or_default();
        assert!(
            error.contains("quota is used up (HTTP 456)"),
            "{kind}: {}",
            out.stderr
        );
        let hint = lines.next().unwrap_or_default();
        assert!(
            hint.contains("hint:") && hint.contains("billing period"),
            "{kind}: {}",
            out.stderr
        );
        assert_eq!(
            mock.translation_requests(),
            1,
            "{kind}: a 456 is not retried"
        );
    }
}

#[test]
fn deepl_429_is_retried_and_persistent_5xx_exits_5() {
    let sandbox = Sandbox::new();
    let flaky = mock(&["429:1"]);
    let args = ["--format", "json"];
    let out = translate(
        &sandbox,
        &flaky,
        "deepl",
        &fixture("de-kurz.txt"),
        &[],
        &args,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The 429, its retry, then each pseudo-translated paragraph (flagged untranslated) once
    // more on its own.
    let repairs = json(&out.stdout)["usage"]["repairs"]
        .as_u64()
        .expect("repairs");
    assert_eq!(flaky.translation_requests() as u64, 2 + repairs);

    let broken = mock(&["500"]);
    let config = sandbox.write(
        "fast.toml",
        format!(
            "[providers.fast]\nkind = \"deepl\"\nbase_url = \"{}\"\nmax_retries = 0\n",
            broken.root_url()
        ),
    );
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "fast", "--config"])
        .arg(&config)
        .arg(fixture("de-kurz.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("gave up after 1 attempt(s): last answer HTTP 500 Internal Server Error"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_deepl_count_mismatch_is_asked_again_then_split() {
    let sandbox = Sandbox::new();
    let once = mock(&["missing:1"]);
    let out = translate(
        &sandbox,
        &once,
        "deepl",
        &fixture("de-rutte-nato.txt"),
        &[],
        &["--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(once.translation_requests(), 2);

    let always = mock(&["missing"]);
    let out = translate(
        &sandbox,
        &always,
        "deepl",
        &fixture("de-kurz.txt"),
        &[],
        &[],
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the reply has 0 translation(s) for 1 text(s)"),
        "{}",
        out.stderr
    );
}

/// A German article of `long` paragraphs of about 3,000 bytes and `short` one-sentence ones.
fn long_article(long: usize, short: usize) -> String {
    let sentence = "Die Bürgermeisterin der Stadt erklärte am Dienstag, dass die Straßenbahn \
                    über die Brücke verlängert werde und die Arbeiten im Frühjahr beginnen.";
    let mut paragraphs = Vec::new();
    for i in 1..=long {
        let body = vec![sentence; 18].join(" ");
        paragraphs.push(format!("Abschnitt {i}: {body}"));
    }
    for i in 1..=short {
        paragraphs.push(format!(
            "Kurzmeldung {i}: Der Stadtrat tagt wieder am Donnerstag."
        ));
    }
    paragraphs.join("\n\n") + "\n"
}

#[test]
fn deepl_batches_within_50_texts_and_128_kib_translating_each_paragraph_once_in_order() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let file = sandbox.write("long.txt", long_article(90, 70));
    let out = translate(&sandbox, &mock, "deepl", &file, &[], &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let sources: Vec<&str> = doc["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| p["source"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(sources.len(), 160);

    let bodies = translation_bodies(&mock, Wire::Deepl);
    assert!(bodies.len() >= 4, "{} requests", bodies.len());
    let mut sent: Vec<String> = Vec::new();
    for body in &bodies {
        let texts = body["text"].as_array().expect("text");
        assert!(texts.len() <= 50, "{} texts in one request", texts.len());
        let size = body.to_string().len();
        assert!(size <= 128 * 1024, "a request body of {size} bytes");
        sent.extend(texts.iter().filter_map(|t| t.as_str().map(str::to_owned)));
    }
    // Requests run concurrently, so they arrive in any order; each chunk is a run of
    // consecutive paragraphs. Sorted by first paragraph, they must cover each exactly once.
    let mut runs: Vec<Vec<String>> = bodies
        .iter()
        .map(|b| {
            b["text"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let position = |text: &str| sources.iter().position(|s| *s == text);
    runs.sort_by_key(|run| run.first().and_then(|t| position(t)));
    let in_order: Vec<String> = runs.concat();
    assert_eq!(in_order, sources, "every paragraph once, in order");
    assert_eq!(sent.len(), 160);
    for p in doc["paragraphs"].as_array().expect("paragraphs") {
        let source = p["source"].as_str().unwrap_or_default();
        assert_eq!(
            p["target"].as_str(),
            diglot::mock::pseudo_translation("de", "en", source).as_deref()
        );
    }
}

#[test]
fn libretranslate_checks_the_pair_first_and_an_unsupported_one_exits_2() {
    let sandbox = Sandbox::new();
    let unsupported = mock(&[]);
    let out = translate(
        &sandbox,
        &unsupported,
        "libretranslate",
        &fixture("de-kurz.txt"),
        &[],
        &["--to", "fr"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "diglot: error: libretranslate cannot translate de to fr (it offers: de→en, en→de)"
    );
    let paths: Vec<String> = unsupported.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/languages"],
        "nothing is sent after a failed pre-flight"
    );

    let ok = mock(&[]);
    let out = translate(
        &sandbox,
        &ok,
        "libretranslate",
        &fixture("de-kurz.txt"),
        &[],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let paths: Vec<String> = ok.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/languages", "/translate"]);
}

#[test]
fn deepl_without_a_key_for_the_real_hosts_is_a_config_error() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "deepl"])
        .arg(fixture("de-kurz.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("provider 'deepl' needs an API key, but DEEPL_AUTH_KEY is not set"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_shows_the_built_in_kinds_with_the_key_redacted() {
    let sandbox = Sandbox::new();
    let cases = [
        (
            "deepl",
            "DEEPL_AUTH_KEY",
            "secret-1:fx",
            "https://api-free.deepl.com",
        ),
        (
            "deepl",
            "DEEPL_AUTH_KEY",
            "secret-2",
            "https://api.deepl.com",
        ),
        (
            "anthropic",
            "ANTHROPIC_API_KEY",
            "secret-3",
            "https://api.anthropic.com",
        ),
        (
            "libretranslate",
            "LIBRETRANSLATE_API_KEY",
            "secret-4",
            "http://localhost:5000",
        ),
    ];
    for (kind, var, key, url) in cases {
        let mut cmd = sandbox.cmd();
        cmd.arg("config").env("DIGLOT_PROVIDER", kind).env(var, key);
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains(url), "{kind}: {}", out.stdout);
        assert!(out.stdout.contains("(redacted)"), "{kind}: {}", out.stdout);
        assert!(!out.stdout.contains(key), "{kind} printed the key");
        assert!(
            out.stdout.contains(&format!("environment {var}")),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn unknown_profile_keys_stay_errors() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "bad.toml",
        "[providers.work]\nkind = \"deepl\"\nformalty = \"more\"\n",
    );
    let mut cmd = sandbox.cmd();
    cmd.args(["config", "--config"]).arg(&config);
    let out = run(&mut cmd);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("formalty"), "{}", out.stderr);
}

#[test]
fn deepl_translates_while_an_llm_profile_writes_the_brief() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let config = sandbox.write(
        "mixed.toml",
        format!(
            "[brief]\nprovider = \"llm\"\n[providers.llm]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"m\"\n",
            mock.base_url()
        ),
    );
    let out = translate(
        &sandbox,
        &mock,
        "deepl",
        &fixture("de-rutte-nato.txt"),
        &[],
        &[
            "--brief",
            "--format",
            "json",
            "--config",
            config.to_str().expect("UTF-8 path"),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["provider"]["name"], "deepl");
    assert_eq!(doc["paragraphs"].as_array().map(Vec::len), Some(8));
    assert!(
        doc["brief"]["points"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "{doc}"
    );
    let paths: Vec<String> = mock.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.contains(&"/v2/translate".to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"/v1/chat/completions".to_owned()),
        "{paths:?}"
    );
    for request in mock.requests().iter().filter(|r| r.path == "/v2/translate") {
        assert_valid(Wire::Deepl, &request.body);
    }
}

#[test]
fn translation_only_kinds_cannot_write_briefs_and_nothing_is_sent() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    for kind in ["deepl", "libretranslate"] {
        let mut cmd = sandbox.cmd();
        cmd.args(["brief", "--provider", kind, "--base-url", &mock.root_url()])
            .arg(fixture("de-rutte-nato.txt"));
        let out = run(&mut cmd);
        assert_eq!(out.code, 2, "{kind}: {}", out.stderr);
        assert!(out.stderr.contains("cannot write briefs"), "{}", out.stderr);
        assert!(
            out.stderr.contains("--brief-provider"),
            "hint missing: {}",
            out.stderr
        );
    }
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[test]
fn anthropic_writes_the_brief_in_its_own_wire_format() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let mut cmd = sandbox.cmd();
    cmd.args([
        "brief",
        "--provider",
        "anthropic",
        "--format",
        "json",
        "--base-url",
    ])
    .arg(mock.root_url())
    .arg(fixture("de-rutte-nato.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert!(
        doc["brief"]["headline"]["target"]
            .as_str()
            .is_some_and(|h| h.contains("Rutte")),
        "{doc}"
    );
    // The brief in German, then its texts translated: both in the Messages format.
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.path, "/v1/messages");
        assert_valid(Wire::Anthropic, &request.body);
    }
}
