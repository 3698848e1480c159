//! Detect: the language of each paragraph and of the whole document, with a confidence.
//!
//! Two stages (issue #7). whatlang, restricted to the compiled-in languages, names a likely
//! language in microseconds from a few small trigram tables; lingua's high-accuracy models then
//! decide among that language and its closest competitors only (`neighbours`), so a German
//! article reads the models of three languages instead of nine. Whenever the shortcut could
//! change the answer — whatlang is unsure, lingua disagrees with it, or lingua's confidence over
//! the few candidates is below [`SHORTCUT_MIN_CONFIDENCE`] — the paragraph is detected again over
//! all compiled-in languages, exactly as a one-stage detector would. Thresholds therefore keep
//! their meaning: a confidence near [`PARAGRAPH_MIN_CONFIDENCE`] always comes from the full set.
//!
//! Takes normalized paragraph text from `ingest` and returns plain [`Detection`] data; it does no
//! I/O, never prints, and knows nothing about providers or translation. Synchronous and
//! CPU-bound: call it from `spawn_blocking` if it ever runs inside the async runtime.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use serde::Serialize;

use crate::language::LanguageCode;

/// Below this confidence a paragraph's language is `None`. At 0.7 lingua (15 languages, high
/// accuracy) answers 97% of sentences and is right on 99.9% of those (MEASURED.md).
pub const PARAGRAPH_MIN_CONFIDENCE: f64 = 0.7;

/// At most this many threads detect the paragraphs of one document.
const DETECT_THREADS: usize = 4;

/// A thread is started only for at least this many paragraphs: a short article is done before
/// a thread would be.
const PARAGRAPHS_PER_THREAD: usize = 16;

/// Below this letter-weighted share the document's language is undecidable (`None`): no
/// language covers even half of the text with confidence.
pub const DOCUMENT_MIN_CONFIDENCE: f64 = 0.5;

/// The shortcut's answer stands only at this confidence or above; below it the paragraph is
/// detected again over every language. Restricting lingua to a few candidates can only raise the
/// top confidence (the left-out languages no longer share the probability), so an answer this
/// sure over the closest competitors is one the full set agrees with; a borderline one is
/// recomputed so that it is never pushed over [`PARAGRAPH_MIN_CONFIDENCE`] by the restriction.
pub const SHORTCUT_MIN_CONFIDENCE: f64 = 0.95;

/// Letters of one word that detection looks at. lingua finds the n-grams of a word by counting
/// characters from its start for each one, which is quadratic in the word's length: a
/// 200,000-letter "word" (a base64 blob, a run of one letter) took 20 s (issue 13). Real words
/// are far shorter (German compounds rarely pass 40 letters), so the letters past this in a run
/// are left out of detection; they would only repeat the same few n-grams.
const MAX_WORD_LETTERS: usize = 64;

/// Characters of one text that detection reads: a paragraph's language is plain long before
/// this, and a 10 MB paragraph must not take minutes.
const MAX_SAMPLE_CHARS: usize = 20_000;
/// The language of one text, if detection decided, and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Detection {
    /// The detected language; `None` when confidence is below the threshold or the text has no
    /// letters.
    pub language: Option<LanguageCode>,
    /// Confidence of the top candidate (0..=1), also when `language` is `None`; 0 without letters.
    pub confidence: f64,
}

impl Detection {
    /// The result for text with no letters, or nothing to detect at all.
    pub const UNDECIDED: Detection = Detection {
        language: None,
        confidence: 0.0,
    };
}

/// Detection for a whole document and each of its paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentDetection {
    /// The document's language and its letter-weighted share (see [`Detector::detect_document`]).
    pub document: Detection,
    /// One result per input paragraph, in the same order.
    pub paragraphs: Vec<Detection>,
    /// Letter-weighted share of every language that some paragraph was detected in, highest
    /// first (ties by code).
    scores: Vec<(LanguageCode, f64)>,
    /// The language outside the compiled-in set that whatlang (all its ~70 languages) is sure
    /// of for most of the text, and its letter-weighted share; see
    /// [`DocumentDetection::unsupported`].
    unsupported: Option<Outsider>,
    /// For a short text whose language is undecidable: lingua's top candidate over the whole
    /// text, below the usual thresholds (see [`SHORT_TEXT_LETTERS`]).
    guess: Option<(LanguageCode, f64)>,
}

/// A language outside the compiled-in set that most of a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outsider {
    /// Its English name, as whatlang gives it.
    pub name: &'static str,
    /// Its ISO 639-1 code, when it has one (for the `--from` hint).
    pub code: Option<LanguageCode>,
    /// Its letter-weighted share of the text.
    pub share: f64,
}

