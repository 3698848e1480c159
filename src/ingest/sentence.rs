//! Sentences: a paragraph cut at its sentence boundaries, in any script.
//!
//! The boundaries are Unicode's (UAX #29, from `unicode-segmentation`), which know the
//! terminators of every script (`.` `!` `?`, CJK `。` `！` `？`, Arabic `؟`, Devanagari `।`) and
//! that `etc. und` goes on. On top of them diglot keeps together what UAX #29 would cut after a
//! full stop that ends an abbreviation (`z. B.`, `Nr.`, `Dr.`), an initial (`A.`) or a German
//! ordinal (`am 14. Juli`), and cuts after an ellipsis that a new sentence follows (`Ja … Ende`).
//!
//! Each sentence keeps the whitespace that follows it, so the sentences concatenated give the
//! paragraph back exactly; joining *translated* sentences takes the separator of the target
//! language's script ([`crate::language::LanguageCode::sentence_separator`]).
//!
//! For `--align sentence` the sentences get stable ids, `¶3.2` for the second sentence of
//! paragraph 3 ([`SentenceId`], [`numbered`]), and a translation aligned below the paragraph is
//! a list of [`SentencePair`]s: each source sentence, or a run of them that the translation
//! merged, beside its translation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use super::{Paragraph, ParagraphId};

/// What a translation is aligned by (`--align`, `align` in the config file).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Paragraph beside paragraph.
    #[default]
    Paragraph,
    /// Each sentence (or run of sentences the translation merged) beside its translation.
    Sentence,
}

impl Align {
    /// The name the flag, the variable and the config file take.
    pub fn as_str(self) -> &'static str {
        match self {
            Align::Paragraph => "paragraph",
            Align::Sentence => "sentence",
        }
    }
}

impl fmt::Display for Align {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Align {
    type Err = String;

    fn from_str(s: &str) -> Result<Align, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "paragraph" => Ok(Align::Paragraph),
            "sentence" => Ok(Align::Sentence),
            _ => Err(format!("'{s}' is neither paragraph nor sentence")),
        }
    }
}

/// A sentence's stable id: its paragraph and its 1-based place there. Displays as `¶3.2`; in
/// JSON it is the string `"3.2"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SentenceId {
    /// The paragraph the sentence is in.
    pub paragraph: ParagraphId,
    /// Its place in the paragraph, from 1.
    pub index: u32,
}

impl SentenceId {
    /// `3.2`: the id without the `¶`, as markers and JSON write it.
    pub fn bare(&self) -> String {
        format!("{}.{}", self.paragraph.0, self.index)
    }
}

impl fmt::Display for SentenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¶{}.{}", self.paragraph.0, self.index)
    }
}

impl FromStr for SentenceId {
    type Err = String;

    /// `3.2`, `¶3.2` or `p3.2`.
    fn from_str(s: &str) -> Result<SentenceId, String> {
        let bare = s.trim().trim_start_matches(['¶', 'p', 'P', '#']).trim();
        let invalid = || format!("'{s}' is not a sentence id such as 3.2");
        let (paragraph, index) = bare.split_once('.').ok_or_else(invalid)?;
        let number = |part: &str| part.trim().parse::<u32>().map_err(|_| invalid());
        Ok(SentenceId {
            paragraph: ParagraphId(number(paragraph)?),
            index: number(index)?,
        })
    }
}

impl Serialize for SentenceId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.bare())
    }
}

impl<'de> Deserialize<'de> for SentenceId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SentenceId, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One sentence of a paragraph with its id, without the whitespace after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// `¶3.2`.
    pub id: SentenceId,
    /// The sentence, trimmed.
    pub text: String,
}

/// The sentences of `paragraph` with their ids `¶N.1`, `¶N.2`, …, each trimmed. A piece with
/// nothing visible (which a splitter could leave after a stray mark) joins the sentence before
/// it, so every sentence has text; a paragraph always has at least one.
pub fn numbered(paragraph: &Paragraph) -> Vec<Sentence> {
    let mut texts: Vec<String> = Vec::new();
    for piece in sentences(&paragraph.text) {
        match texts.last_mut() {
            Some(last) if !super::has_visible_text(piece) => last.push_str(piece),
            _ => texts.push(piece.to_owned()),
        }
    }
    texts
        .into_iter()
        .zip(1..)
        .map(|(text, index)| Sentence {
            id: SentenceId {
                paragraph: paragraph.id,
                index,
            },
            text: text.trim().to_owned(),
        })
        .collect()
}

