//! Provider profiles: the built-in ones, the config file's `[providers.NAME]`, and resolving the
//! one a run uses with every layer applied (flags > environment > profile > the kind's
//! defaults). What a kind brings by default (its public endpoint, key variable, model, whether
//! it writes briefs) is the protocol's own [`KindDefaults`]; this file only layers.
//!
//! The in-process mock is a choice, never a fallback: only the `mock` kind starts it. A profile
//! of a kind with a public endpoint gets that endpoint; a kind without one (a self-hosted
//! LibreTranslate) must name its `base_url`, or the run stops with exit 2 before anything is
//! read or sent.

use std::collections::BTreeMap;
use std::time::Duration;

use super::file::{FileProfile, LoadedFile};
use super::{ConfigError, Env, Flags, Resolved, Source, layer, layer_opt, resolved};
use crate::provider::{DefaultEndpoint, KindDefaults, Profile, ProviderKind};
use crate::secret::Secret;

/// Seconds one request may take unless the profile says otherwise: generous, because a small
/// local model on a CPU generates 5–7 tokens per second and a chunk can take minutes.
pub const DEFAULT_TIMEOUT_SECS: u64 = 600;
/// Retries after the first attempt for 429, 5xx, timeouts and connection errors.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Characters of source text per request for LLM providers unless configured.
pub const DEFAULT_MAX_CHUNK_CHARS: usize = 6000;
/// Estimated tokens of source text per request for LLM providers unless configured. The
/// reply is about as long as the source, so a request needs room for twice this plus the prompt
/// and the JSON around the texts (≈ 3,500 tokens): within the 4,096-token windows and output
/// limits that small local models and older hosted ones have.
pub const DEFAULT_MAX_CHUNK_TOKENS: usize = 1500;

/// Where a resolved profile's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A server at this base URL.
    Url(Resolved<String>),
    /// The built-in mock, started in-process for the run (the `mock` kind without a URL).
    InProcessMock,
}

/// A provider profile with every layer applied: what the transport and protocol use.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// Profile name.
    pub name: Resolved<String>,
    /// Wire protocol.
    pub kind: ProviderKind,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// Model name.
    pub model: Resolved<String>,
    /// The key, if any, and the variable it came from.
    pub api_key: Option<Resolved<Secret>>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Time one request may take.
    pub timeout: Resolved<Duration>,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Characters of source text per request.
    pub max_chunk_chars: usize,
    /// LLMs: estimated tokens of source text per request.
    pub max_chunk_tokens: usize,
    /// Requests started per minute at most.
    pub requests_per_minute: Option<u32>,
    /// Estimated tokens per minute at most (LLMs).
    pub tokens_per_minute: Option<u32>,
    /// The variable the key is read from (named in hints when the key is rejected).
    pub key_var: String,
    /// The `openai` protocol's knobs (unused by other kinds).
    pub openai: crate::provider::openai::OpenAiOptions,
    /// The `deepl` protocol's knobs (unused by other kinds).
    pub deepl: crate::provider::deepl::DeeplOptions,
    /// What the provider charges, when the profile says (`price_*`).
    pub prices: Option<crate::provider::price::Prices>,
    /// How large one batch on the provider's batch engine may be; `None` without an engine.
    pub batch_limits: Option<crate::provider::engine::Limits>,
}

impl ProviderSettings {
    /// What the kind brings by default.
    pub fn defaults(&self) -> KindDefaults {
        self.kind.defaults()
    }

    /// The profile as plain data for the protocol, its requests going to `base_url` (the
    /// configured one, or the in-process mock's).
    pub fn profile(&self, base_url: String) -> Profile {
        Profile {
            name: self.name.value.clone(),
            kind: self.kind,
            base_url,
            model: self.model.value.clone(),
            api_key: self.api_key.as_ref().map(|k| k.value.clone()),
            headers: self.headers.clone(),
            max_chunk_chars: self.max_chunk_chars,
            openai: self.openai,
            deepl: self.deepl.clone(),
        }
    }

