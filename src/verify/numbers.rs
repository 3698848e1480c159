//! Numbers, dates and times as a text writes them, compared across locales.
//!
//! Pure. Shared by the brief's checks (`verify::brief`: every number in a brief occurs in the
//! paragraphs it cites) and the fidelity checks (`verify::fidelity`: every number and date of a
//! source paragraph occurs in its translation). What it understands:
//!
//! - **Numbers**, glued to words or not (`30-tägigen`, `5%`, `€1.5`, `G7`), with locale
//!   separators: `1.000`, `1,000`, `1 000` (space, no-break space, thin space) and `1'000` are
//!   all 1000; `3,8` and `3.8` are both 3.8 (see [`normalize_number`]).
//! - **Dates**: numeric (`14.03.2025`, `14.3.`, `14/03/2025`, `2025-03-14`) and with a month
//!   name in German, English, French, Spanish, Italian, Portuguese or Dutch, day first or month
//!   first (`14. März`, `March 14`, `14th of March`, `14 de marzo`, `14 mars`). A date is the
//!   day and the month; its year, when written, is an ordinary number.
//! - **Times**: `14:30`, `14.30 Uhr`, `14 Uhr`, `20 heures`, `2 p.m.`; `14:00` and `2 p.m.` are
//!   the same time.
//!
//! [`missing`] is the comparison: which facts of one text another text lacks. It is lenient on
//! purpose, so an honest translation never fails: a whole number from 0 to 12 also counts as
//! present when the other text spells it out (`2` ↔ `two`, `zweiten`, `deux`), and a date or time
//! also counts when its day (hour) and month (minute) appear as plain numbers and names.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::language::LanguageCode;

/// Characters that group thousands, but only before exactly three digits (`1 000`, `1'000`).
const GROUPING: &[char] = &[' ', '\u{a0}', '\u{202f}', '\u{2009}', '\'', '’'];

/// A run of digits with its separators, as written, and where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    /// Byte range in the text.
    span: Range<usize>,
    /// The characters of the span.
    written: String,
}

/// Digit runs joined by a single `.` or `,` between digits, or by a grouping space or
/// apostrophe before exactly three digits.
fn tokens(text: &str) -> Vec<Token> {
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

/// What a number, date or time says, independent of how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// A number in its [`normalize_number`] form.
    Number(String),
    /// A day of a month; `either_order` for `3/4/2025`, which may be day or month first.
    Date {
        /// 1..=31.
        day: u8,
        /// 1..=12.
        month: u8,
        /// Whether day and month may be swapped.
        either_order: bool,
    },
    /// A time of day on the 24-hour clock.
    Time {
        /// 0..=24.
        hour: u8,
        /// 0..=59.
        minute: u8,
    },
}

