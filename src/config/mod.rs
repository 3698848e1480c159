//! Layered configuration: built-in defaults < config file < environment < flags.
//!
//! Resolves everything a run needs into [`Settings`], plain data handed down to the stages;
//! [`Settings::resolve`] is the only code that knows the precedence. Every value carries its
//! [`Source`], so `diglot config` can say where it came from. Split by concern: the environment
//! snapshot ([`mod@env`]), the file's schema and loading ([`mod@file`]), provider profiles
//! ([`profile`]), how output looks ([`terminal`]) and `config show` ([`show`]). It reads the
//! config file and nothing else; the environment comes in as an [`Env`] value, the command
//! line as [`Flags`].

mod bulk;
mod env;
mod file;
mod profile;
mod show;
mod terminal;
mod terms;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use env::Env;
pub use file::{LoadedFile, write_example};
pub use profile::{Endpoint, ProviderSettings, profile_names};
pub use terms::TermSettings;

use crate::ingest::sentence::Align;
use crate::language::LanguageCode;
use crate::provider::ProviderKind;
use crate::render::ColorChoice;

/// Requests in flight at once unless configured: enough to hide a hosted API's latency and
/// generation time behind each other, few enough to stay inside the request rate limits of
/// entry-level API accounts and not to swamp a local model server, which mostly serves one
/// request at a time anyway.
pub const DEFAULT_JOBS: u32 = 4;

/// The cache's size unless configured: about 50,000 translated chunks, a year of daily use,
/// and little enough never to matter on a disk.
pub const DEFAULT_CACHE_MAX_BYTES: u64 = 200_000_000;

/// The cache's size limit: `DIGLOT_CACHE_MAX_SIZE` > the file's `cache_max_size` > 200 MB.
pub fn cache_limit(env: &Env, file: &LoadedFile) -> Result<Resolved<u64>, ConfigError> {
    Ok(layer(
        None,
        env_parse::<bytesize::ByteSize>(env, "DIGLOT_CACHE_MAX_SIZE")?,
        file.config.cache_max_size.map(|v| (v, file.source())),
        bytesize::ByteSize::b(DEFAULT_CACHE_MAX_BYTES),
    ))
    .map(|size| resolved(size.value.as_u64(), size.source))
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
    /// The output of a profile's `api_key_cmd` (the profile's name).
    KeyCommand(String),
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
            Source::KeyCommand(profile) => write!(f, "api_key_cmd of [providers.{profile}]"),
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
    #[error(
        "unknown provider '{name}' ({set_by}){} (known: {})",
        suggestion.as_ref().map(|s| format!(": did you mean '{s}'?")).unwrap_or_default(),
        known.join(", ")
    )]
    UnknownProvider {
        /// The name asked for.
        name: String,
        /// Where it was named: the flag, the variable, or the config file and line.
        set_by: String,
        /// The known name closest to it, if one is close.
        suggestion: Option<String>,
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
    /// A profile's `api_key_cmd` failed (its output is never shown).
    #[error("the api_key_cmd of provider '{profile}' failed: {reason}")]
    KeyCommand {
        /// Profile name.
        profile: String,
        /// How it ended.
        reason: String,
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
    /// The profile names no base URL and its kind has no public endpoint to fall back to.
    #[error(
        "provider '{profile}' ({kind}) has no base_url, and a {kind} server has no public default"
    )]
    NoBaseUrl {
        /// Profile name.
        profile: String,
        /// Its wire protocol.
        kind: ProviderKind,
        /// Where the profile is defined.
        defined_in: Source,
    },
    /// The provider chosen for briefs speaks a protocol that cannot write them.
    #[error("provider '{profile}' ({kind}) cannot write briefs")]
    NoBriefs {
        /// Profile name.
        profile: String,
        /// Its wire protocol.
        kind: ProviderKind,
    },
    /// A number outside the range it must be in (a timeout of 0, an article limit of 0 MB).
    #[error("invalid {setting} {value} ({origin}): {reason}")]
    OutOfRange {
        /// The setting, as the config file names it.
        setting: &'static str,
        /// The value given.
        value: u64,
        /// Where it was given.
        origin: Source,
        /// What it must be.
        reason: &'static str,
    },
    /// The API key holds a character an HTTP header cannot carry (CR, LF, another control).
    #[error(
        "the API key of provider '{profile}' ({origin}) contains a control character (CR, LF or another), which an HTTP header cannot carry"
    )]
    BadKey {
        /// Profile name.
        profile: String,
        /// Where the key came from (the variable, never the value).
        origin: Source,
    },
    /// A price key of a profile is negative, not a number, or a share above 1.
    #[error("invalid {key} {value} in [providers.{profile}]: it must be {reason}")]
    BadPrice {
        /// Profile name.
        profile: String,
        /// The key.
        key: &'static str,
        /// The value given.
        value: String,
        /// What it must be.
        reason: &'static str,
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
            ConfigError::MissingKey { var, profile } => Some(format!(
                "export {var}=… (or DIGLOT_API_KEY), or set api_key_cmd in \
                 [providers.{profile}]; or try it offline with --provider mock"
            )),
            ConfigError::KeyCommand { profile, .. } => Some(format!(
                "run the api_key_cmd of [providers.{profile}] in a shell: it must print the key \
                 and exit 0"
            )),
            ConfigError::NoBriefs { .. } => Some(
                "choose an LLM profile for the brief with --brief-provider NAME, \
                 DIGLOT_BRIEF_PROVIDER or [brief] provider = \"NAME\" in the config file"
                    .to_owned(),
            ),
            ConfigError::NoBaseUrl {
                profile,
                defined_in,
                ..
            } => Some(format!(
                "add base_url = \"http://HOST:PORT\" to [providers.{profile}] ({defined_in}), or \
                 pass --base-url URL"
            )),
            ConfigError::UnknownProvider { name, .. } => Some(format!(
                "define it as [providers.{name}] in the config file (the section is `providers`, \
                 plural)"
            )),
            _ => None,
        }
    }
}

