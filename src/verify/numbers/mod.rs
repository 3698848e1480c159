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

mod dates;
mod tokens;
mod words;

use std::collections::BTreeSet;

use crate::language::LanguageCode;
use dates::{Item, date_or_time_at, items, month_of};
pub use tokens::{normalize_number, number_spans, numbers_in};

/// Whether `word` names a month in one of the languages dates are read in (`März`, `march`,
/// `mars`), abbreviations included.
pub fn is_month_name(word: &str) -> bool {
    month_of(word).is_some()
}
use words::{is_spelling, number_words};

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
