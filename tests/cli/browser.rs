//! The HTML page in a real browser: Debian's headless Chromium lays out the reference article
//! at desktop (1280 px) and phone (375 px) width.
//!
//! No WebDriver or CDP crate: `chromium --headless --dump-dom` opens a harness page that holds
//! the product page, unmodified (its CSP included), in an `<iframe srcdoc>` exactly as wide as
//! the width under test. Headless Chromium will not make a window narrower than 500 px, and an
//! iframe has its own viewport, so media queries see 375 px. A script in the harness (outside
//! the page's CSP) reads the page's layout once everything has loaded and writes JSON into the
//! harness DOM, which the test parses from the dump (it also focuses a paragraph and checks
//! that its pair lights up). Every Chromium is started with a proxy
//! that is a listener this test owns, so any request the page makes knocks on it. Screenshots
//! of the page go to `target/browser/` for review.
//!
//! Chromium is required, not optional: without it these tests fail and say that `.ci/run`
//! installs it (`apt-get install chromium`).

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Sandbox, fixture, mock};
use crate::html::{reference_page, render};

/// A Chromium that has not finished after this long is killed and the test fails.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

/// How far apart, in CSS pixels, the tops of a pair's two cells may be.
const ALIGNED_WITHIN: f64 = 3.0;

/// The id of the element the measuring script writes its JSON into.
const MEASURED: &str = "diglot-measured";

