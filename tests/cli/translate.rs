//! The main job: the reference article end to end, both directions, and the JSON schema.

use crate::common::{Sandbox, fixture, json, mock, requested_ids, run, widest_line};

#[test]
fn reference_article_side_by_side_its_opening_paragraph_first() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("German → English"), "{}", out.stdout);
    for id in 1..=8 {
        assert!(out.stdout.contains(&format!("¶{id} ")), "¶{id} missing");
    }
    assert!(
        out.stdout.contains("NATO membership for Kyiv"),
        "cassette text missing"
    );
    assert!(
        out.stdout.contains("Abonnieren Sie unseren Newsletter"),
        "boilerplate dropped"
    );
    assert!(widest_line(&out.stdout) <= 80);
    // Read as it arrives: the opening paragraph in a request of its own, the rest in one.
    let mut sent = requested_ids(&mock);
    sent.sort();
    assert_eq!(sent, vec![vec![1], (2..=8).collect::<Vec<_>>()]);
    // A whole document gains nothing from that: one request.
    let whole = mock_json_requests(&sandbox);
    assert_eq!(whole, vec![(1..=8).collect::<Vec<_>>()]);
    assert_eq!(out.stderr, "");
}

/// The paragraphs each request carried for the reference article as one JSON document.
fn mock_json_requests(sandbox: &Sandbox) -> Vec<Vec<u64>> {
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    requested_ids(&mock)
}

#[test]
fn reference_article_as_json_follows_the_documented_schema() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["source"]["language"], "de");
    assert!(
        doc["source"]["confidence"]
            .as_f64()
            .is_some_and(|c| c > 0.9),
        "{doc}"
    );
    assert_eq!(doc["target"]["language"], "en");
    assert_eq!(doc["provider"]["name"], "mock");
    assert_eq!(doc["provider"]["model"], "diglot-mock");
    let paragraphs = doc["paragraphs"].as_array().expect("paragraphs");
    let ids: Vec<u64> = paragraphs.iter().filter_map(|p| p["id"].as_u64()).collect();
    assert_eq!(ids, (1..=8).collect::<Vec<_>>());
    assert!(
        paragraphs[0]["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("Eine NATO-Mitgliedschaft"))
    );
    assert!(
        paragraphs[0]["target"]
            .as_str()
            .is_some_and(|s| s.starts_with("NATO membership for Kyiv"))
    );
    assert!(
        paragraphs[6]["target"]
            .as_str()
            .is_some_and(|s| s.contains("30-day ceasefire"))
    );
    assert!(
        paragraphs
            .iter()
            .all(|p| p["language"] == "de" && p["translated"] == true)
    );
    let boilerplate = doc["boilerplate"].as_array().expect("boilerplate");
    assert_eq!(boilerplate.len(), 3);
    assert_eq!(boilerplate[2], "Abonnieren Sie unseren Newsletter");
}

#[test]
fn keep_boilerplate_translates_the_footer_too_with_the_same_ids() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(
        &mock,
        &fixture("de-rutte-nato.txt"),
        &["--format", "json", "--keep-boilerplate"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["paragraphs"].as_array().map(Vec::len), Some(11));
    assert_eq!(
        doc["paragraphs"][10]["target"],
        "Subscribe to our newsletter"
    );
    assert_eq!(doc["boilerplate"], serde_json::json!([]));
}

#[test]
fn the_readme_command_starts_the_mock_in_process() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.cmd();
    cmd.args(["translate", "--provider", "mock", "--width", "100"])
        .arg(fixture("de-rutte-nato.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("NATO membership for Kyiv"));
    assert!(widest_line(&out.stdout) <= 100);
}

#[test]
fn an_english_article_goes_to_german_by_default() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("en-city-budget.txt"), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(
        (
            doc["source"]["language"].as_str(),
            doc["target"]["language"].as_str()
        ),
        (Some("en"), Some("de"))
    );
    assert!(
        doc["paragraphs"][0]["target"]
            .as_str()
            .is_some_and(|t| t.contains("14. März")),
        "{doc}"
    );
}

#[test]
fn to_and_from_override_the_direction_and_unrecorded_text_is_marked_pseudo() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(
        &mock,
        &fixture("de-kurz.txt"),
        &["--format", "json", "--from", "de", "--to", "fr"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["source"]["forced"], true);
    assert_eq!(doc["target"]["language"], "fr");
    assert!(
        doc["paragraphs"][0]["target"]
            .as_str()
            .is_some_and(|t| t.starts_with("[mock de→fr]")),
        "{doc}"
    );
}

#[test]
fn french_source_is_detected_and_goes_to_english() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(
        &mock,
        &fixture("fr-greve-transports.txt"),
        &["--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["source"]["language"], "fr");
    assert_eq!(doc["paragraphs"].as_array().map(Vec::len), Some(5));
}

#[test]
fn mixed_article_keeps_paragraphs_already_in_the_target_language() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("mixed-de-en.txt"), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["source"]["language"], "de");
    let kept: Vec<u64> = doc["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .filter(|p| p["translated"] == false)
        .filter_map(|p| p["id"].as_u64())
        .collect();
    assert_eq!(kept, vec![3, 5]);
    assert_eq!(doc["paragraphs"][2]["language"], "en");
    assert_eq!(
        doc["paragraphs"][2]["target"],
        doc["paragraphs"][2]["source"]
    );
    assert_eq!(requested_ids(&mock), vec![vec![1, 2, 4, 6]]);
}

#[test]
fn hard_wrapped_paragraphs_are_joined_not_cut() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(
        &mock,
        &fixture("de-lange-absaetze.txt"),
        &["--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let paragraphs = doc["paragraphs"].as_array().expect("paragraphs");
    assert_eq!(paragraphs.len(), 3);
    assert!(paragraphs.iter().all(|p| {
        p["source"]
            .as_str()
            .is_some_and(|s| s.len() > 1200 && s.ends_with('.'))
    }));
}

#[test]
fn english_article_to_english_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("en-city-budget.txt"), &["--to", "en"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("diglot: error: the article is already in English"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.chat_requests(), 0);
}
