//! What the live display is told while an answer streams in: the whole text so far, the chunk
//! it answers, and the paragraph the model is writing now ([`paragraph_in_progress`]), read
//! from either reply form (numbered `[3] text` blocks or the JSON `{"id": 3, "text": "…"}`),
//! however little of it has arrived. Only for showing: nothing read here is ever printed on
//! stdout or trusted; the reply is decoded and verified whole when it is complete.

use std::sync::Arc;

use crate::ingest::ParagraphId;

/// One moment of a streamed answer.
#[derive(Debug, Clone, Copy)]
pub struct Live<'a> {
    /// The first paragraph of the chunk being answered (`None` for a brief or a preflight).
    pub chunk: Option<ParagraphId>,
    /// Everything the answer has said so far.
    pub text: &'a str,
}

impl Live<'_> {
    /// The paragraph the model is writing, and what it has written of it, when the answer
    /// is a translation and has got to a paragraph.
    pub fn paragraph(&self) -> Option<(ParagraphId, String)> {
        self.chunk?;
        paragraph_in_progress(self.text).map(|(id, text)| (ParagraphId(id), text))
    }
}

/// Receives each moment of a streamed answer, to show it.
pub type LiveSink = Arc<dyn Fn(&Live<'_>) + Send + Sync>;

/// The last paragraph a (partial) translation reply has started, and its text so far: after
/// the last numbered marker at a line start, or in the last JSON `"text"` string after an
/// `"id"`, whichever comes later.
pub fn paragraph_in_progress(text: &str) -> Option<(u32, String)> {
    match (last_numbered(text), last_json(text)) {
        (Some((a, id, rest)), Some((b, _, _))) if a > b => Some((id, flat(rest))),
        (_, Some((_, id, json))) => Some((id, flat(&unescape(json)))),
        (Some((_, id, rest)), None) => Some((id, flat(rest))),
        (None, None) => None,
    }
}

/// Whitespace folded to single spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The last line starting with `[N]` (after spaces, `*` or `#`): where it starts, N, and the
/// text after the marker.
fn last_numbered(text: &str) -> Option<(usize, u32, &str)> {
    let mut start = text.len();
    loop {
        let at = text[..start].rfind('[')?;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let before = &text[line_start..at];
        if before.chars().all(|c| matches!(c, ' ' | '*' | '#')) {
            let rest = &text[at + 1..];
            if let Some((inside, after)) = rest.split_once(']')
                && let Some(id) = marker_paragraph(inside)
            {
                return Some((at, id, after.trim_start_matches(['*', ':', ' '])));
            }
        }
        if at == 0 {
            return None;
        }
        start = at;
    }
}

/// The paragraph a numbered marker's inside names: `3` or `¶3`, and a sentence's `3.2` (or a
/// group's `3.2-3.3`) of a reply aligned by sentence.
fn marker_paragraph(inside: &str) -> Option<u32> {
    let inside = inside.trim().trim_start_matches('¶');
    let (paragraph, sentence) = inside.split_once('.').unwrap_or((inside, ""));
    let sentence_ok = sentence.is_empty() || sentence.starts_with(|c: char| c.is_ascii_digit());
    sentence_ok.then(|| paragraph.parse().ok()).flatten()
}

/// The last JSON `"text"` (or `"translation"`) string after an `"id"`: where its id starts,
/// the id, and the string's raw contents so far (up to its closing quote, if it has one).
fn last_json(text: &str) -> Option<(usize, u32, &str)> {
    let at = text.rfind("\"id\"")?;
    let after_id = text[at + 4..].trim_start().strip_prefix(':')?.trim_start();
    let digits: String = after_id
        .trim_start_matches('"')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let id = digits.parse().ok()?;
    let rest = &text[at..];
    let key = ["\"text\"", "\"translation\""]
        .iter()
        .filter_map(|k| rest.find(k).map(|i| i + k.len()))
        .min()?;
    let value = rest[key..].trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    let mut end = value.len();
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    Some((at, id, &value[..end]))
}

/// A JSON string's contents unescaped, as far as they go (a cut escape is dropped).
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 't' | 'r') => out.push(' '),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_numbered_paragraph_and_what_is_written_of_it() {
        let text = "[3] Rutte spoke.\n\n[4] NATO will\n  not";
        assert_eq!(
            paragraph_in_progress(text),
            Some((4, "NATO will not".into()))
        );
        assert_eq!(
            paragraph_in_progress("**[¶7]** Der"),
            Some((7, "Der".into()))
        );
        // A bracket inside a line is not a marker.
        let inline = "[5] He said [sic] it";
        assert_eq!(
            paragraph_in_progress(inline),
            Some((5, "He said [sic] it".into()))
        );
        assert_eq!(paragraph_in_progress("[12"), None);
        assert_eq!(paragraph_in_progress("no paragraph yet"), None);
    }

    #[test]
    fn a_sentence_marker_names_its_paragraph() {
        let text = "[3.1] Rutte spoke.\n[3.2-3.3] He said\n\n[4.1] NATO will";
        assert_eq!(paragraph_in_progress(text), Some((4, "NATO will".into())));
        let group = "[7.1] One.\n[7.2-7.3] Two and";
        assert_eq!(paragraph_in_progress(group), Some((7, "Two and".into())));
        assert_eq!(paragraph_in_progress("[3.x] no"), None);
    }

    #[test]
    fn the_last_json_paragraph_however_little_has_arrived() {
        let text = r#"{"paragraphs":[{"id":1,"text":"One \"two\""},{"id": 2, "text": "Thr"#;
        assert_eq!(paragraph_in_progress(text), Some((2, "Thr".into())));
        let closed = r#"{"paragraphs":[{"id":"3","translation":"a\nb \u00e4"}"#;
        assert_eq!(paragraph_in_progress(closed), Some((3, "a b ä".into())));
        assert_eq!(paragraph_in_progress(r#"{"paragraphs":[{"id":4,"te"#), None);
    }

    #[test]
    fn only_a_chunk_has_paragraphs() {
        let brief = Live {
            chunk: None,
            text: "[1] x",
        };
        assert_eq!(brief.paragraph(), None);
        let chunk = Live {
            chunk: Some(ParagraphId(1)),
            text: "[1] x",
        };
        assert_eq!(chunk.paragraph(), Some((ParagraphId(1), "x".into())));
    }
}
