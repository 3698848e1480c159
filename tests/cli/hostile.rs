//! Hostile input and hostile servers (issue 13): every read bounded, nothing unsafe on the
//! terminal, no secret in a message, nothing lost or misaligned, every failure one line and a
//! documented exit code. Servers are the mock's hostile faults over HTTP; inputs and cache
//! entries are crafted here. Time and memory are measured in `bench/run`, not here.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{BackgroundMock, Run, Sandbox, fixture, json, mock, run};
use crate::providers::{KINDS, translate};

fn kurz() -> PathBuf {
    fixture("de-kurz.txt")
}

/// `diglot ARGS…` in `sandbox`.
fn diglot(sandbox: &Sandbox, args: &[&str]) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.args(args);
    run(&mut cmd)
}

/// For each provider kind: a fresh sandbox and a mock with `faults`, the article translated
/// with `args`, and `check` on the kind, the mock and the run.
fn in_every_kind(faults: &[&str], args: &[&str], check: impl Fn(&str, &BackgroundMock, Run)) {
    for (kind, _) in KINDS {
        let sandbox = Sandbox::new();
        let mock = mock(faults);
        let out = translate(&sandbox, &mock, kind, &kurz(), &[], args);
        check(kind, &mock, out);
    }
}

/// No raw ESC, BEL, CR or other control character (but the line ends) anywhere in `text`.
fn assert_no_controls(text: &str) {
    let raw = text.chars().find(|c| c.is_control() && *c != '\n');
    assert_eq!(
        raw, None,
        "a raw control character reached the terminal: {text:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Every read is bounded
// ---------------------------------------------------------------------------------------------

#[test]
fn endless_devices_are_refused_at_the_first_block_by_every_reader() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, Path::new("/dev/zero"), &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("binary (NUL byte at offset 0)"),
        "{}",
        out.stderr
    );
    for args in [["detect", "/dev/zero"], ["check", "/dev/zero"]] {
        let out = diglot(&sandbox, &args);
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("NUL byte at offset 0"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(mock.chat_requests(), 0);
}

#[test]
fn a_config_file_or_prompt_that_never_ends_is_refused() {
    let sandbox = Sandbox::new();
    let out = diglot(&sandbox, &["--config", "/dev/zero", "config"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "diglot: error: cannot read config file '/dev/zero': it is larger than 1 MB\n"
    );
    let prompts = sandbox.dir.path().join("config/diglot/prompts");
    std::fs::create_dir_all(&prompts).expect("prompts dir");
    std::os::unix::fs::symlink("/dev/zero", prompts.join("translate.md")).expect("symlink");
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &kurz(), &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 1 MB"), "{}", out.stderr);
    assert_eq!(mock.chat_requests(), 0);
}

#[test]
fn the_article_limit_is_configurable_in_the_environment_and_the_file() {
    let sandbox = Sandbox::new();
    // 1.2 MB without letters: read whole, it is undecided at once (no detection to wait for).
    let article = sandbox.write("big.txt", "12345 67890 2024-03-14\n".repeat(52_000));
    let path = article.to_str().expect("UTF-8 path");
    let mut cmd = sandbox.cmd();
    cmd.env("DIGLOT_MAX_ARTICLE_MB", "1").args(["detect", path]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("is larger than 1 MB, the limit for one article (max_article_mb)\n"),
        "{}",
        out.stderr
    );
    let config = sandbox.write("limit.toml", "max_article_mb = 2\n");
    let mut cmd = sandbox.cmd();
    cmd.arg("--config").arg(&config).args(["detect", path]);
    let out = run(&mut cmd);
    // Read whole, it is no article: not "too large" but undecidable (exit 3).
    assert_eq!(out.code, 3, "read whole: {}", out.stderr);
    assert!(
        out.stderr
            .starts_with("diglot: error: cannot tell which language the article is in"),
        "{}",
        out.stderr
    );
}

/// The cache entries of the sandbox's shared cache.
fn cache_entries(sandbox: &Sandbox) -> Vec<PathBuf> {
    let mut entries = Vec::new();
    for prefix in std::fs::read_dir(sandbox.shared_cache().join("entries")).expect("entries") {
        for entry in std::fs::read_dir(prefix.expect("prefix").path()).expect("prefix dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                entries.push(path);
            }
        }
    }
    entries
}

#[test]
fn cache_entries_that_are_links_to_dev_zero_or_fifos_are_a_warning_and_a_recompute() {
    for plant in ["link", "fifo"] {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let first = sandbox.translate_with(sandbox.cached_cmd(), &mock, &kurz(), &[]);
        assert_eq!(first.code, 0, "{}", first.stderr);
        let sent = mock.chat_requests();
        for entry in cache_entries(&sandbox) {
            std::fs::remove_file(&entry).expect("remove entry");
            if plant == "link" {
                std::os::unix::fs::symlink("/dev/zero", &entry).expect("symlink");
            } else {
                let made = std::process::Command::new("mkfifo").arg(&entry).status();
                assert!(made.expect("mkfifo runs").success());
            }
        }
        let again = sandbox.translate_with(sandbox.cached_cmd(), &mock, &kurz(), &[]);
        assert_eq!(again.code, 0, "{plant}: {}", again.stderr);
        assert_eq!(again.stdout, first.stdout, "{plant}");
        assert!(
            again
                .stderr
                .contains("diglot: warning: ignoring unreadable cache entry")
                && again.stderr.contains("it is not a regular file"),
            "{plant}: {}",
            again.stderr
        );
        assert_eq!(mock.chat_requests(), 2 * sent, "{plant}: recomputed");
    }
}

#[test]
fn check_reads_a_saved_result_of_up_to_four_times_the_article_limit() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
    let mut result = json(&out.stdout);
    let padding = "x".repeat(1_500_000);
    result["boilerplate"] = Value::from(vec![padding]);
    let file = sandbox.write("result.json", result.to_string());
    let mut cmd = sandbox.cmd();
    cmd.env("DIGLOT_MAX_ARTICLE_MB", "1")
        .arg("check")
        .arg(&file);
    assert_eq!(run(&mut cmd).code, 0);
    let mut cmd = sandbox.cmd();
    result["boilerplate"] = Value::from(vec!["x".repeat(4_100_000)]);
    let file = sandbox.write("result.json", result.to_string());
    cmd.env("DIGLOT_MAX_ARTICLE_MB", "1")
        .arg("check")
        .arg(&file);
    let out = run(&mut cmd);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("larger than 4 MB, the limit for one saved result"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Response bodies are bounded
// ---------------------------------------------------------------------------------------------

#[test]
fn an_endless_or_huge_reply_body_exits_4_in_every_protocol() {
    for fault in ["endless-body", "huge-body"] {
        in_every_kind(&[fault], &[], |kind, mock, out| {
            assert_eq!(out.code, 4, "{kind} {fault}: {}", out.stderr);
            assert!(
                out.stderr.contains("the reply is larger than ")
                    && out
                        .stderr
                        .contains(" MB, far more than the request can produce")
                    && out.stderr.lines().count() == 1,
                "{kind} {fault}: {}",
                out.stderr
            );
            assert_eq!(out.stdout, "");
            assert_eq!(
                mock.translation_requests(),
                1,
                "{kind} {fault}: not retried"
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// 3. A megabyte word in a reply
// ---------------------------------------------------------------------------------------------

#[test]
fn a_reply_with_a_million_letter_word_is_shown_whole_and_flagged() {
    // A server that cannot stream sends the word whole (a streamed one is cut as a loop: see
    // below); the paragraph's repair gets the same word, so it stays, flagged.
    let sandbox = Sandbox::new();
    let no_stream = || {
        crate::common::BackgroundMock::spawn(diglot::mock::MockOptions {
            faults: vec!["huge-word".parse().expect("a fault")],
            emulate: vec!["no-stream".parse().expect("an emulation")],
            ..diglot::mock::MockOptions::default()
        })
        .expect("mock starts")
    };
    let rutte = fixture("de-rutte-nato.txt");
    let mock = no_stream();
    let out = sandbox.translate(&mock, &rutte, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let letters: usize = out
        .stdout
        .lines()
        .map(|line| line.chars().filter(|c| *c == 'x').count())
        .sum();
    assert!(letters >= 1_000_000, "{letters} letters shown");
    assert!(crate::common::widest_line(&out.stdout) <= 80);
    let mock = no_stream();
    let out = sandbox.translate(&mock, &rutte, &["--format", "json", "--strict"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    let checks = json(&out.stdout)["checks"].clone();
    let kinds: Vec<&str> = checks
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["cut_off", "length_ratio"], "{checks}");
    assert!(
        out.stderr.lines().count() == 1 && out.stderr.len() < 300,
        "{}",
        out.stderr
    );
}

#[test]
fn a_streamed_million_letter_word_is_cut_as_a_loop_and_its_chunk_sent_again() {
    let sandbox = Sandbox::new();
    let mock = mock(&["huge-word:1"]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["checks"], serde_json::json!([]));
    assert!(!out.stdout.contains("xxxxxxxxxx"));
}

// ---------------------------------------------------------------------------------------------
// 4. Nothing from outside reaches stderr raw
// ---------------------------------------------------------------------------------------------

#[test]
fn escape_sequences_in_a_server_error_message_are_shown_neutralized() {
    in_every_kind(&["escape-error"], &[], |kind, _, out| {
        assert_eq!(out.code, 4, "{kind}: {}", out.stderr);
        assert_no_controls(&out.stderr);
        assert!(out.stderr.contains("HTTP 400"), "{kind}: {}", out.stderr);
        assert!(
            out.stderr.contains("␛]0;pwned␇␛[2J"),
            "{kind}: {}",
            out.stderr
        );
    });
}

#[test]
fn a_file_name_with_control_characters_is_shown_neutralized() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let dir = sandbox.dir.path().join("articles");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("evil\r\x1b[2J\nname.txt"), "").expect("empty article");
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "mock",
        "--base-url",
        &mock.base_url(),
    ])
    .arg(&dir)
    .arg("--out-dir")
    .arg(sandbox.dir.path().join("out"));
    let out = run(&mut cmd);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_no_controls(&out.stderr);
    assert!(out.stderr.contains("evil␍␛[2J␊name.txt"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// 5. No password or key from a URL in any message
// ---------------------------------------------------------------------------------------------

#[test]
fn a_password_or_key_in_the_base_url_is_never_printed() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "fast.toml",
        "[providers.fast]\nkind = \"openai\"\nmodel = \"m\"\nmax_retries = 0\ntimeout = 5\n",
    );
    let broken = mock(&["500"]);
    let userinfo = |url: &str| url.replacen("http://", "http://user:SECRET@", 1);
    let cases = [
        // Gave up after an HTTP 500.
        (userinfo(&broken.base_url()), 5, "last answer HTTP 500"),
        // A key in the query string: the server answers 404 to the odd path it makes.
        (
            broken.base_url() + "?api_key=SECRET2",
            4,
            "refused the request: HTTP 404",
        ),
        // Cannot reach (nothing listens on port 9).
        (
            userinfo("http://127.0.0.1:9/v1") + "?key=SECRET2",
            5,
            "cannot reach",
        ),
        // Not a URL.
        (
            userinfo("http://127.0.0.1:notaport/v1"),
            2,
            "invalid base URL",
        ),
    ];
    for (url, code, expected) in cases {
        let mut cmd = sandbox.cmd();
        cmd.env("DIGLOT_BASE_URL", &url)
            .arg("--config")
            .arg(&config)
            .args(["translate", "--provider", "fast"])
            .arg(kurz());
        let out = run(&mut cmd);
        assert_eq!(out.code, code, "{url}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("SECRET"), "{url}: {}", out.stderr);
        let mut cmd = sandbox.cmd();
        cmd.env("DIGLOT_BASE_URL", &url)
            .arg("--config")
            .arg(&config)
            .args(["config", "show"]);
        let shown = run(&mut cmd);
        assert!(
            !shown.stdout.contains("SECRET") && !shown.stderr.contains("SECRET"),
            "{url}: {shown:?}"
        );
        assert!(
            shown.stdout.contains("(redacted)"),
            "{url}: {}",
            shown.stdout
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Emptiness is judged on visible letters
// ---------------------------------------------------------------------------------------------

#[test]
fn an_invisible_translation_is_a_contract_break_repaired_or_refused_in_every_protocol() {
    in_every_kind(
        &["invisible:1"],
        &["--format", "json"],
        |kind, mock, out| {
            assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
            assert_eq!(mock.translation_requests(), 2, "{kind}: repaired once");
            for pair in json(&out.stdout)["paragraphs"].as_array().expect("pairs") {
                let target = pair["target"].as_str().unwrap_or_default();
                assert!(
                    target.chars().any(char::is_alphabetic),
                    "{kind}: {target:?}"
                );
            }
        },
    );
    in_every_kind(&["invisible"], &["--strict"], |kind, _, out| {
        assert_eq!(out.code, 4, "{kind}: {}", out.stderr);
        assert!(out.stderr.contains("is empty"), "{kind}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    });
}

// ---------------------------------------------------------------------------------------------
// 7. Hard-wrapped text without blank lines
// ---------------------------------------------------------------------------------------------

#[test]
fn hard_wrapped_text_without_blank_lines_keeps_its_sentences_whole() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let text = "\
Der deutsche Außenhandel hat im vergangenen Jahr einen neuen Rekord
aufgestellt. Nach Angaben des Statistischen Bundesamtes stiegen die
Ausfuhren um fast acht Prozent, während die Einfuhren nur leicht
zulegten. Besonders gefragt waren Maschinen und Fahrzeuge.
Für das laufende Jahr rechnen die Verbände mit einem Rekord an
Ausfuhren, warnen aber vor neuen Zöllen und einem schwächeren
Wachstum in den wichtigsten Märkten.\u{2028}Das sagte ein Sprecher.
";
    let file = sandbox.write("wrapped.txt", text);
    let out = sandbox.translate(&mock, &file, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sources: Vec<String> = json(&out.stdout)["paragraphs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| p["source"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(sources.len(), 2, "{sources:#?}");
    assert!(
        sources[1].contains("mit einem Rekord an Ausfuhren"),
        "{sources:#?}"
    );
    assert!(
        sources[1].ends_with("Märkten. Das sagte ein Sprecher."),
        "{sources:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 8. A cached whole result is verified before use
// ---------------------------------------------------------------------------------------------

/// The cache entry holding the whole result (the one with `paragraphs` in its value).
fn report_entry(sandbox: &Sandbox) -> (PathBuf, Value) {
    cache_entries(sandbox)
        .into_iter()
        .find_map(|path| {
            let entry: Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
            entry["value"]["paragraphs"]
                .is_array()
                .then_some((path, entry))
        })
        .expect("a report entry")
}

/// Writes `entry` back with `value` edited and, when `reseal`, its checksum recomputed as
/// diglot computes it, so that only the check against the article can catch the edit.
fn edit_entry(path: &Path, mut entry: Value, edit: impl FnOnce(&mut Value), reseal: bool) {
    use sha2::Digest;
    edit(&mut entry["value"]);
    if reseal {
        let canonical = entry["value"].to_string();
        let mut hasher = sha2::Sha256::new();
        hasher.update((canonical.len() as u64).to_le_bytes());
        hasher.update(canonical.as_bytes());
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        entry["checksum"] = Value::from(hex);
    }
    std::fs::write(path, entry.to_string()).expect("write entry");
}

/// What an edit is, how it is made, whether the checksum is recomputed, what the warning says.
type Edit = (&'static str, fn(&mut Value), bool, &'static str);

#[test]
fn an_edited_cached_result_is_a_warning_and_a_recompute_never_printed() {
    let edits: [Edit; 3] = [
        (
            "dropped ¶2, checksum left",
            |value| {
                value["paragraphs"].as_array_mut().expect("pairs").remove(1);
            },
            false,
            "checksum does not match",
        ),
        (
            "dropped ¶2, checksum recomputed",
            |value| {
                value["paragraphs"].as_array_mut().expect("pairs").remove(1);
            },
            true,
            "missing: ¶2",
        ),
        (
            "source replaced, checksum recomputed",
            |value| value["paragraphs"][0]["source"] = Value::from("Etwas ganz anderes."),
            true,
            "its text is not the article's",
        ),
    ];
    for (what, edit, reseal, expected) in edits {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let args = ["--format", "json"];
        let rutte = fixture("de-rutte-nato.txt");
        let first = sandbox.translate_with(sandbox.cached_cmd(), &mock, &rutte, &args);
        assert_eq!(first.code, 0, "{}", first.stderr);
        let (path, entry) = report_entry(&sandbox);
        edit_entry(&path, entry, edit, reseal);
        let again = sandbox.translate_with(sandbox.cached_cmd(), &mock, &rutte, &args);
        assert_eq!(again.code, 0, "{what}: {}", again.stderr);
        assert!(
            again.stderr.contains("diglot: warning: ") && again.stderr.contains(expected),
            "{what}: {}",
            again.stderr
        );
        let ids: Vec<u64> = json(&again.stdout)["paragraphs"]
            .as_array()
            .expect("pairs")
            .iter()
            .filter_map(|p| p["id"].as_u64())
            .collect();
        let first_ids: Vec<u64> = json(&first.stdout)["paragraphs"]
            .as_array()
            .expect("pairs")
            .iter()
            .filter_map(|p| p["id"].as_u64())
            .collect();
        assert_eq!(ids, first_ids, "{what}");
        assert!(!again.stdout.contains("Etwas ganz anderes"), "{what}");
    }
}

// ---------------------------------------------------------------------------------------------
// 9. `diglot check` checks structure first
// ---------------------------------------------------------------------------------------------

#[test]
fn check_refuses_a_result_that_lost_doubled_or_invented_paragraphs() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &fixture("de-rutte-nato.txt"), &["--format", "json"]);
    let result = json(&out.stdout);
    let with_ids = |ids: &[u64]| {
        let mut edited = result.clone();
        let pairs = result["paragraphs"].as_array().expect("pairs");
        edited["paragraphs"] = ids
            .iter()
            .map(|&id| {
                let mut pair = pairs[0].clone();
                pair["id"] = Value::from(id);
                pair
            })
            .collect();
        edited
    };
    let cases = [
        (with_ids(&[1, 3]), "missing: ¶2"),
        (with_ids(&[1, 1]), "translated twice: ¶1"),
        (with_ids(&[1, 2, 7]), "missing: ¶3, ¶4, ¶5, ¶6"),
        (with_ids(&[]), "missing: ¶1"),
    ];
    for (edited, expected) in cases {
        let file = sandbox.write("broken.json", edited.to_string());
        let out = diglot(&sandbox, &["check", file.to_str().expect("UTF-8 path")]);
        assert_eq!(out.code, 6, "{expected}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("broken.json': the translation does not line up")
                && out.stderr.contains(expected),
            "{expected}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "nothing checked");
    }
    let file = sandbox.write("other.json", r#"{"paragraphs": 3}"#);
    let out = diglot(&sandbox, &["check", file.to_str().expect("UTF-8 path")]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("is not a diglot translation result"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// 10. One separator column
// ---------------------------------------------------------------------------------------------

#[test]
fn the_brief_and_the_translation_each_keep_one_separator_column() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(
        &mock,
        &fixture("de-rutte-nato.txt"),
        &["--brief", "--layout", "columns"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The brief follows the pairs below a rule; each block has one separator column.
    let (pairs, brief) = out
        .stdout
        .split_once("\n\n─")
        .expect("a rule before the brief");
    for block in [pairs, brief] {
        let columns: std::collections::BTreeSet<usize> = block
            .lines()
            .filter_map(|line| {
                let at = line.find('│')?;
                Some(unicode_width::UnicodeWidthStr::width(&line[..at]))
            })
            .collect();
        assert_eq!(columns.len(), 1, "separators at {columns:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 11 and 12. `-o` and special files; output errors exit 7
// ---------------------------------------------------------------------------------------------

#[test]
fn dash_o_dash_is_stdout_and_devices_fifos_and_links_are_written_through() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let dir = sandbox.dir.path();
    let mut cmd = sandbox.cmd();
    cmd.current_dir(dir);
    let out = sandbox.translate_with(cmd, &mock, &kurz(), &["-o", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("¶1"), "{}", out.stdout);
    assert!(!dir.join("-").exists(), "no file named '-'");

    let out = sandbox.translate(&mock, &kurz(), &["-o", "/dev/null"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let null = std::fs::metadata("/dev/null").expect("/dev/null");
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &null.file_type()
    ));

    let target = sandbox.write("real.txt", "old");
    let link = dir.join("link.txt");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let link_arg = link.to_str().expect("UTF-8 path");
    let out = sandbox.translate(&mock, &kurz(), &["-o", link_arg]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let link_meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(link_meta.file_type().is_symlink(), "the link stays a link");
    assert!(
        std::fs::read_to_string(&target)
            .expect("target")
            .contains("¶1")
    );

    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.expect("mkfifo runs").success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the FIFO"))
    };
    let out = sandbox.translate(&mock, &kurz(), &["-o", fifo.to_str().expect("UTF-8 path")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(reader.join().expect("reader").contains("¶1"));
    let fifo_meta = std::fs::metadata(&fifo).expect("FIFO");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &fifo_meta.file_type()
    ));
}

#[test]
fn output_that_cannot_be_written_exits_7_naming_the_path_and_the_cause() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let missing = sandbox.dir.path().join("no/such/dir/out.txt");
    let a_directory = sandbox.dir.path().to_path_buf();
    let cases = [
        (missing.clone(), "No such file or directory"),
        (a_directory.clone(), "it is a directory"),
        (PathBuf::from("/dev/full"), "No space left on device"),
    ];
    for (path, cause) in cases {
        let out = sandbox.translate(&mock, &kurz(), &["-o", path.to_str().expect("UTF-8")]);
        assert_eq!(out.code, 7, "{}: {}", path.display(), out.stderr);
        assert!(
            out.stderr.starts_with(&format!(
                "diglot: error: cannot write '{}': ",
                path.display()
            )) && out.stderr.contains(cause)
                && out.stderr.lines().count() == 1,
            "{}",
            out.stderr
        );
    }
    let out = sandbox.translate(&mock, &kurz(), &[]);
    assert_eq!(out.code, 0);
    let mut cmd = sandbox.std_cmd();
    cmd.args([
        "translate",
        "--provider",
        "mock",
        "--base-url",
        &mock.base_url(),
    ])
    .arg(kurz());
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let output = cmd.stdout(full).output().expect("diglot runs");
    assert_eq!(output.status.code(), Some(7));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot write to stdout"), "{stderr}");
}

#[test]
fn a_key_with_a_line_break_exits_2_at_once_naming_the_variable_only() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let mut cmd = sandbox.cmd();
    cmd.env("DIGLOT_API_KEY", "sk-live-SECRET\r\nX-Injected: 1");
    let out = sandbox.translate_with(cmd, &mock, &kurz(), &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("(environment DIGLOT_API_KEY) contains a control character")
            && !out.stderr.contains("SECRET"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.chat_requests(), 0);
}

// ---------------------------------------------------------------------------------------------
// 13. UTF-16 and UTF-32 articles; no silent timeout of 0
// ---------------------------------------------------------------------------------------------

#[test]
fn a_utf16_article_with_a_bom_is_translated_like_its_utf8_text() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let text = std::fs::read_to_string(kurz()).expect("fixture");
    let utf8 = sandbox.translate(&mock, &kurz(), &["--format", "json"]);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let file = sandbox.write("utf16.txt", utf16);
    let out = sandbox.translate(&mock, &file, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        json(&out.stdout)["paragraphs"],
        json(&utf8.stdout)["paragraphs"]
    );
}

#[test]
fn a_timeout_of_zero_is_refused_not_rounded() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let out = sandbox.translate(&mock, &kurz(), &["--timeout", "0"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let mut cmd = sandbox.cmd();
    cmd.env("DIGLOT_TIMEOUT", "0");
    let out = sandbox.translate_with(cmd, &mock, &kurz(), &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("invalid timeout 0 (environment DIGLOT_TIMEOUT)"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.chat_requests(), 0);
}
