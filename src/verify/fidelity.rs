//! Fidelity checks: does each translated paragraph still say what its source says?
//!
//! Pure, and run on every translation after [`InOrder`](super::InOrder) has made sure the
//! paragraphs line up (and again by `diglot check` on a saved JSON result). Unlike alignment,
//! a failed check does not stop the run: the findings go into the report as [`Check`]s, shown
//! beside the paragraph, and only `--strict` (or `diglot check`) turns them into exit 6.
//! Paragraphs kept as they were (`translated: false`) are not checked. The checks, in the order
//! they are reported for a paragraph:
//!
//! - `empty`: the translation has nothing visible (blank, or only invisible characters such as
//!   zero-width spaces; [`crate::ingest::has_visible_text`]), and nothing else is checked then;
//! - `untranslated`: lingua is confident ([`Detector::detect`] decides, at 0.7 or more) that a
//!   translation of at least [`MIN_JUDGED_CHARS`] characters is still in the source language.
//!   Shorter texts (names, datelines) are never judged;
//! - `number_missing`: a number, date or time of the source is not in the translation, compared
//!   across locales by `verify::numbers` (`1.000` = `1,000`, `14. März` = `March 14`,
//!   `14 Uhr` = `2 p.m.`); whole numbers up to 12 may be spelled out (`2` = `two`), so only
//!   digits that really vanished are flagged. One check per missing number, named as the
//!   source writes it;
//! - `quote_missing`: the translation has fewer quotations than the source. A quotation is a
//!   pair of double quotes of any style (`"…"`, `„…“`, `“…”`, `«…»`, `「…」`) or a single low
//!   or angle quote (`‚…‘`, `‹…›`, and `‘…’` in the translation). Counting, not matching, is
//!   deliberate: a translation changes the quote style and the words inside, so only the number
//!   of quotations can be compared, and `’` (an apostrophe as often as a quote) is not counted;
//! - `length_ratio`: for a source of at least [`MIN_JUDGED_CHARS`] characters, the translation
//!   is under half or over twice as long as the language pair normally gives (see
//!   [`expected_ratio`]): a cut-off or a runaway answer;
//! - `term_mismatch` and `name_drift`: a glossary term not translated as the glossary says, a
//!   name translated otherwise than in the rest of the article ([`super::consistency`]; the
//!   second needs the whole article, so it runs once every paragraph is in).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::detect::Detector;
use crate::ingest::ParagraphId;
use crate::ingest::sentence::{SentenceId, label_of};
use crate::language::LanguageCode;
use crate::verify::numbers::{Offered, missing};

/// Shorter texts are not judged for language or length: too little to be sure.
pub const MIN_JUDGED_CHARS: usize = 60;

/// A translation shorter than this share of the expected length is flagged.
const SHORTEST: f64 = 0.5;

/// A translation longer than this multiple of the expected length is flagged.
const LONGEST: f64 = 2.0;

/// What a failed check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The translation is blank.
    Empty,
    /// The translation is still in the source language.
    Untranslated,
    /// A number or date of the source is not in the translation.
    NumberMissing,
    /// The translation has fewer quotations than the source.
    QuoteMissing,
    /// The translation is far shorter or longer than the language pair normally gives.
    LengthRatio,
    /// The source ends a sentence but the translation stops mid-sentence.
    CutOff,
    /// A glossary term of the source is not translated as the glossary says.
    TermMismatch,
    /// A name is translated otherwise than in the rest of the article.
    NameDrift,
}

impl CheckKind {
    /// The JSON name (`number_missing`).
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Empty => "empty",
            CheckKind::Untranslated => "untranslated",
            CheckKind::NumberMissing => "number_missing",
            CheckKind::QuoteMissing => "quote_missing",
            CheckKind::LengthRatio => "length_ratio",
            CheckKind::CutOff => "cut_off",
            CheckKind::TermMismatch => "term_mismatch",
            CheckKind::NameDrift => "name_drift",
        }
    }

    /// Words for people (`number missing`).
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Empty => "empty translation",
            CheckKind::Untranslated => "untranslated",
            CheckKind::NumberMissing => "number missing",
            CheckKind::QuoteMissing => "quotation missing",
            CheckKind::LengthRatio => "length ratio",
            CheckKind::CutOff => "cut off mid-sentence",
            CheckKind::TermMismatch => "glossary term not followed",
            CheckKind::NameDrift => "name translated differently",
        }
    }

    /// Whether a failure of this kind shows a broken translation (not a difference of style):
    /// such a paragraph is sent again on its own, once, and the better version kept.
    pub fn shows_broken(self) -> bool {
        !matches!(self, CheckKind::QuoteMissing)
    }
}

