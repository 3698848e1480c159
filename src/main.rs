//! The `diglot` binary: parse flags, run, print the result or one error line, exit.
//!
//! This is the only place that chooses exit codes (table in `cli::EXIT_CODES`) and, with
//! `render`, the only place that writes to the user.

#![expect(
    clippy::print_stderr,
    reason = "main is where errors and warnings reach the user"
)]

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use diglot::cli::{Cli, Command, InputArgs};
use diglot::config::{Env, Terminal};
use diglot::error::Error;
use diglot::provider::ProviderError;
use diglot::provider::transport::TransportError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env = Env::from_process();
    if let Command::MockServer(args) = &cli.command {
        return finish(diglot::mock_server(args, announce).map(|()| diglot::Outcome::default()));
    }
    if let Some(input) = stdin_input(&cli.command)
        && input
            .file
            .as_deref()
            .is_none_or(|f| f == std::path::Path::new("-"))
        && std::io::stdin().is_terminal()
    {
        eprintln!("diglot: paste the article, then press Ctrl-D on an empty line");
    }
    let stdout = std::io::stdout();
    let terminal = Terminal {
        stdout_is_tty: stdout.is_terminal(),
        width: terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0)),
        stderr_is_tty: std::io::stderr().is_terminal(),
    };
    finish(diglot::run(&cli, &env, terminal))
}

fn stdin_input(command: &Command) -> Option<&InputArgs> {
    match command {
        Command::Translate(args) => Some(&args.input),
        Command::Brief(args) => Some(&args.input),
        Command::Detect(args) => Some(&args.input),
        Command::Config(_)
        | Command::Completions(_)
        | Command::Man
        | Command::MockServer(_)
        | Command::Cache(_) => None,
    }
}

/// The mock server's first stdout line, which scripts and tests read for the address.
fn announce(base: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {base}")?;
    out.flush()
}

fn finish(result: Result<diglot::Outcome, Error>) -> ExitCode {
    match result {
        Ok(outcome) => {
            for warning in &outcome.warnings {
                eprintln!("diglot: warning: {warning}");
            }
            for note in &outcome.notes {
                eprintln!("diglot: {note}");
            }
            let mut out = std::io::stdout().lock();
            match out.write_all(&outcome.output).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`diglot … | head`) is the reader's choice, not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("diglot: error: cannot write to stdout: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(error) => {
            // Each message already names its cause, so one line (and maybe a hint) says it all.
            eprintln!("diglot: error: {error}");
            if let Some(hint) = error.hint() {
                eprintln!("diglot: hint: {hint}");
            }
            ExitCode::from(exit_code(&error))
        }
    }
}

/// The documented exit codes, one arm per error kind.
fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Config(_) | Error::Prompt(_) | Error::SameLanguage { .. } => 2,
        Error::Provider(ProviderError::Prompt(_) | ProviderError::UnsupportedPair { .. }) => 2,
        Error::Input(_) => 3,
        Error::Provider(_) => 4,
        Error::Transport(TransportError::Setup(_)) => 1,
        Error::Transport(_) => 5,
        Error::Verify(_) | Error::BriefVerify(_) => 6,
        Error::Interrupted => 130,
        Error::Io { .. } => 1,
    }
}
