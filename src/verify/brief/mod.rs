//! Brief checks: a [`Brief`] held to the article it summarises, before anything is printed.
//!
//! Pure. [`check`] returns every [`BriefFailure`] it finds (empty when the brief is fine), so a
//! repair request can name them all and the final error lists them. A *word* is a run of
//! letters, digits and combining marks (hyphens and apostrophes separate words: `NATO-Beitritt`
//! is two); in Han and kana, written without spaces, every character is a word of its own and
//! [`CJK_CHARS_PER_WORD`](words::CJK_CHARS_PER_WORD) of them count as one word. Words are
//! compared case-insensitively. The checks, in the order they are reported:
//!
//! **References.** Every point names at least one paragraph, and every reference (of points
//! and entities) is a paragraph that was sent.
//!
//! **Real text** (`text`), side by side; a side fails at most one of these, the first, and a
//! side that fails one is left out of every check after it:
//! - *empty*: the headline, each point, each entity's name and role have both sides;
//! - *placeholder*: a side that is no text fails: it has no word of two letters or more (`a`,
//!   `K`, `…`, `...`, `-`), it is wrapped in angle brackets (`<headline in German>`) or holds a
//!   template variable (`{{ source }}`), or every word of it is a field name of the reply's
//!   shape or a placeholder (`source`, `target`, `headline`, `points`, `paragraphs`,
//!   `entities`, `name`, `role`, `text`, `summary`, `string`, `n/a`, `TBD`, `null`, `example`,
//!   …; the list is `words::PLACEHOLDER_WORDS`), or the name or code of one of the two
//!   languages (`source text in German`);
//! - *too short*: a point's side has at least [`POINT_MIN_WORDS`](text::POINT_MIN_WORDS) words
//!   (8 Han or kana characters), a headline's side
//!   [`HEADLINE_MIN_WORDS`](text::HEADLINE_MIN_WORDS) (4 characters), a role's side one;
//! - *language*: the source side is in the article's language, the target side in the target
//!   language. A side is judged only when lingua is confident ([`Detector::detect`] gives
//!   `Some` language, at 0.7 or more); a short or mixed text such as a name is not judged at
//!   all, so it can never fail. Entity names are never judged;
//! - *untranslated*: the target side of an item whose two sides passed is not its source side
//!   again: once names and numbers are set aside (words written with a capital and never in
//!   lowercase on either side; words with a digit), the remaining words (lowercase,
//!   punctuation aside) must not be the same on both sides. So `Bloomberg TV` may stand on
//!   both sides, `Gast bei Bloomberg TV` may not. A side of names alone is never untranslated.
//!
//! **Distinct points.** No point's source side, nor its target side, repeats that of an
//! earlier point: as sets of lowercase words, punctuation aside, the two may share at most
//! [`REPEAT_SHARE`](words::REPEAT_SHARE) (80%) of their words (a small model writes a point
//! again with one verb changed). A point repeated on both sides is reported once.
//!
//! **Grounding** (`grounding`), for each point whose source side is real text and that cites a
//! paragraph of the article:
//! - *a few paragraphs*: a point cites at most half of the article's paragraphs, rounded up,
//!   and never fewer than [`MIN_REFERENCE_LIMIT`](grounding::MIN_REFERENCE_LIMIT)
//!   ([`reference_limit`](grounding::reference_limit): 2 of 2, 2 of 4, 4 of 8, 10 of 20), so a
//!   2-paragraph article's point may cite both;
//! - *content words*: a point's source side shares at least half of its content words with the
//!   paragraphs it cites (judged from [`MIN_CONTENT_TOKENS`](grounding::MIN_CONTENT_TOKENS) on).
//!   Content words are the words of [`STEM_LETTERS`](words::STEM_LETTERS) letters or more that
//!   are not stop words of the article's language (the `stop-words` crate's ISO lists),
//!   compared by their first five letters, so inflection and German compounds match
//!   (`Präsidenten` = `Präsident`, `Waffenstillstandsvorschlag` = `Waffenstillstand`);
//!   acronyms (two or more capitals: `NATO`, `USA`), compared as names below; and pairs of
//!   adjacent Han or kana characters. On the reference cassette every point shares all of its
//!   content words; the best paragraph a point does not cite shares 27–50%, so a point citing
//!   the wrong paragraph is caught only most of the time;
//! - *names*: every name in a point's source side occurs in a paragraph it cites. A name is one
//!   of the brief's entities or an acronym. An entity is named by any of its identifying words:
//!   those of three letters or more that begin with a capital and are not stop words of either
//!   language (`Rutte` and `Mark` of `Mark Rutte`, `Leyen` of `Ursula von der Leyen`, `Linke`
//!   of `Die Linke`), else those of three letters or more that are not stop words, else those
//!   of three letters or more, else all of them (`EU`). A word matches when it is the name's
//!   word followed by at most [`NAME_SUFFIX_LETTERS`](words::NAME_SUFFIX_LETTERS) letters
//!   (`Putins`, `NATOs`, `Путина`);
//! - *target about source*: every number, date and time of the source side is on the target
//!   side (compared as the fidelity checks compare them, `verify::numbers`), and when the
//!   source side names one of the brief's entities, the target side shares at least one of its
//!   names (an entity, or an acronym, which may be shortened: `US` for `USA`). An acronym alone
//!   does not ask for it, since some are translated (`KI` is `AI`, `EZB` is `ECB`); an
//!   entity's name translated as a whole (`Vereinte Nationen`) fails when it is the point's
//!   only name;
//! - *attribution*: a point that repeats [`QUOTE_RUN_WORDS`](grounding::QUOTE_RUN_WORDS)
//!   consecutive words of a statement in a paragraph it cites names one of the statement's
//!   speakers, when the paragraph names one. A statement is a quotation (between two double
//!   quotation marks of any style: `"…"`, `„…“`, `“…”`, `«…»`, `「…」`), whose speakers are the
//!   entities named within [`SPEAKER_WINDOW`](grounding::SPEAKER_WINDOW) words before or after
//!   it, outside quotations; or a sentence with a reporting word, whose speakers are the
//!   entities named within as many words of it. Reporting words are known in German (`sagte`,
//!   `erklärte`, `betonte`, `bestätigte`, `laut`, `zufolge`, …), English (`said`, `told`,
//!   `according`, …) and French (`a déclaré`, `selon`, …); the list is
//!   `words::REPORTING_WORDS`. Any entity named that near counts as a speaker. A paraphrase
//!   that repeats fewer words, a speaker the brief does not list as an entity, and statements
//!   in other languages are not seen.
//!
//! **Entities.** An entity's name occurs, as above, in every paragraph it cites; an entity that
//! cites none is named somewhere in the article.
//!
//! **Numbers.** Every number in a point or a role, on either side, occurs in a paragraph it
//! cites (the headline's numbers in any paragraph). Numbers are compared after
//! [`normalize_number`](crate::verify::numbers::normalize_number), so `1.000`, `1,000` and
//! `1000` are the same number, and `3,8` is `3.8`.

