//! The config file: where it is looked for, its schema (unknown keys are errors that name the
//! file and line), and the warning about an inline key others can read. It reads the file and
//! nothing else; what the values mean is decided in [`super::profile`] and [`super::Settings`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::io::Write;

use serde::Deserialize;

use super::{ConfigError, Env, Resolved, Source, resolved};
use crate::language::LanguageCode;
use crate::provider::ProviderKind;

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
    /// The largest article read, in MB.
    pub max_article_mb: Option<u64>,
    /// Requests at once.
    pub jobs: Option<u32>,
    /// Output width.
    pub width: Option<u16>,
    /// What translations are aligned by (`paragraph`, `sentence`).
    pub align: Option<crate::ingest::sentence::Align>,
    /// When output goes through a pager (`auto`, `always`, `never`).
    pub paging: Option<crate::render::pager::Paging>,
    /// The cache's size limit (`"200 MB"`); the entries used longest ago go first.
    pub cache_max_size: Option<bytesize::ByteSize>,
    /// Named provider profiles.
    #[serde(default)]
    pub providers: BTreeMap<String, FileProfile>,
    /// The `[brief]` table.
    #[serde(default)]
    pub brief: FileBrief,
    /// Glossary files for `translate` (relative to the config file's directory).
    pub glossary: Option<Vec<PathBuf>>,
    /// Whether each chunk carries the source text before it (default true).
    pub context: Option<bool>,
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
    /// Any key in the environment, and `api_key_cmd`, win over it.
    pub api_key: Option<String>,
    /// A shell command that prints the key (a password manager, say); run when a command needs
    /// the provider. Any key in the environment wins over it.
    pub api_key_cmd: Option<String>,
    /// Extra HTTP headers sent with every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Seconds per request for this profile.
    pub timeout: Option<u64>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// How to ask for structure (`auto`, `json_schema`, `json_object`, `none`).
    pub response_format: Option<crate::provider::openai::ResponseFormat>,
    /// Whether the model may think before answering (`off`, `on`).
    pub thinking: Option<crate::provider::openai::Thinking>,
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
    /// Price per million input tokens, in the user's currency (no price list is shipped).
    pub price_input: Option<f64>,
    /// Price per million output tokens.
    pub price_output: Option<f64>,
    /// Price per million characters (DeepL).
    pub price_characters: Option<f64>,
    /// The share of the token prices a request through the batch API costs (default 0.5).
    pub price_batch: Option<f64>,
    /// Requests per batch at most (`--batch-api`; default: the engine's limit).
    pub batch_max_requests: Option<usize>,
    /// Bytes of requests per batch at most (`"200 MB"`; default: the engine's limit).
    pub batch_max_size: Option<bytesize::ByteSize>,
    /// Glossary files for this profile, instead of the top-level `glossary`.
    pub glossary: Option<Vec<PathBuf>>,
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
    /// The line of its top-level `provider = …`, for errors about the name.
    pub provider_line: Option<usize>,
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
        let text = match crate::input::read_small_text(&path.value) {
            Ok(text) => text,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound && path.source == Source::Default =>
            {
                return Ok(LoadedFile {
                    path: Some(path),
                    found: false,
                    ..LoadedFile::default()
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
            provider_line: top_level_line(&text, "provider"),
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

    pub(super) fn source(&self) -> Source {
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

/// Parses config file text; errors name the file, the line and the key, and a misspelled key
/// or section the one that was probably meant.
pub fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    let parse_error = |line, message| ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    // `[provider.NAME]` parses as TOML but means `[providers.NAME]`; serde would only say
    // "invalid type: map, expected a string".
    if let Ok(table) = toml::from_str::<toml::Table>(text)
        && let Some(toml::Value::Table(profiles)) = table.get("provider")
    {
        let name = profiles.keys().next().map_or("NAME", String::as_str);
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("[provider."))
            .map_or(1, |i| i + 1);
        return Err(parse_error(
            line,
            format!(
                "`[provider.{name}]` is not a section diglot knows: a provider profile is \
                 `[providers.{name}]` (plural)"
            ),
        ));
    }
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| {
            text[..span.start.min(text.len())].matches('\n').count() + 1
        });
        parse_error(line, explain(e.message()))
    })
}

