//! Report: the finished, verified result of a run, as plain data for the renderers.
//!
//! Built by the pipeline after verification and handed to `render`; its serde form *is* the
//! documented `--format json` schema, so fields may be added but never renamed. A [`Report`]
//! also reads back from that JSON (for `diglot check`): fields added later default when absent,
//! and `usage` and `brief`, which no check needs, are not read back.

pub mod bulk;

use serde::{Deserialize, Serialize};

use crate::brief::Brief;
use crate::ingest::ParagraphId;
use crate::ingest::sentence::SentencePair;
use crate::language::LanguageCode;
use crate::verify::fidelity::{Check, Pair};

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
    /// What the run sent and received: requests, retries, cache hits, characters and tokens.
    #[serde(default)]
    pub usage: Usage,
    /// The verified bilingual brief, with `--brief`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brief: Option<Brief>,
    /// The fidelity checks the translation failed, in paragraph order (`[]` when clean).
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// What one run cost: counted by diglot, and as the API reported it where it reports anything.
/// Field names are part of the JSON schema (README "JSON output").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// HTTP requests sent to the provider, retries included (0 for a run served from the
    /// cache).
    pub requests: u64,
    /// Requests that were retries of an earlier attempt (429, 5xx, timeout, connection error).
    pub retries: u64,
    /// Chunks the plan made for the translation (requests before retries, repairs and splits).
    pub chunks: u64,
    /// Chunks (and briefs) answered from the on-disk cache instead of the provider.
    pub cache_hits: u64,
    /// Characters of article text sent for translation, repairs and splits included.
    pub characters_sent: u64,
    /// Characters of translated text received and accepted.
    pub characters_received: u64,
    /// Prompt tokens, summed over the replies that reported them (OpenAI `prompt_tokens`,
    /// Anthropic `input_tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    /// Completion tokens, summed over the replies that reported them (OpenAI
    /// `completion_tokens`, Anthropic `output_tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// Characters billed (DeepL's `billed_characters`, summed over requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_characters: Option<u64>,
    /// Requests the endpoint refused for a parameter it does not take (`response_format`,
    /// `max_tokens`, `stream`, …), sent again in a shape it accepts.
    #[serde(default)]
    pub refusals: u64,
    /// Paragraphs sent again on their own because a check showed their translation broken
    /// (empty, cut off, untranslated, far too short or long, numbers missing).
    #[serde(default)]
    pub repairs: u64,
    /// Requests answered by the provider's batch engine (`--batch-api`, `--import-batch`)
    /// rather than sent one by one; not counted in `requests`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub batched: u64,
    /// What the run cost, in the currency of the profile's prices, from the tokens (or
    /// characters) the API reported; absent when the profile sets no prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Usage {
    /// Adds another pipeline's counts (the brief's to the translation's).
    pub fn add(&mut self, other: &Usage) {
        let sum = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        self.requests += other.requests;
        self.retries += other.retries;
        self.cache_hits += other.cache_hits;
        self.characters_sent += other.characters_sent;
        self.characters_received += other.characters_received;
        self.input_tokens = sum(self.input_tokens, other.input_tokens);
        self.output_tokens = sum(self.output_tokens, other.output_tokens);
        self.billed_characters = sum(self.billed_characters, other.billed_characters);
        self.refusals += other.refusals;
        self.repairs += other.repairs;
        self.batched += other.batched;
        self.cost = match (self.cost, other.cost) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }

    /// One line for `-v`: `usage: 3 requests (1 retry), 2 chunks, 0 cache hits, …`.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "usage: {} request(s) ({} retried), {} chunk(s), {} cache hit(s), {} characters sent, {} received",
            self.requests,
            self.retries,
            self.chunks,
            self.cache_hits,
            self.characters_sent,
            self.characters_received
        );
        if let (Some(input), Some(output)) = (self.input_tokens, self.output_tokens) {
            line.push_str(&format!(", {input} input and {output} output tokens"));
        }
        if let Some(billed) = self.billed_characters {
            line.push_str(&format!(", {billed} characters billed"));
        }
        if self.refusals > 0 {
            line.push_str(&format!(", {} refused for a parameter", self.refusals));
        }
        if self.repairs > 0 {
            line.push_str(&format!(", {} paragraph(s) repaired", self.repairs));
        }
        if self.batched > 0 {
            line.push_str(&format!(", {} answered by the batch API", self.batched));
        }
        if let Some(cost) = self.cost {
            line.push_str(&format!(
                ", cost {}",
                crate::provider::price::show_cost(cost)
            ));
        }
        line
    }
}

/// The result of `diglot brief`: the languages, who wrote it, and the verified brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefReport {
    /// The source language and how sure detection is of it.
    pub source: SourceInfo,
    /// The target language.
    pub target: TargetInfo,
    /// Who wrote the brief.
    pub provider: ProviderInfo,
    /// The brief.
    pub brief: Brief,
    /// What the run sent and received.
    pub usage: Usage,
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
    /// With `--align sentence`: the paragraph's sentences, each (or each run of them the
    /// translation merged) beside its translation, in order (`ids` like `["3.2", "3.3"]`).
    /// Absent when aligned by paragraph or kept as it was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<SentencePair>,
}

impl ParagraphPair {
    /// The pair as the fidelity checks see it; `None` for a paragraph kept as it was.
    pub fn checked(&self) -> Option<Pair<'_>> {
        self.translated.then_some(Pair {
            id: self.id,
            source: &self.source,
            target: &self.target,
        })
    }
}

impl Report {
    /// Runs the fidelity checks over the translated pairs again (`diglot check`), per sentence
    /// pair where the result is aligned by sentence, replacing the saved ones: the glossary
    /// terms of `glossaries` for the report's direction, and the names across the whole
    /// article, too.
    pub fn recheck(
        &mut self,
        detector: &crate::detect::Detector,
        glossaries: &crate::glossary::Glossaries,
    ) {
        use crate::verify::consistency::{name_drift, term_mismatches};
        let (source, target) = (self.source.language, self.target.language);
        let pairs: Vec<Pair<'_>> = self
            .paragraphs
            .iter()
            .filter_map(ParagraphPair::checked)
            .collect();
        let mut checks = crate::verify::sentences::check(
            self.paragraphs
                .iter()
                .filter_map(|p| Some((p.checked()?, p.sentences.as_slice()))),
            source,
            target,
            detector,
        );
        let terms = glossaries.terms_for(source, target);
        for pair in &pairs {
            checks.extend(term_mismatches(pair, &terms));
        }
        checks.extend(name_drift(&pairs, source, target));
        checks.sort_by_key(|c| c.paragraph);
        self.checks = checks;
    }
}

/// The result of `diglot detect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_kept_as_it_was_is_not_checked() {
        let mut pair = ParagraphPair {
            id: ParagraphId(1),
            source: "Hallo".into(),
            target: "Hello".into(),
            language: Some(LanguageCode::DE),
            confidence: 0.99,
            translated: true,
            sentences: Vec::new(),
        };
        assert_eq!(
            pair.checked().map(|p| (p.source, p.target)),
            Some(("Hallo", "Hello"))
        );
        pair.translated = false;
        assert_eq!(pair.checked(), None);
    }
}
