//! Language codes: the ISO 639-1 code that names a source or target language.
//!
//! Owns parsing and naming of codes. It does not detect anything (that is `detect`), and a code
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

    /// The English name of the language, or the code when diglot has no name for it.
    pub fn name(&self) -> &str {
        NAMES
            .iter()
            .find(|(code, _)| *code == self.as_str())
            .map_or(self.as_str(), |(_, name)| name)
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
#[error("'{0}' is not a two-letter ISO 639-1 language code (such as de, en, fr)")]
pub struct InvalidLanguageCode(pub String);

impl FromStr for LanguageCode {
    type Err = InvalidLanguageCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.as_bytes() {
            [a, b] if a.is_ascii_lowercase() && b.is_ascii_lowercase() => {
                Ok(LanguageCode([*a, *b]))
            }
            _ => Err(InvalidLanguageCode(s.to_owned())),
        }
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    fn rejects_names_and_three_letter_codes() {
        for bad in ["german", "deu", "d", "", "d1", "ä"] {
            assert!(bad.parse::<LanguageCode>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_known_codes_and_falls_back_to_the_code() {
        assert_eq!(LanguageCode::DE.name(), "German");
        assert_eq!(
            "xh".parse::<LanguageCode>().map(|c| c.name().to_owned()),
            Ok("xh".into())
        );
    }
}
