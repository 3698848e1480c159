//! Ingest: raw input bytes → a [`Document`] of paragraphs with stable ids.
//!
//! Owns validation of the input (UTF-8, no binary, not empty), normalization (Unicode NFC, line
//! endings, stray whitespace, soft hyphens), paragraph splitting for both one-paragraph-per-line
//! and hard-wrapped input, and setting aside trailing boilerplate (newsletter, social-media and
//! donation footers). It does no I/O and knows nothing about languages or providers.

pub mod sentence;

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

/// A paragraph's stable id: its 1-based position in the input. Displays as `¶3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParagraphId(pub u32);

impl fmt::Display for ParagraphId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¶{}", self.0)
    }
}

/// One normalized paragraph: a single line of text, no newlines, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Position in the input, counting boilerplate paragraphs too.
    pub id: ParagraphId,
    /// Normalized text (NFC, single spaces, no soft hyphens, no control characters).
    pub text: String,
}

/// How the input laid out its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputLayout {
    /// Every non-empty line is a paragraph.
    LinePerParagraph,
    /// Paragraphs are separated by blank lines; lines inside one are joined.
    BlankLineSeparated,
}

/// The article, split into paragraphs.
///
/// Invariant: ids run 1..=n without gaps over `paragraphs` followed by `boilerplate`, so an
/// article keeps the same ids whether or not its boilerplate is translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The article body, in order. Never empty.
    pub paragraphs: Vec<Paragraph>,
    /// Trailing footer paragraphs set aside (newsletter, follow-us, donation calls), in order.
    pub boilerplate: Vec<Paragraph>,
    /// The layout that was recognized.
    pub layout: InputLayout,
}

/// Why input cannot be read as an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// No text at all, or only whitespace.
    #[error("the input is empty (or only whitespace)")]
    Empty,
    /// A NUL byte: this is binary data, not text.
    #[error("the input looks binary (NUL byte at offset {offset})")]
    Binary {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// Not valid UTF-8.
    #[error("the input is not valid UTF-8 (invalid byte at offset {offset})")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
}

impl Document {
    /// Every paragraph in id order: the body followed by the boilerplate.
    pub fn all_paragraphs(&self) -> impl Iterator<Item = &Paragraph> {
        self.paragraphs.iter().chain(&self.boilerplate)
    }
}

