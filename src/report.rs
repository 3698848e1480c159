//! Report: the finished, verified result of a run, as plain data for the renderers.
//!
//! Built by the pipeline after verification and handed to `render`; its serde form *is* the
//! documented `--format json` schema, so fields may be added but never renamed. A [`Report`]
//! also reads back from that JSON (for `diglot check`): fields added later default when absent,
//! and `usage` and `brief`, which no check needs, are not read back.

use serde::{Deserialize, Serialize};

use crate::brief::Brief;
use crate::ingest::ParagraphId;
use crate::language::LanguageCode;
use crate::verify::fidelity::Check;

/// A verified translation of one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The source language and how sure detection is of it.
    pub source: SourceInfo,
    /// The target language.
    pub target: TargetInfo,
    /// Who translated.
    pub provider: ProviderInfo,
    /// Paragraph pairs in article order: every paragraph exactly once.
    pub paragraphs: Vec<ParagraphPair>,
    /// Boilerplate set aside untranslated, in order (empty with `--keep-boilerplate`).
    #[serde(default)]
    pub boilerplate: Vec<String>,
    /// What the provider reported it charged, when it reports anything (DeepL).
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub usage: Option<Usage>,
    /// The verified bilingual brief, with `--brief`.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub brief: Option<Brief>,
    /// The fidelity checks the translation failed, in paragraph order (`[]` when clean).
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// What a provider reported about the cost of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    /// Characters billed (DeepL's `billed_characters`, summed over requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billed_characters: Option<u64>,
}

/// The result of `diglot brief`: the languages, who wrote it, and the verified brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefReport {
    /// The source language and how sure detection is of it.
    pub source: SourceInfo,
    /// The target language.
    pub target: TargetInfo,
    /// Who wrote the brief.
    pub provider: ProviderInfo,
    /// The brief.
    pub brief: Brief,
}

/// The source side of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// ISO 639-1 code.
    pub language: LanguageCode,
    /// Share of the article's letters detected in this language, weighted by confidence (0..=1).
    #[serde(default)]
    pub confidence: f64,
    /// True when the language was given with `--from` rather than detected.
    #[serde(default)]
    pub forced: bool,
}

/// The target side of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// ISO 639-1 code.
    pub language: LanguageCode,
}

/// The provider profile that produced the translation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderInfo {
    /// Profile name (`openai`, `mock`, or a name from the config file).
    pub name: String,
    /// Model name as configured (empty for APIs without models).
    pub model: String,
}

/// One source paragraph beside its translation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphPair {
    /// Stable paragraph id (serialized as the bare number).
    pub id: ParagraphId,
    /// Normalized source text.
    pub source: String,
    /// Translation. Equal to `source` when `translated` is false.
    pub target: String,
    /// Language detected for this paragraph, if detection decided.
    #[serde(default)]
    pub language: Option<LanguageCode>,
    /// Detection confidence for this paragraph (0..=1).
    #[serde(default)]
    pub confidence: f64,
    /// False when the paragraph was already in the target language and kept as it was.
    pub translated: bool,
}

/// The result of `diglot detect`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectionReport {
    /// The document's language, or `None` when undecidable.
    pub language: Option<LanguageCode>,
    /// Share of the document's letters detected in that language, weighted by confidence.
    pub confidence: f64,
    /// Per-paragraph results, present with `--paragraphs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<Vec<ParagraphDetection>>,
}

/// One paragraph's detection result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphDetection {
    /// Stable paragraph id.
    pub id: ParagraphId,
    /// Detected language, or `None` below the paragraph confidence threshold.
    pub language: Option<LanguageCode>,
    /// Confidence of the top language (0..=1).
    pub confidence: f64,
    /// True for a boilerplate paragraph.
    pub boilerplate: bool,
}
