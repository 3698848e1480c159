//! Briefs from the mock API: a recorded brief for a known article, else an extractive
//! pseudo-brief, shaped by the brief faults.
//!
//! In: a [`BriefPayload`] and the request's fault. Out: the assistant message's content, the
//! brief in the article's language as `prompts/brief.md` asks for it:
//! `{"headline": "…", "points": [{"text": "…", "paragraphs": [1]}], "entities": [{"name": "…",
//! "role": "…", "paragraphs": [1]}]}`. diglot then sends its texts as a translation request,
//! which the mock answers as any other ([`recorded_translation`] knows a recorded brief's).
//!
//! A brief cassette (`fixtures/cassettes/*.brief.*.json`, listed in [`BRIEF_CASSETTES`]) holds
//! the languages, the article's body paragraphs exactly as diglot sends them (`[{id, text}]`)
//! and a bilingual brief (the `"brief"` of `--format json`) with up to seven points. A request
//! whose language and paragraphs equal a cassette's gets that brief's source side with its
//! first N points (`--points N`); the translation request for its texts gets its target side.
//!
//! Any other request gets a *pseudo-brief*: honest, visibly fake, and still passing diglot's
//! checks. It quotes real text: the headline, the first words of the article; each point, the
//! first sentence of one of the first paragraphs that are in the source language, citing that
//! paragraph, so its numbers and names are there. Its translation is the mock's marked
//! pseudo-translation (`[mock de→en] …`). There are no entities.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Value, json};

use super::faults::FaultKind;
use crate::detect::Detector;
use crate::language::LanguageCode;
use crate::provider::contract::{BriefPayload, PayloadParagraph};

/// Every compiled-in brief cassette: its file name under `fixtures/cassettes/` and its text.
/// The unit tests check each one against its article and the brief checks.
pub const BRIEF_CASSETTES: &[(&str, &str)] = &[(
    "de-rutte-nato.brief.en.json",
    include_str!("../../fixtures/cassettes/de-rutte-nato.brief.en.json"),
)];

/// What `brief-malformed` (and `not-json`) answer instead of a brief.
const PROSE_BRIEF: &str = "Here is a short summary: NATO membership is off the table, and \
    talks continue. Let me know if you need more detail!";

/// What `brief-wrong-language` writes as the first point of a brief of an article that is not
/// in English (and [`WRONG_LANGUAGE_DE`] of one that is).
const WRONG_LANGUAGE_EN: &str = "The mock wrote this key point in the wrong language, as a \
    small model asked for two languages at once often does.";
/// What `brief-wrong-language` writes as the first point of a brief of an English article.
const WRONG_LANGUAGE_DE: &str = "Die Attrappe hat diesen Kernpunkt in der falschen Sprache \
    geschrieben, wie es ein kleines Modell oft tut.";

/// Words of the first paragraph quoted as a pseudo-brief's headline.
const QUOTED_WORDS: usize = 8;
/// Words of a first sentence kept as a pseudo-brief's point.
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

/// The brief for `payload` in the article's language, as JSON: recorded, else pseudo. An `Err`
/// is a broken build.
pub(super) fn brief_for(payload: &BriefPayload) -> Result<Value, &'static str> {
    let recorded = cassettes()?.iter().find(|c| {
        c.source_language == payload.source_language && c.paragraphs == payload.paragraphs
    });
    Ok(match recorded {
        Some(cassette) => {
            let mut brief = source_side(&cassette.brief);
            if let Some(points) = brief.get_mut("points").and_then(Value::as_array_mut) {
                points.truncate(usize::from(payload.points));
            }
            brief
        }
        None => pseudo_brief(payload),
    })
}

/// The target side a brief cassette records for `text`, a text of its source side (the
/// headline, a point or a role), when one does.
pub(super) fn recorded_translation(
    from: LanguageCode,
    to: LanguageCode,
    text: &str,
) -> Option<String> {
    let cassettes = cassettes().ok()?;
    cassettes
        .iter()
        .filter(|c| c.source_language == from && c.target_language == to)
        .find_map(|c| {
            let brief = &c.brief;
            let items = std::iter::once(&brief["headline"])
                .chain(brief["points"].as_array().into_iter().flatten())
                .chain(
                    brief["entities"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|e| &e["role"]),
                );
            items
                .into_iter()
                .find(|item| item["source"].as_str() == Some(text))
                .and_then(|item| item["target"].as_str())
                .map(str::to_owned)
        })
}