/// A text with fewer letters than this is short: one or two sentences, on which lingua is
/// often unsure (on 20–40 characters it answers only 89% of the time at 0.7; MEASURED.md).
/// When such a text is undecidable, its best candidate is used with a warning instead of
/// stopping the run: a short text costs little to translate, and the guess is shown.
pub const SHORT_TEXT_LETTERS: usize = 200;

impl DocumentDetection {
    /// Share of the document's letters detected in `language`, weighted by confidence (0..=1).
    ///
    /// Defined for any language, so a language forced with `--from` can be checked against the
    /// text; it is 0 for a language no paragraph was detected in.
    pub fn share(&self, language: LanguageCode) -> f64 {
        self.scores
            .iter()
            .find(|(code, _)| *code == language)
            .map_or(0.0, |(_, share)| *share)
    }

    /// Letter-weighted shares of every detected language, highest first.
    #[cfg(test)]
    pub fn scores(&self) -> &[(LanguageCode, f64)] {
        &self.scores
    }

    /// The English name of a language outside the compiled-in set that the text is in, if any,
    /// with its letter-weighted share (at least [`DOCUMENT_MIN_CONFIDENCE`]).
    ///
    /// lingua only knows the compiled-in languages and gives most paragraphs of other languages
    /// a confident wrong answer (Swedish → German at ≥ 0.9; MEASURED.md). whatlang over all of
    /// its languages is the second opinion: paragraphs it is reliably sure are in a language
    /// diglot cannot detect count here, weighted by letters as in the document's language.
    pub fn unsupported(&self) -> Option<Outsider> {
        self.unsupported
    }

    /// The language of a short text that detection cannot decide, as lingua's best candidate
    /// and its confidence; `None` for a decided or a long text.
    pub fn guess(&self) -> Option<(LanguageCode, f64)> {
        self.guess
    }
}

/// Why no direction can be chosen for an article.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    /// Detection cannot decide the article's language. Exit 3.
    #[error(
        "cannot tell which language the article is in (confidence {confidence:.2}, below {DOCUMENT_MIN_CONFIDENCE:.2})"
    )]
    Undecidable {
        /// The best language's letter-weighted confidence.
        confidence: f64,
    },
    /// Most of the text is in a language detection does not cover (without `--from`). Exit 3.
    #[error(
        "the article seems to be in {} ({:.2} of its letters), which diglot cannot detect",
        .0.name, .0.share
    )]
    Unsupported(Outsider),
    /// The article is already in the target language. Exit 2.
    #[error("the article is already in {} ({language}), the target language", language.name())]
    SameLanguage {
        /// The language of both.
        language: LanguageCode,
    },
}

/// Which way a run translates, and how sure detection is of the source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Direction {
    /// The article's language.
    pub source: LanguageCode,
    /// Detection's confidence in `source` (its share of the text when forced with `--from`).
    pub confidence: f64,
    /// Whether `--from` named the source.
    pub forced: bool,
    /// The language to translate into.
    pub target: LanguageCode,
}

impl DocumentDetection {
    /// The direction: the source `from` names, else the detected one; the target `to` names,
    /// else English, or German for an English article.
    pub fn direction(
        &self,
        from: Option<LanguageCode>,
        to: Option<LanguageCode>,
    ) -> Result<Direction, DetectError> {
        if let (None, Some(outsider)) = (from, self.unsupported()) {
            return Err(DetectError::Unsupported(outsider));
        }
        let (source, confidence, forced) = match (from, self.document.language, self.guess) {
            (Some(forced), _, _) => (forced, self.share(forced), true),
            (None, Some(language), _) => (language, self.document.confidence, false),
            (None, None, Some((language, confidence))) => (language, confidence, false),
            (None, None, None) => {
                return Err(DetectError::Undecidable {
                    confidence: self.document.confidence,
                });
            }
        };
        let target = to.unwrap_or(if source == LanguageCode::EN {
            LanguageCode::DE
        } else {
            LanguageCode::EN
        });
        if target == source {
            return Err(DetectError::SameLanguage { language: target });
        }
        Ok(Direction {
            source,
            confidence,
            forced,
            target,
        })
    }
}

/// A language detector over the compiled-in languages.
///
/// Cheap to build: lingua reads a language's models from the binary the first time they are
/// needed, and the narrowed lingua detectors are built on first use (under 0.3 ms each;
/// MEASURED.md). Build one and reuse it; it is `Send + Sync`.
pub struct Detector {
    /// Stage one: whatlang over the compiled-in languages.
    first: whatlang::Detector,
    /// Stage two: lingua over a first-stage language and its [`neighbours`], one per language,
    /// in the order of `compiled_in`, built on first use.
    narrowed: Vec<(Language, OnceLock<LanguageDetector>)>,
    /// lingua over every compiled-in language: the fallback and the reference.
    full: LanguageDetector,
    /// whatlang over all of its languages, to notice text in a language outside the set.
    any: whatlang::Detector,
}

