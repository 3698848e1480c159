//! The mock's answer for a paragraph no cassette records: a pseudo-translation.
//!
//! It is marked (`[mock de→en] …`) so that nobody mistakes it for a translation, and it is
//! shaped so that diglot's fidelity checks treat it as they treat a real one: every word of the
//! source is replaced by a common word of the target language (chosen by a hash of the word,
//! so the answer is deterministic), while numbers, month names, punctuation, quotation marks,
//! capitals and the sentence ends stay where they were, and markup (`<…>`) and code (`` `…` ``)
//! stay as they are, as a translator leaves them. It reads as the target language, keeps every number
//! and quotation, and runs about as long as a translation would. A target language without a
//! word list gets the source text back, marked; the checks then rightly call it untranslated.

use crate::language::LanguageCode;

/// Common words of each language a pseudo-translation is written in.
const WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "of", "and", "to", "in", "that", "is", "was", "for", "on", "with", "as", "by",
            "at", "from", "this", "have", "which", "said", "were", "been", "their", "would",
            "there", "about", "after", "also", "over", "new", "people", "first", "other",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich", "des", "auf",
            "für", "ist", "im", "nicht", "ein", "eine", "als", "auch", "es", "an", "werden", "aus",
            "er", "hat", "dass", "sie", "nach", "wird", "bei", "einer",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "des", "est", "et", "une", "que", "dans", "pour", "qui", "pas",
            "sur", "avec", "plus", "par", "ce", "il", "elle", "sont", "mais", "comme", "aussi",
            "leur", "cette", "fait", "après", "nous", "très", "été", "où", "être",
        ],
    ),
    (
        "es",
        &[
            "el", "la", "de", "que", "y", "en", "los", "del", "se", "las", "por", "un", "para",
            "con", "no", "una", "su", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "este",
            "también", "fue", "ha", "sí", "porque", "esta",
        ],
    ),
    (
        "it",
        &[
            "il", "di", "che", "e", "la", "per", "un", "non", "in", "una", "sono", "del", "della",
            "con", "si", "le", "gli", "anche", "come", "più", "ma", "questo", "essere", "hanno",
            "dopo", "stato", "nel", "alla", "tra", "loro", "molto", "sua",
        ],
    ),
    (
        "pt",
        &[
            "o", "de", "que", "não", "em", "uma", "para", "com", "os", "no", "se", "na", "por",
            "mais", "as", "dos", "como", "mas", "foi", "ao", "ele", "das", "tem", "à", "seu",
            "sua", "ou", "ser", "quando", "muito", "também", "são",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "van", "en", "in", "is", "dat", "op", "te", "zijn", "voor", "met",
            "niet", "aan", "er", "ook", "als", "maar", "om", "door", "over", "bij", "nog", "wordt",
            "worden", "naar", "heeft", "uit", "dan", "zij", "wel",
        ],
    ),
    (
        "pl",
        &[
            "się", "nie", "na", "że", "to", "jest", "do", "w", "z", "jak", "ale", "jego", "było",
            "przez", "może", "który", "być", "już", "tylko", "także", "będzie", "żeby", "oraz",
            "jeszcze", "bardzo", "gdy", "tak", "ich", "roku", "został", "mówi", "według",
        ],
    ),
    (
        "ru",
        &[
            "и",
            "в",
            "не",
            "на",
            "что",
            "с",
            "по",
            "как",
            "это",
            "он",
            "из",
            "за",
            "для",
            "от",
            "его",
            "так",
            "но",
            "было",
            "уже",
            "также",
            "который",
            "после",
            "может",
            "только",
            "время",
            "более",
            "года",
            "были",
            "своей",
            "сказал",
            "этого",
            "очень",
        ],
    ),
    (
        "uk",
        &[
            "і",
            "в",
            "не",
            "на",
            "що",
            "з",
            "та",
            "як",
            "це",
            "він",
            "із",
            "за",
            "для",
            "від",
            "його",
            "також",
            "але",
            "було",
            "вже",
            "який",
            "після",
            "може",
            "тільки",
            "їх",
            "року",
            "були",
            "своєї",
            "сказав",
            "цього",
            "дуже",
            "є",
            "її",
        ],
    ),
    (
        "tr",
        &[
            "bir",
            "ve",
            "bu",
            "da",
            "de",
            "için",
            "ile",
            "olarak",
            "çok",
            "daha",
            "gibi",
            "olan",
            "sonra",
            "kadar",
            "ama",
            "değil",
            "ancak",
            "şey",
            "yıl",
            "göre",
            "ise",
            "her",
            "ya",
            "onun",
            "şimdi",
            "büyük",
            "dedi",
            "ilgili",
            "arasında",
            "başka",
            "yeni",
            "ılık",
        ],
    ),
    (
        "ar",
        &[
            "في", "من", "على", "أن", "إلى", "التي", "عن", "مع", "هذا", "الذي", "كان", "لا", "ما",
            "هذه", "قد", "بين", "كل", "بعد", "أو", "عام", "حيث", "وقد", "منذ", "لم", "قال", "عند",
            "ذلك", "كما", "أيضا", "فقط", "خلال", "حتى",
        ],
    ),
    (
        "zh",
        &[
            "我们", "他们", "这个", "已经", "因为", "所以", "可以", "没有", "什么", "时候", "国家",
            "政府", "问题", "表示", "发展", "今年", "工作", "认为", "进行", "社会", "经济", "关系",
            "重要", "世界", "目前", "情况", "方面", "开始", "成为", "需要", "人民", "会议",
        ],
    ),
    (
        "ja",
        &[
            "これは",
            "それを",
            "ために",
            "ですが",
            "していた",
            "ことが",
            "について",
            "によって",
            "ました",
            "ません",
            "また",
            "しかし",
            "政府は",
            "国際的",
            "会議で",
            "述べた",
            "という",
            "ような",
            "ところ",
            "今年の",
            "状況が",
            "関係を",
            "重要な",
            "開始した",
            "必要が",
            "人々は",
            "世界の",
            "問題を",
            "発表した",
            "まだ",
            "すでに",
            "新しい",
        ],
    ),
    (
        "ko",
        &[
            "그리고",
            "하지만",
            "그는",
            "있다",
            "했다",
            "대한",
            "위해",
            "것이",
            "정부는",
            "국가",
            "문제를",
            "말했다",
            "올해",
            "이번",
            "관계",
            "중요한",
            "세계",
            "현재",
            "상황",
            "시작했다",
            "필요한",
            "사람들",
            "회의",
            "발표했다",
            "아직",
            "이미",
            "새로운",
            "경제",
            "사회",
            "발전",
            "우리는",
            "그들은",
        ],
    ),
];

