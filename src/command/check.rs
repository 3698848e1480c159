//! `diglot check`: reads a saved `--format json` translation, holds its structure to the
//! paragraph contract (every paragraph from ¶1 on exactly once, each translation visible; in a
//! result aligned by sentence, every sentence covered by its pairs), runs the fidelity checks
//! again (per sentence pair where there are pairs; the saved `checks` are ignored;
//! `name_drift` always, `term_mismatch` with `--glossary`) and prints what failed; a broken
//! structure or any failed check ends in exit 6, a file that is not a result in exit 3.

use super::{Outcome, rendered};
use crate::cli::CheckArgs;
use crate::detect::Detector;
use crate::error::Error;
use crate::input::{Limit, Source};
use crate::report::Report;
use crate::verify::fidelity::ChecksFailed;

/// Reads a saved `--format json` translation of an article of at most `max_article_bytes`.
pub(super) fn read_result(
    file: &std::path::Path,
    max_article_bytes: u64,
) -> Result<(Source, Report), Error> {
    let source = Source::from_arg(file);
    let bytes = crate::input::read(&source, Limit::result(max_article_bytes))?;
    let report: Report = serde_json::from_slice(&bytes).map_err(|error| Error::NotAResult {
        source_name: source.clone(),
        error,
    })?;
    Ok((source, report))
}

/// Re-checks a saved result of an article of at most `max_article_bytes`, with the glossaries
/// of `--glossary`.
pub(super) fn run(args: &CheckArgs, max_article_bytes: u64) -> Result<Outcome, Error> {
    let glossaries = crate::glossary::file::load_all(args.glossary.iter().map(|p| p.as_path()))?;
    let (source, mut report) = read_result(&args.file, max_article_bytes)?;
    // Structure first: a result that lost, doubled or emptied a paragraph is not checked.
    let ids = report.paragraphs.iter().map(|p| p.id);
    let pairs = report.paragraphs.iter().map(|p| (p.id, p.target.as_str()));
    let sentences = report
        .paragraphs
        .iter()
        .map(|p| (p.id, p.source.as_str(), p.sentences.as_slice()));
    crate::verify::whole(crate::verify::expected_ids(ids), pairs)
        .and_then(|()| crate::verify::sentences::whole(sentences))
        .map_err(|error| Error::BrokenResult {
            source_name: source,
            error: Box::new(error),
        })?;
    report.recheck(&Detector::new(), &glossaries);
    let output = rendered(|out| crate::render::checks(&report, args.format.into(), out))?;
    Ok(Outcome {
        output,
        error_after_output: ChecksFailed::of(&report.checks).map(Error::from),
        ..Outcome::default()
    })
}
