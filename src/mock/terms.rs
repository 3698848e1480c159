//! Glossaries in the mock's answers, and the two faults about names and terms.
//!
//! The mock follows a request's glossary as a translator would: a recorded translation that
//! already renders every entry of its paragraph stays as it is; otherwise the paragraph is
//! pseudo-translated around the entries, each occurrence of a source term answered with its
//! required translation. A chat request carries the entries in its payload, a DeepL request
//! through its `glossary_id`. Two faults spoil that on purpose:
//!
//! - `ignore-glossary`: every entry whose source term a paragraph has comes back as the source
//!   term itself, untranslated (`Kiew` where the glossary says `Kyiv`), which the
//!   `term_mismatch` check catches;
//! - `name-drift`: every second request that takes the fault renders differently each word
//!   of four letters or more that begins with a capital and that the answer keeps from its
//!   source (a name a translation keeps, as `Rutte` or `Witkoff`): its first vowel after the
//!   first letter is swapped (`Rutte` → `Rotte`). The paragraphs of the other requests keep
//!   the name, so the article names it two ways (`name_drift`).

use std::sync::atomic::Ordering;

use super::Shared;
use super::faults::FaultKind;
use super::pseudo::pseudo_translation;
use crate::glossary::Term;
use crate::language::LanguageCode;

/// The answers for `texts`, in order, from `from` into `to`, following `terms` (see the module
/// docs), shaped by `fault` when it is one of this module's.
pub(super) fn answers(
    shared: &Shared,
    (from, to): (LanguageCode, LanguageCode),
    texts: &[&str],
    terms: &[Term],
    fault: Option<FaultKind>,
) -> Vec<String> {
    let mut answers: Vec<String> = texts
        .iter()
        .map(|text| following(shared, (from, to), text, terms))
        .collect();
    match fault {
        Some(FaultKind::IgnoreGlossary) => {
            for (text, answer) in texts.iter().zip(answers.iter_mut()) {
                *answer = ignoring(text, answer, terms);
            }
        }
        Some(FaultKind::NameDrift) => {
            let taken = shared.name_drifts.fetch_add(1, Ordering::Relaxed) + 1;
            if taken.is_multiple_of(2) {
                for (text, answer) in texts.iter().zip(answers.iter_mut()) {
                    *answer = drifted(text, answer);
                }
            }
        }
        _ => {}
    }
    answers
}

/// The answer for one paragraph that follows the entries of `terms` it has.
fn following(
    shared: &Shared,
    (from, to): (LanguageCode, LanguageCode),
    text: &str,
    terms: &[Term],
) -> String {
    let answer = shared.cassettes.translate(from, to, text);
    let missed = terms
        .iter()
        .any(|t| t.occurs_in(text) && !t.is_rendered_in(&answer));
    if missed {
        keeping(from, to, text, terms)
    } else {
        answer
    }
}

/// The pseudo-translation of `text` with every occurrence of a source term of `terms`
/// replaced by its required translation.
pub(super) fn keeping(from: LanguageCode, to: LanguageCode, text: &str, terms: &[Term]) -> String {
    let prefix = pseudo_translation(from, to, "");
    let piece = |part: &str| -> String {
        let done = pseudo_translation(from, to, part);
        done.strip_prefix(prefix.trim_end())
            .map(|rest| rest.strip_prefix(' ').unwrap_or(rest).to_owned())
            .unwrap_or(done)
    };
    let mut spans: Vec<(std::ops::Range<usize>, &str)> = terms
        .iter()
        .flat_map(|t| t.spans_in(text).into_iter().map(|r| (r, t.target.as_str())))
        .collect();
    spans.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::new();
    let mut at = 0;
    for (range, target) in spans {
        if range.start < at {
            continue;
        }
        out.push_str(&piece(&text[at..range.start]));
        out.push_str(target);
        at = range.end;
    }
    out.push_str(&piece(&text[at..]));
    format!("{prefix}{out}")
}

/// `answer` with each entry of `terms` that `source` has written as its source term instead
/// of its required translation.
fn ignoring(source: &str, answer: &str, terms: &[Term]) -> String {
    let mut answer = answer.to_owned();
    for term in terms.iter().filter(|t| t.occurs_in(source)) {
        let reversed = Term {
            source: term.target.clone(),
            target: term.source.clone(),
            case_sensitive: term.case_sensitive,
        };
        for range in reversed.spans_in(&answer).into_iter().rev() {
            answer.replace_range(range, &term.source);
        }
    }
    answer
}

/// `answer` with each capitalized word of four letters or more that `source` has too spelt
/// otherwise: its first vowel after the first letter swapped.
fn drifted(source: &str, answer: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let kept = word.chars().count() >= 4
            && word.chars().next().is_some_and(char::is_uppercase)
            && source.contains(word.as_str());
        out.push_str(&if kept { respelt(word) } else { word.clone() });
        word.clear();
    };
    for c in answer.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `word` with its first vowel after the first letter swapped (`a`↔`e`, `i`→`y`, `o`↔`u`,
/// `y`→`i`).
fn respelt(word: &str) -> String {
    let mut swapped = false;
    word.chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 || swapped {
                return c;
            }
            let other = match c {
                'a' => 'e',
                'e' => 'a',
                'i' => 'y',
                'o' => 'u',
                'u' => 'o',
                'y' => 'i',
                _ => return c,
            };
            swapped = true;
            other
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pseudo_translation_keeps_the_required_translations() {
        let text = "Die Regierung in Kiew sagte, Kiews Haltung bleibe.";
        let answer = keeping(
            LanguageCode::DE,
            LanguageCode::EN,
            text,
            &[Term::new("Kiew", "Kyiv")],
        );
        assert!(answer.starts_with("[mock de→en] "), "{answer}");
        assert_eq!(answer.matches("Kyiv").count(), 2, "{answer}");
        assert!(
            !answer.contains("Kiew") && answer.ends_with('.'),
            "{answer}"
        );
        assert!(Term::new("Kiew", "Kyiv").is_rendered_in(&answer));
    }

    #[test]
    fn ignoring_puts_the_source_term_back_and_drift_respells_kept_names() {
        let source = "Rutte sprach in Kiew.";
        let answer = ignoring(
            source,
            "Rutte spoke in Kyiv’s capital.",
            &[Term::new("Kiew", "Kyiv")],
        );
        assert_eq!(answer, "Rutte spoke in Kiew’s capital.");
        assert_eq!(
            drifted(source, "Rutte spoke in Kyiv."),
            "Rotte spoke in Kyiv."
        );
        assert_eq!(respelt("Witkoff"), "Wytkoff");
    }
}
