//! Briefs from the mock API: a recorded brief for a known article, else an extractive
//! pseudo-brief, shaped by the brief faults.
//!
//! In: a [`BriefPayload`] and the request's fault. Out: the assistant message's content.
//!
//! A brief cassette (`fixtures/cassettes/*.brief.*.json`, listed in
//! `BRIEF_CASSETTES`) holds the languages, the article's
//! body paragraphs exactly as diglot sends them (`[{id, text}]`) and a brief in the reply
//! schema with up to seven points. A request whose languages and paragraphs equal a cassette's
//! gets that brief with its first N points (`--points N`).
//!
//! Any other request gets a *pseudo-brief*: honest, visibly fake, and still passing diglot's
//! checks. Its source side quotes real text (the headline: the first words of the article; each
//! point: the first sentence of one of the first paragraphs that are in the source language,
//! citing that paragraph, so its numbers are there). Its target side is a fixed sentence in the
//! target language, marked `[mock de→en]`, saying that it is not a summary. It quotes nothing
//! from the article on purpose: a quote in the source language could make lingua judge the
//! target side to be in the source language, and the fixed sentence has no digits that the
//! number check could miss. Target languages with a sentence: English, German, French; others
//! get the English one (and fail the language check, as they should: the mock cannot write
//! them). There are no entities.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Value, json};

use super::cassette::BRIEF_CASSETTES;
use super::faults::FaultKind;
use crate::detect::Detector;
use crate::language::LanguageCode;
use crate::provider::contract::{BriefPayload, PayloadParagraph};

/// What `brief-malformed` (and `not-json`) answer instead of a brief.
const PROSE_BRIEF: &str = "Here is a short summary: NATO membership is off the table, and \
    talks continue. Let me know if you need more detail!";

/// Words of the first paragraph quoted as the source side of a pseudo-brief's headline.
const QUOTED_WORDS: usize = 8;
/// Words of a first sentence kept on the source side of a pseudo-brief.
const SOURCE_WORDS: usize = 40;

/// One brief cassette file.
#[derive(Debug, Deserialize)]
struct BriefCassette {
    source_language: LanguageCode,
    target_language: LanguageCode,
    /// The article, relative to `fixtures/`; documentation only.
    #[serde(rename = "article")]
    _article: String,
    /// What the cassette is; documentation only.
    #[serde(rename = "note", default)]
    _note: String,
    paragraphs: Vec<PayloadParagraph>,
    brief: Value,
}

/// The compiled-in brief cassettes, parsed once. Only a broken build fails here, and the unit
/// tests catch that first.
fn cassettes() -> Result<&'static [BriefCassette], &'static str> {
    static PARSED: OnceLock<Result<Vec<BriefCassette>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            BRIEF_CASSETTES
                .iter()
                .map(|(name, json)| {
                    serde_json::from_str(json).map_err(|e| format!("brief cassette {name}: {e}"))
                })
                .collect()
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(String::as_str)
}

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(Detector::new)
}

/// The brief for `payload` as JSON: recorded, else pseudo. An `Err` is a broken build.
pub(super) fn brief_for(payload: &BriefPayload) -> Result<Value, &'static str> {
    let recorded = cassettes()?.iter().find(|c| {
        c.source_language == payload.source_language
            && c.target_language == payload.target_language
            && c.paragraphs == payload.paragraphs
    });
    Ok(match recorded {
        Some(cassette) => {
            let mut brief = cassette.brief.clone();
            if let Some(points) = brief.get_mut("points").and_then(Value::as_array_mut) {
                points.truncate(usize::from(payload.points));
            }
            brief
        }
        None => pseudo_brief(payload),
    })
}

