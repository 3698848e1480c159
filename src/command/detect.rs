//! `diglot detect`: the article's language (and each paragraph's), on this machine, no API.

use std::path::Path;

use super::{Outcome, read_document, rendered};
use crate::cli::DetectArgs;
use crate::detect::{DetectError, Detector};
use crate::error::Error;
use crate::input::Source;
use crate::report::{DetectionReport, ParagraphDetection};

/// Detects the language of the article (at most `max_bytes`) and renders the result.
pub(super) fn run(args: &DetectArgs, max_bytes: u64) -> Result<Outcome, Error> {
    let source = Source::from_arg(args.input.file.as_deref().unwrap_or(Path::new("-")));
    let document = read_document(&source, max_bytes)?;
    let body: Vec<&str> = document
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    let detector = Detector::new();
    let detection = detector.detect_document(&body);
    if let Some((language, share)) = detection.unsupported() {
        return Err(DetectError::Unsupported { language, share }.into());
    }
    let paragraphs = args.paragraphs.then(|| {
        document
            .all_paragraphs()
            .enumerate()
            .map(|(i, p)| {
                let d = detection
                    .paragraphs
                    .get(i)
                    .copied()
                    .unwrap_or_else(|| detector.detect(&p.text));
                ParagraphDetection {
                    id: p.id,
                    language: d.language,
                    confidence: d.confidence,
                    boilerplate: i >= document.paragraphs.len(),
                }
            })
            .collect()
    });
    let report = DetectionReport {
        language: detection.document.language,
        confidence: detection.document.confidence,
        paragraphs,
    };
    rendered(|out| crate::render::detection(&report, args.format, out)).map(Outcome::of)
}
