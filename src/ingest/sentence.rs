//! Sentences: a paragraph cut at its sentence boundaries, in any script.
//!
//! The boundaries are Unicode's (UAX #29, from `unicode-segmentation`), which know the
//! terminators of every script (`.` `!` `?`, CJK `。` `！` `？`, Arabic `؟`, Devanagari `।`) and
//! that `etc. und` goes on. On top of them diglot keeps together what UAX #29 would cut after a
//! full stop that ends an abbreviation (`z. B.`, `Nr.`, `Dr.`), an initial (`A.`) or a German
//! ordinal (`am 14. Juli`), and cuts after an ellipsis that a new sentence follows (`Ja … Ende`).
//!
//! Each sentence keeps the whitespace that follows it, so the sentences concatenated give the
//! paragraph back exactly; joining *translated* sentences takes the separator of the target
//! language's script ([`crate::language::LanguageCode::sentence_separator`]).

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations that end in a full stop inside a sentence (compared without the stop,
/// case-sensitively).
const ABBREVIATIONS: &[&str] = &[
    "Abb", "Abs", "Abt", "Art", "Bd", "Bhf", "bzw", "ca", "Chr", "Co", "Dipl", "Dr", "dt", "ebd",
    "etc", "evtl", "Fr", "geb", "gegr", "ggf", "Hr", "Hrsg", "inkl", "Ing", "Jh", "Jr", "jr",
    "Kap", "lt", "max", "Mio", "min", "Mr", "Mrd", "Mrs", "Ms", "Nr", "Prof", "rd", "Sr", "St",
    "Str", "Tel", "usw", "vgl", "vs", "zB", "zzgl", "Jan", "Feb", "Mär", "Apr", "Aug", "Sep",
    "Sept", "Okt", "Oct", "Nov", "Dez", "Dec", "No", "approx", "Gen", "Sen", "Rep", "Gov", "Inc",
    "Ltd", "Corp", "Mt", "e.g", "i.e", "u.a", "d.h", "z.B", "o.ä", "s.o", "u.U", "v.a",
];

/// The sentences of `text`, each with the whitespace after it; never empty for non-empty text.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut sentences: Vec<&str> = Vec::new();
    let mut start = 0;
    for (at, segment) in text
        .split_sentence_bound_indices()
        .flat_map(|(at, s)| after_ellipses(s).map(move |(i, part)| (at + i, part)))
    {
        let end = at + segment.len();
        let previous = &text[start..at];
        if !previous.is_empty() && !continues_after(previous) {
            sentences.push(previous);
            start = at;
        }
        if end == text.len() {
            sentences.push(&text[start..end]);
        }
    }
    sentences
}

/// `segment` cut after each ellipsis (`…`, with any closing quotes) that whitespace and a
/// sentence opener follow, with the offsets of the parts. UAX #29 does not end sentences there.
fn after_ellipses(segment: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut cuts = vec![0];
    let chars: Vec<(usize, char)> = segment.char_indices().collect();
    for (i, &(_, c)) in chars.iter().enumerate() {
        if c != '…' {
            continue;
        }
        let mut j = i + 1;
        while chars.get(j).is_some_and(|&(_, c)| is_closing(c)) {
            j += 1;
        }
        let space_end = (j..chars.len())
            .find(|&k| !chars[k].1.is_whitespace())
            .unwrap_or(chars.len());
        if space_end > j
            && chars
                .get(space_end)
                .is_some_and(|&(_, c)| opens_sentence(c))
        {
            cuts.push(chars[space_end].0);
        }
    }
    cuts.push(segment.len());
    cuts.dedup();
    (0..cuts.len() - 1).map(move |k| (cuts[k], &segment[cuts[k]..cuts[k + 1]]))
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '»' | '«' | '“' | '”' | '’' | ')' | ']')
}

fn opens_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '"' | '\'' | '»' | '„' | '“' | '‚' | '(' | '–' | '-')
}

/// Whether the sentence goes on after `before` (all text up to a UAX #29 boundary): it ends in
/// a full stop after an abbreviation, a single letter or a one- or two-digit number.
fn continues_after(before: &str) -> bool {
    let Some(stem) = before.trim_end().strip_suffix('.') else {
        return false;
    };
    let word = stem
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '„' | '»'))
        .next()
        .unwrap_or_default();
    let length = word.chars().count();
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let digits = word.chars().filter(char::is_ascii_digit).count();
    (letters == 1 && length == 1)
        || (digits > 0 && digits <= 2 && digits == length)
        || ABBREVIATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(text: &str) -> Vec<&str> {
        let found = sentences(text);
        assert_eq!(found.concat(), text, "the sentences give the text back");
        found.into_iter().map(str::trim_end).collect()
    }

    #[test]
    fn sentences_split_at_stops_but_not_after_abbreviations_initials_or_ordinals() {
        let text = "Am 14. Juli sprach Dr. Müller, z. B. über Nr. 5 und mehr. Er sagte: „Nein!“ Dann ging er. \
                    Die Zahl stieg 2024. Danach fiel sie? Ja … Ende";
        assert_eq!(
            trimmed(text),
            [
                "Am 14. Juli sprach Dr. Müller, z. B. über Nr. 5 und mehr.",
                "Er sagte: „Nein!“",
                "Dann ging er.",
                "Die Zahl stieg 2024.",
                "Danach fiel sie?",
                "Ja …",
                "Ende",
            ]
        );
        assert_eq!(trimmed("Ein Satz."), ["Ein Satz."]);
        assert_eq!(
            trimmed("Mr. A. Smith said no. Fine."),
            ["Mr. A. Smith said no.", "Fine."]
        );
        assert_eq!(
            trimmed("Kein Ende etc. und so weiter"),
            ["Kein Ende etc. und so weiter"]
        );
    }

    #[test]
    fn every_script_ends_its_sentences() {
        assert_eq!(
            trimmed("北约秘书长发表讲话。他说：“我们必须团结！”会议结束了吗？是的。"),
            [
                "北约秘书长发表讲话。",
                "他说：“我们必须团结！”",
                "会议结束了吗？",
                "是的。"
            ]
        );
        assert_eq!(
            trimmed("今日は晴れです。明日は雨でしょう！"),
            ["今日は晴れです。", "明日は雨でしょう！"]
        );
        assert_eq!(
            trimmed("هل انتهى الاجتماع؟ نعم، انتهى."),
            ["هل انتهى الاجتماع؟", "نعم، انتهى."]
        );
        assert_eq!(
            trimmed("बैठक समाप्त हो गई। सब घर गए।"),
            ["बैठक समाप्त हो गई।", "सब घर गए।"]
        );
    }

    #[test]
    fn text_without_a_boundary_is_one_sentence() {
        assert_eq!(trimmed("no stop at all"), ["no stop at all"]);
        assert_eq!(sentences("a").len(), 1);
    }
}
