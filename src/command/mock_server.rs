//! `diglot mock-server`: the built-in mock API on a socket, until Ctrl-C; recording a real API
//! (`--record`) or replaying a directory of cassettes (`--cassettes`) when asked.

use super::block_on_interruptible;
use crate::cli::MockServerArgs;
use crate::error::Error;
use crate::mock::{MockOptions, MockServer, Recording, Replay, RequestHook};

/// Binds, calls `announce` with the server's root URL (`http://HOST:PORT`) once listening,
/// calls `log` with one line per answered request, and serves until Ctrl-C.
pub fn mock_server(
    args: &MockServerArgs,
    announce: impl FnOnce(&str) -> std::io::Result<()>,
    log: impl Fn(&str) + Send + Sync + 'static,
) -> Result<(), Error> {
    let record = match (&args.record, &args.upstream) {
        (Some(dir), Some(upstream)) => Some(Recording::prepare(dir, upstream.clone())?),
        _ => None,
    };
    let replay = args.cassettes.as_deref().map(Replay::load).transpose()?;
    let options = MockOptions {
        latency: std::time::Duration::from_millis(args.latency_ms),
        faults: args.fault.clone(),
        chars_per_sec: args.chars_per_sec,
        emulate: args.emulate.clone(),
        on_request: Some(RequestHook(std::sync::Arc::new(move |request, took| {
            log(&request.log_line(took));
        }))),
        record,
        replay: replay.map(std::sync::Arc::new),
        batch_time: std::time::Duration::from_secs(args.batch_seconds),
        batch_faults: args.batch_fault.clone(),
    };
    let failed = |action| move |source| Error::Mock { action, source };
    let serve = async {
        let server = MockServer::start(args.addr, options)
            .await
            .map_err(failed("start"))?;
        announce(&format!("http://{}", server.addr())).map_err(failed("announce"))?;
        server.wait().await.map_err(failed("serve"))
    };
    match block_on_interruptible(serve) {
        Err(Error::Interrupted) => Ok(()),
        other => other,
    }
}
