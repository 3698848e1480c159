//! Shell completions from the same clap definition as `--help`, so they never drift from the
//! real flags. They are dynamic: the shell asks `diglot` itself (`COMPLETE=bash diglot -- …`)
//! for the candidates, so `--provider` completes the profiles of the user's config file as well
//! as the built-in ones, `--from`/`--to` complete ISO 639-1 codes with their names, and
//! `--format`/`--layout` their values. `diglot completions SHELL` prints the small script that
//! registers this with the shell.

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::{CompleteEnv, EnvCompleter};

use super::Outcome;
use crate::cli::{Cli, Shell};
use crate::config::{Env, LoadedFile, profile_names};
use crate::language::LanguageCode;

/// The variable the shell sets to ask for completions.
const VAR: &str = "COMPLETE";

/// The registration script for `shell`: it calls back into `diglot` for every completion.
pub(super) fn run(shell: Shell) -> Outcome {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &clap_complete::env::Bash,
        Shell::Zsh => &clap_complete::env::Zsh,
        Shell::Fish => &clap_complete::env::Fish,
    };
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = completer.write_registration(VAR, "diglot", "diglot", "diglot", &mut out);
    Outcome::of(out)
}

/// Answers the shell and exits when it asks for completions (`COMPLETE` is set); returns
/// otherwise. Called first thing in `main`, before flags are parsed.
pub fn complete_if_asked() {
    CompleteEnv::with_factory(command).var(VAR).complete();
}

/// The command line with value candidates on the flags whose values clap cannot know.
fn command() -> clap::Command {
    let with_candidates = |sub: clap::Command| {
        let has_from = sub.get_arguments().any(|a| a.get_id() == "from");
        let sub = sub
            .mut_arg("provider", |a| a.add(ArgValueCandidates::new(profiles)))
            .mut_arg("brief_provider", |a| {
                a.add(ArgValueCandidates::new(profiles))
            })
            .mut_arg("to", |a| a.add(ArgValueCandidates::new(languages)));
        if has_from {
            sub.mut_arg("from", |a| a.add(ArgValueCandidates::new(languages)))
        } else {
            sub
        }
    };
    let mut cli = Cli::command();
    for name in ["translate", "brief", "config"] {
        cli = cli.mut_subcommand(name, with_candidates);
    }
    cli
}

/// The profile names of the config file in force (`DIGLOT_CONFIG` or the default place) and
/// the built-in ones; only the built-in ones when the file cannot be read.
fn profiles() -> Vec<CompletionCandidate> {
    let file = LoadedFile::load(None, &Env::from_process()).unwrap_or_default();
    profile_names(&file)
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// Every ISO 639-1 code, with its English name as help.
fn languages() -> Vec<CompletionCandidate> {
    LanguageCode::all()
        .into_iter()
        .map(|(code, name)| CompletionCandidate::new(code.as_str()).help(Some(name.into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shell_gets_a_script_that_calls_back_into_diglot() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = String::from_utf8(run(shell).output).expect("UTF-8");
            assert!(text.contains("COMPLETE="), "{shell:?}: {text}");
            assert!(text.contains("diglot"), "{shell:?}");
        }
    }

    #[test]
    fn the_flags_clap_cannot_know_have_candidates() {
        let mut cli = command();
        cli.build();
        for sub in ["translate", "brief", "config"] {
            let sub = cli.find_subcommand(sub).expect("subcommand");
            for arg in ["provider", "brief_provider", "from", "to"] {
                let Some(arg) = sub.get_arguments().find(|a| a.get_id() == arg) else {
                    assert_eq!((sub.get_name(), arg), ("config", "from"));
                    continue;
                };
                assert!(arg.get::<ArgValueCandidates>().is_some(), "{arg:?}");
            }
        }
        assert!(languages().iter().any(|c| c.get_value() == "sv"));
    }
}
