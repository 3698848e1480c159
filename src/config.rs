//! Layered configuration: built-in defaults < config file < environment < flags.
//!
//! Owns the config file schema, the environment snapshot, the built-in provider profiles and
//! [`Settings::resolve`], the only code that knows the precedence. Everything it returns
//! carries its [`Source`], so `diglot config` can say where each value came from. It reads the
//! config file and nothing else; the environment comes in as an [`Env`] value.
//!
//! Environment variables (one table, also in the README):
//!
//! | variable | sets |
//! |---|---|
//! | `DIGLOT_CONFIG` | the config file path |
//! | `DIGLOT_PROVIDER` | the provider profile name |
//! | `DIGLOT_BRIEF_PROVIDER` | the provider profile for briefs (default: the translation's) |
//! | `DIGLOT_BASE_URL` | the profile's base URL |
//! | `DIGLOT_MODEL` | the profile's model |
//! | `DIGLOT_API_KEY` | the API key, for any profile (beats the profile's own variable) |
//! | `DIGLOT_TIMEOUT` | seconds the whole run may take (default: no limit) |
//! | `DIGLOT_NO_CACHE` | `1` (or `true`) disables the cache |
//! | `DIGLOT_CACHE_DIR` | the cache directory (default `$XDG_CACHE_HOME/diglot`) |
//! | `DIGLOT_JOBS` | requests at once |
//! | `DIGLOT_TO` | the default target language |
//! | `DIGLOT_WIDTH` | the output width |
//! | `OPENAI_API_KEY` | the key of `openai` profiles |
//! | `ANTHROPIC_API_KEY` | the key of `anthropic` profiles |
//! | `DEEPL_AUTH_KEY` | the key of `deepl` profiles (`…:fx` keys use the free host) |
//! | `LIBRETRANSLATE_API_KEY` | the key of `libretranslate` profiles |

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;

use crate::cli::ColorChoice;
use crate::language::LanguageCode;
use crate::provider::ProviderKind;
use crate::secret::Secret;

/// Seconds one request may take unless the profile says otherwise: generous, because a small
/// local model on a CPU generates 5–7 tokens per second and a chunk can take minutes.
pub const DEFAULT_TIMEOUT_SECS: u64 = 600;
/// Requests in flight at once unless configured: enough to hide a hosted API's latency and
/// generation time behind each other, few enough to stay inside the request rate limits of
/// entry-level API accounts and not to swamp a local model server, which mostly serves one
/// request at a time anyway.
pub const DEFAULT_JOBS: u32 = 4;
/// Retries after the first attempt for 429, 5xx, timeouts and connection errors.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Characters of source text per request for LLM providers unless configured.
pub const DEFAULT_MAX_CHUNK_CHARS: usize = 6000;
/// Estimated tokens of source text per request for LLM providers unless configured. The
/// reply is about as long as the source, so a request needs room for twice this plus the prompt
/// and the JSON around the texts (≈ 3,500 tokens): within the 4,096-token windows and output
/// limits that small local models and older hosted ones have.
pub const DEFAULT_MAX_CHUNK_TOKENS: usize = 1500;
/// Output width when stdout is not a terminal and nothing else is set.
pub const DEFAULT_WIDTH: usize = 100;

/// A snapshot of the process environment (only variables with UTF-8 names and values).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    /// Reads the current process environment.
    pub fn from_process() -> Env {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }

    /// Builds an environment from pairs, for tests.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env(pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }

    /// A variable's value; an empty value counts as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// This environment without `DIGLOT_BASE_URL` and `DIGLOT_MODEL` when `strip` is set: a
    /// brief profile other than the translation's keeps its own URL and model.
    fn without_overrides(&self, strip: bool) -> Env {
        let mut env = self.clone();
        if strip {
            env.0.remove("DIGLOT_BASE_URL");
            env.0.remove("DIGLOT_MODEL");
        }
        env
    }

    /// The user's config directory: `$XDG_CONFIG_HOME/diglot`, else `$HOME/.config/diglot`.
    pub fn config_dir(&self) -> Option<PathBuf> {
        let base = match self.get("XDG_CONFIG_HOME") {
            Some(xdg) if Path::new(xdg).is_absolute() => PathBuf::from(xdg),
            _ => PathBuf::from(self.get("HOME")?).join(".config"),
        };
        Some(base.join("diglot"))
    }

    /// The cache directory: `$DIGLOT_CACHE_DIR`, else `$XDG_CACHE_HOME/diglot`, else
    /// `$HOME/.cache/diglot`.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = self.get("DIGLOT_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        let base = match self.get("XDG_CACHE_HOME") {
            Some(xdg) if Path::new(xdg).is_absolute() => PathBuf::from(xdg),
            _ => PathBuf::from(self.get("HOME")?).join(".cache"),
        };
        Some(base.join("diglot"))
    }
}

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// diglot's built-in default.
    Default,
    /// A built-in provider profile.
    BuiltInProfile(String),
    /// The config file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(String),
    /// Derived from the terminal.
    Terminal,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::BuiltInProfile(name) => write!(f, "built-in profile '{name}'"),
            Source::File(path) => write!(f, "config file {}", path.display()),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Terminal => f.write_str("terminal"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<T> {
    /// The value in force.
    pub value: T,
    /// The layer that set it.
    pub source: Source,
}

/// Why the configuration cannot be used. All of these exit 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file exists but cannot be read.
    #[error("cannot read config file '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has an unknown or mistyped key.
    #[error("invalid config file '{}' at line {line}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// The parser's message (names the key).
        message: String,
    },
    /// An environment variable has a value that does not parse.
    #[error("invalid value '{value}' in {var}: {reason}")]
    InvalidEnv {
        /// The variable.
        var: String,
        /// Its value.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// Nothing says which provider to use.
    #[error("no translation provider is configured")]
    NoProvider {
        /// Where a config file would be read from.
        config_path: Option<PathBuf>,
    },
    /// `--provider NAME` names neither a profile nor a kind.
    #[error("unknown provider '{name}' (known: {})", known.join(", "))]
    UnknownProvider {
        /// The name asked for.
        name: String,
        /// Profiles and kinds that exist.
        known: Vec<String>,
    },
    /// The profile needs a key and none is set.
    #[error("provider '{profile}' needs an API key, but {var} is not set")]
    MissingKey {
        /// Profile name.
        profile: String,
        /// The variable to set.
        var: String,
    },
    /// `config init` found a file already there.
    #[error("'{}' already exists; diglot never overwrites a config file", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// `config init` could not write.
    #[error("cannot write '{}': {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Neither HOME nor XDG_CONFIG_HOME is set, so there is no default config path.
    #[error("no config directory: set HOME or XDG_CONFIG_HOME, or pass --config FILE")]
    NoConfigDir,
    /// The provider chosen for briefs speaks a protocol that cannot write them.
    #[error("provider '{profile}' ({kind}) cannot write briefs")]
    NoBriefs {
        /// Profile name.
        profile: String,
        /// Its wire protocol.
        kind: ProviderKind,
    },
    /// The base URL is not an http(s) URL.
    #[error("invalid base URL '{url}' for provider '{profile}': {reason}")]
    BadUrl {
        /// Profile name.
        profile: String,
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}

impl ConfigError {
    /// A hint line that tells the user how to fix this, where there is an obvious fix.
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::NoProvider { config_path } => Some(format!(
                "set OPENAI_API_KEY, ANTHROPIC_API_KEY or DEEPL_AUTH_KEY; or run a local Ollama and pass --provider ollama; \
                 or define [providers.NAME] with kind = \"openai\" in {}; \
                 or try it offline with --provider mock",
                config_path
                    .as_ref()
                    .map_or("the config file".to_owned(), |p| p.display().to_string())
            )),
            ConfigError::MissingKey { var, .. } => Some(format!(
                "export {var}=… (or DIGLOT_API_KEY), or try it offline with --provider mock"
            )),
            ConfigError::NoBriefs { .. } => Some(
                "choose an LLM profile for the brief with --brief-provider NAME, \
                 DIGLOT_BRIEF_PROVIDER or [brief] provider = \"NAME\" in the config file"
                    .to_owned(),
            ),
            ConfigError::UnknownProvider { .. } => {
                Some("define it as [providers.NAME] in the config file".to_owned())
            }
            _ => None,
        }
    }
}

