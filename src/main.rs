//! The `diglot` binary: parse flags, run, print the result or one error line, exit.
//!
//! This is the only place that chooses exit codes (table in `cli::EXIT_CODE_TABLE`) and, with
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
    BatchError, BatchPlanError, DetectError, Error, JobError, ProviderError, TransportError,
    for_stderr,
};
use diglot::{Env, Terminal};

fn main() -> ExitCode {
    // The shell asking for completions (`COMPLETE=bash diglot -- …`) is answered first.
    diglot::complete_if_asked();
    let cli = Cli::parse();
    let env = Env::from_process();
    if let Command::MockServer(args) = &cli.command {
        let served = diglot::mock_server(args, announce, log_request);
        return finish(served.map(|()| diglot::Outcome::default()));
    }
    if reads_stdin(&cli.command) && std::io::stdin().is_terminal() {
        eprintln!("diglot: paste the article, then press Ctrl-D on an empty line");
    }
    let stdout = std::io::stdout();
    let size = terminal_size::terminal_size_of(&stdout);
    let terminal = Terminal {
        stdout_is_tty: stdout.is_terminal(),
        width: size.map(|(w, _)| usize::from(w.0)),
        stderr_is_tty: std::io::stderr().is_terminal(),
        height: size.map(|(_, h)| usize::from(h.0)),
    };
    finish(diglot::run(&cli, &env, terminal, exit_code))
}

/// Whether the command reads its article from stdin (no file, or `-`).
fn reads_stdin(command: &Command) -> bool {
    let is_stdin = |f: &std::path::Path| f == std::path::Path::new("-");
    match command {
        Command::Translate(args) => is_stdin_list(&args.input.files),
        Command::Brief(args) => is_stdin_list(&args.input.files),
        Command::Detect(args) => args.input.file.as_deref().is_none_or(is_stdin),
        Command::Check(_)
        | Command::Terms(_)
        | Command::Config(_)
        | Command::Completions(_)
        | Command::Man
        | Command::MockServer(_)
        | Command::Cache(_)
        | Command::Batch(_) => false,
    }
}

fn is_stdin_list(files: &[std::path::PathBuf]) -> bool {
    match files {
        [] => true,
        [one] => one.as_path() == std::path::Path::new("-"),
        _ => false,
    }
}

/// The mock server's banner: first `listening on http://HOST:PORT` (scripts and tests read
/// the address from it), then the `--base-url` of each protocol, in one write.
fn announce(root: &str) -> std::io::Result<()> {
    let mut banner = format!("listening on {root}\n");
    for (protocol, url) in diglot::mock::base_urls(root) {
        banner.push_str(&format!("  {protocol:<15} --base-url {url}\n"));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(banner.as_bytes())?;
    out.flush()
}

/// One line per request the mock server answered, on stderr; a closed stderr is ignored.
fn log_request(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "diglot mock-server: {line}");
}

fn finish(result: Result<diglot::Outcome, Error>) -> ExitCode {
    match result {
        Ok(outcome) => {
            for warning in &outcome.warnings {
                say("warning: ", warning);
            }
            for note in &outcome.notes {
                say("", note);
            }
            let written = {
                let mut out = std::io::stdout().lock();
                out.write_all(&outcome.output).and_then(|()| out.flush())
            };
            match (written, outcome.error_after_output) {
                // A closed pipe (`diglot … | head`) is the reader's choice, not a failure.
                (Err(e), _) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    say("error: ", &format_args!("cannot write to stdout: {e}"));
                    ExitCode::from(OUTPUT_FAILED)
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
            say("error: ", &error);
            if let Some(hint) = error.hint() {
                say("hint: ", &hint);
            }
            ExitCode::from(exit_code(&error))
        }
    }
}

/// A batch with failures: one line per failed article (hints once each), then the counts.
fn report_batch(batch: &BatchError<Error>) {
    let mut hints: Vec<String> = Vec::new();
    for failure in &batch.failures {
        say(
            "error: ",
            &format_args!("{}: {}", failure.path.display(), failure.error),
        );
        if let Some(hint) = failure.error.hint()
            && !hints.contains(&hint)
        {
            hints.push(hint);
        }
    }
    say("error: ", &batch);
    hints.extend(batch.hint());
    for hint in hints {
        say("hint: ", &hint);
    }
}

/// Writes `diglot: {kind}{message}` on stderr, the message redacted and neutralized: it may
/// carry a server's words, a file name or a URL ([`for_stderr`]).
fn say(kind: &str, message: &dyn std::fmt::Display) {
    eprintln!("diglot: {kind}{}", for_stderr(&message.to_string()));
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

/// The exit code when the output cannot be written (stdout, `-o`, `--out-dir`).
const OUTPUT_FAILED: u8 = 7;

/// The documented exit codes, one arm per error kind.
fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Config(_) | Error::Prompt(_) | Error::Detect(DetectError::SameLanguage { .. }) => 2,
        Error::Cassettes(_) | Error::Glossary(_) => 2,
        Error::Provider(ProviderError::Prompt(_) | ProviderError::UnsupportedPair { .. }) => 2,
        Error::Input(_) | Error::Ingest { .. } | Error::Detect(_) | Error::NotAResult { .. } => 3,
        Error::Provider(_) | Error::Transport(TransportError::ReplyTooLarge { .. }) => 4,
        Error::Transport(TransportError::Setup(_)) => 1,
        Error::Transport(_) => 5,
        Error::Verify(_) | Error::BriefVerify(_) | Error::Fidelity(_) => 6,
        Error::BrokenResult { .. } => 6,
        Error::Interrupted => 130,
        Error::BatchPlan(
            BatchPlanError::EmptyDirectory { .. } | BatchPlanError::ListDirectory { .. },
        ) => 3,
        Error::BatchPlan(_) => 2,
        Error::Batch(batch) => batch_exit_code(batch),
        Error::BatchJob(JobError::Write { .. }) => OUTPUT_FAILED,
        Error::BatchJob(JobError::BatchFailed { .. }) => 4,
        Error::BatchJob(JobError::Unanswered { .. } | JobError::NotImported { .. }) => 5,
        Error::BatchJob(JobError::Results { .. }) => 3,
        Error::BatchJob(_) => 2,
        Error::Output { .. } | Error::Stdout(_) => OUTPUT_FAILED,
        Error::Render(_)
        | Error::NoCacheDir
        | Error::Cache { .. }
        | Error::Mock { .. }
        | Error::Runtime(_)
        | Error::Task { .. } => 1,
    }
}
