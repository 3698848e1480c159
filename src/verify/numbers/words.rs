//! Number words: the whole numbers 0 to 12 spelled out, per language, so that `2` counts as
//! present in a text that says `two`, `zweiten` or `deux`.

use crate::language::LanguageCode;

/// Whether `word` is `stem` (stems of one or two letters, such as `a` or `un`) or starts with it
/// (`zweiten` for `zweit`).
pub(super) fn is_spelling(word: &str, stem: &str) -> bool {
    if stem.chars().count() <= 2 {
        word == stem
    } else {
        word.starts_with(stem)
    }
}

/// Word stems (cardinal and ordinal) for the whole numbers 0..=12, per language.
pub(super) fn number_words(language: LanguageCode, n: usize) -> Option<&'static [&'static str]> {
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
