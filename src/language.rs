//! Language codes: the ISO 639-1 code that names a source or target language.
//!
//! Owns parsing (only codes ISO 639-1 assigns) and naming of codes. It does not detect anything (that is `detect`), and a code
//! being valid here says nothing about whether the detector has a model for it: a translation
//! may target any language the provider knows, while detection covers a compiled-in set.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A lowercase two-letter ISO 639-1 language code such as `de` or `en`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode([u8; 2]);

/// English names of the languages diglot is most often asked for; other codes display as the
/// code itself.
const NAMES: &[(&str, &str)] = &[
    ("ar", "Arabic"),
    ("bg", "Bulgarian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("nb", "Norwegian Bokmål"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sv", "Swedish"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
];

/// Scripts written right to left, for renderers that need `dir="rtl"`.
const RIGHT_TO_LEFT: &[&str] = &["ar", "fa", "he", "ur"];

impl LanguageCode {
    /// English.
    pub const EN: LanguageCode = LanguageCode(*b"en");
    /// German.
    pub const DE: LanguageCode = LanguageCode(*b"de");

    /// The code as a two-letter string.
    pub fn as_str(&self) -> &str {
        // Invariant: both bytes are ASCII lowercase letters (checked in `from_str`).
        std::str::from_utf8(&self.0).expect("language codes are ASCII")
    }

    /// The English name of the language: diglot's short one for the common languages, else
    /// ISO 639's (without its qualifier, so `Swahili`, not `Swahili (macrolanguage)`).
    pub fn name(&self) -> &str {
        NAMES
            .iter()
            .find(|(code, _)| *code == self.as_str())
            .map(|(_, name)| *name)
            .or_else(|| {
                let iso = isolang::Language::from_639_1(self.as_str())?.to_name();
                Some(iso.split(" (").next().unwrap_or(iso))
            })
            .unwrap_or(self.as_str())
    }

    /// The ISO 639-1 code of a language named by its ISO 639-3 code (`swe` → `sv`), when it has
    /// one: whatlang names languages that way.
    pub fn from_639_3(code: &str) -> Option<LanguageCode> {
        isolang::Language::from_639_3(code)?
            .to_639_1()?
            .parse()
            .ok()
    }

    /// Every ISO 639-1 code with its English name, sorted by code (for completions).
    pub fn all() -> Vec<(LanguageCode, String)> {
        let mut all: Vec<(LanguageCode, String)> = isolang::languages()
            .filter_map(|l| l.to_639_1()?.parse::<LanguageCode>().ok())
            .map(|code| (code, code.name().to_owned()))
            .collect();
        all.sort_by_key(|(code, _)| *code);
        all.dedup_by_key(|(code, _)| *code);
        all
    }

    /// Whether the language is written right to left.
    pub fn is_right_to_left(&self) -> bool {
        RIGHT_TO_LEFT.contains(&self.as_str())
    }

    /// What goes between two sentences in this language's script: nothing in Chinese and
    /// Japanese, whose full stops (`。`) end a sentence without a space; a space elsewhere.
    pub fn sentence_separator(&self) -> &'static str {
        if SPACELESS.contains(&self.as_str()) {
            ""
        } else {
            " "
        }
    }
}

/// Languages whose script puts no space between sentences.
const SPACELESS: &[&str] = &["zh", "ja"];

/// Why a string is not a language code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an ISO 639-1 language code (two letters, such as de, en, fr, sv)")]
pub struct InvalidLanguageCode(pub String);

impl FromStr for LanguageCode {
    type Err = InvalidLanguageCode;

    /// Two letters, in any case, that ISO 639-1 assigns to a language: `xx` would otherwise be
    /// sent to a paid API.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.as_bytes() {
            [a, b]
                if a.is_ascii_lowercase()
                    && b.is_ascii_lowercase()
                    && isolang::Language::from_639_1(&lower).is_some() =>
            {
                Ok(LanguageCode([*a, *b]))
            }
            _ => Err(InvalidLanguageCode(s.to_owned())),
        }
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so width and alignment (`config show`'s columns) apply.
        f.pad(self.as_str())
    }
}

impl fmt::Debug for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LanguageCode({})", self.as_str())
    }
}

impl Serialize for LanguageCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for LanguageCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_case_insensitively() {
        assert_eq!("DE".parse::<LanguageCode>(), Ok(LanguageCode::DE));
        assert_eq!(" en ".parse::<LanguageCode>(), Ok(LanguageCode::EN));
    }

    #[test]
    fn rejects_names_three_letter_codes_and_unassigned_pairs() {
        for bad in ["german", "deu", "d", "", "d1", "ä", "xx", "qq", "zz"] {
            assert!(bad.parse::<LanguageCode>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_known_codes_and_falls_back_to_the_code() {
        assert_eq!(LanguageCode::DE.name(), "German");
        assert_eq!(
            "xh".parse::<LanguageCode>().map(|c| c.name().to_owned()),
            Ok("Xhosa".into())
        );
        assert_eq!(
            "sw".parse::<LanguageCode>().map(|c| c.name().to_owned()),
            Ok("Swahili".into())
        );
    }

    #[test]
    fn maps_639_3_codes_and_lists_every_639_1_code() {
        assert_eq!(LanguageCode::from_639_3("swe"), "sv".parse().ok());
        assert_eq!(LanguageCode::from_639_3("ces"), "cs".parse().ok());
        assert_eq!(LanguageCode::from_639_3("zzz"), None);
        let all = LanguageCode::all();
        assert!(all.len() >= 180, "{}", all.len());
        assert!(
            all.iter()
                .any(|(c, n)| c.as_str() == "sv" && n == "Swedish")
        );
    }
}