/// The assistant's content for a brief request with `fault`.
pub(super) fn reply_content(mut brief: Value, fault: Option<FaultKind>, max_id: u32) -> String {
    let first = |brief: &mut Value| brief.pointer_mut("/points/0").cloned();
    match fault {
        Some(FaultKind::BriefMalformed | FaultKind::NotJson) => return PROSE_BRIEF.to_owned(),
        Some(FaultKind::BriefBadRef) => {
            if let Some(point) = brief.pointer_mut("/points/0") {
                point["paragraphs"] = json!([max_id + 1]);
            }
        }
        Some(FaultKind::BriefUntranslated) => {
            if let Some(mut point) = first(&mut brief) {
                point["target"] = point["source"].clone();
                brief["points"][0] = point;
            }
        }
        Some(FaultKind::BriefEmpty) => {
            if let Some(point) = brief.pointer_mut("/points/0") {
                point["target"] = json!("");
            }
        }
        Some(FaultKind::BriefNumber) => {
            // 987654 stands in no article: a number the cited paragraphs cannot back.
            if let Some(point) = brief.pointer_mut("/points/0") {
                let target = point["target"].as_str().unwrap_or_default().to_owned();
                point["target"] = json!(format!("{target} (987654 people)"));
            }
        }
        Some(FaultKind::Missing) => {
            if let Some(points) = brief.get_mut("points").and_then(Value::as_array_mut) {
                points.pop();
            }
        }
        Some(FaultKind::Escape) => {
            let target = brief.pointer("/headline/target").cloned();
            if let Some(Value::String(text)) = target {
                brief["headline"]["target"] = json!(format!("\u{1b}[31m{text}\u{7}"));
            }
        }
        _ => {}
    }
    let json = brief.to_string();
    match fault {
        Some(FaultKind::Fenced) => format!("Here is the brief.\n\n```json\n{json}\n```"),
        _ => json,
    }
}

/// The first sentence of `text`, at most [`SOURCE_WORDS`] words.
fn first_sentence(text: &str) -> String {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?') && text[i + c.len_utf8()..].starts_with(' ') && i > 0
        })
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let words: Vec<&str> = text[..end].split_whitespace().collect();
    if words.len() > SOURCE_WORDS {
        format!("{} …", words[..SOURCE_WORDS].join(" "))
    } else {
        words.join(" ")
    }
}