/// The candidate closest to `word` when it is close enough to be a typo (a similarity of at
/// least 0.7 by Jaro-Winkler, which favours a shared beginning: `modle` → `model`).
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|(a, _), (b, _)| a.total_cmp(b))
        .map(|(_, c)| c)
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
    /// `--align`.
    pub align: Option<Align>,
    /// `--paging`.
    pub paging: Option<crate::render::pager::Paging>,
    /// Whether to run a profile's `api_key_cmd` (commands that talk to a provider, and
    /// `config`, which previews them; not `detect` or `check`). Without it a missing key is no
    /// error either: nothing will be sent (`--dry-run`).
    pub run_key_command: bool,
    /// `--glossary` (repeatable).
    pub glossary: Vec<PathBuf>,
    /// `--no-context`.
    pub no_context: bool,
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
    /// The terminal's height in rows, when stdout is one (whether output needs a pager).
    pub height: Option<usize>,
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
    /// The largest article read, in bytes (`max_article_mb`, `DIGLOT_MAX_ARTICLE_MB`).
    pub max_article_bytes: Resolved<u64>,
    /// The cache directory, `None` when the cache is off (`--no-cache`, `DIGLOT_NO_CACHE`) or
    /// no directory is known.
    pub cache_dir: Option<PathBuf>,
    /// The cache's size limit in bytes.
    pub cache_max_bytes: Resolved<u64>,
    /// Print the usage summary on stderr (`-v`).
    pub verbose: bool,
    /// Default target language, if any layer set one.
    pub to: Option<Resolved<LanguageCode>>,
    /// Output width in columns.
    pub width: Resolved<usize>,
    /// Whether to colour stdout.
    pub color: Resolved<bool>,
    /// What translations are aligned by: paragraphs, or their sentences.
    pub align: Resolved<Align>,
    /// Where user prompt overrides live.
    pub prompts_dir: Option<PathBuf>,
    /// Whether to draw progress on stderr.
    pub progress: bool,
    /// When output goes through a pager, and which.
    pub pager: Resolved<crate::render::pager::PagerSetup>,
    /// The terminal's height in rows, when stdout is one.
    pub height: Option<usize>,
    /// The provider, or why none can be used (kept, so `detect` and `config` work without one).
    pub provider: Result<ProviderSettings, ConfigError>,
    /// The provider for briefs when a layer names one; `None` means the translation's.
    pub brief_provider: Option<Result<ProviderSettings, ConfigError>>,
    /// The day an HTML page's header shows: `SOURCE_DATE_EPOCH` when set, else today (UTC).
    pub date: crate::render::Date,
    /// Glossaries and context ([`terms`]).
    pub terms: TermSettings,
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
        .map(|secs| at_least_one(secs, "timeout", NO_ZERO_TIMEOUT))
        .transpose()?
        .map(|secs| resolved(Duration::from_secs(secs.value), secs.source));
        let max_article_mb = at_least_one(
            layer(
                None,
                env_parse::<u64>(env, "DIGLOT_MAX_ARTICLE_MB")?,
                cfg.max_article_mb.map(|v| (v, file_source.clone())),
                crate::input::DEFAULT_MAX_ARTICLE_BYTES / crate::input::BYTES_PER_MB,
            ),
            "max_article_mb",
            "an article limit must be at least 1 MB",
        )?;
        let max_article_bytes = resolved(
            max_article_mb
                .value
                .saturating_mul(crate::input::BYTES_PER_MB),
            max_article_mb.source,
        );
        let no_cache = flags.no_cache
            || env
                .get("DIGLOT_NO_CACHE")
                .is_some_and(|v| !matches!(v.trim(), "" | "0" | "false" | "no"));
        let cache_dir = if no_cache { None } else { env.cache_dir() };
        let cache_max_bytes = cache_limit(env, &file)?;
        let align = layer(
            flags.align.map(|v| (v, "--align")),
            env_parse::<Align>(env, "DIGLOT_ALIGN")?,
            cfg.align.map(|v| (v, file_source.clone())),
            Align::Paragraph,
        );
        let width = terminal::resolve_width(flags, env, cfg, &file_source, terminal)?;
        let color = terminal::resolve_color(flags.color, env, terminal);
        let provider = profile::resolve_provider(flags, env, &file);
        let brief_provider = profile::resolve_brief_provider(flags, env, &file, &provider);
        let date = terminal::resolve_date(env)?;
        let pager = terminal::resolve_pager(flags, env, cfg, &file_source)?;
        let terms = terms::resolve_terms(flags, env, &file, provider.as_ref().ok());
        Ok(Settings {
            prompts_dir: env.config_dir().map(|d| d.join("prompts")),
            progress: terminal.stderr_is_tty && env.get("TERM") != Some("dumb"),
            pager,
            height: terminal.height.filter(|_| terminal.stdout_is_tty),
            file,
            jobs,
            run_timeout,
            max_article_bytes,
            cache_dir,
            cache_max_bytes,
            verbose: flags.verbose,
            to,
            width,
            color,
            align,
            provider,
            brief_provider,
            date,
            terms,
        })
    }
}

