//! Detect: the language of each paragraph and of the whole document, with a confidence.
//!
//! Wraps lingua (high-accuracy mode, the languages compiled in through Cargo features). Takes
//! normalized paragraph text from `ingest` and returns plain [`Detection`] data; it does no I/O,
//! never prints, and knows nothing about providers or translation. Synchronous and CPU-bound:
//! call it from `spawn_blocking` if it ever runs inside the async runtime.

use std::fmt;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use serde::Serialize;

use crate::language::LanguageCode;

/// Below this confidence a paragraph's language is `None`. At 0.7 lingua (15 languages, high
/// accuracy) answers 97% of sentences and is right on 99.9% of those (MEASURED.md).
pub const PARAGRAPH_MIN_CONFIDENCE: f64 = 0.7;

/// Below this letter-weighted share the document's language is undecidable (`None`): no
/// language covers even half of the text with confidence.
pub const DOCUMENT_MIN_CONFIDENCE: f64 = 0.5;

/// The language of one text, if detection decided, and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Detection {
    /// The detected language; `None` when confidence is below the threshold or the text has no
    /// letters.
    pub language: Option<LanguageCode>,
    /// Confidence of the top candidate (0..=1), also when `language` is `None`; 0 without letters.
    pub confidence: f64,
}

impl Detection {
    /// The result for text with no letters, or nothing to detect at all.
    pub const UNDECIDED: Detection = Detection {
        language: None,
        confidence: 0.0,
    };
}

/// Detection for a whole document and each of its paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentDetection {
    /// The document's language and its letter-weighted share (see [`Detector::detect_document`]).
    pub document: Detection,
    /// One result per input paragraph, in the same order.
    pub paragraphs: Vec<Detection>,
    /// Letter-weighted share of every language that some paragraph was detected in, highest
    /// first (ties by code).
    scores: Vec<(LanguageCode, f64)>,
}

impl DocumentDetection {
    /// Share of the document's letters detected in `language`, weighted by confidence (0..=1).
    ///
    /// Defined for any language, so a language forced with `--from` can be checked against the
    /// text; it is 0 for a language no paragraph was detected in.
    pub fn share(&self, language: LanguageCode) -> f64 {
        self.scores
            .iter()
            .find(|(code, _)| *code == language)
            .map_or(0.0, |(_, share)| *share)
    }

    /// Letter-weighted shares of every detected language, highest first.
    pub fn scores(&self) -> &[(LanguageCode, f64)] {
        &self.scores
    }
}

/// A language detector over the compiled-in languages.
///
/// Cheap to build: lingua reads a language's models from the binary the first time they are
/// needed (≈ 13 ms CPU for the first article in a process), and preloading them would only slow
/// down a cold start (MEASURED.md). Build one and reuse it; it is `Send + Sync`.
pub struct Detector {
    lingua: LanguageDetector,
}

impl Detector {
    /// A detector for every compiled-in language, in high-accuracy mode, models not preloaded.
    pub fn new() -> Self {
        Detector {
            lingua: LanguageDetectorBuilder::from_all_languages().build(),
        }
    }

    /// Detects the language of one text.
    ///
    /// The top entry of lingua's confidence values is the candidate; it becomes the language only
    /// at [`PARAGRAPH_MIN_CONFIDENCE`] or above. Text without letters (digits, punctuation) is
    /// [`Detection::UNDECIDED`]. The confidence is rounded to six decimals: lingua's last digits
    /// vary from run to run (it sums in hash-map order), and snapshots must not.
    pub fn detect(&self, text: &str) -> Detection {
        if !text.chars().any(char::is_alphabetic) {
            return Detection::UNDECIDED;
        }
        let top = self
            .lingua
            .compute_language_confidence_values(text)
            .into_iter()
            .next();
        match top {
            Some((language, confidence)) if confidence > 0.0 => {
                let confidence = round_confidence(confidence);
                Detection {
                    language: (confidence >= PARAGRAPH_MIN_CONFIDENCE).then(|| to_code(language)),
                    confidence,
                }
            }
            _ => Detection::UNDECIDED,
        }
    }