/// The languages compiled into lingua (Cargo features), in a fixed order.
fn compiled_in() -> Vec<Language> {
    let mut languages: Vec<Language> = Language::all().into_iter().collect();
    languages.sort_by_key(|language| to_code(*language));
    languages
}

impl Detector {
    /// A detector for every compiled-in language, in high-accuracy mode, models not preloaded.
    pub fn new() -> Self {
        let languages = compiled_in();
        let allow = languages.iter().filter_map(|l| to_whatlang(*l)).collect();
        Detector {
            first: whatlang::Detector::with_allowlist(allow),
            narrowed: languages
                .iter()
                .map(|language| (*language, OnceLock::new()))
                .collect(),
            full: LanguageDetectorBuilder::from_all_languages().build(),
            any: whatlang::Detector::new(),
        }
    }

    /// Detects the language of one text.
    ///
    /// The top entry of lingua's confidence values is the candidate; it becomes the language only
    /// at [`PARAGRAPH_MIN_CONFIDENCE`] or above. Text without letters (digits, punctuation) is
    /// [`Detection::UNDECIDED`]. The confidence is rounded to six decimals: lingua's last digits
    /// vary from run to run (it sums in hash-map order), and snapshots must not. The module docs
    /// explain the two stages and when the full set decides.
    pub fn detect(&self, text: &str) -> Detection {
        if !text.chars().any(char::is_alphabetic) {
            return Detection::UNDECIDED;
        }
        let text = &*sample_of(text);
        let top = self.shortcut(text).or_else(|| top_of(&self.full, text));
        decide(top)
    }

    /// The two-stage answer, when it can stand: whatlang is reliable, lingua over its language
    /// and the neighbours agrees, at [`SHORTCUT_MIN_CONFIDENCE`] or above.
    fn shortcut(&self, text: &str) -> Option<(Language, f64)> {
        let first = self.first.detect(text)?;
        if !first.is_reliable() {
            return None;
        }
        let language = from_whatlang(first.lang())?;
        if !is_written_in_script_of(text, language) {
            // Mixed scripts (a Korean sentence with an English parenthesis): lingua's own
            // script rules must see every candidate.
            return None;
        }
        let (_, cell) = self.narrowed.iter().find(|(l, _)| *l == language)?;
        let narrowed = cell.get_or_init(|| {
            let mut candidates = vec![language];
            candidates.extend(neighbours(language));
            LanguageDetectorBuilder::from_languages(&candidates).build()
        });
        top_of(narrowed, text)
            .filter(|&(top, confidence)| top == language && confidence >= SHORTCUT_MIN_CONFIDENCE)
    }

    /// The one-stage answer over every compiled-in language, as before issue #7: the reference
    /// the two stages are tested against.
    #[cfg(test)]
    fn detect_exhaustively(&self, text: &str) -> Detection {
        decide(top_of(&self.full, text))
    }

    /// Detects every paragraph, then the document from them; `paragraphs[i]` gives
    /// `result.paragraphs[i]`.
    ///
    /// Each paragraph weighs as many letters as it has. A paragraph detected as `L` adds
    /// `letters × confidence` to `L`'s score; undecided paragraphs add to no score but still
    /// count in the total. The document's language is the top scorer and its confidence is that
    /// score divided by all letters: the share of the text that is confidently in it. It is
    /// `None` below [`DOCUMENT_MIN_CONFIDENCE`] or when no paragraph has letters.
    ///
    /// Why not ask lingua about the whole text: its document-level confidence misleads on mixed
    /// documents (it said `de 1.000` for a text half German, half English; MEASURED.md), while
    /// letter-weighted per-paragraph results give such a document about 0.5.
    pub fn detect_document(&self, paragraphs: &[&str]) -> DocumentDetection {
        let texts = paragraphs;
        let letters = paragraphs.iter().map(|text| count_letters(text));
        let readings: Vec<((Detection, Outside), usize)> = self
            .detect_each(paragraphs)
            .into_iter()
            .zip(letters)
            .collect();
        let outside: Vec<(Outside, usize)> = readings
            .iter()
            .map(|&((_, outside), letters)| (outside, letters))
            .collect();
        let paragraphs: Vec<(Detection, usize)> = readings
            .into_iter()
            .map(|((detection, _), letters)| (detection, letters))
            .collect();
        let total: usize = paragraphs.iter().map(|(_, letters)| letters).sum();

        let mut scores: Vec<(LanguageCode, f64)> = Vec::new();
        for (detection, letters) in &paragraphs {
            if let Some(language) = detection.language {
                let weight = *letters as f64 * detection.confidence;
                match scores.iter_mut().find(|(code, _)| *code == language) {
                    Some((_, score)) => *score += weight,
                    None => scores.push((language, weight)),
                }
            }
        }
        // Scores only exist when some paragraph has letters, so `total` is not 0 here.
        for (_, score) in &mut scores {
            *score = (*score / total as f64).min(1.0);
        }
        scores.sort_by(|(a, a_share), (b, b_share)| b_share.total_cmp(a_share).then(a.cmp(b)));

        let document = match scores.first() {
            Some(&(language, share)) => Detection {
                language: (share >= DOCUMENT_MIN_CONFIDENCE).then_some(language),
                confidence: share,
            },
            None => Detection::UNDECIDED,
        };
        let guess = (document.language.is_none() && total > 0 && total < SHORT_TEXT_LETTERS)
            .then(|| top_of(&self.full, &texts.join("\n")))
            .flatten()
            .map(|(language, confidence)| (to_code(language), round_confidence(confidence)));
        DocumentDetection {
            document,
            guess,
            unsupported: unsupported_share(&outside, total),
            paragraphs: paragraphs
                .into_iter()
                .map(|(detection, _)| detection)
                .collect(),
            scores,
        }
    }

