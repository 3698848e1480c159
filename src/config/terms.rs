//! The settings that keep names and terms consistent across an article: which glossary files
//! `translate` uses and whether each chunk carries the source text before it.
//!
//! Glossaries, highest layer first (the first layer that names any wins, whole):
//! `--glossary FILE` (repeatable) > `DIGLOT_GLOSSARY` (paths separated like `PATH`) > the
//! provider profile's `glossary = [...]` > the file's top-level `glossary = [...]`. A path in
//! the config file is relative to the file's directory. Context: `--no-context` >
//! `DIGLOT_CONTEXT` (`0`, `false`, `no`, `off` turn it off) > the file's `context` > on.

use std::path::{Path, PathBuf};

use super::file::LoadedFile;
use super::{Env, Flags, ProviderSettings, Resolved, Source, resolved};

/// Glossaries and context, resolved.
#[derive(Debug, Clone)]
pub struct TermSettings {
    /// The glossary files, in order, each with where it was named.
    pub glossaries: Vec<Resolved<PathBuf>>,
    /// Whether each chunk carries the source text before it.
    pub context: Resolved<bool>,
}

/// Resolves glossaries and context (see the module docs).
pub fn resolve_terms(
    flags: &Flags,
    env: &Env,
    file: &LoadedFile,
    provider: Option<&ProviderSettings>,
) -> TermSettings {
    let file_source = file.source();
    let in_file = |paths: &[PathBuf]| -> Vec<Resolved<PathBuf>> {
        let dir = file
            .path
            .as_ref()
            .and_then(|p| p.value.parent().map(Path::to_path_buf));
        paths
            .iter()
            .map(|p| {
                let path = match &dir {
                    Some(dir) if p.is_relative() => dir.join(p),
                    _ => p.clone(),
                };
                resolved(path, file_source.clone())
            })
            .collect()
    };
    let profile = provider.and_then(|p| file.config.providers.get(&p.name.value));
    let glossaries = if !flags.glossary.is_empty() {
        flags
            .glossary
            .iter()
            .map(|p| resolved(p.clone(), Source::Flag("--glossary".into())))
            .collect()
    } else if let Some(paths) = env.get("DIGLOT_GLOSSARY") {
        std::env::split_paths(paths)
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| resolved(p, Source::Env("DIGLOT_GLOSSARY".into())))
            .collect()
    } else if let Some(paths) = profile.and_then(|p| p.glossary.as_deref()) {
        in_file(paths)
    } else {
        in_file(file.config.glossary.as_deref().unwrap_or_default())
    };
    let context = if flags.no_context {
        resolved(false, Source::Flag("--no-context".into()))
    } else if let Some(value) = env.get("DIGLOT_CONTEXT") {
        let off = matches!(
            value.trim().to_lowercase().as_str(),
            "0" | "false" | "no" | "off"
        );
        resolved(!off, Source::Env("DIGLOT_CONTEXT".into()))
    } else if let Some(context) = file.config.context {
        resolved(context, file_source)
    } else {
        resolved(true, Source::Default)
    };
    TermSettings {
        glossaries,
        context,
    }
}

#[cfg(test)]
mod tests {
    use super::super::file::parse_file;
    use super::*;

    fn loaded(toml: &str) -> LoadedFile {
        let path = PathBuf::from("/cfg/config.toml");
        LoadedFile {
            config: parse_file(&path, toml).expect("parses"),
            path: Some(resolved(path, Source::Default)),
            found: true,
            provider_line: None,
        }
    }

    fn paths(terms: &TermSettings) -> Vec<(String, Source)> {
        terms
            .glossaries
            .iter()
            .map(|g| (g.value.display().to_string(), g.source.clone()))
            .collect()
    }

    #[test]
    fn flags_beat_the_environment_the_profile_and_the_file() {
        let file = loaded(
            "glossary = [\"house.csv\", \"/abs/names.tsv\"]\ncontext = false\n\
             [providers.deepl-news]\nkind = \"deepl\"\nglossary = [\"deepl.csv\"]\n",
        );
        let from_file = resolve_terms(&Flags::default(), &Env::default(), &file, None);
        let cfg = Source::File(PathBuf::from("/cfg/config.toml"));
        assert_eq!(
            paths(&from_file),
            [
                ("/cfg/house.csv".into(), cfg.clone()),
                ("/abs/names.tsv".into(), cfg.clone())
            ]
        );
        assert!(!from_file.context.value);
        let env = Env::from_pairs([("DIGLOT_GLOSSARY", "a.csv:b.csv"), ("DIGLOT_CONTEXT", "1")]);
        let from_env = resolve_terms(&Flags::default(), &env, &file, None);
        assert_eq!(paths(&from_env).len(), 2);
        assert!(from_env.context.value);
        let flags = Flags {
            glossary: vec!["flag.csv".into()],
            no_context: true,
            ..Flags::default()
        };
        let from_flags = resolve_terms(&flags, &env, &file, None);
        assert_eq!(
            paths(&from_flags),
            [("flag.csv".into(), Source::Flag("--glossary".into()))]
        );
        assert!(!from_flags.context.value);
        assert!(
            resolve_terms(&Flags::default(), &Env::default(), &loaded(""), None)
                .context
                .value
        );
    }
}