    /// Detects every paragraph, then the document from them; `paragraphs[i]` gives
    /// `result.paragraphs[i]`.
    ///
    /// Each paragraph weighs as many letters as it has. A paragraph detected as `L` adds
    /// `letters × confidence` to `L`'s score; undecided paragraphs add to no score but still
    /// count in the total. The document's language is the top scorer and its confidence is that
    /// score divided by all letters: the share of the text that is confidently in it. It is
    /// `None` below [`DOCUMENT_MIN_CONFIDENCE`] or when no paragraph has letters.
    ///
    /// Why not ask lingua about the whole text: its document-level confidence misleads on mixed
    /// documents (it said `de 1.000` for a text half German, half English; MEASURED.md), while
    /// letter-weighted per-paragraph results give such a document about 0.5.
    pub fn detect_document(&self, paragraphs: &[&str]) -> DocumentDetection {
        let paragraphs: Vec<(Detection, usize)> = paragraphs
            .iter()
            .map(|text| (self.detect(text), count_letters(text)))
            .collect();
        let total: usize = paragraphs.iter().map(|(_, letters)| letters).sum();

        let mut scores: Vec<(LanguageCode, f64)> = Vec::new();
        for (detection, letters) in &paragraphs {
            if let Some(language) = detection.language {
                let weight = *letters as f64 * detection.confidence;
                match scores.iter_mut().find(|(code, _)| *code == language) {
                    Some((_, score)) => *score += weight,
                    None => scores.push((language, weight)),
                }
            }
        }
        // Scores only exist when some paragraph has letters, so `total` is not 0 here.
        for (_, score) in &mut scores {
            *score = (*score / total as f64).min(1.0);
        }
        scores.sort_by(|(a, a_share), (b, b_share)| b_share.total_cmp(a_share).then(a.cmp(b)));

        let document = match scores.first() {
            Some(&(language, share)) => Detection {
                language: (share >= DOCUMENT_MIN_CONFIDENCE).then_some(language),
                confidence: share,
            },
            None => Detection::UNDECIDED,
        };
        DocumentDetection {
            document,
            paragraphs: paragraphs
                .into_iter()
                .map(|(detection, _)| detection)
                .collect(),
            scores,
        }
    }

    /// The languages this build can detect, sorted by code.
    pub fn supported_languages() -> Vec<LanguageCode> {
        let mut codes: Vec<LanguageCode> = Language::all().into_iter().map(to_code).collect();
        codes.sort();
        codes
    }
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // lingua's detector has no Debug; its language set is what tells detectors apart.
        f.debug_struct("Detector")
            .field("languages", &Self::supported_languages())
            .finish_non_exhaustive()
    }
}

fn to_code(language: Language) -> LanguageCode {
    language
        .iso_code_639_1()
        .to_string()
        .parse()
        .expect("lingua's ISO 639-1 codes are two ASCII letters")
}

/// Rounds to six decimals, far below any threshold yet above lingua's run-to-run noise (the
/// reference article's last paragraph came out as 0.8800832586047429 and …26 in two runs).
fn round_confidence(confidence: f64) -> f64 {
    (confidence * 1e6).round() / 1e6
}