/// Runs in the harness after the load event: reads the framed page's layout and writes it as
/// JSON into a hidden `<pre>`.
const MEASURE_SCRIPT: &str = r#"<script>
window.addEventListener('load', function () {
  const frame = document.getElementById('page');
  const doc = frame.contentDocument;
  const root = doc.documentElement;
  const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
  const rows = [...doc.querySelectorAll('.row:not(.names)')].map((row) => ({
    id: row.id || null,
    section: row.closest('section').className,
    src: box(row.querySelector('.src')),
    tgt: box(row.querySelector('.tgt')),
  }));
  const wide = [...doc.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map((el) => el.tagName + '.' + el.className);
  const resources = performance.getEntriesByType('resource')
    .concat(frame.contentWindow.performance.getEntriesByType('resource'))
    .map((e) => e.name);
  // Focusing the first pair's source cell must highlight its target cell too.
  const first = doc.querySelector('.pairs .row[id]');
  const target = first.querySelector('.tgt');
  const before = getComputedStyle(target).backgroundColor;
  first.querySelector('.src').focus();
  const focused = doc.activeElement === first.querySelector('.src');
  const after = getComputedStyle(target).backgroundColor;
  first.querySelector('.src').blur();
  const result = {
    highlight: { focused, before, after },
    innerWidth: frame.contentWindow.innerWidth,
    clientWidth: root.clientWidth,
    scrollWidth: root.scrollWidth,
    policy: !!doc.querySelector('meta[http-equiv="Content-Security-Policy"]'),
    resources,
    scripts: doc.scripts.length,
    images: doc.images.length,
    wide,
    rows,
  };
  const pre = document.createElement('pre');
  pre.id = 'diglot-measured';
  pre.hidden = true;
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"#;

/// A harness page holding `html` in an iframe of `width`×`height` CSS px at its top left,
/// with `script` after it.
fn harness(html: &str, (width, height): (u32, u32), script: &str) -> String {
    let srcdoc = html
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
         <style>html, body {{ margin: 0; }} iframe {{ border: 0; display: block; }}</style>\
         </head><body>\n<iframe id=\"page\" width=\"{width}\" height=\"{height}\" \
         srcdoc=\"{srcdoc}\"></iframe>\n{script}</body></html>\n"
    )
}

/// Chromium's window for an iframe of `width`: never below its 500 px minimum.
fn window_for(width: u32, height: u32) -> (u32, u32) {
    (width.max(500), height)
}

/// Debian's Chromium, or a failure that says how to get it.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromium"))
        .find(|path| path.is_file());
    match found {
        Some(path) => path,
        None => panic!(
            "the browser tests need Debian's `chromium` on PATH and it is missing; \
             .ci/run installs it (apt-get install -y --no-install-recommends chromium)"
        ),
    }
}

/// Hosts Chromium itself calls even for a blank local page (network time, accounts, the
/// start page), whatever flags it gets; a request to any other host came from the page.
const BROWSER_OWN_HOSTS: &[&str] = &["google.com", "gstatic.com", "googleapis.com", "gvt1.com"];

/// A proxy that answers nothing: Chromium is pointed at it, so every request the browser
/// makes arrives here first, and the tripwire notes the host it was for.
struct Tripwire {
    addr: std::net::SocketAddr,
    hosts: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Tripwire {
    fn new() -> Tripwire {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the tripwire");
        listener
            .set_nonblocking(true)
            .expect("non-blocking tripwire");
        let addr = listener.local_addr().expect("tripwire address");
        let hosts = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (Arc::clone(&hosts), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let host = requested_host(stream);
                        seen.lock().expect("tripwire log").push(host);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Tripwire {
            addr,
            hosts,
            stop,
            thread: Some(thread),
        }
    }

    fn proxy_flag(&self) -> String {
        format!("--proxy-server=http://{}", self.addr)
    }

    /// Stops listening and returns the hosts requested through it, in order.
    fn finish(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("tripwire thread");
        }
        self.hosts.lock().expect("tripwire log").clone()
    }

    /// Fails if anything but Chromium's own services was requested.
    fn assert_untouched(self, what: &str) {
        let hosts = self.finish();
        let from_page: Vec<&String> = hosts
            .iter()
            .filter(|host| {
                !BROWSER_OWN_HOSTS
                    .iter()
                    .any(|own| *host == own || host.ends_with(&format!(".{own}")))
            })
            .collect();
        assert!(
            from_page.is_empty(),
            "{what}: the page made requests: {from_page:?}"
        );
    }
}

/// The host of a proxy request (`GET http://host/…` or `CONNECT host:443`), read from its
/// first line; the connection is then dropped unanswered.
fn requested_host(mut stream: std::net::TcpStream) -> String {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n") && head.len() < 4096 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let line = String::from_utf8_lossy(&head).into_owned();
    let target = line.split_whitespace().nth(1).unwrap_or("?");
    let authority = target
        .split_once("://")
        .map_or(target, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or("?");
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
        .to_owned()
}

/// Runs headless Chromium on `page` at `width`×`height` with `extra` flags, through
/// `tripwire` as its proxy, in a fresh profile; returns its stdout. Killed (with every process
/// it started) after [`BROWSER_TIMEOUT`].
fn run_chromium(
    page: &Path,
    (width, height): (u32, u32),
    extra: &[String],
    tripwire: &Tripwire,
) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(tripwire.proxy_flag())
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={width},{height}"))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout can end the renderer and helpers too.
        .process_group(0)
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {BROWSER_TIMEOUT:?} on {}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().expect("stdout reader").expect("stdout");
    let stderr = err.join().expect("stderr reader").expect("stderr");
    assert!(
        status.success(),
        "chromium failed ({status}) on {}:\n{stderr}",
        page.display()
    );
    stdout
}

/// Lays out `html` at `width` px and returns what the measuring script saw.
fn measure(html: &str, width: u32, dir: &Path) -> Value {
    measure_with(html, width, dir, MEASURE_SCRIPT)
}

/// Lays out `html` at `width` px with `script` in the harness, which writes its JSON into a
/// hidden `<pre id="diglot-measured">`, and returns that JSON. The page may request nothing.
pub(crate) fn measure_with(html: &str, width: u32, dir: &Path, script: &str) -> Value {
    let page = dir.join(format!("measure-{width}.html"));
    std::fs::write(&page, harness(html, (width, 900), script)).expect("write the page");
    let tripwire = Tripwire::new();
    let dom = run_chromium(
        &page,
        window_for(width, 900),
        &["--dump-dom".to_owned()],
        &tripwire,
    );
    tripwire.assert_untouched(&format!("measuring at {width} px"));
    let start = format!("<pre id=\"{MEASURED}\" hidden=\"\">");
    let json = dom
        .split_once(&start)
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(json, _)| json)
        .unwrap_or_else(|| panic!("no measurement in the dumped DOM:\n{dom}"));
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn number(value: &Value, field: &str) -> f64 {
    value[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} missing in {value}"))
}

/// Asserts the page fits `width` without horizontal scrolling and loaded nothing.
fn assert_fits_and_loaded_nothing(measured: &Value, width: u32) {
    assert_eq!(
        number(measured, "innerWidth"),
        f64::from(width),
        "{measured}"
    );
    assert!(
        number(measured, "scrollWidth") <= number(measured, "clientWidth"),
        "horizontal overflow at {width} px: {}",
        measured["wide"]
    );
    assert_eq!(measured["wide"], Value::Array(vec![]), "at {width} px");
    assert_eq!(measured["resources"], Value::Array(vec![]), "at {width} px");
    assert_eq!(measured["policy"], true, "the page keeps its CSP");
    // Our markup has neither: any would be article text turned into markup.
    assert_eq!(measured["images"], 0);
    assert_eq!(measured["scripts"], 0);
    let highlight = &measured["highlight"];
    assert_eq!(highlight["focused"], true, "{highlight}");
    assert_ne!(
        highlight["before"], highlight["after"],
        "focusing a paragraph highlights its pair at {width} px"
    );
}

fn rows(measured: &Value) -> &Vec<Value> {
    measured["rows"].as_array().expect("rows")
}

fn pair_rows(measured: &Value) -> Vec<&Value> {
    rows(measured)
        .iter()
        .filter(|row| row["section"] == "pairs")
        .collect()
}

/// The reference page with its brief, measured at `width`: it fits, loads nothing, and shows
/// the eight body pairs (¶9–¶11 are boilerplate).
fn measure_reference(width: u32) -> Value {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let html = reference_page(&sandbox, &mock);
    let measured = measure(&html, width, sandbox.dir.path());
    assert_fits_and_loaded_nothing(&measured, width);
    assert_eq!(pair_rows(&measured).len(), 8, "{measured}");
    measured
}

#[test]
fn reference_page_aligns_each_pair_side_by_side_at_1280_px() {
    let measured = measure_reference(1280);
    let pairs = pair_rows(&measured);
    // Every row, the brief's too: tops aligned, target to the right of the source.
    for row in rows(&measured) {
        let (src, tgt) = (&row["src"], &row["tgt"]);
        let gap = (number(src, "top") - number(tgt, "top")).abs();
        assert!(gap <= ALIGNED_WITHIN, "tops {gap} px apart: {row}");
        assert!(
            number(tgt, "left") >= number(src, "right"),
            "not side by side: {row}"
        );
    }
    // Rows follow each other down the page.
    for two in pairs.windows(2) {
        assert!(
            number(&two[1]["src"], "top") > number(&two[0]["src"], "bottom"),
            "{} overlaps {}",
            two[1]["id"],
            two[0]["id"]
        );
    }
}

#[test]
fn reference_page_stacks_each_pair_and_fits_at_375_px() {
    let measured = measure_reference(375);
    for row in rows(&measured) {
        let (src, tgt) = (&row["src"], &row["tgt"]);
        assert!(
            number(tgt, "top") >= number(src, "bottom") - 0.5,
            "target not below its source: {row}"
        );
        assert!(
            (number(tgt, "left") - number(src, "left")).abs() <= 1.0,
            "stacked cells share a left edge: {row}"
        );
    }
}

#[test]
fn the_product_page_references_nothing_outside_itself() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let html = reference_page(&sandbox, &mock);
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    // Article text has its quotes escaped, so a literal `src="`/`href="` is our own markup.
    assert!(!html.contains("src=\""), "no src attribute at all");
    for href in html.split("href=\"").skip(1) {
        assert!(href.starts_with("#p"), "only in-page links: {href:.40}");
    }
    let lower = html.to_ascii_lowercase();
    for banned in [
        "@import", "url(", "<script", "<link", "<iframe", "<object", "<img",
    ] {
        assert!(!lower.contains(banned), "{banned} in the page");
    }
}

#[test]
fn markup_in_the_article_stays_text_in_the_browser_and_loads_nothing() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let article = fixture("de-sonderzeichen.txt");
    let html = render(&sandbox, &mock, "translate", "html", &article, &["--brief"]).stdout;
    for width in [1280, 375] {
        let measured = measure(&html, width, sandbox.dir.path());
        // One script (ours) and no image: the article's `<script>` and `<img src=https://…>`
        // are text. Nothing was requested, and the tripwire proxy saw nothing.
        assert_fits_and_loaded_nothing(&measured, width);
    }
}