/// One failed check on one paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The paragraph (serialized as the bare number, like the `id` fields).
    pub paragraph: ParagraphId,
    /// What failed.
    pub kind: CheckKind,
    /// What exactly: the missing number as the source writes it (`30`), the language the
    /// translation is still in (`de`), the quotations counted (`2 in source, 1 in target`), the
    /// length ratio (`0.12, expected about 0.87`); empty for `empty`.
    pub detail: String,
    /// The sentences of the paragraph the check is about, when it ran on a sentence pair
    /// (`--align sentence`, [`super::sentences`]); empty for the whole paragraph.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<SentenceId>,
}

impl Check {
    /// What the check is about: `¶3`, or the sentences `¶3.2` (`¶3.2–3` for a group).
    pub fn location(&self) -> String {
        if self.sentences.is_empty() {
            self.paragraph.to_string()
        } else {
            label_of(&self.sentences)
        }
    }

    /// `number missing: 30`, `untranslated: still German (de)`, `empty translation`.
    pub fn describe(&self) -> String {
        let detail = match self.kind {
            CheckKind::Untranslated => match self.detail.parse::<LanguageCode>() {
                Ok(code) => format!("still {} ({code})", code.name()),
                Err(_) => self.detail.clone(),
            },
            _ => self.detail.clone(),
        };
        if detail.is_empty() {
            self.kind.label().to_owned()
        } else {
            format!("{}: {detail}", self.kind.label())
        }
    }
}

impl fmt::Display for Check {
    /// `¶3 number_missing 30` (`¶3.2 …` for a sentence): short, for one stderr line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.location(), self.kind.name())?;
        if !self.detail.is_empty() {
            write!(f, " {}", self.detail)?;
        }
        Ok(())
    }
}

/// Fidelity checks failed and the user asked for that to fail the run (`--strict`,
/// `diglot check`). Exits 6, after the output is printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ChecksFailed {
    /// Every failed check, in paragraph order.
    pub checks: Vec<Check>,
}

impl ChecksFailed {
    fn describe(&self) -> String {
        let n = self.checks.len();
        let plural = if n == 1 { "" } else { "s" };
        format!(
            "{n} fidelity check{plural} failed ({})",
            crate::provider::list_some(&self.checks, ", ")
        )
    }

    /// The failure for `checks`, or `None` when there are none.
    pub fn of(checks: &[Check]) -> Option<ChecksFailed> {
        (!checks.is_empty()).then(|| ChecksFailed {
            checks: checks.to_vec(),
        })
    }
}

/// A paragraph and its translation, as the checks see them. A paragraph kept as it was
/// (already in the target language) is not a pair and is not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    /// The paragraph.
    pub id: ParagraphId,
    /// Its text.
    pub source: &'a str,
    /// Its translation.
    pub target: &'a str,
}

/// Every failed check over `pairs`, translated from `source` into `target`, in paragraph order.
pub fn check<'a>(
    pairs: impl IntoIterator<Item = Pair<'a>>,
    source: LanguageCode,
    target: LanguageCode,
    detector: &Detector,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for pair in pairs {
        let mut add = |kind, detail: String| {
            checks.push(Check {
                paragraph: pair.id,
                kind,
                detail,
                sentences: Vec::new(),
            });
        };
        if !crate::ingest::has_visible_text(pair.target) {
            add(CheckKind::Empty, String::new());
            continue;
        }
        if let Some(language) = still_in(pair.target, source, detector) {
            add(CheckKind::Untranslated, language.to_string());
        }
        for lacking in missing(pair.source, &Offered::of(pair.target, target)) {
            add(CheckKind::NumberMissing, lacking.written);
        }
        let (quoted, kept) = (quotations(pair.source), quotations(pair.target));
        if kept < quoted {
            add(
                CheckKind::QuoteMissing,
                format!("{quoted} in source, {kept} in target"),
            );
        }
        if ends_sentence(pair.source) && !ends_sentence(pair.target) {
            let end: String = pair
                .target
                .trim_end()
                .chars()
                .rev()
                .take(24)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            add(CheckKind::CutOff, format!("ends “…{end}”"));
        }
        if let Some(ratio) = odd_length(pair.source, pair.target, source, target) {
            add(
                CheckKind::LengthRatio,
                format!(
                    "{ratio:.2}, expected about {:.2}",
                    expected_ratio(source, target)
                ),
            );
        }
    }
    checks
}