/// The parser's message on one line; for an unknown key, the known key it is closest to
/// instead of the list of all of them.
fn explain(message: &str) -> String {
    let message = message.trim().replace('\n', " ");
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message;
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return message;
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match super::did_you_mean(field, known.iter().copied()) {
        Some(near) => format!("unknown key `{field}`: did you mean `{near}`?"),
        None => message,
    }
}

/// The 1-based line of a top-level `key = …` (before the first section), if there is one.
pub(super) fn top_level_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// The example config written by `diglot config init`: every profile kind, every key.
pub const EXAMPLE_CONFIG: &str = include_str!("../../config.example.toml");

/// Writes [`EXAMPLE_CONFIG`] to the config path (`--config`, `DIGLOT_CONFIG` or the default),
/// creating its directory, and returns the path. An existing file is never overwritten.
pub fn write_example(flag: Option<&Path>, env: &Env) -> Result<PathBuf, ConfigError> {
    let path = match (flag, env.get("DIGLOT_CONFIG")) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => p.into(),
        (None, None) => env
            .config_dir()
            .map(|d| d.join("config.toml"))
            .ok_or(ConfigError::NoConfigDir)?,
    };
    let write_error = |source| ConfigError::Write {
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_error)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => ConfigError::Exists { path: path.clone() },
            _ => write_error(source),
        })?;
    file.write_all(EXAMPLE_CONFIG.as_bytes())
        .map_err(write_error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses_with_every_line_uncommented() {
        // Every key it documents must be a key the parser accepts.
        let uncommented: String = EXAMPLE_CONFIG
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|rest| is_toml_line(rest))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let parsed = parse_file(Path::new("example"), &uncommented);
        assert!(parsed.is_ok(), "{parsed:?}");
        assert!(parsed.is_ok_and(|c| c.providers.len() >= 5));
    }

    fn is_toml_line(line: &str) -> bool {
        line.starts_with('[')
            || line
                .split_once(" = ")
                .is_some_and(|(k, _)| !k.contains(' '))
    }

    #[test]
    fn config_init_writes_once_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = Env::from_pairs([("XDG_CONFIG_HOME", dir.path().to_str().expect("utf-8"))]);
        let written = write_example(None, &env).expect("writes");
        let path = dir.path().join("diglot/config.toml");
        assert_eq!(written, path);
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some(EXAMPLE_CONFIG)
        );
        std::fs::write(&path, "mine").expect("write");
        let err = write_example(None, &env).expect_err("exists");
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("mine"));
    }

    #[test]
    fn a_singular_provider_section_says_providers() {
        let err = parse_file(
            Path::new("/c.toml"),
            "jobs = 1\n[provider.local]\nkind = \"openai\"\n",
        )
        .expect_err("not a section");
        assert_eq!(
            err.to_string(),
            "invalid config file '/c.toml' at line 2: `[provider.local]` is not a section \
             diglot knows: a provider profile is `[providers.local]` (plural)"
        );
    }

    #[test]
    fn a_misspelled_key_names_the_near_one() {
        let text = "[providers.local]\nkind = \"openai\"\nmodle = \"x\"\n";
        let err = parse_file(Path::new("/c.toml"), text).expect_err("unknown key");
        assert_eq!(
            err.to_string(),
            "invalid config file '/c.toml' at line 3: unknown key `modle`: did you mean `model`?"
        );
        let err = parse_file(Path::new("/c.toml"), "jbos = 2\n").expect_err("unknown key");
        assert!(err.to_string().ends_with("did you mean `jobs`?"), "{err}");
        // Nothing close: the list of known keys.
        let err = parse_file(Path::new("/c.toml"), "zzzzzz = 2\n").expect_err("unknown key");
        assert!(err.to_string().contains("expected one of"), "{err}");
    }

    #[test]
    fn finds_the_top_level_provider_line() {
        let text = "# c\njobs = 1\nprovider = \"x\"\n[providers.y]\nprovider = 1\n";
        assert_eq!(top_level_line(text, "provider"), Some(3));
        assert_eq!(top_level_line("[a]\nprovider = 1\n", "provider"), None);
    }
}
