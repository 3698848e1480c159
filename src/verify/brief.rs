//! Brief checks: a [`Brief`] held to the article it summarises, before anything is printed.
//!
//! Pure. [`check`] returns every [`BriefFailure`] it finds (empty when the brief is fine), so a
//! repair request can name them all and the final error lists them. The checks:
//!
//! - every point names at least one paragraph, and every reference (of points and entities)
//!   is a paragraph that was sent;
//! - no side is empty: the headline, each point, each entity's name and role;
//! - each side is in its language: the source side in the article's language, the target side
//!   in the target language. A side is judged only when lingua is confident
//!   ([`Detector::detect`] gives `Some` language, at 0.7 or more); a short or mixed text such as
//!   a name is not judged at all, so it can never fail. Entity names are never judged;
//! - every number in a point or a role, on either side, occurs in a paragraph it cites (the
//!   headline's numbers in any paragraph). Numbers are compared after
//!   [`normalize_number`](crate::verify::numbers::normalize_number), so
//!   `1.000`, `1,000` and `1000` are the same number, and `3,8` is `3.8`.

use std::collections::BTreeSet;
use std::fmt;

use crate::brief::{Brief, BriefInput};
use crate::detect::Detector;
use crate::ingest::ParagraphId;
use crate::language::LanguageCode;
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
    /// A number is in none of the paragraphs the item cites.
    NumberNotCited {
        /// The item.
        item: Item,
        /// The number as written.
        number: String,
    },
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
            BriefFailure::NumberNotCited { item, number } => write!(
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
    empty_sides(brief, &mut failures);
    languages(brief, input, detector, &mut failures);
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

/// Every item's sides, with the item they belong to (entities: name, then role).
fn sides(brief: &Brief) -> Vec<(Item, Side, &str)> {
    let mut sides = vec![
        (Item::Headline, Side::Source, brief.headline.source.as_str()),
        (Item::Headline, Side::Target, brief.headline.target.as_str()),
    ];
    for (n, point) in brief.points.iter().enumerate() {
        sides.push((Item::Point(n + 1), Side::Source, &point.source));
        sides.push((Item::Point(n + 1), Side::Target, &point.target));
    }
    for entity in &brief.entities {
        let item = Item::Entity(entity.name.clone());
        sides.push((item.clone(), Side::Name, &entity.name));
        sides.push((item.clone(), Side::Source, &entity.role.source));
        sides.push((item, Side::Target, &entity.role.target));
    }
    sides
}

fn empty_sides(brief: &Brief, failures: &mut Vec<BriefFailure>) {
    for (item, side, text) in sides(brief) {
        if text.trim().is_empty() {
            failures.push(BriefFailure::Empty { item, side });
        }
    }
}

fn languages(
    brief: &Brief,
    input: &BriefInput,
    detector: &Detector,
    failures: &mut Vec<BriefFailure>,
) {
    for (item, side, text) in sides(brief) {
        let expected = match side {
            Side::Source => input.source_language,
            Side::Target => input.target_language,
            Side::Name => continue,
        };
        if let Some(found) = detector.detect(text).language
            && found != expected
        {
            failures.push(BriefFailure::WrongLanguage {
                item,
                side,
                expected,
                found,
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
        for (written, normal) in texts.iter().flat_map(|text| numbers_in(text)) {
            if !cited.contains(&normal) && seen.insert(normal) {
                failures.push(BriefFailure::NumberNotCited {
                    item: item.clone(),
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
mod tests {
    use super::*;
    use crate::brief::{Bilingual, BriefEntity, BriefPoint};
    use crate::ingest::Paragraph;
    use std::sync::OnceLock;

    fn detector() -> &'static Detector {
        static DETECTOR: OnceLock<Detector> = OnceLock::new();
        DETECTOR.get_or_init(Detector::new)
    }

    fn input() -> BriefInput {
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

    fn good() -> Brief {
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

    fn failures(brief: &Brief) -> Vec<BriefFailure> {
        check(brief, &input(), detector())
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
                number: "60".into()
            }),
            "{found:?}"
        );
        assert!(
            found.contains(&BriefFailure::NumberNotCited {
                item: Item::Point(1),
                number: "30".into()
            }),
            "30 is in ¶2, but point 1 cites only ¶1: {found:?}"
        );
    }
}
