//! Shared helpers: a scrubbed environment per test, fixtures, and the mock API.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use diglot::mock::{Fault, LoggedRequest, MockLog, MockOptions, MockServer};

/// A temporary HOME with config and cache dirs inside, so no test sees the user's files.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    /// Commands made so far; each gets a cache directory of its own unless the test shares one.
    commands: AtomicUsize,
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
            commands: AtomicUsize::new(0),
        }
    }

    /// `diglot` with an empty environment (no keys, no DIGLOT_*, no NO_COLOR, COLUMNS or TERM)
    /// except HOME and XDG dirs inside the sandbox. Every command gets a fresh, empty cache
    /// directory, so a second run in the same sandbox still sends its requests; tests of the
    /// cache share one with [`Sandbox::cached_cmd`].
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(self.std_cmd());
        cmd.timeout(Duration::from_secs(60));
        cmd
    }

    /// The same environment as [`Sandbox::cmd`], as a `std` command, for tests that spawn
    /// diglot and signal it while it runs.
    pub fn std_cmd(&self) -> std::process::Command {
        let n = self.commands.fetch_add(1, Ordering::Relaxed);
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("diglot"));
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_CACHE_HOME", self.dir.path().join(format!("cache-{n}")));
        cmd
    }

    /// `script` (util-linux) running the shell command line `line` on a pseudo-terminal, with
    /// the sandbox's environment (its shared cache), `PATH` and `TERM=xterm-256color`; stdin
    /// (the keyboard) and stdout (what the terminal receives) piped.
    pub fn script(&self, line: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qfec", line, "/dev/null"])
            .env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm-256color")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        cmd
    }

    /// The sandbox's shared cache directory (`XDG_CACHE_HOME/diglot`).
    pub fn shared_cache(&self) -> PathBuf {
        self.dir.path().join("cache").join("diglot")
    }

    /// [`Sandbox::cmd`] with the sandbox's one shared cache, for tests of the cache.
    pub fn cached_cmd(&self) -> assert_cmd::Command {
        let mut cmd = self.cmd();
        cmd.env("XDG_CACHE_HOME", self.dir.path().join("cache"));
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

    /// `diglot translate --provider mock --base-url MOCK --color never FILE ARGS…`, at
    /// `--width 80` unless `args` give one.
    pub fn translate(&self, mock: &BackgroundMock, file: &Path, args: &[&str]) -> Run {
        self.translate_with(self.cmd(), mock, file, args)
    }

    /// [`Sandbox::translate`] with a prepared command (e.g. [`Sandbox::cached_cmd`]).
    pub fn translate_with(
        &self,
        mut cmd: assert_cmd::Command,
        mock: &BackgroundMock,
        file: &Path,
        args: &[&str],
    ) -> Run {
        let mut base = translate_args(mock);
        if args.contains(&"--width") {
            // The test's own width replaces the default 80.
            let at = base
                .iter()
                .position(|a| a == "--width")
                .unwrap_or(base.len());
            base.drain(at..(at + 2).min(base.len()));
        }
        cmd.args(base).arg(file).args(args);
        run(&mut cmd)
    }
}