/// A run of consecutive source sentences of one paragraph beside its translation: a single
/// sentence, or a group the translation merged (`¶3.2–3`). A translation that splits a
/// sentence in two is still one pair, its target two sentences long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentencePair {
    /// The source sentences, consecutive, in order; never empty.
    pub ids: Vec<SentenceId>,
    /// Their text, joined as the paragraph has them.
    pub source: String,
    /// The translation.
    pub target: String,
}

impl SentencePair {
    /// `¶3.2`, or `¶3.2–3` for a group.
    pub fn label(&self) -> String {
        label_of(&self.ids)
    }
}

/// `¶3.2` for one id, `¶3.2–4` for a run of them (empty for none).
pub fn label_of(ids: &[SentenceId]) -> String {
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}–{}", last.index),
        (Some(first), _) => first.to_string(),
        _ => String::new(),
    }
}

/// Abbreviations that end in a full stop inside a sentence (compared without the stop,
/// case-sensitively).
const ABBREVIATIONS: &[&str] = &[
    "Abb", "Abs", "Abt", "Art", "Bd", "Bhf", "bzw", "ca", "Chr", "Co", "Dipl", "Dr", "dt", "ebd",
    "etc", "evtl", "Fr", "geb", "gegr", "ggf", "Hr", "Hrsg", "inkl", "Ing", "Jh", "Jr", "jr",
    "Kap", "lt", "max", "Mio", "min", "Mr", "Mrd", "Mrs", "Ms", "Nr", "Prof", "rd", "Sr", "St",
    "Str", "Tel", "usw", "vgl", "vs", "zB", "zzgl", "Jan", "Feb", "Mär", "Apr", "Aug", "Sep",
    "Sept", "Okt", "Oct", "Nov", "Dez", "Dec", "No", "approx", "Gen", "Sen", "Rep", "Gov", "Inc",
    "Ltd", "Corp", "Mt", "e.g", "i.e", "u.a", "d.h", "z.B", "o.ä", "s.o", "u.U", "v.a",
];

/// The sentences of `text`, each with the whitespace after it; never empty for non-empty text.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut sentences: Vec<&str> = Vec::new();
    let mut start = 0;
    for (at, segment) in text
        .split_sentence_bound_indices()
        .flat_map(|(at, s)| after_ellipses(s).map(move |(i, part)| (at + i, part)))
    {
        let end = at + segment.len();
        let previous = &text[start..at];
        if !previous.is_empty() && !continues_after(previous) {
            sentences.push(previous);
            start = at;
        }
        if end == text.len() {
            sentences.push(&text[start..end]);
        }
    }
    sentences
}

/// `segment` cut after each ellipsis (`…`, with any closing quotes) that whitespace and a
/// sentence opener follow, with the offsets of the parts. UAX #29 does not end sentences there.
fn after_ellipses(segment: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut cuts = vec![0];
    let chars: Vec<(usize, char)> = segment.char_indices().collect();
    for (i, &(_, c)) in chars.iter().enumerate() {
        if c != '…' {
            continue;
        }
        let mut j = i + 1;
        while chars.get(j).is_some_and(|&(_, c)| is_closing(c)) {
            j += 1;
        }
        let space_end = (j..chars.len())
            .find(|&k| !chars[k].1.is_whitespace())
            .unwrap_or(chars.len());
        if space_end > j
            && chars
                .get(space_end)
                .is_some_and(|&(_, c)| opens_sentence(c))
        {
            cuts.push(chars[space_end].0);
        }
    }
    cuts.push(segment.len());
    cuts.dedup();
    (0..cuts.len() - 1).map(move |k| (cuts[k], &segment[cuts[k]..cuts[k + 1]]))
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '»' | '«' | '“' | '”' | '’' | ')' | ']')
}

fn opens_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '"' | '\'' | '»' | '„' | '“' | '‚' | '(' | '–' | '-')
}