/// Why a timeout cannot be 0 (it used to become 1 s without a word).
pub(super) const NO_ZERO_TIMEOUT: &str =
    "a timeout must be at least 1 second (leave it out for no limit)";

/// `value` when it is at least 1, else [`ConfigError::OutOfRange`] naming `setting`, where it
/// was given and `reason`.
pub(super) fn at_least_one(
    value: Resolved<u64>,
    setting: &'static str,
    reason: &'static str,
) -> Result<Resolved<u64>, ConfigError> {
    if value.value >= 1 {
        return Ok(value);
    }
    Err(ConfigError::OutOfRange {
        setting,
        value: value.value,
        origin: value.source,
        reason,
    })
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

#[cfg(test)]
mod tests {
    use super::file::{self, parse_file};
    use super::terminal::{DEFAULT_WIDTH, resolve_color};
    use super::*;
    use std::path::Path;

    fn try_settings(
        flags: Flags,
        env: &[(&str, &str)],
        toml: &str,
    ) -> Result<Settings, ConfigError> {
        let env = Env::from_pairs(env.iter().copied());
        let path = PathBuf::from("/cfg/config.toml");
        let config = parse_file(&path, toml).expect("test config parses");
        let file = LoadedFile {
            path: Some(resolved(path, Source::Default)),
            found: true,
            provider_line: file::top_level_line(toml, "provider"),
            config,
        };
        Settings::resolve(&flags, &env, file, Terminal::default())
    }

    fn settings(flags: Flags, env: &[(&str, &str)], toml: &str) -> Settings {
        try_settings(flags, env, toml).expect("resolves")
    }

    #[test]
    fn paging_is_layered_and_the_pager_is_diglot_pager_else_pager_else_less() {
        use crate::render::pager::Paging;
        let s = settings(Flags::default(), &[], "");
        assert_eq!(s.pager.value.paging, Paging::Auto);
        assert_eq!(s.pager.value.command, None);
        assert_eq!(s.pager.value.env, [("LESSCHARSET".into(), "utf-8".into())]);
        let s = settings(
            Flags::default(),
            &[("LESSCHARSET", "latin1")],
            "paging = \"never\"",
        );
        assert_eq!(s.pager.value.paging, Paging::Never);
        assert!(s.pager.value.env.is_empty());
        let env = [
            ("DIGLOT_PAGING", "always"),
            ("PAGER", "more"),
            ("DIGLOT_PAGER", "most -s"),
        ];
        let s = settings(Flags::default(), &env, "paging = \"never\"");
        assert_eq!(s.pager.value.paging, Paging::Always);
        assert_eq!(s.pager.source, Source::Env("DIGLOT_PAGING".into()));
        assert_eq!(
            s.pager.value.command,
            Some(("most -s".into(), "DIGLOT_PAGER"))
        );
        let flags = Flags {
            paging: Some(Paging::Never),
            ..Flags::default()
        };
        let s = settings(flags, &[("PAGER", "more")], "");
        assert_eq!(s.pager.value.paging, Paging::Never);
        assert_eq!(s.pager.value.command, Some(("more".into(), "PAGER")));
        let bad = try_settings(Flags::default(), &[("DIGLOT_PAGING", "sometimes")], "");
        assert!(matches!(bad, Err(ConfigError::InvalidEnv { .. })));
    }

    /// The profile's base URL, `None` for the in-process mock.
    fn url_of(p: &ProviderSettings) -> Option<Resolved<String>> {
        match &p.endpoint {
            Endpoint::Url(url) => Some(url.clone()),
            Endpoint::InProcessMock => None,
        }
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
            url_of(writer).as_ref().map(|u| u.value.as_str()),
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
        assert!(p.check_brief_capable().is_ok());
        let deepl = settings(with_provider("deepl"), &[("DEEPL_AUTH_KEY", "k")], "");
        let err = provider(&deepl)
            .check_brief_capable()
            .expect_err("no briefs");
        assert_eq!(
            err.to_string(),
            "provider 'deepl' (deepl) cannot write briefs"
        );
        assert!(err.hint().is_some_and(|h| h.contains("--brief-provider")));
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
            run_key_command: true,
            ..Flags::default()
        };
        let err = settings(flags.clone(), &[], "")
            .provider
            .expect_err("needs a key");
        assert_eq!(
            err.to_string(),
            "provider 'openai' needs an API key, but OPENAI_API_KEY is not set"
        );
        // A command that sends nothing (`--dry-run`) needs none.
        let dry = Flags {
            run_key_command: false,
            ..flags
        };
        assert!(settings(dry, &[], "").provider.is_ok());
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

    fn resolve_err(env: &[(&str, &str)], toml: &str) -> ConfigError {
        try_settings(Flags::default(), env, toml).expect_err("refused")
    }

    #[test]
    fn a_zero_timeout_is_refused_in_every_layer() {
        let err = resolve_err(&[("DIGLOT_TIMEOUT", "0")], "");
        assert_eq!(
            err.to_string(),
            "invalid timeout 0 (environment DIGLOT_TIMEOUT): a timeout must be at least 1 \
             second (leave it out for no limit)"
        );
        let err = resolve_err(&[], "timeout = 0\n");
        assert!(
            matches!(
                &err,
                ConfigError::OutOfRange {
                    origin: Source::File(_),
                    ..
                }
            ),
            "{err}"
        );
        let file = "[providers.p]\nkind = \"openai\"\nbase_url = \"http://h:1/v1\"\ntimeout = 0\n";
        let flags = Flags {
            provider: Some("p".into()),
            ..Flags::default()
        };
        let err = settings(flags, &[], file)
            .provider
            .expect_err("zero timeout");
        assert!(
            err.to_string()
                .starts_with("invalid timeout 0 (config file"),
            "{err}"
        );
    }

    #[test]
    fn the_article_limit_comes_from_env_or_file_in_megabytes() {
        let s = settings(Flags::default(), &[], "");
        assert_eq!(s.max_article_bytes.value, 10_000_000);
        assert_eq!(s.max_article_bytes.source, Source::Default);
        let s = settings(Flags::default(), &[], "max_article_mb = 50\n");
        assert_eq!(s.max_article_bytes.value, 50_000_000);
        let s = settings(
            Flags::default(),
            &[("DIGLOT_MAX_ARTICLE_MB", "2")],
            "max_article_mb = 50\n",
        );
        assert_eq!(s.max_article_bytes.value, 2_000_000);
        assert!(
            s.describe().contains("max_article_mb   2"),
            "{}",
            s.describe()
        );
        let err = resolve_err(&[("DIGLOT_MAX_ARTICLE_MB", "0")], "");
        assert!(err.to_string().contains("at least 1 MB"), "{err}");
    }

    #[test]
    fn a_key_with_a_control_character_is_refused_naming_its_variable_only() {
        for key in ["sk-live\r\nX-Evil: 1", "sk-live\n", "sk\u{7}"] {
            let flags = Flags {
                provider: Some("openai".into()),
                ..Flags::default()
            };
            let err = settings(flags, &[("OPENAI_API_KEY", key)], "")
                .provider
                .expect_err("control character");
            let text = err.to_string();
            assert_eq!(
                text,
                "the API key of provider 'openai' (environment OPENAI_API_KEY) contains a \
                 control character (CR, LF or another), which an HTTP header cannot carry"
            );
            assert!(!text.contains("sk"), "{text}");
        }
    }

    #[test]
    fn config_show_never_shows_a_password_or_key_in_the_base_url() {
        let env = [(
            "DIGLOT_BASE_URL",
            "http://user:SECRET@127.0.0.1:9/v1?api_key=KEY2",
        )];
        let flags = Flags {
            provider: Some("mock".into()),
            ..Flags::default()
        };
        let shown = settings(flags, &env, "").describe();
        assert!(
            !shown.contains("SECRET") && !shown.contains("KEY2"),
            "{shown}"
        );
        assert!(
            shown.contains("http://(redacted)@127.0.0.1:9/v1?api_key=(redacted)"),
            "{shown}"
        );
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
            height: None,
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
    fn align_prefers_flag_then_env_then_file_then_paragraph() {
        let align = |flags: Flags, env: &[(&str, &str)], toml: &str| {
            let align = settings(flags, env, toml).align;
            (align.value, align.source.to_string())
        };
        let flag = || Flags {
            align: Some(Align::Paragraph),
            ..Flags::default()
        };
        let env = [("DIGLOT_ALIGN", "Sentence")];
        let file = "align = \"sentence\"\n";
        assert_eq!(
            align(flag(), &env, file),
            (Align::Paragraph, "flag --align".into())
        );
        assert_eq!(
            align(Flags::default(), &env, ""),
            (Align::Sentence, "environment DIGLOT_ALIGN".into())
        );
        assert_eq!(
            align(Flags::default(), &[], file),
            (Align::Sentence, "config file /cfg/config.toml".into())
        );
        assert_eq!(
            align(Flags::default(), &[], ""),
            (Align::Paragraph, "default".into())
        );
        let bad = try_settings(Flags::default(), &[("DIGLOT_ALIGN", "word")], "");
        assert!(matches!(bad, Err(ConfigError::InvalidEnv { .. })));
    }

    #[test]
    fn color_auto_respects_no_color_and_dumb_terminals() {
        let tty = Terminal {
            stdout_is_tty: true,
            width: None,
            stderr_is_tty: false,
            height: None,
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
        let url = url_of(provider(&free)).expect("a base URL");
        assert_eq!(url.value, "https://api-free.deepl.com");
        assert_eq!(url.source, Source::BuiltInProfile("deepl".into()));
        let pro = settings(with_provider("deepl"), &[("DEEPL_AUTH_KEY", "k")], "");
        let url = url_of(provider(&pro)).map(|u| u.value);
        assert_eq!(url.as_deref(), Some("https://api.deepl.com"));
        let flags = Flags {
            base_url: Some("http://127.0.0.1:9".into()),
            ..with_provider("deepl")
        };
        let local = settings(flags, &[], "");
        let url = url_of(provider(&local)).map(|u| u.value);
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:9"));
    }

    #[test]
    fn hosted_kinds_without_a_key_name_their_variable() {
        for (kind, var) in [
            ("deepl", "DEEPL_AUTH_KEY"),
            ("anthropic", "ANTHROPIC_API_KEY"),
        ] {
            let sends = Flags {
                run_key_command: true,
                ..with_provider(kind)
            };
            let err = settings(sends, &[], "").provider.expect_err("needs a key");
            assert!(
                matches!(&err, ConfigError::MissingKey { var: v, .. } if v == var),
                "{err}"
            );
        }
        let toml = "[providers.c]\nkind = \"anthropic\"\n";
        let c = settings(with_provider("c"), &[("ANTHROPIC_API_KEY", "k")], toml);
        let url = url_of(provider(&c)).map(|u| u.value);
        assert_eq!(url.as_deref(), Some("https://api.anthropic.com"));
        let sends = Flags {
            run_key_command: true,
            ..with_provider("c")
        };
        let err = settings(sends, &[], toml).provider;
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
        let url = url_of(p).map(|u| u.value);
        assert_eq!(url.as_deref(), Some("https://api.deepl.com"));
        let bad = parse_file(
            Path::new("/c.toml"),
            "[providers.w]\nkind = \"deepl\"\nenglish = \"en-au\"\n",
        );
        assert!(bad.is_err());
    }

    const INLINE: &str =
        "[providers.local]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:1/v1\"\n";

    fn key_of(s: &Settings) -> Option<(String, Source)> {
        provider(s)
            .api_key
            .as_ref()
            .map(|k| (k.value.expose().to_owned(), k.source.clone()))
    }

    fn run_flags() -> Flags {
        Flags {
            run_key_command: true,
            ..with_provider("local")
        }
    }

    #[test]
    fn an_inline_key_is_used_and_the_environment_wins_over_it() {
        let toml = format!("{INLINE}api_key = \"sk-inline-0001\"\n");
        let s = settings(run_flags(), &[], &toml);
        let (key, source) = key_of(&s).expect("the inline key");
        assert_eq!(key, "sk-inline-0001");
        assert!(matches!(source, Source::File(_)));
        assert_eq!(provider(&s).key_var, "api_key in [providers.local]");
        let s = settings(run_flags(), &[("OPENAI_API_KEY", "sk-env-0002")], &toml);
        assert_eq!(
            key_of(&s),
            Some(("sk-env-0002".into(), Source::Env("OPENAI_API_KEY".into())))
        );
    }

    #[test]
    fn api_key_cmd_prints_the_key_and_wins_over_the_inline_one() {
        let toml = format!(
            "{INLINE}api_key = \"sk-inline-0001\"\napi_key_cmd = \"printf 'sk-cmd-0003\\\\n'\"\n"
        );
        let s = settings(run_flags(), &[], &toml);
        assert_eq!(
            key_of(&s),
            Some(("sk-cmd-0003".into(), Source::KeyCommand("local".into())))
        );
        // Commands that never talk to a provider do not run it.
        let s = settings(with_provider("local"), &[], &toml);
        assert_eq!(key_of(&s).map(|k| k.0), Some("sk-inline-0001".into()));
        let s = settings(run_flags(), &[("DIGLOT_API_KEY", "sk-env-0004")], &toml);
        assert_eq!(key_of(&s).map(|k| k.0), Some("sk-env-0004".into()));
    }

    #[test]
    fn a_failing_api_key_cmd_names_the_profile_never_its_output() {
        for (command, reason) in [
            ("echo sk-leaked-0005; exit 3", "exited with status 3"),
            ("true", "printed no key"),
        ] {
            let toml = format!("{INLINE}api_key_cmd = \"{command}\"\n");
            let err = settings(run_flags(), &[], &toml)
                .provider
                .expect_err("the command fails");
            let text = err.to_string();
            assert!(
                text.contains("provider 'local'") && text.contains(reason),
                "{text}"
            );
            assert!(!text.contains("sk-leaked"), "{text}");
            assert!(matches!(err, ConfigError::KeyCommand { .. }));
        }
    }
}
