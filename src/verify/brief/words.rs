//! Words as the brief's checks see them: splitting, counting, stems, names, the vocabulary of
//! placeholders and the words that report a statement.
//!
//! Pure and language-light. A *word* is a run of letters, digits and combining marks; anything
//! else (spaces, punctuation, hyphens, apostrophes) separates words, so `NATO-Beitritt` is
//! `NATO` and `Beitritt`, `Trump’s` is `Trump` and `s`, `l'OTAN` is `l` and `OTAN`. In Han and
//! kana, written without spaces, every character is a word of its own; [`word_count`] counts
//! two of them as one word. Comparisons are case-insensitive.

use std::collections::HashSet;

use unicode_normalization::char::is_combining_mark;

use crate::ingest::is_spaceless_script;
use crate::language::LanguageCode;

/// Letters a word needs to count as a content word, and the length of its stem: two words
/// share a stem when they begin with the same five letters (`Präsident`, `Präsidenten`;
/// `Waffenstillstand`, `Waffenstillstandsvorschlag`; `Putin`, `Putins`).
pub const STEM_LETTERS: usize = 5;

/// Letters an inflected name may add to the name as written (`Putin` → `Putins`, `Путина`,
/// `NATO` → `NATOs`).
pub const NAME_SUFFIX_LETTERS: usize = 2;

/// Han or kana characters that count as one word.
pub const CJK_CHARS_PER_WORD: usize = 2;

/// Words that, alone or together, are no text: the field names of the reply's JSON shape, the
/// placeholders of templates and schemas, and the few words that glue them ("source text in
/// German"). Compared lowercase, word by word (`n/a` is `n` and `a`, `source_language` is
/// `source` and `language`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "source",
    "target",
    "headline",
    "title",
    "point",
    "points",
    "key",
    "paragraph",
    "paragraphs",
    "entity",
    "entities",
    "name",
    "role",
    "text",
    "id",
    "ids",
    "task",
    "brief",
    "summary",
    "language",
    "translation",
    "original",
    "string",
    "value",
    "example",
    "placeholder",
    "null",
    "none",
    "nil",
    "undefined",
    "n",
    "a",
    "na",
    "tbd",
    "todo",
    "xxx",
    "lorem",
    "ipsum",
    "the",
    "in",
    "of",
    "here",
    "k",
];

/// Words that report a statement (`sagte`, `said`, `a déclaré`), in the fixtures' languages:
/// German, English, French. Compared lowercase, as whole words.
const REPORTING_WORDS: &[&str] = &[
    // German
    "sagte",
    "sagten",
    "sagt",
    "gesagt",
    "erklärte",
    "erklärten",
    "erklärt",
    "betonte",
    "betonten",
    "betont",
    "bestätigte",
    "bestätigten",
    "bestätigt",
    "meinte",
    "ergänzte",
    "antwortete",
    "teilte",
    "warnte",
    "kündigte",
    "versicherte",
    "behauptete",
    "berichtete",
    "räumte",
    "äußerte",
    "unterstrich",
    "zufolge",
    "laut",
    // English
    "said",
    "says",
    "told",
    "stated",
    "explained",
    "confirmed",
    "added",
    "announced",
    "warned",
    "noted",
    "insisted",
    "argued",
    "claimed",
    "according",
    "answered",
    "replied",
    "wrote",
    "declared",
    "stressed",
    "emphasized",
    "emphasised",
    "acknowledged",
    // French
    "déclaré",
    "déclare",
    "dit",
    "affirmé",
    "affirme",
    "selon",
    "estime",
    "estimé",
    "expliqué",
    "explique",
    "annoncé",
    "souligné",
    "souligne",
    "précisé",
    "précise",
    "indiqué",
    "indique",
    "assuré",
    "ajouté",
    "ajoute",
    "confirmé",
    "rappelé",
    "dénoncent",
    "dénonce",
];

