//! `diglot completions SHELL`: completions generated from the same clap definition as
//! `--help`, so they never drift from the real flags.

use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, Shell};

/// The completion script for `shell`.
pub(super) fn run(shell: Shell) -> Outcome {
    let mut command = Cli::command();
    let mut out = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut command, "diglot", &mut out);
    Outcome::of(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_name_the_subcommands_for_each_shell() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = String::from_utf8(run(shell).output).expect("UTF-8");
            assert!(
                text.contains("translate") && text.contains("mock-server"),
                "{shell:?}"
            );
        }
    }
}