    /// [`Detector::read`] for each text, in order, on up to [`DETECT_THREADS`] threads when
    /// there are enough texts to share (a 150-paragraph article: ~38 → ~20 ms on 2 cores).
    fn detect_each(&self, texts: &[&str]) -> Vec<(Detection, Outside)> {
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(DETECT_THREADS);
        if threads < 2 || texts.len() < 2 * PARAGRAPHS_PER_THREAD {
            return texts.iter().map(|text| self.read(text)).collect();
        }
        let share = texts.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = texts
                .chunks(share)
                .map(|part| scope.spawn(move || part.iter().map(|text| self.read(text)).collect()))
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| {
                    // A panic in lingua is a bug; pass it on as such rather than hide it.
                    let part: Vec<(Detection, Outside)> = worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    part
                })
                .collect()
        })
    }

    /// A paragraph's detection, and the language outside the compiled-in set that whatlang
    /// over all of its languages is reliably sure of, if any.
    fn read(&self, text: &str) -> (Detection, Outside) {
        let outside = self
            .any
            .detect(&sample_of(text))
            .filter(|info| info.is_reliable() && from_whatlang(info.lang()).is_none())
            .map(|info| (info.lang(), info.confidence()));
        (self.detect(text), outside)
    }

    /// The languages this build can detect, sorted by code.
    pub fn supported_languages() -> Vec<LanguageCode> {
        let mut codes: Vec<LanguageCode> = Language::all().into_iter().map(to_code).collect();
        codes.sort();
        codes
    }
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // lingua's detector has no Debug; its language set is what tells detectors apart.
        f.debug_struct("Detector")
            .field("languages", &Self::supported_languages())
            .finish_non_exhaustive()
    }
}

/// The detection for lingua's top candidate: a language at [`PARAGRAPH_MIN_CONFIDENCE`] or
/// above, the confidence rounded.
fn decide(top: Option<(Language, f64)>) -> Detection {
    match top {
        Some((language, confidence)) if confidence > 0.0 => {
            let confidence = round_confidence(confidence);
            Detection {
                language: (confidence >= PARAGRAPH_MIN_CONFIDENCE).then(|| to_code(language)),
                confidence,
            }
        }
        _ => Detection::UNDECIDED,
    }
}

/// A language outside the compiled-in set that whatlang is sure of, with its confidence.
type Outside = Option<(whatlang::Lang, f64)>;

/// The top language outside the compiled-in set by letter- and confidence-weighted share of the
/// paragraphs (each with its letters), when that share is at least [`DOCUMENT_MIN_CONFIDENCE`].
/// `total` is all letters.
fn unsupported_share(outside: &[(Outside, usize)], total: usize) -> Option<Outsider> {
    let mut scores: Vec<(whatlang::Lang, f64)> = Vec::new();
    for (found, letters) in outside {
        let Some((lang, confidence)) = *found else {
            continue;
        };
        let weight = *letters as f64 * confidence;
        match scores.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, score)) => *score += weight,
            None => scores.push((lang, weight)),
        }
    }
    let (lang, score) = scores.into_iter().max_by(|(_, a), (_, b)| a.total_cmp(b))?;
    let share = (score / total.max(1) as f64).min(1.0);
    (share >= DOCUMENT_MIN_CONFIDENCE).then(|| Outsider {
        name: lang.eng_name(),
        code: LanguageCode::from_639_3(lang.code()),
        share,
    })
}