mod grounding;
mod text;
pub mod words;

use std::collections::BTreeSet;
use std::fmt;

use crate::brief::{Brief, BriefInput};
use crate::detect::Detector;
use crate::ingest::ParagraphId;
use crate::language::LanguageCode;
use crate::provider::list_ids;
use crate::verify::numbers::numbers_in;

/// Which item of a brief a failure is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The headline.
    Headline,
    /// The key point with this 1-based number.
    Point(usize),
    /// The entity with this name.
    Entity(String),
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Headline => f.write_str("the headline"),
            Item::Point(n) => write!(f, "point {n}"),
            Item::Entity(name) if name.is_empty() => f.write_str("an entity"),
            Item::Entity(name) => write!(f, "entity '{name}'"),
        }
    }
}

/// Which language side of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The article's language.
    Source,
    /// The target language.
    Target,
    /// An entity's name (in no particular language).
    Name,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Source => "source",
            Side::Target => "target",
            Side::Name => "name",
        })
    }
}

/// One way a brief does not hold to the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BriefFailure {
    /// The brief has no key points at all.
    NoPoints,
    /// A point names no paragraph.
    NoReference {
        /// The point.
        item: Item,
    },
    /// A reference names a paragraph that was not sent.
    UnknownReference {
        /// The point or entity.
        item: Item,
        /// The reference.
        id: ParagraphId,
    },
    /// A side is empty.
    Empty {
        /// The item.
        item: Item,
        /// The empty side.
        side: Side,
    },
    /// A side is a field name, a placeholder or an example value, not text.
    Placeholder {
        /// The item.
        item: Item,
        /// The side.
        side: Side,
        /// What it says (cut after 40 characters).
        text: String,
    },
    /// A side has fewer words than its item needs.
    TooShort {
        /// The item.
        item: Item,
        /// The side.
        side: Side,
        /// Its words.
        words: usize,
        /// The words it needs.
        min: usize,
    },
    /// A side is confidently in another language.
    WrongLanguage {
        /// The item.
        item: Item,
        /// The side.
        side: Side,
        /// The language it must be in.
        expected: LanguageCode,
        /// The language lingua found.
        found: LanguageCode,
    },
    /// The target side says the source side's words again, untranslated.
    Untranslated {
        /// The item.
        item: Item,
    },
    /// A point says on one side what an earlier point says.
    Duplicate {
        /// The later point.
        item: Item,
        /// The earlier point.
        first: Item,
        /// The side that is the same.
        side: Side,
    },
    /// A point cites more of the article's paragraphs than a key point may.
    TooManyReferences {
        /// The point.
        item: Item,
        /// The paragraphs it cites.
        cited: usize,
        /// The article's paragraphs.
        total: usize,
        /// The most it may cite ([`grounding::reference_limit`]).
        limit: usize,
    },
    /// A point's source side shares too few content words with the paragraphs it cites.
    Ungrounded {
        /// The point.
        item: Item,
        /// Content words found in the cited paragraphs.
        shared: usize,
        /// Content words of the source side.
        total: usize,
    },
    /// A name in a point's source side is in none of the paragraphs it cites.
    NameNotCited {
        /// The point.
        item: Item,
        /// The name as the brief writes it.
        name: String,
    },
    /// An entity's name is not in paragraphs it cites.
    EntityNotNamed {
        /// The entity.
        item: Item,
        /// The cited paragraphs that do not name it; empty when it cites none and the article
        /// names it nowhere.
        paragraphs: Vec<ParagraphId>,
    },
    /// A number of a point's source side is not on its target side.
    TargetLacksNumber {
        /// The point.
        item: Item,
        /// The number as the source side writes it.
        number: String,
    },
    /// A point's target side has none of the names of its source side.
    TargetLacksNames {
        /// The point.
        item: Item,
        /// The names of the source side.
        names: Vec<String>,
    },
    /// A point repeats a statement of a paragraph it cites without naming who made it.
    Unattributed {
        /// The point.
        item: Item,
        /// The paragraph with the statement.
        paragraph: ParagraphId,
        /// Who the paragraph says made it.
        speakers: Vec<String>,
    },
    /// A number is in none of the paragraphs the item cites.
    NumberNotCited {
        /// The item.
        item: Item,
        /// The side it is on (the first, when both have it).
        side: Side,
        /// The number as written.
        number: String,
    },
}

