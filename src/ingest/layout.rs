//! Layout: an article's text → its paragraphs, each one normalized line of text.
//!
//! Owns line breaks (LF and CRLF end a line; a lone CR, NEL and U+2028 break a line inside a
//! paragraph; U+2029 separates paragraphs where a sentence ends), the normalization of each line
//! (see [`normalize_line`]), and recognizing how the paragraphs are laid out: one per line, or
//! hard-wrapped to a margin, with or without blank lines between them. A sentence is never cut:
//! lines are only ever joined, and a wrapped block is only split after a line that ends a
//! sentence short of the margin.

use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

use super::{InputLayout, has_visible_text};

/// Widest line, in terminal columns, that still counts as hard-wrapped: wrappers use 60–80
/// columns, some 100; one-paragraph-per-line news text has most lines far longer.
const MAX_WRAPPED_LINE_WIDTH: usize = 120;
/// Narrowest line that counts as hard-wrapped: shorter lines are headings, list items,
/// greetings or verse, not prose filled up to a margin.
const MIN_WRAPPED_LINE_WIDTH: usize = 30;
/// Lines ending mid-sentence at a margin that a text without any blank line needs before it is
/// read as hard-wrapped: with no blank line to confirm it, a few open lines could be headings.
const MIN_OPEN_LINES_WITHOUT_BLANK_LINES: usize = 3;

/// The paragraphs of `text` (a UTF-8 article without its BOM), normalized, and the layout they
/// were found in. No paragraph is empty or without visible text; none at all when the text has
/// nothing visible.
pub(super) fn paragraphs(text: &str) -> (Vec<String>, InputLayout) {
    let text = text.replace("\r\n", "\n");
    // Carriage returns and no line feed at all: an old Mac text, whose lines CR ends.
    let text = if text.contains('\n') {
        text
    } else {
        text.replace('\r', "\n")
    };
    let text = separate_paragraphs(&text);
    let blocks = split_blocks(text.split('\n').map(logical_line));
    let layout = detect_layout(&blocks);
    let texts = match layout {
        InputLayout::LinePerParagraph => blocks.into_iter().flatten().map(|l| l.text).collect(),
        InputLayout::BlankLineSeparated | InputLayout::HardWrapped => {
            let margin = wrap_margin(&blocks);
            blocks
                .iter()
                .flat_map(|block| split_wrapped(block, margin))
                .map(join_lines)
                .collect()
        }
    };
    (texts, layout)
}