fn count_letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GERMAN: &str = "Die Ukraine fordert seit langem einen NATO-Beitritt als \
        Sicherheitsgarantie für ein Ende des Konflikts mit Russland. Moskau hingegen sieht in den \
        NATO-Ambitionen Kiews eine der Hauptursachen des Konflikts.";
    const GERMAN_2: &str = "Die genauen Inhalte des Treffens zwischen Putin und Witkoff wurden \
        nicht veröffentlicht.";
    const GERMAN_3: &str = "Rutte ergänzte, Trump wünsche einen dauerhaften Frieden und deutete \
        an, dass der Ukraine andere Zugeständnisse angeboten werden könnten.";
    const ENGLISH: &str = "Ukraine has long demanded NATO membership as a security guarantee \
        for an end to the conflict with Russia. Moscow, however, sees Kyiv's ambitions as one \
        of the main causes of the war.";
    const FRENCH: &str = "L'Ukraine réclame depuis longtemps une adhésion à l'OTAN comme \
        garantie de sécurité pour mettre fin au conflit avec la Russie.";

    fn code(s: &str) -> LanguageCode {
        s.parse().expect("valid test code")
    }

    #[test]
    fn detects_a_german_paragraph_with_high_confidence() {
        let detection = Detector::new().detect(GERMAN);
        assert_eq!(detection.language, Some(LanguageCode::DE));
        assert!(detection.confidence >= 0.9, "{detection:?}");
    }

    #[test]
    fn detects_english_and_french_paragraphs() {
        let detector = Detector::new();
        assert_eq!(detector.detect(ENGLISH).language, Some(LanguageCode::EN));
        assert_eq!(detector.detect(FRENCH).language, Some(code("fr")));
    }

    #[test]
    fn text_without_letters_is_undecided() {
        let detector = Detector::new();
        for text in ["2024 – 30 %, 1.500.000", "", "…!?"] {
            assert_eq!(detector.detect(text), Detection::UNDECIDED, "{text:?}");
        }
    }

    #[test]
    fn unsure_paragraph_keeps_its_confidence_but_no_language() {
        // A single ambiguous word: lingua is far from sure.
        let detection = Detector::new().detect("Hotel");
        assert_eq!(detection.language, None, "{detection:?}");
        assert!(detection.confidence > 0.0 && detection.confidence < PARAGRAPH_MIN_CONFIDENCE);
    }

    #[test]
    fn mostly_german_document_with_a_short_english_paragraph_is_german() {
        let english = "The talks will continue next week.";
        let result = Detector::new().detect_document(&[GERMAN, GERMAN_2, GERMAN_3, english]);
        assert_eq!(result.paragraphs.len(), 4);
        assert_eq!(result.paragraphs[0].language, Some(LanguageCode::DE));
        assert_eq!(result.paragraphs[3].language, Some(LanguageCode::EN));
        assert_eq!(result.document.language, Some(LanguageCode::DE));
        let confidence = result.document.confidence;
        assert!(confidence > 0.5 && confidence < 1.0, "{confidence}");
        assert!(result.share(LanguageCode::EN) > 0.0);
    }

    #[test]
    fn undecided_paragraph_counts_its_letters_against_every_language() {
        let result = Detector::new().detect_document(&[GERMAN, "Thank you!"]);
        assert_eq!(result.paragraphs[1].language, None);
        assert_eq!(result.document.language, Some(LanguageCode::DE));
        assert!(result.document.confidence < result.paragraphs[0].confidence);
    }

    #[test]
    fn half_german_half_english_document_scores_about_one_half() {
        // Two texts of nearly the same length, one per language.
        let result = Detector::new().detect_document(&[GERMAN, ENGLISH]);
        assert_eq!(result.paragraphs[1].language, Some(LanguageCode::EN));
        let (de, en) = (
            result.share(LanguageCode::DE),
            result.share(LanguageCode::EN),
        );
        assert!(
            (de - 0.5).abs() < 0.1 && (en - 0.5).abs() < 0.1,
            "de {de}, en {en}"
        );
        assert!((result.document.confidence - 0.5).abs() < 0.1, "{result:?}");
    }

    #[test]
    fn share_of_a_forced_language_is_its_letter_weighted_part() {
        let result = Detector::new().detect_document(&[GERMAN, GERMAN_2, FRENCH]);
        let (de, fr) = (result.share(LanguageCode::DE), result.share(code("fr")));
        assert!(de > fr && fr > 0.1, "de {de}, fr {fr}");
        assert!(de + fr <= 1.0 + 1e-9);
        assert_eq!(result.share(code("sv")), 0.0);
        assert_eq!(result.scores()[0].0, LanguageCode::DE);
    }

    #[test]
    fn document_without_letters_is_undecided() {
        let detector = Detector::new();
        let result = detector.detect_document(&["12:30", "2025"]);
        assert_eq!(result.document, Detection::UNDECIDED);
        assert_eq!(result.paragraphs, vec![Detection::UNDECIDED; 2]);
        assert_eq!(detector.detect_document(&[]).document, Detection::UNDECIDED);
    }

    #[test]
    fn supports_the_fifteen_compiled_in_languages() {
        let codes: Vec<String> = Detector::supported_languages()
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected = "ar de en es fr it ja ko nl pl pt ru tr uk zh";
        assert_eq!(codes.join(" "), expected);
    }
}