impl BriefFailure {
    /// Whether the failure is the target side's alone, so that translating the source side
    /// again can mend it; every other failure is the source side's (or its references'),
    /// which the model that wrote it must mend.
    pub fn concerns_target(&self) -> bool {
        match self {
            BriefFailure::Empty { side, .. }
            | BriefFailure::Placeholder { side, .. }
            | BriefFailure::TooShort { side, .. }
            | BriefFailure::WrongLanguage { side, .. }
            | BriefFailure::Duplicate { side, .. }
            | BriefFailure::NumberNotCited { side, .. } => *side == Side::Target,
            BriefFailure::Untranslated { .. }
            | BriefFailure::TargetLacksNumber { .. }
            | BriefFailure::TargetLacksNames { .. } => true,
            BriefFailure::NoPoints
            | BriefFailure::NoReference { .. }
            | BriefFailure::UnknownReference { .. }
            | BriefFailure::TooManyReferences { .. }
            | BriefFailure::Ungrounded { .. }
            | BriefFailure::NameNotCited { .. }
            | BriefFailure::EntityNotNamed { .. }
            | BriefFailure::Unattributed { .. } => false,
        }
    }

    /// The item the failure is about, when it is about one.
    pub fn item(&self) -> Option<&Item> {
        match self {
            BriefFailure::NoPoints => None,
            BriefFailure::NoReference { item }
            | BriefFailure::UnknownReference { item, .. }
            | BriefFailure::Empty { item, .. }
            | BriefFailure::Placeholder { item, .. }
            | BriefFailure::TooShort { item, .. }
            | BriefFailure::WrongLanguage { item, .. }
            | BriefFailure::Untranslated { item }
            | BriefFailure::Duplicate { item, .. }
            | BriefFailure::TooManyReferences { item, .. }
            | BriefFailure::Ungrounded { item, .. }
            | BriefFailure::NameNotCited { item, .. }
            | BriefFailure::EntityNotNamed { item, .. }
            | BriefFailure::TargetLacksNumber { item, .. }
            | BriefFailure::TargetLacksNames { item, .. }
            | BriefFailure::Unattributed { item, .. }
            | BriefFailure::NumberNotCited { item, .. } => Some(item),
        }
    }
}

