//! Ingest: raw input bytes → a [`Document`] of paragraphs with stable ids.
//!
//! Owns validation of the input (UTF-8, no binary, not empty), normalization (Unicode NFC, line
//! endings, stray whitespace, soft hyphens), paragraph splitting for both one-paragraph-per-line
//! and hard-wrapped input, and setting aside trailing boilerplate (newsletter, social-media and
//! donation footers). It does no I/O and knows nothing about languages or providers.

mod layout;
pub mod sentence;

pub use layout::is_spaceless_script;

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// Hard-wrapped, with blank lines between blocks; the lines of a block are joined.
    BlankLineSeparated,
    /// Hard-wrapped without blank lines: lines are joined, and a paragraph ends at a line that
    /// ends a sentence short of the margin.
    HardWrapped,
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

/// Whether `text` has anything a reader can see: at least one character that is not
/// whitespace, a control character, a default-ignorable code point (zero-width space and
/// joiners, word joiner, BOM, soft hyphen, directional marks, variation selectors, Hangul
/// fillers, tags) or a blank glyph (the Braille blank U+2800).
///
/// The one test of emptiness for everything that comes from outside: a paragraph, a
/// translation in a reply (the contract), the assembled result and the fidelity checks. A
/// translation made only of such characters prints as a blank column, so it counts as empty.
pub fn has_visible_text(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c))
}

