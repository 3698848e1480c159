//! Names and terms across an article, over HTTP: glossary entries reach exactly the chunks
//! that have their terms (numbered and JSON requests alike), each chunk carries the source
//! text before it, a reply that ignores the glossary is caught (`term_mismatch`), repaired
//! once with the term called out and gated by `--strict`; DeepL gets a real glossary, created
//! once and reused by id; the brief's texts get the entries they have; a name translated two
//! ways is caught (`name_drift`); `diglot terms` writes a glossary that reads back; bad
//! glossary files exit 2 naming the line.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::{BackgroundMock, Run, Sandbox, fixture, json, mock, run, send};
use crate::fidelity::checks;
use crate::wire_specs::{Wire, assert_valid};

/// The reference article's paragraphs, as the article has them.
fn reference_paragraphs() -> Vec<String> {
    std::fs::read_to_string(fixture("de-rutte-nato.txt"))
        .expect("fixture")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// A config whose `small` profile (the mock) sends at most 900 characters a request, so the
/// reference article goes out in several chunks; `extra` is added to the profile.
fn small_chunks(sandbox: &Sandbox, extra: &str) -> PathBuf {
    sandbox.write(
        "config.toml",
        format!("[providers.small]\nkind = \"mock\"\nmax_chunk_chars = 900\n{extra}\n"),
    )
}

fn glossary(sandbox: &Sandbox, text: &str) -> PathBuf {
    sandbox.write("glossary.csv", text)
}

/// `diglot --config CONFIG translate --provider small --base-url MOCK ARTICLE ARGS…`.
fn translate_small(
    sandbox: &Sandbox,
    config: &std::path::Path,
    mock: &BackgroundMock,
    args: &[&str],
) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.arg("--config")
        .arg(config)
        .args(["translate", "--provider", "small", "--base-url"])
        .arg(mock.base_url())
        .args(["--color", "never", "--width", "80"])
        .arg(fixture("de-rutte-nato.txt"))
        .args(args);
    run(&mut cmd)
}

/// One chat request as diglot sent it: its system prompt, the ids and texts of its
/// paragraphs, its glossary (as `source → target`) and its context's text before it.
#[derive(Debug)]
struct Sent {
    system: String,
    paragraphs: Vec<(u64, String)>,
    glossary: Vec<String>,
    before: Option<String>,
    headline: Option<String>,
}

/// Every chat request the mock answered, read from either request form.
fn sent(mock: &BackgroundMock) -> Vec<Sent> {
    mock.requests()
        .iter()
        .filter(|r| r.is_chat())
        .map(|r| {
            let system = r.body["messages"][0]["content"]
                .as_str()
                .unwrap_or_default();
            let user = r.body["messages"][1]["content"]
                .as_str()
                .unwrap_or_default();
            match serde_json::from_str::<Value>(user) {
                Ok(payload) => from_json(system, &payload),
                Err(_) => from_numbered(system, user),
            }
        })
        .collect()
}