/// How to ask an OpenAI-compatible API for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    /// `response_format: {type: json_schema}` with diglot's schema (OpenAI, vLLM, llama.cpp,
    /// recent Ollama).
    JsonSchema,
    /// `response_format: {type: json_object}` (servers without schema support).
    JsonObject,
    /// No `response_format` at all (servers that reject the field).
    None,
}

/// The config file's schema. Unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Default provider profile name.
    pub provider: Option<String>,
    /// Default target language.
    pub to: Option<LanguageCode>,
    /// Seconds the whole run may take.
    pub timeout: Option<u64>,
    /// Requests at once.
    pub jobs: Option<u32>,
    /// Output width.
    pub width: Option<u16>,
    /// Named provider profiles.
    #[serde(default)]
    pub providers: BTreeMap<String, FileProfile>,
    /// The `[brief]` table.
    #[serde(default)]
    pub brief: FileBrief,
}

/// The `[brief]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBrief {
    /// The provider profile that writes briefs (default: the translation's).
    pub provider: Option<String>,
}

/// One `[providers.NAME]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileProfile {
    /// The wire protocol.
    pub kind: ProviderKind,
    /// API base URL.
    pub base_url: Option<String>,
    /// Model name.
    pub model: Option<String>,
    /// The environment variable that holds the key.
    pub api_key_env: Option<String>,
    /// The key itself, inline. Discouraged: diglot warns when the file is readable by others.
    /// Any key in the environment wins over it.
    pub api_key: Option<String>,
    /// Extra HTTP headers sent with every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Seconds per request for this profile.
    pub timeout: Option<u64>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// How to ask for JSON.
    pub response_format: Option<ResponseFormat>,
    /// Characters of source text per request.
    pub max_chunk_chars: Option<usize>,
    /// LLMs: estimated tokens of source text per request.
    pub max_chunk_tokens: Option<usize>,
    /// Requests started per minute at most.
    pub requests_per_minute: Option<u32>,
    /// LLMs: estimated tokens (request and reply) per minute at most.
    pub tokens_per_minute: Option<u32>,
    /// DeepL: the English to write, `en-us` (default) or `en-gb`.
    pub english: Option<crate::provider::deepl::EnglishVariant>,
    /// DeepL: the Portuguese to write, `pt-br` (default) or `pt-pt`.
    pub portuguese: Option<crate::provider::deepl::PortugueseVariant>,
    /// DeepL: `formality` (`default`, `more`, `less`, `prefer_more`, `prefer_less`).
    pub formality: Option<crate::provider::deepl::Formality>,
    /// DeepL: the glossary to use.
    pub glossary_id: Option<String>,
    /// DeepL: `preserve_formatting`.
    pub preserve_formatting: Option<bool>,
}

/// The config file as loaded: where it is, whether it exists, and its contents.
#[derive(Debug, Default)]
pub struct LoadedFile {
    /// Where it was looked for (None when no config dir is known).
    pub path: Option<Resolved<PathBuf>>,
    /// Whether it existed.
    pub found: bool,
    /// Its contents (defaults when missing).
    pub config: FileConfig,
}

impl LoadedFile {
    /// Finds and parses the config file: `--config` > `DIGLOT_CONFIG` > the config dir. A missing
    /// file at the default place is fine; a missing file named explicitly is an error.
    pub fn load(flag: Option<&Path>, env: &Env) -> Result<LoadedFile, ConfigError> {
        let path = match (flag, env.get("DIGLOT_CONFIG")) {
            (Some(p), _) => Some(resolved(p.to_path_buf(), Source::Flag("--config".into()))),
            (None, Some(p)) => Some(resolved(
                PathBuf::from(p),
                Source::Env("DIGLOT_CONFIG".into()),
            )),
            (None, None) => env
                .config_dir()
                .map(|dir| resolved(dir.join("config.toml"), Source::Default)),
        };
        let Some(path) = path else {
            return Ok(LoadedFile::default());
        };
        let text = match std::fs::read_to_string(&path.value) {
            Ok(text) => text,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound && path.source == Source::Default =>
            {
                return Ok(LoadedFile {
                    path: Some(path),
                    found: false,
                    config: FileConfig::default(),
                });
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.value,
                    source,
                });
            }
        };
        let config = parse_file(&path.value, &text)?;
        Ok(LoadedFile {
            path: Some(path),
            found: true,
            config,
        })
    }

    /// Warnings about the file itself: an inline key in a file others can read.
    pub fn warnings(&self) -> Vec<String> {
        let Some(path) = self.path.as_ref().filter(|_| self.found) else {
            return Vec::new();
        };
        let inline: Vec<&str> = self
            .config
            .providers
            .iter()
            .filter(|(_, p)| p.api_key.is_some())
            .map(|(name, _)| name.as_str())
            .collect();
        if inline.is_empty() || !is_readable_by_others(&path.value) {
            return Vec::new();
        }
        vec![format!(
            "{} holds an API key inline (providers {}) and is readable by other users: \
             run `chmod 600 {}`, or move the key to an environment variable (api_key_env)",
            path.value.display(),
            inline.join(", "),
            path.value.display()
        )]
    }

    fn source(&self) -> Source {
        self.path
            .as_ref()
            .map_or(Source::Default, |p| Source::File(p.value.clone()))
    }
}