/// lingua's top candidate and its confidence, if any.
fn top_of(detector: &LanguageDetector, text: &str) -> Option<(Language, f64)> {
    detector
        .compute_language_confidence_values(text)
        .into_iter()
        .next()
}

/// The closest competitors of `language` among the compiled-in languages: the languages lingua
/// must also weigh so that its confidence for `language` means what it means over all of them.
/// Related languages in the same script (Dutch/German/English, the Romance four, Russian and
/// Ukrainian, Chinese and Japanese, Polish and Turkish: the runner-up of the other on short
/// text), plus English and German as the most common lookalike sources of loanwords. lingua
/// filters by script first, so a neighbour in another script costs nothing. Checked against
/// lingua's own test data (all 42,954 sentences, word pairs and single words of the 15
/// languages): with these neighbours the two stages name the same language as the full set on
/// every one (with Polish weighed only against English and German, "karol dostał" came out
/// Polish at 0.97 instead of undecided at 0.68, Turkish being the runner-up).
fn neighbours(language: Language) -> &'static [Language] {
    use Language::{
        Arabic, Chinese, Dutch, English, French, German, Italian, Japanese, Korean, Polish,
        Portuguese, Russian, Spanish, Turkish, Ukrainian,
    };
    match language {
        German => &[Dutch, English],
        Dutch => &[German, English],
        English => &[German, Dutch, French],
        French => &[Spanish, Italian, Portuguese, English],
        Spanish => &[Portuguese, Italian, French],
        Portuguese => &[Spanish, Italian, French],
        Italian => &[Spanish, Portuguese, French],
        Polish => &[Turkish, English, German],
        Turkish => &[Polish, English, German],
        Russian => &[Ukrainian],
        Ukrainian => &[Russian],
        Chinese => &[Japanese],
        Japanese | Korean => &[Chinese],
        Arabic => &[English],
        #[expect(
            unreachable_patterns,
            reason = "a language compiled in later must get its neighbours listed here"
        )]
        _ => &[],
    }
}

/// The writing systems the compiled-in languages use, as far as the shortcut must tell them
/// apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Arabic,
    /// Han, kana, Hangul and anything else.
    Other,
}

fn script_of_char(c: char) -> Script {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => Script::Latin,
        '\u{400}'..='\u{52f}' => Script::Cyrillic,
        '\u{600}'..='\u{6ff}' | '\u{750}'..='\u{77f}' | '\u{fb50}'..='\u{fdff}' => Script::Arabic,
        '\u{fe70}'..='\u{feff}' => Script::Arabic,
        _ => Script::Other,
    }
}

fn script_of_language(language: Language) -> Script {
    match language {
        Language::Russian | Language::Ukrainian => Script::Cyrillic,
        Language::Arabic => Script::Arabic,
        Language::Chinese | Language::Japanese | Language::Korean => Script::Other,
        _ => Script::Latin,
    }
}

/// Whether at least nine in ten of the text's letters are in `language`'s script. lingua's rules
/// give a word in a script of its own (Hangul, kana) to that language, so a text with many
/// letters in another script needs the full set; a Latin acronym in a Russian text does not.
fn is_written_in_script_of(text: &str, language: Language) -> bool {
    let script = script_of_language(language);
    let (mut inside, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        inside += usize::from(script_of_char(c) == script);
    }
    inside * 10 >= letters * 9
}

/// Each compiled-in language with whatlang's name for it (whatlang calls Chinese `cmn`, lingua
/// `zho`, so the codes alone would not do).
const WHATLANG: [(Language, whatlang::Lang); 15] = {
    use whatlang::Lang;
    [
        (Language::Arabic, Lang::Ara),
        (Language::Chinese, Lang::Cmn),
        (Language::Dutch, Lang::Nld),
        (Language::English, Lang::Eng),
        (Language::French, Lang::Fra),
        (Language::German, Lang::Deu),
        (Language::Italian, Lang::Ita),
        (Language::Japanese, Lang::Jpn),
        (Language::Korean, Lang::Kor),
        (Language::Polish, Lang::Pol),
        (Language::Portuguese, Lang::Por),
        (Language::Russian, Lang::Rus),
        (Language::Spanish, Lang::Spa),
        (Language::Turkish, Lang::Tur),
        (Language::Ukrainian, Lang::Ukr),
    ]
};

/// whatlang's name for a compiled-in language.
fn to_whatlang(language: Language) -> Option<whatlang::Lang> {
    WHATLANG
        .iter()
        .find(|(l, _)| *l == language)
        .map(|(_, lang)| *lang)
}