/// The source side of a bilingual brief, in the shape of the reply.
fn source_side(brief: &Value) -> Value {
    let source = |item: &Value| item["source"].clone();
    let points: Vec<Value> = brief["points"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| json!({"text": source(p), "paragraphs": p["paragraphs"].clone()}))
        .collect();
    let entities: Vec<Value> = brief["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            json!({
                "name": e["name"].clone(),
                "role": source(&e["role"]),
                "paragraphs": e["paragraphs"].clone(),
            })
        })
        .collect();
    json!({"headline": source(&brief["headline"]), "points": points, "entities": entities})
}

/// The assistant's content for a brief request with `fault`.
pub(super) fn reply_content(
    mut brief: Value,
    fault: Option<FaultKind>,
    (language, max_id): (LanguageCode, u32),
) -> String {
    match fault {
        Some(FaultKind::BriefMalformed | FaultKind::NotJson) => return PROSE_BRIEF.to_owned(),
        Some(FaultKind::BriefBadRef) => {
            if let Some(point) = brief.pointer_mut("/points/0") {
                point["paragraphs"] = json!([max_id + 1]);
            }
        }
        Some(FaultKind::BriefWrongLanguage) => {
            if let Some(point) = brief.pointer_mut("/points/0") {
                point["text"] = json!(if language == LanguageCode::EN {
                    WRONG_LANGUAGE_DE
                } else {
                    WRONG_LANGUAGE_EN
                });
            }
        }
        Some(FaultKind::BriefEmpty) => {
            if let Some(point) = brief.pointer_mut("/points/0") {
                point["text"] = json!("");
            }
        }
        Some(FaultKind::BriefNumber) => {
            // 987654 stands in no article: a number the cited paragraphs cannot back.
            if let Some(point) = brief.pointer_mut("/points/0") {
                let text = point["text"].as_str().unwrap_or_default().to_owned();
                point["text"] = json!(format!("{text} (987654)"));
            }
        }
        Some(FaultKind::Missing) => {
            if let Some(points) = brief.get_mut("points").and_then(Value::as_array_mut) {
                points.pop();
            }
        }
        Some(FaultKind::Escape) => {
            if let Some(Value::String(text)) = brief.get("headline").cloned() {
                brief["headline"] = json!(format!("\u{1b}[31m{text}\u{7}"));
            }
        }
        Some(other) => grounding_fault(&mut brief, other, max_id),
        None => {}
    }
    let json = brief.to_string();
    match fault {
        Some(FaultKind::Fenced) => format!("Here is the brief.\n\n```json\n{json}\n```"),
        _ => json,
    }
}

/// A name that no article of the fixtures has, for `brief-entity-uncited`.
const UNCITED_NAME: &str = "Erika Mustermann";

/// Applies one of the faults that only the brief's grounding and text checks catch (see
/// [`FaultKind::BriefFieldNames`] and those after it); other faults leave `brief` alone.
fn grounding_fault(brief: &mut Value, fault: FaultKind, max_id: u32) {
    let points = brief.get_mut("points").and_then(Value::as_array_mut);
    match (fault, points) {
        (FaultKind::BriefFieldNames, _) => field_names(brief),
        (FaultKind::BriefAllParagraphs, Some(points)) => {
            if let Some(point) = points.first_mut() {
                point["paragraphs"] = json!((1..=max_id).collect::<Vec<_>>());
            }
        }
        (FaultKind::BriefDuplicate, Some(points)) => {
            if let Some(first) = points.first().cloned() {
                match points.get_mut(1) {
                    Some(second) => *second = first,
                    None => points.push(first),
                }
            }
        }
        (FaultKind::BriefOneWord, Some(points)) => {
            if let Some(point) = points.first_mut() {
                let text = point["text"].as_str().unwrap_or_default();
                let word = text
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                point["text"] = json!(word);
            }
        }
        (FaultKind::BriefEntityUncited, _) => uncited_entity(brief),
        (FaultKind::BriefUnattributed, Some(points)) => {
            if let Some(point) = points.first_mut() {
                let text = point["text"].as_str().unwrap_or_default();
                let kept = text.rsplit_once(", ").map_or(text, |(kept, _)| kept);
                point["text"] = json!(format!("{kept}."));
            }
        }
        _ => {}
    }
}