/// One word of a text: where it starts, and whether it is a Han or kana character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as written.
    pub text: &'a str,
    /// Byte offset in the text.
    pub at: usize,
    /// A single Han or kana character.
    pub cjk: bool,
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let cjk = c.is_alphanumeric() && is_spaceless_script(c);
        if !cjk && (c.is_alphanumeric() || is_combining_mark(c)) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(at) = start.take() {
            out.push(Word {
                text: &text[at..i],
                at,
                cjk: false,
            });
        }
        if cjk {
            out.push(Word {
                text: &text[i..i + c.len_utf8()],
                at: i,
                cjk: true,
            });
        }
    }
    if let Some(at) = start {
        out.push(Word {
            text: &text[at..],
            at,
            cjk: false,
        });
    }
    out
}

/// The words of `text`, lowercase.
pub fn lower_words(text: &str) -> Vec<String> {
    words(text).iter().map(|w| w.text.to_lowercase()).collect()
}

/// How many words `text` has: every word outside Han and kana, plus one for every
/// [`CJK_CHARS_PER_WORD`] Han or kana characters.
pub fn word_count(text: &str) -> usize {
    let all = words(text);
    let cjk = all.iter().filter(|w| w.cjk).count();
    all.len() - cjk + cjk / CJK_CHARS_PER_WORD
}

/// The share of words two key points may have in common before one repeats the other:
/// shared distinct words over all distinct words of both (punctuation and case aside).
pub const REPEAT_SHARE: f64 = 0.8;

/// Whether `later` says what `earlier` says: the same lowercase words, or nearly
/// ([`REPEAT_SHARE`]), as a small model writes a point again with one verb changed.
pub fn repeats(later: &str, earlier: &str) -> bool {
    let set = |text: &str| -> std::collections::BTreeSet<String> {
        lower_words(text).into_iter().collect()
    };
    let (a, b) = (set(later), set(earlier));
    if a.is_empty() || b.is_empty() {
        return a == b;
    }
    let shared = a.intersection(&b).count();
    let all = a.union(&b).count();
    shared as f64 / all as f64 >= REPEAT_SHARE
}

/// Whether `text` is no text: it has no word of two letters or more (nor a Han or kana
/// character), it is wrapped in angle brackets (`<headline in German>`) or holds a template
/// variable (`{{ source }}`), or every word of it is a field name, a placeholder or the name
/// or code of one of `languages` (`source`, `n/a`, `TBD`, `…`, `source text in German`).
pub fn is_placeholder(text: &str, languages: [LanguageCode; 2]) -> bool {
    let trimmed = text.trim();
    if trimmed.starts_with('<') && trimmed.ends_with('>') || trimmed.contains("{{") {
        return true;
    }
    let all = words(trimmed);
    let real = |w: &Word<'_>| w.cjk || w.text.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    if !all.iter().any(real) {
        return true;
    }
    all.iter().all(|w| {
        let lower = w.text.to_lowercase();
        PLACEHOLDER_WORDS.contains(&lower.as_str())
            || languages
                .iter()
                .any(|l| lower == l.as_str() || lower == l.name().to_lowercase())
    })
}

/// Whether `word` (lowercase) reports a statement.
pub fn is_reporting(word: &str) -> bool {
    REPORTING_WORDS.contains(&word)
}

/// Whether `word` is an acronym: two or more letters, all capitals (`NATO`, `USA`, `TV`).
pub fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether the word `written` (lowercase) is `key` (lowercase), maybe inflected: the same, or
/// `key` of three letters or more followed by at most [`NAME_SUFFIX_LETTERS`] letters.
pub fn is_inflection_of(written: &str, key: &str) -> bool {
    written == key
        || key.chars().count() >= 3
            && written
                .strip_prefix(key)
                .is_some_and(|rest| rest.chars().count() <= NAME_SUFFIX_LETTERS)
}

/// A person's or organisation's name, as the words that identify it: those of three letters or
/// more that begin with a capital and are not stop words (`Mark`, `Rutte`; `Leyen` of `Ursula
/// von der Leyen`; `Linke` of `Die Linke`), else those of three letters or more that are not
/// stop words, else those of three letters or more, else all of them (`EU`). A Han or kana
/// name is one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The keys, lowercase.
    keys: Vec<String>,
}