/// Whether `text` ends a sentence: its last character, after closing quotes and brackets, is a
/// sentence terminator of some script.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches([
            '"', '\'', '»', '«', '“', '”', '’', '‘', ')', ']', '」', '』', '）',
        ])
        .chars()
        .next_back()
        .is_some_and(|c| {
            matches!(
                c,
                '.' | '!' | '?' | '…' | '。' | '！' | '？' | '؟' | '।' | '．'
            )
        })
}

/// The source language, when lingua is confident a long enough `target` is still in it.
fn still_in(target: &str, source: LanguageCode, detector: &Detector) -> Option<LanguageCode> {
    if target.chars().count() < MIN_JUDGED_CHARS {
        return None;
    }
    detector
        .detect(target)
        .language
        .filter(|found| *found == source)
}

/// Quotations in `text`: pairs of double quotes of any style, plus single low or angle quotes
/// and `‘` (see the module docs for why `’` does not count).
fn quotations(text: &str) -> usize {
    let double = text
        .chars()
        .filter(|c| {
            matches!(
                c,
                '"' | '„' | '“' | '”' | '«' | '»' | '「' | '」' | '『' | '』'
            )
        })
        .count();
    let single = text
        .chars()
        .filter(|c| matches!(c, '‚' | '‹' | '‘'))
        .count();
    double / 2 + single
}

/// The target/source length ratio when it is outside the band for the pair.
fn odd_length(
    source_text: &str,
    target_text: &str,
    source: LanguageCode,
    target: LanguageCode,
) -> Option<f64> {
    let source_chars = source_text.chars().count();
    if source_chars < MIN_JUDGED_CHARS {
        return None;
    }
    let ratio = target_text.chars().count() as f64 / source_chars as f64;
    let expected = expected_ratio(source, target);
    (ratio < expected * SHORTEST || ratio > expected * LONGEST).then_some(ratio)
}

/// How many characters a translation from `source` into `target` normally has per source
/// character: the ratio of the two languages' lengths for the same text, relative to English.
/// German, French and Spanish run about 15% longer than English; Chinese, Japanese and Korean
/// need a third to a half of the characters. Languages not listed count as English.
pub fn expected_ratio(source: LanguageCode, target: LanguageCode) -> f64 {
    length_factor(target) / length_factor(source)
}