/// Languages written without spaces between words.
const SPACELESS: &[&str] = &["zh", "ja"];

/// The pseudo-translation of `text` from `from` into `to`, marked `[mock from→to]`.
pub fn pseudo_translation(from: LanguageCode, to: LanguageCode, text: &str) -> String {
    let marker = format!("[mock {from}→{to}]");
    let Some((_, words)) = WORDS.iter().find(|(code, _)| *code == to.as_str()) else {
        return format!("{marker} {text}");
    };
    let spaceless = SPACELESS.contains(&to.as_str());
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(&replace(word, words));
            word.clear();
        }
    };
    let mut verbatim: Option<char> = None;
    for c in text.chars() {
        if let Some(end) = verbatim {
            out.push(c);
            if c == end {
                verbatim = None;
            }
            continue;
        }
        if c == '<' || c == '`' {
            flush(&mut word, &mut out);
            verbatim = Some(if c == '<' { '>' } else { '`' });
            out.push(c);
            continue;
        }
        if is_spaceless_script(c) {
            // Chinese and Japanese have no spaces: two characters make a word.
            if !word.chars().all(is_spaceless_script) {
                flush(&mut word, &mut out);
            }
            word.push(c);
            if word.chars().count() == 2 {
                if !spaceless && out.chars().next_back().is_some_and(|c| !c.is_whitespace()) {
                    out.push(' ');
                }
                flush(&mut word, &mut out);
            }
            continue;
        }
        if word.chars().any(is_spaceless_script) {
            flush(&mut word, &mut out);
        }
        if c.is_alphabetic() || (c.is_alphanumeric() && !word.is_empty()) || c == '\'' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            if !(spaceless && c == ' ') {
                out.push(c);
            }
        }
    }
    flush(&mut word, &mut out);
    if spaceless {
        format!("{marker}{out}")
    } else {
        format!("{marker} {out}")
    }
}

