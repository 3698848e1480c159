//! Resilience over real HTTP: retries and Retry-After, the whole-run timeout, connection
//! errors, length truncation, sentence parts, parallel chunks in order, rate limits, and the
//! on-disk cache checked against the mock's request log.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::BackgroundMock;

use crate::common::{Run, Sandbox, fixture, json, mock, mock_with, requested_ids, run};

fn reference() -> PathBuf {
    fixture("de-rutte-nato.txt")
}

/// German sentences from the reference article, to build long articles from.
fn sentences() -> Vec<String> {
    let text = std::fs::read_to_string(reference()).expect("fixture");
    text.split(". ")
        .map(|s| s.trim().trim_end_matches('.').replace('\n', " "))
        .filter(|s| s.len() > 40)
        // The article's footer (newsletter, donations, social media) is boilerplate.
        .filter(|s| {
            ![
                "Newsletter",
                "Community",
                "Spende",
                "Dank",
                "Netzwerken",
                "Premium",
            ]
            .iter()
            .any(|w| s.contains(w))
        })
        .map(|s| format!("{s}."))
        .collect()
}

/// An article of `n` distinct, numbered paragraphs of one German sentence each (≈ 270
/// characters a paragraph: 150 of them are the 40 KB benchmark article).
fn generated_article(sandbox: &Sandbox, n: usize) -> PathBuf {
    let sentences = sentences();
    let paragraphs: Vec<String> = (0..n)
        .map(|i| format!("Meldung {}: {}", i + 1, sentences[i % sentences.len()]))
        .collect();
    sandbox.write(&format!("article-{n}.txt"), paragraphs.join("\n\n") + "\n")
}

/// A config with one `openai` profile `p` at `base_url`, plus `extra` TOML lines.
fn profile(sandbox: &Sandbox, base_url: &str, extra: &str) -> PathBuf {
    sandbox.write(
        "profile.toml",
        format!(
            "[providers.p]\nkind = \"openai\"\nbase_url = \"{base_url}\"\nmodel = \"m\"\n{extra}"
        ),
    )
}

/// `diglot translate --provider p --config CONFIG FILE ARGS…` with `cmd`.
fn translate_with(mut cmd: assert_cmd::Command, config: &Path, file: &Path, args: &[&str]) -> Run {
    cmd.args(["translate", "--provider", "p", "--config"])
        .arg(config)
        .arg(file)
        .args(["--width", "80", "--color", "never"])
        .args(args);
    run(&mut cmd)
}

/// The `(id, source, target)` of every paragraph in JSON output.
fn pairs(stdout: &str) -> Vec<(u64, String, String)> {
    json(stdout)["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| {
            (
                p["id"].as_u64().expect("id"),
                p["source"].as_str().expect("source").to_owned(),
                p["target"].as_str().expect("target").to_owned(),
            )
        })
        .collect()
}