impl Name {
    /// The keys of `name`; `stop` holds the stop words of the brief's two languages.
    pub fn of(name: &str, stop: &HashSet<&str>) -> Name {
        let all = words(name);
        if all.iter().any(|w| w.cjk) {
            let key: String = all.iter().filter(|w| w.cjk).map(|w| w.text).collect();
            return Name { keys: vec![key] };
        }
        let long = |w: &&Word<'_>| w.text.chars().count() >= 3;
        let capital = |w: &&Word<'_>| w.text.chars().next().is_some_and(char::is_uppercase);
        let not_stop = |w: &&Word<'_>| !stop.contains(w.text.to_lowercase().as_str());
        let choices: [&dyn Fn(&&Word<'_>) -> bool; 4] = [
            &|w| long(w) && capital(w) && not_stop(w),
            &|w| long(w) && not_stop(w),
            &long,
            &|_| true,
        ];
        let chosen = choices
            .iter()
            .map(|keep| all.iter().filter(|w| keep(w)).collect::<Vec<_>>())
            .find(|chosen| !chosen.is_empty())
            .unwrap_or_default();
        Name {
            keys: chosen.iter().map(|w| w.text.to_lowercase()).collect(),
        }
    }

    /// Whether the name has any key at all (a name of letters or digits).
    pub fn is_some(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Whether `text` (with its [`lower_words`]) names it: one of its keys is a word of the text,
    /// maybe inflected ([`is_inflection_of`]); a Han or kana key occurs anywhere in the text.
    pub fn occurs_in(&self, text: &str, lower: &[String]) -> bool {
        self.keys.iter().any(|key| {
            if key.chars().any(is_spaceless_script) {
                text.contains(key.as_str())
            } else {
                lower.iter().any(|w| is_inflection_of(w, key))
            }
        })
    }

    /// Whether the word `lower` (lowercase) is one of the name's keys, maybe inflected.
    pub fn is_named_by(&self, lower: &str) -> bool {
        self.keys.iter().any(|key| is_inflection_of(lower, key))
    }
}

/// What a text is about, as tokens another text can share: the stems of its words of
/// [`STEM_LETTERS`] letters or more that are not stop words of its language, its acronyms, and
/// pairs of adjacent Han or kana characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Token {
    /// The first [`STEM_LETTERS`] letters of a long word, lowercase.
    Stem(String),
    /// An acronym, lowercase.
    Acronym(String),
    /// Two adjacent Han or kana characters.
    Pair(String),
}

impl Token {
    /// Whether `text` (with its [`lower_words`]) has this token.
    pub fn occurs_in(&self, text: &str, lower: &[String]) -> bool {
        match self {
            Token::Stem(stem) => lower.iter().any(|w| w.starts_with(stem.as_str())),
            Token::Acronym(acronym) => lower.iter().any(|w| is_inflection_of(w, acronym)),
            Token::Pair(pair) => text.contains(pair.as_str()),
        }
    }
}

/// The stop words of `languages` (none for a language the lists lack).
pub fn stop_words(languages: &[LanguageCode]) -> HashSet<&'static str> {
    languages
        .iter()
        .flat_map(|l| stop_words::lookup(l.as_str()).unwrap_or_default())
        .copied()
        .collect()
}