    /// Whether this profile's kind writes briefs; checked before any input is read or request
    /// sent.
    pub fn check_brief_capable(&self) -> Result<(), ConfigError> {
        if self.defaults().briefs {
            Ok(())
        } else {
            Err(ConfigError::NoBriefs {
                profile: self.name.value.clone(),
                kind: self.kind,
            })
        }
    }
}

/// A built-in profile: a kind, and where it differs from the kind's defaults.
struct BuiltIn {
    name: &'static str,
    kind: ProviderKind,
    base_url: Option<&'static str>,
    model: Option<&'static str>,
}

const BUILT_INS: &[BuiltIn] = &[
    BuiltIn {
        name: "openai",
        kind: ProviderKind::Openai,
        base_url: None,
        model: None,
    },
    BuiltIn {
        name: "ollama",
        kind: ProviderKind::Openai,
        base_url: Some("http://localhost:11434/v1"),
        model: Some("qwen2.5:7b"),
    },
    BuiltIn {
        name: "anthropic",
        kind: ProviderKind::Anthropic,
        base_url: None,
        model: None,
    },
    BuiltIn {
        name: "deepl",
        kind: ProviderKind::Deepl,
        base_url: None,
        model: None,
    },
    BuiltIn {
        name: "libretranslate",
        kind: ProviderKind::Libretranslate,
        base_url: Some("http://localhost:5000"),
        model: None,
    },
    BuiltIn {
        name: "mock",
        kind: ProviderKind::Mock,
        base_url: None,
        model: None,
    },
];

impl BuiltIn {
    fn profile(&self) -> FileProfile {
        FileProfile {
            kind: self.kind,
            base_url: self.base_url.map(str::to_owned),
            model: self.model.map(str::to_owned),
            api_key_env: None,
            api_key: None,
            api_key_cmd: None,
            headers: BTreeMap::new(),
            timeout: None,
            max_retries: None,
            response_format: None,
            thinking: None,
            max_chunk_chars: None,
            max_chunk_tokens: None,
            requests_per_minute: None,
            tokens_per_minute: None,
            english: None,
            portuguese: None,
            formality: None,
            glossary_id: None,
            preserve_formatting: None,
            price_input: None,
            price_output: None,
            price_characters: None,
            price_batch: None,
            batch_max_requests: None,
            batch_max_size: None,
            glossary: None,
        }
    }
}

/// Every profile name a run can use: the config file's `[providers.NAME]`, then the built-in
/// ones (for completions).
pub fn profile_names(file: &LoadedFile) -> Vec<String> {
    let mut names: Vec<String> = file.config.providers.keys().cloned().collect();
    names.extend(
        BUILT_INS
            .iter()
            .map(|b| b.name.to_owned())
            .filter(|n| !file.config.providers.contains_key(n)),
    );
    names
}

/// `name` is no profile: say where it was named and which known name is close.
fn unknown_provider(name: &Resolved<String>, file: &LoadedFile) -> ConfigError {
    let known = profile_names(file);
    let set_by = match (&name.source, file.provider_line) {
        (Source::File(path), Some(line)) => {
            format!("config file {}, line {line}", path.display())
        }
        (source, _) => source.to_string(),
    };
    ConfigError::UnknownProvider {
        suggestion: super::did_you_mean(&name.value, known.iter().map(String::as_str))
            .map(str::to_owned),
        name: name.value.clone(),
        set_by,
        known,
    }
}

/// The translation's provider: `--provider` > `DIGLOT_PROVIDER` > the file's `provider`, else
/// the one a key or base URL in the environment or flags implies.
pub(super) fn resolve_provider(
    flags: &Flags,
    env: &Env,
    file: &LoadedFile,
) -> Result<ProviderSettings, ConfigError> {
    let cfg = &file.config;
    let name = layer_opt(
        flags.provider.clone().map(|v| (v, "--provider")),
        env.get("DIGLOT_PROVIDER")
            .map(|v| (v.to_owned(), "DIGLOT_PROVIDER".to_owned())),
        cfg.provider.clone().map(|v| (v, file.source())),
    )
    .or_else(|| implied_provider(flags, env))
    .ok_or_else(|| ConfigError::NoProvider {
        config_path: file.path.as_ref().map(|p| p.value.clone()),
    })?;
    profile_named(name, flags, env, file, true)
}

