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
use diglot::cli::{Cli, Command};
use diglot::error::{
    BatchError, BatchPlanError, DetectError, Error, ProviderError, TransportError,
};
use diglot::{Env, Terminal};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env = Env::from_process();
    if let Command::MockServer(args) = &cli.command {
        return finish(diglot::mock_server(args, announce).map(|()| diglot::Outcome::default()));
    }
    if reads_stdin(&cli.command) && std::io::stdin().is_terminal() {
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

/// Whether the command reads its article from stdin (no file, or `-`).
fn reads_stdin(command: &Command) -> bool {
    let is_stdin = |f: &std::path::Path| f == std::path::Path::new("-");
    match command {
        Command::Translate(args) => is_stdin_list(&args.input.files),
        Command::Brief(args) => is_stdin_list(&args.input.files),
        Command::Detect(args) => args.input.file.as_deref().is_none_or(is_stdin),
        Command::Check(_)
        | Command::Config(_)
        | Command::Completions(_)
        | Command::Man
        | Command::MockServer(_)
        | Command::Cache(_) => false,
    }
}

fn is_stdin_list(files: &[std::path::PathBuf]) -> bool {
    match files {
        [] => true,
        [one] => one.as_path() == std::path::Path::new("-"),
        _ => false,
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
            let written = {
                let mut out = std::io::stdout().lock();
                out.write_all(&outcome.output).and_then(|()| out.flush())
            };
            match (written, outcome.error_after_output) {
                // A closed pipe (`diglot … | head`) is the reader's choice, not a failure.
                (Err(e), _) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("diglot: error: cannot write to stdout: {e}");
                    ExitCode::from(1)
                }
                // Printed in full; now the failure the user asked to gate on (`--strict`).
                (_, Some(error)) => finish(Err(error)),
                _ => ExitCode::SUCCESS,
            }
        }
        Err(Error::Batch(batch)) => {
            report_batch(&batch);
            ExitCode::from(batch_exit_code(&batch))
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

/// A batch with failures: one line per failed article (hints once each), then the counts.
fn report_batch(batch: &BatchError<Error>) {
    let mut hints: Vec<String> = Vec::new();
    for failure in &batch.failures {
        eprintln!(
            "diglot: error: {}: {}",
            failure.path.display(),
            failure.error
        );
        if let Some(hint) = failure.error.hint()
            && !hints.contains(&hint)
        {
            hints.push(hint);
        }
    }
    eprintln!("diglot: error: {batch}");
    hints.extend(batch.hint());
    for hint in hints {
        eprintln!("diglot: hint: {hint}");
    }
}

/// 130 when interrupted, else the code of the first failed article in input order.
fn batch_exit_code(batch: &BatchError<Error>) -> u8 {
    match batch.failures.first() {
        _ if batch.interrupted => 130,
        Some(first) => exit_code(&first.error),
        // Not reached: a batch is an error only when interrupted or something failed.
        None => 1,
    }
}

/// The documented exit codes, one arm per error kind.
fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Config(_) | Error::Prompt(_) | Error::Detect(DetectError::SameLanguage { .. }) => 2,
        Error::Cassettes(_) => 2,
        Error::Provider(ProviderError::Prompt(_) | ProviderError::UnsupportedPair { .. }) => 2,
        Error::Input(_) | Error::Ingest { .. } | Error::Detect(_) | Error::NotAResult { .. } => 3,
        Error::Provider(_) => 4,
        Error::Transport(TransportError::Setup(_)) => 1,
        Error::Transport(_) => 5,
        Error::Verify(_) | Error::BriefVerify(_) | Error::Fidelity(_) => 6,
        Error::Interrupted => 130,
        Error::BatchPlan(
            BatchPlanError::EmptyDirectory { .. } | BatchPlanError::ListDirectory { .. },
        ) => 3,
        Error::BatchPlan(_) => 2,
        Error::Batch(batch) => batch_exit_code(batch),
        Error::Output { .. }
        | Error::Render(_)
        | Error::NoCacheDir
        | Error::Cache { .. }
        | Error::Mock { .. }
        | Error::Runtime(_)
        | Error::Task { .. } => 1,
    }
}
