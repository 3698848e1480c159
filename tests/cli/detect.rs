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

#[test]
fn a_swedish_article_suggests_from_sv() {
    let sandbox = Sandbox::new();
    let article = sandbox.write("svenska.txt", SWEDISH);
    for args in [&["detect"][..], &["translate", "--provider", "mock"]] {
        let out = run(sandbox.cmd().args(args).arg(&article));
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert!(
            out.stderr
                .contains("diglot: hint: translate it anyway with --from sv\n"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_short_text_is_taken_for_its_best_guess_by_detect_and_translate_alike() {
    let sandbox = Sandbox::new();
    let article = sandbox.write("kurz.txt", "Hallo Welt, das ist ein Test.\n");
    let detect = run(sandbox.cmd().arg("detect").arg(&article));
    let translate = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock", "--format", "json"])
        .arg(&article));
    for out in [&detect, &translate] {
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr.starts_with(
                "diglot: warning: the text is too short to be sure of its language: taking it \
                 for German (de"
            ),
            "{}",
            out.stderr
        );
    }
    assert!(
        detect.stdout.starts_with("de German 0."),
        "{}",
        detect.stdout
    );
    assert_eq!(json(&translate.stdout)["source"]["language"], "de");
    // A long text nobody can place stops both, with the same exit code.
    let mixed = "Die Regierung hat am Montag neue Pläne für den Ausbau der Bahn vorgestellt.\n\n\
                 The government presented new plans for expanding the railway on Monday.\n\n\
                 Le gouvernement a présenté lundi de nouveaux projets pour le chemin de fer.\n\n\
                 El gobierno presentó el lunes nuevos planes para ampliar el ferrocarril.\n";
    let article = sandbox.write("gemischt.txt", mixed);
    let detect = run(sandbox.cmd().arg("detect").arg(&article));
    let translate = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock"])
        .arg(&article));
    assert_eq!((detect.code, translate.code), (3, 3), "{}", detect.stderr);
}

#[test]
fn a_language_code_iso_639_1_does_not_assign_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock", "--to", "xx"])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("'xx' is not an ISO 639-1 language code"),
        "{}",
        out.stderr
    );
    let out = run(sandbox
        .cmd()
        .args([
            "translate",
            "--provider",
            "mock",
            "--to",
            "sv",
            "--format",
            "json",
        ])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
}
