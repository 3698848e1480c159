//! Numbers as a text writes them: digit runs with their locale separators, and their one
//! normal form (`1.000` = `1,000` = `1 000` = 1000; `3,8` = `3.8`).

use std::ops::Range;

/// Characters that group thousands, but only before exactly three digits (`1 000`, `1'000`).
const GROUPING: &[char] = &[' ', '\u{a0}', '\u{202f}', '\u{2009}', '\'', '’'];

/// A run of digits with its separators, as written, and where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    /// Byte range in the text.
    pub(super) span: Range<usize>,
    /// The characters of the span.
    pub(super) written: String,
}

/// Digit runs joined by a single `.` or `,` between digits, or by a grouping space or
/// apostrophe before exactly three digits.
pub(super) fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit());
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit_at(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut group = 0;
        while i < chars.len() {
            let c = chars[i].1;
            if c.is_ascii_digit() {
                group += 1;
            } else if (matches!(c, '.' | ',') && digit_at(i + 1))
                || (GROUPING.contains(&c)
                    && (1..=3).contains(&group)
                    && (1..=3).all(|k| digit_at(i + k))
                    && !digit_at(i + 4))
            {
                group = 0;
            } else {
                break;
            }
            i += 1;
        }
        let begin = chars[start].0;
        let end = chars.get(i).map_or(text.len(), |(at, _)| *at);
        found.push(Token {
            span: begin..end,
            written: text[begin..end].to_owned(),
        });
    }
    found
}

/// The numbers written in `text`, each as written and normalized (see [`normalize_number`]).
pub fn numbers_in(text: &str) -> Vec<(String, String)> {
    tokens(text)
        .into_iter()
        .map(|t| {
            let normal = normalize_number(&t.written);
            (t.written, normal)
        })
        .collect()
}

/// Where each number stands in `text` (byte ranges) and its normal form.
pub fn number_spans(text: &str) -> Vec<(Range<usize>, String)> {
    tokens(text)
        .into_iter()
        .map(|t| {
            let normal = normalize_number(&t.written);
            (t.span, normal)
        })
        .collect()
}

/// One spelling for a number written with locale separators.
///
/// Grouping spaces and apostrophes are dropped first. Then, with both `.` and `,`, the last kind
/// is the decimal mark and the other groups thousands (`1.234,5` and `1,234.5` are `1234.5`).
/// With one kind only: when every group after the first has exactly three digits and the first
/// has one to three, the separators group thousands (`1.000`, `1,000`, `1.000.000` are `1000`,
/// `1000000`); otherwise a single separator is the decimal mark (`3,8` and `3.8` are `3.8`).
/// Leading zeros of the whole part and trailing zeros of the fraction are dropped (`14.30` is
/// `14.3`, `2.0` is `2`).
pub fn normalize_number(written: &str) -> String {
    let written: String = written.chars().filter(|c| !GROUPING.contains(c)).collect();
    let has_dot = written.contains('.');
    let has_comma = written.contains(',');
    let (whole, fraction) = if has_dot && has_comma {
        let mark = written.rfind(['.', ',']).unwrap_or(written.len());
        (
            written[..mark].replace(['.', ','], ""),
            Some(written[mark + 1..].to_owned()),
        )
    } else if has_dot || has_comma {
        let groups: Vec<&str> = written.split(['.', ',']).collect();
        let thousands = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if thousands {
            (groups.concat(), None)
        } else if groups.len() == 2 {
            (groups[0].to_owned(), Some(groups[1].to_owned()))
        } else {
            (groups.concat(), None)
        }
    } else {
        (written.clone(), None)
    };
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    match fraction.as_deref().map(|f| f.trim_end_matches('0')) {
        Some(fraction) if !fraction.is_empty() => format!("{whole}.{fraction}"),
        _ => whole.to_owned(),
    }
}