/// Where screenshots go: `target/browser/`.
fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target dir")
        .join("browser");
    std::fs::create_dir_all(&dir).expect("create target/browser");
    dir
}

#[test]
fn screenshots_of_the_reference_page_for_review() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let html = reference_page(&sandbox, &mock);
    for (width, height) in [(1280, 2400), (375, 2400)] {
        let shot = screenshot(&sandbox, &html, "reference", (width, height));
        println!("screenshot: {}", shot.display());
    }
}

/// Takes a screenshot of `html` at `width`×`height` into `target/browser/NAME-WIDTH.png`,
/// checks that it is a PNG of that size (the page may request nothing), and returns its path.
pub(crate) fn screenshot(
    sandbox: &Sandbox,
    html: &str,
    name: &str,
    (width, height): (u32, u32),
) -> PathBuf {
    let page = sandbox.write(
        &format!("screenshot-{name}-{width}.html"),
        harness(html, (width, height), ""),
    );
    let shot = screenshot_dir().join(format!("{name}-{width}.png"));
    let _ = std::fs::remove_file(&shot);
    let tripwire = Tripwire::new();
    // The window may be narrower than Chromium lays out (500 px): the screenshot is then
    // the left part, which is exactly the iframe.
    run_chromium(
        &page,
        (width, height),
        &[format!("--screenshot={}", shot.display())],
        &tripwire,
    );
    tripwire.assert_untouched("the screenshot");
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert!(
        png.len() > 10_000,
        "{} is {} bytes",
        shot.display(),
        png.len()
    );
    assert_eq!(
        &png[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        shot.display()
    );
    // IHDR: width and height as big-endian u32 at bytes 16..24.
    assert_eq!(
        &png[16..20],
        width.to_be_bytes(),
        "{} width",
        shot.display()
    );
    assert_eq!(
        &png[20..24],
        height.to_be_bytes(),
        "{} height",
        shot.display()
    );
    shot
}

#[test]
fn the_tripwire_catches_a_page_that_loads_something() {
    // The instrument the tests above rely on: a page without our policy that loads an image
    // must show up at the tripwire and in the resource timings.
    let sandbox = Sandbox::new();
    let page = sandbox.write(
        "leaky.html",
        "<!doctype html>\n<html><body>\n<img src=\"http://diglot-tripwire.invalid/x.png\">\n</body></html>\n",
    );
    let tripwire = Tripwire::new();
    run_chromium(&page, (400, 300), &["--dump-dom".to_owned()], &tripwire);
    let hosts = tripwire.finish();
    assert!(
        hosts.iter().any(|host| host == "diglot-tripwire.invalid"),
        "{hosts:?}"
    );
}