/// The profile `name` (from the config file, else built in) with every layer applied;
/// `DIGLOT_BASE_URL` and `DIGLOT_MODEL` only when `env_overrides` is set.
fn profile_named(
    name: Resolved<String>,
    flags: &Flags,
    env: &Env,
    file: &LoadedFile,
    env_overrides: bool,
) -> Result<ProviderSettings, ConfigError> {
    let cfg = &file.config;
    let (profile, profile_source) = match cfg.providers.get(&name.value) {
        Some(profile) => (profile.clone(), file.source()),
        None => {
            let built_in = BUILT_INS
                .iter()
                .find(|b| b.name == name.value)
                .ok_or_else(|| unknown_provider(&name, file))?;
            (
                built_in.profile(),
                Source::BuiltInProfile(built_in.name.to_owned()),
            )
        }
    };
    build_provider(
        name,
        profile,
        profile_source,
        flags,
        &env.without_overrides(!env_overrides),
    )
}

/// `--brief-provider` > `DIGLOT_BRIEF_PROVIDER` > `[brief] provider`; `None` when no layer names
/// one, or when it names the translation's profile (which then serves both, flags included).
/// A different profile gets its own base URL and model: `--base-url`, `--model` and their
/// variables apply to the translation's profile only.
pub(super) fn resolve_brief_provider(
    flags: &Flags,
    env: &Env,
    file: &LoadedFile,
    translation: &Result<ProviderSettings, ConfigError>,
) -> Option<Result<ProviderSettings, ConfigError>> {
    let name = layer_opt(
        flags
            .brief_provider
            .clone()
            .map(|v| (v, "--brief-provider")),
        env.get("DIGLOT_BRIEF_PROVIDER")
            .map(|v| (v.to_owned(), "DIGLOT_BRIEF_PROVIDER".to_owned())),
        file.config
            .brief
            .provider
            .clone()
            .map(|v| (v, file.source())),
    )?;
    if let Ok(provider) = translation
        && provider.name.value == name.value
    {
        return None;
    }
    let own = Flags {
        base_url: None,
        model: None,
        ..flags.clone()
    };
    Some(profile_named(name, &own, env, file, false))
}

/// With no provider named anywhere, a base URL in the flags or environment, or a generic key,
/// implies the OpenAI-compatible protocol; failing that, a vendor's own key variable implies its
/// built-in profile (`OPENAI_API_KEY` → `openai`, `ANTHROPIC_API_KEY` → `anthropic`,
/// `DEEPL_AUTH_KEY` → `deepl`). Only kinds with a public endpoint are implied by their key.
fn implied_provider(flags: &Flags, env: &Env) -> Option<Resolved<String>> {
    if flags.base_url.is_some() {
        return Some(resolved(
            "openai".to_owned(),
            Source::Flag("--base-url".into()),
        ));
    }
    let generic = ["DIGLOT_BASE_URL", "DIGLOT_API_KEY"]
        .into_iter()
        .map(|var| (var, "openai"));
    let vendors = BUILT_INS
        .iter()
        .filter(|b| b.base_url.is_none())
        .filter(|b| {
            matches!(
                b.kind.defaults().endpoint,
                DefaultEndpoint::Public(_) | DefaultEndpoint::ByKey(_)
            )
        })
        .map(|b| (b.kind.defaults().key_var, b.name));
    generic
        .chain(vendors)
        .find(|(var, _)| env.get(var).is_some())
        .map(|(var, profile)| resolved(profile.to_owned(), Source::Env(var.to_owned())))
}

