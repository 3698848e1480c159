//! Dates and times as a text writes them: numeric and with month names in seven languages,
//! day or month first; times on either clock. Cut into [`Item`]s (numbers and words) and read
//! back as [`Found`] facts.

use std::ops::Range;

use super::tokens::{Token, normalize_number, tokens};
use super::{Fact, Found};

/// Month names (and common abbreviations, recognised only beside a day) in the languages
/// diglot knows dates in: index 0 is January.
const MONTHS: [&[&str]; 12] = [
    &[
        "januar", "jänner", "january", "janvier", "enero", "gennaio", "janeiro", "januari", "jan",
    ],
    &[
        "februar",
        "feber",
        "february",
        "février",
        "fevrier",
        "febrero",
        "febbraio",
        "fevereiro",
        "februari",
        "feb",
        "febr",
    ],
    &[
        "märz", "maerz", "march", "mars", "marzo", "março", "maart", "mär", "mrz",
    ],
    &["april", "avril", "abril", "aprile", "apr"],
    &["mai", "may", "mayo", "maggio", "maio", "mei"],
    &["juni", "june", "juin", "junio", "giugno", "junho", "jun"],
    &["juli", "july", "juillet", "julio", "luglio", "julho", "jul"],
    &["august", "août", "aout", "agosto", "augustus", "aug"],
    &[
        "september",
        "septembre",
        "septiembre",
        "settembre",
        "setembro",
        "sep",
        "sept",
    ],
    &[
        "oktober", "october", "octobre", "octubre", "ottobre", "outubro", "okt", "oct",
    ],
    &["november", "novembre", "noviembre", "novembro", "nov"],
    &[
        "dezember",
        "december",
        "décembre",
        "decembre",
        "diciembre",
        "dicembre",
        "dezembro",
        "dez",
        "dec",
    ],
];

/// Words between a day and its month: `14th of March`, `14 de marzo`.
const DATE_LINKS: &[&str] = &["of", "de", "di", "del"];

/// Suffixes that make a day an ordinal: `14th`, `1er`, `1º`.
const ORDINAL_SUFFIXES: &[&str] = &["st", "nd", "rd", "th", "er", "e", "º", "ª", "o", "a"];

/// Words after an hour: `14 Uhr`, `20 heures`, `9h`, `14 horas`, `15 ore`, `10 uur`.
const HOUR_WORDS: &[&str] = &["uhr", "heures", "heure", "h", "horas", "hora", "ore", "uur"];

/// The month a word names (1..=12), abbreviations included.
pub(super) fn month_of(word: &str) -> Option<u8> {
    let word = word.to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&word.as_str()))
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// A word, a number or a punctuation mark, with its byte range.
#[derive(Debug, Clone)]
pub(super) enum Item {
    Number(Token),
    Word(Range<usize>, String),
    Mark(usize, char),
}

impl Item {
    fn start(&self) -> usize {
        match self {
            Item::Number(t) => t.span.start,
            Item::Word(span, _) => span.start,
            Item::Mark(at, _) => *at,
        }
    }

    fn end(&self) -> usize {
        match self {
            Item::Number(t) => t.span.end,
            Item::Word(span, _) => span.end,
            Item::Mark(at, c) => at + c.len_utf8(),
        }
    }

    fn word(&self) -> Option<&str> {
        match self {
            Item::Word(_, w) => Some(w),
            _ => None,
        }
    }

    fn is_mark(&self, mark: char) -> bool {
        matches!(self, Item::Mark(_, c) if *c == mark)
    }

    /// The number's value when it is a whole number without separators.
    fn whole(&self) -> Option<u32> {
        match self {
            Item::Number(t) if t.written.chars().all(|c| c.is_ascii_digit()) => {
                t.written.parse().ok()
            }
            _ => None,
        }
    }
}

pub(super) fn items(text: &str) -> Vec<Item> {
    let numbers = tokens(text);
    let mut items = Vec::new();
    let mut next_number = numbers.iter().peekable();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if let Some(number) = next_number.next_if(|n| n.span.start == at) {
            while chars.next_if(|(i, _)| *i < number.span.end).is_some() {}
            items.push(Item::Number(number.clone()));
        } else if c.is_alphabetic() || matches!(c, 'º' | 'ª') {
            let mut word = String::new();
            let mut end = at;
            while let Some((i, w)) = chars.next_if(|(_, w)| w.is_alphabetic() || *w == 'º') {
                word.push(w);
                end = i + w.len_utf8();
            }
            items.push(Item::Word(at..end, word.to_lowercase()));
        } else {
            chars.next();
            if !c.is_whitespace() {
                items.push(Item::Mark(at, c));
            }
        }
    }
    items
}