fn from_json(system: &str, payload: &Value) -> Sent {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    Sent {
        system: system.to_owned(),
        paragraphs: list(&payload["paragraphs"])
            .iter()
            .map(|p| {
                (
                    p["id"].as_u64().unwrap_or(0),
                    p["text"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect(),
        glossary: list(&payload["glossary"])
            .iter()
            .map(|t| {
                format!(
                    "{} → {}",
                    t["source"].as_str().unwrap_or(""),
                    t["target"].as_str().unwrap_or("")
                )
            })
            .collect(),
        before: payload["context"]["before"].as_str().map(str::to_owned),
        headline: payload["context"]["headline"].as_str().map(str::to_owned),
    }
}

fn from_numbered(system: &str, user: &str) -> Sent {
    let mut sent = Sent {
        system: system.to_owned(),
        paragraphs: Vec::new(),
        glossary: Vec::new(),
        before: None,
        headline: None,
    };
    for block in user.split("\n\n") {
        if let Some(rest) = block.strip_prefix('[')
            && let Some((id, text)) = rest.split_once("] ")
        {
            sent.paragraphs
                .push((id.parse().unwrap_or(0), text.to_owned()));
        } else if block.starts_with("Glossary") {
            sent.glossary = block
                .lines()
                .skip(1)
                .filter_map(|l| l.strip_prefix("- "))
                .map(str::to_owned)
                .collect();
        } else if block.starts_with("Context") {
            for line in block.lines().skip(1) {
                if let Some(text) = line.strip_prefix("> Before: ") {
                    sent.before = Some(text.to_owned());
                } else if let Some(text) = line.strip_prefix("> Headline: ") {
                    sent.headline = Some(text.to_owned());
                }
            }
        }
    }
    sent
}

const GLOSSARY: &str = "de,en\nKiew,Kyiv\nWitkoff,Witkoff\nHordern,Hordern\nBrüssel,Brussels\n";

/// The entries of [`GLOSSARY`] whose term a text has (inflected or not: `Kiews`).
fn expected_entries(texts: &[String]) -> Vec<String> {
    let entries = [
        ("Kiew", "Kyiv"),
        ("Witkoff", "Witkoff"),
        ("Hordern", "Hordern"),
        ("Brüssel", "Brussels"),
    ];
    entries
        .iter()
        .filter(|(source, _)| texts.iter().any(|t| t.contains(source)))
        .map(|(source, target)| format!("{source} → {target}"))
        .collect()
}

#[test]
fn glossary_entries_reach_exactly_the_chunks_that_have_them_in_both_request_forms() {
    for form in ["", "response_format = \"json_schema\""] {
        let sandbox = Sandbox::new();
        let config = small_chunks(&sandbox, form);
        let file = glossary(&sandbox, GLOSSARY);
        let mock = mock(&[]);
        let out = translate_small(
            &sandbox,
            &config,
            &mock,
            &[
                "--glossary",
                file.to_str().expect("path"),
                "--format",
                "json",
            ],
        );
        assert_eq!(out.code, 0, "{form}: {}", out.stderr);
        assert_eq!(json(&out.stdout)["checks"], serde_json::json!([]), "{form}");
        let requests = sent(&mock);
        assert!(requests.len() >= 3, "{form}: {requests:?}");
        let mut with_entries = 0;
        for request in &requests {
            let texts: Vec<String> = request.paragraphs.iter().map(|(_, t)| t.clone()).collect();
            assert_eq!(
                request.glossary,
                expected_entries(&texts),
                "{form}: {request:?}"
            );
            assert_eq!(
                request.system.contains("glossary") || request.system.contains("Glossary"),
                !request.glossary.is_empty(),
                "{form}: {}",
                request.system
            );
            with_entries += usize::from(!request.glossary.is_empty());
        }
        assert!(
            with_entries >= 2 && with_entries < requests.len() + 1,
            "{form}: {requests:?}"
        );
        assert!(
            !requests
                .iter()
                .any(|r| r.glossary.iter().any(|g| g.starts_with("Brüssel")))
        );
    }
}

#[test]
fn each_chunk_carries_the_source_of_the_paragraph_before_it_and_the_headline() {
    let sandbox = Sandbox::new();
    let config = small_chunks(&sandbox, "");
    let mock = mock(&[]);
    let out = translate_small(&sandbox, &config, &mock, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let article = reference_paragraphs();
    let requests = sent(&mock);
    assert!(requests.len() >= 3);
    for request in &requests {
        let first = request.paragraphs[0].0 as usize;
        if first == 1 {
            assert_eq!((&request.before, &request.headline), (&None, &None));
            continue;
        }
        let before = request
            .before
            .as_deref()
            .expect("the text before the chunk");
        let previous = &article[first - 2];
        assert!(
            previous.ends_with(before.trim_start_matches('…').trim_start()),
            "¶{first}: {before}"
        );
        assert!(before.chars().count() <= 500, "{before}");
        if first > 2 {
            let headline = request.headline.as_deref().expect("a headline");
            assert!(article[0].starts_with(headline), "{headline}");
        }
        assert!(request.system.contains("Context"), "{}", request.system);
    }
    // Without context, no request carries any.
    let mock = crate::common::mock(&[]);
    let out = translate_small(&sandbox, &config, &mock, &["--no-context"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        sent(&mock)
            .iter()
            .all(|r| r.before.is_none() && !r.system.contains("Context"))
    );
}

/// The reference article through the plain mock (one request) with the Kiew glossary.
fn with_glossary(faults: &[&str], args: &[&str]) -> (Run, BackgroundMock) {
    let sandbox = Sandbox::new();
    let file = glossary(&sandbox, "de,en\nKiew,Kyiv\n");
    let mock = mock(faults);
    let mut all = vec![
        "--glossary",
        file.to_str().expect("path"),
        "--format",
        "json",
    ];
    all.extend(args);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &all);
    (out, mock)
}

#[test]
fn a_reply_ignoring_the_glossary_is_caught_repaired_once_with_the_term_called_out() {
    // Every answer ignores it, the repairs' too: the check stays after one repair each.
    let (out, mock) = with_glossary(&["ignore-glossary"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let kiew: Vec<u64> = vec![1, 2, 3, 7];
    assert_eq!(
        checks(&doc),
        kiew.iter()
            .map(|&p| (p, "term_mismatch".to_owned(), "Kiew → Kyiv".to_owned()))
            .collect::<Vec<_>>()
    );
    assert_eq!(doc["usage"]["repairs"], 4);
    let requests = sent(&mock);
    assert_eq!(requests.len(), 5, "the article, then each paragraph once");
    for repair in &requests[1..] {
        assert_eq!(repair.paragraphs.len(), 1);
        assert!(kiew.contains(&repair.paragraphs[0].0));
        assert!(
            repair
                .system
                .contains("did not use the required translation of: Kiew → Kyiv"),
            "{}",
            repair.system
        );
        assert_eq!(repair.glossary, ["Kiew → Kyiv"]);
    }
    // Strict: exit 6 after the output, one line naming the checks.
    let (out, _) = with_glossary(&["ignore-glossary"], &["--strict"]);
    assert_eq!(out.code, 6);
    assert!(json(&out.stdout)["paragraphs"].is_array());
    assert_eq!(
        out.stderr,
        "diglot: error: 4 fidelity checks failed (¶1 term_mismatch Kiew → Kyiv, ¶2 term_mismatch \
         Kiew → Kyiv, ¶3 term_mismatch Kiew → Kyiv, ¶7 term_mismatch Kiew → Kyiv)\n"
    );
    // Only the first answer ignores it: the repairs follow it and the result is clean.
    let (out, _) = with_glossary(&["ignore-glossary:1"], &["--strict"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(checks(&doc), []);
    assert_eq!(doc["usage"]["repairs"], 4);
    let target = doc["paragraphs"][6]["target"].as_str().expect("¶7");
    assert!(target.contains("Kyiv"), "{target}");
}

#[test]
fn the_briefs_texts_are_translated_with_the_glossary_entries_they_have() {
    // The recorded brief renders `Moskau` as `Moscow` (a pseudo-translation around another
    // rendering would drop the brief's names, which its own checks then reject).
    let sandbox = Sandbox::new();
    let file = glossary(&sandbox, "de,en\nMoskau,Moscow\nHordern,Hordern-Smith\n");
    let mock = mock(&[]);
    let args = ["--glossary", file.to_str().expect("path"), "--brief"];
    let out = sandbox.translate(
        &mock,
        &fixture("de-rutte-nato.txt"),
        &[&args[..], &["--points", "7", "--format", "json"]].concat(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let brief = &json(&out.stdout)["brief"];
    let points = brief["points"].as_array().expect("points");
    let sources: Vec<&str> = points
        .iter()
        .map(|p| p["source"].as_str().expect("source"))
        .collect();
    // The request that translated the brief: its paragraphs are the brief's texts.
    let requests = sent(&mock);
    let request = requests
        .iter()
        .find(|r| r.paragraphs.iter().any(|(_, text)| text == sources[0]))
        .expect("the brief's translation request");
    assert!(sources.iter().any(|s| s.contains("Moskau")), "{sources:?}");
    assert!(
        sources.iter().all(|s| !s.contains("Hordern")),
        "{sources:?}"
    );
    assert_eq!(
        request.glossary,
        ["Moskau → Moscow"],
        "only the entry it has"
    );
    assert_eq!(request.before, None, "a brief's texts carry no context");
    for point in points {
        let (source, target) = (point["source"].as_str(), point["target"].as_str());
        let (source, target) = (source.expect("source"), target.expect("target"));
        assert_eq!(
            source.contains("Moskau"),
            target.contains("Moscow"),
            "{target}"
        );
    }
    // The article's paragraph 3 has the other entry, and its request carries it.
    assert!(
        requests
            .iter()
            .any(|r| r.glossary.contains(&"Hordern → Hordern-Smith".to_owned()))
    );
}

#[test]
fn a_name_translated_two_ways_across_chunks_is_caught_and_repaired() {
    let sandbox = Sandbox::new();
    let config = small_chunks(&sandbox, "");
    // The second request respells the names it keeps; every later one keeps them.
    let mock = mock(&["name-drift:2"]);
    let out = translate_small(
        &sandbox,
        &config,
        &mock,
        &["--format", "json", "--jobs", "1"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(checks(&doc), [], "the drifting paragraphs were repaired");
    let repairs = doc["usage"]["repairs"].as_u64().expect("repairs");
    assert!(repairs >= 1, "{doc}");
    let requests = sent(&mock);
    let callouts: Vec<&Sent> = requests
        .iter()
        .filter(|r| r.system.contains("did not use the required translation"))
        .collect();
    assert_eq!(callouts.len() as u64, repairs);
    assert!(
        callouts.iter().any(|r| r.system.contains("Rutte → Rutte")),
        "{callouts:?}"
    );
    // Every second request drifts, the repairs too: some drift stays, and --strict fails.
    let mock = crate::common::mock(&["name-drift"]);
    let out = translate_small(
        &sandbox,
        &config,
        &mock,
        &["--format", "json", "--jobs", "1", "--strict"],
    );
    assert_eq!(out.code, 6, "{}", out.stderr);
    let found = checks(&json(&out.stdout));
    assert!(!found.is_empty());
    for (_, kind, detail) in &found {
        assert_eq!(kind, "name_drift");
        assert!(
            detail.contains(" → ") && detail.contains(", elsewhere "),
            "{detail}"
        );
    }
    assert!(out.stderr.contains("name_drift"), "{}", out.stderr);
}

#[test]
fn read_as_it_arrives_a_drifting_name_is_found_after_the_pairs_not_sent_again() {
    let sandbox = Sandbox::new();
    let config = small_chunks(&sandbox, "");
    // As above: the second request respells the names it keeps.
    let mock = mock(&["name-drift:2"]);
    let out = translate_small(
        &sandbox,
        &config,
        &mock,
        &["--format", "jsonl", "--jobs", "1"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A pair on stdout cannot change: no paragraph is sent again for its names.
    assert!(
        sent(&mock)
            .iter()
            .all(|r| !r.system.contains("did not use the required translation")),
        "{:?}",
        sent(&mock)
    );
    let records: Vec<Value> = out.stdout.lines().map(json).collect();
    let end = records.last().expect("an end record");
    assert_eq!(end["type"], "end");
    let drift: Vec<&Value> = end["checks"]
        .as_array()
        .expect("the end record's checks")
        .iter()
        .filter(|c| c["kind"] == "name_drift")
        .collect();
    assert!(!drift.is_empty(), "{end}");
    assert_eq!(
        end["checks_failed"].as_u64(),
        Some(end["checks"].as_array().map_or(0, |c| c.len() as u64))
    );
    // In text, the drift is listed after the pairs, in the legend.
    let again = crate::common::mock(&["name-drift:2"]);
    let out = translate_small(&sandbox, &config, &again, &["--jobs", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let legend = out
        .stdout
        .rfind("name_drift")
        .or(out.stdout.rfind(", elsewhere "));
    assert!(legend.is_some(), "{}", out.stdout);
}

#[test]
fn check_finds_name_drift_in_a_saved_result_and_terms_only_with_a_glossary() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
    let mut doc = json(&out.stdout);
    let target = doc["paragraphs"][1]["target"]
        .as_str()
        .expect("¶2")
        .replace("Kyiv", "Kiev");
    doc["paragraphs"][1]["target"] = target.into();
    let saved = sandbox.write("saved.json", doc.to_string());
    let mut cmd = sandbox.cmd();
    cmd.arg("check").arg(&saved);
    let out = run(&mut cmd);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "! ¶2 name translated differently: Kiew → Kiev, elsewhere Kyiv\n"
    );
    let file = glossary(&sandbox, "de,en\nKiew,Kyiv\n");
    let mut cmd = sandbox.cmd();
    cmd.arg("check").arg(&saved).arg("--glossary").arg(&file);
    let out = run(&mut cmd);
    assert!(
        out.stdout
            .contains("! ¶2 glossary term not followed: Kiew → Kyiv"),
        "{}",
        out.stdout
    );
}

#[test]
fn terms_writes_a_glossary_that_reads_back_and_holds_for_the_same_article() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(
        &mock,
        &fixture("de-rutte-nato.txt"),
        &["--format", "json", "--brief"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let saved = sandbox.write("saved.json", &out.stdout);
    let mut cmd = sandbox.cmd();
    cmd.arg("terms").arg(&saved);
    let terms = run(&mut cmd);
    assert_eq!((terms.code, terms.stderr.as_str()), (0, ""));
    let mut lines = terms.stdout.lines();
    assert_eq!(lines.next(), Some("de,en,case,note"));
    for entry in ["Kiew,Kyiv,", "Moskau,Moscow,", "Rutte,Rutte,"] {
        assert!(
            terms.stdout.lines().any(|l| l.starts_with(entry)),
            "{entry}: {}",
            terms.stdout
        );
    }
    assert!(
        !terms.stdout.contains("Waffenstillstand"),
        "{}",
        terms.stdout
    );
    let file = sandbox.write("terms.csv", &terms.stdout);
    let again = sandbox.translate(
        &mock,
        &fixture("de-rutte-nato.txt"),
        &[
            "--format",
            "json",
            "--strict",
            "--glossary",
            file.to_str().expect("path"),
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let mut cmd = sandbox.cmd();
    cmd.arg("check").arg(&saved).arg("--glossary").arg(&file);
    assert_eq!(run(&mut cmd).code, 0);
}

/// `translate --provider deepl` against the mock, sharing the sandbox's cache.
fn deepl(sandbox: &Sandbox, mock: &BackgroundMock, article: &str, file: &std::path::Path) -> Run {
    let mut cmd = sandbox.cached_cmd();
    cmd.env("DEEPL_AUTH_KEY", "k-123:fx")
        .args(["translate", "--provider", "deepl", "--base-url"])
        .arg(mock.root_url())
        .arg("--glossary")
        .arg(file)
        .args(["--format", "json"])
        .arg(fixture(article));
    run(&mut cmd)
}

#[test]
fn deepl_gets_a_glossary_created_once_and_reused_by_id_with_context() {
    let sandbox = Sandbox::new();
    let file = glossary(&sandbox, "de,en\nKiew,Kyiv\nWaffenstillstand,truce\n");
    let mock = mock(&[]);
    let out = deepl(&sandbox, &mock, "de-rutte-nato.txt", &file);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["checks"], serde_json::json!([]));
    let created: Vec<Value> = mock
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v3/glossaries")
        .map(|r| r.body)
        .collect();
    assert_eq!(created.len(), 1);
    assert_valid(Wire::DeeplGlossary, &created[0]);
    assert_eq!(
        created[0]["dictionaries"][0]["entries"],
        "Kiew\tKyiv\nWaffenstillstand\ttruce"
    );
    let translations: Vec<Value> = mock
        .requests()
        .into_iter()
        .filter(|r| r.is_translation())
        .map(|r| r.body)
        .collect();
    assert!(!translations.is_empty());
    for body in &translations {
        assert_valid(Wire::Deepl, body);
        assert_eq!(body["glossary_id"], "mock-glossary-1");
    }
    // Another article, another run: the glossary is found by its id and not created again.
    let out = deepl(&sandbox, &mock, "de-kurz.txt", &file);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths.iter().filter(|p| *p == "POST /v3/glossaries").count(),
        1,
        "{paths:?}"
    );
    assert!(
        paths.contains(&"GET /v3/glossaries/mock-glossary-1".to_owned()),
        "{paths:?}"
    );
    // Once the glossary is gone (deleted, or the key is another account's), a new one.
    let (head, _) = send(
        &mock.root_url(),
        "DELETE",
        "/v3/glossaries/mock-glossary-1",
        None,
    );
    assert!(head.starts_with("HTTP/1.1 204"), "{head}");
    let before = mock.requests().len();
    let out = deepl(&sandbox, &mock, "de-lange-absaetze.txt", &file);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let statuses: Vec<(String, u16)> = mock.requests()[before..]
        .iter()
        .map(|r| (format!("{} {}", r.method, r.path), r.status))
        .collect();
    assert_eq!(
        statuses[0],
        ("GET /v3/glossaries/mock-glossary-1".to_owned(), 404)
    );
    assert_eq!(statuses[1], ("POST /v3/glossaries".to_owned(), 201));
    let last = mock
        .requests()
        .into_iter()
        .rfind(|r| r.is_translation())
        .expect("a translation");
    assert_eq!(last.body["glossary_id"], "mock-glossary-2");
}

#[test]
fn deepl_chunks_after_the_first_carry_the_text_before_them_as_context() {
    let sandbox = Sandbox::new();
    // Twice the reference article: long enough to go out in several requests at once.
    let body = reference_paragraphs()[..8].join("\n");
    let long = sandbox.write("long.txt", format!("{body}\n{body}\n"));
    let mock = mock(&[]);
    let mut cmd = sandbox.cmd();
    cmd.env("DEEPL_AUTH_KEY", "k-123:fx")
        .args(["translate", "--provider", "deepl", "--base-url"])
        .arg(mock.root_url())
        .arg(&long);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bodies: Vec<Value> = mock
        .requests()
        .into_iter()
        .filter(|r| r.is_translation())
        .map(|r| r.body)
        .collect();
    assert!(bodies.len() >= 2, "{bodies:?}");
    let article = reference_paragraphs();
    for body in &bodies {
        assert_valid(Wire::Deepl, body);
        let first = body["text"][0].as_str().expect("text");
        let at = article
            .iter()
            .position(|p| p == first)
            .expect("a paragraph");
        let at = if at == 0 && body["context"].is_string() {
            8
        } else {
            at
        };
        match body["context"].as_str() {
            None => assert_eq!(at, 0),
            Some(context) => {
                let before = context.rsplit("\n\n").next().expect("before");
                assert!(
                    article[at - 1].ends_with(before.trim_start_matches('…').trim_start()),
                    "{context}"
                );
            }
        }
    }
}

#[test]
fn libretranslate_says_once_it_has_no_glossary_and_the_terms_are_still_checked() {
    let sandbox = Sandbox::new();
    // The recorded translation says `ceasefire`.
    let file = glossary(&sandbox, "de,en\nWaffenstillstand,truce\n");
    let mock = mock(&[]);
    let out = crate::providers::translate(
        &sandbox,
        &mock,
        "libretranslate",
        &fixture("de-rutte-nato.txt"),
        &[],
        &[
            "--format",
            "json",
            "--glossary",
            file.to_str().expect("path"),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "diglot: warning: libretranslate (libretranslate) has no glossary: the glossary's terms \
         are not sent, only checked in the translation\n"
    );
    let found = checks(&json(&out.stdout));
    assert!(
        found.contains(&(
            1,
            "term_mismatch".to_owned(),
            "Waffenstillstand → truce".to_owned()
        )),
        "{found:?}"
    );
}

#[test]
fn bad_glossary_files_exit_2_naming_the_file_line_and_problem() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let cases = [
        (
            "bad.csv",
            "de,en\nKiew,Kyiv\nBerlin\n",
            "invalid glossary '",
            "at line 3: a row needs a term and its translation, separated by a comma",
        ),
        (
            "header.csv",
            "Begriff,Übersetzung\nKiew,Kyiv\n",
            "invalid glossary '",
            "at line 1: column 1 of the header is 'Begriff', not a language code (as in de,en)",
        ),
        (
            "twice.tsv",
            "de\ten\nKiew\tKyiv\nkiew\tKiev\n",
            "invalid glossary '",
            "at line 3: 'Kiew' is already given on line 2 with another translation",
        ),
        (
            "terms.tbx",
            "<martif/>",
            "glossary '",
            "is TBX, which diglot does not read",
        ),
    ];
    for (name, text, starts, says) in cases {
        let path = sandbox.write(name, text);
        let out = sandbox.translate(
            &mock,
            &fixture("de-kurz.txt"),
            &["--glossary", path.to_str().expect("path")],
        );
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{name}: {}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!("diglot: error: {starts}")),
            "{name}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(name) && out.stderr.contains(says),
            "{name}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    let out = sandbox.translate(
        &mock,
        &fixture("de-kurz.txt"),
        &["--glossary", "/nonexistent/g.csv"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("diglot: error: cannot read glossary '/nonexistent/g.csv'"),
        "{}",
        out.stderr
    );
    assert_eq!(
        mock.translation_requests(),
        0,
        "nothing is sent before the glossary reads"
    );
}

#[test]
fn config_names_glossaries_per_profile_and_shows_them_with_context() {
    let sandbox = Sandbox::new();
    glossary(&sandbox, "de,en\nKiew,Kyiv\n");
    let config = sandbox.write(
        "config.toml",
        "context = false\nglossary = [\"missing-top.csv\"]\n[providers.news]\nkind = \"mock\"\nglossary = [\"glossary.csv\"]\n",
    );
    let mut cmd = sandbox.cmd();
    cmd.arg("--config")
        .arg(&config)
        .args(["config", "--provider", "news"]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = sandbox.dir.path().join("glossary.csv");
    assert!(
        out.stdout
            .contains(&format!("glossary         {}", shown.display())),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("context          off")),
        "{}",
        out.stdout
    );
    // The profile's glossary is used: its terms are checked in the translation.
    let mock = mock(&["ignore-glossary"]);
    let mut cmd = sandbox.cmd();
    cmd.arg("--config")
        .arg(&config)
        .args(["translate", "--provider", "news", "--base-url"])
        .arg(mock.base_url())
        .args(["--format", "json"])
        .arg(fixture("de-rutte-nato.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        checks(&json(&out.stdout))
            .iter()
            .any(|(_, kind, _)| kind == "term_mismatch")
    );
}