fn build_provider(
    name: Resolved<String>,
    profile: FileProfile,
    profile_source: Source,
    flags: &Flags,
    env: &Env,
) -> Result<ProviderSettings, ConfigError> {
    let defaults = profile.kind.defaults();
    let base_url = layer_opt(
        flags.base_url.clone().map(|v| (v, "--base-url")),
        env.get("DIGLOT_BASE_URL")
            .map(|v| (v.to_owned(), "DIGLOT_BASE_URL".to_owned())),
        profile
            .base_url
            .clone()
            .map(|v| (v, profile_source.clone())),
    );
    if let Some(url) = &base_url {
        check_url(&name.value, &url.value)?;
    }
    let model = layer(
        flags.model.clone().map(|v| (v, "--model")),
        env.get("DIGLOT_MODEL")
            .map(|v| (v.to_owned(), "DIGLOT_MODEL".to_owned())),
        profile.model.clone().map(|v| (v, profile_source.clone())),
        defaults.model.to_owned(),
    );
    let timeout_secs = super::at_least_one(
        layer(
            None,
            None,
            profile.timeout.map(|v| (v, profile_source.clone())),
            DEFAULT_TIMEOUT_SECS,
        ),
        "timeout",
        super::NO_ZERO_TIMEOUT,
    )?;
    let (api_key, key_var) = resolve_key(&name.value, &profile, &profile_source, flags, env)?;
    if let Some(key) = &api_key {
        check_key(&name.value, key)?;
    }
    let endpoint = match (base_url, defaults.endpoint) {
        (Some(url), _) => Endpoint::Url(url),
        (None, DefaultEndpoint::Public(url)) => {
            Endpoint::Url(resolved(url.to_owned(), Source::Default))
        }
        (None, DefaultEndpoint::ByKey(host_for)) => match &api_key {
            Some(key) => Endpoint::Url(resolved(
                host_for(key.value.expose()).to_owned(),
                profile_source.clone(),
            )),
            // Nothing will be sent: any host does.
            None if !flags.run_key_command => {
                Endpoint::Url(resolved(host_for("").to_owned(), profile_source.clone()))
            }
            None => {
                return Err(ConfigError::MissingKey {
                    profile: name.value.clone(),
                    var: key_var,
                });
            }
        },
        (None, DefaultEndpoint::InProcessMock) => Endpoint::InProcessMock,
        (None, DefaultEndpoint::None) => {
            return Err(ConfigError::NoBaseUrl {
                profile: name.value.clone(),
                kind: profile.kind,
                defined_in: profile_source,
            });
        }
    };
    let hosted = match &endpoint {
        Endpoint::Url(url) => defaults
            .hosts_needing_a_key
            .iter()
            .any(|host| url.value.contains(host)),
        Endpoint::InProcessMock => false,
    };
    if api_key.is_none() && hosted && flags.run_key_command {
        return Err(ConfigError::MissingKey {
            profile: name.value.clone(),
            var: key_var,
        });
    }
    let deepl = crate::provider::deepl::DeeplOptions {
        english: profile.english.unwrap_or_default(),
        portuguese: profile.portuguese.unwrap_or_default(),
        formality: profile.formality,
        glossary_id: profile.glossary_id.clone(),
        preserve_formatting: profile.preserve_formatting,
    };
    Ok(ProviderSettings {
        prices: super::bulk::prices_of(&name.value, &profile)?,
        batch_limits: super::bulk::limits_of(&profile),
        key_var,
        deepl,
        openai: crate::provider::openai::OpenAiOptions {
            response_format: profile.response_format.unwrap_or_default(),
            thinking: profile.thinking.unwrap_or_default(),
        },
        kind: profile.kind,
        endpoint,
        model,
        api_key,
        headers: profile.headers.into_iter().collect(),
        timeout: resolved(Duration::from_secs(timeout_secs.value), timeout_secs.source),
        max_retries: profile.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        max_chunk_chars: profile
            .max_chunk_chars
            .unwrap_or(DEFAULT_MAX_CHUNK_CHARS)
            .max(200),
        max_chunk_tokens: profile
            .max_chunk_tokens
            .unwrap_or(DEFAULT_MAX_CHUNK_TOKENS)
            .max(100),
        requests_per_minute: profile.requests_per_minute.filter(|&n| n > 0),
        tokens_per_minute: profile.tokens_per_minute.filter(|&n| n > 0),
        name,
    })
}