impl fmt::Display for BriefFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BriefFailure::NoPoints => f.write_str("the brief has no key points"),
            BriefFailure::NoReference { item } => write!(f, "{item} cites no paragraph"),
            BriefFailure::UnknownReference { item, id } => {
                write!(f, "{item} cites {id}, which is not in the article")
            }
            BriefFailure::Empty { item, side } => write!(f, "{item} has an empty {side} side"),
            BriefFailure::Placeholder { item, side, text } => write!(
                f,
                "the {side} side of {item} is '{text}', a field name or placeholder, not text"
            ),
            BriefFailure::TooShort {
                item,
                side,
                words,
                min,
            } => write!(
                f,
                "the {side} side of {item} has {words} word{}, fewer than {min}",
                if *words == 1 { "" } else { "s" }
            ),
            BriefFailure::WrongLanguage {
                item,
                side,
                expected,
                found,
            } => write!(
                f,
                "the {side} side of {item} is in {} ({found}), not {} ({expected})",
                found.name(),
                expected.name()
            ),
            BriefFailure::Untranslated { item } => write!(
                f,
                "the target side of {item} repeats its source side untranslated"
            ),
            BriefFailure::Duplicate { item, first, side } => {
                write!(f, "{item} repeats {first} (the same {side} side)")
            }
            BriefFailure::TooManyReferences {
                item,
                cited,
                total,
                limit,
            } => write!(
                f,
                "{item} cites {cited} of the article's {total} paragraphs; a key point may cite \
                 at most {limit}"
            ),
            BriefFailure::Ungrounded {
                item,
                shared,
                total,
            } => write!(
                f,
                "the source side of {item} shares only {shared} of its {total} content words \
                 with the paragraphs it cites"
            ),
            BriefFailure::NameNotCited { item, name } => write!(
                f,
                "{item} names {name}, which is in none of the paragraphs it cites"
            ),
            BriefFailure::EntityNotNamed { item, paragraphs } if paragraphs.is_empty() => {
                write!(f, "{item} is not named in the article")
            }
            BriefFailure::EntityNotNamed { item, paragraphs } => write!(
                f,
                "{item} is not named in {}, which it cites",
                list_ids(paragraphs)
            ),
            BriefFailure::TargetLacksNumber { item, number } => write!(
                f,
                "the target side of {item} lacks the number {number} of its source side"
            ),
            BriefFailure::TargetLacksNames { item, names } => write!(
                f,
                "the target side of {item} names none of {} from its source side",
                names.join(", ")
            ),
            BriefFailure::Unattributed {
                item,
                paragraph,
                speakers,
            } => write!(
                f,
                "{item} repeats a statement of {paragraph} without naming who made it ({})",
                speakers.join(" or ")
            ),
            BriefFailure::NumberNotCited { item, number, .. } => write!(
                f,
                "{item} has the number {number}, which is in none of the paragraphs it cites"
            ),
        }
    }
}

