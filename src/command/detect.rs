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
    // With --keep-boilerplate the footer counts towards the article's language too.
    let counted = if args.input.keep_boilerplate {
        document.all_paragraphs().count()
    } else {
        document.paragraphs.len()
    };
    let body: Vec<&str> = document
        .all_paragraphs()
        .take(counted)
        .map(|p| p.text.as_str())
        .collect();
    let detector = Detector::new();
    let detection = detector.detect_document(&body);
    if let Some(outsider) = detection.unsupported() {
        return Err(DetectError::Unsupported(outsider).into());
    }
    // Exactly when `translate` would stop on it: an undecidable text that is not short.
    let (language, confidence, warnings) = match (detection.document.language, detection.guess()) {
        (Some(language), _) => (Some(language), detection.document.confidence, Vec::new()),
        (None, Some((language, confidence))) => (
            Some(language),
            confidence,
            vec![guess_warning(language, confidence)],
        ),
        (None, None) => {
            return Err(DetectError::Undecidable {
                confidence: detection.document.confidence,
            }
            .into());
        }
    };
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
        language,
        confidence,
        paragraphs,
    };
    let output = rendered(|out| crate::render::detection(&report, args.format.into(), out))?;
    Ok(Outcome {
        output,
        warnings,
        ..Outcome::default()
    })
}

/// The warning for a short text whose language is only guessed (`translate` says the same).
pub(super) fn guess_warning(language: crate::language::LanguageCode, confidence: f64) -> String {
    format!(
        "the text is too short to be sure of its language: taking it for {} ({language}, \
         confidence {confidence:.2}); pass --from LANG if that is wrong",
        language.name()
    )
}