/// The key, and where it was read from (named in hints when the API rejects it). Highest
/// first: `DIGLOT_API_KEY`, the profile's variable (`api_key_env`, else the kind's), the output
/// of the profile's `api_key_cmd` (run only when `flags.run_key_command`), the profile's inline
/// `api_key`. The environment wins, so a key exported for one run overrides the file.
fn resolve_key(
    profile_name: &str,
    profile: &FileProfile,
    profile_source: &Source,
    flags: &Flags,
    env: &Env,
) -> Result<(Option<Resolved<Secret>>, String), ConfigError> {
    let var = profile
        .api_key_env
        .clone()
        .unwrap_or_else(|| profile.kind.defaults().key_var.to_owned());
    for v in ["DIGLOT_API_KEY", var.as_str()] {
        if let Some(key) = env.get(v) {
            return Ok((
                Some(resolved(Secret::new(key), Source::Env(v.to_owned()))),
                v.to_owned(),
            ));
        }
    }
    if let Some(command) = profile
        .api_key_cmd
        .as_deref()
        .filter(|_| flags.run_key_command)
    {
        let key = run_key_command(profile_name, command)?;
        let source = Source::KeyCommand(profile_name.to_owned());
        let from = format!("the output of api_key_cmd in [providers.{profile_name}]");
        return Ok((Some(resolved(key, source)), from));
    }
    if let Some(key) = profile.api_key.as_deref().filter(|k| !k.is_empty()) {
        let from = format!("api_key in [providers.{profile_name}]");
        return Ok((
            Some(resolved(Secret::new(key), profile_source.clone())),
            from,
        ));
    }
    Ok((None, var))
}

/// Runs a profile's `api_key_cmd` with the shell and takes its first line of output as the
/// key. stdin and stderr stay the terminal's, so a password manager can ask for its
/// passphrase. The output is never shown, logged or cached: a failure says only how the
/// command ended.
fn run_key_command(profile: &str, command: &str) -> Result<Secret, ConfigError> {
    let failed = |reason: String| ConfigError::KeyCommand {
        profile: profile.to_owned(),
        reason,
    };
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let output = std::process::Command::new(shell)
        .args([flag, command])
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| failed(format!("cannot run it: {e}")))?;
    if !output.status.success() {
        return Err(failed(match output.status.code() {
            Some(code) => format!("it exited with status {code}"),
            None => "it was killed by a signal".to_owned(),
        }));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| failed("it printed something that is not UTF-8".to_owned()))?;
    match text.lines().next().map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => Ok(Secret::new(key)),
        None => Err(failed("it printed no key".to_owned())),
    }
}

/// A key with CR, LF or another control character would be refused by the HTTP client on
/// every attempt (it looked like an unreachable server): refuse it before anything is sent,
/// naming where it came from and never the value.
fn check_key(profile: &str, key: &Resolved<Secret>) -> Result<(), ConfigError> {
    if key.value.expose().chars().any(char::is_control) {
        return Err(ConfigError::BadKey {
            profile: profile.to_owned(),
            origin: key.source.clone(),
        });
    }
    Ok(())
}

fn check_url(profile: &str, url: &str) -> Result<(), ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| ConfigError::BadUrl {
        profile: profile.to_owned(),
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ConfigError::BadUrl {
            profile: profile.to_owned(),
            url: url.to_owned(),
            reason: "only http and https are supported".to_owned(),
        });
    }
    Ok(())
}
