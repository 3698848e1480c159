//! Glossaries: how a term must come out in a translation, as the user wrote it down.
//!
//! Owns the [`Term`] (a source term, its required translation, whether case counts), finding
//! a term in a text ([`Term::occurs_in`], [`Term::is_rendered_in`]) and the [`Glossaries`] of a
//! run, one per file ([`file`](mod@file) reads and writes them). Pure apart from [`file::load`]; it knows
//! nothing of providers or checks: the planner picks the terms of each chunk, the protocols
//! carry them, `verify` holds translations to them.
//!
//! **How a term is found.** A text and a term are split into words (runs of letters, digits
//! and combining marks; anything else, hyphens and apostrophes included, separates words, so
//! `NATO-Beitritt` holds `NATO` and `Kiew's` holds `Kiew`). The term occurs where its words
//! stand one after the other in the text, each either as written or followed by one of the
//! endings in [`ENDINGS`] (German declension: `Kiews`, `Kiewer`, `Europäischen Union`,
//! `Präsidenten`; English plurals and `Kyiv's`). A word of three letters or fewer takes only
//! `s` (`EUs`), so `Rat` does not match `Rate`. Words are compared ignoring case unless the
//! entry is case-sensitive; then the word must match as written and only its ending may
//! differ. Not matched: a term inside a closed compound (`Kiew` in `Kiewreise`), plurals that
//! change the stem (`Vertrag` → `Verträge`), English `y` → `ies`. Text in Han, kana or
//! Hangul, which has no spaces, is searched for the term as it is.

pub mod file;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::language::LanguageCode;

/// Endings a term's word may take in a text, longest first: German declension of nouns,
/// names and adjectives (`-s`, `-es`, `-n`, `-en`, `-ns`, `-e`, `-er`, `-em`), which covers
/// the English plural `-s`/`-es` too.
pub const ENDINGS: [&str; 8] = ["es", "en", "ns", "er", "em", "s", "n", "e"];

/// A term's word of at most this many letters takes only the ending `s`.
const SHORT_WORD: usize = 3;

/// One glossary entry: a source term and the translation it must get.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Term {
    /// The term as it stands in the article's language (`Kiew`).
    pub source: String,
    /// Its required translation (`Kyiv`).
    pub target: String,
    /// Whether case counts, on both sides (`AfD`, `Die Linke`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_sensitive: bool,
}

impl Term {
    /// An entry that ignores case.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Term {
        Term {
            source: source.into(),
            target: target.into(),
            case_sensitive: false,
        }
    }

    /// Whether `text` (a source paragraph) contains the source term, maybe inflected.
    pub fn occurs_in(&self, text: &str) -> bool {
        !find(&self.source, text, self.case_sensitive).is_empty()
    }

    /// Whether `text` (a translation) contains the required translation, maybe inflected.
    pub fn is_rendered_in(&self, text: &str) -> bool {
        !find(&self.target, text, self.case_sensitive).is_empty()
    }

    /// Where the source term occurs in `text`, as byte ranges, in order.
    pub fn spans_in(&self, text: &str) -> Vec<Range<usize>> {
        find(&self.source, text, self.case_sensitive)
    }

    /// `Kiew → Kyiv`, as prompts and messages show an entry.
    pub fn describe(&self) -> String {
        format!("{} → {}", self.source, self.target)
    }
}

/// One glossary file: its language pair and its entries, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glossary {
    /// Where it was read from (or `-` for text given in memory), for messages.
    pub origin: String,
    /// The language of the first column.
    pub source: LanguageCode,
    /// The language of the second column.
    pub target: LanguageCode,
    /// The entries, each source term once.
    pub terms: Vec<Term>,
}

/// The glossaries of a run, in the order they were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossaries(pub Vec<Glossary>);

impl Glossaries {
    /// Whether no glossary was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries for translating `source` into `target`: those of every glossary for that
    /// pair, in order; a source term given again by a later file is left out (the first file
    /// wins). A glossary for the opposite direction is not used: a term may have several
    /// translations, and turning the file around would pick one at random.
    pub fn terms_for(&self, source: LanguageCode, target: LanguageCode) -> Vec<Term> {
        let mut terms: Vec<Term> = Vec::new();
        for glossary in self
            .0
            .iter()
            .filter(|g| g.source == source && g.target == target)
        {
            for term in &glossary.terms {
                if !terms.iter().any(|t| same_source(t, term)) {
                    terms.push(term.clone());
                }
            }
        }
        terms
    }

    /// The pairs the glossaries are for, as `de→en`, for messages.
    pub fn pairs(&self) -> Vec<String> {
        let mut pairs: Vec<String> = Vec::new();
        for glossary in &self.0 {
            let pair = format!("{}→{}", glossary.source, glossary.target);
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
        pairs
    }
}

/// Whether two entries are for the same source term (compared ignoring case unless either is
/// case-sensitive).
pub fn same_source(a: &Term, b: &Term) -> bool {
    if a.case_sensitive || b.case_sensitive {
        a.source == b.source
    } else {
        a.source.to_lowercase() == b.source.to_lowercase()
    }
}

/// Whether two words are the same word, maybe inflected: equal ignoring case, or one is the
/// other with one of the [`ENDINGS`] (`Kyiv` and `Kyivs`, `Kiew` and `Kiews`).
pub fn same_word(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    is_form_of(&long, &short, true)
}

/// The terms of `terms` whose source occurs in any of `texts`, in order.
pub fn terms_in<'a>(terms: &[Term], texts: impl IntoIterator<Item = &'a str> + Clone) -> Vec<Term> {
    terms
        .iter()
        .filter(|term| texts.clone().into_iter().any(|text| term.occurs_in(text)))
        .cloned()
        .collect()
}