/// Two items touch: nothing, not even a space, between them.
fn touch(a: &Item, b: &Item) -> bool {
    a.end() == b.start()
}

fn day(n: u32) -> Option<u8> {
    u8::try_from(n).ok().filter(|d| (1..=31).contains(d))
}

fn month(n: u32) -> Option<u8> {
    u8::try_from(n).ok().filter(|m| (1..=12).contains(m))
}

/// A date or time starting at `items[i]`: the index after it and its facts.
pub(super) fn date_or_time_at(text: &str, items: &[Item], i: usize) -> Option<(usize, Vec<Found>)> {
    let get = |k: usize| items.get(k);
    let written = |from: usize, to: usize| -> String {
        let (Some(a), Some(b)) = (get(from), get(to)) else {
            return String::new();
        };
        text.get(a.start()..b.end()).unwrap_or_default().to_owned()
    };
    let found = |from, to, fact, alternative| Found {
        written: written(from, to),
        fact,
        alternative,
    };
    let year = |item: &Item| -> Option<Found> {
        let Item::Number(t) = item else { return None };
        (t.written.len() == 4).then(|| Found {
            written: t.written.clone(),
            fact: Fact::Number(normalize_number(&t.written)),
            alternative: None,
        })
    };
    let current = get(i)?;

    // Month name first: `March 14`, `March 14th`.
    if let Some(m) = current.word().and_then(month_of)
        && let Some(next) = get(i + 1)
        && let Some(d) = next.whole().and_then(day)
        && !get(i + 2).is_some_and(|after| after.is_mark(':') && touch(next, after))
    {
        let mut end = i + 1;
        if get(i + 2).is_some_and(|s| touch(next, s) && is_ordinal_suffix(s)) {
            end = i + 2;
        }
        let date = Fact::Date {
            day: d,
            month: m,
            either_order: false,
        };
        return Some((end + 1, vec![found(i, end, date, None)]));
    }

    let Item::Number(token) = current else {
        return None;
    };
    let parts: Vec<&str> = token.written.split('.').collect();
    let digits_only = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());

    // Numeric dates with dots: `14.03.2025`, `14.3.25`, and `14.3.` before a dot.
    if parts.iter().all(|p| digits_only(p))
        && parts[0].len() <= 2
        && parts.get(1).is_some_and(|m| m.len() <= 2)
        && let (Some(d), Some(m)) = (
            parts[0].parse().ok().and_then(day),
            parts.get(1).and_then(|m| m.parse().ok()).and_then(month),
        )
    {
        let date = Fact::Date {
            day: d,
            month: m,
            either_order: false,
        };
        let dotted = get(i + 1).is_some_and(|next| next.is_mark('.') && touch(current, next));
        if parts.len() == 3 && matches!(parts[2].len(), 2 | 4) {
            let mut facts = vec![found(i, i, date, None)];
            if parts[2].len() == 4 {
                facts.push(Found {
                    written: parts[2].to_owned(),
                    fact: Fact::Number(parts[2].to_owned()),
                    alternative: None,
                });
            }
            return Some((i + 1, facts));
        }
        if parts.len() == 2 && dotted {
            let hour_word = get(i + 2).and_then(Item::word).is_some_and(is_hour_word);
            if !hour_word {
                let decimal = Some(normalize_number(&token.written));
                return Some((i + 2, vec![found(i, i + 1, date, decimal)]));
            }
        }
    }

    // Slashed and ISO dates: `14/03/2025` (either order), `2025-03-14`.
    if let (Some(a), Some(b), Some(c), Some(d)) = (get(i + 1), get(i + 2), get(i + 3), get(i + 4))
        && touch(current, a)
        && touch(a, b)
        && touch(b, c)
        && touch(c, d)
        && let (Some(x), Some(y), Some(z)) = (current.whole(), b.whole(), d.whole())
    {
        if a.is_mark('/') && c.is_mark('/') && token.written.len() <= 2 {
            let pair = day(x).zip(month(y)).or_else(|| day(y).zip(month(x)));
            if let Some((day, month)) = pair {
                let date = Fact::Date {
                    day,
                    month,
                    either_order: true,
                };
                let mut facts = vec![found(i, i + 4, date, None)];
                facts.extend(year(d));
                return Some((i + 5, facts));
            }
        }
        if a.is_mark('-')
            && c.is_mark('-')
            && token.written.len() == 4
            && let (Some(month), Some(day)) = (month(y), day(z))
        {
            let date = Fact::Date {
                day,
                month,
                either_order: false,
            };
            let mut facts = vec![found(i, i + 4, date, None)];
            facts.extend(year(current));
            return Some((i + 5, facts));
        }
    }

    // Times: `14:30`, `14.30 Uhr`, `14 Uhr`, `2 p.m.`, `2pm`.
    if let Some((next, hour, minute)) = time_at(items, i) {
        let fact = Fact::Time { hour, minute };
        let alternative = Some(normalize_number(&token.written));
        return Some((next, vec![found(i, next - 1, fact, alternative)]));
    }

    // Day first: `14. März`, `14th of March`, `14 de marzo`, `14 mars`.
    if let Some(d) = current.whole().and_then(day) {
        let mut k = i + 1;
        if get(k).is_some_and(|s| touch(current, s) && (s.is_mark('.') || is_ordinal_suffix(s))) {
            k += 1;
        }
        if get(k)
            .and_then(Item::word)
            .is_some_and(|w| DATE_LINKS.contains(&w))
        {
            k += 1;
        }
        if let Some(m) = get(k).and_then(Item::word).and_then(month_of) {
            let date = Fact::Date {
                day: d,
                month: m,
                either_order: false,
            };
            return Some((k + 1, vec![found(i, k, date, None)]));
        }
    }
    None
}