/// Reads raw input bytes as an article.
///
/// Checks, in this order, for a NUL byte ([`IngestError::Binary`]), invalid UTF-8
/// ([`IngestError::InvalidUtf8`]; both offsets count from the first input byte, BOM included) and
/// text that normalizes to nothing ([`IngestError::Empty`]). A leading UTF-8 BOM is dropped.
///
/// - **Normalization:** CRLF, lone CR, NEL and U+2028/U+2029 become line breaks; soft hyphens
///   and other control characters are removed; tabs and Unicode spaces (NBSP, narrow NBSP …)
///   become plain spaces, runs of them one; lines are trimmed; text is put in NFC.
/// - **Layout:** hard-wrapped text (blank lines between blocks whose inner lines mostly stop
///   mid-sentence at a moderate width) is [`InputLayout::BlankLineSeparated`] and each block
///   becomes one paragraph; anything else is [`InputLayout::LinePerParagraph`]. A sentence is
///   never cut either way.
/// - **Boilerplate:** walking back from the end, paragraphs that score as footers (newsletter,
///   follow-us, donation and membership calls, share prompts, copyright, "read more"; German,
///   English and French keywords, more needed the longer the paragraph) move to
///   [`Document::boilerplate`]. The walk stops at the first other paragraph and always leaves
///   one paragraph in the body.
pub fn ingest(input: &[u8]) -> Result<Document, IngestError> {
    if let Some(offset) = input.iter().position(|&byte| byte == 0) {
        return Err(IngestError::Binary { offset });
    }
    let text = std::str::from_utf8(input).map_err(|error| IngestError::InvalidUtf8 {
        offset: error.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let text = text.replace("\r\n", "\n");
    let blocks = split_blocks(text.split(is_line_break).map(normalize_line));
    if blocks.is_empty() {
        return Err(IngestError::Empty);
    }
    let layout = detect_layout(&blocks);
    let mut texts: Vec<String> = match layout {
        InputLayout::LinePerParagraph => blocks.into_iter().flatten().map(|l| l.text).collect(),
        InputLayout::BlankLineSeparated => blocks.iter().map(|block| join_block(block)).collect(),
    };

    // The body keeps at least one paragraph, even when every paragraph looks like a footer.
    let mut body_len = texts.len();
    while body_len > 1 && is_footer(&texts[body_len - 1]) {
        body_len -= 1;
    }
    let boilerplate = texts.split_off(body_len);
    let mut next_id = 0;
    let mut number = |texts: Vec<String>| -> Vec<Paragraph> {
        texts
            .into_iter()
            .map(|text| {
                next_id += 1;
                Paragraph {
                    id: ParagraphId(next_id),
                    text,
                }
            })
            .collect()
    };
    Ok(Document {
        paragraphs: number(texts),
        boilerplate: number(boilerplate),
        layout,
    })
}

// ---------------------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------------------

/// One normalized input line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    /// NFC text, single spaces, trimmed; empty for a blank line.
    text: String,
    /// The line ended in a soft hyphen: a word was broken here and continues on the next line.
    soft_break: bool,
}

/// Line breaks, once CRLF pairs have become LF: LF, a lone CR, and the Unicode line and paragraph
/// separators, including NEL (U+0085), a C1 control that would otherwise glue two words together
/// when control characters are dropped.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Normalizes one line: soft hyphens and control characters (C0, DEL, C1) are removed, tabs and
/// every Unicode space separator (NBSP, narrow NBSP, em space, ideographic space …) become a
/// plain space, the result is put in NFC, runs of spaces are collapsed and the ends trimmed.
/// Every other character (quotes, dashes, emoji, CJK) is kept as it is.
fn normalize_line(raw: &str) -> Line {
    let mut mapped = String::with_capacity(raw.len());
    let mut soft_break = false;
    for c in raw.chars() {
        if c == '\u{ad}' {
            soft_break = true;
        } else if c == '\t' || (c.is_whitespace() && !c.is_control()) {
            mapped.push(' ');
        } else if !c.is_control() {
            mapped.push(c);
            soft_break = false;
        }
    }
    // Most text arrives in NFC already: the quick check skips rebuilding it char by char.
    let nfc = match unicode_normalization::is_nfc_quick(mapped.chars()) {
        unicode_normalization::IsNormalized::Yes => mapped,
        _ => mapped.nfc().collect(),
    };
    let text = nfc
        .split(' ')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let soft_break = soft_break && !text.is_empty();
    Line { text, soft_break }
}

/// Groups non-blank lines into blocks separated by one or more blank lines.
fn split_blocks(lines: impl Iterator<Item = Line>) -> Vec<Vec<Line>> {
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    let mut current = Vec::new();
    for line in lines {
        if line.text.is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

/// Widest line, in terminal columns, that still counts as hard-wrapped: wrappers use 60–80
/// columns, some 100; one-paragraph-per-line news text has most lines far longer.
const MAX_WRAPPED_LINE_WIDTH: usize = 120;
/// Narrowest line that counts as hard-wrapped: shorter lines are headings, list items or verse,
/// not prose filled up to a margin.
const MIN_WRAPPED_LINE_WIDTH: usize = 30;

/// Decides how the input laid out its paragraphs.
///
/// The evidence is the *inner* lines: every line of a multi-line block except its last. The
/// input is [`InputLayout::BlankLineSeparated`] when it has at least one blank line, most inner
/// lines stop mid-sentence (no final `.`, `!`, `?`, `…`, `:`, `;` or CJK equivalent, closing
/// quotes and brackets aside), and at least three quarters of them are of moderate width
/// (30–120 columns), as a text filled up to a margin is. Otherwise every line is a paragraph: a
/// line-per-paragraph article with a few blank lines still has inner lines that end sentences
/// (and are long), so it stays [`InputLayout::LinePerParagraph`].
///
/// Either way no sentence is cut: a line or a whole block becomes a paragraph. Text without any
/// blank line is read line by line, since nothing would mark where a wrapped paragraph ends. A
/// title and a subtitle on consecutive lines above a blank line may be joined, which merges two
/// headings but cuts nothing.
fn detect_layout(blocks: &[Vec<Line>]) -> InputLayout {
    if blocks.len() < 2 {
        return InputLayout::LinePerParagraph;
    }
    let inner: Vec<&Line> = blocks
        .iter()
        .flat_map(|block| &block[..block.len() - 1])
        .collect();
    let open = inner
        .iter()
        .filter(|line| line.soft_break || !ends_sentence(&line.text))
        .count();
    let moderate = inner
        .iter()
        .filter(|line| {
            (MIN_WRAPPED_LINE_WIDTH..=MAX_WRAPPED_LINE_WIDTH).contains(&line.text.width())
        })
        .count();
    if !inner.is_empty() && open * 2 > inner.len() && moderate * 4 >= inner.len() * 3 {
        InputLayout::BlankLineSeparated
    } else {
        InputLayout::LinePerParagraph
    }
}

/// Whether a line ends a sentence, looking past closing quotes and brackets.
fn ends_sentence(text: &str) -> bool {
    const CLOSERS: &[char] = &[
        '"', '\'', '”', '’', '»', '«', '›', '‹', ')', ']', '}', '」', '』', '）',
    ];
    const ENDS: &[char] = &[
        '.', '!', '?', '…', ':', ';', '。', '！', '？', '：', '；', '؟', '۔',
    ];
    text.trim_end_matches(CLOSERS)
        .chars()
        .next_back()
        .is_some_and(|c| ENDS.contains(&c))
}

/// Joins the lines of a hard-wrapped block into one paragraph.
///
/// Lines are joined with a space, except:
/// - after a soft hyphen (already removed): the word continues, so no space;
/// - after a letter followed by `-`: no space, and the hyphen stays. Wrappers break at existing
///   hyphens rather than hyphenating words, so `Ukraine-` + `Konflikt` is the compound
///   `Ukraine-Konflikt`; the rare typeset `Frie-` + `den` keeps a stray hyphen, which is
///   harmless, where dropping it would merge real compounds;
/// - between Chinese or Japanese characters, which are written without spaces.
fn join_block(lines: &[Line]) -> String {
    let mut joined = String::new();
    let mut previous: Option<&Line> = None;
    for line in lines {
        if previous.is_some_and(|previous| !joins_without_space(previous, &line.text)) {
            joined.push(' ');
        }
        joined.push_str(&line.text);
        previous = Some(line);
    }
    joined
}

fn joins_without_space(previous: &Line, next: &str) -> bool {
    let mut tail = previous.text.chars().rev();
    let (last, before_last) = (tail.next(), tail.next());
    let hyphenated =
        matches!(last, Some('-' | '\u{2010}')) && before_last.is_some_and(char::is_alphabetic);
    let cjk = last.is_some_and(is_spaceless_script)
        && next.chars().next().is_some_and(is_spaceless_script);
    previous.soft_break || hyphenated || cjk
}

/// Han, kana, CJK punctuation and full-width forms: scripts written without spaces between
/// words. Hangul is not among them: Korean separates words with spaces.
fn is_spaceless_script(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30ff}'      // CJK punctuation, hiragana, katakana
        | '\u{3400}'..='\u{4dbf}'    // CJK extension A
        | '\u{4e00}'..='\u{9fff}'    // CJK unified ideographs
        | '\u{f900}'..='\u{faff}'    // CJK compatibility ideographs
        | '\u{ff00}'..='\u{ffef}'    // full-width forms
        | '\u{20000}'..='\u{2ffff}') // CJK extensions B and later
}

// ---------------------------------------------------------------------------------------------
// Boilerplate
// ---------------------------------------------------------------------------------------------

/// A footer signal: a lowercase phrase and its weight. A phrase ending in `*` is a prefix (it
/// matches `newsletters` for `newsletter*`); otherwise it must end at a word boundary. It must
/// always start at one, so `don` would not match `London`.
type Signal = (&'static str, u32);

/// Strong signals (3) are imperative calls or legal lines that hardly occur in reporting; medium
/// ones (2) are footer topics; weak ones (1) are words news text also uses, such as platform
/// names.
const SHARED_SIGNALS: &[Signal] = &[
    ("©", 3),
    ("copyright", 3),
    ("newsletter*", 2),
    ("patreon", 2),
    ("paypal", 2),
    ("abonn*", 1),
    ("premium", 1),
    ("community", 1),
    ("telegram", 1),
    ("facebook", 1),
    ("instagram", 1),
    ("youtube", 1),
    ("twitter", 1),
    ("tiktok", 1),
    ("linkedin", 1),
    ("whatsapp", 1),
    ("mastodon", 1),
    ("bluesky", 1),
    ("t.me/", 1),
];

const GERMAN_SIGNALS: &[Signal] = &[
    ("abonnieren sie", 3),
    ("jetzt abonnieren", 3),
    ("unseren newsletter", 3),
    ("zum newsletter", 3),
    ("folgen sie uns", 3),
    ("folge uns", 3),
    ("teilen sie diesen artikel", 3),
    ("artikel teilen", 3),
    ("unterstützen sie uns", 3),
    ("unterstützen sie unsere arbeit", 3),
    ("jetzt spenden", 3),
    ("werden sie mitglied", 3),
    ("werden sie teil", 3),
    ("premium-mitglied", 3),
    ("teil unserer community", 3),
    ("alle rechte vorbehalten", 3),
    ("lesen sie auch", 3),
    ("lesen sie mehr", 3),
    ("mehr zum thema", 3),
    ("weiterlesen", 3),
    ("das könnte sie auch interessieren", 3),
    ("spende*", 2),
    ("mitglied werden", 2),
    ("folgen", 1),
    ("unterstützen", 1),
    ("auf x", 1),
    ("sozialen netzwerk*", 1),
    ("sozialen medien", 1),
    ("herzlichen dank", 1),
];

const ENGLISH_SIGNALS: &[Signal] = &[
    ("subscribe to our", 3),
    ("sign up for our", 3),
    ("our newsletter", 3),
    ("follow us", 3),
    ("share this article", 3),
    ("share this story", 3),
    ("support us", 3),
    ("support our", 3),
    ("become a member", 3),
    ("become a premium member", 3),
    ("become a patron", 3),
    ("all rights reserved", 3),
    ("read more", 3),
    ("related articles", 3),
    ("related stories", 3),
    ("you may also like", 3),
    ("thank you for reading", 3),
    ("donate", 2),
    ("donation*", 2),
    ("subscribe", 2),
    ("click here", 2),
    ("subscri*", 1),
    ("follow", 1),
    ("membership", 1),
    ("on x", 1),
    ("social media", 1),
    ("social networks", 1),
];

const FRENCH_SIGNALS: &[Signal] = &[
    ("abonnez-vous", 3),
    ("inscrivez-vous", 3),
    ("notre newsletter", 3),
    ("notre lettre d'information", 3),
    ("suivez-nous", 3),
    ("partagez cet article", 3),
    ("soutenez-nous", 3),
    ("soutenez notre", 3),
    ("faites un don", 3),
    ("faire un don", 3),
    ("devenez membre", 3),
    ("devenez abonné", 3),
    ("tous droits réservés", 3),
    ("lire aussi", 3),
    ("lire la suite", 3),
    ("sur le même sujet", 3),
    ("un don", 2),
    ("pour aller plus loin", 2),
    ("suivez", 1),
    ("soutenir", 1),
    ("soutien", 1),
    ("membre", 1),
    ("sur x", 1),
    ("réseaux sociaux", 1),
];

/// Whether a paragraph looks like a footer: a newsletter, follow-us, donation or membership call,
/// a share prompt, a copyright line or a "read more" pointer, in German, English or French.
///
/// Each signal that occurs adds its weight once (case-insensitive). The score needed grows with
/// length, so a short line needs one strong or two weak signals, while a long paragraph must be
/// full of them: 2 up to 40 characters, 3 up to 100, then one more per 50 characters. Only
/// trailing paragraphs are ever tested (see [`ingest`]): a body paragraph about a newsletter in
/// the middle of an article stays where it is.
fn is_footer(text: &str) -> bool {
    footer_score(text) >= footer_threshold(text.chars().count())
}

fn footer_score(text: &str) -> u32 {
    let haystack = text.to_lowercase().replace('’', "'");
    [
        SHARED_SIGNALS,
        GERMAN_SIGNALS,
        ENGLISH_SIGNALS,
        FRENCH_SIGNALS,
    ]
    .into_iter()
    .flatten()
    .filter(|(pattern, _)| contains_signal(&haystack, pattern))
    .map(|(_, weight)| weight)
    .sum()
}

fn footer_threshold(chars: usize) -> u32 {
    match chars {
        0..=40 => 2,
        41..=100 => 3,
        longer => 3 + u32::try_from((longer - 100) / 50).unwrap_or(u32::MAX - 3),
    }
}

/// Whether `pattern` (see [`Signal`]) occurs in the lowercase `haystack` at word boundaries.
/// Boundaries are only required where the pattern itself starts or ends with a letter or digit.
fn contains_signal(haystack: &str, pattern: &str) -> bool {
    let (needle, is_prefix) = match pattern.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (pattern, false),
    };
    let alphanumeric_edge = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let needs_start = alphanumeric_edge(needle.chars().next());
    let needs_end = !is_prefix && alphanumeric_edge(needle.chars().next_back());
    haystack.match_indices(needle).any(|(start, _)| {
        let end = start + needle.len();
        (!needs_start || !alphanumeric_edge(haystack[..start].chars().next_back()))
            && (!needs_end || !alphanumeric_edge(haystack[end..].chars().next()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// /work/shared/fixtures/de-rutte-nato.txt, byte for byte: eight body paragraphs, one per
    /// line, a blank line, then three footer paragraphs. Embedded because the fixture directory
    /// is not part of this crate's layout.
    const RUTTE: &str = "\
        Eine NATO-Mitgliedschaft Kiews steht bei den Friedensbemühungen der USA und Russlands im \
        Ukraine-Konflikt nicht zur Debatte, wie der niederländische Ministerpräsident Mark Rutte \
        bestätigte. In einem Interview mit Bloomberg TV am Freitag im Gespräch mit US-Präsident \
        Donald Trump erklärte Rutte, etwaige Sicherheitsgarantien für Kiew müssten nach einem \
        Friedensabkommen oder Waffenstillstand diskutiert werden.\n\
        Die Ukraine fordert seit langem einen NATO-Beitritt als Sicherheitsgarantie für ein Ende \
        des Konflikts mit Russland. Moskau hingegen sieht in den NATO-Ambitionen Kiews eine der \
        Hauptursachen des Konflikts und besteht auf der Neutralität der Ukraine als Grundlage \
        für eine Lösung.\n\
        Auf die Frage der Bloomberg-Moderatorin Annmarie Hordern, ob Trump angedeutet habe, Kiew \
        Sicherheitsgarantien zur Beendigung des Konflikts zu geben, wich Rutte aus. Er betonte \
        die Notwendigkeit solcher Garantien zur “Einhaltung eines Friedensabkommens”, und \
        erklärte, es sei verfrüht, darüber zu diskutieren, solange kein Abkommen existiere. Auf \
        die konkrete Nachfrage der Journalistin, ob Trump einen NATO-Beitritt der Ukraine \
        bereits ausgeschlossen habe, antwortete Rutte bejahend.\n\
        Rutte ergänzte, Trump wünsche einen “dauerhaften Frieden” und deutete an, dass der \
        Ukraine andere Zugeständnisse angeboten werden könnten, um sie zu einem Waffenstillstand \
        zu bewegen. Eine offizielle Beteiligung der NATO schloss er jedoch aus.\n\
        “Es gibt viele Möglichkeiten, [Sicherheitsgarantien zu geben]… Eine Beteiligung der NATO \
        wäre jedoch schwierig. Die NATO wird möglicherweise beratend tätig sein”, erklärte er.\n\
        “Bevor man die Friedenssicherung im Detail plant, braucht man zunächst ein Abkommen. Es \
        ist ein schrittweiser Prozess”, so Rutte, der sich optimistisch zeigte, dass noch in \
        diesem Jahr ein Abkommen erzielt werden könnte.\n\
        Trumps Sondergesandter Steve Witkoff traf sich am Donnerstag mit dem russischen \
        Präsidenten Wladimir Putin im Rahmen der laufenden Bemühungen um eine Konfliktlösung. \
        Witkoff reiste nach Moskau, um detailliertere Informationen zu den Gesprächen zwischen \
        den USA und der Ukraine in Saudi-Arabien in dieser Woche zu übermitteln, die mit der \
        Zustimmung Kiews zu einem vorgeschlagenen 30-tägigen Waffenstillstand mit Russland \
        endeten.\n\
        Die genauen Inhalte des Treffens zwischen Putin und Witkoff wurden nicht veröffentlicht. \
        Auf einer Pressekonferenz am Donnerstag erklärte der russische Präsident jedoch seine \
        Bereitschaft, Trumps Waffenstillstandsvorschlag zu diskutieren.\n\
        \n\
        Werden Sie Teil unserer Community und unterstützen Sie uns! Sie können uns in den \
        Sozialen Netzwerken am besten auf Telegram oder auf X oder Facebook folgen, um unsere \
        Inhalte zu empfangen. Oder noch besser melden Sie sich für unseren Newsletter an, um die \
        Neuigkeiten des Tages zu erhalten.\n\
        Gerne können Sie auch Premium-Mitglied werden oder uns durch eine wirklich hilfreiche \
        Spende unterstützen. Herzlichen Dank im voraus!\n\
        Abonnieren Sie unseren Newsletter";

    fn texts(paragraphs: &[Paragraph]) -> Vec<&str> {
        paragraphs.iter().map(|p| p.text.as_str()).collect()
    }

    fn ingest_str(input: &str) -> Document {
        ingest(input.as_bytes()).expect("test input is a valid article")
    }

    fn ids(paragraphs: &[Paragraph]) -> Vec<u32> {
        paragraphs.iter().map(|p| p.id.0).collect()
    }

    #[test]
    fn nul_byte_is_binary_at_its_offset() {
        assert_eq!(ingest(b"abc\0def"), Err(IngestError::Binary { offset: 3 }));
        // Binary wins over invalid UTF-8 further on.
        assert_eq!(ingest(b"ab\xff\0"), Err(IngestError::Binary { offset: 3 }));
    }

    #[test]
    fn invalid_utf8_reports_the_offset_of_the_first_bad_byte() {
        assert_eq!(
            ingest(b"Gr\xfc\xdfe"),
            Err(IngestError::InvalidUtf8 { offset: 2 })
        );
        // Offsets count the BOM too: they point into the input as given.
        let input = b"\xef\xbb\xbfab\xc3";
        assert_eq!(ingest(input), Err(IngestError::InvalidUtf8 { offset: 5 }));
    }

    #[test]
    fn empty_or_blank_input_is_empty() {
        for input in ["", " \n\t\r\n", "\u{feff}", "\u{a0}\u{ad}\u{7}\n\u{3000}"] {
            assert_eq!(
                ingest(input.as_bytes()),
                Err(IngestError::Empty),
                "{input:?}"
            );
        }
    }

    #[test]
    fn strips_a_leading_bom() {
        let document = ingest_str("\u{feff}Erster Absatz.\nZweiter Absatz.");
        assert_eq!(
            texts(&document.paragraphs),
            ["Erster Absatz.", "Zweiter Absatz."]
        );
    }

    #[test]
    fn crlf_and_lone_cr_are_line_breaks() {
        let document = ingest_str("Eins.\r\nZwei.\rDrei.\r\n\r\nVier.");
        assert_eq!(
            texts(&document.paragraphs),
            ["Eins.", "Zwei.", "Drei.", "Vier."]
        );
        assert_eq!(document.layout, InputLayout::LinePerParagraph);
    }

    #[test]
    fn composes_decomposed_characters_to_nfc() {
        let document = ingest_str("Gru\u{308}ße aus Mu\u{308}nchen");
        assert_eq!(document.paragraphs[0].text, "Grüße aus München");
    }

    #[test]
    fn removes_soft_hyphens() {
        let document = ingest_str("Sicher\u{ad}heits\u{ad}garantie");
        assert_eq!(document.paragraphs[0].text, "Sicherheitsgarantie");
    }

    #[test]
    fn turns_nbsp_tabs_and_unicode_spaces_into_single_spaces() {
        let document = ingest_str("  30\u{a0}%\tmehr\u{202f}als \u{2009} 5\u{3000}Mio.  ");
        assert_eq!(document.paragraphs[0].text, "30 % mehr als 5 Mio.");
    }

    #[test]
    fn drops_control_characters_but_keeps_quotes_dashes_emoji_and_cjk() {
        let document = ingest_str("„Frieden“\u{7} – «paix» \u{1b}😀 和平\u{7f}\u{9b}!");
        assert_eq!(document.paragraphs[0].text, "„Frieden“ – «paix» 😀 和平!");
    }

    #[test]
    fn unicode_line_separators_and_nel_break_lines() {
        let document = ingest_str("Eins.\u{85}Zwei.\u{2028}Drei.");
        assert_eq!(texts(&document.paragraphs), ["Eins.", "Zwei.", "Drei."]);
    }

    #[test]
    fn reference_article_is_one_paragraph_per_line() {
        let document = ingest_str(RUTTE);
        assert_eq!(document.layout, InputLayout::LinePerParagraph);
        assert_eq!(document.paragraphs.len(), 8);
        assert!(
            document.paragraphs[0]
                .text
                .starts_with("Eine NATO-Mitgliedschaft Kiews")
        );
        assert!(
            document.paragraphs[7]
                .text
                .ends_with("Waffenstillstandsvorschlag zu diskutieren.")
        );
    }

    #[test]
    fn reference_article_footer_is_boilerplate() {
        let document = ingest_str(RUTTE);
        let footer = texts(&document.boilerplate);
        assert_eq!(footer.len(), 3, "{footer:#?}");
        assert!(footer[0].starts_with("Werden Sie Teil unserer Community"));
        assert!(footer[1].starts_with("Gerne können Sie auch Premium-Mitglied werden"));
        assert_eq!(footer[2], "Abonnieren Sie unseren Newsletter");
    }

    #[test]
    fn ids_run_through_body_and_boilerplate_without_gaps() {
        let document = ingest_str(RUTTE);
        assert_eq!(ids(&document.paragraphs), (1..=8).collect::<Vec<_>>());
        assert_eq!(ids(&document.boilerplate), [9, 10, 11]);
        let all: Vec<u32> = document.all_paragraphs().map(|p| p.id.0).collect();
        assert_eq!(all, (1..=11).collect::<Vec<_>>());
        assert_eq!(document.paragraphs[2].id.to_string(), "¶3");
    }

    const WRAPPED: &str = "\
        Eine NATO-Mitgliedschaft Kiews steht bei den Friedensbemühungen der\n\
        USA und Russlands im Ukraine-\n\
        Konflikt nicht zur Debatte, wie der niederländische Ministerpräsident\n\
        Mark Rutte bestätigte.\n\
        \n\
        Die Ukraine fordert seit langem einen NATO-Beitritt als Sicherheits\u{ad}\n\
        garantie für ein Ende des Konflikts mit Russland. Moskau hingegen\n\
        sieht in den NATO-Ambitionen Kiews eine der Hauptursachen des\n\
        Konflikts.\n\
        \n\
        \n\
        Rutte ergänzte, Trump wünsche einen dauerhaften Frieden.\n";

    #[test]
    fn hard_wrapped_blocks_are_joined_into_paragraphs() {
        let document = ingest_str(WRAPPED);
        assert_eq!(document.layout, InputLayout::BlankLineSeparated);
        assert_eq!(
            texts(&document.paragraphs),
            [
                "Eine NATO-Mitgliedschaft Kiews steht bei den Friedensbemühungen der USA und \
                 Russlands im Ukraine-Konflikt nicht zur Debatte, wie der niederländische \
                 Ministerpräsident Mark Rutte bestätigte.",
                "Die Ukraine fordert seit langem einen NATO-Beitritt als Sicherheitsgarantie für \
                 ein Ende des Konflikts mit Russland. Moskau hingegen sieht in den NATO-Ambitionen \
                 Kiews eine der Hauptursachen des Konflikts.",
                "Rutte ergänzte, Trump wünsche einen dauerhaften Frieden.",
            ]
        );
        assert_eq!(ids(&document.paragraphs), [1, 2, 3]);
    }

    #[test]
    fn hard_wrapped_crlf_text_is_still_recognized() {
        let document = ingest_str(&WRAPPED.replace('\n', "\r\n"));
        assert_eq!(document.layout, InputLayout::BlankLineSeparated);
        assert_eq!(document.paragraphs.len(), 3);
    }

    #[test]
    fn hard_wrapped_chinese_joins_without_spaces() {
        let input = "俄罗斯总统普京星期四在莫斯科会见了美国特使威特科夫，双方讨论了乌克兰\n\
                     停火建议的细节，但会谈内容没有公开\n\n第二段。\n";
        let document = ingest_str(input);
        assert_eq!(document.layout, InputLayout::BlankLineSeparated);
        assert_eq!(
            document.paragraphs[0].text,
            "俄罗斯总统普京星期四在莫斯科会见了美国特使威特科夫，双方讨论了乌克兰\
             停火建议的细节，但会谈内容没有公开"
        );
    }

    #[test]
    fn line_per_paragraph_text_with_a_few_blank_lines_stays_line_per_paragraph() {
        let input = "\
            Kurze Meldung: Die Gespräche gehen weiter.\n\
            Die Außenminister treffen sich am Montag in Brüssel, um über die nächsten Schritte zu \
            beraten.\n\
            \n\
            Ein Sprecher sagte, man sei „vorsichtig optimistisch“.\n\
            Weitere Einzelheiten wurden nicht bekannt.\n\
            \n\
            Die Verhandlungen sollen im Mai fortgesetzt werden.";
        let document = ingest_str(input);
        assert_eq!(document.layout, InputLayout::LinePerParagraph);
        assert_eq!(document.paragraphs.len(), 5);
        assert_eq!(
            document.paragraphs[3].text,
            "Weitere Einzelheiten wurden nicht bekannt."
        );
    }

    #[test]
    fn text_without_blank_lines_is_line_per_paragraph_even_when_short_lines() {
        let input = "Titel der Meldung\nUntertitel ohne Punkt\nErster Absatz.";
        let document = ingest_str(input);
        assert_eq!(document.layout, InputLayout::LinePerParagraph);
        assert_eq!(document.paragraphs.len(), 3);
    }

    #[test]
    fn english_footer_is_boilerplate() {
        let input = "\
            NATO membership for Kyiv is not on the table in the peace talks, Rutte said.\n\
            He added that a ceasefire could be reached this year.\n\
            Follow us on Telegram and X for the latest updates.\n\
            Support independent journalism: become a member or donate today.\n\
            © 2025 Example News. All rights reserved.";
        let document = ingest_str(input);
        assert_eq!(document.paragraphs.len(), 2);
        assert_eq!(ids(&document.boilerplate), [3, 4, 5]);
    }

    #[test]
    fn french_footer_is_boilerplate() {
        let input = "\
            L'adhésion de Kiev à l'OTAN n'est pas à l'ordre du jour, a déclaré Mark Rutte.\n\
            Selon lui, un accord pourrait être conclu cette année.\n\
            Abonnez-vous à notre newsletter pour recevoir l’essentiel de l’actualité.\n\
            Suivez-nous sur Facebook, Instagram et YouTube.\n\
            Partagez cet article";
        let document = ingest_str(input);
        assert_eq!(document.paragraphs.len(), 2);
        assert_eq!(document.boilerplate.len(), 3);
    }

    #[test]
    fn newsletter_mentioned_in_the_middle_of_an_article_stays_in_the_body() {
        let input = "\
            Der Verlag stellt sein Angebot um.\n\
            Abonnieren Sie unseren Newsletter, hieß es früher unter jedem Artikel.\n\
            Künftig verschickt der Verlag seinen Newsletter nur noch an zahlende Leser, wie \
            eine Sprecherin am Montag mitteilte.\n\
            Die Umstellung soll im Sommer abgeschlossen sein.";
        let document = ingest_str(input);
        assert_eq!(document.paragraphs.len(), 4);
        assert!(document.boilerplate.is_empty());
    }

    #[test]
    fn last_paragraph_that_only_mentions_a_newsletter_stays_in_the_body() {
        let input = "\
            Der Verlag stellt sein Angebot um.\n\
            Künftig verschickt der Verlag seinen Newsletter nur noch an zahlende Leser, wie \
            eine Sprecherin am Montag mitteilte; auch auf Telegram werde es Änderungen geben.";
        assert!(ingest_str(input).boilerplate.is_empty());
    }

    #[test]
    fn body_keeps_at_least_one_paragraph() {
        let document = ingest_str("Abonnieren Sie unseren Newsletter\nFolgen Sie uns auf X");
        assert_eq!(
            texts(&document.paragraphs),
            ["Abonnieren Sie unseren Newsletter"]
        );
        assert_eq!(ids(&document.boilerplate), [2]);
    }

    #[test]
    fn footer_signals_need_word_boundaries() {
        assert!(!contains_signal("in london", "don"));
        assert!(contains_signal("faites un don.", "un don"));
        assert!(contains_signal("newsletters", "newsletter*"));
        assert!(!contains_signal("follower", "follow"));
        assert!(contains_signal("©2025", "©"));
    }

    #[test]
    fn long_paragraph_needs_more_signals_than_a_short_one() {
        assert!(is_footer("Folgen Sie uns"));
        let long = format!(
            "{} Folgen Sie uns.",
            "Der Minister sprach lange. ".repeat(12)
        );
        assert!(!is_footer(&long));
    }

    #[test]
    fn footer_signal_lists_have_no_duplicates() {
        let mut patterns: Vec<&str> = [
            SHARED_SIGNALS,
            GERMAN_SIGNALS,
            ENGLISH_SIGNALS,
            FRENCH_SIGNALS,
        ]
        .into_iter()
        .flatten()
        .map(|(pattern, _)| *pattern)
        .collect();
        let count = patterns.len();
        patterns.sort_unstable();
        patterns.dedup();
        assert_eq!(patterns.len(), count);
        assert!(patterns.iter().all(|p| *p == p.to_lowercase()));
    }
}