/// The compiled-in language whatlang named, if it is one.
fn from_whatlang(lang: whatlang::Lang) -> Option<Language> {
    WHATLANG
        .iter()
        .find(|(_, w)| *w == lang)
        .map(|(language, _)| *language)
}

fn to_code(language: Language) -> LanguageCode {
    language
        .iso_code_639_1()
        .to_string()
        .parse()
        .expect("lingua's ISO 639-1 codes are two ASCII letters")
}

/// Rounds to six decimals, far below any threshold yet above lingua's run-to-run noise (the
/// reference article's last paragraph came out as 0.8800832586047429 and …26 in two runs).
fn round_confidence(confidence: f64) -> f64 {
    (confidence * 1e6).round() / 1e6
}

/// What detection reads of `text`: its first [`MAX_SAMPLE_CHARS`] characters, with every run
/// of letters cut to its first [`MAX_WORD_LETTERS`]; borrowed when no run is cut (any real
/// paragraph). Bounds the time one text can take, whatever its length or its words.
fn sample_of(text: &str) -> Cow<'_, str> {
    let end = text
        .char_indices()
        .nth(MAX_SAMPLE_CHARS)
        .map_or(text.len(), |(at, _)| at);
    let sample = &text[..end];
    let mut run = 0;
    if sample.chars().all(|c| is_within_word_limit(&mut run, c)) {
        return Cow::Borrowed(sample);
    }
    let mut run = 0;
    Cow::Owned(
        sample
            .chars()
            .filter(|&c| is_within_word_limit(&mut run, c))
            .collect(),
    )
}

/// Counts `c` into the current run of letters; false past [`MAX_WORD_LETTERS`] of them.
fn is_within_word_limit(run: &mut usize, c: char) -> bool {
    *run = if c.is_alphabetic() { *run + 1 } else { 0 };
    *run <= MAX_WORD_LETTERS
}

