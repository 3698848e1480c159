//! Verification below the paragraph (`--align sentence`): a paragraph's sentence pairs still
//! cover its sentences, and the fidelity checks run per sentence pair, so a flag points at the
//! sentence.
//!
//! Pure. [`misalignment`] is the last gate for sentence pairs, as [`super::InOrder`] is for
//! paragraphs: the provider's contract check already held every reply to the sentences sent,
//! this holds the assembled result (and a cached one) to the paragraph's own sentences, so a
//! bug in assembly can never print a sentence beside the wrong translation. [`check`] runs the
//! checks of [`super::fidelity`] on each paragraph and on each of its sentence pairs and keeps
//! what each says best:
//!
//! - a check on a sentence pair takes the place of the same check on its paragraph (`! ¶3.2
//!   number missing: 30` rather than `! ¶3 …`);
//! - a number or a quotation missing from one pair counts only when the whole paragraph misses
//!   it too: a translation may carry a number or a quotation mark over into the next sentence,
//!   and that is no fault;
//! - `untranslated`, `cut_off` and `length_ratio` count for a pair on their own: a sentence left
//!   in the source language inside a translated paragraph is broken, however the paragraph
//!   reads as a whole;
//! - a check with no counterpart among the pairs stays on the paragraph.

use crate::detect::Detector;
use crate::ingest::sentence::{SentencePair, numbered};
use crate::ingest::{Paragraph, ParagraphId};
use crate::language::LanguageCode;

use super::VerifyError;
use super::fidelity::{Check, CheckKind, Pair};

/// Why `pairs` do not line up with the sentences of `paragraph`, or `None` when they cover each
/// of them once, in order, each pair with its sentences' text and a visible translation.
pub fn misalignment(paragraph: &Paragraph, pairs: &[SentencePair]) -> Option<String> {
    let sentences = numbered(paragraph);
    let mut next = sentences.iter();
    for pair in pairs {
        if pair.ids.is_empty() {
            return Some(format!(
                "a sentence pair of {} names no sentence",
                paragraph.id
            ));
        }
        let mut source = String::new();
        for id in &pair.ids {
            match next.next() {
                Some(sentence) if sentence.id == *id => source.push_str(&sentence.text),
                Some(sentence) => return Some(format!("{} is where {id} is", sentence.id)),
                None => return Some(format!("{id} is not a sentence of {}", paragraph.id)),
            }
        }
        let squeezed = |text: &str| text.split_whitespace().collect::<String>();
        if squeezed(&pair.source) != squeezed(&source) {
            return Some(format!("{} is not the article's text", pair.label()));
        }
        if !crate::ingest::has_visible_text(&pair.target) {
            return Some(format!("the translation of {} is empty", pair.label()));
        }
    }
    next.next()
        .map(|missing| format!("{} has no translation", missing.id))
}

/// Holds a finished result read back from disk (a cache entry, a file given to `diglot
/// check`) to its sentences: each paragraph's pairs (`(id, source text, pairs)`, none when
/// aligned by paragraph) cover its sentences as [`misalignment`] requires.
pub fn whole<'a>(
    paragraphs: impl IntoIterator<Item = (ParagraphId, &'a str, &'a [SentencePair])>,
) -> Result<(), VerifyError> {
    let misaligned: Vec<ParagraphId> = paragraphs
        .into_iter()
        .filter(|(id, text, pairs)| {
            let paragraph = Paragraph {
                id: *id,
                text: (*text).to_owned(),
            };
            !pairs.is_empty() && misalignment(&paragraph, pairs).is_some()
        })
        .map(|(id, _, _)| id)
        .collect();
    if misaligned.is_empty() {
        Ok(())
    } else {
        Err(VerifyError {
            misaligned,
            ..VerifyError::default()
        })
    }
}

/// Every failed check over `pairs` (each a paragraph pair and its sentence pairs, none when
/// aligned by paragraph), translated from `source` into `target`, in paragraph order: per
/// sentence pair where there are pairs (see the module docs), else per paragraph.
pub fn check<'a>(
    pairs: impl IntoIterator<Item = (Pair<'a>, &'a [SentencePair])>,
    source: LanguageCode,
    target: LanguageCode,
    detector: &Detector,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for (pair, sentences) in pairs {
        let whole = super::fidelity::check([pair], source, target, detector);
        if sentences.is_empty() {
            checks.extend(whole);
            continue;
        }
        let mut below: Vec<Check> = Vec::new();
        for sentence in sentences {
            let one = Pair {
                id: pair.id,
                source: &sentence.source,
                target: &sentence.target,
            };
            for mut found in super::fidelity::check([one], source, target, detector) {
                if counts_alone(&found, &whole) {
                    found.sentences = sentence.ids.clone();
                    below.push(found);
                }
            }
        }
        checks.extend(
            whole
                .into_iter()
                .filter(|c| !below.iter().any(|b| same_finding(b, c))),
        );
        checks.extend(below);
    }
    checks
}

/// Whether a check on a sentence pair counts: always, but for a number or a quotation that the
/// paragraph's translation has elsewhere (`whole` holds the paragraph's checks).
fn counts_alone(found: &Check, whole: &[Check]) -> bool {
    match found.kind {
        CheckKind::NumberMissing | CheckKind::QuoteMissing => {
            whole.iter().any(|c| same_finding(found, c))
        }
        _ => true,
    }
}