/// A word of a text: its byte range.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(at) = start.take() {
            out.push(at..i);
        }
    }
    if let Some(at) = start {
        out.push(at..text.len());
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// Whether `text` has a character of a script written without spaces (Han, kana, Hangul).
fn is_spaceless(text: &str) -> bool {
    text.chars()
        .any(|c| crate::ingest::is_spaceless_script(c) || matches!(c as u32, 0xAC00..=0xD7AF))
}

/// The byte ranges where `term` occurs in `text` (see the module docs).
fn find(term: &str, text: &str, case_sensitive: bool) -> Vec<Range<usize>> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_owned()
        } else {
            s.to_lowercase()
        }
    };
    if is_spaceless(term) {
        let (mut needle, mut hay) = (fold(term.trim()), fold(text));
        if hay.len() != text.len() {
            // Lowercasing moved the bytes: match as written, so the spans stay true.
            (needle, hay) = (term.trim().to_owned(), text.to_owned());
        }
        if needle.is_empty() {
            return Vec::new();
        }
        return hay
            .match_indices(&needle)
            .map(|(at, m)| at..at + m.len())
            .collect();
    }
    let wanted: Vec<String> = words(term).into_iter().map(|r| fold(&term[r])).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let found = words(text);
    let mut spans = Vec::new();
    let mut i = 0;
    while i + wanted.len() <= found.len() {
        let matches = wanted
            .iter()
            .zip(&found[i..])
            .all(|(want, range)| is_form_of(&text[range.clone()], want, case_sensitive));
        if matches {
            spans.push(found[i].start..found[i + wanted.len() - 1].end);
            i += wanted.len();
        } else {
            i += 1;
        }
    }
    spans
}

/// Whether the text's word `written` is the term's word `want` (already case-folded unless
/// case-sensitive), maybe with one of the [`ENDINGS`].
fn is_form_of(written: &str, want: &str, case_sensitive: bool) -> bool {
    let written = if case_sensitive {
        written.to_owned()
    } else {
        written.to_lowercase()
    };
    let Some(rest) = written.strip_prefix(want) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    if want.chars().count() <= SHORT_WORD {
        return rest == "s";
    }
    ENDINGS.contains(&rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_inflected_forms_match_and_closed_compounds_do_not() {
        let kiew = Term::new("Kiew", "Kyiv");
        for text in [
            "in Kiew.",
            "die Zustimmung Kiews",
            "Kiew's Haltung",
            "die Kiewer Regierung",
            "ein KIEW-Besuch",
        ] {
            assert!(kiew.occurs_in(text), "{text}");
        }
        for text in ["Kiewreise", "Kie w", "Kiewerin"] {
            assert!(!kiew.occurs_in(text), "{text}");
        }
        let union = Term::new("Europäische Union", "European Union");
        assert!(union.occurs_in("der Europäischen Union zufolge"));
        assert!(!union.occurs_in("die Europäische Kommission und die Union"));
    }

    #[test]
    fn short_words_take_only_s_and_targets_match_inflected_too() {
        let rat = Term::new("Rat", "council");
        assert!(rat.occurs_in("der Rat tagte") && rat.occurs_in("des Rats"));
        assert!(!rat.occurs_in("die Rate") && !rat.occurs_in("der Rater"));
        let kiew = Term::new("Kiew", "Kyiv");
        assert!(kiew.is_rendered_in("Kyiv’s NATO ambitions"));
        assert!(!kiew.is_rendered_in("Kiev’s NATO ambitions"));
    }

    #[test]
    fn case_sensitive_entries_match_only_as_written() {
        let afd = Term {
            case_sensitive: true,
            ..Term::new("AfD", "AfD")
        };
        assert!(afd.occurs_in("die AfD sagte") && afd.occurs_in("der AfDs"));
        assert!(!afd.occurs_in("die AFD sagte") && !afd.is_rendered_in("the afd said"));
        assert!(Term::new("AfD", "AfD").occurs_in("die AFD"));
    }

    #[test]
    fn spans_cover_multi_word_terms_and_spaceless_scripts() {
        let text = "Laut Europäischen Union und Europäische Union.";
        let spans = Term::new("Europäische Union", "EU").spans_in(text);
        let found: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found, ["Europäischen Union", "Europäische Union"]);
        let text = "北约秘书长在布鲁塞尔表示";
        let spans = Term::new("布鲁塞尔", "Brüssel").spans_in(text);
        assert_eq!(
            spans.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(),
            ["布鲁塞尔"]
        );
    }

    #[test]
    fn a_pair_takes_its_own_glossaries_and_the_first_file_wins() {
        let glossary = |source: LanguageCode, target, terms| Glossary {
            origin: "g".into(),
            source,
            target,
            terms,
        };
        let all = Glossaries(vec![
            glossary(
                LanguageCode::DE,
                LanguageCode::EN,
                vec![Term::new("Kiew", "Kyiv")],
            ),
            glossary(
                LanguageCode::EN,
                LanguageCode::DE,
                vec![Term::new("Kyiv", "Kiew")],
            ),
            glossary(
                LanguageCode::DE,
                LanguageCode::EN,
                vec![Term::new("kiew", "Kiev"), Term::new("Rat", "council")],
            ),
        ]);
        assert_eq!(
            all.terms_for(LanguageCode::DE, LanguageCode::EN),
            [Term::new("Kiew", "Kyiv"), Term::new("Rat", "council")]
        );
        assert_eq!(all.pairs(), ["de→en", "en→de"]);
        let in_text = terms_in(
            &all.terms_for(LanguageCode::DE, LanguageCode::EN),
            ["Der Rat."],
        );
        assert_eq!(in_text, [Term::new("Rat", "council")]);
    }
}