/// The brief still failed its checks after one repair. Exits 6; nothing is printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the brief failed verification: {}", list_failures(failures))]
pub struct BriefVerifyError {
    /// What was wrong with the last reply.
    pub failures: Vec<BriefFailure>,
}

/// Failures as one line, `; `-separated.
pub fn list_failures(failures: &[BriefFailure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every way `brief` fails to hold to `input`; empty when it is fine.
pub fn check(brief: &Brief, input: &BriefInput, detector: &Detector) -> Vec<BriefFailure> {
    let mut failures = Vec::new();
    references(brief, input, &mut failures);
    let failed = text::check(brief, input, detector, &mut failures);
    grounding::check(brief, input, &failed, &mut failures);
    numbers(brief, input, &mut failures);
    failures
}

/// Points cite at least one paragraph; every reference exists.
fn references(brief: &Brief, input: &BriefInput, failures: &mut Vec<BriefFailure>) {
    if brief.points.is_empty() {
        failures.push(BriefFailure::NoPoints);
    }
    let exists = |id: &ParagraphId| input.paragraph(*id).is_some();
    for (n, point) in brief.points.iter().enumerate() {
        let item = Item::Point(n + 1);
        if point.paragraphs.is_empty() {
            failures.push(BriefFailure::NoReference { item: item.clone() });
        }
        for id in point.paragraphs.iter().filter(|id| !exists(id)) {
            failures.push(BriefFailure::UnknownReference {
                item: item.clone(),
                id: *id,
            });
        }
    }
    for entity in &brief.entities {
        for id in entity.paragraphs.iter().filter(|id| !exists(id)) {
            failures.push(BriefFailure::UnknownReference {
                item: Item::Entity(entity.name.clone()),
                id: *id,
            });
        }
    }
}

fn numbers(brief: &Brief, input: &BriefInput, failures: &mut Vec<BriefFailure>) {
    let in_paragraphs = |ids: &mut dyn Iterator<Item = ParagraphId>| -> BTreeSet<String> {
        ids.filter_map(|id| input.paragraph(id))
            .flat_map(|p| numbers_in(&p.text))
            .map(|(_, normal)| normal)
            .collect()
    };
    let mut check_item = |item: Item, texts: [&str; 2], cited: &BTreeSet<String>| {
        let mut seen = BTreeSet::new();
        let sides = [Side::Source, Side::Target].into_iter().zip(texts);
        for (side, (written, normal)) in sides.flat_map(|(side, text)| {
            numbers_in(text)
                .into_iter()
                .map(move |number| (side, number))
        }) {
            if !cited.contains(&normal) && seen.insert(normal) {
                failures.push(BriefFailure::NumberNotCited {
                    item: item.clone(),
                    side,
                    number: written,
                });
            }
        }
    };
    let all = in_paragraphs(&mut input.paragraphs.iter().map(|p| p.id));
    check_item(
        Item::Headline,
        [&brief.headline.source, &brief.headline.target],
        &all,
    );
    for (n, point) in brief.points.iter().enumerate() {
        let cited = in_paragraphs(&mut point.paragraphs.iter().copied());
        check_item(Item::Point(n + 1), [&point.source, &point.target], &cited);
    }
    for entity in &brief.entities {
        let cited = in_paragraphs(&mut entity.paragraphs.iter().copied());
        let item = Item::Entity(entity.name.clone());
        check_item(item, [&entity.role.source, &entity.role.target], &cited);
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::brief::{Bilingual, BriefEntity, BriefPoint};
    use crate::ingest::{Paragraph, ingest};
    use std::sync::OnceLock;

    pub(crate) fn detector() -> &'static Detector {
        static DETECTOR: OnceLock<Detector> = OnceLock::new();
        DETECTOR.get_or_init(Detector::new)
    }

    pub(crate) fn input() -> BriefInput {
        let texts = [
            "Der niederländische Ministerpräsident Mark Rutte sprach am Freitag mit Bloomberg TV über die Ukraine.",
            "Die Ukraine stimmte einer vorgeschlagenen 30-tägigen Waffenruhe zu, die 1.000 Kilometer Front betrifft.",
        ];
        BriefInput {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            points: 5,
            paragraphs: texts
                .iter()
                .zip(1..)
                .map(|(text, id)| Paragraph {
                    id: ParagraphId(id),
                    text: (*text).to_owned(),
                })
                .collect(),
        }
    }

    pub(crate) fn good() -> Brief {
        Brief {
            headline: Bilingual {
                source: "Rutte spricht mit Bloomberg über die Ukraine und eine Waffenruhe".into(),
                target: "Rutte talks to Bloomberg about Ukraine and a ceasefire".into(),
            },
            points: vec![
                BriefPoint {
                    source: "Rutte sprach laut dem Artikel am Freitag mit Bloomberg TV über die Ukraine.".into(),
                    target: "According to the article, Rutte spoke to Bloomberg TV about Ukraine on Friday.".into(),
                    paragraphs: vec![ParagraphId(1)],
                },
                BriefPoint {
                    source: "Die Ukraine stimmte einer 30-tägigen Waffenruhe auf 1,000 Kilometern zu.".into(),
                    target: "Ukraine agreed to a 30-day ceasefire along 1000 kilometres of front.".into(),
                    paragraphs: vec![ParagraphId(2)],
                },
            ],
            entities: vec![BriefEntity {
                name: "Mark Rutte".into(),
                role: Bilingual {
                    source: "niederländischer Ministerpräsident".into(),
                    target: "Dutch Prime Minister".into(),
                },
                paragraphs: vec![ParagraphId(1)],
            }],
        }
    }

    pub(crate) fn failures(brief: &Brief) -> Vec<BriefFailure> {
        check(brief, &input(), detector())
    }

    /// The reference article's body paragraphs, German → English, five points.
    pub(crate) fn reference_input() -> BriefInput {
        let article = include_str!("../../../fixtures/articles/de-rutte-nato.txt");
        let document = ingest(article.as_bytes()).expect("the reference article ingests");
        BriefInput {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            points: 5,
            paragraphs: document.paragraphs,
        }
    }

    /// The reference brief cassette's brief (seven points).
    pub(crate) fn reference_brief() -> Brief {
        let cassette: serde_json::Value = serde_json::from_str(include_str!(
            "../../../fixtures/cassettes/de-rutte-nato.brief.en.json"
        ))
        .expect("the cassette is JSON");
        serde_json::from_value(cassette["brief"].clone()).expect("the cassette holds a brief")
    }

    pub(crate) fn reference_failures(brief: &Brief) -> Vec<BriefFailure> {
        check(brief, &reference_input(), detector())
    }

    #[test]
    fn the_reference_cassette_passes_every_check() {
        let input = reference_input();
        assert_eq!(input.paragraphs.len(), 8);
        assert_eq!(reference_failures(&reference_brief()), []);
    }

    /// Issue 19: what a 1.5B model wrote through llama-server, with the field names of the
    /// schema as every value and every point citing all eight paragraphs, passed every check.
    #[test]
    fn the_empty_brief_a_small_model_wrote_fails_every_item() {
        let source = || Bilingual {
            source: "source".into(),
            target: "source".into(),
        };
        let all: Vec<ParagraphId> = (1..=8).map(ParagraphId).collect();
        let entity = |name: &str, ids: &[u32]| BriefEntity {
            name: name.into(),
            role: source(),
            paragraphs: ids.iter().copied().map(ParagraphId).collect(),
        };
        let brief = Brief {
            headline: source(),
            points: (0..5)
                .map(|_| BriefPoint {
                    source: "source".into(),
                    target: "source".into(),
                    paragraphs: all.clone(),
                })
                .collect(),
            entities: vec![
                entity("Mark Rutte", &[1, 3, 4, 6]),
                entity("Donald Trump", &[1, 3, 4]),
                entity("Wladimir Putin", &[7, 8]),
                entity("Steve Witkoff", &[7, 8]),
            ],
        };
        let placeholder = |item: Item, side| BriefFailure::Placeholder {
            item,
            side,
            text: "source".into(),
        };
        let mut expected = Vec::new();
        let mut items = vec![Item::Headline];
        items.extend((1..=5).map(Item::Point));
        items.extend(brief.entities.iter().map(|e| Item::Entity(e.name.clone())));
        for item in items {
            expected.push(placeholder(item.clone(), Side::Source));
            expected.push(placeholder(item, Side::Target));
        }
        for n in 1..=5 {
            expected.push(BriefFailure::TooManyReferences {
                item: Item::Point(n),
                cited: 8,
                total: 8,
                limit: 4,
            });
        }
        let found = reference_failures(&brief);
        assert_eq!(found, expected);
        let message = BriefVerifyError { failures: found }.to_string();
        assert!(
            message.starts_with(
                "the brief failed verification: the source side of the headline is 'source', \
                 a field name or placeholder, not text; "
            ),
            "{message}"
        );
        assert!(
            message.contains(
                "point 5 cites 8 of the article's 8 paragraphs; a key point may cite at most 4"
            ),
            "{message}"
        );
    }

    #[test]
    fn every_failure_reads_as_one_clause() {
        let p1 = || Item::Point(1);
        let cases = [
            (
                BriefFailure::TooShort {
                    item: p1(),
                    side: Side::Target,
                    words: 1,
                    min: 4,
                },
                "the target side of point 1 has 1 word, fewer than 4",
            ),
            (
                BriefFailure::Untranslated {
                    item: Item::Headline,
                },
                "the target side of the headline repeats its source side untranslated",
            ),
            (
                BriefFailure::Duplicate {
                    item: Item::Point(3),
                    first: p1(),
                    side: Side::Source,
                },
                "point 3 repeats point 1 (the same source side)",
            ),
            (
                BriefFailure::Ungrounded {
                    item: p1(),
                    shared: 1,
                    total: 6,
                },
                "the source side of point 1 shares only 1 of its 6 content words with the \
                 paragraphs it cites",
            ),
            (
                BriefFailure::NameNotCited {
                    item: p1(),
                    name: "Wladimir Putin".into(),
                },
                "point 1 names Wladimir Putin, which is in none of the paragraphs it cites",
            ),
            (
                BriefFailure::EntityNotNamed {
                    item: Item::Entity("Erika Mustermann".into()),
                    paragraphs: vec![ParagraphId(1), ParagraphId(3)],
                },
                "entity 'Erika Mustermann' is not named in ¶1, ¶3, which it cites",
            ),
            (
                BriefFailure::EntityNotNamed {
                    item: Item::Entity("X".into()),
                    paragraphs: vec![],
                },
                "entity 'X' is not named in the article",
            ),
            (
                BriefFailure::TargetLacksNumber {
                    item: p1(),
                    number: "30".into(),
                },
                "the target side of point 1 lacks the number 30 of its source side",
            ),
            (
                BriefFailure::TargetLacksNames {
                    item: p1(),
                    names: vec!["Mark Rutte".into(), "NATO".into()],
                },
                "the target side of point 1 names none of Mark Rutte, NATO from its source side",
            ),
            (
                BriefFailure::Unattributed {
                    item: p1(),
                    paragraph: ParagraphId(6),
                    speakers: vec!["Mark Rutte".into()],
                },
                "point 1 repeats a statement of ¶6 without naming who made it (Mark Rutte)",
            ),
        ];
        for (failure, text) in cases {
            assert_eq!(failure.to_string(), text);
        }
    }

    #[test]
    fn a_faithful_brief_passes() {
        assert_eq!(failures(&good()), []);
    }

    #[test]
    fn a_brief_without_points_fails() {
        let mut brief = good();
        brief.points.clear();
        assert_eq!(failures(&brief), [BriefFailure::NoPoints]);
    }

    #[test]
    fn a_point_without_references_fails() {
        let mut brief = good();
        brief.points[0].paragraphs.clear();
        assert_eq!(
            failures(&brief),
            [BriefFailure::NoReference {
                item: Item::Point(1)
            }]
        );
    }

    #[test]
    fn references_out_of_range_fail_for_points_and_entities() {
        let mut brief = good();
        brief.points[0].paragraphs.push(ParagraphId(9));
        brief.entities[0].paragraphs = vec![ParagraphId(0)];
        let found = failures(&brief);
        assert_eq!(
            found,
            [
                BriefFailure::UnknownReference {
                    item: Item::Point(1),
                    id: ParagraphId(9)
                },
                BriefFailure::UnknownReference {
                    item: Item::Entity("Mark Rutte".into()),
                    id: ParagraphId(0)
                },
            ]
        );
        assert_eq!(
            found[0].to_string(),
            "point 1 cites ¶9, which is not in the article"
        );
    }

    #[test]
    fn empty_sides_fail() {
        let mut brief = good();
        brief.headline.target = " ".into();
        brief.points[1].source.clear();
        brief.entities[0].role.target.clear();
        let found = failures(&brief);
        for (item, side) in [
            (Item::Headline, Side::Target),
            (Item::Point(2), Side::Source),
            (Item::Entity("Mark Rutte".into()), Side::Target),
        ] {
            assert!(
                found.contains(&BriefFailure::Empty { item, side }),
                "{found:?}"
            );
        }
    }

    #[test]
    fn a_target_side_left_in_the_source_language_fails() {
        let mut brief = good();
        brief.points[0].target = brief.points[0].source.clone();
        assert_eq!(
            failures(&brief),
            [BriefFailure::WrongLanguage {
                item: Item::Point(1),
                side: Side::Target,
                expected: LanguageCode::EN,
                found: LanguageCode::DE,
            }]
        );
    }

    #[test]
    fn a_source_side_in_the_target_language_fails() {
        let mut brief = good();
        brief.headline.source = brief.headline.target.clone();
        assert!(
            failures(&brief).iter().any(|f| matches!(
                f,
                BriefFailure::WrongLanguage {
                    item: Item::Headline,
                    side: Side::Source,
                    ..
                }
            )),
            "{:?}",
            failures(&brief)
        );
    }

    #[test]
    fn short_name_only_texts_are_not_judged() {
        let mut brief = good();
        brief.entities[0].role = Bilingual {
            source: "Bloomberg TV".into(),
            target: "Bloomberg TV".into(),
        };
        assert_eq!(failures(&brief), []);
    }

    #[test]
    fn a_number_not_in_the_cited_paragraphs_fails_on_either_side() {
        let mut brief = good();
        brief.points[1].target = "Ukraine agreed to a 60-day ceasefire.".into();
        brief.points[0].source = "Rutte sprach am Freitag mit Bloomberg TV (30 Minuten).".into();
        let found = failures(&brief);
        assert!(
            found.contains(&BriefFailure::NumberNotCited {
                item: Item::Point(2),
                side: Side::Target,
                number: "60".into()
            }),
            "{found:?}"
        );
        assert!(
            found.contains(&BriefFailure::NumberNotCited {
                item: Item::Point(1),
                side: Side::Source,
                number: "30".into()
            }),
            "30 is in ¶2, but point 1 cites only ¶1: {found:?}"
        );
    }
}
