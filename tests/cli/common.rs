//! Shared helpers: a scrubbed environment per test, fixtures, and the mock API.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diglot::mock::{BackgroundMock, Fault, MockOptions};

/// A temporary HOME with config and cache dirs inside, so no test sees the user's files.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `diglot` with an empty environment (no keys, no DIGLOT_*, no NO_COLOR, COLUMNS or TERM)
    /// except HOME and XDG dirs inside the sandbox.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("diglot"));
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .timeout(Duration::from_secs(60));
        cmd
    }

    /// Writes a file in the sandbox and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, bytes).expect("write file");
        path
    }

    /// `diglot translate --provider mock --base-url MOCK --width 80 --color never FILE ARGS…`.
    pub fn translate(&self, mock: &BackgroundMock, file: &Path, args: &[&str]) -> Run {
        let mut cmd = self.cmd();
        cmd.args([
            "translate",
            "--provider",
            "mock",
            "--base-url",
            &mock.base_url(),
        ])
        .args(["--width", "80", "--color", "never"])
        .arg(file)
        .args(args);
        run(&mut cmd)
    }
}

/// Runs a command to its end.
pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let output = cmd.output().expect("diglot runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A fixture article's path.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/articles")
        .join(name)
}

/// A mock API on 127.0.0.1:0 with faults such as `"429:1"`.
pub fn mock(faults: &[&str]) -> BackgroundMock {
    mock_with(faults, 0)
}

/// A mock API with faults and a latency in milliseconds.
pub fn mock_with(faults: &[&str], latency_ms: u64) -> BackgroundMock {
    let faults = faults
        .iter()
        .map(|f| f.parse::<Fault>().expect("valid fault"))
        .collect();
    BackgroundMock::spawn(MockOptions {
        latency: Duration::from_millis(latency_ms),
        faults,
        ..MockOptions::default()
    })
    .expect("mock starts")
}

/// Parses JSON output.
pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).expect("stdout is one JSON document")
}

/// The widest line, in terminal columns.
pub fn widest_line(text: &str) -> usize {
    text.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

/// The paragraph ids each chat request carried, from the mock's log.
pub fn requested_ids(mock: &BackgroundMock) -> Vec<Vec<u64>> {
    mock.requests()
        .iter()
        .filter(|r| r.is_chat())
        .map(|r| {
            let user = r.body["messages"][1]["content"]
                .as_str()
                .unwrap_or_default();
            let payload: serde_json::Value = serde_json::from_str(user).unwrap_or_default();
            payload["paragraphs"]
                .as_array()
                .map(|ps| ps.iter().filter_map(|p| p["id"].as_u64()).collect())
                .unwrap_or_default()
        })
        .collect()
}
