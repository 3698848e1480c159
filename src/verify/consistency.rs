//! Consistency across an article: do its terms come out as the glossary says, and does each
//! name come out the same way in every paragraph?
//!
//! Pure, like the other fidelity checks, and reported as [`Check`]s:
//!
//! - `term_mismatch` ([`term_mismatches`]): a glossary entry whose source term occurs in a
//!   paragraph (inflected or not, see [`crate::glossary`]) but whose required translation
//!   does not occur in the paragraph's translation. The detail is the entry (`Kiew → Kyiv`).
//! - `name_drift` ([`name_drift`]): a name of the source translated one way in most
//!   paragraphs and another way in some. Names are found by capitalization, not by the
//!   brief's entity extraction: the brief exists only with `--brief`, comes from a model that
//!   may be wrong, and is written after the translation, while this check must also run on a
//!   saved result (`diglot check`). A *name candidate* is a source word of at least
//!   [`MIN_NAME_LETTERS`] letters that begins with a capital, has no digit, is not a stop
//!   word of either language and stands somewhere in the article other than at the start of a
//!   sentence (so `Bevor` at a sentence's start is not taken for a name); inflected forms are one candidate (`Kiew`, `Kiews`, `Kiewer`:
//!   [`crate::glossary::same_word`]). In German every noun is capitalized too, so a
//!   candidate counts as a name only where the translation of a paragraph that has it holds
//!   a *similar* word written with a capital: similar means both a Jaro-Winkler similarity of
//!   at least [`MIN_SIMILARITY`] and a normalized Levenshtein similarity of at least
//!   [`MIN_EDIT_SIMILARITY`] between the two words' skeletons (lowercase, accents and `ß`
//!   folded, `w`→`v`, `y` and `j`→`i`, `k` and `q`→`c`, `z`→`s`, doubled letters once:
//!   `Kiew` ≈ `Kyiv` ≈ `Kiev`, `Moskau` ≈ `Moscow`, `Selenskyj` ≈ `Zelensky`), so that
//!   `Waffenstillstand` (→ `ceasefire`) is no name. The renderings of a name are grouped as
//!   words (`Kyiv` and `Kyiv’s` are one), and the group found in most paragraphs (the
//!   earliest on a tie) is its translation. A paragraph *drifts* when its translation holds
//!   no word of that group, in any case, but a capitalized word of another group (a paragraph
//!   whose translation is its source again is left to the `untranslated` check). Languages
//!   without capital letters (Chinese, Japanese, Korean, Arabic, Hebrew, Persian, Thai, Hindi,
//!   Urdu) on either side are not checked. A name translated as a whole phrase
//!   (`Bundesregierung` → `federal government`) is not seen.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::brief::words::{stop_words, words};
use super::fidelity::{Check, CheckKind, Pair};
use crate::glossary::{Term, same_word};
use crate::ingest::ParagraphId;
use crate::language::LanguageCode;

/// A name candidate has at least this many letters.
pub const MIN_NAME_LETTERS: usize = 3;

/// Jaro-Winkler similarity of skeletons from which two words are similar.
pub const MIN_SIMILARITY: f64 = 0.8;

/// Normalized Levenshtein similarity of skeletons from which two words are similar.
pub const MIN_EDIT_SIMILARITY: f64 = 0.5;

/// A word longer than this (in UTF-8 bytes) renders no name: it is not compared, which keeps
/// the check linear on a hostile reply's thousand-letter words.
const MAX_NAME_BYTES: usize = 200;

/// Languages written without capital letters: names cannot be told by their case.
const CASELESS: [&str; 9] = ["zh", "ja", "ko", "ar", "he", "fa", "th", "hi", "ur"];

