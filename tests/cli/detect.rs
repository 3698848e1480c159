//! `diglot detect`: language and confidence, per paragraph, as text and JSON.

use crate::common::{Sandbox, fixture, json, run};

#[test]
fn detects_the_reference_article_as_german() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .arg("detect")
        .arg(fixture("de-rutte-nato.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("de German 0.9") || out.stdout.starts_with("de German 1.00"),
        "{}",
        out.stdout
    );
}

#[test]
fn paragraphs_and_json_show_each_paragraph_and_the_boilerplate() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .args(["detect", "--paragraphs", "--format", "json"])
        .arg(fixture("mixed-de-en.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["language"], "de");
    let languages: Vec<&str> = doc["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .filter_map(|p| p["language"].as_str())
        .collect();
    assert_eq!(languages, ["de", "de", "en", "de", "en", "de"]);

    let out = run(sandbox
        .cmd()
        .args(["detect", "--paragraphs"])
        .arg(fixture("de-rutte-nato.txt")));
    assert_eq!(out.stdout.lines().count(), 12, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("¶11 de") && l.ends_with("boilerplate"))
    );
}

#[test]
fn detect_needs_no_provider() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .arg("detect")
        .arg(fixture("fr-greve-transports.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("fr French"), "{}", out.stdout);
}

/// A paragraph in Swedish, a language outside the compiled-in 15 (lingua alone says German).
const SWEDISH: &str = "Regeringen meddelade på måndagen att den kommer att höja \
    försvarsanslagen kraftigt under de kommande åren. Beslutet väntas få brett stöd i riksdagen, \
    där flera partier länge har krävt mer pengar till försvaret.\n\nKritiker menar att pengarna \
    borde gå till vården och skolan i stället, och att beslutet fattades alldeles för snabbt.\n";

#[test]
fn an_article_in_an_unsupported_language_is_exit_3_with_a_hint() {
    let sandbox = Sandbox::new();
    let article = sandbox.write("svenska.txt", SWEDISH);
    let out = run(sandbox.cmd().arg("detect").arg(&article));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("diglot: error: the article seems to be in Swedish"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--from"), "{}", out.stderr);
    assert_eq!(out.stdout, "");

    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock"])
        .arg(&article));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("Swedish"), "{}", out.stderr);

    // --from overrides detection: the mock pseudo-translates it.
    let out = run(sandbox
        .cmd()
        .args([
            "translate",
            "--provider",
            "mock",
            "--from",
            "sv",
            "--format",
            "json",
        ])
        .arg(&article));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["source"]["language"], "sv");
}
