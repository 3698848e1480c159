//! Is each side of a brief real text in its language? The text checks, item by item, and the
//! check that points are distinct. Each side fails at most once, with the first of: empty,
//! placeholder, too short, wrong language; then an item whose two sides passed may still have
//! its target side untranslated. The thresholds are in the parent module's docs.

use super::words::{is_placeholder, repeats, word_count, words};
use super::{BriefFailure, Item, Side};
use crate::brief::{Brief, BriefInput};
use crate::detect::Detector;

/// Words a point's side needs (two Han or kana characters count as one word).
pub const POINT_MIN_WORDS: usize = 4;

/// Words a headline's side needs.
pub const HEADLINE_MIN_WORDS: usize = 2;

/// Characters of a placeholder quoted in a failure; a longer one is cut.
const QUOTED_CHARS: usize = 40;

/// The sides that failed a text check: later checks leave them alone.
#[derive(Debug, Default)]
pub struct Failed(Vec<(Item, Side)>);

impl Failed {
    /// Whether `side` of `item` failed a text check.
    pub fn has(&self, item: &Item, side: Side) -> bool {
        self.0.iter().any(|(i, s)| i == item && *s == side)
    }
}

/// Every item's sides, with the item they belong to (entities: name, then role).
pub fn sides(brief: &Brief) -> Vec<(Item, Side, &str)> {
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

/// The text checks of every side, then untranslated items and repeated points.
pub fn check(
    brief: &Brief,
    input: &BriefInput,
    detector: &Detector,
    failures: &mut Vec<BriefFailure>,
) -> Failed {
    let mut failed = Failed::default();
    for (item, side, text) in sides(brief) {
        if let Some(failure) = side_failure(&item, side, text, input, detector) {
            failed.0.push((item, side));
            failures.push(failure);
        }
    }
    let mut pairs = vec![(
        Item::Headline,
        &brief.headline.source,
        &brief.headline.target,
    )];
    for (n, point) in brief.points.iter().enumerate() {
        pairs.push((Item::Point(n + 1), &point.source, &point.target));
    }
    for entity in &brief.entities {
        let item = Item::Entity(entity.name.clone());
        pairs.push((item, &entity.role.source, &entity.role.target));
    }
    for (item, source, target) in pairs {
        if !failed.has(&item, Side::Source)
            && !failed.has(&item, Side::Target)
            && is_untranslated(source, target)
        {
            failures.push(BriefFailure::Untranslated { item: item.clone() });
            failed.0.push((item, Side::Target));
        }
    }
    duplicates(brief, &mut failed, failures);
    failed
}

/// The first text check `text` fails as `side` of `item`, if any.
fn side_failure(
    item: &Item,
    side: Side,
    text: &str,
    input: &BriefInput,
    detector: &Detector,
) -> Option<BriefFailure> {
    let item = item.clone();
    if !crate::ingest::has_visible_text(text) {
        return Some(BriefFailure::Empty { item, side });
    }
    if is_placeholder(text, [input.source_language, input.target_language]) {
        let mut quoted: String = text.trim().chars().take(QUOTED_CHARS).collect();
        if text.trim().chars().count() > QUOTED_CHARS {
            quoted.push('…');
        }
        return Some(BriefFailure::Placeholder {
            item,
            side,
            text: quoted,
        });
    }
    let min = match (&item, side) {
        (_, Side::Name) => return None,
        (Item::Headline, _) => HEADLINE_MIN_WORDS,
        (Item::Point(_), _) => POINT_MIN_WORDS,
        (Item::Entity(_), _) => 1,
    };
    let words = word_count(text);
    if words < min {
        return Some(BriefFailure::TooShort {
            item,
            side,
            words,
            min,
        });
    }
    let expected = match side {
        Side::Source => input.source_language,
        _ => input.target_language,
    };
    match detector.detect(text).language {
        Some(found) if found != expected => Some(BriefFailure::WrongLanguage {
            item,
            side,
            expected,
            found,
        }),
        _ => None,
    }
}

/// Whether `target` repeats `source`: the same words, lowercase, once names and numbers are
/// set aside, and something is left. A name is a word written with a capital and never in
/// lowercase on either side (so a sentence's first `Der` is no name when `der` occurs); a
/// number is a word with a digit.
fn is_untranslated(source: &str, target: &str) -> bool {
    let all: Vec<&str> = words(source)
        .iter()
        .chain(words(target).iter())
        .map(|w| w.text)
        .collect();
    let is_name = |word: &str| {
        let lower = word.to_lowercase();
        word.chars().any(char::is_uppercase) && !all.iter().any(|w| *w == lower)
    };
    let meaning = |text: &str| -> Vec<String> {
        words(text)
            .iter()
            .filter(|w| !is_name(w.text) && !w.text.chars().any(char::is_numeric))
            .map(|w| w.text.to_lowercase())
            .collect()
    };
    let source = meaning(source);
    !source.is_empty() && source == meaning(target)
}

/// A point whose source or target side [`repeats`] that of an earlier point. Sides that failed
/// a text check are not compared; a point repeated on both sides is reported once, for its
/// source side.
fn duplicates(brief: &Brief, failed: &mut Failed, failures: &mut Vec<BriefFailure>) {
    let mut repeated: Vec<Item> = Vec::new();
    for side in [Side::Source, Side::Target] {
        let mut seen: Vec<(&str, Item)> = Vec::new();
        for (n, point) in brief.points.iter().enumerate() {
            let item = Item::Point(n + 1);
            if failed.has(&item, side) || repeated.contains(&item) {
                continue;
            }
            let text = match side {
                Side::Source => point.source.as_str(),
                _ => point.target.as_str(),
            };
            match seen.iter().find(|(seen, _)| repeats(text, seen)) {
                Some((_, first)) => {
                    failures.push(BriefFailure::Duplicate {
                        item: item.clone(),
                        first: first.clone(),
                        side,
                    });
                    failed.0.push((item.clone(), side));
                    repeated.push(item);
                }
                None => seen.push((text, item)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{failures, good};
    use super::*;

    #[test]
    fn field_names_placeholders_and_example_values_fail_once_per_side() {
        let mut brief = good();
        brief.headline.source = "…".into();
        brief.points[0].target = "target".into();
        brief.points[1].source = "<Punkt auf Deutsch>".into();
        brief.entities[0].role.source = "n/a".into();
        brief.entities[0].name = "name".into();
        let placeholder = |item, side, text: &str| BriefFailure::Placeholder {
            item,
            side,
            text: text.into(),
        };
        let entity = || Item::Entity("name".into());
        assert_eq!(
            failures(&brief),
            [
                placeholder(Item::Headline, Side::Source, "…"),
                placeholder(Item::Point(1), Side::Target, "target"),
                placeholder(Item::Point(2), Side::Source, "<Punkt auf Deutsch>"),
                placeholder(entity(), Side::Name, "name"),
                placeholder(entity(), Side::Source, "n/a"),
            ]
        );
    }

    #[test]
    fn a_side_with_too_few_words_fails() {
        let mut brief = good();
        brief.points[0].target = "Rutte spoke.".into();
        brief.headline.target = "Rutte".into();
        brief.points[1].target = "乌克兰停火".into();
        let found = failures(&brief);
        let short = |item, words, min| BriefFailure::TooShort {
            item,
            side: Side::Target,
            words,
            min,
        };
        assert_eq!(
            found,
            [
                short(Item::Headline, 1, HEADLINE_MIN_WORDS),
                short(Item::Point(1), 2, POINT_MIN_WORDS),
                short(Item::Point(2), 2, POINT_MIN_WORDS),
            ]
        );
        let mut brief = good();
        brief.points[0].target = "Rutte spoke to Bloomberg.".into();
        brief.entities[0].role.target = "PM".into();
        assert_eq!(
            failures(&brief),
            [],
            "four words and a one-word role are enough"
        );
    }

    #[test]
    fn an_untranslated_side_is_the_same_words_beyond_names_and_numbers() {
        assert!(is_untranslated(
            "der niederländische Ministerpräsident",
            "Der niederländische Ministerpräsident."
        ));
        assert!(!is_untranslated("Bloomberg TV", "Bloomberg TV"));
        assert!(!is_untranslated("NATO, 30", "NATO, 30"));
        assert!(!is_untranslated("der Präsident", "the President"));
        let mut brief = good();
        // lingua cannot tell the language of so short a text (confidence 0.31).
        brief.entities[0].role.target = "Gast bei Bloomberg TV".into();
        brief.entities[0].role.source = "Gast bei Bloomberg TV".into();
        assert_eq!(
            failures(&brief),
            [BriefFailure::Untranslated {
                item: Item::Entity("Mark Rutte".into())
            }]
        );
    }

    #[test]
    fn a_repeated_point_fails_once_for_the_first_side_repeated() {
        let mut brief = good();
        let mut again = brief.points[0].clone();
        again.source = format!("  {} ", again.source.to_uppercase());
        brief.points.push(again);
        assert_eq!(
            failures(&brief),
            [BriefFailure::Duplicate {
                item: Item::Point(3),
                first: Item::Point(1),
                side: Side::Source,
            }]
        );
        let mut brief = good();
        // The same point with one word changed, as a small model writes it again.
        brief.points[1].target = brief.points[0].target.replace("spoke", "talked");
        let found = failures(&brief);
        assert!(
            found.contains(&BriefFailure::Duplicate {
                item: Item::Point(2),
                first: Item::Point(1),
                side: Side::Target,
            }),
            "{found:?}"
        );
    }
}