/// `translate --provider mock --base-url MOCK --width 80 --color never`: what
/// [`Sandbox::translate`] runs before the file and its arguments.
pub fn translate_args(mock: &BackgroundMock) -> Vec<String> {
    [
        "translate",
        "--provider",
        "mock",
        "--base-url",
        &mock.base_url(),
        "--width",
        "80",
        "--color",
        "never",
    ]
    .map(str::to_owned)
    .to_vec()
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

/// Copies fixture articles into `dir` inside the sandbox and returns the directory.
pub fn articles_dir(sandbox: &Sandbox, dir: &str, names: &[&str]) -> PathBuf {
    for name in names {
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        sandbox.write(&format!("{dir}/{name}"), bytes);
    }
    sandbox.dir.path().join(dir)
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

/// A JSON file under `fixtures/` (a cassette, say), parsed.
pub fn fixture_json(path: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    let text = std::fs::read_to_string(&path).expect("a fixture");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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

/// The payload (the first user message) of each chat request, from the mock's log, as JSON:
/// a JSON payload as it is, a numbered one (`German (de) → English (en)`, then `[N] text`
/// blocks) as the translation payload it stands for, a brief's (`Brief of 5 key points in
/// German (de)`, then the same blocks) as `{"task": "brief", "source_language", "points",
/// "paragraphs"}`.
pub fn chat_payloads(mock: &BackgroundMock) -> Vec<serde_json::Value> {
    mock.requests()
        .iter()
        .filter(|r| r.is_chat())
        .map(|r| {
            let user = r.body["messages"][1]["content"]
                .as_str()
                .unwrap_or_default();
            serde_json::from_str(user).unwrap_or_else(|_| numbered(user))
        })
        .collect()
}

/// A numbered translation or brief payload as JSON (`Null` when `text` is neither).
fn numbered(text: &str) -> serde_json::Value {
    let Some((header, body)) = text.split_once("\n\n") else {
        return serde_json::Value::Null;
    };
    let code = |side: &str| {
        side.trim()
            .trim_end_matches(')')
            .rsplit_once('(')
            .map(|(_, code)| code.to_owned())
    };
    let paragraphs: Vec<serde_json::Value> = body
        .split("\n\n")
        .filter_map(|block| {
            let (id, text) = block.strip_prefix('[')?.split_once("] ")?;
            Some(serde_json::json!({"id": id.parse::<u64>().ok()?, "text": text}))
        })
        .collect();
    if let Some((points, language)) = header
        .strip_prefix("Brief of ")
        .and_then(|rest| rest.split_once(" key points in "))
    {
        return serde_json::json!({
            "task": "brief",
            "source_language": code(language),
            "points": points.parse::<u64>().ok(),
            "paragraphs": paragraphs,
        });
    }
    let Some((from, to)) = header.split_once(" → ") else {
        return serde_json::Value::Null;
    };
    serde_json::json!({
        "task": "translate",
        "source_language": code(from),
        "target_language": code(to),
        "paragraphs": paragraphs,
    })
}

/// The paragraph ids each chat request carried, from the mock's log.
pub fn requested_ids(mock: &BackgroundMock) -> Vec<Vec<u64>> {
    chat_payloads(mock)
        .iter()
        .map(|payload| {
            payload["paragraphs"]
                .as_array()
                .map(|ps| ps.iter().filter_map(|p| p["id"].as_u64()).collect())
                .unwrap_or_default()
        })
        .collect()
}

/// Sends SIGINT (what Ctrl-C sends) to a child process.
#[cfg(unix)]
pub fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// A mock server on its own thread with its own runtime, for tests that are not async.
///
/// Dropping it shuts the server down and joins the thread, and then fails the test (panics)
/// if a handler or the server panicked, unless the thread is already panicking.
pub struct BackgroundMock {
    addr: std::net::SocketAddr,
    log: MockLog,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl BackgroundMock {
    /// Starts a mock on `127.0.0.1` with an OS-chosen port and waits until it listens.
    pub fn spawn(options: MockOptions) -> std::io::Result<BackgroundMock> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("diglot-mock".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
                    let server = match MockServer::start(addr, options).await {
                        Ok(server) => server,
                        Err(err) => {
                            let _ = ready_tx.send(Err(err));
                            return Ok(());
                        }
                    };
                    let _ = ready_tx.send(Ok((server.addr(), server.log())));
                    let _ = stopped.await;
                    server.shutdown().await
                })
            })?;
        match ready_rx.recv() {
            Ok(Ok((addr, log))) => Ok(BackgroundMock {
                addr,
                log,
                stop: Some(stop),
                thread: Some(thread),
            }),
            Ok(Err(err)) => Err(err),
            Err(_) => Err(std::io::Error::other(
                "the mock server thread died while starting",
            )),
        }
    }

    /// The base URL of the OpenAI-compatible protocol: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The server's root URL, `http://127.0.0.1:PORT`: the base URL for the Anthropic, DeepL
    /// and LibreTranslate protocols.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, in the order they were answered.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.requests()
    }

    /// How many `POST /v1/chat/completions` requests were answered.
    pub fn chat_requests(&self) -> usize {
        self.requests().iter().filter(|r| r.is_chat()).count()
    }

    /// How many translation requests, of any protocol, were answered.
    pub fn translation_requests(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.is_translation())
            .count()
    }
}

impl Drop for BackgroundMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let outcome = match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Err(_)) => Some("the mock server thread panicked".to_owned()),
            Some(Ok(Err(err))) => Some(format!("the mock server failed: {err}")),
            _ => None,
        };
        let problem = outcome.or_else(|| {
            self.log
                .handler_panicked()
                .then(|| "a mock server handler panicked".to_owned())
        });
        if let Some(problem) = problem
            && !std::thread::panicking()
        {
            panic!("{problem}");
        }
    }
}

/// The shipped `diglot mock-server --addr 127.0.0.1:0 ARGS…` as a child process with an empty
/// environment, and the address it announced on its first line; killed on drop.
pub struct MockProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, the server's root.
    pub address: String,
}

impl MockProcess {
    /// Starts the server and reads its address.
    pub fn start(args: &[&str]) -> MockProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("diglot"))
            .args(["mock-server", "--addr", "127.0.0.1:0"])
            .args(args)
            .env_clear()
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mock-server starts");
        let mut first = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .expect("first line");
        let Some(address) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let output = child.wait_with_output().expect("mock-server ends");
            panic!(
                "mock-server did not announce an address: {first:?}, stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        MockProcess {
            address: address.to_owned(),
            child,
        }
    }

    /// The base URL of the OpenAI-compatible protocol: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.address)
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` on `address` (`http://HOST:PORT`) over a plain socket: the response body.
pub fn get_body(address: &str, path: &str) -> String {
    let (head, body) = send(address, "GET", path, None);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body
}

/// `METHOD path` on `address` (`http://HOST:PORT`) over a plain socket, with a JSON `body`
/// when given: the response head and body.
pub fn send(address: &str, method: &str, path: &str, body: Option<&str>) -> (String, String) {
    use std::io::{Read, Write};
    let host = address.strip_prefix("http://").expect("http address");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the mock");
    let body = body.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("HTTP response");
    (head.to_owned(), body.to_owned())
}

/// `POST path` with the JSON `body` on `address` (`http://HOST:PORT`) over a plain socket: the
/// response body as JSON (the answer must be a 200).
pub fn post_json(address: &str, path: &str, body: &serde_json::Value) -> serde_json::Value {
    use std::io::{Read, Write};
    let host = address.strip_prefix("http://").expect("http address");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the mock");
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("HTTP response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).expect("a JSON answer")
}