/// `text` with each U+2029 PARAGRAPH SEPARATOR made a blank line where the text before it ends
/// a sentence, and a line break inside the paragraph (U+2028) elsewhere: a separator in the
/// middle of a sentence must not cut it.
fn separate_paragraphs(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\u{2029}') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut pieces = text.split('\u{2029}').peekable();
    while let Some(piece) = pieces.next() {
        out.push_str(piece);
        if pieces.peek().is_some() {
            let before = piece.trim_end();
            if before.is_empty() || before.ends_with('\n') || ends_sentence(before) {
                out.push_str("\n\n");
            } else {
                out.push('\u{2028}');
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One normalized input line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    /// NFC text, single spaces, trimmed; empty for a blank line.
    text: String,
    /// The line ended in a soft hyphen: a word was broken here and continues on the next line.
    soft_break: bool,
}

impl Line {
    fn width(&self) -> usize {
        self.text.width()
    }

    /// Whether the line stops mid-sentence (or mid-word, after a soft hyphen).
    fn is_open(&self) -> bool {
        self.soft_break || !ends_sentence(&self.text)
    }
}

/// Breaks inside a paragraph: a lone CR (with LF elsewhere in the text), NEL (U+0085) and
/// U+2028 LINE SEPARATOR. The pieces of a line are joined as a hard-wrapped paragraph's lines
/// are.
fn is_break_inside_paragraph(c: char) -> bool {
    matches!(c, '\r' | '\u{85}' | '\u{2028}')
}

/// One line of the input (up to an LF), its in-paragraph breaks joined.
fn logical_line(raw: &str) -> Line {
    if !raw.contains(is_break_inside_paragraph) {
        return normalize_line(raw);
    }
    let pieces: Vec<Line> = raw
        .split(is_break_inside_paragraph)
        .map(normalize_line)
        .filter(|line| !line.text.is_empty())
        .collect();
    Line {
        soft_break: pieces.last().is_some_and(|line| line.soft_break),
        text: join_lines(&pieces),
    }
}

/// Normalizes one line: soft hyphens and control characters (C0, DEL, C1) are removed, tabs and
/// every Unicode space separator (NBSP, narrow NBSP, em space, ideographic space …) become a
/// plain space, the result is put in NFC, runs of spaces are collapsed and the ends trimmed. A
/// line with nothing visible ([`has_visible_text`]) is blank. Every other character (quotes,
/// dashes, emoji, CJK, joiners inside emoji) is kept as it is.
fn normalize_line(raw: &str) -> Line {
    let mut mapped = String::with_capacity(raw.len());
    let mut soft_break = false;
    for c in raw.chars() {
        if c == '\u{ad}' {
            soft_break = true;
        } else if c.is_whitespace() {
            mapped.push(' ');
        } else if !c.is_control() {
            mapped.push(c);
            soft_break = false;
        }
    }
    if !has_visible_text(&mapped) {
        return Line {
            text: String::new(),
            soft_break: false,
        };
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

/// Decides how the input laid out its paragraphs.
///
/// The evidence is the *inner* lines: every line of a multi-line block except its last. Of
/// those, the lines of moderate width (30–120 columns) that stop mid-sentence (no final `.`,
/// `!`, `?`, `…`, `:`, `;` or CJK equivalent, closing quotes and brackets aside) are the *open*
/// lines. The text is hard-wrapped when:
///
/// - there are open lines: at least one with blank lines in the text, at least three without;
/// - most moderate inner lines are open (a line-per-paragraph text's lines end sentences);
/// - at most a quarter of the inner lines are wider than 120 columns (a line-per-paragraph
///   article's are mostly far wider), while shorter ones (greetings, signatures, headings)
///   neither count for nor against;
/// - three quarters of the open lines reach two thirds of the widest: filled up to a margin,
///   as a wrapper does, not a list of headings of every length.
///
/// Hard-wrapped text with blank lines is [`InputLayout::BlankLineSeparated`], without them
/// [`InputLayout::HardWrapped`]; either way its lines are joined into paragraphs
/// ([`split_wrapped`]). Anything else is [`InputLayout::LinePerParagraph`]. No sentence is cut.
fn detect_layout(blocks: &[Vec<Line>]) -> InputLayout {
    let inner: Vec<&Line> = blocks
        .iter()
        .flat_map(|block| &block[..block.len() - 1])
        .collect();
    let long = inner
        .iter()
        .filter(|line| line.width() > MAX_WRAPPED_LINE_WIDTH)
        .count();
    let moderate: Vec<&Line> = inner
        .iter()
        .copied()
        .filter(|line| (MIN_WRAPPED_LINE_WIDTH..=MAX_WRAPPED_LINE_WIDTH).contains(&line.width()))
        .collect();
    let open: Vec<usize> = moderate
        .iter()
        .filter(|line| line.is_open())
        .map(|line| line.width())
        .collect();
    let margin = open.iter().copied().max().unwrap_or(0);
    let full = open
        .iter()
        .filter(|&&width| width * 3 >= margin * 2)
        .count();
    let needed = if blocks.len() >= 2 {
        1
    } else {
        MIN_OPEN_LINES_WITHOUT_BLANK_LINES
    };
    let wrapped = open.len() >= needed
        && open.len() * 2 > moderate.len()
        && long * 4 <= inner.len()
        && full * 4 >= open.len() * 3;
    match (wrapped, blocks.len() >= 2) {
        (false, _) => InputLayout::LinePerParagraph,
        (true, true) => InputLayout::BlankLineSeparated,
        (true, false) => InputLayout::HardWrapped,
    }
}

/// The margin a hard-wrapped text was filled to: its widest line of moderate width.
fn wrap_margin(blocks: &[Vec<Line>]) -> usize {
    blocks
        .iter()
        .flatten()
        .map(Line::width)
        .filter(|width| *width <= MAX_WRAPPED_LINE_WIDTH)
        .max()
        .unwrap_or(MAX_WRAPPED_LINE_WIDTH)
}

/// A hard-wrapped block's paragraphs: it is split after a line that ends a sentence although
/// the next line's first word would have fit within `margin` (a wrapper would have put it
/// there, so the line ended a paragraph). A line that stops mid-sentence never ends one.
fn split_wrapped(block: &[Line], margin: usize) -> Vec<&[Line]> {
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for (i, pair) in block.windows(2).enumerate() {
        let (line, next) = (&pair[0], &pair[1]);
        if !line.is_open() && line.width() + 1 + first_word_width(&next.text) <= margin {
            paragraphs.push(&block[start..=i]);
            start = i + 1;
        }
    }
    paragraphs.push(&block[start..]);
    paragraphs
}

/// Width of the first word of `text`: up to the first space, or its first character in a
/// script written without spaces.
fn first_word_width(text: &str) -> usize {
    match text.chars().next() {
        Some(c) if is_spaceless_script(c) => text[..c.len_utf8()].width(),
        _ => text.split(' ').next().unwrap_or_default().width(),
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

/// Joins the lines of a hard-wrapped paragraph into one.
///
/// Lines are joined with a space, except:
/// - after a soft hyphen (already removed): the word continues, so no space;
/// - after a letter followed by `-`: no space, and the hyphen stays. Wrappers break at existing
///   hyphens rather than hyphenating words, so `Ukraine-` + `Konflikt` is the compound
///   `Ukraine-Konflikt`; the rare typeset `Frie-` + `den` keeps a stray hyphen, which is
///   harmless, where dropping it would merge real compounds;
/// - between Chinese or Japanese characters, which are written without spaces.
fn join_lines(lines: &[Line]) -> String {
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
pub fn is_spaceless_script(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30ff}'      // CJK punctuation, hiragana, katakana
        | '\u{3400}'..='\u{4dbf}'    // CJK extension A
        | '\u{4e00}'..='\u{9fff}'    // CJK unified ideographs
        | '\u{f900}'..='\u{faff}'    // CJK compatibility ideographs
        | '\u{ff00}'..='\u{ffef}'    // full-width forms
        | '\u{20000}'..='\u{2ffff}') // CJK extensions B and later
}