/// A fact as the text writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The text's own spelling (`30`, `14. März`, `14.30 Uhr`).
    pub written: String,
    /// What it says.
    pub fact: Fact,
    /// Another reading of the same characters (`14.3.` is a date or the decimal 14.3), which
    /// also counts as present.
    alternative: Option<String>,
}

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
fn month_of(word: &str) -> Option<u8> {
    let word = word.to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&word.as_str()))
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// A word, a number or a punctuation mark, with its byte range.
#[derive(Debug, Clone)]
enum Item {
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

fn items(text: &str) -> Vec<Item> {
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

/// Every number, date and time in `text`, in order. The parts of a date or time are not also
/// numbers, except a date's year.
pub fn facts(text: &str) -> Vec<Found> {
    let items = items(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if let Some((next, mut facts)) = date_or_time_at(text, &items, i) {
            found.append(&mut facts);
            i = next;
            continue;
        }
        if let Item::Number(token) = &items[i] {
            found.push(Found {
                written: token.written.clone(),
                fact: Fact::Number(normalize_number(&token.written)),
                alternative: None,
            });
        }
        i += 1;
    }
    found
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
fn date_or_time_at(text: &str, items: &[Item], i: usize) -> Option<(usize, Vec<Found>)> {
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

/// The facts another text offers: its numbers (every reading), dates, times and month names.
#[derive(Debug, Default)]
pub struct Offered {
    numbers: BTreeSet<String>,
    dates: BTreeSet<(u8, u8)>,
    times: BTreeSet<(u8, u8)>,
    months: BTreeSet<u8>,
    words: Vec<String>,
    language: Option<LanguageCode>,
}

impl Offered {
    /// What `text`, written in `language`, offers to compare against.
    pub fn of(text: &str, language: LanguageCode) -> Offered {
        let mut offered = Offered {
            language: Some(language),
            ..Offered::default()
        };
        for (_, normal) in numbers_in(text) {
            offered.numbers.insert(normal);
        }
        for found in facts(text) {
            if let Some(alternative) = found.alternative {
                offered.numbers.insert(alternative);
            }
            match found.fact {
                Fact::Number(n) => {
                    offered.numbers.insert(n);
                }
                Fact::Date { day, month, .. } => {
                    offered.dates.insert((day, month));
                    offered.numbers.insert(day.to_string());
                }
                Fact::Time { hour, minute } => {
                    offered.times.insert((hour % 12, minute));
                    offered.numbers.insert(hour.to_string());
                    offered.numbers.insert((hour % 12).to_string());
                    offered.numbers.insert(minute.to_string());
                }
            }
        }
        for item in items(text) {
            if let Item::Word(_, word) = item {
                offered.months.extend(month_of(&word));
                offered.words.push(word);
            }
        }
        offered
    }

    /// Whether this text says what `found` says (leniently, see the module docs).
    pub fn has(&self, found: &Found) -> bool {
        if let Some(alternative) = &found.alternative
            && self.numbers.contains(alternative)
        {
            return true;
        }
        match &found.fact {
            Fact::Number(n) => self.numbers.contains(n) || self.spells(n),
            Fact::Date {
                day,
                month,
                either_order,
            } => {
                self.dates.contains(&(*day, *month))
                    || (*either_order && self.dates.contains(&(*month, *day)))
                    || (self.numbers.contains(&day.to_string()) && self.months.contains(month))
            }
            Fact::Time { hour, minute } => {
                self.times.contains(&(hour % 12, *minute))
                    || ((self.numbers.contains(&hour.to_string())
                        || self.numbers.contains(&(hour % 12).to_string()))
                        && (*minute == 0 || self.numbers.contains(&minute.to_string())))
            }
        }
    }

    /// Whether the text spells out the whole number `n` (0..=12) in its language.
    fn spells(&self, n: &str) -> bool {
        let Some(stems) = self
            .language
            .and_then(|l| number_words(l, n.parse::<usize>().ok()?))
        else {
            return false;
        };
        self.words
            .iter()
            .any(|word| stems.iter().any(|stem| is_spelling(word, stem)))
    }
}

/// Whether `word` is `stem` (stems of one or two letters, such as `a` or `un`) or starts with it
/// (`zweiten` for `zweit`).
fn is_spelling(word: &str, stem: &str) -> bool {
    if stem.chars().count() <= 2 {
        word == stem
    } else {
        word.starts_with(stem)
    }
}

/// The facts of `source` that `target` lacks, each once, in order.
pub fn missing(source: &str, target: &Offered) -> Vec<Found> {
    let mut seen = Vec::new();
    let mut lacking = Vec::new();
    for found in facts(source) {
        if seen.contains(&found.fact) {
            continue;
        }
        seen.push(found.fact.clone());
        if !target.has(&found) {
            lacking.push(found);
        }
    }
    lacking
}

/// Word stems (cardinal and ordinal) for the whole numbers 0..=12, per language.
fn number_words(language: LanguageCode, n: usize) -> Option<&'static [&'static str]> {
    const EN: [&[&str]; 13] = [
        &["zero", "no", "none"],
        &["one", "a", "an", "first", "single"],
        &["two", "second", "both", "twice", "double", "pair"],
        &["three", "third", "thrice", "triple"],
        &["four", "fourth", "quarter"],
        &["five", "fifth"],
        &["six", "sixth"],
        &["seven", "seventh"],
        &["eight", "eighth"],
        &["nine", "ninth"],
        &["ten", "tenth"],
        &["eleven", "eleventh"],
        &["twelve", "twelfth", "dozen"],
    ];
    const DE: [&[&str]; 13] = [
        &["null", "kein"],
        &["ein", "erst"],
        &["zwei", "zweit", "beide", "doppel"],
        &["drei", "dritt"],
        &["vier", "viert"],
        &["fünf", "fünft"],
        &["sechs", "sechst"],
        &["sieben", "siebt"],
        &["acht"],
        &["neun"],
        &["zehn"],
        &["elf"],
        &["zwölf", "dutzend"],
    ];
    const FR: [&[&str]; 13] = [
        &["zéro", "aucun"],
        &["un", "premi"],
        &["deux"],
        &["trois"],
        &["quatr"],
        &["cinq"],
        &["six"],
        &["sept"],
        &["huit"],
        &["neuf", "neuvi"],
        &["dix"],
        &["onze"],
        &["douz"],
    ];
    const ES: [&[&str]; 13] = [
        &["cero", "ningun"],
        &["un", "primer"],
        &["dos", "segund", "ambos"],
        &["tres", "tercer"],
        &["cuatro", "cuart"],
        &["cinco", "quint"],
        &["seis", "sext"],
        &["siete", "séptim"],
        &["ocho", "octav"],
        &["nueve", "noven"],
        &["diez", "décim"],
        &["once"],
        &["doce", "docen"],
    ];
    const IT: [&[&str]; 13] = [
        &["zero", "nessun"],
        &["un", "prim"],
        &["due", "second", "entramb"],
        &["tre", "terz"],
        &["quattro", "quart"],
        &["cinque", "quint"],
        &["sei", "sest"],
        &["sette", "settim"],
        &["otto", "ottav"],
        &["nove", "nono"],
        &["dieci", "decim"],
        &["undici"],
        &["dodici", "dozzin"],
    ];
    const PT: [&[&str]; 13] = [
        &["zero", "nenhum"],
        &["um", "uma", "primeir"],
        &["dois", "duas", "segund", "ambos"],
        &["três", "terceir"],
        &["quatro", "quart"],
        &["cinco", "quint"],
        &["seis", "sext"],
        &["sete", "sétim"],
        &["oito", "oitav"],
        &["nove", "nono"],
        &["dez", "décim"],
        &["onze"],
        &["doze", "dúzia"],
    ];
    const NL: [&[&str]; 13] = [
        &["nul", "geen"],
        &["een", "één", "eerst"],
        &["twee", "beide"],
        &["drie", "derde"],
        &["vier"],
        &["vijf"],
        &["zes"],
        &["zeven"],
        &["acht"],
        &["negen"],
        &["tien"],
        &["elf"],
        &["twaalf"],
    ];
    let table = match language.as_str() {
        "en" => &EN,
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        "it" => &IT,
        "pt" => &PT,
        "nl" => &NL,
        _ => return None,
    };
    table.get(n).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DE: LanguageCode = LanguageCode::DE;
    const EN: LanguageCode = LanguageCode::EN;

    fn lacking(source: &str, target: &str, language: LanguageCode) -> Vec<String> {
        missing(source, &Offered::of(target, language))
            .into_iter()
            .map(|f| f.written)
            .collect()
    }

    #[test]
    fn numbers_compare_across_locale_separators() {
        for (written, normal) in [
            ("30", "30"),
            ("1.000", "1000"),
            ("1,000", "1000"),
            ("1000", "1000"),
            ("1 000", "1000"),
            ("1\u{202f}000", "1000"),
            ("1'000", "1000"),
            ("1.000.000", "1000000"),
            ("3,8", "3.8"),
            ("3.8", "3.8"),
            ("3.80", "3.8"),
            ("1.234,5", "1234.5"),
            ("1,234.5", "1234.5"),
            ("007", "7"),
        ] {
            assert_eq!(normalize_number(written), normal, "{written}");
        }
        let found: Vec<String> = numbers_in("Am 30. März, 1.000 Mann; 3,8 % und 2025.")
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(found, ["30", "1.000", "3,8", "2025"]);
    }

    #[test]
    fn grouping_spaces_join_only_groups_of_three() {
        let found: Vec<String> = numbers_in("15 000 Soldaten, im Jahr 2024 300 Tote, 12 34")
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        assert_eq!(found, ["15000", "2024", "300", "12", "34"]);
    }

    #[test]
    fn numbers_glued_to_words_are_found() {
        assert_eq!(
            lacking("einer 30-tägigen Waffenruhe", "a 30-day ceasefire", EN),
            [""; 0]
        );
        assert_eq!(
            lacking("5% mehr, €1.5 Mio.", "5 percent more, 1,5 Mio. €", DE),
            [""; 0]
        );
        assert_eq!(
            lacking("einer 30-tägigen Waffenruhe", "a month-long ceasefire", EN),
            ["30"]
        );
    }

    #[test]
    fn thousands_and_decimals_match_across_locales() {
        assert!(
            lacking(
                "1.000 Kilometer, 3,8 Prozent",
                "1,000 kilometres, 3.8 percent",
                EN
            )
            .is_empty()
        );
        assert!(
            lacking(
                "$48.6 million, 2,400 potholes",
                "48,6 Millionen $, 2.400 Schlaglöcher",
                DE
            )
            .is_empty()
        );
        assert_eq!(lacking("3,8 Prozent", "38 percent", EN), ["3,8"]);
    }

    #[test]
    fn dates_match_in_any_order_and_language() {
        for target in [
            "on March 14",
            "on 14 March",
            "on the 14th of March",
            "am 14.3.",
            "le 14 mars",
        ] {
            assert!(lacking("am 14. März", target, EN).is_empty(), "{target}");
        }
        assert!(
            lacking(
                "on Tuesday, March 14, to approve",
                "am Dienstag, dem 14. März",
                DE
            )
            .is_empty()
        );
        assert!(lacking("am 14.03.2025", "on March 14, 2025", EN).is_empty());
        assert!(lacking("2025-03-14", "14. März 2025", DE).is_empty());
        assert!(lacking("14/03/2025", "March 14, 2025", EN).is_empty());
        assert_eq!(lacking("am 14. März", "on March 15", EN), ["14. März"]);
        assert_eq!(lacking("am 14.03.2025", "on March 14", EN), ["2025"]);
    }

    #[test]
    fn a_decimal_before_a_full_stop_is_not_lost_as_a_date() {
        assert!(lacking("It grew 3.8.", "Es wuchs um 3,8.", DE).is_empty());
    }

    #[test]
    fn times_match_on_either_clock() {
        assert!(lacking("um 14.30 Uhr", "at 2.30 p.m.", EN).is_empty());
        assert!(lacking("um 14 Uhr", "at 2pm", EN).is_empty());
        assert!(lacking("à 20 heures", "at 8 p.m.", EN).is_empty());
        assert!(lacking("at 9:15 a.m.", "um 9:15 Uhr", DE).is_empty());
        assert_eq!(lacking("um 14.30 Uhr", "at 3.30 p.m.", EN), ["14.30 Uhr"]);
    }

    #[test]
    fn small_numbers_may_be_spelled_out() {
        assert!(lacking("Die 2 Länder", "The two countries", EN).is_empty());
        assert!(lacking("im 2. Weltkrieg", "in the Second World War", EN).is_empty());
        assert!(lacking("six workers", "6 Arbeiter", DE).is_empty());
        assert!(lacking("hire 6 workers", "sechs Arbeiter einstellen", DE).is_empty());
        assert_eq!(lacking("hire 6 workers", "Arbeiter einstellen", DE), ["6"]);
        assert_eq!(lacking("13 workers", "thirteen workers", EN), ["13"]);
    }

    #[test]
    fn each_missing_fact_is_named_once() {
        assert_eq!(
            lacking("30 Tage, dann 30 Tage und 45", "days", EN),
            ["30", "45"]
        );
    }
}
