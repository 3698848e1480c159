//! The progress display on a real terminal: run under `script` (a pseudo-terminal of 80×30),
//! its bytes fed to a terminal emulator in memory, the final screen read back. Whatever the
//! ending, no progress line may stay on the screen (issue 14).
#![cfg(unix)]

use std::io::Write;
use std::time::Duration;

use crate::common::{Sandbox, fixture, mock_with};

/// Runs `command` (a shell command line) under a pseudo-terminal of `cols`×30 and returns the
/// screen it leaves, one string per row, trailing blank rows removed. With `ctrl_c_after`, the
/// user presses Ctrl-C then: the terminal echoes `^C` and interrupts the command.
fn screen_after(
    sandbox: &Sandbox,
    command: &str,
    cols: u16,
    ctrl_c_after: Option<Duration>,
) -> Vec<String> {
    let line = format!("stty cols {cols} rows 30; {command}");
    let mut child = sandbox
        .script(&line)
        .spawn()
        .expect("script runs (util-linux)");
    let mut keyboard = child.stdin.take().expect("stdin");
    if let Some(after) = ctrl_c_after {
        std::thread::sleep(after);
        keyboard.write_all(b"\x03").expect("Ctrl-C typed");
    }
    let output = child.wait_with_output().expect("script ends");
    drop(keyboard);
    let mut parser = vt100::Parser::new(30, cols, 0);
    parser.process(&output.stdout);
    let mut rows: Vec<String> = parser
        .screen()
        .rows(0, cols)
        .map(|row| row.trim_end().to_owned())
        .collect();
    while rows.last().is_some_and(String::is_empty) {
        rows.pop();
    }
    rows
}

fn diglot() -> String {
    assert_cmd::cargo::cargo_bin!("diglot")
        .display()
        .to_string()
}

#[test]
fn a_finished_batch_leaves_only_its_summary_at_every_width() {
    let slow = mock_with(&[], 150);
    let sandbox = Sandbox::new();
    let articles = sandbox.dir.path().join("in");
    for i in 1..=10 {
        sandbox.write(
            &format!("in/a{i:02}.txt"),
            std::fs::read(fixture("de-kurz.txt")).expect("fixture"),
        );
    }
    for cols in [80, 120, 200] {
        let out = sandbox.dir.path().join(format!("out-{cols}"));
        let command = format!(
            "{} translate --no-cache --provider mock --base-url {} --out-dir {} {}",
            diglot(),
            slow.base_url(),
            out.display(),
            articles.display()
        );
        let screen = screen_after(&sandbox, &command, cols, None);
        assert_eq!(screen.len(), 1, "{cols} columns: {screen:#?}");
        assert!(
            screen[0].starts_with("diglot: 10 articles: 10 written"),
            "{cols} columns: {screen:#?}"
        );
    }
}

#[test]
fn ctrl_c_in_a_single_run_leaves_the_error_and_no_spinner() {
    let slow = mock_with(&[], 5_000);
    let sandbox = Sandbox::new();
    let command = format!(
        "{} translate --no-cache --provider mock --base-url {} {} > /dev/null",
        diglot(),
        slow.base_url(),
        fixture("de-rutte-nato.txt").display()
    );
    let screen = screen_after(&sandbox, &command, 80, Some(Duration::from_millis(1500)));
    assert_eq!(screen, ["diglot: error: interrupted"], "{screen:#?}");
}
