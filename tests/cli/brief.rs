//! `diglot brief` and `translate --brief` against the mock API: the reference article's brief
//! as text, JSON and Markdown, repair of each failed check, the exit codes when repair fails,
//! and the width invariant.

use crate::common::BackgroundMock;

use crate::common::{Run, Sandbox, chat_payloads, fixture, json, mock, run, widest_line};

fn reference() -> std::path::PathBuf {
    fixture("de-rutte-nato.txt")
}

/// `diglot brief --provider mock --base-url MOCK --width 80 --color never REFERENCE ARGS…`.
fn brief(sandbox: &Sandbox, mock: &BackgroundMock, args: &[&str]) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.args([
        "brief",
        "--provider",
        "mock",
        "--base-url",
        &mock.base_url(),
    ])
    .args(["--width", "80", "--color", "never"])
    .arg(reference())
    .args(args);
    run(&mut cmd)
}

/// `diglot brief --provider mock --base-url MOCK --format json ARTICLE` run with `cmd`.
fn brief_json(
    mut cmd: assert_cmd::Command,
    mock: &BackgroundMock,
    article: std::path::PathBuf,
) -> Run {
    cmd.args(["brief", "--provider", "mock", "--base-url"])
        .arg(mock.base_url())
        .args(["--format", "json"])
        .arg(article);
    run(&mut cmd)
}