/// Asserts every paragraph is there, in order, each with the mock's translation of its source.
fn assert_complete_in_order(stdout: &str, n: u64) {
    let pairs = pairs(stdout);
    assert_eq!(
        pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    for (id, source, target) in &pairs {
        assert!(
            source.starts_with(&format!("Meldung {id}: ")),
            "¶{id}: {source}"
        );
        assert_eq!(
            Some(target),
            diglot::mock::pseudo_translation("de", "en", source).as_ref(),
            "¶{id}"
        );
    }
}

#[test]
fn a_429_storm_waits_as_retry_after_says_and_then_succeeds() {
    let sandbox = Sandbox::new();
    let mock = mock(&["429:3"]);
    let started = Instant::now();
    let out = sandbox.translate(&mock, &reference(), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Three answers of `Retry-After: 1` were honoured (a lower bound only).
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.chat_requests(), 4);
    let usage = &json(&out.stdout)["usage"];
    assert_eq!(
        (usage["requests"].as_u64(), usage["retries"].as_u64()),
        (Some(4), Some(3))
    );
}

#[test]
fn the_whole_run_timeout_stops_a_slow_server_with_exit_5() {
    let sandbox = Sandbox::new();
    let slow = mock_with(&[], 5_000);
    let config = profile(&sandbox, &slow.base_url(), "");
    let started = Instant::now();
    let out = translate_with(sandbox.cmd(), &config, &reference(), &["--timeout", "1"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(
        out.stderr
            .contains("the run did not finish within --timeout 1 s: gave up after 1 attempt(s)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: raise --timeout"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn the_run_timeout_cuts_retries_short_and_names_the_last_answer() {
    let sandbox = Sandbox::new();
    let busy = mock(&["500"]);
    let config = profile(&sandbox, &busy.base_url(), "max_retries = 10\n");
    let out = translate_with(sandbox.cmd(), &config, &reference(), &["--timeout", "2"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("--timeout 2 s"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("last answer HTTP 500 Internal Server Error"),
        "{}",
        out.stderr
    );
    // Backoff of 0.5 s, 1 s, 2 s…: far fewer than the 11 attempts allowed fit in 2 s, for
    // each of the two requests (the opening paragraph and the rest).
    assert!(
        (2..=8).contains(&busy.chat_requests()),
        "{}",
        busy.chat_requests()
    );
}

#[test]
fn a_refused_connection_to_this_machine_exits_5_at_once() {
    let sandbox = Sandbox::new();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let config = profile(
        &sandbox,
        &format!("http://127.0.0.1:{port}/v1"),
        "max_retries = 1\n",
    );
    let out = translate_with(sandbox.cmd(), &config, &reference(), &[]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot reach http://127.0.0.1:"),
        "{}",
        out.stderr
    );
    // Nothing listens at that port: retrying (max_retries = 1) would not start a server.
    assert!(
        out.stderr.contains("gave up after 1 attempt(s)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_key_is_never_retried() {
    let sandbox = Sandbox::new();
    for fault in ["401", "403"] {
        let refusing = mock(&[fault]);
        let out = sandbox.translate(&refusing, &reference(), &[]);
        assert_eq!(out.code, 4, "{fault}: {}", out.stderr);
        // At most one request per chunk (the opening paragraph, the rest), none again.
        let ids = crate::common::requested_ids(&refusing);
        assert!((1..=2).contains(&ids.len()), "{fault}: {ids:?}");
        assert!(ids.windows(2).all(|w| w[0] != w[1]), "{fault}: {ids:?}");
    }
}

#[test]
fn a_reply_cut_off_at_the_length_limit_is_halved_never_printed() {
    let sandbox = Sandbox::new();
    let mock = mock(&["length:1"]);
    let out = sandbox.translate(&mock, &reference(), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The whole article, then each half; no repair request in between.
    let ids = requested_ids(&mock);
    assert_eq!(ids.len(), 3, "{ids:?}");
    let half = ids[0].len() / 2;
    assert_eq!(ids[1], ids[0][..half]);
    assert_eq!(ids[2], ids[0][half..]);
    let doc = json(&out.stdout);
    let paragraphs = doc["paragraphs"].as_array().expect("paragraphs");
    assert_eq!(paragraphs.len(), ids[0].len());
    assert!(paragraphs.iter().all(|p| p["translated"] == true));
}

#[test]
fn a_single_sentence_still_cut_off_exits_4_naming_the_output_limit() {
    let sandbox = Sandbox::new();
    let mock = mock(&["length"]);
    let article = sandbox.write(
        "one.txt",
        "Die Regierung hat am Freitag ein neues Gesetz beschlossen.\n",
    );
    let out = sandbox.translate(&mock, &article, &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("output limit"), "{}", out.stderr);
    assert!(out.stderr.contains("max_chunk_tokens"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(mock.chat_requests(), 1);
}

#[test]
fn a_paragraph_over_the_budget_goes_in_sentence_parts_and_comes_back_whole() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let long = sentences()[..6].join(" ");
    assert!(long.chars().count() > 400, "{long}");
    let article = sandbox.write("long.txt", format!("{long}\n"));
    let config = profile(&sandbox, &mock.base_url(), "max_chunk_chars = 200\n");
    let out = translate_with(sandbox.cmd(), &config, &article, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pairs = pairs(&out.stdout);
    assert_eq!(pairs.len(), 1, "one paragraph in the output");
    // Every request carried sentence parts as items 1, 2, …; together they are the paragraph.
    let parts = sent_items(&mock);
    assert!(parts.len() >= 3, "{parts:?}");
    assert!(
        parts
            .iter()
            .all(|p| p.chars().count() <= 200 || !p[..p.len() - 1].contains(". "))
    );
    assert_eq!(parts.join(" "), long);
    let joined: Vec<String> = parts
        .iter()
        .filter_map(|p| diglot::mock::pseudo_translation("de", "en", p))
        .collect();
    assert_eq!(pairs[0].2, joined.join(" "));
}

/// The text of every item the chat requests carried, in order, from the mock's log.
fn sent_items(mock: &BackgroundMock) -> Vec<String> {
    crate::common::chat_payloads(mock)
        .iter()
        .flat_map(|payload| {
            payload["paragraphs"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|item| item["text"].as_str().expect("text").to_owned())
        .collect()
}

/// A Chinese paragraph of about 260 characters: twelve sentences, each ended by 。 or ！ with
/// no space after it, as Chinese is written (issue #11).
const CHINESE: &str = "北约秘书长吕特周五在布鲁塞尔表示，联盟必须继续支持乌克兰。\
    他说，俄罗斯的进攻没有停止的迹象！各成员国的国防部长在会议上讨论了新的援助计划。\
    德国承诺在今年年底前再提供两套防空系统。法国和意大利表示将加快弹药的生产速度。\
    美国特使威特科夫随后前往莫斯科，转达了会谈的内容。克里姆林宫发言人拒绝就谈判细节发表评论。\
    乌克兰总统泽连斯基对各国的承诺表示感谢，但他强调时间紧迫。\
    分析人士认为，停火协议的前景仍然不明朗。欧洲各国的舆论对继续援助的支持程度有所下降。\
    吕特在记者会结束时呼吁各国保持团结。下一次部长级会议定于十二月在布鲁塞尔举行。";

#[test]
fn an_oversized_chinese_paragraph_splits_at_its_full_stops_and_joins_in_the_target_script() {
    let chinese: String = CHINESE.split_whitespace().collect();
    assert!(chinese.chars().count() > 250, "{}", chinese.chars().count());
    for (to, separator) in [("ja", ""), ("en", " ")] {
        let sandbox = Sandbox::new();
        let mock = mock(&[]);
        let article = sandbox.write("zh.txt", format!("{chinese}\n"));
        let config = profile(&sandbox, &mock.base_url(), "max_chunk_chars = 200\n");
        let args = ["--format", "json", "--to", to];
        let out = translate_with(sandbox.cmd(), &config, &article, &args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let parts = sent_items(&mock);
        assert!(parts.len() >= 2, "{parts:?}");
        for part in &parts {
            assert!(part.chars().count() <= 200, "{part}");
            assert!(
                part.ends_with('。') || part.ends_with('！'),
                "cut mid-sentence: {part}"
            );
        }
        // The source is cut, never changed: its parts concatenated are the paragraph.
        assert_eq!(parts.concat(), chinese);
        let pairs = pairs(&out.stdout);
        assert_eq!(pairs.len(), 1, "one paragraph in the output");
        let translated: Vec<String> = parts
            .iter()
            .filter_map(|p| diglot::mock::pseudo_translation("zh", to, p))
            .collect();
        assert_eq!(pairs[0].2, translated.join(separator), "--to {to}");
    }
}

#[test]
fn sixty_paragraphs_come_out_in_order_with_one_job_or_eight() {
    let sandbox = Sandbox::new();
    let article = generated_article(&sandbox, 60);
    let mut outputs = Vec::new();
    for jobs in ["1", "8"] {
        let mock = mock(&[]);
        let out = sandbox.translate(&mock, &article, &["--format", "json", "--jobs", jobs]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_complete_in_order(&out.stdout, 60);
        let mut sorted: Vec<u64> = requested_ids(&mock).concat();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (1..=60).collect::<Vec<_>>(),
            "each paragraph sent once"
        );
        outputs.push((
            mock.chat_requests(),
            json(&out.stdout)["paragraphs"].clone(),
        ));
    }
    // ≈ 16,000 characters: 1 job packs 1,500-token chunks (4); 8 jobs cut 8 similar chunks
    // (2,000 characters each at least), sent at once.
    assert_eq!(outputs[0].0, 4);
    assert_eq!(outputs[1].0, 8);
    assert_eq!(
        outputs[0].1, outputs[1].1,
        "the same output whatever the jobs"
    );
}

#[test]
fn requests_per_minute_spaces_requests_out() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = generated_article(&sandbox, 8);
    // 60 a minute: a burst of 6, then one a second; eight one-paragraph chunks.
    let config = profile(
        &sandbox,
        &mock.base_url(),
        "max_chunk_chars = 200\nrequests_per_minute = 60\n",
    );
    let started = Instant::now();
    let out = translate_with(
        sandbox.cmd(),
        &config,
        &article,
        &["--jobs", "1", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(mock.chat_requests() >= 8, "{}", mock.chat_requests());
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
}

/// `diglot translate` against `mock` with the sandbox's shared cache.
fn cached(sandbox: &Sandbox, mock: &BackgroundMock, file: &Path, args: &[&str]) -> Run {
    sandbox.translate_with(sandbox.cached_cmd(), mock, file, args)
}

#[test]
fn a_150_paragraph_article_survives_latency_429s_and_5xx_and_a_rerun_sends_nothing() {
    let sandbox = Sandbox::new();
    let mock = mock_with(&["429:3", "500:2"], 100);
    let article = generated_article(&sandbox, 150);
    let first = cached(&sandbox, &mock, &article, &["--format", "json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_complete_in_order(&first.stdout, 150);
    let sent = mock.chat_requests();
    let usage = &json(&first.stdout)["usage"];
    assert_eq!(usage["retries"], 5, "{usage}");
    assert_eq!(usage["requests"].as_u64(), Some(sent as u64));
    assert_eq!(
        usage["requests"].as_u64(),
        usage["chunks"].as_u64().map(|c| c + 5)
    );

    let again = cached(&sandbox, &mock, &article, &["--format", "json", "-v"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(mock.chat_requests(), sent, "the re-run sent nothing");
    assert_eq!(pairs(&again.stdout), pairs(&first.stdout));
    assert!(
        again.stderr.contains("diglot: usage: 0 request(s)"),
        "{}",
        again.stderr
    );
}

#[test]
fn the_cache_serves_a_rerun_and_no_cache_sends_again() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let first = cached(&sandbox, &mock, &reference(), &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(mock.chat_requests(), 2);
    let second = cached(&sandbox, &mock, &reference(), &[]);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(mock.chat_requests(), 2);
    let fresh = cached(&sandbox, &mock, &reference(), &["--no-cache"]);
    assert_eq!(fresh.stdout, first.stdout);
    assert_eq!(mock.chat_requests(), 4);
    // Another target language is another result.
    let french = cached(&sandbox, &mock, &reference(), &["--to", "fr"]);
    assert_eq!(french.code, 0, "{}", french.stderr);
    assert_eq!(mock.chat_requests(), 6);
}

#[test]
fn a_changed_paragraph_resends_only_its_chunk() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = generated_article(&sandbox, 60);
    let first = cached(
        &sandbox,
        &mock,
        &article,
        &["--jobs", "1", "--format", "json"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let sent = mock.chat_requests();
    let text = std::fs::read_to_string(&article).expect("article");
    let changed = sandbox.write(
        "changed.txt",
        text.replacen("Meldung 2:", "Meldung 2 (neu):", 1),
    );
    let out = cached(
        &sandbox,
        &mock,
        &changed,
        &["--jobs", "1", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mock.chat_requests(), sent + 1);
    let usage = &json(&out.stdout)["usage"];
    assert_eq!(
        usage["cache_hits"].as_u64(),
        usage["chunks"].as_u64().map(|c| c - 1)
    );
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn a_corrupt_entry_is_a_warning_and_the_run_still_works() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let first = cached(&sandbox, &mock, &reference(), &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let entries = files(&sandbox.shared_cache());
    assert!(entries.len() >= 2, "{entries:?}");
    for entry in &entries {
        std::fs::write(entry, b"{\"format\": \"diglot-cache-v1\", \"key\": \"").expect("corrupt");
    }
    let out = cached(&sandbox, &mock, &reference(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, first.stdout);
    assert!(
        out.stderr
            .contains("diglot: warning: ignoring unreadable cache entry"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.chat_requests(), 4);
    // The entries were written again.
    let healed = cached(&sandbox, &mock, &reference(), &[]);
    assert_eq!(healed.stderr, "");
    assert_eq!(mock.chat_requests(), 4);
}

#[test]
fn the_api_key_never_enters_the_cache() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let secret = "sk-diglot-secret-4711";
    let mut cmd = sandbox.cached_cmd();
    cmd.env("DIGLOT_API_KEY", secret)
        .args(["translate", "--base-url", &mock.base_url(), "--brief"])
        .arg(reference());
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let entries = files(&sandbox.shared_cache());
    assert!(
        entries.len() >= 3,
        "report, chunk and brief entries: {entries:?}"
    );
    for entry in entries {
        let bytes = std::fs::read(&entry).expect("read entry");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "{} holds the key", entry.display());
        assert!(
            !text.to_lowercase().contains("authorization"),
            "{}",
            entry.display()
        );
    }
}

#[test]
fn cache_stats_counts_entries_and_clear_removes_them() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    assert_eq!(cached(&sandbox, &mock, &reference(), &[]).code, 0);
    let stats = |sandbox: &Sandbox| {
        let mut cmd = sandbox.cached_cmd();
        cmd.args(["cache", "stats"]);
        run(&mut cmd)
    };
    let before = stats(&sandbox);
    assert_eq!(before.code, 0, "{}", before.stderr);
    let dir = sandbox.shared_cache();
    assert!(
        before
            .stdout
            .contains(&format!("cache:   {}", dir.display())),
        "{}",
        before.stdout
    );
    // The result and its two chunks (the opening paragraph, the rest).
    assert!(before.stdout.contains("entries: 3\n"), "{}", before.stdout);
    let mut cmd = sandbox.cached_cmd();
    cmd.args(["cache", "clear"]);
    let cleared = run(&mut cmd);
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    assert!(
        cleared.stdout.starts_with("removed 3 cache entries"),
        "{}",
        cleared.stdout
    );
    assert!(
        stats(&sandbox)
            .stdout
            .contains("entries: 0\nsize:    0 B (limit 200.0 MB, default)\n")
    );
    assert_eq!(cached(&sandbox, &mock, &reference(), &[]).code, 0);
    assert_eq!(mock.chat_requests(), 4, "a cleared cache sends again");
}

#[test]
fn the_cache_stays_within_its_limit_and_clear_takes_an_age() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let stats = |sandbox: &Sandbox, limit: &str| {
        let mut cmd = sandbox.cached_cmd();
        cmd.args(["cache", "stats"])
            .env("DIGLOT_CACHE_MAX_SIZE", limit);
        run(&mut cmd).stdout
    };
    assert_eq!(cached(&sandbox, &mock, &reference(), &[]).code, 0);
    let full = stats(&sandbox, "1 MB");
    assert!(full.contains("entries: 3\n"), "{full}");
    assert!(
        full.contains(" kB (limit 1.0 MB, environment DIGLOT_CACHE_MAX_SIZE)\n"),
        "{full}"
    );
    // A limit below what the cache holds: the run that writes evicts what was used longest ago.
    let mut cmd = sandbox.cached_cmd();
    cmd.env("DIGLOT_CACHE_MAX_SIZE", "4 kB");
    let out = sandbox.translate_with(cmd, &mock, &fixture("de-kurz.txt"), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let entries = |text: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix("entries: "))
            .and_then(|n| n.parse().ok())
            .unwrap_or(u64::MAX)
    };
    let bytes: u64 = std::fs::read_dir(sandbox.shared_cache().join("entries"))
        .expect("entries")
        .flat_map(|d| std::fs::read_dir(d.expect("dir").path()).expect("prefix"))
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    assert!(bytes <= 4_000, "{bytes} bytes left");
    assert!(entries(&stats(&sandbox, "4 kB")) < 4);
    // Everything left was used just now: an age of an hour removes nothing, of 0 s everything.
    let clear = |age: &str| {
        let mut cmd = sandbox.cached_cmd();
        cmd.args(["cache", "clear", "--older-than", age]);
        run(&mut cmd)
    };
    let kept = clear("1h");
    assert!(
        kept.stdout
            .starts_with("removed 0 cache entries (0 B) not used for 1h"),
        "{}",
        kept.stdout
    );
    assert!(clear("0s").stdout.starts_with("removed "));
    assert_eq!(entries(&stats(&sandbox, "1 MB")), 0);
    let bad = clear("soon");
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