/// Characters per English character for the same text (rough, from parallel news corpora).
fn length_factor(language: LanguageCode) -> f64 {
    match language.as_str() {
        "de" | "fr" | "es" | "pt" | "nl" => 1.15,
        "it" | "pl" | "ru" | "uk" | "ro" | "el" => 1.12,
        "tr" | "cs" | "sv" | "da" | "no" | "nb" => 1.05,
        "ar" | "he" | "fa" => 0.85,
        "zh" => 0.3,
        "ja" => 0.4,
        "ko" => 0.45,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    const DE: LanguageCode = LanguageCode::DE;
    const EN: LanguageCode = LanguageCode::EN;

    fn detector() -> &'static Detector {
        static DETECTOR: OnceLock<Detector> = OnceLock::new();
        DETECTOR.get_or_init(Detector::new)
    }

    const SOURCE: &str = "Witkoff reiste nach Moskau, um Informationen zu den Gesprächen zu \
                          übermitteln, die mit der Zustimmung Kiews zu einem 30-tägigen \
                          Waffenstillstand endeten.";
    const TARGET: &str = "Witkoff travelled to Moscow to pass on information about the talks, \
                          which ended with Kyiv agreeing to a 30-day ceasefire.";

    fn pair<'a>(id: u32, source: &'a str, target: &'a str) -> Pair<'a> {
        Pair {
            id: ParagraphId(id),
            source,
            target,
        }
    }

    fn checks_of(source: &str, target: &str) -> Vec<Check> {
        check([pair(3, source, target)], DE, EN, detector())
    }

    fn kinds(checks: &[Check]) -> Vec<CheckKind> {
        checks.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn a_translation_that_stops_mid_sentence_is_cut_off() {
        // llama-server's real ¶4 of the reference article (issue #12).
        let source = "Rutte ergänzte, Trump wünsche einen “dauerhaften Frieden” und deutete an.";
        let checks = checks_of(source, "Rutte added that Trump wishes for a");
        assert!(kinds(&checks).contains(&CheckKind::CutOff), "{checks:?}");
        let whole = "Rutte added that Trump wanted a “lasting peace” and hinted at it.";
        assert!(
            checks_of(source, whole).is_empty(),
            "{:?}",
            checks_of(source, whole)
        );
        assert!(checks_of("Er sagte:", "He said").is_empty());
        assert!(ends_sentence("北约秘书长发表讲话。") && ends_sentence("انتهى؟"));
    }

    #[test]
    fn a_faithful_translation_passes() {
        assert_eq!(checks_of(SOURCE, TARGET), []);
    }

    /// Honest translations written the way people and models write them: locale separators,
    /// dates and times turned around, small numbers spelled out, quote styles changed.
    #[test]
    fn honest_translations_pass_in_every_direction() {
        let fr: LanguageCode = "fr".parse().expect("code");
        let cases: [(LanguageCode, LanguageCode, &str, &str); 5] = [
            (
                fr,
                EN,
                "Les usagers de Valbrune devront s'armer de patience jeudi 6 avril : trois \
                 syndicats ont déposé un préavis de grève. Selon la direction, un bus sur trois \
                 seulement circulera et le tramway sera interrompu à partir de 20 heures.",
                "Commuters in Valbrune will need patience on Thursday, April 6: three unions \
                 have filed a strike notice. According to management, only one bus in three \
                 will run and the tram will stop from 8 p.m.",
            ),
            (
                fr,
                EN,
                "De son côté, la direction estime que ces revendications coûteraient 4,2 millions \
                 d'euros par an, soit près de 9 % de sa masse salariale, une offre jugée \
                 « insuffisante » par les syndicats.",
                "Management, for its part, estimates the demands would cost €4.2 million a year, \
                 nearly 9% of its payroll, an offer the unions called “insufficient”.",
            ),
            (
                DE,
                EN,
                "Der Entwurf sieht vor, bis zum Jahr 2035 insgesamt 1,8 Prozent der Kreisfläche \
                 auszuweisen, derzeit sind es 0,4 Prozent an 7 Standorten. „Wir können nicht \
                 warten“, sagte Albers vor den 54 Abgeordneten. Eine Entscheidung soll am \
                 21. Juni um 14.30 Uhr fallen; 1.200 Meter Abstand verlangt die Opposition.",
                "The draft plans to designate a total of 1.8 percent of the district's area by \
                 2035; currently it is 0.4 percent at seven sites. “We cannot wait,” Albers told \
                 the 54 members. A decision is due on June 21 at 2:30 p.m.; the opposition \
                 demands a distance of 1,200 metres.",
            ),
            (
                EN,
                DE,
                "The Harlow Falls City Council voted 5-2 on Tuesday, March 14, to approve a \
                 $48.6 million operating budget. Crews filled more than 2,400 potholes; the \
                 department will hire six additional workers starting July 1.",
                "Der Stadtrat von Harlow Falls hat am Dienstag, dem 14. März, mit 5:2 Stimmen \
                 einen Betriebshaushalt von 48,6 Millionen Dollar beschlossen. Die Trupps \
                 füllten mehr als 2.400 Schlaglöcher; ab dem 1. Juli stellt das Amt sechs \
                 weitere Mitarbeiter ein.",
            ),
            (
                DE,
                EN,
                "Die Ukraine stimmte am 14.03.2025 einer 30-tägigen Waffenruhe zu, die für 2 \
                 Frontabschnitte von zusammen 1 000 Kilometern gelten soll.",
                "On March 14, 2025, Ukraine agreed to a 30-day ceasefire covering two sections \
                 of the front totalling 1,000 kilometres.",
            ),
        ];
        for (from, to, source, target) in cases {
            let found = check([pair(1, source, target)], from, to, detector());
            assert_eq!(found, [], "{from}→{to}: {source}");
        }
    }

    #[test]
    fn a_dropped_number_is_named_as_the_source_writes_it() {
        let dropped = TARGET.replace("30-day", "month-long");
        assert_eq!(
            checks_of(SOURCE, &dropped),
            [Check {
                paragraph: ParagraphId(3),
                kind: CheckKind::NumberMissing,
                detail: "30".into(),
                sentences: Vec::new(),
            }]
        );
    }

    #[test]
    fn an_untranslated_paragraph_is_flagged_with_its_language() {
        let found = checks_of(SOURCE, SOURCE);
        assert_eq!(kinds(&found), [CheckKind::Untranslated]);
        assert_eq!(found[0].detail, "de");
        assert_eq!(found[0].describe(), "untranslated: still German (de)");
    }

    #[test]
    fn short_or_name_only_texts_are_not_judged_for_language() {
        assert_eq!(checks_of("Mark Rutte, Brüssel", "Mark Rutte, Brüssel"), []);
        assert_eq!(checks_of("Die Ukraine", "Die Ukraine"), []);
    }

    #[test]
    fn a_truncated_paragraph_fails_the_length_ratio() {
        let found = checks_of(SOURCE, "Witkoff travelled to Moscow");
        assert_eq!(
            kinds(&found),
            [
                CheckKind::NumberMissing,
                CheckKind::CutOff,
                CheckKind::LengthRatio
            ]
        );
        assert_eq!(found[2].detail, "0.18, expected about 0.87");
    }

    #[test]
    fn a_runaway_paragraph_fails_the_length_ratio() {
        let runaway = format!("{TARGET} {TARGET} {TARGET}");
        assert_eq!(
            kinds(&checks_of(SOURCE, &runaway)),
            [CheckKind::LengthRatio]
        );
    }

    #[test]
    fn short_paragraphs_are_not_judged_for_length() {
        assert_eq!(checks_of("Berlin, 14. März", "March 14"), []);
    }

    #[test]
    fn expected_ratios_follow_the_pair() {
        assert!((expected_ratio(DE, EN) - 0.87).abs() < 0.01);
        assert!((expected_ratio(EN, DE) - 1.15).abs() < 0.01);
        let zh: LanguageCode = "zh".parse().expect("code");
        assert!(expected_ratio(EN, zh) < 0.5);
        assert!(expected_ratio(zh, EN) > 3.0);
    }

    #[test]
    fn an_empty_translation_is_flagged_alone() {
        assert_eq!(
            checks_of(SOURCE, "  "),
            [Check {
                paragraph: ParagraphId(3),
                kind: CheckKind::Empty,
                detail: String::new(),
                sentences: Vec::new(),
            }]
        );
    }

    #[test]
    fn a_dropped_quotation_is_flagged_and_styles_may_change() {
        let source = "„Wir stehen an der Seite der Ukraine“, sagte Rutte, und „wir bleiben es“.";
        let styled = "“We stand with Ukraine,” said Rutte, and «we will stay so».";
        assert_eq!(checks_of(source, styled), []);
        let reported = "We stand with Ukraine, said Rutte, and “we will stay so”.";
        let found = checks_of(source, reported);
        assert_eq!(kinds(&found), [CheckKind::QuoteMissing]);
        assert_eq!(found[0].detail, "2 in source, 1 in target");
    }

    #[test]
    fn apostrophes_are_not_quotations() {
        let source = "Kiews NATO-Ambitionen sind „eine der Hauptursachen“.";
        let target = "Kyiv’s NATO ambitions are “one of the main causes”.";
        assert_eq!(checks_of(source, target), []);
        assert_eq!(quotations("Kyiv’s and Rutte’s"), 0);
    }

    #[test]
    fn failures_read_as_one_line() {
        let checks = vec![
            Check {
                paragraph: ParagraphId(3),
                kind: CheckKind::NumberMissing,
                detail: "30".into(),
                sentences: Vec::new(),
            },
            Check {
                paragraph: ParagraphId(5),
                kind: CheckKind::Empty,
                detail: String::new(),
                sentences: Vec::new(),
            },
        ];
        let failed = ChecksFailed::of(&checks).expect("checks failed");
        assert_eq!(
            failed.to_string(),
            "2 fidelity checks failed (¶3 number_missing 30, ¶5 empty)"
        );
        assert_eq!(ChecksFailed::of(&[]), None);
        let many = vec![checks[1].clone(); 7];
        assert!(
            ChecksFailed::of(&many)
                .expect("failed")
                .to_string()
                .ends_with("¶5 empty, and 2 more)")
        );
    }

    #[test]
    fn kinds_serialize_in_snake_case() {
        let check = Check {
            paragraph: ParagraphId(3),
            kind: CheckKind::NumberMissing,
            detail: "30".into(),
            sentences: Vec::new(),
        };
        let json = serde_json::to_string(&check).expect("serializes");
        assert_eq!(
            json,
            r#"{"paragraph":3,"kind":"number_missing","detail":"30"}"#
        );
        let back: Check = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, check);
    }
}