/// The opening words of `text`, for the headline.
fn opening(text: &str) -> String {
    text.split_whitespace()
        .take(QUOTED_WORDS)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fixed target-language sentence, marked `[mock de→en]`, that says what the point is.
fn template(from: LanguageCode, to: LanguageCode) -> String {
    let body = match to.as_str() {
        "de" => {
            "Keine Zusammenfassung: Die Mock-API schreibt keine Briefings, die Ausgangsseite zitiert \
             den ersten Satz des genannten Absatzes."
        }
        "fr" => {
            "Ce n’est pas un résumé : l’API fictive n’écrit pas de synthèse, le côté source cite la \
             première phrase du paragraphe indiqué."
        }
        _ => {
            "Not a summary: the mock API does not write briefs, the source side quotes the first \
             sentence of the cited paragraph."
        }
    };
    format!("[mock {from}→{to}] {body}")
}

/// The extractive pseudo-brief described in the module docs.
fn pseudo_brief(payload: &BriefPayload) -> Value {
    let (from, to) = (payload.source_language, payload.target_language);
    let in_source: Vec<&PayloadParagraph> = payload
        .paragraphs
        .iter()
        .filter(|p| {
            let sentence = first_sentence(&p.text);
            detector()
                .detect(&sentence)
                .language
                .is_none_or(|l| l == from)
        })
        .collect();
    let points: Vec<Value> = in_source
        .iter()
        .take(usize::from(payload.points))
        .map(|p| {
            json!({
                "source": first_sentence(&p.text),
                "target": template(from, to),
                "paragraphs": [p.id],
            })
        })
        .collect();
    let headline = in_source.first().map_or_else(
        || json!({"source": "", "target": ""}),
        |p| {
            json!({
                "source": opening(&p.text) + " …",
                "target": template(from, to),
            })
        },
    );
    json!({"headline": headline, "points": points, "entities": []})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::BriefInput;
    use crate::ingest::{Paragraph, ParagraphId, ingest};
    use crate::provider::contract::{Task, parse_brief_reply};
    use crate::verify::brief::{BriefFailure, check};

    fn payload_of(article: &str, from: LanguageCode, to: LanguageCode, points: u8) -> BriefPayload {
        let document = ingest(article.as_bytes()).expect("article ingests");
        BriefPayload {
            task: Task::Brief,
            source_language: from,
            target_language: to,
            points,
            paragraphs: document
                .paragraphs
                .iter()
                .map(|p| PayloadParagraph {
                    id: p.id.0,
                    text: p.text.clone(),
                })
                .collect(),
        }
    }

    fn failures(payload: &BriefPayload, content: &str) -> Vec<BriefFailure> {
        let brief = parse_brief_reply(content).expect("a brief");
        let input = BriefInput {
            source_language: payload.source_language,
            target_language: payload.target_language,
            points: payload.points,
            paragraphs: payload
                .paragraphs
                .iter()
                .map(|p| Paragraph {
                    id: ParagraphId(p.id),
                    text: p.text.clone(),
                })
                .collect(),
        };
        check(&brief, &input, detector())
    }

    fn fr() -> LanguageCode {
        "fr".parse().expect("fr is a language code")
    }

    const RUTTE: &str = include_str!("../../fixtures/articles/de-rutte-nato.txt");

    #[test]
    fn the_reference_cassette_matches_the_article_and_passes_every_check() {
        let payload = payload_of(RUTTE, LanguageCode::DE, LanguageCode::EN, 7);
        let brief = brief_for(&payload).expect("cassettes parse");
        let content = reply_content(brief, None, 8);
        assert!(
            content.contains("Dutch Prime Minister"),
            "not the cassette: {content}"
        );
        assert_eq!(failures(&payload, &content), []);
        let parsed = parse_brief_reply(&content).expect("a brief");
        assert_eq!(parsed.points.len(), 7);
        assert!(parsed.entities.len() >= 7);
    }

    #[test]
    fn the_cassette_gives_the_first_n_points() {
        let payload = payload_of(RUTTE, LanguageCode::DE, LanguageCode::EN, 3);
        let brief = brief_for(&payload).expect("cassettes parse");
        let parsed = parse_brief_reply(&brief.to_string()).expect("a brief");
        assert_eq!(parsed.points.len(), 3);
    }

    #[test]
    fn pseudo_briefs_are_marked_and_pass_every_check() {
        for (article, from, to) in [
            (
                include_str!("../../fixtures/articles/en-city-budget.txt"),
                LanguageCode::EN,
                LanguageCode::DE,
            ),
            (
                include_str!("../../fixtures/articles/de-lange-absaetze.txt"),
                LanguageCode::DE,
                LanguageCode::EN,
            ),
            (
                include_str!("../../fixtures/articles/fr-greve-transports.txt"),
                fr(),
                LanguageCode::EN,
            ),
            (RUTTE, LanguageCode::DE, fr()),
        ] {
            let payload = payload_of(article, from, to, 5);
            let brief = brief_for(&payload).expect("cassettes parse");
            let content = reply_content(brief, None, 99);
            assert!(
                content.contains(&format!("[mock {from}→{to}]")),
                "{content}"
            );
            assert_eq!(failures(&payload, &content), [], "{from}→{to}: {content}");
        }
    }

    #[test]
    fn brief_faults_break_exactly_one_check() {
        let payload = payload_of(RUTTE, LanguageCode::DE, LanguageCode::EN, 5);
        let brief = || brief_for(&payload).expect("cassettes parse");
        let bad_ref = failures(
            &payload,
            &reply_content(brief(), Some(FaultKind::BriefBadRef), 8),
        );
        assert!(
            matches!(
                bad_ref.as_slice(),
                [BriefFailure::UnknownReference {
                    id: ParagraphId(9),
                    ..
                }]
            ),
            "{bad_ref:?}"
        );
        let untranslated = failures(
            &payload,
            &reply_content(brief(), Some(FaultKind::BriefUntranslated), 8),
        );
        assert!(
            matches!(
                untranslated.as_slice(),
                [BriefFailure::WrongLanguage { .. }]
            ),
            "{untranslated:?}"
        );
        let malformed = reply_content(brief(), Some(FaultKind::BriefMalformed), 8);
        assert_eq!(parse_brief_reply(&malformed), None);
    }
}
