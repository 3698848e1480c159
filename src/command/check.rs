//! `diglot check`: reads a saved `--format json` translation, runs the fidelity checks again
//! (the saved `checks` are ignored) and prints what failed; any failure ends in exit 6.

use super::{Outcome, rendered};
use crate::cli::CheckArgs;
use crate::detect::Detector;
use crate::error::Error;
use crate::input::Source;
use crate::report::Report;
use crate::verify::fidelity::ChecksFailed;

/// Re-checks a saved result.
pub(super) fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let source = Source::from_arg(&args.file);
    let bytes = crate::input::read(&source, crate::input::MAX_ARTICLE_BYTES)?;
    let mut report: Report = serde_json::from_slice(&bytes).map_err(|error| Error::NotAResult {
        source_name: source,
        error,
    })?;
    report.recheck(&Detector::new());
    let output = rendered(|out| crate::render::checks(&report, args.format.into(), out))?;
    Ok(Outcome {
        output,
        error_after_output: ChecksFailed::of(&report.checks).map(Error::from),
        ..Outcome::default()
    })
}