/// Every text of `brief` replaced by its field's name: `headline`, `text` or `role`.
fn field_names(brief: &mut Value) {
    brief["headline"] = json!("headline");
    for (list, field) in [("points", "text"), ("entities", "role")] {
        if let Some(items) = brief.get_mut(list).and_then(Value::as_array_mut) {
            for item in items {
                item[field] = json!(field);
            }
        }
    }
}

/// The last entity renamed [`UNCITED_NAME`]; without entities, one of that name citing ¶1.
fn uncited_entity(brief: &mut Value) {
    let Some(entities) = brief.get_mut("entities").and_then(Value::as_array_mut) else {
        return;
    };
    match entities.last_mut() {
        Some(last) => last["name"] = json!(UNCITED_NAME),
        None => entities.push(json!({
            "name": UNCITED_NAME,
            "role": "erfunden",
            "paragraphs": [1],
        })),
    }
}

/// The first sentence of `text`, at most [`SOURCE_WORDS`] words. A full stop after no letter
/// yet (`1. Punkt`) ends no sentence.
fn first_sentence(text: &str) -> String {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && text[i + c.len_utf8()..].starts_with(' ')
                && text[..i].chars().any(char::is_alphabetic)
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

/// The extractive pseudo-brief described in the module docs.
fn pseudo_brief(payload: &BriefPayload) -> Value {
    let from = payload.source_language;
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
        .map(|p| json!({"text": first_sentence(&p.text), "paragraphs": [p.id]}))
        .collect();
    let headline = in_source
        .first()
        .map_or_else(String::new, |p| opening(&p.text) + " …");
    json!({"headline": headline, "points": points, "entities": []})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::{Brief, BriefInput};
    use crate::ingest::{Paragraph, ParagraphId, ingest};
    use crate::provider::contract::parse_brief_reply;
    use crate::verify::brief::{BriefFailure, check};

    fn payload_of(article: &str, from: LanguageCode, points: u8) -> BriefPayload {
        let document = ingest(article.as_bytes()).expect("article ingests");
        BriefPayload {
            source_language: from,
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

    /// The brief in `content` with its texts translated as the mock's translation endpoint
    /// translates them.
    fn translated(content: &str, to: LanguageCode, from: LanguageCode) -> Brief {
        let mut brief = parse_brief_reply(content).expect("a brief");
        let translations: Vec<String> = brief
            .source_texts()
            .iter()
            .map(|text| {
                recorded_translation(from, to, text)
                    .unwrap_or_else(|| super::super::pseudo::pseudo_translation(from, to, text))
            })
            .collect();
        for (target, text) in brief.target_texts_mut().into_iter().zip(translations) {
            *target = text;
        }
        brief
    }

    fn failures(payload: &BriefPayload, to: LanguageCode, content: &str) -> Vec<BriefFailure> {
        let brief = translated(content, to, payload.source_language);
        let input = BriefInput {
            source_language: payload.source_language,
            target_language: to,
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
    const DE: LanguageCode = LanguageCode::DE;
    const EN: LanguageCode = LanguageCode::EN;

    #[test]
    fn the_reference_cassette_matches_the_article_and_passes_every_check() {
        let payload = payload_of(RUTTE, DE, 7);
        let brief = brief_for(&payload).expect("cassettes parse");
        let content = reply_content(brief, None, (DE, 8));
        assert!(
            content.contains("niederländische Ministerpräsident"),
            "not the cassette: {content}"
        );
        assert!(!content.contains("Dutch"), "only one language: {content}");
        assert_eq!(failures(&payload, EN, &content), []);
        let brief = translated(&content, EN, DE);
        assert_eq!(brief.points.len(), 7);
        assert!(brief.entities.len() >= 7);
        assert!(
            brief
                .entities
                .iter()
                .any(|e| e.role.target == "the Dutch Prime Minister"),
            "the recorded translations: {brief:?}"
        );
    }

    #[test]
    fn the_cassette_gives_the_first_n_points() {
        let payload = payload_of(RUTTE, DE, 3);
        let brief = brief_for(&payload).expect("cassettes parse");
        let parsed = parse_brief_reply(&brief.to_string()).expect("a brief");
        assert_eq!(parsed.points.len(), 3);
    }

    #[test]
    fn pseudo_briefs_quote_the_article_and_pass_every_check() {
        for (article, from, to) in [
            (
                include_str!("../../fixtures/articles/en-city-budget.txt"),
                EN,
                DE,
            ),
            (
                include_str!("../../fixtures/articles/de-lange-absaetze.txt"),
                DE,
                EN,
            ),
            (
                include_str!("../../fixtures/articles/fr-greve-transports.txt"),
                fr(),
                EN,
            ),
            (
                include_str!("../../fixtures/articles/de-kurz.txt"),
                DE,
                fr(),
            ),
        ] {
            let payload = payload_of(article, from, 5);
            let brief = brief_for(&payload).expect("cassettes parse");
            let content = reply_content(brief, None, (from, 99));
            let first = first_sentence(&payload.paragraphs[0].text);
            assert!(content.contains(&first), "{content}");
            assert_eq!(
                failures(&payload, to, &content),
                [],
                "{from}→{to}: {content}"
            );
        }
    }

    #[test]
    fn brief_faults_break_exactly_one_check() {
        let payload = payload_of(RUTTE, DE, 5);
        let brief = || brief_for(&payload).expect("cassettes parse");
        let bad_ref = failures(
            &payload,
            EN,
            &reply_content(brief(), Some(FaultKind::BriefBadRef), (DE, 8)),
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
        let content = reply_content(brief(), Some(FaultKind::BriefWrongLanguage), (DE, 8));
        let wrong = failures(&payload, EN, &content);
        assert!(
            wrong.iter().any(|f| matches!(
                f,
                BriefFailure::WrongLanguage { found, .. } if *found == EN
            )) && wrong.iter().all(|f| !f.concerns_target()),
            "{wrong:?}"
        );
        let malformed = reply_content(brief(), Some(FaultKind::BriefMalformed), (DE, 8));
        assert_eq!(parse_brief_reply(&malformed), None);
    }

    #[test]
    fn grounding_faults_break_exactly_their_check_on_the_reference_article() {
        let payload = payload_of(RUTTE, DE, 5);
        let broken = |fault| {
            let brief = brief_for(&payload).expect("cassettes parse");
            failures(&payload, EN, &reply_content(brief, Some(fault), (DE, 8)))
        };
        type Expected = fn(&BriefFailure) -> bool;
        let expected: [(FaultKind, Expected); 5] = [
            (FaultKind::BriefAllParagraphs, |f| {
                matches!(f, BriefFailure::TooManyReferences { cited: 8, .. })
            }),
            (FaultKind::BriefDuplicate, |f| {
                matches!(f, BriefFailure::Duplicate { .. })
            }),
            (FaultKind::BriefOneWord, |f| {
                matches!(f, BriefFailure::TooShort { words: 1, .. })
            }),
            (FaultKind::BriefEntityUncited, |f| {
                matches!(f, BriefFailure::EntityNotNamed { .. })
            }),
            (FaultKind::BriefUnattributed, |f| {
                matches!(f, BriefFailure::Unattributed { .. })
            }),
        ];
        for (fault, is_expected) in expected {
            let found: Vec<BriefFailure> = broken(fault)
                .into_iter()
                .filter(|f| !f.concerns_target())
                .collect();
            assert!(
                matches!(found.as_slice(), [only] if is_expected(only)),
                "{fault}: {found:?}"
            );
        }
        let field_names: Vec<BriefFailure> = broken(FaultKind::BriefFieldNames)
            .into_iter()
            .filter(|f| !f.concerns_target())
            .collect();
        // The headline, five points and seven roles.
        assert_eq!(field_names.len(), 1 + 5 + 7, "{field_names:?}");
        assert!(
            field_names
                .iter()
                .all(|f| matches!(f, BriefFailure::Placeholder { .. })),
            "{field_names:?}"
        );
    }

    #[test]
    fn grounding_faults_also_break_a_pseudo_brief() {
        let article = include_str!("../../fixtures/articles/en-city-budget.txt");
        let payload = payload_of(article, EN, 5);
        for fault in [
            FaultKind::BriefFieldNames,
            FaultKind::BriefAllParagraphs,
            FaultKind::BriefDuplicate,
            FaultKind::BriefOneWord,
            FaultKind::BriefEntityUncited,
            FaultKind::BriefWrongLanguage,
            FaultKind::BriefNumber,
            FaultKind::BriefEmpty,
        ] {
            let brief = brief_for(&payload).expect("cassettes parse");
            let found = failures(&payload, DE, &reply_content(brief, Some(fault), (EN, 6)));
            assert!(
                found.iter().any(|f| !f.concerns_target()),
                "{fault}: no check of the source side failed: {found:?}"
            );
        }
    }
}