/// The `term_mismatch` checks of one paragraph: each of `terms` whose source occurs in the
/// paragraph and whose required translation does not occur in its translation.
pub fn term_mismatches(pair: &Pair<'_>, terms: &[Term]) -> Vec<Check> {
    terms
        .iter()
        .filter(|term| term.occurs_in(pair.source) && !term.is_rendered_in(pair.target))
        .map(|term| Check {
            paragraph: pair.id,
            kind: CheckKind::TermMismatch,
            detail: term.describe(),
            sentences: Vec::new(),
        })
        .collect()
}

/// A name of the source and how the translation renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameUse {
    /// The name's shortest form (`Kiew` of `Kiew` and `Kiews`), as the source writes it most
    /// often.
    pub source: String,
    /// Its translation: the rendering found in most paragraphs, as written most often.
    pub rendering: String,
    /// The paragraphs whose source has the name, in order.
    pub paragraphs: Vec<ParagraphId>,
    /// The paragraphs that render it otherwise, with their rendering.
    pub drifted: Vec<(ParagraphId, String)>,
}

impl NameUse {
    /// The name as a glossary entry: its source form and its rendering.
    pub fn as_term(&self) -> Term {
        Term::new(self.source.clone(), self.rendering.clone())
    }
}

/// The `name_drift` checks over a whole article's `pairs` (see the module docs), one per
/// drifting paragraph and name, in paragraph order.
pub fn name_drift(pairs: &[Pair<'_>], source: LanguageCode, target: LanguageCode) -> Vec<Check> {
    let mut checks: Vec<Check> = names(pairs, source, target)
        .into_iter()
        .flat_map(|name| {
            let detail = |rendering: &str| {
                format!(
                    "{} → {rendering}, elsewhere {}",
                    name.source, name.rendering
                )
            };
            name.drifted
                .iter()
                .map(|(id, rendering)| Check {
                    paragraph: *id,
                    kind: CheckKind::NameDrift,
                    detail: detail(rendering),
                    sentences: Vec::new(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    checks.sort_by(|a, b| (a.paragraph, &a.detail).cmp(&(b.paragraph, &b.detail)));
    checks
}

/// A name candidate while it is collected: its forms as written and its paragraphs.
#[derive(Debug, Default)]
struct Candidate {
    /// Lowercase key: the shortest form.
    key: String,
    /// Each written form and how often it occurs.
    written: BTreeMap<String, usize>,
    paragraphs: BTreeSet<ParagraphId>,
}

/// A word of a translation similar to a name.
#[derive(Debug, Clone)]
struct Found {
    written: String,
    capital: bool,
    score: f64,
}

/// The names of the source that the translation renders by a similar word (see the module
/// docs), in the order the source first names them.
pub fn names(pairs: &[Pair<'_>], source: LanguageCode, target: LanguageCode) -> Vec<NameUse> {
    if CASELESS.contains(&source.as_str()) || CASELESS.contains(&target.as_str()) {
        return Vec::new();
    }
    let stop = stop_words(&[source, target]);
    let mut found = Vec::new();
    for candidate in candidates(pairs, &stop) {
        let skeleton = skeleton(&candidate.key);
        let per_paragraph: Vec<(ParagraphId, Vec<Found>)> = candidate
            .paragraphs
            .iter()
            .filter_map(|id| {
                let pair = pairs.iter().find(|p| p.id == *id)?;
                // A paragraph left as it was is the `untranslated` check's, not a drift.
                let texts = |text| words(text).into_iter().map(|w| w.text).collect::<Vec<_>>();
                let left_as_is = texts(pair.source) == texts(pair.target);
                (!left_as_is).then(|| (*id, similar_words(pair.target, &skeleton)))
            })
            .collect();
        if let Some(name) = name_use(&candidate, &per_paragraph) {
            found.push(name);
        }
    }
    found
}

/// The name candidates of the source, grouped by inflection, in the order first seen.
fn candidates(pairs: &[Pair<'_>], stop: &HashSet<&str>) -> Vec<Candidate> {
    let mut all: Vec<Candidate> = Vec::new();
    let mut order: Vec<(String, String, ParagraphId)> = Vec::new();
    let mid_sentence = mid_sentence_words(pairs);
    for pair in pairs {
        for word in words(pair.source) {
            let text = word.text;
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            let lower = text.to_lowercase();
            if word.cjk
                || letters < MIN_NAME_LETTERS
                || text.chars().any(|c| c.is_ascii_digit())
                || !text.chars().next().is_some_and(char::is_uppercase)
                || stop.contains(lower.as_str())
                || !mid_sentence.contains(&lower)
            {
                continue;
            }
            order.push((lower, text.to_owned(), pair.id));
        }
    }
    // Shortest forms first, so that `Kiew` is the key `Kiews` joins.
    let mut forms: Vec<&String> = order.iter().map(|(lower, _, _)| lower).collect();
    forms.sort_by_key(|f| (f.chars().count(), (*f).clone()));
    forms.dedup();
    let mut key_of: BTreeMap<String, usize> = BTreeMap::new();
    for form in forms {
        let existing = all.iter().position(|c| same_word(&c.key, form));
        let index = existing.unwrap_or_else(|| {
            all.push(Candidate {
                key: form.clone(),
                ..Candidate::default()
            });
            all.len() - 1
        });
        key_of.insert(form.clone(), index);
    }
    let mut first_seen: Vec<usize> = Vec::new();
    for (lower, written, id) in order {
        let Some(&index) = key_of.get(&lower) else {
            continue;
        };
        let candidate = &mut all[index];
        *candidate.written.entry(written).or_default() += 1;
        candidate.paragraphs.insert(id);
        if !first_seen.contains(&index) {
            first_seen.push(index);
        }
    }
    let mut taken: Vec<Option<Candidate>> = all.into_iter().map(Some).collect();
    first_seen
        .into_iter()
        .filter_map(|i| taken[i].take())
        .collect()
}

/// The words (lowercase) that the sources write with a capital somewhere other than at the
/// start of a sentence: a word capitalized only there (`Bevor`, `Auch`) is no name.
fn mid_sentence_words(pairs: &[Pair<'_>]) -> HashSet<String> {
    let mut found = HashSet::new();
    for pair in pairs {
        for word in words(pair.source) {
            let before = pair.source[..word.at]
                .trim_end_matches(|c: char| {
                    c.is_whitespace()
                        || matches!(c, '"' | '„' | '“' | '”' | '«' | '»' | '‚' | '‘' | '(' | '[')
                })
                .chars()
                .next_back();
            if before.is_some_and(|c| !matches!(c, '.' | '!' | '?' | ':' | '…')) {
                found.insert(word.text.to_lowercase());
            }
        }
    }
    found
}

/// The words of `target` whose skeleton is similar to `skeleton`, best first.
fn similar_words(target: &str, wanted: &str) -> Vec<Found> {
    let mut found: Vec<Found> = words(target)
        .into_iter()
        .filter(|w| !w.cjk && w.text.len() <= MAX_NAME_BYTES)
        .filter_map(|w| {
            let score = similarity(wanted, &skeleton(w.text))?;
            Some(Found {
                written: w.text.to_owned(),
                capital: w.text.chars().next().is_some_and(char::is_uppercase),
                score,
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    found
}

/// Renderings of a name that are one word: a representative form, the paragraphs holding
/// it, each way it is written and how often, and whether it is ever written with a capital.
type Group = (String, BTreeSet<ParagraphId>, BTreeMap<String, usize>, bool);

/// The name a candidate is, with its translation and the paragraphs that drift; `None` when
/// no paragraph renders it by a similar capitalized word.
fn name_use(candidate: &Candidate, per_paragraph: &[(ParagraphId, Vec<Found>)]) -> Option<NameUse> {
    let mut groups: Vec<Group> = Vec::new();
    for (id, found) in per_paragraph {
        for word in found {
            let at = match groups.iter().position(|g| same_word(&g.0, &word.written)) {
                Some(at) => at,
                None => {
                    groups.push((
                        word.written.clone(),
                        BTreeSet::new(),
                        BTreeMap::new(),
                        false,
                    ));
                    groups.len() - 1
                }
            };
            let group = &mut groups[at];
            group.1.insert(*id);
            *group.2.entry(word.written.clone()).or_default() += 1;
            group.3 |= word.capital;
        }
    }
    let dominant = groups.iter().filter(|g| g.3).max_by(|a, b| {
        (a.1.len(), std::cmp::Reverse(a.1.first()))
            .cmp(&(b.1.len(), std::cmp::Reverse(b.1.first())))
    })?;
    let drifted = per_paragraph
        .iter()
        .filter(|(_, found)| !found.iter().any(|w| same_word(&dominant.0, &w.written)))
        .filter_map(|(id, found)| {
            let other = found.iter().find(|w| w.capital)?;
            Some((*id, other.written.clone()))
        })
        .collect();
    let base: BTreeMap<String, usize> = candidate
        .written
        .iter()
        .filter(|(form, _)| form.to_lowercase() == candidate.key)
        .map(|(form, n)| (form.clone(), *n))
        .collect();
    Some(NameUse {
        source: most_written(&base),
        rendering: most_written(&dominant.2),
        paragraphs: candidate.paragraphs.iter().copied().collect(),
        drifted,
    })
}

/// The form written most often; the shortest, then the first alphabetically, on a tie.
fn most_written(written: &BTreeMap<String, usize>) -> String {
    written
        .iter()
        .max_by(|(a, n), (b, m)| {
            n.cmp(m)
                .then(b.chars().count().cmp(&a.chars().count()))
                .then(b.cmp(a))
        })
        .map(|(form, _)| form.clone())
        .unwrap_or_default()
}

/// The similarity of two skeletons, when they are similar (see the module docs).
fn similarity(a: &str, b: &str) -> Option<f64> {
    let score = strsim::jaro_winkler(a, b);
    (score >= MIN_SIMILARITY && strsim::normalized_levenshtein(a, b) >= MIN_EDIT_SIMILARITY)
        .then_some(score)
}

/// A word's skeleton: lowercase, accents and `ß` folded, the letters that transliterations
/// swap made one, doubled letters once (see the module docs).
fn skeleton(word: &str) -> String {
    let mut out = String::new();
    for c in word.to_lowercase().nfd() {
        let mapped = match c {
            'ß' => "ss",
            'w' => "v",
            'y' | 'j' => "i",
            'k' | 'q' => "c",
            'z' => "s",
            c if unicode_normalization::char::is_combining_mark(c) => "",
            _ => {
                if !out.ends_with(c) {
                    out.push(c);
                }
                continue;
            }
        };
        for m in mapped.chars() {
            if !out.ends_with(m) {
                out.push(m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DE: LanguageCode = LanguageCode::DE;
    const EN: LanguageCode = LanguageCode::EN;

    fn pairs<'a>(texts: &'a [(&'a str, &'a str)]) -> Vec<Pair<'a>> {
        texts
            .iter()
            .zip(1..)
            .map(|((source, target), id)| Pair {
                id: ParagraphId(id),
                source,
                target,
            })
            .collect()
    }

    const ARTICLE: [(&str, &str); 4] = [
        (
            "Eine NATO-Mitgliedschaft Kiews steht nicht zur Debatte, sagte Rutte in Brüssel.",
            "NATO membership for Kyiv is not up for debate, Rutte said in Brussels.",
        ),
        (
            "Moskau sieht in den Ambitionen Kiews eine Ursache des Konflikts.",
            "Moscow sees Kyiv’s ambitions as a cause of the conflict.",
        ),
        (
            "Der Waffenstillstand mit Kiew hält, erklärte Rutte.",
            "The ceasefire with Kiev is holding, Rutte declared.",
        ),
        (
            "Witkoff reiste nach Moskau, um mit Selenskyj zu sprechen.",
            "Witkoff travelled to Moscow to talk to Zelensky.",
        ),
    ];

    #[test]
    fn skeletons_make_transliterations_alike() {
        assert_eq!(skeleton("Kyiv"), "civ");
        assert_eq!(skeleton("Kiew"), "ciev");
        assert_eq!(skeleton("Straße"), "strase");
        assert!(similarity(&skeleton("Kiew"), &skeleton("Kyiv")).is_some());
        assert!(similarity(&skeleton("Moskau"), &skeleton("Moscow")).is_some());
        assert!(similarity(&skeleton("Selenskyj"), &skeleton("Zelensky")).is_some());
        assert!(similarity(&skeleton("Waffenstillstand"), &skeleton("ceasefire")).is_none());
        assert!(similarity(&skeleton("Ministerpräsident"), &skeleton("Minister")).is_none());
    }

    #[test]
    fn a_word_longer_than_any_name_renders_none() {
        // Its skeleton is `rute`, as Rutte's: compared, it would be taken for the name.
        let huge = format!("Ru{}e", "t".repeat(MAX_NAME_BYTES));
        assert_eq!(skeleton(&huge), "rute");
        assert!(similar_words(&huge, &skeleton("Rutte")).is_empty());
        let fitting = format!("Ru{}e", "t".repeat(MAX_NAME_BYTES - 3));
        assert_eq!(similar_words(&fitting, &skeleton("Rutte")).len(), 1);
    }

    #[test]
    fn a_name_translated_two_ways_drifts_where_it_differs_from_most() {
        let checks = name_drift(&pairs(&ARTICLE), DE, EN);
        assert_eq!(
            checks,
            [Check {
                paragraph: ParagraphId(3),
                kind: CheckKind::NameDrift,
                detail: "Kiew → Kiev, elsewhere Kyiv".into(),
                sentences: Vec::new(),
            }]
        );
    }

    #[test]
    fn names_are_found_with_their_renderings_and_common_nouns_are_not() {
        let found = names(&pairs(&ARTICLE), DE, EN);
        let summary: Vec<(&str, &str)> = found
            .iter()
            .map(|n| (n.source.as_str(), n.rendering.as_str()))
            .collect();
        for expected in [("Kiew", "Kyiv"), ("Rutte", "Rutte"), ("Moskau", "Moscow")] {
            assert!(summary.contains(&expected), "{summary:?}");
        }
        assert!(
            !summary.iter().any(|(s, _)| *s == "Waffenstillstand"),
            "{summary:?}"
        );
        assert!(
            !summary.iter().any(|(s, _)| *s == "Konflikts"),
            "{summary:?}"
        );
    }

    #[test]
    fn a_consistent_translation_and_caseless_languages_have_no_drift() {
        let mut clean = ARTICLE;
        clean[2].1 = "The ceasefire with Kyiv is holding, Rutte declared.";
        assert_eq!(name_drift(&pairs(&clean), DE, EN), []);
        let zh: LanguageCode = "zh".parse().expect("code");
        assert_eq!(name_drift(&pairs(&ARTICLE), DE, zh), []);
    }

    #[test]
    fn a_glossary_term_missing_from_the_translation_is_a_mismatch() {
        let kiew = Term::new("Kiew", "Kyiv");
        let all = pairs(&ARTICLE);
        assert_eq!(term_mismatches(&all[1], std::slice::from_ref(&kiew)), []);
        let found = term_mismatches(&all[2], std::slice::from_ref(&kiew));
        assert_eq!(
            found,
            [Check {
                paragraph: ParagraphId(3),
                kind: CheckKind::TermMismatch,
                detail: "Kiew → Kyiv".into(),
                sentences: Vec::new(),
            }]
        );
        assert_eq!(term_mismatches(&all[3], &[kiew]), []);
    }
}