fn count_letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GERMAN: &str = "Die Ukraine fordert seit langem einen NATO-Beitritt als \
        Sicherheitsgarantie für ein Ende des Konflikts mit Russland. Moskau hingegen sieht in den \
        NATO-Ambitionen Kiews eine der Hauptursachen des Konflikts.";
    const GERMAN_2: &str = "Die genauen Inhalte des Treffens zwischen Putin und Witkoff wurden \
        nicht veröffentlicht.";
    const GERMAN_3: &str = "Rutte ergänzte, Trump wünsche einen dauerhaften Frieden und deutete \
        an, dass der Ukraine andere Zugeständnisse angeboten werden könnten.";
    const ENGLISH: &str = "Ukraine has long demanded NATO membership as a security guarantee \
        for an end to the conflict with Russia. Moscow, however, sees Kyiv's ambitions as one \
        of the main causes of the war.";
    const FRENCH: &str = "L'Ukraine réclame depuis longtemps une adhésion à l'OTAN comme \
        garantie de sécurité pour mettre fin au conflit avec la Russie.";

    fn code(s: &str) -> LanguageCode {
        s.parse().expect("valid test code")
    }

    #[test]
    fn detection_reads_a_bounded_sample_with_long_words_cut() {
        assert!(matches!(sample_of(GERMAN), Cow::Borrowed(text) if text == GERMAN));
        let blob = format!("{GERMAN} {} {GERMAN_2}", "a".repeat(10_000));
        let sample = sample_of(&blob);
        let expected = format!("{GERMAN} {} {GERMAN_2}", "a".repeat(MAX_WORD_LETTERS));
        assert_eq!(sample, expected);
        let long = GERMAN.repeat(1_000);
        assert_eq!(sample_of(&long).chars().count(), MAX_SAMPLE_CHARS);
        // A 200,000-letter word beside a sentence is still German, and read in a sample.
        assert_eq!(
            Detector::new().detect(&blob).language,
            Some(LanguageCode::DE)
        );
    }

    #[test]
    fn detects_a_german_paragraph_with_high_confidence() {
        let detection = Detector::new().detect(GERMAN);
        assert_eq!(detection.language, Some(LanguageCode::DE));
        assert!(detection.confidence >= 0.9, "{detection:?}");
    }

    #[test]
    fn detects_english_and_french_paragraphs() {
        let detector = Detector::new();
        assert_eq!(detector.detect(ENGLISH).language, Some(LanguageCode::EN));
        assert_eq!(detector.detect(FRENCH).language, Some(code("fr")));
    }

    #[test]
    fn text_without_letters_is_undecided() {
        let detector = Detector::new();
        for text in ["2024 – 30 %, 1.500.000", "", "…!?"] {
            assert_eq!(detector.detect(text), Detection::UNDECIDED, "{text:?}");
        }
    }

    #[test]
    fn unsure_paragraph_keeps_its_confidence_but_no_language() {
        // A single ambiguous word: lingua is far from sure.
        let detection = Detector::new().detect("Hotel");
        assert_eq!(detection.language, None, "{detection:?}");
        assert!(detection.confidence > 0.0 && detection.confidence < PARAGRAPH_MIN_CONFIDENCE);
    }

    #[test]
    fn mostly_german_document_with_a_short_english_paragraph_is_german() {
        let english = "The talks will continue next week.";
        let result = Detector::new().detect_document(&[GERMAN, GERMAN_2, GERMAN_3, english]);
        assert_eq!(result.paragraphs.len(), 4);
        assert_eq!(result.paragraphs[0].language, Some(LanguageCode::DE));
        assert_eq!(result.paragraphs[3].language, Some(LanguageCode::EN));
        assert_eq!(result.document.language, Some(LanguageCode::DE));
        let confidence = result.document.confidence;
        assert!(confidence > 0.5 && confidence < 1.0, "{confidence}");
        assert!(result.share(LanguageCode::EN) > 0.0);
    }

    #[test]
    fn undecided_paragraph_counts_its_letters_against_every_language() {
        let result = Detector::new().detect_document(&[GERMAN, "Thank you!"]);
        assert_eq!(result.paragraphs[1].language, None);
        assert_eq!(result.document.language, Some(LanguageCode::DE));
        assert!(result.document.confidence < result.paragraphs[0].confidence);
    }

    #[test]
    fn half_german_half_english_document_scores_about_one_half() {
        // Two texts of nearly the same length, one per language.
        let result = Detector::new().detect_document(&[GERMAN, ENGLISH]);
        assert_eq!(result.paragraphs[1].language, Some(LanguageCode::EN));
        let (de, en) = (
            result.share(LanguageCode::DE),
            result.share(LanguageCode::EN),
        );
        assert!(
            (de - 0.5).abs() < 0.1 && (en - 0.5).abs() < 0.1,
            "de {de}, en {en}"
        );
        assert!((result.document.confidence - 0.5).abs() < 0.1, "{result:?}");
    }

    #[test]
    fn share_of_a_forced_language_is_its_letter_weighted_part() {
        let result = Detector::new().detect_document(&[GERMAN, GERMAN_2, FRENCH]);
        let (de, fr) = (result.share(LanguageCode::DE), result.share(code("fr")));
        assert!(de > fr && fr > 0.1, "de {de}, fr {fr}");
        assert!(de + fr <= 1.0 + 1e-9);
        assert_eq!(result.share(code("sv")), 0.0);
        assert_eq!(result.scores()[0].0, LanguageCode::DE);
    }

    #[test]
    fn document_without_letters_is_undecided() {
        let detector = Detector::new();
        let result = detector.detect_document(&["12:30", "2025"]);
        assert_eq!(result.document, Detection::UNDECIDED);
        assert_eq!(result.paragraphs, vec![Detection::UNDECIDED; 2]);
        assert_eq!(detector.detect_document(&[]).document, Detection::UNDECIDED);
    }

    #[test]
    fn supports_the_fifteen_compiled_in_languages() {
        let codes: Vec<String> = Detector::supported_languages()
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected = "ar de en es fr it ja ko nl pl pt ru tr uk zh";
        assert_eq!(codes.join(" "), expected);
    }

    /// Sentences and short phrases in each compiled-in language, some of them hard (short,
    /// shared words, mixed scripts): the two stages must say what the full set says.
    const SAMPLES: &[&str] = &[
        "Die Regierung hat am Montag neue Maßnahmen angekündigt.",
        "De regering heeft maandag nieuwe maatregelen aangekondigd.",
        "The government announced new measures on Monday.",
        "Le gouvernement a annoncé lundi de nouvelles mesures.",
        "El gobierno anunció el lunes nuevas medidas.",
        "O governo anunciou novas medidas na segunda-feira.",
        "Il governo ha annunciato lunedì nuove misure.",
        "Rząd ogłosił w poniedziałek nowe środki.",
        "Hükümet pazartesi günü yeni önlemler açıkladı.",
        "Правительство в понедельник объявило о новых мерах.",
        "Уряд у понеділок оголосив про нові заходи.",
        "أعلنت الحكومة يوم الاثنين عن إجراءات جديدة.",
        "政府周一宣布了新措施。",
        "政府は月曜日に新たな措置を発表した。",
        "정부는 월요일에 새로운 조치를 발표했다.",
        "르노삼성 부산공장은 사원대표위원회(ERO·Employee Representative Organization)가 역할을 한다.",
        "NATO-Gipfel in Den Haag",
        "Hotel Amsterdam",
        "Das ist gut.",
        "Dat is goed.",
        "Es bueno.",
        "É bom.",
        "Premier ministre",
        "Kyiv",
        "OK",
        "karol dostał",
    ];

    #[test]
    fn two_stages_agree_with_the_full_set_on_fixtures_and_samples() {
        let fixtures = [
            include_str!("../fixtures/articles/de-rutte-nato.txt"),
            include_str!("../fixtures/articles/de-lange-absaetze.txt"),
            include_str!("../fixtures/articles/de-kurz.txt"),
            include_str!("../fixtures/articles/en-city-budget.txt"),
            include_str!("../fixtures/articles/fr-greve-transports.txt"),
            include_str!("../fixtures/articles/mixed-de-en.txt"),
            include_str!("../fixtures/articles/wide-chars.txt"),
        ];
        let detector = Detector::new();
        for article in fixtures {
            let paragraphs: Vec<&str> = article.split("\n\n").collect();
            let result = detector.detect_document(&paragraphs);
            assert_eq!(result.unsupported(), None, "{article}");
        }
        let texts = fixtures
            .iter()
            .flat_map(|article| article.split("\n\n"))
            .chain(SAMPLES.iter().copied());
        let mut shortcuts = 0;
        for text in texts {
            let (two_stage, full) = (detector.detect(text), detector.detect_exhaustively(text));
            assert_eq!(two_stage.language, full.language, "{text:?}");
            if two_stage.language.is_none() {
                assert_eq!(two_stage, full, "{text:?}");
            }
            shortcuts += usize::from(detector.shortcut(text).is_some());
        }
        // The shortcut must actually be taken for ordinary paragraphs, or it saves nothing.
        assert!(shortcuts > 20, "{shortcuts}");
    }

    #[test]
    fn mixed_scripts_and_unsure_first_stage_use_the_full_set() {
        let detector = Detector::new();
        let korean_with_english = SAMPLES[15];
        assert_eq!(detector.shortcut(korean_with_english), None);
        assert_eq!(
            detector.detect(korean_with_english).language,
            Some(code("ko"))
        );
        // Too short for whatlang to be sure: the full set decides, with its own confidence.
        assert_eq!(detector.shortcut("Hotel"), None);
        assert!(detector.shortcut(GERMAN).is_some());
    }

    #[test]
    fn every_compiled_in_language_has_a_first_stage_name_and_neighbours() {
        for language in compiled_in() {
            let lang = to_whatlang(language).expect("whatlang knows every compiled-in language");
            assert_eq!(from_whatlang(lang), Some(language));
            assert!(!neighbours(language).is_empty(), "{language:?}");
            assert!(!neighbours(language).contains(&language));
        }
    }

    const SWEDISH: &str = "Regeringen meddelade på måndagen att den kommer att höja försvarsanslagen \
        kraftigt under de kommande åren. Beslutet väntas få brett stöd i riksdagen, där flera \
        partier länge har krävt mer pengar till försvaret och till kommunernas beredskap.";

    #[test]
    fn a_language_outside_the_set_is_noticed_although_lingua_is_sure() {
        let detector = Detector::new();
        let result = detector.detect_document(&[SWEDISH, SWEDISH]);
        let outsider = result.unsupported().expect("Swedish is noticed");
        assert_eq!(outsider.name, "Swedish");
        assert_eq!(outsider.code, Some(code("sv")));
        assert!(
            outsider.share >= DOCUMENT_MIN_CONFIDENCE,
            "{}",
            outsider.share
        );
        // Supported articles, mixed ones included, are never flagged.
        assert_eq!(
            detector.detect_document(&[GERMAN, ENGLISH]).unsupported(),
            None
        );
        assert_eq!(
            detector
                .detect_document(&[GERMAN, GERMAN_2, SWEDISH])
                .unsupported(),
            None
        );
    }

    #[test]
    fn a_short_undecidable_text_gets_its_best_guess_and_a_long_one_none() {
        let detector = Detector::new();
        let short = detector.detect_document(&["Hallo Welt, das ist ein Test."]);
        assert_eq!(short.document.language, None);
        let (language, confidence) = short.guess().expect("a guess");
        assert_eq!(language, code("de"));
        assert!(confidence < PARAGRAPH_MIN_CONFIDENCE, "{confidence}");
        let direction = short.direction(None, None).expect("the guess decides");
        assert_eq!(
            (direction.source, direction.target),
            (code("de"), code("en"))
        );
        assert_eq!(detector.detect_document(&[GERMAN]).guess(), None);
        let numbers = "12 34 56 ".repeat(40);
        assert_eq!(detector.detect_document(&[&numbers]).guess(), None);
    }
}