/// Whitespace, controls, Unicode's default-ignorable code points and the blank Braille pattern.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}')
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
/// - **Normalization:** LF and CRLF end lines (a lone CR too in a text without LF); a lone CR,
///   NEL and U+2028 break a line inside its paragraph; U+2029 separates paragraphs where a
///   sentence ends and breaks a line elsewhere. Soft hyphens and other control characters are
///   removed; tabs and Unicode spaces (NBSP, narrow NBSP …) become plain spaces, runs of them
///   one; lines are trimmed; text is put in NFC; a line with nothing visible is blank.
/// - **Layout:** text hard-wrapped to a margin (most lines of moderate width stop mid-sentence,
///   at similar lengths) has its lines joined into paragraphs, which end at blank lines
///   ([`InputLayout::BlankLineSeparated`]) and at lines that end a sentence short of the margin
///   ([`InputLayout::HardWrapped`] when there are no blank lines); anything else is
///   [`InputLayout::LinePerParagraph`]. A sentence is never cut either way.
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

    let (mut texts, layout) = layout::paragraphs(text);
    if texts.is_empty() {
        return Err(IngestError::Empty);
    }

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
    fn crlf_ends_a_line_and_a_lone_cr_breaks_one_inside_its_paragraph() {
        let document = ingest_str("Eins.\r\nZwei,\rdrei.\r\n\r\nVier.");
        assert_eq!(
            texts(&document.paragraphs),
            ["Eins.", "Zwei, drei.", "Vier."]
        );
        assert_eq!(document.layout, InputLayout::LinePerParagraph);
    }

    #[test]
    fn a_text_with_carriage_returns_only_is_an_old_mac_text() {
        let document = ingest_str("Eins.\rZwei.\rDrei.");
        assert_eq!(texts(&document.paragraphs), ["Eins.", "Zwei.", "Drei."]);
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
    fn nel_and_the_line_separator_break_a_line_inside_its_paragraph() {
        let document =
            ingest_str("Der Minister sagte\u{85}am Montag,\u{2028}es gehe voran.\nZwei.");
        assert_eq!(
            texts(&document.paragraphs),
            ["Der Minister sagte am Montag, es gehe voran.", "Zwei."]
        );
    }

    #[test]
    fn the_paragraph_separator_separates_only_where_a_sentence_ends() {
        let document =
            ingest_str("Der Minister sagte\u{2029}am Montag etwas.\u{2029}Neuer Absatz.");
        assert_eq!(
            texts(&document.paragraphs),
            ["Der Minister sagte am Montag etwas.", "Neuer Absatz."]
        );
    }

    #[test]
    fn lines_of_invisible_characters_are_blank() {
        for input in ["\u{200b}", "\u{2060}\u{feff}\u{200e}\n\u{3164}\u{2800}"] {
            assert_eq!(
                ingest(input.as_bytes()),
                Err(IngestError::Empty),
                "{input:?}"
            );
        }
        let document = ingest_str("Eins.\n\u{200b}\u{2060}\nZwei.");
        assert_eq!(texts(&document.paragraphs), ["Eins.", "Zwei."]);
        // A joiner inside an emoji sequence is part of the text.
        let family = "Familie 👩\u{200d}👩\u{200d}👧.";
        assert_eq!(ingest_str(family).paragraphs[0].text, family);
    }

    #[test]
    fn visible_text_needs_a_character_that_shows() {
        assert!(has_visible_text("a"));
        assert!(has_visible_text("\u{200b}1\u{200b}"));
        assert!(has_visible_text("…"));
        for invisible in [
            "",
            " \t\n",
            "\u{200b}\u{2060}\u{feff}\u{ad}\u{200e}\u{1b}\u{7}\u{3164}\u{2800}",
            "\u{fe0f}\u{e0041}\u{115f}\u{ffa0}\u{180e}",
        ] {
            assert!(!has_visible_text(invisible), "{invisible:?}");
        }
    }

    /// German news hard-wrapped at 66 columns without a blank line: three paragraphs, each
    /// ending in a line that stops short of the margin.
    const WRAPPED_WITHOUT_BLANK_LINES: &str = "\
Der deutsche Außenhandel hat im vergangenen Jahr einen neuen Rekord
aufgestellt. Nach Angaben des Statistischen Bundesamtes stiegen die
Ausfuhren um fast acht Prozent, während die Einfuhren nur leicht
zulegten. Besonders gefragt waren Maschinen, Fahrzeuge und
chemische Erzeugnisse aus Deutschland.
Die größten Abnehmer blieben die Vereinigten Staaten, gefolgt von
Frankreich und China. Der Handel mit China ging allerdings zum
ersten Mal seit Jahren zurück, was Ökonomen auf die schwächere
Nachfrage in der Volksrepublik zurückführen.
Für das laufende Jahr rechnen die Verbände mit einem Rekord an
Ausfuhren, warnen aber vor neuen Zöllen und einem schwächeren
Wachstum in den wichtigsten Märkten.
";

    #[test]
    fn hard_wrapped_text_without_blank_lines_is_rejoined_into_its_paragraphs() {
        let document = ingest_str(WRAPPED_WITHOUT_BLANK_LINES);
        assert_eq!(document.layout, InputLayout::HardWrapped);
        let paragraphs = texts(&document.paragraphs);
        assert_eq!(paragraphs.len(), 3, "{paragraphs:#?}");
        assert!(paragraphs[0].ends_with("chemische Erzeugnisse aus Deutschland."));
        assert!(paragraphs[1].starts_with("Die größten Abnehmer"));
        assert!(paragraphs[2].contains("mit einem Rekord an Ausfuhren, warnen aber"));
        assert!(
            paragraphs.iter().all(|p| p.ends_with('.')),
            "{paragraphs:#?}"
        );
    }

    #[test]
    fn a_long_hard_wrapped_block_is_never_cut_mid_sentence() {
        let block = WRAPPED_WITHOUT_BLANK_LINES.repeat(4);
        let document = ingest_str(&block);
        assert_eq!(document.paragraphs.len(), 12);
        assert!(document.paragraphs.iter().all(|p| p.text.ends_with('.')));
    }

    #[test]
    fn an_email_with_a_greeting_and_a_signature_keeps_its_paragraphs_whole() {
        let email = "\
Hallo zusammen,

wie am Montag besprochen, fasse ich die Ergebnisse der Sitzung kurz
zusammen. Das Projekt wird bis Ende März verlängert, weil die Tests
länger dauern als geplant.
Die Kosten übernimmt weiterhin die Abteilung Forschung, die das
Budget bereits freigegeben hat.
Bitte meldet euch bis Freitag, falls ihr Fragen habt.

Viele Grüße
Anna
";
        let document = ingest_str(email);
        assert_eq!(document.layout, InputLayout::BlankLineSeparated);
        assert_eq!(
            texts(&document.paragraphs),
            [
                "Hallo zusammen,",
                "wie am Montag besprochen, fasse ich die Ergebnisse der Sitzung kurz zusammen. \
                 Das Projekt wird bis Ende März verlängert, weil die Tests länger dauern als \
                 geplant.",
                "Die Kosten übernimmt weiterhin die Abteilung Forschung, die das Budget bereits \
                 freigegeben hat.",
                "Bitte meldet euch bis Freitag, falls ihr Fragen habt.",
                "Viele Grüße Anna",
            ]
        );
    }

    #[test]
    fn headlines_of_every_length_without_blank_lines_stay_one_per_line() {
        let list = "Regierung beschließt neuen Haushalt für das kommende Jahr\n\
                    Opposition kritisiert Pläne\n\
                    Wirtschaftsverbände begrüßen die geplanten Entlastungen für Unternehmen deutlich\n\
                    Streit um Schuldenbremse geht weiter\n\
                    Länder fordern mehr Geld vom Bund für Schulen\n";
        let document = ingest_str(list);
        assert_eq!(document.layout, InputLayout::LinePerParagraph);
        assert_eq!(document.paragraphs.len(), 5);
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