/// The `task` of every chat request's payload, in order.
fn tasks(mock: &BackgroundMock) -> Vec<String> {
    crate::common::chat_payloads(mock)
        .iter()
        .map(|payload| payload["task"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The last brief request's final user message (the repair instruction of a repair request).
fn last_instruction(mock: &BackgroundMock) -> String {
    let requests = mock.requests();
    let last = requests
        .iter()
        .rev()
        .find(|r| {
            r.is_chat()
                && r.body["messages"][1]["content"]
                    .as_str()
                    .is_some_and(|text| text.starts_with("Brief of "))
        })
        .expect("a brief request");
    let messages = last.body["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 4, "a repair request has 4 messages");
    messages[3]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn reference_article_brief_side_by_side_with_references() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief(&sandbox, &mock, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("German → English · brief · detected 1.00 · diglot-mock (mock)"),
        "{}",
        out.stdout
    );
    for expected in [
        "Rutte: NATO membership for Ukraine",
        "Key points",
        "People and organisations",
        "Mark Rutte – the Dutch Prime",
        "Annmarie Hordern – Bloomberg",
        "Donald Trump – US President",
        "¶4,5",
        "¶7 Trumps Sondergesandter",
    ] {
        assert!(out.stdout.contains(expected), "{expected}:\n{}", out.stdout);
    }
    assert!(widest_line(&out.stdout) <= 80);
    // The brief in German, then its texts translated: the headline, 5 points, 7 roles.
    assert_eq!(tasks(&mock), ["brief", "translate"]);
    let payloads = crate::common::chat_payloads(&mock);
    assert_eq!(payloads[0]["points"], 5);
    assert_eq!(payloads[1]["paragraphs"].as_array().map(Vec::len), Some(13));
    assert_eq!(out.stderr, "");
}

#[test]
fn brief_json_has_languages_provider_and_the_documented_brief() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief(&sandbox, &mock, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["source"]["language"], "de");
    assert_eq!(doc["target"]["language"], "en");
    assert_eq!(doc["provider"]["name"], "mock");
    let brief = &doc["brief"];
    assert!(
        brief["headline"]["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("Rutte: NATO-Beitritt"))
    );
    let points = brief["points"].as_array().expect("points");
    assert_eq!(points.len(), 5);
    assert_eq!(points[4]["paragraphs"], serde_json::json!([7]));
    assert!(
        points[4]["target"]
            .as_str()
            .is_some_and(|t| t.contains("30-day ceasefire"))
    );
    let entities = brief["entities"].as_array().expect("entities");
    let rutte = entities
        .iter()
        .find(|e| e["name"] == "Mark Rutte")
        .expect("Rutte");
    assert_eq!(rutte["role"]["target"], "the Dutch Prime Minister");
    assert!(doc.get("paragraphs").is_none());
}

#[test]
fn brief_as_markdown() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief(&sandbox, &mock, &["--format", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("## Rutte: NATO membership for Ukraine"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("### Key points\n"));
    assert!(
        out.stdout.contains("30-day ceasefire. (¶7)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("- **Mark Rutte** – the Dutch Prime Minister (¶1,3,4,6)")
    );
}

#[test]
fn only_target_prints_the_target_language_brief_alone() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief(&sandbox, &mock, &["--only-target"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("Rutte: NATO membership for Ukraine"));
    assert!(out.stdout.contains("• NATO membership for Kyiv"));
    assert!(out.stdout.contains("(¶7)"));
    assert!(
        out.stdout
            .contains("• Mark Rutte – the Dutch Prime Minister")
    );
    assert!(!out.stdout.contains("Sondergesandter"), "{}", out.stdout);
    assert!(widest_line(&out.stdout) <= 80);
}

#[test]
fn points_3_gives_three_points() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief(&sandbox, &mock, &["--points", "3", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["brief"]["points"].as_array().map(Vec::len), Some(3));
    let out = brief(&sandbox, &mock, &["--points", "8"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn no_line_of_the_brief_is_wider_than_the_width() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    for width in ["40", "80", "120"] {
        for extra in [&[][..], &["--only-target"], &["--layout", "columns"]] {
            let mut cmd = sandbox.cmd();
            cmd.args([
                "brief",
                "--provider",
                "mock",
                "--base-url",
                &mock.base_url(),
            ])
            .args(["--width", width, "--color", "never"])
            .arg(reference())
            .args(extra);
            let out = run(&mut cmd);
            assert_eq!(out.code, 0, "{}", out.stderr);
            let limit: usize = width.parse().expect("number");
            assert!(
                widest_line(&out.stdout) <= limit,
                "{width}:\n{}",
                out.stdout
            );
        }
    }
}

#[test]
fn a_bad_reference_is_repaired_once() {
    let sandbox = Sandbox::new();
    let mock = mock(&["brief-bad-ref:1"]);
    let out = brief(&sandbox, &mock, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(tasks(&mock), ["brief", "brief", "translate"]);
    assert!(
        last_instruction(&mock).contains("point 1 cites ¶9, which is not in the article"),
        "{}",
        last_instruction(&mock)
    );
    assert_eq!(
        json(&out.stdout)["brief"]["points"][0]["paragraphs"],
        serde_json::json!([1])
    );
}

#[test]
fn a_point_in_the_wrong_language_is_repaired_once() {
    let sandbox = Sandbox::new();
    let mock = mock(&["brief-wrong-language:1"]);
    let out = brief(&sandbox, &mock, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(tasks(&mock), ["brief", "brief", "translate"]);
    assert!(
        last_instruction(&mock)
            .contains("the source side of point 1 is in English (en), not German (de)"),
        "{}",
        last_instruction(&mock)
    );
}

#[test]
fn an_untranslated_text_is_translated_again_on_its_own() {
    let sandbox = Sandbox::new();
    let mock = mock(&["untranslated:1"]);
    let out = brief(&sandbox, &mock, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(tasks(&mock), ["brief", "translate", "translate"]);
    let payloads = crate::common::chat_payloads(&mock);
    assert_eq!(
        payloads[2]["paragraphs"].as_array().map(Vec::len),
        Some(1),
        "only the failed text goes again: {}",
        payloads[2]
    );
    let doc = json(&out.stdout);
    assert_eq!(doc["usage"]["repairs"], 1, "{}", doc["usage"]);
    assert_eq!(
        doc["brief"]["headline"]["target"],
        "Rutte: NATO membership for Ukraine is not up for debate in the peace efforts"
    );
}

#[test]
fn a_reply_that_is_not_json_is_repaired_once() {
    let sandbox = Sandbox::new();
    let mock = mock(&["brief-malformed:1"]);
    let out = brief(&sandbox, &mock, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(tasks(&mock), ["brief", "brief", "translate"]);
    assert!(last_instruction(&mock).contains("the reply is not the requested JSON"));
}

#[test]
fn a_bad_reference_twice_leaves_the_point_out_or_exits_6_when_too_few_would_be_left() {
    let sandbox = Sandbox::new();
    let mock = mock(&["brief-bad-ref:2"]);
    let out = brief(&sandbox, &mock, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "diglot: warning: the brief leaves out point 1, which still failed a check after its \
         repair: point 1 cites ¶9, which is not in the article\n"
    );
    let points = json(&out.stdout)["brief"]["points"].clone();
    assert_eq!(points.as_array().map(Vec::len), Some(4), "{points}");
    assert!(!points.to_string().contains('9'), "{points}");

    let mock = self::mock(&["brief-bad-ref:2"]);
    let out = brief(&sandbox, &mock, &["--points", "3"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "diglot: error: the brief failed verification: point 1 cites ¶9, which is not in the article\n"
    );
    assert_eq!(out.stdout, "");
    assert_eq!(mock.chat_requests(), 2);
}

#[test]
fn an_untranslated_text_twice_exits_6() {
    let sandbox = Sandbox::new();
    let mock = mock(&["untranslated:2"]);
    let out = brief(&sandbox, &mock, &["--format", "json"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "diglot: error: the brief failed verification: the target side of the headline"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
    assert_eq!(out.stdout, "");
    assert_eq!(tasks(&mock), ["brief", "translate", "translate"]);
}

#[test]
fn a_reply_that_is_never_json_exits_4() {
    let sandbox = Sandbox::new();
    let mock = mock(&["brief-malformed:2"]);
    let out = brief(&sandbox, &mock, &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("did not answer with a brief: the reply is not the requested JSON"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn translate_with_brief_prints_the_brief_below_the_translation() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &reference(), &["--brief"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let brief_at = out.stdout.find("Key points").expect("the brief");
    let pairs_at = out
        .stdout
        .find("¶1 Eine NATO-Mitgliedschaft")
        .expect("the pairs");
    // Pairs are printed as they are verified; the brief, which needs the whole article, after.
    assert!(pairs_at < brief_at, "{}", out.stdout);
    assert!(out.stdout.starts_with("German → English"));
    assert!(widest_line(&out.stdout) <= 80);
    // Translation (the opening paragraph, the rest) and the brief's source side go out at
    // once; the brief's texts are translated once its source side is checked.
    let mut sent = tasks(&mock);
    sent.sort();
    assert_eq!(sent, ["brief", "translate", "translate", "translate"]);
}

#[test]
fn translate_with_brief_as_json_has_paragraphs_and_brief() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &reference(), &["--brief", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["paragraphs"].as_array().map(Vec::len), Some(8));
    assert_eq!(doc["brief"]["points"].as_array().map(Vec::len), Some(5));

    let plain = sandbox.translate(&mock, &reference(), &["--format", "json"]);
    assert!(
        json(&plain.stdout).get("brief").is_none(),
        "{}",
        plain.stdout
    );
}

#[test]
fn translation_requests_leave_brief_faults_for_the_brief() {
    let sandbox = Sandbox::new();
    let mock = mock(&["brief-bad-ref:1"]);
    let out = sandbox.translate(&mock, &reference(), &["--brief", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The brief goes out with the translation; its fault is left for it, and repaired.
    let mut sent = tasks(&mock);
    sent.sort();
    assert_eq!(sent, ["brief", "brief", "translate", "translate"]);
}

#[test]
fn translate_as_markdown_quotes_each_translation() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &reference(), &["--format", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "# German → English\n\n*detected 1.00 · diglot-mock \\(mock\\)*\n\n**¶1** Eine NATO"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\n> NATO membership for Kyiv"));
}

#[test]
fn the_brief_provider_comes_from_flag_env_or_file_and_config_shows_it() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "brief.toml",
        "provider = \"mock\"\n[brief]\nprovider = \"writer\"\n\
         [providers.writer]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"w\"\n",
    );
    let mut cmd = sandbox.cmd();
    cmd.args(["config", "--config"]).arg(&config);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("brief provider"))
        .expect("a brief provider line");
    assert!(
        line.contains("writer") && line.contains("config file"),
        "{line}"
    );

    let mut cmd = sandbox.cmd();
    cmd.env("DIGLOT_BRIEF_PROVIDER", "ollama")
        .args(["config", "--config"])
        .arg(&config);
    let out = run(&mut cmd);
    assert!(out.stdout.contains("ollama"), "{}", out.stdout);
    assert!(out.stdout.contains("environment DIGLOT_BRIEF_PROVIDER"));

    // The flag wins, and the named profile writes the brief: here the mock over HTTP.
    let mock = mock(&[]);
    let mocked = sandbox.write(
        "mocked.toml",
        format!(
            "provider = \"mock\"\n[brief]\nprovider = \"writer\"\n\
             [providers.writer]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"w\"\n\
             [providers.other]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"other-model\"\n",
            mock.base_url()
        ),
    );
    let mut cmd = sandbox.cmd();
    cmd.args([
        "brief",
        "--brief-provider",
        "other",
        "--format",
        "json",
        "--config",
    ])
    .arg(&mocked)
    .arg(reference());
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["provider"]["name"], "other");
    assert_eq!(json(&out.stdout)["provider"]["model"], "other-model");
    assert_eq!(mock.chat_requests(), 2, "the brief and its translation");
}

#[test]
fn an_article_without_a_cassette_gets_a_marked_pseudo_brief_that_passes_the_checks() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief_json(sandbox.cmd(), &mock, fixture("en-city-budget.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["target"]["language"], "de");
    let points = doc["brief"]["points"].as_array().expect("points");
    assert_eq!(points.len(), 5);
    assert!(points.iter().all(|p| {
        p["target"]
            .as_str()
            .is_some_and(|t| t.starts_with("[mock en→de]"))
    }));
    assert_eq!(points[0]["paragraphs"], serde_json::json!([1]));
    assert_eq!(tasks(&mock), ["brief", "translate"], "no repair was needed");
}

/// What a brief without the items that still fail after their repair keeps.
#[derive(Clone, Copy)]
enum LeftOut {
    /// The failing point: the brief keeps the other four of the five asked for.
    Point,
    /// The failing entity: the brief keeps every point.
    Entity,
    /// Nothing can be left out (the headline failed): exit 6.
    Nothing,
}

/// A brief fault injected once is caught and repaired by one more request, before the brief
/// is translated. Injected into every request, the item that still fails after the one repair
/// is left out with a warning naming the failure, when the brief keeps at least three points;
/// when it cannot (the headline, or a point of three asked for), the run exits 6 after the
/// repair, naming the failure, and nothing is translated.
fn assert_repaired_once_then_left_out(fault: &str, failure: &str, left_out: LeftOut) {
    let sandbox = Sandbox::new();
    let once = mock(&[&format!("{fault}:1")]);
    let out = brief(&sandbox, &once, &["--format", "json"]);
    assert_eq!(out.code, 0, "{fault}: {}", out.stderr);
    assert_eq!(tasks(&once), ["brief", "brief", "translate"]);
    assert!(
        last_instruction(&once).contains(failure),
        "{}",
        last_instruction(&once)
    );

    let always = mock(&[fault]);
    let fatal = match left_out {
        LeftOut::Nothing => brief(&sandbox, &always, &[]),
        LeftOut::Point | LeftOut::Entity => {
            let out = brief(&sandbox, &always, &["--format", "json"]);
            assert_eq!(out.code, 0, "{fault}: {}", out.stderr);
            assert!(
                out.stderr
                    .starts_with("diglot: warning: the brief leaves out ")
                    && out.stderr.contains(failure),
                "{}",
                out.stderr
            );
            let doc = json(&out.stdout);
            let (points, entities) = (&doc["brief"]["points"], &doc["brief"]["entities"]);
            let count = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
            match left_out {
                LeftOut::Point => {
                    assert_eq!(count(points), 4, "{points}");
                    // Run twice with one cache: the second brief comes from it, and still
                    // says that points are missing.
                    let cached = mock(&[fault]);
                    let cached_run = || brief_json(sandbox.cached_cmd(), &cached, reference());
                    assert_eq!(cached_run().code, 0);
                    let requests = cached.chat_requests();
                    let again = cached_run();
                    assert_eq!(again.code, 0, "{}", again.stderr);
                    assert_eq!(cached.chat_requests(), requests, "from the cache");
                    assert!(
                        again.stderr.contains(
                            "the brief from the cache has 4 of the 5 key points asked for"
                        ),
                        "{}",
                        again.stderr
                    );
                }
                _ => {
                    assert_eq!(count(points), 5, "{points}");
                    assert!(!entities.to_string().contains("Erika Mustermann"));
                    return;
                }
            }
            let failed = mock(&[fault]);
            let out = brief(&sandbox, &failed, &["--points", "3"]);
            assert_eq!(tasks(&failed), ["brief", "brief"]);
            out
        }
    };
    assert_eq!(fatal.code, 6, "{fault}: {}", fatal.stderr);
    assert!(
        fatal
            .stderr
            .starts_with("diglot: error: the brief failed verification: ")
            && fatal.stderr.contains(failure),
        "{}",
        fatal.stderr
    );
    assert_eq!(fatal.stdout, "");
}

#[test]
fn an_empty_side_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out(
        "brief-empty",
        "point 1 has an empty source side",
        LeftOut::Point,
    );
}

#[test]
fn a_number_no_cited_paragraph_has_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out("brief-number", "987654", LeftOut::Point);
}

#[test]
fn field_names_as_values_are_repaired_once_and_fatal_twice() {
    assert_repaired_once_then_left_out(
        "brief-field-names",
        "the source side of the headline is 'headline', a field name or placeholder, not text",
        LeftOut::Nothing,
    );
}

#[test]
fn a_point_citing_every_paragraph_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out(
        "brief-all-paragraphs",
        "point 1 cites 8 of the article's 8 paragraphs; a key point may cite at most 4",
        LeftOut::Point,
    );
}

#[test]
fn a_repeated_point_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out(
        "brief-duplicate",
        "point 2 repeats point 1 (the same source side)",
        LeftOut::Point,
    );
}

#[test]
fn a_one_word_side_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out(
        "brief-one-word",
        "the source side of point 1 has 1 word, fewer than 4",
        LeftOut::Point,
    );
}

#[test]
fn an_entity_named_in_no_paragraph_it_cites_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out(
        "brief-entity-uncited",
        "entity 'Erika Mustermann' is not named in ¶1, ¶3, which it cites",
        LeftOut::Entity,
    );
}

#[test]
fn an_unattributed_statement_is_repaired_once_then_left_out_or_fatal() {
    assert_repaired_once_then_left_out(
        "brief-unattributed",
        "point 1 repeats a statement of ¶1 without naming who made it (Mark Rutte)",
        LeftOut::Point,
    );
}

#[test]
fn a_short_article_is_asked_for_no_more_points_than_it_has_sentences() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = brief_json(sandbox.cmd(), &mock, fixture("de-kurz.txt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "diglot: warning: the article has 2 sentences: its brief has at most 2 key points, not 5\n"
    );
    let asked = chat_payloads(&mock);
    assert_eq!(asked[0]["task"], "brief");
    assert_eq!(asked[0]["points"], 2, "{}", asked[0]);
}
