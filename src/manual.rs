//! The conventions users expect of a CLI: shell completions, a man page, and `config init`.
//!
//! All three are generated from the same clap definition as `--help`, so they never drift
//! from the real flags.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, Shell};
use crate::command::Outcome;
use crate::config::{ConfigError, Env};
use crate::error::Error;

/// The example config written by `diglot config init`: every profile kind, every key.
pub const EXAMPLE_CONFIG: &str = include_str!("../config.example.toml");

/// Shell completions for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut command, "diglot", &mut out);
    out
}

/// The man page, in roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// Writes [`EXAMPLE_CONFIG`] to the config path (`--config`, `DIGLOT_CONFIG` or the default),
/// creating its directory. An existing file is never overwritten: that is exit 2.
pub fn config_init(flag: Option<&Path>, env: &Env) -> Result<Outcome, Error> {
    let path = match (flag, env.get("DIGLOT_CONFIG")) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => p.into(),
        (None, None) => env
            .config_dir()
            .map(|d| d.join("config.toml"))
            .ok_or(ConfigError::NoConfigDir)?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ConfigError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => ConfigError::Exists { path: path.clone() },
            _ => ConfigError::Write {
                path: path.clone(),
                source,
            },
        })?;
    file.write_all(EXAMPLE_CONFIG.as_bytes())
        .map_err(|source| ConfigError::Write {
            path: path.clone(),
            source,
        })?;
    Ok(Outcome::of(
        format!("wrote {}\n", path.display()).into_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_name_the_subcommands_for_each_shell() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = String::from_utf8(completions(shell)).expect("UTF-8");
            assert!(
                text.contains("translate") && text.contains("mock-server"),
                "{shell:?}"
            );
        }
    }

    #[test]
    fn man_page_is_roff_with_the_exit_codes() {
        let text = String::from_utf8(man_page().expect("renders")).expect("UTF-8");
        assert!(
            text.starts_with(".ie") || text.contains(".TH diglot"),
            "{}",
            &text[..80]
        );
        assert!(text.contains("Exit codes"));
    }

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
        let parsed = crate::config::parse_file(Path::new("example"), &uncommented);
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
        let outcome = config_init(None, &env).expect("writes");
        let path = dir.path().join("diglot/config.toml");
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some(EXAMPLE_CONFIG)
        );
        assert!(String::from_utf8_lossy(&outcome.output).contains("config.toml"));
        std::fs::write(&path, "mine").expect("write");
        let err = config_init(None, &env).expect_err("exists");
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("mine"));
    }
}
