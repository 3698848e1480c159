//! `--align sentence` over HTTP: the reference article aligned sentence by sentence in every
//! layout and format, the sentence faults caught and repaired, DeepL and LibreTranslate sending
//! sentences as items, the checks per sentence, the setting's layers and the cache, the width
//! invariants with CJK and Arabic, and the HTML page in headless Chromium.

use serde_json::Value;

use crate::browser::{measure_with, screenshot};
use crate::common::{
    BackgroundMock, Run, Sandbox, chat_payloads, fixture, fixture_json, json, mock, run,
};
use crate::providers::{translate, translation_bodies};
use crate::wire_specs::Wire;

/// `diglot translate --provider mock --base-url MOCK --align sentence FILE ARGS…` (at
/// `--width 80` unless `args` give one).
fn aligned(sandbox: &Sandbox, mock: &BackgroundMock, article: &str, args: &[&str]) -> Run {
    sandbox.translate(
        mock,
        &fixture(article),
        &[&["--align", "sentence"], args].concat(),
    )
}

/// The hand-written sentence cassette of the reference article: per paragraph, each pair's
/// sentence numbers and translation.
fn cassette() -> Vec<Vec<(Vec<u64>, String)>> {
    let cassette = fixture_json("cassettes/de-rutte-nato.sentences.en.json");
    cassette["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| {
            p["pairs"]
                .as_array()
                .expect("pairs")
                .iter()
                .map(|pair| {
                    let ids = pair["ids"].as_array().expect("ids");
                    let ids = ids.iter().filter_map(Value::as_u64).collect();
                    (ids, pair["target"].as_str().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .collect()
}

/// Each paragraph's sentence pairs of a JSON result: `(ids, source, target)`.
fn pairs_of(result: &Value) -> Vec<Vec<(Vec<String>, String, String)>> {
    result["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| {
            p["sentences"]
                .as_array()
                .map(|pairs| {
                    pairs
                        .iter()
                        .map(|s| {
                            let ids = s["ids"].as_array().expect("ids");
                            let ids = ids.iter().filter_map(|id| Some(id.as_str()?.to_owned()));
                            let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
                            (ids.collect(), text("source"), text("target"))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Asserts every paragraph of `result` has sentence pairs that cover its sentences in order
/// and whose targets make its translation.
fn assert_aligned(result: &Value) {
    let paragraphs = result["paragraphs"].as_array().expect("paragraphs");
    for (paragraph, pairs) in paragraphs.iter().zip(pairs_of(result)) {
        let id = paragraph["id"].as_u64().expect("id");
        assert!(!pairs.is_empty(), "¶{id} has no sentence pairs");
        let ids: Vec<String> = pairs.iter().flat_map(|(ids, _, _)| ids.clone()).collect();
        let expected: Vec<String> = (1..=ids.len()).map(|n| format!("{id}.{n}")).collect();
        assert_eq!(ids, expected, "¶{id}: each sentence once, in order");
        let sources: Vec<&str> = pairs.iter().map(|(_, s, _)| s.as_str()).collect();
        assert_eq!(
            sources.join(" "),
            paragraph["source"].as_str().unwrap_or_default()
        );
        let targets: Vec<&str> = pairs.iter().map(|(_, _, t)| t.as_str()).collect();
        assert_eq!(
            targets.join(" "),
            paragraph["target"].as_str().unwrap_or_default()
        );
    }
}

#[test]
fn the_reference_article_is_aligned_sentence_by_sentence_as_the_cassette_writes_it() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result = json(&out.stdout);
    assert_aligned(&result);
    let recorded = cassette();
    for (got, written) in pairs_of(&result).iter().zip(&recorded) {
        let got: Vec<(usize, &str)> = got.iter().map(|(i, _, t)| (i.len(), t.as_str())).collect();
        let written: Vec<(usize, &str)> =
            written.iter().map(|(i, t)| (i.len(), t.as_str())).collect();
        assert_eq!(got, written);
    }
    let groups: Vec<Vec<String>> = pairs_of(&result)
        .into_iter()
        .flatten()
        .filter(|(ids, _, _)| ids.len() > 1)
        .map(|(ids, _, _)| ids)
        .collect();
    assert_eq!(groups, [vec!["5.1", "5.2"], vec!["8.1", "8.2"]]);
    assert_eq!(result["checks"], Value::Array(vec![]), "{}", out.stdout);
    // One request, numbered sentence by sentence.
    let asked = mock.requests();
    let chats: Vec<_> = asked.iter().filter(|r| r.is_chat()).collect();
    assert_eq!(chats.len(), 1);
    let user = chats[0].body["messages"][1]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        user.starts_with("German (de) → English (en)\n\n[1.1] Eine NATO-Mitgliedschaft")
            && user.contains("bestätigte.\n[1.2] In einem Interview")
            && user.contains("werden.\n\n[2.1] Die Ukraine"),
        "{user}"
    );
}

#[test]
fn the_reference_article_in_every_layout_and_format() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let columns = aligned(
        &sandbox,
        &mock,
        "de-rutte-nato.txt",
        &["--width", "100", "--layout", "columns"],
    );
    assert_eq!(columns.code, 0, "{}", columns.stderr);
    insta::assert_snapshot!("sentences_columns_100", columns.stdout);
    let interlinear = aligned(
        &sandbox,
        &mock,
        "de-rutte-nato.txt",
        &["--layout", "interlinear"],
    );
    assert_eq!(interlinear.code, 0, "{}", interlinear.stderr);
    insta::assert_snapshot!("sentences_interlinear_80", interlinear.stdout);
    let markdown = aligned(
        &sandbox,
        &mock,
        "de-rutte-nato.txt",
        &["--format", "markdown"],
    );
    assert!(
        markdown.stdout.contains(
            "**¶5**\n\n- **¶5.1–2** “Es gibt viele Möglichkeiten, \\[Sicherheitsgarantien zu \
             geben\\]… Eine Beteiligung der NATO wäre jedoch schwierig.\n  > “There are many \
             ways \\[to provide security guarantees\\]… but an involvement of NATO would be \
             difficult.\n- **¶5.3** "
        ),
        "{}",
        markdown.stdout
    );
    let html = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--format", "html"]);
    for needed in [
        "<div class=\"row aligned\" id=\"p8\">",
        "<div class=\"sp\" id=\"s8-1\" title=\"¶8.1–2\">",
        "id=\"practice\"",
    ] {
        assert!(html.stdout.contains(needed), "{needed}");
    }
    // Stacked shows paragraphs; auto below 80 columns sets sentences interlinear.
    let stacked = aligned(
        &sandbox,
        &mock,
        "de-rutte-nato.txt",
        &["--layout", "stacked"],
    );
    assert!(
        stacked
            .stdout
            .contains("\n    NATO membership for Kyiv is not up"),
        "{}",
        stacked.stdout
    );
    let auto = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--width", "60"]);
    assert!(
        auto.stdout.contains("\n .2 In einem Interview"),
        "{}",
        auto.stdout
    );
}

#[test]
fn in_columns_each_sentence_pair_starts_on_one_row() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    for width in [80, 120] {
        let out = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--format", "json"]);
        let result = json(&out.stdout);
        let text = aligned(
            &sandbox,
            &mock,
            "de-rutte-nato.txt",
            &["--width", &width.to_string(), "--layout", "columns"],
        )
        .stdout;
        for (source, target) in pairs_of(&result)
            .into_iter()
            .flatten()
            .map(|(_, source, target)| (source, target))
        {
            let first = |text: &str| text.split(' ').take(2).collect::<Vec<_>>().join(" ");
            // The left column after the margin's label (`¶3`, `.2`), if any.
            let left_text = |line: &str| -> String {
                let left = line.split('│').next().unwrap_or_default().trim_start();
                match left.split_once(' ') {
                    Some((label, rest)) if label.starts_with(['¶', '.']) => rest.to_owned(),
                    _ => left.to_owned(),
                }
            };
            let row = text
                .lines()
                .find(|line| left_text(line).starts_with(&first(&source)));
            let row = row.unwrap_or_else(|| panic!("no row starts {source:?} at {width}:\n{text}"));
            let right = row
                .split_once('│')
                .map(|(_, r)| r.trim())
                .unwrap_or_default();
            assert!(
                right.starts_with(target.split(' ').next().unwrap_or_default()),
                "{width}: {row:?} does not start {target:?} on the right"
            );
        }
    }
}

/// The second chat request of a run that repaired one broken sentence reply: the repair turn.
fn repair_instruction(mock: &BackgroundMock) -> String {
    let chats: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.is_chat())
        .collect();
    assert_eq!(chats.len(), 2, "one request and one repair");
    let messages = chats[1].body["messages"].as_array().expect("messages");
    assert_eq!(
        messages.len(),
        4,
        "system, request, broken answer, instruction"
    );
    messages[3]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn each_sentence_fault_is_caught_and_repaired() {
    for (fault, problem) in [
        ("drop-sentence:1", "¶1.2 is missing"),
        ("merge-sentences:1", "¶1.2 is missing"),
        (
            "sentence-order:1",
            "¶1.1 comes after ¶1.2 (keep the article's order)",
        ),
        ("missing:1", "¶11.1 is missing"),
        ("not-json:1", "the reply is not the requested JSON"),
    ] {
        let sandbox = Sandbox::new();
        let mock = mock(&[fault]);
        let out = aligned(
            &sandbox,
            &mock,
            "de-rutte-nato.txt",
            &["--format", "json", "--keep-boilerplate"],
        );
        assert_eq!(out.code, 0, "{fault}: {}", out.stderr);
        let result = json(&out.stdout);
        assert_aligned(&result);
        assert_eq!(result["checks"], Value::Array(vec![]), "{fault}");
        let instruction = repair_instruction(&mock);
        assert!(instruction.contains(problem), "{fault}: {instruction}");
        // The repair asks for the JSON form: a model that broke the numbered contract gets it.
        assert!(instruction.contains("ids: 1.1, 1.2, 2.1,"), "{instruction}");
    }
}

#[test]
fn the_json_form_with_its_schema_is_repaired_too() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "json.toml",
        "[providers.json]\nkind = \"mock\"\nresponse_format = \"json_schema\"\n",
    );
    let mock = mock(&["sentence-order:1"]);
    let mut cmd = sandbox.cmd();
    cmd.args(["--config"])
        .arg(&config)
        .args([
            "translate",
            "--provider",
            "json",
            "--base-url",
            &mock.base_url(),
        ])
        .args(["--align", "sentence", "--format", "json"])
        .arg(fixture("de-rutte-nato.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_aligned(&json(&out.stdout));
    let payload = &chat_payloads(&mock)[0];
    assert_eq!(payload["sentences"][0]["id"], "1.1", "{payload}");
    let instruction = repair_instruction(&mock);
    assert!(
        instruction.contains("{\"sentences\": [{\"ids\": [\"1.1\"]"),
        "{instruction}"
    );
    assert!(instruction.contains("comes after"), "{instruction}");
    // Both requests carry the sentence reply's schema and are valid OpenAI requests.
    for body in translation_bodies(&mock, Wire::OpenAi) {
        let format = &body["response_format"]["json_schema"];
        assert_eq!(format["name"], "sentence_translations", "{body}");
        let entry = &format["schema"]["properties"]["sentences"]["items"];
        assert_eq!(entry["required"], serde_json::json!(["ids", "text"]));
    }
}

#[test]
fn anthropic_aligns_by_sentence_in_its_own_wire_format() {
    let sandbox = Sandbox::new();
    let mock = mock(&["merge-sentences:1"]);
    let out = translate(
        &sandbox,
        &mock,
        "anthropic",
        &fixture("de-rutte-nato.txt"),
        &[("ANTHROPIC_API_KEY", "test-key")],
        &["--align", "sentence", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_aligned(&json(&out.stdout));
    let bodies = translation_bodies(&mock, Wire::Anthropic);
    assert_eq!(bodies.len(), 2, "the request and its repair");
    let user = bodies[0]["messages"][0]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(user.contains("\"sentences\":[{\"id\":\"1.1\""), "{user}");
}

#[test]
fn a_model_that_keeps_breaking_the_contract_gets_each_sentence_as_an_item() {
    let sandbox = Sandbox::new();
    let mock = mock(&["drop-sentence"]);
    let out = aligned(&sandbox, &mock, "de-kurz.txt", &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result = json(&out.stdout);
    assert_aligned(&result);
    // Asked, repaired, then each sentence as a numbered item of its own ([1], [2]).
    let chats = chat_payloads(&mock);
    assert_eq!(chats.len(), 3, "{chats:?}");
    let ids: Vec<u64> = chats[2]["paragraphs"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["id"].as_u64())
        .collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!(pairs_of(&result)[0].len(), 2, "one pair per sentence");
}

#[test]
fn deepl_and_libretranslate_get_the_sentences_as_items() {
    for (kind, wire) in [
        ("deepl", Wire::Deepl),
        ("libretranslate", Wire::LibreTranslate),
    ] {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let out = translate(
            &sandbox,
            &mock,
            kind,
            &fixture("de-rutte-nato.txt"),
            &[("DEEPL_AUTH_KEY", "test-key")],
            &["--align", "sentence", "--format", "json"],
        );
        assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
        let result = json(&out.stdout);
        assert_aligned(&result);
        let singles = pairs_of(&result)
            .into_iter()
            .flatten()
            .all(|(ids, _, _)| ids.len() == 1);
        assert!(singles, "{kind}: one pair per sentence");
        let bodies = translation_bodies(&mock, wire);
        assert_eq!(bodies.len(), 1, "{kind}: one request");
        let texts = bodies[0][if kind == "deepl" { "text" } else { "q" }]
            .as_array()
            .expect("texts")
            .len();
        assert_eq!(texts, 18, "{kind}: the 18 sentences of ¶1–¶8");
        if kind == "deepl" {
            assert_eq!(bodies[0]["split_sentences"], "0");
            let context = bodies[0]["context"].as_str().unwrap_or_default();
            assert!(
                context.starts_with("Eine NATO-Mitgliedschaft Kiews")
                    && context.contains("endeten.\n\nDie genauen Inhalte"),
                "{context}"
            );
        }
    }
}

/// The reference article aligned by sentence with `args`, from a mock whose translation of
/// ¶7.2 loses its number (`drop-number`); the run must succeed.
fn dropped_number(args: &[&str]) -> (Sandbox, BackgroundMock, Run) {
    let sandbox = Sandbox::new();
    let mock = mock(&["drop-number"]);
    let out = aligned(&sandbox, &mock, "de-rutte-nato.txt", args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    (sandbox, mock, out)
}

#[test]
fn a_check_on_a_sentence_points_at_the_sentence() {
    let (sandbox, mock, out) = dropped_number(&["--format", "json"]);
    let result = json(&out.stdout);
    let checks = result["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert_eq!(checks[0]["paragraph"], 7);
    assert_eq!(checks[0]["sentences"], serde_json::json!(["7.2"]));
    assert_eq!(checks[0]["kind"], "number_missing");
    let text = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--width", "100"]).stdout;
    assert!(text.contains("\n! ¶7.2 number missing: 30\n"), "{text}");
    // The flag takes the room the margin kept for it from the start.
    assert!(text.contains("\n!.2 Witkoff reiste nach Moskau"), "{text}");
    // `diglot check` finds it again from the saved result, per sentence.
    let saved = sandbox.write("saved.json", &out.stdout);
    let mut check = sandbox.cmd();
    check.arg("check").arg(&saved);
    let checked = run(&mut check);
    assert_eq!(checked.code, 6, "{}", checked.stderr);
    assert_eq!(checked.stdout, "! ¶7.2 number missing: 30\n");
}

#[test]
fn diglot_check_refuses_a_saved_result_whose_sentences_do_not_line_up() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--format", "json"]);
    let mut result = json(&out.stdout);
    let check = |result: &Value| {
        let saved = sandbox.write("saved.json", result.to_string());
        let mut cmd = sandbox.cmd();
        cmd.arg("check").arg(&saved);
        run(&mut cmd)
    };
    let fine = check(&result);
    assert_eq!(fine.code, 0, "{}", fine.stderr);
    assert_eq!(fine.stdout, "all 8 paragraphs pass the fidelity checks\n");
    result["paragraphs"][2]["sentences"]
        .as_array_mut()
        .expect("pairs")
        .remove(1);
    let broken = check(&result);
    assert_eq!(broken.code, 6, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("sentences misaligned: ¶3"),
        "{}",
        broken.stderr
    );
}

#[test]
fn the_alignment_comes_from_the_flag_the_environment_the_file_or_the_interlinear_layout() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let has_sentences = |out: &Run| {
        assert_eq!(out.code, 0, "{}", out.stderr);
        json(&out.stdout)["paragraphs"][0]
            .get("sentences")
            .is_some()
    };
    let file = fixture("de-kurz.txt");
    assert!(!has_sentences(&sandbox.translate(
        &mock,
        &file,
        &["--format", "json"]
    )));
    let mut env = sandbox.cmd();
    env.env("DIGLOT_ALIGN", "sentence");
    assert!(has_sentences(&sandbox.translate_with(
        env,
        &mock,
        &file,
        &["--format", "json"]
    )));
    let config = sandbox.write("align.toml", "align = \"sentence\"\n");
    let mut cmd = sandbox.cmd();
    cmd.arg("--config").arg(&config);
    let from_file = sandbox.translate_with(cmd, &mock, &file, &["--format", "json"]);
    assert!(has_sentences(&from_file));
    let mut cmd = sandbox.cmd();
    cmd.arg("--config").arg(&config);
    let flag = sandbox.translate_with(
        cmd,
        &mock,
        &file,
        &["--format", "json", "--align", "paragraph"],
    );
    assert!(!has_sentences(&flag));
    let interlinear = sandbox.translate(&mock, &file, &["--layout", "interlinear"]);
    assert!(
        interlinear.stdout.contains("\n .2 Ausgeliehene Bücher"),
        "{}",
        interlinear.stdout
    );
    let explicit = sandbox.translate(
        &mock,
        &file,
        &["--layout", "interlinear", "--align", "paragraph"],
    );
    assert!(!explicit.stdout.contains("\n.2 "), "{}", explicit.stdout);
    let mut bad = sandbox.cmd();
    bad.env("DIGLOT_ALIGN", "word");
    let bad = sandbox.translate_with(bad, &mock, &file, &[]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains(
            "invalid value 'word' in DIGLOT_ALIGN: 'word' is neither paragraph nor sentence"
        ),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_sentence_result_is_cached_apart_from_a_paragraph_result() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let file = fixture("de-kurz.txt");
    let run_with = |args: &[&str]| {
        let out = sandbox.translate_with(sandbox.cached_cmd(), &mock, &file, args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        json(&out.stdout)
    };
    let paragraphs = run_with(&["--format", "json"]);
    assert!(paragraphs["paragraphs"][0].get("sentences").is_none());
    let sentences = run_with(&["--format", "json", "--align", "sentence"]);
    assert_eq!(
        sentences["usage"]["requests"], 1,
        "not the paragraph result"
    );
    assert_aligned(&sentences);
    let again = run_with(&["--format", "json", "--align", "sentence"]);
    assert_eq!(again["usage"]["requests"], 0, "from the cache");
    assert_eq!(again["paragraphs"], sentences["paragraphs"]);
}

#[test]
fn no_line_is_wider_than_the_width_with_sentences_cjk_and_arabic() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    for (article, to) in [
        ("de-rutte-nato.txt", "en"),
        ("wide-chars.txt", "en"),
        ("wide-chars.txt", "zh"),
        ("de-kurz.txt", "ar"),
        ("de-rutte-nato.txt", "ar"),
    ] {
        for width in [40, 80, 120] {
            for layout in ["columns", "interlinear", "stacked", "auto"] {
                let out = aligned(
                    &sandbox,
                    &mock,
                    article,
                    &[
                        "--to",
                        to,
                        "--width",
                        &width.to_string(),
                        "--layout",
                        layout,
                    ],
                );
                assert_eq!(out.code, 0, "{}", out.stderr);
                let widest = crate::common::widest_line(&out.stdout);
                assert!(
                    widest <= width,
                    "{article} → {to}, {layout} at {width}: widest {widest}\n{}",
                    out.stdout
                );
            }
        }
    }
}

/// Runs in the harness after the load event: each sentence pair's two cells, what focusing a
/// sentence lights up, and what the reading-practice toggle hides.
const SENTENCE_SCRIPT: &str = r#"<script>
window.addEventListener('load', function () {
  const frame = document.getElementById('page');
  const doc = frame.contentDocument;
  const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
  const pairs = [...doc.querySelectorAll('.sp')].map((sp) => ({
    id: sp.id, src: box(sp.querySelector('.src')), tgt: box(sp.querySelector('.tgt')),
  }));
  const back = (el) => getComputedStyle(el).backgroundColor;
  const first = doc.querySelector('.sp');
  const second = doc.querySelectorAll('.sp')[1];
  const before = { counterpart: back(first.querySelector('.tgt')), other: back(second.querySelector('.tgt')) };
  first.querySelector('.src').focus();
  const focused = {
    active: doc.activeElement === first.querySelector('.src'),
    counterpart: back(first.querySelector('.tgt')),
    other: back(second.querySelector('.tgt')),
  };
  first.querySelector('.src').blur();
  const toggle = doc.getElementById('practice');
  const color = (el) => getComputedStyle(el).color;
  const shown = color(second.querySelector('.tgt'));
  toggle.click();
  const hidden = color(second.querySelector('.tgt'));
  second.querySelector('.src').focus();
  const revealed = color(second.querySelector('.tgt'));
  const result = { pairs, before, focused, practice: { shown, hidden, revealed } };
  const pre = document.createElement('pre');
  pre.id = 'diglot-measured';
  pre.hidden = true;
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"#;

fn top(value: &Value, side: &str, edge: &str) -> f64 {
    value[side][edge]
        .as_f64()
        .unwrap_or_else(|| panic!("{side}.{edge} in {value}"))
}

#[test]
fn in_a_browser_sentence_pairs_line_up_light_up_their_counterpart_and_hide_for_practice() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let html = aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--format", "html"]).stdout;
    let measured = measure_with(&html, 1280, sandbox.dir.path(), SENTENCE_SCRIPT);
    let pairs = measured["pairs"].as_array().expect("pairs");
    assert_eq!(
        pairs.len(),
        16,
        "18 sentences of ¶1–¶8 in 16 pairs: {measured}"
    );
    for pair in pairs {
        let gap = (top(pair, "src", "top") - top(pair, "tgt", "top")).abs();
        assert!(gap <= 3.0, "{} starts {gap} px apart", pair["id"]);
        assert!(
            top(pair, "tgt", "left") >= top(pair, "src", "right"),
            "side by side: {pair}"
        );
    }
    for two in pairs.windows(2) {
        assert!(
            top(&two[1], "src", "top") >= top(&two[0], "src", "bottom") - 0.5,
            "{} overlaps {}",
            two[1]["id"],
            two[0]["id"]
        );
    }
    let (before, focused) = (&measured["before"], &measured["focused"]);
    assert_eq!(focused["active"], true, "{measured}");
    assert_ne!(
        before["counterpart"], focused["counterpart"],
        "the counterpart lights up"
    );
    assert_eq!(before["other"], focused["other"], "no other pair does");
    let practice = &measured["practice"];
    assert_eq!(practice["hidden"], "rgba(0, 0, 0, 0)", "{practice}");
    assert_ne!(practice["shown"], practice["hidden"]);
    assert_eq!(
        practice["revealed"], practice["shown"],
        "focusing the sentence shows it"
    );
    // At phone width each translation goes under its sentence.
    let narrow = measure_with(&html, 375, sandbox.dir.path(), SENTENCE_SCRIPT);
    for pair in narrow["pairs"].as_array().expect("pairs") {
        assert!(
            top(pair, "tgt", "top") >= top(pair, "src", "bottom") - 0.5,
            "{pair}"
        );
    }
    let shot = screenshot(&sandbox, &html, "sentences", (1280, 1800));
    println!("screenshot: {}", shot.display());
}

#[test]
fn sentence_requests_carry_the_glossary_and_the_text_before_them() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "small.toml",
        "[providers.small]\nkind = \"mock\"\nmax_chunk_chars = 900\n",
    );
    let glossary = sandbox.write("glossary.csv", "de,en\nKiew,Kyiv\nMoskau,Moscow\n");
    let mock = mock(&[]);
    let mut cmd = sandbox.cmd();
    cmd.arg("--config")
        .arg(&config)
        .args(["translate", "--provider", "small", "--base-url"])
        .arg(mock.base_url())
        .args(["--align", "sentence", "--format", "json", "--glossary"])
        .arg(&glossary)
        .arg(fixture("de-rutte-nato.txt"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_aligned(&json(&out.stdout));
    let chats: Vec<(String, String)> = mock
        .requests()
        .iter()
        .filter(|r| r.is_chat())
        .map(|r| {
            let text = |i: usize| {
                r.body["messages"][i]["content"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            };
            (text(0), text(1))
        })
        .collect();
    assert!(
        chats.len() > 1,
        "900 characters a request: several requests"
    );
    // ¶1 names Kiew: its request gives the entry, after the languages, before the sentences.
    let (system, first) = &chats[0];
    assert!(
        first.starts_with("German (de) → English (en)\n\n"),
        "{first}"
    );
    let entry = first.find("- Kiew → Kyiv").expect("the glossary entry");
    assert!(entry < first.find("[1.1] ").expect("¶1.1"), "{first}");
    assert!(system.contains("under \"Glossary\""), "{system}");
    assert!(!first.contains("> Before: "), "nothing comes before ¶1");
    // Every later request reads the text before it, and is told not to translate it.
    for (system, later) in &chats[1..] {
        assert!(later.contains("> Before: "), "{later}");
        assert!(system.contains("under \"Context\""), "{system}");
    }
}

#[test]
fn read_as_it_arrives_sentence_pairs_are_printed_as_the_whole_document_has_them() {
    let sandbox = Sandbox::new();
    // ¶7.2 loses its number: a flagged sentence pair in the middle of a paragraph.
    let mock = mock(&["drop-number"]);
    let saved = sandbox.dir.path().join("whole.txt");
    let saved_arg = saved.to_str().expect("UTF-8 path");
    for args in [
        vec!["--layout", "columns", "--width", "100"],
        vec!["--layout", "interlinear"],
        // auto below 80 columns: interlinear, decided from --align before the first pair.
        vec!["--width", "60"],
    ] {
        let streamed = aligned(&sandbox, &mock, "de-rutte-nato.txt", &args);
        assert_eq!(streamed.code, 0, "{args:?}: {}", streamed.stderr);
        let whole = aligned(
            &sandbox,
            &mock,
            "de-rutte-nato.txt",
            &[args.as_slice(), &["-o", saved_arg]].concat(),
        );
        assert_eq!(whole.code, 0, "{args:?}: {}", whole.stderr);
        let written = std::fs::read_to_string(&saved).expect("the file");
        assert_eq!(streamed.stdout, written, "{args:?}");
        let text = &streamed.stdout;
        // The margin kept room for a flagged later sentence from the first pair on.
        assert!(
            text.contains("\n ¶1 Eine NATO-Mitgliedschaft"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("\n .2 In einem Interview"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("\n!.2 Witkoff reiste nach Moskau"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("\n! ¶7.2 number missing: 30\n"),
            "{args:?}: {text}"
        );
        let interlinear = args != ["--layout", "columns", "--width", "100"];
        assert_eq!(
            text.contains("\n      NATO membership for Kyiv"),
            interlinear,
            "{args:?}: {text}"
        );
    }
    // A result from the cache is written whole, and the same as the run that cached it.
    let file = fixture("de-rutte-nato.txt");
    let args = ["--align", "sentence", "--layout", "interlinear"];
    let first = sandbox.translate_with(sandbox.cached_cmd(), &mock, &file, &args);
    let asked = mock.chat_requests();
    let again = sandbox.translate_with(sandbox.cached_cmd(), &mock, &file, &args);
    assert_eq!((first.code, again.code), (0, 0), "{}", again.stderr);
    assert_eq!(mock.chat_requests(), asked, "the second run is a cache hit");
    assert!(first.stdout.contains("\n!.2 Witkoff"), "{}", first.stdout);
    assert_eq!(first.stdout, again.stdout);
}

#[test]
fn jsonl_records_carry_the_sentence_pairs_and_the_sentence_a_check_points_at() {
    let (sandbox, mock, out) = dropped_number(&["--format", "jsonl"]);
    let records: Vec<Value> = out.stdout.lines().map(json).collect();
    let paragraphs: Vec<&Value> = records
        .iter()
        .filter(|r| r["type"] == "paragraph")
        .collect();
    let whole = json(&aligned(&sandbox, &mock, "de-rutte-nato.txt", &["--format", "json"]).stdout);
    let expected = whole["paragraphs"].as_array().expect("paragraphs");
    assert_eq!(paragraphs.len(), expected.len());
    for (record, paragraph) in paragraphs.iter().zip(expected) {
        let sentences = record["sentences"]
            .as_array()
            .expect("sentences in the record");
        assert!(!sentences.is_empty(), "{record}");
        assert_eq!(record["sentences"], paragraph["sentences"], "{record}");
        assert_eq!(record["target"], paragraph["target"], "{record}");
    }
    let seventh = paragraphs
        .iter()
        .find(|r| r["id"] == 7)
        .expect("¶7's record");
    assert_eq!(
        seventh["checks"][0]["sentences"],
        serde_json::json!(["7.2"])
    );
    let end = records.last().expect("an end record");
    assert_eq!(end["type"], "end");
    assert_eq!(end["checks"][0]["sentences"], serde_json::json!(["7.2"]));
}
