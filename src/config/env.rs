//! The environment as data: a snapshot taken once by `main` (tests build their own), and the
//! directories it names. Nothing else in diglot reads the process environment.
//!
//! The variables diglot reads (one table, also in the README):
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
//! | `DIGLOT_MAX_ARTICLE_MB` | the largest article read, in MB (default 10) |
//! | `DIGLOT_NO_CACHE` | `1` (or `true`) disables the cache |
//! | `DIGLOT_CACHE_DIR` | the cache directory (default `$XDG_CACHE_HOME/diglot`) |
//! | `DIGLOT_CACHE_MAX_SIZE` | the cache's size limit (default 200 MB) |
//! | `DIGLOT_JOBS` | requests at once |
//! | `DIGLOT_TO` | the default target language |
//! | `DIGLOT_WIDTH` | the output width |
//! | `DIGLOT_ALIGN` | what translations are aligned by: `paragraph` (default) or `sentence` |
//! | `DIGLOT_PAGING` | when output goes through a pager: `auto`, `always`, `never` |
//! | `DIGLOT_PAGER` | the pager command (default: `$PAGER`, else `less`) |
//! | `PAGER` | the pager command when `DIGLOT_PAGER` is unset |
//! | `DIGLOT_GLOSSARY` | glossary files for `translate`, separated by `:` (`;` on Windows) |
//! | `DIGLOT_CONTEXT` | `0` (or `false`, `no`, `off`) sends chunks without the text before them |
//! | `OPENAI_API_KEY` | the key of `openai` profiles |
//! | `ANTHROPIC_API_KEY` | the key of `anthropic` profiles |
//! | `DEEPL_AUTH_KEY` | the key of `deepl` profiles (`…:fx` keys use the free host) |
//! | `LIBRETRANSLATE_API_KEY` | the key of `libretranslate` profiles |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    pub(super) fn without_overrides(&self, strip: bool) -> Env {
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
