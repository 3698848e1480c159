//! Configuration: what a user with nothing configured is told, `diglot config`, bad files.

use crate::common::{Sandbox, fixture, mock, run};

#[test]
fn nothing_configured_says_how_to_configure_and_exits_2() {
    let sandbox = Sandbox::new();
    let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let mut lines = out.stderr.lines();
    assert_eq!(
        lines.next(),
        Some("diglot: error: no translation provider is configured")
    );
    let hint = lines.next().unwrap_or_default();
    for needle in [
        "OPENAI_API_KEY",
        "--provider ollama",
        "[providers.NAME]",
        "--provider mock",
    ] {
        assert!(hint.contains(needle), "{needle:?} missing from {hint}");
    }
}

#[test]
fn config_shows_sources_and_never_the_key() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .arg("config")
        .env("OPENAI_API_KEY", "sk-test-SECRET-123")
        .env("DIGLOT_MODEL", "gpt-x"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.contains("SECRET") && !out.stderr.contains("SECRET"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("(redacted)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("gpt-x") && out.stdout.contains("environment DIGLOT_MODEL"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("config.toml (not found)"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_profile_in_the_config_file_is_used_and_flags_beat_it() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    sandbox.write(
        "config/diglot/config.toml",
        format!("provider = \"local\"\n[providers.local]\nkind = \"openai\"\nbase_url = \"{}\"\nmodel = \"file-model\"\nheaders = {{ x-team = \"news\" }}\n", mock.base_url()),
    );
    let out = run(sandbox
        .cmd()
        .args(["translate", "--format", "json", "--model", "flag-model"])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = crate::common::json(&out.stdout);
    assert_eq!(doc["provider"]["name"], "local");
    assert_eq!(doc["provider"]["model"], "flag-model");
    assert_eq!(mock.requests()[0].body["model"], "flag-model");
}

#[test]
fn a_malformed_config_file_exits_2_naming_file_line_and_key() {
    let sandbox = Sandbox::new();
    let path = sandbox.write(
        "bad.toml",
        "jobs = 2\n[providers.x]\nkind = \"openai\"\nmodle = \"typo\"\n",
    );
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "mock", "--config"])
        .arg(&path)
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("bad.toml")
            && out.stderr.contains("line 4")
            && out.stderr.contains("modle"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_provider_exits_2() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "nope"])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown provider 'nope'"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_lists_the_exit_codes_and_version_prints() {
    let sandbox = Sandbox::new();
    let out = run(sandbox.cmd().arg("--help"));
    assert_eq!(out.code, 0);
    for code in ["  3 ", "  4 ", "  5 ", "  6 ", "  130 "] {
        assert!(out.stdout.contains(code), "{code:?} missing from --help");
    }
    let out = run(sandbox.cmd().arg("--version"));
    assert_eq!(
        out.stdout.trim(),
        format!("diglot {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let out = run(sandbox.cmd().args(["translate", "--width", "5"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(sandbox.cmd().args(["translate", "--to", "german"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("ISO 639-1"), "{}", out.stderr);
}

#[test]
fn completions_and_man_page_need_no_config() {
    let sandbox = Sandbox::new();
    sandbox.write("config/diglot/config.toml", "this is not toml");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(sandbox.cmd().args(["completions", shell]));
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("COMPLETE="), "{shell}: {}", out.stdout);
    }
    let out = run(sandbox.cmd().arg("man"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(".TH diglot"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
}

#[test]
fn config_init_writes_the_example_and_never_overwrites() {
    let sandbox = Sandbox::new();
    let out = run(sandbox.cmd().args(["config", "init"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = sandbox.dir.path().join("config/diglot/config.toml");
    let written = std::fs::read_to_string(&path).expect("written");
    assert!(written.contains("[providers.local]") && written.contains("api_key_env"));
    // the written file is a valid config: `config show` reads it without error
    let out = run(sandbox.cmd().arg("config"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("not found"), "{}", out.stdout);

    std::fs::write(&path, "jobs = 3\n").expect("edit");
    let out = run(sandbox.cmd().args(["config", "init"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), "jobs = 3\n");
}

#[cfg(unix)]
#[test]
fn an_inline_key_in_a_world_readable_file_is_warned_about_but_never_shown() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let path = sandbox.write(
        "config/diglot/config.toml",
        format!("provider = \"p\"\n[providers.p]\nkind = \"openai\"\nbase_url = \"{}\"\napi_key = \"sk-INLINE-42\"\n", mock.base_url()),
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("diglot: warning: ") && out.stderr.contains("chmod 600"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("sk-INLINE-42") && !out.stdout.contains("sk-INLINE-42"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no warning once the file is private");
}

/// Issue #11: a profile that forgot its `base_url` used to run against the in-process mock,
/// printing pseudo-translations under the user's model name with exit 0.
#[test]
fn an_openai_profile_without_a_base_url_gets_the_public_endpoint_never_the_mock() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        "provider = \"work\"\n[providers.work]\nkind = \"openai\"\nmodel = \"my-model\"\n",
    );
    let shown = run(sandbox.cmd().arg("config").env("OPENAI_API_KEY", "sk-test"));
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let base_url = shown
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("base_url"))
        .unwrap_or_default();
    assert!(
        base_url.contains("https://api.openai.com/v1"),
        "{}",
        shown.stdout
    );
    // The public API needs a key: without one the run stops before anything is sent.
    let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.lines().next(),
        Some("diglot: error: provider 'work' needs an API key, but OPENAI_API_KEY is not set")
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_profile_of_a_kind_without_a_public_endpoint_must_name_its_base_url() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let config = sandbox.write(
        "lt.toml",
        "[providers.lt]\nkind = \"libretranslate\"\n[providers.m]\nkind = \"mock\"\n",
    );
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "lt", "--config"])
        .arg(&config)
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let mut lines = out.stderr.lines();
    assert_eq!(
        lines.next(),
        Some(
            "diglot: error: provider 'lt' (libretranslate) has no base_url, and a libretranslate \
             server has no public default"
        )
    );
    let hint = lines.next().unwrap_or_default();
    assert!(
        hint.contains("[providers.lt]") && hint.contains("--base-url"),
        "{hint}"
    );
    assert_eq!(out.stdout, "");
    // The same profile pointed at a server works: the endpoint was the only thing missing.
    let out = run(sandbox
        .cmd()
        .args(["translate", "--provider", "lt", "--base-url"])
        .arg(mock.root_url())
        .arg("--config")
        .arg(&config)
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(mock.translation_requests() > 0);
}

/// Writes a profile `local` for `mock` with `extra` lines, mode 600 (an inline key in a file
/// others can read draws a warning).
fn local_profile(sandbox: &Sandbox, base_url: &str, extra: &str) -> std::path::PathBuf {
    let path = sandbox.write(
        "config/diglot/config.toml",
        format!(
            "provider = \"local\"\n[providers.local]\nkind = \"openai\"\nbase_url = \"{base_url}\"\n{extra}"
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    path
}

#[test]
fn an_inline_api_key_is_sent_and_the_environment_wins_over_it() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    // The mock refuses exactly this key: a refusal proves the key was sent.
    local_profile(&sandbox, &mock.base_url(), "api_key = \"bad-key\"\n");
    let out = run(sandbox
        .cmd()
        .args(["translate", "--format", "json"])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("rejected the API key")
            && out.stderr.contains("api_key in [providers.local]"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let shown = run(sandbox.cmd().arg("config"));
    assert!(
        shown.stdout.contains("(redacted)") && !shown.stdout.contains("bad-key"),
        "{}",
        shown.stdout
    );
    let out = run(sandbox
        .cmd()
        .args(["translate", "--format", "json"])
        .arg(fixture("de-kurz.txt"))
        .env("OPENAI_API_KEY", "sk-good-key-1234"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn api_key_cmd_supplies_the_key_and_a_failing_one_is_exit_2_without_its_output() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    local_profile(
        &sandbox,
        &mock.base_url(),
        "api_key_cmd = \"echo bad-key\"\n",
    );
    let out = run(sandbox
        .cmd()
        .args(["translate", "--format", "json"])
        .arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 4, "the command's key was sent: {}", out.stderr);
    local_profile(
        &sandbox,
        &mock.base_url(),
        "api_key_cmd = \"echo sk-leaked-9999; exit 1\"\n",
    );
    let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "diglot: error: the api_key_cmd of provider 'local' failed: it exited with status 1\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("sk-leaked") && !out.stdout.contains("sk-leaked"));
    // `detect` needs no provider, so it runs no command.
    let out = run(sandbox.cmd().arg("detect").arg(fixture("de-kurz.txt")));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// What the shell gets when it asks diglot to complete the last of `words` (fish's protocol:
/// one candidate a line, a tab before its description).
fn complete(sandbox: &Sandbox, words: &[&str]) -> Vec<String> {
    let out = run(sandbox
        .cmd()
        .env("COMPLETE", "fish")
        .arg("--")
        .arg("diglot")
        .args(words));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn completions_complete_profile_names_language_codes_and_formats() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/diglot/config.toml",
        "[providers.work]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:1/v1\"\n",
    );
    let profiles = complete(&sandbox, &["translate", "--provider", ""]);
    for name in ["work", "openai", "ollama", "deepl", "mock"] {
        assert!(profiles.iter().any(|p| p == name), "{name}: {profiles:?}");
    }
    let profiles = complete(&sandbox, &["config", "--brief-provider", "w"]);
    assert_eq!(profiles, ["work"]);
    let codes = complete(&sandbox, &["brief", "--to", "s"]);
    assert!(codes.iter().any(|c| c == "sv") && codes.iter().all(|c| c.starts_with('s')));
    assert!(!codes.iter().any(|c| c == "sx"), "{codes:?}");
    let formats = complete(&sandbox, &["translate", "--format", ""]);
    assert_eq!(formats, ["text", "json", "markdown", "html", "jsonl"]);
    let formats = complete(&sandbox, &["detect", "--format", ""]);
    assert_eq!(formats, ["text", "json"]);
}

#[test]
fn config_takes_the_selection_flags_of_translate() {
    let sandbox = Sandbox::new();
    let out = run(sandbox.cmd().args([
        "config",
        "--provider",
        "ollama",
        "--model",
        "llama3.1:8b",
        "--to",
        "fr",
        "--jobs",
        "2",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        "provider         ollama",
        "  model          llama3.1:8b                      (flag --model)",
        "to               fr                               (flag --to)",
        "jobs             2                                (flag --jobs)",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in\n{}", out.stdout);
    }
}

#[test]
fn config_mistakes_name_the_file_the_line_and_what_was_meant() {
    let sandbox = Sandbox::new();
    let cases = [
        (
            "[provider.local]\nkind = \"openai\"\n",
            "at line 1: `[provider.local]` is not a section diglot knows: a provider profile is \
             `[providers.local]` (plural)",
        ),
        (
            "[providers.local]\nkind = \"openai\"\nmodle = \"m\"\n",
            "at line 3: unknown key `modle`: did you mean `model`?",
        ),
        (
            "jobs = 2\nprovider = \"locl\"\n[providers.local]\nkind = \"openai\"\n\
             base_url = \"http://127.0.0.1:1/v1\"\n",
            "unknown provider 'locl' (config file",
        ),
    ];
    for (toml, expected) in cases {
        let path = sandbox.write("config/diglot/config.toml", toml);
        let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
        assert_eq!(out.code, 2, "{}", out.stderr);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(
            first.contains(expected) && first.contains(&path.display().to_string()),
            "{first}"
        );
    }
    let out = run(sandbox.cmd().arg("translate").arg(fixture("de-kurz.txt")));
    assert!(
        out.stderr
            .contains("config.toml, line 2): did you mean 'local'?"),
        "{}",
        out.stderr
    );
}
