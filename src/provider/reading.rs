//! Reading a model's answer leniently, as small models write it: numbered paragraphs
//! (`[3] text`), thinking blocks to drop, and one paragraph answered without its marker.

use crate::plan::Chunk;

/// The numbered paragraphs of a plain answer (or payload): each entry starts at a line that
/// begins with a marker `[N]` (after spaces or Markdown emphasis) and runs until the next
/// marker; its lines are joined with spaces, and Markdown code fences around it are dropped.
/// `None` when no line has a marker.
pub fn parse_numbered(text: &str) -> Option<Vec<(u32, String)>> {
    let mut entries: Vec<(u32, String)> = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        if let Some((id, rest)) = marker(line) {
            entries.push((id, rest.trim().to_owned()));
        } else if let Some((_, last)) = entries.last_mut()
            && !line.trim().is_empty()
        {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(line.trim());
        }
    }
    (!entries.is_empty()).then_some(entries)
}

/// A line's marker `[N]` (or `[¶N]`, `**[N]**`) and the text after it.
pub(super) fn marker(line: &str) -> Option<(u32, &str)> {
    let line = line.trim_start().trim_start_matches(['*', '#', ' ']);
    let rest = line.strip_prefix('[')?;
    let (inside, after) = rest.split_once(']')?;
    let id = inside.trim().trim_start_matches('¶').parse().ok()?;
    Some((id, after.trim_start_matches(['*', ':', ' '])))
}

/// Removes a model's thinking from its answer: every `<think>…</think>` block, and an
/// unclosed `<think>` with everything after it (the model stopped while thinking).
pub fn strip_thinking(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<think>") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<think>") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</think>") {
            Some(end) => rest = &rest[start + end + "</think>".len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The answer to a request for one paragraph that is its translation alone, without the
/// paragraph's marker, as small models write it: text that is not JSON (it does not start
/// with `{` or `[`), outside any Markdown code fence, and that carries a word of the paragraph
/// as written (a name or a number, which a translation keeps): so a chatty reply ("Sure! I
/// have translated…") is still a broken answer. The fidelity checks judge the rest.
pub(super) fn unmarked(chunk: &Chunk, answer: &str) -> Option<Vec<(u32, String)>> {
    let [paragraph] = chunk.paragraphs.as_slice() else {
        return None;
    };
    let text = answer
        .lines()
        .filter(|line| !line.trim_start().starts_with("```"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim();
    if text.is_empty() || text.starts_with(['{', '[']) || !keeps_a_word(&paragraph.text, text) {
        return None;
    }
    Some(vec![(paragraph.id.0, text.to_owned())])
}

/// Whether `answer` has a word of `source` as written: a capitalised word of four or more
/// letters other than a sentence's first, or a word with a digit.
fn keeps_a_word(source: &str, answer: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let said: std::collections::HashSet<String> = words(answer).into_iter().collect();
    let mut sentence_start = true;
    for piece in source.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let word = piece.trim_end_matches(|c: char| !c.is_alphanumeric());
        let name = word.chars().count() >= 4
            && word.chars().next().is_some_and(char::is_uppercase)
            && !sentence_start;
        if (name || word.chars().any(|c| c.is_ascii_digit())) && said.contains(word) {
            return true;
        }
        if !word.is_empty() {
            sentence_start = false;
        }
        if piece.ends_with(['.', '!', '?']) {
            sentence_start = true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::Guide;
    use crate::ingest::sentence::Align;
    use crate::ingest::{Paragraph, ParagraphId};
    use crate::language::LanguageCode;

    fn one_paragraph(text: &str) -> Chunk {
        Chunk {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            paragraphs: vec![Paragraph {
                id: ParagraphId(3),
                text: text.to_owned(),
            }],
            guide: Guide::default(),
            align: Align::Paragraph,
        }
    }

    #[test]
    fn one_paragraph_answered_without_its_marker_is_its_translation_unless_it_is_chatter() {
        // As Qwen2.5-Coder-1.5B answered a one-paragraph request through llama.cpp.
        let chunk = one_paragraph(
            "Die Stadtbibliothek in Lindwerder bleibt bis Ende Mai geschlossen. Bücher gehen \
             ins Bürgerbüro.",
        );
        let answer = "The city library in Lindwerder remains closed until the end of May.\n\
                      Books go to the Bürgerbüro.";
        assert_eq!(
            unmarked(&chunk, answer),
            Some(vec![(
                3,
                "The city library in Lindwerder remains closed until the end of May. Books go \
                 to the Bürgerbüro."
                    .to_owned()
            )])
        );
        let chatter = "Sure! I have translated the article for you. The paragraphs read well.";
        assert_eq!(unmarked(&chunk, chatter), None);
        assert_eq!(
            unmarked(&chunk, r#"{"paragraphs": [{"id": 3, "text": "The Lin"#),
            None
        );
        let numbers = one_paragraph("Es kamen 1.200 Menschen.");
        assert!(unmarked(&numbers, "1.200 people came.").is_some());
        // A capitalised word at a sentence's start is no name: it proves nothing.
        let plain = one_paragraph("Gestern regnete es.");
        assert_eq!(unmarked(&plain, "Gestern it rained."), None);
        let mut two = one_paragraph("Lindwerder ist klein.");
        two.paragraphs.push(Paragraph {
            id: ParagraphId(4),
            text: "Lindwerder ist alt.".to_owned(),
        });
        assert_eq!(unmarked(&two, "Lindwerder is small."), None);
    }
}