/// Han, kana: scripts written without spaces between words.
fn is_spaceless_script(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// A target word for the source word `word`: the same one every time, capitalized like it.
/// A word holding digits (`G7`) is a number and a month name is part of a date: both stay, so
/// that the numbers and dates of the source are all there.
fn replace(word: &str, words: &[&str]) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) || crate::verify::numbers::is_month_name(word) {
        return word.to_owned();
    }
    let hash = word
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let chosen = words[(hash % words.len() as u64) as usize];
    if word.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = chosen.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    } else {
        chosen.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::verify::fidelity::{Pair, check};

    const SOURCE: &str = "Witkoff reiste am Donnerstag nach Moskau, um Informationen zu den \
        Gesprächen zu übermitteln, die mit der Zustimmung Kiews zu einem 30-tägigen \
        Waffenstillstand endeten. „Es ist ein schrittweiser Prozess“, sagte er.";

    fn code(s: &str) -> LanguageCode {
        s.parse().expect("a language code")
    }

    #[test]
    fn it_is_marked_deterministic_and_keeps_numbers_quotes_and_the_end() {
        let once = pseudo_translation(code("de"), code("en"), SOURCE);
        assert_eq!(once, pseudo_translation(code("de"), code("en"), SOURCE));
        assert!(once.starts_with("[mock de→en] "), "{once}");
        assert!(
            once.contains("30-") && once.contains('„') && once.ends_with('.'),
            "{once}"
        );
        assert!(!once.contains("Waffenstillstand"), "{once}");
        let markup = pseudo_translation(code("de"), code("en"), "Sie <b>ohne</b> `rm -rf` x");
        assert!(markup.contains("<b>") && markup.contains("</b>") && markup.contains("`rm -rf`"));
        assert!(!markup.contains("ohne"), "{markup}");
    }

    #[test]
    fn the_fidelity_checks_pass_it_for_every_language_with_words() {
        let detector = Detector::new();
        for (to, _) in WORDS.iter().filter(|(c, _)| *c != "de") {
            let target = pseudo_translation(code("de"), code(to), SOURCE);
            let pair = Pair {
                id: crate::ingest::ParagraphId(1),
                source: SOURCE,
                target: &target,
            };
            let checks = check([pair], code("de"), code(to), &detector);
            assert_eq!(checks, [], "de→{to}: {target}");
        }
    }

    #[test]
    fn a_chinese_source_gets_a_word_every_two_characters() {
        let source = "北约秘书长周五在布鲁塞尔表示，联盟必须继续支持乌克兰。会议结束了。";
        let detector = Detector::new();
        for to in ["en", "ja", "de"] {
            let target = pseudo_translation(code("zh"), code(to), source);
            let pair = Pair {
                id: crate::ingest::ParagraphId(1),
                source,
                target: &target,
            };
            assert_eq!(
                check([pair], code("zh"), code(to), &detector),
                [],
                "{target}"
            );
        }
    }

    #[test]
    fn a_language_without_words_gets_the_source_back_marked() {
        assert_eq!(
            pseudo_translation(code("de"), code("sv"), "Hallo Welt."),
            "[mock de→sv] Hallo Welt."
        );
    }
}