/// Whether the sentence goes on after `before` (all text up to a UAX #29 boundary): it ends in
/// a full stop after an abbreviation, a single letter or a one- or two-digit number.
fn continues_after(before: &str) -> bool {
    let Some(stem) = before.trim_end().strip_suffix('.') else {
        return false;
    };
    let word = stem
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '„' | '»'))
        .next()
        .unwrap_or_default();
    let length = word.chars().count();
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let digits = word.chars().filter(char::is_ascii_digit).count();
    (letters == 1 && length == 1)
        || (digits > 0 && digits <= 2 && digits == length)
        || ABBREVIATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(text: &str) -> Vec<&str> {
        let found = sentences(text);
        assert_eq!(found.concat(), text, "the sentences give the text back");
        found.into_iter().map(str::trim_end).collect()
    }

    #[test]
    fn sentences_split_at_stops_but_not_after_abbreviations_initials_or_ordinals() {
        let text = "Am 14. Juli sprach Dr. Müller, z. B. über Nr. 5 und mehr. Er sagte: „Nein!“ Dann ging er. \
                    Die Zahl stieg 2024. Danach fiel sie? Ja … Ende";
        assert_eq!(
            trimmed(text),
            [
                "Am 14. Juli sprach Dr. Müller, z. B. über Nr. 5 und mehr.",
                "Er sagte: „Nein!“",
                "Dann ging er.",
                "Die Zahl stieg 2024.",
                "Danach fiel sie?",
                "Ja …",
                "Ende",
            ]
        );
        assert_eq!(trimmed("Ein Satz."), ["Ein Satz."]);
        assert_eq!(
            trimmed("Mr. A. Smith said no. Fine."),
            ["Mr. A. Smith said no.", "Fine."]
        );
        assert_eq!(
            trimmed("Kein Ende etc. und so weiter"),
            ["Kein Ende etc. und so weiter"]
        );
    }

    #[test]
    fn every_script_ends_its_sentences() {
        assert_eq!(
            trimmed("北约秘书长发表讲话。他说：“我们必须团结！”会议结束了吗？是的。"),
            [
                "北约秘书长发表讲话。",
                "他说：“我们必须团结！”",
                "会议结束了吗？",
                "是的。"
            ]
        );
        assert_eq!(
            trimmed("今日は晴れです。明日は雨でしょう！"),
            ["今日は晴れです。", "明日は雨でしょう！"]
        );
        assert_eq!(
            trimmed("هل انتهى الاجتماع؟ نعم، انتهى."),
            ["هل انتهى الاجتماع؟", "نعم، انتهى."]
        );
        assert_eq!(
            trimmed("बैठक समाप्त हो गई। सब घर गए।"),
            ["बैठक समाप्त हो गई।", "सब घर गए।"]
        );
    }

    #[test]
    fn sentences_are_numbered_trimmed_and_never_empty() {
        let paragraph = Paragraph {
            id: ParagraphId(3),
            text: "Eins. Zwei? Drei".to_owned(),
        };
        let found = numbered(&paragraph);
        let ids: Vec<String> = found.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(ids, ["¶3.1", "¶3.2", "¶3.3"]);
        let texts: Vec<&str> = found.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Eins.", "Zwei?", "Drei"]);
    }

    #[test]
    fn sentence_ids_read_and_write_as_bare_numbers() {
        let id: SentenceId = "¶12.3".parse().expect("an id");
        assert_eq!(id.bare(), "12.3");
        assert_eq!(id.to_string(), "¶12.3");
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("\"12.3\""));
        assert_eq!(
            serde_json::from_str::<SentenceId>("\"4.1\"").ok(),
            "4.1".parse().ok()
        );
        for bad in ["3", "3.", "a.b", "3.2.1"] {
            assert!(bad.parse::<SentenceId>().is_err(), "{bad}");
        }
        let ids = [id, SentenceId { index: 5, ..id }];
        assert_eq!(label_of(&ids), "¶12.3–5");
        assert_eq!(label_of(&ids[..1]), "¶12.3");
    }

    #[test]
    fn text_without_a_boundary_is_one_sentence() {
        assert_eq!(trimmed("no stop at all"), ["no stop at all"]);
        assert_eq!(sentences("a").len(), 1);
    }
}