/// Whether two checks report the same thing (the same kind; for a number, the same number).
fn same_finding(a: &Check, b: &Check) -> bool {
    a.kind == b.kind && (a.kind != CheckKind::NumberMissing || a.detail == b.detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sentence::SentenceId;

    const DE: LanguageCode = LanguageCode::DE;
    const EN: LanguageCode = LanguageCode::EN;

    fn paragraph() -> Paragraph {
        Paragraph {
            id: ParagraphId(7),
            text:
                "Trumps Sondergesandter Steve Witkoff traf sich am Donnerstag mit dem russischen \
                   Präsidenten Wladimir Putin. Witkoff reiste nach Moskau, um Informationen zu \
                   den Gesprächen zu übermitteln, die mit der Zustimmung Kiews zu einem \
                   30-tägigen Waffenstillstand endeten."
                    .to_owned(),
        }
    }

    fn id(n: u32) -> SentenceId {
        SentenceId {
            paragraph: ParagraphId(7),
            index: n,
        }
    }

    fn pairs(first: &str, second: &str) -> Vec<SentencePair> {
        let sentences = numbered(&paragraph());
        vec![
            SentencePair {
                ids: vec![id(1)],
                source: sentences[0].text.clone(),
                target: first.to_owned(),
            },
            SentencePair {
                ids: vec![id(2)],
                source: sentences[1].text.clone(),
                target: second.to_owned(),
            },
        ]
    }

    const FIRST: &str = "Trump’s special envoy Steve Witkoff met Russian President Vladimir \
                         Putin on Thursday.";
    const SECOND: &str = "Witkoff travelled to Moscow to pass on information about the talks, \
                          which ended with Kyiv agreeing to a 30-day ceasefire.";

    fn checks_of(pairs: &[SentencePair]) -> Vec<Check> {
        let paragraph = paragraph();
        let target = pairs
            .iter()
            .map(|p| p.target.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let pair = Pair {
            id: paragraph.id,
            source: &paragraph.text,
            target: &target,
        };
        check([(pair, pairs)], DE, EN, &Detector::new())
    }

    #[test]
    fn pairs_that_cover_every_sentence_once_in_order_line_up() {
        assert_eq!(misalignment(&paragraph(), &pairs(FIRST, SECOND)), None);
        let mut merged = pairs(FIRST, SECOND);
        let second = merged.pop().expect("two");
        merged[0].ids.push(id(2));
        merged[0].source = format!("{} {}", merged[0].source, second.source);
        assert_eq!(misalignment(&paragraph(), &merged), None);
    }

    #[test]
    fn a_lost_doubled_or_foreign_sentence_does_not_line_up() {
        let mut lost = pairs(FIRST, SECOND);
        lost.pop();
        assert_eq!(
            misalignment(&paragraph(), &lost).as_deref(),
            Some("¶7.2 has no translation")
        );
        let mut doubled = pairs(FIRST, SECOND);
        doubled[1].ids = vec![id(1)];
        assert!(misalignment(&paragraph(), &doubled).is_some());
        let mut swapped = pairs(FIRST, SECOND);
        swapped.swap(0, 1);
        assert!(misalignment(&paragraph(), &swapped).is_some());
        let mut changed = pairs(FIRST, SECOND);
        changed[0].source = "Etwas anderes.".to_owned();
        assert!(misalignment(&paragraph(), &changed).is_some());
        let empty = pairs(FIRST, "\u{200b}");
        assert!(misalignment(&paragraph(), &empty).is_some());
        let text = paragraph().text;
        let saved = [(ParagraphId(7), text.as_str(), lost.as_slice())];
        assert_eq!(
            whole(saved).map_err(|e| e.misaligned),
            Err(vec![ParagraphId(7)])
        );
        let fine = pairs(FIRST, SECOND);
        assert_eq!(
            whole([(ParagraphId(7), text.as_str(), fine.as_slice())]),
            Ok(())
        );
    }

    #[test]
    fn a_sentence_left_untranslated_is_flagged_at_the_sentence() {
        let sentences = numbered(&paragraph());
        let checks = checks_of(&pairs(FIRST, &sentences[1].text));
        let untranslated: Vec<&Check> = checks
            .iter()
            .filter(|c| c.kind == CheckKind::Untranslated)
            .collect();
        assert_eq!(untranslated.len(), 1, "{checks:?}");
        assert_eq!(untranslated[0].sentences, [id(2)]);
        assert_eq!(untranslated[0].location(), "¶7.2");
        assert!(checks_of(&pairs(FIRST, SECOND)).is_empty());
    }

    #[test]
    fn a_missing_number_points_at_its_sentence_unless_it_moved() {
        let dropped = SECOND.replace("30-day", "long");
        let checks = checks_of(&pairs(FIRST, &dropped));
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(
            (checks[0].kind, checks[0].sentences.as_slice()),
            (CheckKind::NumberMissing, [id(2)].as_slice())
        );
        // The 30 carried over into the first sentence's translation: no fault.
        let moved = pairs(
            &format!("{} A 30-day truce followed.", FIRST),
            &dropped.replace("a long ceasefire", "it"),
        );
        let checks = checks_of(&moved);
        assert!(
            !checks.iter().any(|c| c.kind == CheckKind::NumberMissing),
            "{checks:?}"
        );
    }
}