#[cfg(unix)]
fn is_readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
}

#[cfg(not(unix))]
fn is_readable_by_others(_path: &Path) -> bool {
    false
}

/// Parses config file text; errors name the file, the line and the key.
pub fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| {
            text[..span.start.min(text.len())].matches('\n').count() + 1
        });
        ConfigError::Parse {
            path: path.to_path_buf(),
            line,
            message: e.message().trim().replace('\n', " "),
        }
    })
}

fn resolved<T>(value: T, source: Source) -> Resolved<T> {
    Resolved { value, source }
}

/// Values the user gave on the command line (the top layer).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--provider`.
    pub provider: Option<String>,
    /// `--brief-provider`.
    pub brief_provider: Option<String>,
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--model`.
    pub model: Option<String>,
    /// `--timeout` (the whole run).
    pub timeout: Option<u64>,
    /// `--no-cache`.
    pub no_cache: bool,
    /// `-v`.
    pub verbose: bool,
    /// `--jobs`.
    pub jobs: Option<u32>,
    /// `--to`.
    pub to: Option<LanguageCode>,
    /// `--width`.
    pub width: Option<u16>,
    /// `--color`.
    pub color: Option<ColorChoice>,
}

/// What diglot knows about the terminal it writes to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    /// Whether stdout is a terminal.
    pub stdout_is_tty: bool,
    /// The terminal's width, when stdout is one.
    pub width: Option<usize>,
    /// Whether stderr is a terminal (progress is shown only then).
    pub stderr_is_tty: bool,
}

/// A provider profile with every layer applied: what the transport and protocol use.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// Profile name.
    pub name: Resolved<String>,
    /// Wire protocol.
    pub kind: ProviderKind,
    /// Base URL; `None` only for `mock` (and `openai` profiles without one), which then start
    /// the mock server in-process. `deepl`, `anthropic` and `libretranslate` always have one:
    /// the profile's, else the kind's default (for DeepL, the host the key belongs to).
    pub base_url: Option<Resolved<String>>,
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
    /// How to ask for JSON.
    pub response_format: ResponseFormat,
    /// Characters of source text per request.
    pub max_chunk_chars: usize,
    /// LLMs: estimated tokens of source text per request (`None`: the protocol's default).
    pub max_chunk_tokens: Option<usize>,
    /// Requests started per minute at most.
    pub requests_per_minute: Option<u32>,
    /// Estimated tokens per minute at most (LLMs).
    pub tokens_per_minute: Option<u32>,
    /// The variable the key is read from (named in hints when the key is rejected).
    pub key_var: String,
    /// DeepL's options (unused by other kinds).
    pub deepl: crate::provider::deepl::DeeplOptions,
}

/// Everything resolved: the immutable input to a run.
#[derive(Debug)]
pub struct Settings {
    /// The config file.
    pub file: LoadedFile,
    /// Requests at once.
    pub jobs: Resolved<u32>,
    /// Time the whole run may take (`--timeout`), if limited.
    pub run_timeout: Option<Resolved<Duration>>,
    /// The cache directory, `None` when the cache is off (`--no-cache`, `DIGLOT_NO_CACHE`) or
    /// no directory is known.
    pub cache_dir: Option<PathBuf>,
    /// Print the usage summary on stderr (`-v`).
    pub verbose: bool,
    /// Default target language, if any layer set one.
    pub to: Option<Resolved<LanguageCode>>,
    /// Output width in columns.
    pub width: Resolved<usize>,
    /// Whether to colour stdout.
    pub color: Resolved<bool>,
    /// Where user prompt overrides live.
    pub prompts_dir: Option<PathBuf>,
    /// Whether to draw progress on stderr.
    pub progress: bool,
    /// The provider, or why none can be used (kept, so `detect` and `config` work without one).
    pub provider: Result<ProviderSettings, ConfigError>,
    /// The provider for briefs when a layer names one; `None` means the translation's.
    pub brief_provider: Option<Result<ProviderSettings, ConfigError>>,
    /// The day an HTML page's header shows: `SOURCE_DATE_EPOCH` when set, else today (UTC).
    pub date: crate::render::Date,
}

impl Settings {
    /// Applies defaults < file < environment < flags. Fails only on values that are malformed;
    /// a missing provider is reported when a command needs it.
    pub fn resolve(
        flags: &Flags,
        env: &Env,
        file: LoadedFile,
        terminal: Terminal,
    ) -> Result<Settings, ConfigError> {
        let file_source = file.source();
        let cfg = &file.config;
        let jobs = layer(
            flags.jobs.map(|v| (v, "--jobs")),
            env_parse::<u32>(env, "DIGLOT_JOBS")?,
            cfg.jobs.map(|v| (v, file_source.clone())),
            DEFAULT_JOBS,
        );
        let to = layer_opt(
            flags.to.map(|v| (v, "--to")),
            env_parse::<LanguageCode>(env, "DIGLOT_TO")?,
            cfg.to.map(|v| (v, file_source.clone())),
        );
        let run_timeout = layer_opt(
            flags.timeout.map(|v| (v, "--timeout")),
            env_parse::<u64>(env, "DIGLOT_TIMEOUT")?,
            cfg.timeout.map(|v| (v, file_source.clone())),
        )
        .map(|secs| resolved(Duration::from_secs(secs.value.max(1)), secs.source));
        let no_cache = flags.no_cache
            || env
                .get("DIGLOT_NO_CACHE")
                .is_some_and(|v| !matches!(v.trim(), "" | "0" | "false" | "no"));
        let cache_dir = if no_cache { None } else { env.cache_dir() };
        let width = resolve_width(flags, env, cfg, &file_source, terminal)?;
        let color = resolve_color(flags.color, env, terminal);
        let provider = resolve_provider(flags, env, &file);
        let brief_provider = resolve_brief_provider(flags, env, &file, &provider);
        let date = resolve_date(env)?;
        Ok(Settings {
            prompts_dir: env.config_dir().map(|d| d.join("prompts")),
            progress: terminal.stderr_is_tty && env.get("TERM") != Some("dumb"),
            file,
            jobs,
            run_timeout,
            cache_dir,
            verbose: flags.verbose,
            to,
            width,
            color,
            provider,
            brief_provider,
            date,
        })
    }
}

impl Settings {
    /// The effective configuration, one value a line with its source; secrets redacted.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let mut line = |key: &str, value: &dyn fmt::Display, source: &dyn fmt::Display| {
            out.push_str(&format!("{key:<16} {value:<32} ({source})\n"));
        };
        match &self.file.path {
            Some(p) if self.file.found => line("config file", &p.value.display(), &p.source),
            Some(p) => line(
                "config file",
                &format!("{} (not found)", p.value.display()),
                &p.source,
            ),
            None => line(
                "config file",
                &"(none: no HOME or XDG_CONFIG_HOME)",
                &Source::Default,
            ),
        }
        line("jobs", &self.jobs.value, &self.jobs.source);
        match &self.run_timeout {
            Some(t) => line(
                "timeout",
                &format!("{} s (whole run)", t.value.as_secs()),
                &t.source,
            ),
            None => line("timeout", &"(none for the whole run)", &Source::Default),
        }
        match &self.cache_dir {
            Some(dir) => line("cache", &dir.display(), &Source::Default),
            None => line("cache", &"(off)", &Source::Default),
        }
        match &self.to {
            Some(to) => line("to", &to.value, &to.source),
            None => line("to", &"en (de for English articles)", &Source::Default),
        }
        line("width", &self.width.value, &self.width.source);
        line("color", &self.color.value, &self.color.source);
        match &self.provider {
            Ok(p) => {
                line("provider", &p.name.value, &p.name.source);
                line("  kind", &p.kind, &p.name.source);
                match &p.base_url {
                    Some(url) => line("  base_url", &url.value, &url.source),
                    None => line(
                        "  base_url",
                        &"(in-process mock on 127.0.0.1)",
                        &Source::Default,
                    ),
                }
                line("  model", &p.model.value, &p.model.source);
                match &p.api_key {
                    Some(key) => line("  api_key", &key.value, &key.source),
                    None => line("  api_key", &"(none)", &Source::Default),
                }
                let secs = format!("{} s", p.timeout.value.as_secs());
                line("  timeout", &secs, &p.timeout.source);
            }
            Err(e) => {
                out.push_str(&format!("provider         (none) {e}\n"));
                if let Some(hint) = e.hint() {
                    out.push_str(&format!("                 hint: {hint}\n"));
                }
            }
        }
        match &self.brief_provider {
            None => out.push_str(&format!(
                "{:<16} {:<32} ({})\n",
                "brief provider",
                "(the translation's)",
                Source::Default
            )),
            Some(Ok(p)) => {
                out.push_str(&format!(
                    "{:<16} {:<32} ({})\n",
                    "brief provider", p.name.value, p.name.source
                ));
                out.push_str(&format!(
                    "{:<16} {:<32} ({})\n",
                    "  kind", p.kind, p.name.source
                ));
                out.push_str(&format!(
                    "{:<16} {:<32} ({})\n",
                    "  model", p.model.value, p.model.source
                ));
            }
            Some(Err(e)) => out.push_str(&format!("brief provider   (none) {e}\n")),
        }
        out
    }
}

/// Picks the highest layer that has a value: flag > env > file > default.
fn layer<T>(
    flag: Option<(T, &str)>,
    env: Option<(T, String)>,
    file: Option<(T, Source)>,
    default: T,
) -> Resolved<T> {
    layer_opt(flag, env, file).unwrap_or(Resolved {
        value: default,
        source: Source::Default,
    })
}

fn layer_opt<T>(
    flag: Option<(T, &str)>,
    env: Option<(T, String)>,
    file: Option<(T, Source)>,
) -> Option<Resolved<T>> {
    if let Some((value, name)) = flag {
        return Some(resolved(value, Source::Flag(name.to_owned())));
    }
    if let Some((value, var)) = env {
        return Some(resolved(value, Source::Env(var)));
    }
    file.map(|(value, source)| resolved(value, source))
}

fn env_parse<T: FromStr>(env: &Env, var: &str) -> Result<Option<(T, String)>, ConfigError>
where
    T::Err: fmt::Display,
{
    env.get(var)
        .map(|raw| {
            raw.parse::<T>()
                .map(|v| (v, var.to_owned()))
                .map_err(|e| ConfigError::InvalidEnv {
                    var: var.to_owned(),
                    value: raw.to_owned(),
                    reason: e.to_string(),
                })
        })
        .transpose()
}

/// `SOURCE_DATE_EPOCH` (the reproducible-builds convention: seconds since the Unix epoch), so
/// output can be made byte-for-byte repeatable; else the system clock. A malformed value is an
/// error, as the convention asks, rather than silently today.
fn resolve_date(env: &Env) -> Result<crate::render::Date, ConfigError> {
    let seconds = match env_parse::<u64>(env, "SOURCE_DATE_EPOCH")? {
        Some((seconds, _)) => seconds,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
    };
    Ok(crate::render::Date::from_unix_seconds(seconds))
}

fn resolve_width(
    flags: &Flags,
    env: &Env,
    cfg: &FileConfig,
    file_source: &Source,
    terminal: Terminal,
) -> Result<Resolved<usize>, ConfigError> {
    let env_width = env_parse::<u16>(env, "DIGLOT_WIDTH")?;
    if let Some((w, var)) = &env_width
        && usize::from(*w) < crate::render::MIN_WIDTH
    {
        return Err(ConfigError::InvalidEnv {
            var: var.clone(),
            value: w.to_string(),
            reason: format!("the width must be at least {}", crate::render::MIN_WIDTH),
        });
    }
    let chosen = layer_opt(
        flags.width.map(|v| (v, "--width")),
        env_width,
        cfg.width.map(|v| (v, file_source.clone())),
    );
    Ok(match (chosen, terminal.width) {
        (Some(r), _) => resolved(usize::from(r.value).max(crate::render::MIN_WIDTH), r.source),
        (None, Some(w)) if terminal.stdout_is_tty => {
            resolved(w.max(crate::render::MIN_WIDTH), Source::Terminal)
        }
        (None, _) => resolved(DEFAULT_WIDTH, Source::Default),
    })
}

/// `auto` colours only a terminal, with `NO_COLOR` unset or empty and `TERM` not `dumb`.
fn resolve_color(flag: Option<ColorChoice>, env: &Env, terminal: Terminal) -> Resolved<bool> {
    match flag {
        Some(ColorChoice::Always) => resolved(true, Source::Flag("--color".into())),
        Some(ColorChoice::Never) => resolved(false, Source::Flag("--color".into())),
        Some(ColorChoice::Auto) | None => {
            if env.get("NO_COLOR").is_some() {
                resolved(false, Source::Env("NO_COLOR".into()))
            } else if env.get("TERM") == Some("dumb") {
                resolved(false, Source::Env("TERM".into()))
            } else {
                resolved(terminal.stdout_is_tty, Source::Terminal)
            }
        }
    }
}

/// A built-in profile: name, kind, base URL, model and key variable.
struct BuiltIn {
    name: &'static str,
    kind: ProviderKind,
    base_url: Option<&'static str>,
    model: &'static str,
    key_var: Option<&'static str>,
}

const BUILT_INS: &[BuiltIn] = &[
    BuiltIn {
        name: "openai",
        kind: ProviderKind::Openai,
        base_url: Some("https://api.openai.com/v1"),
        model: "gpt-4o-mini",
        key_var: Some("OPENAI_API_KEY"),
    },
    BuiltIn {
        name: "ollama",
        kind: ProviderKind::Openai,
        base_url: Some("http://localhost:11434/v1"),
        model: "qwen2.5:7b",
        key_var: None,
    },
    BuiltIn {
        name: "anthropic",
        kind: ProviderKind::Anthropic,
        base_url: Some(crate::provider::anthropic::DEFAULT_BASE_URL),
        model: crate::provider::anthropic::DEFAULT_MODEL,
        key_var: Some("ANTHROPIC_API_KEY"),
    },
    // The host follows the key (`:fx` keys are free-tier keys); see `build_provider`.
    BuiltIn {
        name: "deepl",
        kind: ProviderKind::Deepl,
        base_url: None,
        model: "",
        key_var: Some("DEEPL_AUTH_KEY"),
    },
    BuiltIn {
        name: "libretranslate",
        kind: ProviderKind::Libretranslate,
        base_url: Some(crate::provider::libretranslate::DEFAULT_BASE_URL),
        model: "",
        key_var: Some("LIBRETRANSLATE_API_KEY"),
    },
    BuiltIn {
        name: "mock",
        kind: ProviderKind::Mock,
        base_url: None,
        model: "diglot-mock",
        key_var: None,
    },
];

fn resolve_provider(
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
                .ok_or_else(|| {
                    let mut known: Vec<String> = cfg.providers.keys().cloned().collect();
                    known.extend(BUILT_INS.iter().map(|b| b.name.to_owned()));
                    ConfigError::UnknownProvider {
                        name: name.value.clone(),
                        known,
                    }
                })?;
            (
                built_in_profile(built_in),
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
fn resolve_brief_provider(
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

/// Whether a protocol with `capabilities` can write the brief for `provider`; checked before
/// any input is read or request sent.
pub fn check_brief_capable(
    provider: &ProviderSettings,
    capabilities: crate::provider::Capabilities,
) -> Result<(), ConfigError> {
    if capabilities.briefs {
        Ok(())
    } else {
        Err(ConfigError::NoBriefs {
            profile: provider.name.value.clone(),
            kind: provider.kind,
        })
    }
}

/// With no provider named anywhere, a key or a base URL in the environment or flags implies
/// the OpenAI-compatible protocol; failing that, a vendor's own key variable implies its
/// built-in profile (`ANTHROPIC_API_KEY` → `anthropic`, `DEEPL_AUTH_KEY` → `deepl`).
fn implied_provider(flags: &Flags, env: &Env) -> Option<Resolved<String>> {
    if flags.base_url.is_some() {
        return Some(resolved(
            "openai".to_owned(),
            Source::Flag("--base-url".into()),
        ));
    }
    [
        ("DIGLOT_BASE_URL", "openai"),
        ("DIGLOT_API_KEY", "openai"),
        ("OPENAI_API_KEY", "openai"),
        ("ANTHROPIC_API_KEY", "anthropic"),
        ("DEEPL_AUTH_KEY", "deepl"),
    ]
    .into_iter()
    .find(|(var, _)| env.get(var).is_some())
    .map(|(var, profile)| resolved(profile.to_owned(), Source::Env(var.to_owned())))
}

fn built_in_profile(b: &BuiltIn) -> FileProfile {
    FileProfile {
        kind: b.kind,
        base_url: b.base_url.map(str::to_owned),
        model: Some(b.model.to_owned()),
        api_key_env: b.key_var.map(str::to_owned),
        api_key: None,
        headers: BTreeMap::new(),
        timeout: None,
        max_retries: None,
        response_format: None,
        max_chunk_chars: None,
        max_chunk_tokens: None,
        requests_per_minute: None,
        tokens_per_minute: None,
        english: None,
        portuguese: None,
        formality: None,
        glossary_id: None,
        preserve_formatting: None,
    }
}

fn build_provider(
    name: Resolved<String>,
    profile: FileProfile,
    profile_source: Source,
    flags: &Flags,
    env: &Env,
) -> Result<ProviderSettings, ConfigError> {
    let base_url = layer_opt(
        flags.base_url.clone().map(|v| (v, "--base-url")),
        env.get("DIGLOT_BASE_URL")
            .map(|v| (v.to_owned(), "DIGLOT_BASE_URL".to_owned())),
        profile
            .base_url
            .clone()
            .map(|v| (v, profile_source.clone())),
    );
    let base_url = base_url.or_else(|| {
        let default = match profile.kind {
            ProviderKind::Anthropic => crate::provider::anthropic::DEFAULT_BASE_URL,
            ProviderKind::Libretranslate => crate::provider::libretranslate::DEFAULT_BASE_URL,
            ProviderKind::Openai | ProviderKind::Mock | ProviderKind::Deepl => return None,
        };
        Some(resolved(default.to_owned(), Source::Default))
    });
    if let Some(url) = &base_url {
        check_url(&name.value, &url.value)?;
    }
    let model = layer(
        flags.model.clone().map(|v| (v, "--model")),
        env.get("DIGLOT_MODEL")
            .map(|v| (v.to_owned(), "DIGLOT_MODEL".to_owned())),
        profile.model.clone().map(|v| (v, profile_source.clone())),
        String::new(),
    );
    let timeout_secs = layer(
        None,
        None,
        profile.timeout.map(|v| (v, profile_source.clone())),
        DEFAULT_TIMEOUT_SECS,
    );
    let (api_key, key_var) = resolve_key(&name.value, &profile, env, base_url.as_ref())?;
    let base_url = match (base_url, profile.kind, &api_key) {
        (None, ProviderKind::Deepl, Some(key)) => Some(resolved(
            crate::provider::deepl::base_url_for_key(key.value.expose()).to_owned(),
            profile_source.clone(),
        )),
        (None, ProviderKind::Deepl, None) => {
            return Err(ConfigError::MissingKey {
                profile: name.value.clone(),
                var: key_var,
            });
        }
        (base_url, _, _) => base_url,
    };
    let deepl = crate::provider::deepl::DeeplOptions {
        english: profile.english.unwrap_or_default(),
        portuguese: profile.portuguese.unwrap_or_default(),
        formality: profile.formality,
        glossary_id: profile.glossary_id.clone(),
        preserve_formatting: profile.preserve_formatting,
    };
    Ok(ProviderSettings {
        key_var,
        deepl,
        kind: profile.kind,
        base_url,
        model,
        api_key,
        headers: profile.headers.into_iter().collect(),
        timeout: resolved(
            Duration::from_secs(timeout_secs.value.max(1)),
            timeout_secs.source,
        ),
        max_retries: profile.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        response_format: profile
            .response_format
            .unwrap_or(ResponseFormat::JsonSchema),
        max_chunk_chars: profile
            .max_chunk_chars
            .unwrap_or(DEFAULT_MAX_CHUNK_CHARS)
            .max(200),
        max_chunk_tokens: profile.max_chunk_tokens.map(|n| n.max(100)),
        requests_per_minute: profile.requests_per_minute.filter(|&n| n > 0),
        tokens_per_minute: profile.tokens_per_minute.filter(|&n| n > 0),
        name,
    })
}

/// Hosts that always need a key; local servers (Ollama, llama.cpp, LibreTranslate, the mock)
/// need none.
const HOSTS_NEEDING_A_KEY: &[&str] = &[
    "://api.openai.com",
    "://api.anthropic.com",
    "://api.deepl.com",
    "://api-free.deepl.com",
];

/// `DIGLOT_API_KEY` beats the profile's own variable. A key is required only for the hosted
/// APIs in [`HOSTS_NEEDING_A_KEY`]. Returns the key and the variable it is read from.
fn resolve_key(
    profile_name: &str,
    profile: &FileProfile,
    env: &Env,
    base_url: Option<&Resolved<String>>,
) -> Result<(Option<Resolved<Secret>>, String), ConfigError> {
    let var = profile
        .api_key_env
        .as_deref()
        .unwrap_or(match profile.kind {
            ProviderKind::Openai => "OPENAI_API_KEY",
            ProviderKind::Mock => "DIGLOT_API_KEY",
            ProviderKind::Anthropic => "ANTHROPIC_API_KEY",
            ProviderKind::Deepl => "DEEPL_AUTH_KEY",
            ProviderKind::Libretranslate => "LIBRETRANSLATE_API_KEY",
        });
    let found = ["DIGLOT_API_KEY", var].into_iter().find_map(|v| {
        env.get(v)
            .map(|key| resolved(Secret::new(key), Source::Env(v.to_owned())))
    });
    let hosted = base_url.is_some_and(|u| {
        HOSTS_NEEDING_A_KEY
            .iter()
            .any(|host| u.value.contains(host))
    });
    if found.is_none() && hosted {
        return Err(ConfigError::MissingKey {
            profile: profile_name.to_owned(),
            var: var.to_owned(),
        });
    }
    Ok((found, var.to_owned()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(flags: Flags, env: &[(&str, &str)], toml: &str) -> Settings {
        let env = Env::from_pairs(env.iter().copied());
        let path = PathBuf::from("/cfg/config.toml");
        let config = parse_file(&path, toml).expect("test config parses");
        let file = LoadedFile {
            path: Some(resolved(path, Source::Default)),
            found: true,
            config,
        };
        Settings::resolve(&flags, &env, file, Terminal::default()).expect("resolves")
    }

    fn provider(s: &Settings) -> &ProviderSettings {
        s.provider.as_ref().expect("a provider resolves")
    }

    const FILE: &str = r#"
provider = "local"
jobs = 2
[providers.local]
kind = "openai"
base_url = "http://file:1/v1"
model = "file-model"
"#;

    const BRIEF_FILE: &str = r#"
provider = "local"
[brief]
provider = "writer"
[providers.local]
kind = "openai"
base_url = "http://file:1/v1"
model = "file-model"
[providers.writer]
kind = "openai"
base_url = "http://writer:1/v1"
model = "writer-model"
"#;

    fn brief_provider(s: &Settings) -> &ProviderSettings {
        s.brief_provider
            .as_ref()
            .expect("a brief provider is named")
            .as_ref()
            .expect("it resolves")
    }

    #[test]
    fn the_brief_uses_the_translation_provider_unless_one_is_named() {
        let s = settings(Flags::default(), &[], FILE);
        assert!(s.brief_provider.is_none());
        let named_same = Flags {
            brief_provider: Some("local".into()),
            ..Flags::default()
        };
        assert!(settings(named_same, &[], FILE).brief_provider.is_none());
    }

    #[test]
    fn brief_provider_file_then_env_then_flag() {
        let s = settings(Flags::default(), &[], BRIEF_FILE);
        let p = brief_provider(&s);
        assert_eq!(p.name.value, "writer");
        assert!(matches!(p.name.source, Source::File(_)));
        assert_eq!(p.model.value, "writer-model");

        let env = [("DIGLOT_BRIEF_PROVIDER", "ollama")];
        let s = settings(Flags::default(), &env, BRIEF_FILE);
        assert_eq!(brief_provider(&s).name.value, "ollama");
        assert_eq!(
            brief_provider(&s).name.source,
            Source::Env("DIGLOT_BRIEF_PROVIDER".into())
        );

        let flags = Flags {
            brief_provider: Some("mock".into()),
            ..Flags::default()
        };
        let s = settings(flags, &env, BRIEF_FILE);
        assert_eq!(brief_provider(&s).name.value, "mock");
        assert_eq!(
            brief_provider(&s).name.source,
            Source::Flag("--brief-provider".into())
        );
        assert!(
            s.describe().contains("brief provider   mock"),
            "{}",
            s.describe()
        );
    }

    #[test]
    fn model_and_base_url_overrides_stay_with_the_translation_provider() {
        let flags = Flags {
            model: Some("flag-model".into()),
            base_url: Some("http://flag:1/v1".into()),
            ..Flags::default()
        };
        let s = settings(flags, &[("DIGLOT_MODEL", "env-model")], BRIEF_FILE);
        assert_eq!(provider(&s).model.value, "flag-model");
        let writer = brief_provider(&s);
        assert_eq!(writer.model.value, "writer-model");
        assert_eq!(
            writer.base_url.as_ref().map(|u| u.value.as_str()),
            Some("http://writer:1/v1")
        );
    }

    #[test]
    fn an_unknown_brief_provider_is_an_error_only_for_the_brief() {
        let env = [("DIGLOT_BRIEF_PROVIDER", "nobody")];
        let s = settings(Flags::default(), &env, FILE);
        assert!(s.provider.is_ok());
        assert!(matches!(
            s.brief_provider,
            Some(Err(ConfigError::UnknownProvider { .. }))
        ));
    }

    #[test]
    fn a_provider_that_cannot_write_briefs_is_a_config_error_with_a_hint() {
        let s = settings(Flags::default(), &[], FILE);
        let p = provider(&s);
        let translation_only = crate::provider::Capabilities {
            briefs: false,
            max_chars: 6000,
            max_paragraphs: 50,
            max_text_bytes: None,
        };
        let err = check_brief_capable(p, translation_only).expect_err("no briefs");
        assert_eq!(
            err.to_string(),
            "provider 'local' (openai) cannot write briefs"
        );
        assert!(err.hint().is_some_and(|h| h.contains("--brief-provider")));
        let llm = crate::provider::Capabilities {
            briefs: true,
            ..translation_only
        };
        assert!(check_brief_capable(p, llm).is_ok());
    }

    #[test]
    fn file_beats_defaults() {
        let s = settings(Flags::default(), &[], FILE);
        let p = provider(&s);
        assert_eq!(p.name.value, "local");
        assert_eq!(p.model.value, "file-model");
        assert_eq!(s.jobs.value, 2);
        assert!(matches!(s.jobs.source, Source::File(_)));
    }

    #[test]
    fn env_beats_file_and_flags_beat_env() {
        let env = [("DIGLOT_MODEL", "env-model"), ("DIGLOT_JOBS", "3")];
        let s = settings(Flags::default(), &env, FILE);
        assert_eq!(provider(&s).model.value, "env-model");
        assert_eq!(s.jobs.value, 3);
        let flags = Flags {
            model: Some("flag-model".into()),
            jobs: Some(7),
            ..Flags::default()
        };
        let s = settings(flags, &env, FILE);
        assert_eq!(provider(&s).model.value, "flag-model");
        assert_eq!(provider(&s).model.source, Source::Flag("--model".into()));
        assert_eq!(s.jobs.value, 7);
    }

    #[test]
    fn nothing_configured_is_an_error_with_a_hint() {
        let s = settings(Flags::default(), &[], "");
        let err = s.provider.expect_err("no provider");
        assert!(matches!(err, ConfigError::NoProvider { .. }));
        let hint = err.hint().expect("a hint");
        assert!(
            hint.contains("--provider mock") && hint.contains("OPENAI_API_KEY"),
            "{hint}"
        );
    }

    #[test]
    fn an_openai_key_alone_selects_openai() {
        let s = settings(Flags::default(), &[("OPENAI_API_KEY", "sk-1")], "");
        let p = provider(&s);
        assert_eq!(p.name.value, "openai");
        assert_eq!(p.api_key.as_ref().map(|k| k.value.expose()), Some("sk-1"));
    }

    #[test]
    fn diglot_api_key_beats_the_vendor_variable() {
        let env = [
            ("OPENAI_API_KEY", "sk-vendor"),
            ("DIGLOT_API_KEY", "sk-diglot"),
        ];
        let s = settings(Flags::default(), &env, "");
        let key = provider(&s).api_key.clone().expect("key");
        assert_eq!(key.value.expose(), "sk-diglot");
        assert_eq!(key.source, Source::Env("DIGLOT_API_KEY".into()));
    }

    #[test]
    fn hosted_openai_without_a_key_names_the_variable() {
        let flags = Flags {
            provider: Some("openai".into()),
            ..Flags::default()
        };
        let err = settings(flags, &[], "").provider.expect_err("needs a key");
        assert_eq!(
            err.to_string(),
            "provider 'openai' needs an API key, but OPENAI_API_KEY is not set"
        );
    }

    #[test]
    fn local_servers_need_no_key() {
        let flags = Flags {
            provider: Some("ollama".into()),
            ..Flags::default()
        };
        let s = settings(flags, &[], "");
        assert!(provider(&s).api_key.is_none());
    }

    #[test]
    fn unknown_provider_lists_the_known_ones() {
        let flags = Flags {
            provider: Some("nope".into()),
            ..Flags::default()
        };
        let err = settings(flags, &[], FILE).provider.expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.contains("'nope'") && text.contains("local") && text.contains("mock"),
            "{text}"
        );
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse_file(Path::new("/c.toml"), "jobs = 1\n\nbogus = 2\n").expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.contains("/c.toml") && text.contains("line 3") && text.contains("bogus"),
            "{text}"
        );
    }

    #[test]
    fn malformed_env_values_are_errors() {
        let env = Env::from_pairs([("DIGLOT_TIMEOUT", "soon"), ("DIGLOT_PROVIDER", "mock")]);
        let err = Settings::resolve(
            &Flags::default(),
            &env,
            LoadedFile::default(),
            Terminal::default(),
        )
        .expect_err("bad timeout");
        assert!(err.to_string().contains("DIGLOT_TIMEOUT"), "{err}");
    }

    #[test]
    fn timeout_bounds_the_run_and_the_profile_bounds_one_request() {
        let file = "timeout = 90\n[providers.slow]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:1/v1\"\ntimeout = 30\nrequests_per_minute = 10\n";
        let s = settings(
            Flags {
                provider: Some("slow".into()),
                ..Flags::default()
            },
            &[],
            file,
        );
        let run = s.run_timeout.expect("a run timeout");
        assert_eq!(run.value, Duration::from_secs(90));
        let provider = s.provider.expect("provider");
        assert_eq!(provider.timeout.value, Duration::from_secs(30));
        assert_eq!(provider.requests_per_minute, Some(10));
        let s = settings(
            Flags {
                provider: Some("slow".into()),
                timeout: Some(5),
                ..Flags::default()
            },
            &[("DIGLOT_TIMEOUT", "7")],
            file,
        );
        assert_eq!(s.run_timeout.map(|t| t.value), Some(Duration::from_secs(5)));
    }

    #[test]
    fn the_cache_dir_follows_the_override_then_xdg_then_home_and_can_be_off() {
        let env = |pairs: &[(&'static str, &'static str)]| Env::from_pairs(pairs.iter().copied());
        assert_eq!(
            env(&[("DIGLOT_CACHE_DIR", "/c"), ("XDG_CACHE_HOME", "/x")]).cache_dir(),
            Some(PathBuf::from("/c"))
        );
        assert_eq!(
            env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]).cache_dir(),
            Some(PathBuf::from("/x/diglot"))
        );
        assert_eq!(
            env(&[("HOME", "/h")]).cache_dir(),
            Some(PathBuf::from("/h/.cache/diglot"))
        );
        let s = settings(
            Flags::default(),
            &[("HOME", "/h"), ("DIGLOT_NO_CACHE", "1")],
            "",
        );
        assert_eq!(s.cache_dir, None);
        let s = settings(
            Flags {
                no_cache: true,
                ..Flags::default()
            },
            &[("HOME", "/h")],
            "",
        );
        assert_eq!(s.cache_dir, None);
        let s = settings(Flags::default(), &[("HOME", "/h")], "");
        assert_eq!(s.cache_dir, Some(PathBuf::from("/h/.cache/diglot")));
    }

    #[test]
    fn width_prefers_flag_then_env_then_terminal_then_100() {
        let term = Terminal {
            stdout_is_tty: true,
            width: Some(90),
            stderr_is_tty: false,
        };
        let resolve = |flags: &Flags, env: &[(&str, &str)], term| {
            let env = Env::from_pairs(env.iter().copied());
            Settings::resolve(flags, &env, LoadedFile::default(), term)
                .expect("resolves")
                .width
                .value
        };
        let flag = Flags {
            width: Some(50),
            ..Flags::default()
        };
        assert_eq!(resolve(&flag, &[("DIGLOT_WIDTH", "60")], term), 50);
        assert_eq!(
            resolve(&Flags::default(), &[("DIGLOT_WIDTH", "60")], term),
            60
        );
        assert_eq!(resolve(&Flags::default(), &[], term), 90);
        assert_eq!(
            resolve(&Flags::default(), &[], Terminal::default()),
            DEFAULT_WIDTH
        );
    }

    #[test]
    fn color_auto_respects_no_color_and_dumb_terminals() {
        let tty = Terminal {
            stdout_is_tty: true,
            width: None,
            stderr_is_tty: false,
        };
        let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs.iter().copied());
        assert!(resolve_color(None, &env(&[]), tty).value);
        assert!(!resolve_color(None, &env(&[("NO_COLOR", "1")]), tty).value);
        assert!(resolve_color(None, &env(&[("NO_COLOR", "")]), tty).value);
        assert!(!resolve_color(None, &env(&[("TERM", "dumb")]), tty).value);
        assert!(!resolve_color(None, &env(&[]), Terminal::default()).value);
        assert!(resolve_color(Some(ColorChoice::Always), &env(&[("NO_COLOR", "1")]), tty).value);
    }

    #[test]
    fn config_dir_uses_xdg_then_home() {
        let env = Env::from_pairs([("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")]);
        assert_eq!(env.config_dir(), Some(PathBuf::from("/x/diglot")));
        let env = Env::from_pairs([("HOME", "/h")]);
        assert_eq!(env.config_dir(), Some(PathBuf::from("/h/.config/diglot")));
    }

    fn with_provider(name: &str) -> Flags {
        Flags {
            provider: Some(name.into()),
            ..Flags::default()
        }
    }

    #[test]
    fn a_vendor_key_alone_selects_its_profile_and_openai_s_wins() {
        let s = settings(Flags::default(), &[("DEEPL_AUTH_KEY", "k:fx")], "");
        assert_eq!(provider(&s).name.value, "deepl");
        let s = settings(Flags::default(), &[("ANTHROPIC_API_KEY", "k")], "");
        assert_eq!(provider(&s).name.value, "anthropic");
        let env = [("DEEPL_AUTH_KEY", "k"), ("OPENAI_API_KEY", "sk")];
        assert_eq!(
            provider(&settings(Flags::default(), &env, "")).name.value,
            "openai"
        );
    }

    #[test]
    fn deepl_picks_its_host_from_the_key_and_base_url_overrides_it() {
        let free = settings(with_provider("deepl"), &[("DEEPL_AUTH_KEY", "k:fx")], "");
        let url = provider(&free).base_url.clone().expect("a base URL");
        assert_eq!(url.value, "https://api-free.deepl.com");
        assert_eq!(url.source, Source::BuiltInProfile("deepl".into()));
        let pro = settings(with_provider("deepl"), &[("DEEPL_AUTH_KEY", "k")], "");
        let url = provider(&pro).base_url.clone().map(|u| u.value);
        assert_eq!(url.as_deref(), Some("https://api.deepl.com"));
        let flags = Flags {
            base_url: Some("http://127.0.0.1:9".into()),
            ..with_provider("deepl")
        };
        let local = settings(flags, &[], "");
        let url = provider(&local).base_url.clone().map(|u| u.value);
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9"));
    }

    #[test]
    fn hosted_kinds_without_a_key_name_their_variable() {
        for (kind, var) in [
            ("deepl", "DEEPL_AUTH_KEY"),
            ("anthropic", "ANTHROPIC_API_KEY"),
        ] {
            let err = settings(with_provider(kind), &[], "")
                .provider
                .expect_err("needs a key");
            assert!(
                matches!(&err, ConfigError::MissingKey { var: v, .. } if v == var),
                "{err}"
            );
        }
        let toml = "[providers.c]\nkind = \"anthropic\"\n";
        let c = settings(with_provider("c"), &[("ANTHROPIC_API_KEY", "k")], toml);
        let url = provider(&c).base_url.clone().map(|u| u.value);
        assert_eq!(url.as_deref(), Some("https://api.anthropic.com"));
        let err = settings(with_provider("c"), &[], toml).provider;
        assert!(matches!(err, Err(ConfigError::MissingKey { .. })));
        let lt = settings(with_provider("libretranslate"), &[], "");
        assert!(provider(&lt).api_key.is_none());
        assert_eq!(provider(&lt).key_var, "LIBRETRANSLATE_API_KEY");
    }

    #[test]
    fn deepl_profile_options_are_read_and_diglot_api_key_still_wins() {
        let toml = "[providers.work]\nkind = \"deepl\"\nenglish = \"en-gb\"\n\
                    portuguese = \"pt-pt\"\nformality = \"less\"\nglossary_id = \"g\"\n\
                    preserve_formatting = false\n";
        let env = [
            ("DEEPL_AUTH_KEY", "vendor:fx"),
            ("DIGLOT_API_KEY", "diglot"),
        ];
        let s = settings(with_provider("work"), &env, toml);
        let p = provider(&s);
        use crate::provider::deepl::{EnglishVariant, Formality, PortugueseVariant};
        assert_eq!(p.deepl.english, EnglishVariant::EnGb);
        assert_eq!(p.deepl.portuguese, PortugueseVariant::PtPt);
        assert_eq!(p.deepl.formality, Some(Formality::Less));
        assert_eq!(p.deepl.glossary_id.as_deref(), Some("g"));
        assert_eq!(p.deepl.preserve_formatting, Some(false));
        assert_eq!(p.api_key.as_ref().map(|k| k.value.expose()), Some("diglot"));
        // The host follows the key in force, DIGLOT_API_KEY's.
        let url = p.base_url.clone().map(|u| u.value);
        assert_eq!(url.as_deref(), Some("https://api.deepl.com"));
        let bad = parse_file(
            Path::new("/c.toml"),
            "[providers.w]\nkind = \"deepl\"\nenglish = \"en-au\"\n",
        );
        assert!(bad.is_err());
    }
}