/// The content [`Token`]s of `text`, each once, in order.
pub fn content_tokens(text: &str, stop: &HashSet<&str>) -> Vec<Token> {
    let all = words(text);
    let mut tokens: Vec<Token> = Vec::new();
    for (i, word) in all.iter().enumerate() {
        let token = if word.cjk {
            all.get(i + 1)
                .filter(|next| next.cjk && next.at == word.at + word.text.len())
                .map(|next| Token::Pair(format!("{}{}", word.text, next.text)))
        } else if is_acronym(word.text) {
            Some(Token::Acronym(word.text.to_lowercase()))
        } else {
            let lower = word.text.to_lowercase();
            let letters = lower.chars().filter(|c| c.is_alphabetic()).count();
            (letters >= STEM_LETTERS && !stop.contains(lower.as_str()))
                .then(|| Token::Stem(lower.chars().take(STEM_LETTERS).collect()))
        };
        if let Some(token) = token
            && !tokens.contains(&token)
        {
            tokens.push(token);
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        words(text).iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_split_at_hyphens_apostrophes_and_each_han_character() {
        assert_eq!(
            texts("Trump’s NATO-Beitritt, l'OTAN: 30-tägigen"),
            [
                "Trump", "s", "NATO", "Beitritt", "l", "OTAN", "30", "tägigen"
            ]
        );
        assert_eq!(
            texts("北约秘书长 said"),
            ["北", "约", "秘", "书", "长", "said"]
        );
        assert_eq!(texts("नमस्ते दुनिया"), ["नमस्ते", "दुनिया"]);
    }

    #[test]
    fn two_han_characters_count_as_one_word() {
        assert_eq!(word_count("Rutte lehnt ab."), 3);
        assert_eq!(word_count("乌克兰加入北约的问题"), 5);
        assert_eq!(word_count("  "), 0);
    }

    #[test]
    fn placeholders_field_names_and_example_values_are_no_text() {
        let pair = [LanguageCode::DE, LanguageCode::EN];
        for text in [
            "source",
            "Target",
            "\"headline\"",
            "…",
            "...",
            "n/a",
            "TBD",
            "string",
            "<Überschrift auf Deutsch>",
            "a",
            "K",
            "source_language",
            "Source text in German",
            "The headline (English)",
            "{{ source }}",
            "-",
        ] {
            assert!(is_placeholder(text, pair), "{text}");
        }
        for text in [
            "US-Präsident",
            "Dutch Prime Minister",
            "NATO",
            "Kanzler",
            "吕特",
        ] {
            assert!(!is_placeholder(text, pair), "{text}");
        }
    }

    #[test]
    fn names_match_inflected_and_case_insensitively() {
        let stop = stop_words(&[LanguageCode::DE]);
        let putin = Name::of("Wladimir Putin", &stop);
        let text = "Trumps Gesandter traf PUTINS Berater.";
        assert!(putin.occurs_in(text, &lower_words(text)));
        let text = "Die Putinversteher sprachen.";
        assert!(!putin.occurs_in(text, &lower_words(text)));
        let leyen = Name::of("Ursula von der Leyen", &stop);
        let text = "von der Leyens Kommission";
        assert!(leyen.occurs_in(text, &lower_words(text)));
        let text = "der von";
        assert!(!leyen.occurs_in(text, &lower_words(text)));
        assert!(Name::of("EU", &stop).is_named_by("eu"));
        let linke = Name::of("Die Linke", &stop);
        assert!(!linke.is_named_by("die") && linke.is_named_by("linken"));
        let han = Name::of("吕特", &stop);
        assert!(han.occurs_in("北约秘书长吕特表示", &[]));
    }

    #[test]
    fn content_tokens_are_long_word_stems_acronyms_and_han_pairs() {
        let stop = stop_words(&[LanguageCode::DE]);
        let tokens = content_tokens("Die NATO wird möglicherweise beratend tätig sein", &stop);
        assert_eq!(
            tokens,
            [
                Token::Acronym("nato".into()),
                Token::Stem("mögli".into()),
                Token::Stem("berat".into()),
                Token::Stem("tätig".into()),
            ]
        );
        let text = "Waffenstillstandsvorschlag der Präsidenten";
        let lower = lower_words(text);
        assert!(Token::Stem("waffe".into()).occurs_in(text, &lower));
        assert!(Token::Stem("präsi".into()).occurs_in(text, &lower));
        assert_eq!(
            content_tokens("北约秘书", &stop),
            [
                Token::Pair("北约".into()),
                Token::Pair("约秘".into()),
                Token::Pair("秘书".into())
            ]
        );
    }

    #[test]
    fn reporting_words_and_acronyms() {
        assert!(is_reporting("erklärte") && is_reporting("said") && is_reporting("selon"));
        assert!(!is_reporting("Erklärte"), "compared lowercase");
        assert!(is_acronym("NATO") && is_acronym("TV") && is_acronym("USA"));
        assert!(!is_acronym("A") && !is_acronym("Nato") && !is_acronym("G7"));
    }
}