fn is_ordinal_suffix(item: &Item) -> bool {
    item.word().is_some_and(|w| ORDINAL_SUFFIXES.contains(&w))
}

fn is_hour_word(word: &str) -> bool {
    HOUR_WORDS.contains(&word)
}

/// A time starting at `items[i]`: the index after it, hour (24-hour clock) and minute.
fn time_at(items: &[Item], i: usize) -> Option<(usize, u8, u8)> {
    let current = items.get(i)?;
    let Item::Number(token) = current else {
        return None;
    };
    let small = |s: &str, max: u8| s.parse::<u8>().ok().filter(|n| *n <= max);
    let (mut hour, mut minute, mut next) = match token.written.split_once('.') {
        // `14.30 Uhr`, `2.30pm`
        Some((h, m)) if h.len() <= 2 && m.len() == 2 => (small(h, 24)?, small(m, 59)?, i + 1),
        Some(_) => return None,
        None => {
            let hour = small(&token.written, 24)?;
            match (items.get(i + 1), items.get(i + 2)) {
                (Some(colon), Some(Item::Number(m)))
                    if colon.is_mark(':') && touch(current, colon) && m.written.len() == 2 =>
                {
                    (hour, small(&m.written, 59)?, i + 3)
                }
                _ => (hour, 0, i + 1),
            }
        }
    };
    let colon = next == i + 3;
    let word = items.get(next).and_then(Item::word);
    let after = items.get(next + 1);
    let after_that = items.get(next + 2);
    let pm_or_am = match word {
        Some("pm") => Some(true),
        Some("am") => Some(false),
        Some("p") if after.is_some_and(|a| a.is_mark('.')) => after_that
            .and_then(Item::word)
            .filter(|w| *w == "m")
            .map(|_| true),
        Some("a") if after.is_some_and(|a| a.is_mark('.')) => after_that
            .and_then(Item::word)
            .filter(|w| *w == "m")
            .map(|_| false),
        _ => None,
    };
    if let Some(pm) = pm_or_am {
        if hour > 12 {
            return None;
        }
        hour = match (pm, hour) {
            (true, h) if h < 12 => h + 12,
            (false, 12) => 0,
            (_, h) => h,
        };
        next += if word.is_some_and(|w| w.len() == 1) {
            3
        } else {
            1
        };
    } else if word.is_some_and(is_hour_word) {
        // `9h30`
        if word == Some("h")
            && let Some(Item::Number(m)) = after
            && m.written.len() == 2
            && let Some(min) = small(&m.written, 59)
        {
            minute = min;
            next += 1;
        }
        next += 1;
    } else if !colon {
        return None;
    }
    Some((next, hour, minute))
}
