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
//! target language, marked `[mock de→en]`, saying that it is not a summary. A point's target
//! side goes on with the quoted sentence's pseudo-translation (`pseudo.rs`: common words of the
//! target language, every number and date kept) and the sentence's acronyms, so that it has
//! the numbers and names of its source side, as the brief's checks require, and no two points
//! say the same. It quotes no words of the article's language on purpose: they could make
//! lingua judge the target side to be in the source language. Target languages with a
//! sentence: English, German, French; others get the English one (and fail the language check,
//! as they should: the mock cannot write them). There are no entities.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Value, json};

use super::cassette::BRIEF_CASSETTES;
use super::faults::FaultKind;
use crate::detect::Detector;
use crate::language::LanguageCode;
use crate::provider::contract::{BriefPayload, PayloadParagraph};
use crate::verify::brief::words::{is_acronym, words};

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
                let target = point["target"].as_str().unwrap_or_default();
                let word = target
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                point["target"] = json!(word);
            }
        }
        (FaultKind::BriefEntityUncited, _) => uncited_entity(brief),
        (FaultKind::BriefUnattributed, Some(points)) => {
            if let Some(point) = points.first_mut() {
                for side in ["source", "target"] {
                    let text = point[side].as_str().unwrap_or_default();
                    let kept = text.rsplit_once(", ").map_or(text, |(kept, _)| kept);
                    point[side] = json!(format!("{kept}."));
                }
            }
        }
        _ => {}
    }
}

/// Every text of `brief` replaced by its field's name: `source` or `target`.
fn field_names(brief: &mut Value) {
    let mut items = vec!["/headline".to_owned()];
    for (list, sides) in [("points", ""), ("entities", "/role")] {
        let len = brief
            .get(list)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        items.extend((0..len).map(|i| format!("/{list}/{i}{sides}")));
    }
    for item in items {
        for side in ["source", "target"] {
            if let Some(text) = brief.pointer_mut(&format!("{item}/{side}")) {
                *text = json!(side);
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
            "role": {"source": "erfunden", "target": "invented"},
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

/// The target side of a pseudo-brief's point quoting `sentence`: the fixed [`template`], then
/// the sentence's pseudo-translation without its marker (every number and date kept, words
/// of the target language, so it differs from point to point), then its acronyms in
/// parentheses, so that the target side has the source side's numbers and names.
fn pseudo_target(from: LanguageCode, to: LanguageCode, sentence: &str) -> String {
    let translated = super::pseudo::pseudo_translation(from, to, sentence);
    let marker = format!("[mock {from}→{to}]");
    let body = translated
        .strip_prefix(&marker)
        .unwrap_or(&translated)
        .trim();
    let mut acronyms: Vec<&str> = Vec::new();
    for word in words(sentence) {
        if is_acronym(word.text) && !acronyms.contains(&word.text) {
            acronyms.push(word.text);
        }
    }
    let mut target = format!("{} {body}", template(from, to));
    if !acronyms.is_empty() {
        target.push_str(&format!(" ({})", acronyms.join(", ")));
    }
    target
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
                "target": pseudo_target(from, to, &first_sentence(&p.text)),
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

    #[test]
    fn grounding_faults_break_exactly_their_check_on_the_reference_article() {
        let payload = payload_of(RUTTE, LanguageCode::DE, LanguageCode::EN, 5);
        let broken = |fault| {
            let brief = brief_for(&payload).expect("cassettes parse");
            failures(&payload, &reply_content(brief, Some(fault), 8))
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
            let found = broken(fault);
            assert!(
                matches!(found.as_slice(), [only] if is_expected(only)),
                "{fault}: {found:?}"
            );
        }
        let field_names = broken(FaultKind::BriefFieldNames);
        // The headline, five points and seven roles, two sides each.
        assert_eq!(field_names.len(), 2 * (1 + 5 + 7), "{field_names:?}");
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
        let payload = payload_of(article, LanguageCode::EN, LanguageCode::DE, 5);
        for fault in [
            FaultKind::BriefFieldNames,
            FaultKind::BriefAllParagraphs,
            FaultKind::BriefDuplicate,
            FaultKind::BriefOneWord,
            FaultKind::BriefEntityUncited,
        ] {
            let brief = brief_for(&payload).expect("cassettes parse");
            let found = failures(&payload, &reply_content(brief, Some(fault), 6));
            assert!(!found.is_empty(), "{fault}: no check failed");
        }
    }
}
