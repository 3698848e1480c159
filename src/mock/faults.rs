//! Faults the mock API injects on demand: which kinds exist, how `--fault` names them, and the
//! order in which requests use them up.
//!
//! Owns [`FaultKind`], [`Fault`] (parsed from `KIND` or `KIND:N`) and the queue that hands each
//! translation request its fault, whatever the protocol. It does not shape responses: each
//! protocol's file (`openai.rs`, `anthropic.rs`, `deepl.rs`, `libretranslate.rs`) turns a kind
//! into bytes, except the crafted translations ([`craft`]) that every protocol shares.

use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

/// One way an answer can go wrong. The name in parentheses is what `--fault` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// (`429`) Status 429 with `Retry-After: 1` and an OpenAI error body.
    RateLimit,
    /// (`500`) Status 500 with an OpenAI error body.
    ServerError,
    /// (`not-json`) Status 200 with a chat completion whose content is prose, not JSON.
    NotJson,
    /// (`fenced`) The correct reply JSON, after a sentence of prose and inside ```` ```json ````
    /// fences.
    Fenced,
    /// (`missing`) The reply omits the last paragraph.
    Missing,
    /// (`truncated`) The HTTP body itself stops halfway through the JSON (with a matching
    /// `Content-Length`, so the client sees a complete response that does not parse).
    Truncated,
    /// (`length`) A 200 answer cut off at the model's output limit: the first half of the
    /// reply's text with `finish_reason: "length"` (OpenAI) or `stop_reason: "max_tokens"`
    /// (Anthropic). Chat formats only.
    Length,
    /// (`escape`) Every translated text carries a terminal colour sequence (`ESC [31m`) and a
    /// BEL, as a hostile or broken model might send.
    Escape,
    /// (`401`) Status 401: the key is refused, in the protocol's error format.
    Unauthorized,
    /// (`403`) Status 403: access refused (DeepL's answer to a bad key).
    Forbidden,
    /// (`456`) Status 456: the account's quota is used up (DeepL's quota status).
    QuotaExceeded,
    /// (`drop-number`) The first translated paragraph with a number above 12 that its source
    /// also has loses every occurrence of that number (caught by the `number_missing` check).
    DropNumber,
    /// (`untranslated`) The first paragraph long enough to judge is answered with its source
    /// text (caught by the `untranslated` check).
    Untranslated,
    /// (`truncate-paragraph`) The first paragraph long enough to judge is answered with the
    /// first three words of its translation (caught by the `length_ratio` check).
    TruncateParagraph,
    /// (`brief-bad-ref`) A brief whose first point cites a paragraph that does not exist.
    /// Brief requests only.
    BriefBadRef,
    /// (`brief-wrong-language`) A brief whose first point is written in another language than
    /// the article's (English; German for an English article), as a small model asked for two
    /// languages at once writes it. Brief requests only.
    BriefWrongLanguage,
    /// (`brief-malformed`) A reply to a brief request that is prose, not JSON. Brief requests
    /// only.
    BriefMalformed,
    /// (`brief-empty`) A brief whose first point is empty. Brief requests only.
    BriefEmpty,
    /// (`brief-number`) A brief whose first point states a number no cited paragraph has.
    /// Brief requests only.
    BriefNumber,
    /// (`endless-body`) Status 200 and a JSON-looking body that never ends (chunked, no
    /// length), as a broken proxy or a hostile server may send.
    EndlessBody,
    /// (`huge-body`) Status 200 and a 64 MiB body announced by its `Content-Length`.
    HugeBody,
    /// (`escape-error`) Status 400 in the protocol's error format, whose message holds terminal
    /// escape sequences (retitle the window, clear the screen) and a BEL.
    EscapeError,
    /// (`invisible`) Every translation is made only of invisible characters (zero-width space,
    /// word joiner, BOM, soft hyphen, LRM, ESC, BEL, Hangul filler, Braille blank).
    Invisible,
    /// (`huge-word`) The first translation ends in one word of a million letters.
    HugeWord,
    /// (`brief-field-names`) A brief whose every text is the name of its field (`headline`,
    /// `text`, `role`), as a small model that copies the schema writes it. Brief requests only.
    BriefFieldNames,
    /// (`brief-all-paragraphs`) A brief whose first point cites every paragraph. Brief
    /// requests only.
    BriefAllParagraphs,
    /// (`brief-duplicate`) A brief whose second point is a copy of its first. Brief requests
    /// only.
    BriefDuplicate,
    /// (`brief-one-word`) A brief whose first point is its first word alone.
    /// Brief requests only.
    BriefOneWord,
    /// (`brief-entity-uncited`) A brief whose last entity is renamed `Erika Mustermann`, a
    /// name in no paragraph it cites (a pseudo-brief, without entities, gets her citing ¶1).
    /// Brief requests only.
    BriefEntityUncited,
    /// (`brief-unattributed`) A brief whose first point loses its attribution: cut at its last
    /// comma (on the reference article: `wie … Mark Rutte bestätigte`). Brief
    /// requests only.
    BriefUnattributed,
    /// (`drop-sentence`) A sentence reply without the second entry of the first paragraph
    /// that has two (as a model that skips a sentence). Sentence requests only.
    DropSentence,
    /// (`merge-sentences`) A sentence reply whose first two entries of a paragraph are merged
    /// under the first one's id alone: a merge not declared as a group. Sentence requests only.
    MergeSentences,
    /// (`sentence-order`) A sentence reply whose first two entries of a paragraph swap places,
    /// each keeping its id. Sentence requests only.
    SentenceOrder,
    /// (`ignore-glossary`) Every glossary entry whose source term a paragraph has comes back
    /// as that source term, untranslated (caught by the `term_mismatch` check; see `terms.rs`).
    IgnoreGlossary,
    /// (`name-drift`) Every second request that takes this fault respells the names its
    /// answers keep from their source (`Rutte` → `Rotte`), so an article split into several
    /// requests names them two ways (caught by the `name_drift` check; see `terms.rs`).
    NameDrift,
}

impl FaultKind {
    /// Every kind, in the order the help text lists them.
    pub const ALL: [FaultKind; 35] = [
        FaultKind::RateLimit,
        FaultKind::ServerError,
        FaultKind::NotJson,
        FaultKind::Fenced,
        FaultKind::Missing,
        FaultKind::Truncated,
        FaultKind::Length,
        FaultKind::Escape,
        FaultKind::Unauthorized,
        FaultKind::Forbidden,
        FaultKind::QuotaExceeded,
        FaultKind::DropNumber,
        FaultKind::Untranslated,
        FaultKind::TruncateParagraph,
        FaultKind::BriefBadRef,
        FaultKind::BriefWrongLanguage,
        FaultKind::BriefMalformed,
        FaultKind::BriefEmpty,
        FaultKind::BriefNumber,
        FaultKind::EndlessBody,
        FaultKind::HugeBody,
        FaultKind::EscapeError,
        FaultKind::Invisible,
        FaultKind::HugeWord,
        FaultKind::BriefFieldNames,
        FaultKind::BriefAllParagraphs,
        FaultKind::BriefDuplicate,
        FaultKind::BriefOneWord,
        FaultKind::BriefEntityUncited,
        FaultKind::BriefUnattributed,
        FaultKind::DropSentence,
        FaultKind::MergeSentences,
        FaultKind::SentenceOrder,
        FaultKind::IgnoreGlossary,
        FaultKind::NameDrift,
    ];

    /// The name `--fault` accepts for this kind.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::RateLimit => "429",
            FaultKind::ServerError => "500",
            FaultKind::NotJson => "not-json",
            FaultKind::Fenced => "fenced",
            FaultKind::Missing => "missing",
            FaultKind::Truncated => "truncated",
            FaultKind::Length => "length",
            FaultKind::Escape => "escape",
            FaultKind::Unauthorized => "401",
            FaultKind::Forbidden => "403",
            FaultKind::QuotaExceeded => "456",
            FaultKind::DropNumber => "drop-number",
            FaultKind::Untranslated => "untranslated",
            FaultKind::TruncateParagraph => "truncate-paragraph",
            FaultKind::BriefBadRef => "brief-bad-ref",
            FaultKind::BriefWrongLanguage => "brief-wrong-language",
            FaultKind::BriefMalformed => "brief-malformed",
            FaultKind::BriefEmpty => "brief-empty",
            FaultKind::BriefNumber => "brief-number",
            FaultKind::EndlessBody => "endless-body",
            FaultKind::HugeBody => "huge-body",
            FaultKind::EscapeError => "escape-error",
            FaultKind::Invisible => "invisible",
            FaultKind::HugeWord => "huge-word",
            FaultKind::BriefFieldNames => "brief-field-names",
            FaultKind::BriefAllParagraphs => "brief-all-paragraphs",
            FaultKind::BriefDuplicate => "brief-duplicate",
            FaultKind::BriefOneWord => "brief-one-word",
            FaultKind::BriefEntityUncited => "brief-entity-uncited",
            FaultKind::BriefUnattributed => "brief-unattributed",
            FaultKind::DropSentence => "drop-sentence",
            FaultKind::MergeSentences => "merge-sentences",
            FaultKind::SentenceOrder => "sentence-order",
            FaultKind::IgnoreGlossary => "ignore-glossary",
            FaultKind::NameDrift => "name-drift",
        }
    }

    /// Whether only translation requests take this fault (brief requests skip it): the
    /// crafted translations. A brief's own translation is a translation request.
    pub fn is_translation_only(self) -> bool {
        matches!(
            self,
            FaultKind::DropNumber
                | FaultKind::Untranslated
                | FaultKind::TruncateParagraph
                | FaultKind::Invisible
                | FaultKind::HugeWord
                | FaultKind::IgnoreGlossary
                | FaultKind::NameDrift
        )
    }

    /// Whether only brief requests take this fault (translation requests skip it).
    pub fn is_brief_only(self) -> bool {
        matches!(
            self,
            FaultKind::BriefBadRef
                | FaultKind::BriefWrongLanguage
                | FaultKind::BriefMalformed
                | FaultKind::BriefEmpty
                | FaultKind::BriefNumber
                | FaultKind::BriefFieldNames
                | FaultKind::BriefAllParagraphs
                | FaultKind::BriefDuplicate
                | FaultKind::BriefOneWord
                | FaultKind::BriefEntityUncited
                | FaultKind::BriefUnattributed
        )
    }

    /// Whether only sentence requests (`--align sentence` to an LLM) take this fault.
    pub fn is_sentence_only(self) -> bool {
        matches!(
            self,
            FaultKind::DropSentence | FaultKind::MergeSentences | FaultKind::SentenceOrder
        )
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Words a `truncate-paragraph` answer keeps.
const TRUNCATED_WORDS: usize = 3;

/// The message of the `escape-error` fault: an OSC that retitles the terminal window, ended by
/// a BEL, then a CSI that clears the screen.
pub const ESCAPE_MESSAGE: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}[2Jthe mock server refuses this request (fault escape-error)";

/// What every translation is under the `invisible` fault: nothing a reader can see.
pub const INVISIBLE: &str =
    "\u{200b}\u{2060}\u{feff}\u{ad}\u{200e}\u{1b}\u{7}\u{3164}\u{2800} \u{200b}";

/// Letters of the word the `huge-word` fault appends.
pub const HUGE_WORD_LETTERS: usize = 1_000_000;

/// Bytes of the `huge-body` fault's body: 64 MiB.
const HUGE_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Bytes of each piece of a body fault's body.
const BODY_CHUNK: usize = 64 * 1024;

/// The answer to the `endless-body` and `huge-body` faults, whatever the protocol: a 200 whose
/// JSON-looking body never ends, or is 64 MiB long with a `Content-Length` saying so; `None`
/// for any other fault.
pub fn body_fault(kind: Option<FaultKind>) -> Option<axum::response::Response> {
    use axum::body::{Body, Bytes};
    use axum::http::{StatusCode, header};
    use futures_util::StreamExt;
    let start = Bytes::from_static(b"{\"choices\": [{\"message\": {\"content\": \"");
    let chunk = Bytes::from(vec![b'a'; BODY_CHUNK]);
    let pieces = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(start.clone())])
        .chain(futures_util::stream::repeat(Ok(chunk)));
    let (body, length) = match kind? {
        FaultKind::EndlessBody => (Body::from_stream(pieces), None),
        FaultKind::HugeBody => {
            let pieces = pieces.take(HUGE_BODY_BYTES / BODY_CHUNK + 1);
            let length = start.len() + HUGE_BODY_BYTES;
            (Body::from_stream(pieces), Some(length))
        }
        _ => return None,
    };
    let mut response = axum::response::Response::new(body);
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, header::HeaderValue::from(length));
    }
    Some(response)
}

/// Applies a crafted-translation fault to `answers`, the translations of `sources` in the same
/// order (see [`FaultKind::DropNumber`], [`FaultKind::Untranslated`],
/// [`FaultKind::TruncateParagraph`], [`FaultKind::Invisible`] and [`FaultKind::HugeWord`]);
/// other faults and `None` leave them alone. Every paragraph still comes back: only the
/// fidelity checks can tell the first three, only the contract's emptiness check `invisible`.
pub fn craft(kind: Option<FaultKind>, sources: &[&str], answers: &mut [&mut String]) {
    let long_enough = || {
        sources
            .iter()
            .position(|s| s.chars().count() >= crate::verify::fidelity::MIN_JUDGED_CHARS)
    };
    match kind {
        Some(FaultKind::DropNumber) => {
            for (source, answer) in sources.iter().zip(answers.iter_mut()) {
                if let Some(dropped) = drop_number(source, answer) {
                    **answer = dropped;
                    return;
                }
            }
        }
        Some(FaultKind::Untranslated) => {
            if let Some(i) = long_enough()
                && let (Some(source), Some(answer)) = (sources.get(i), answers.get_mut(i))
            {
                **answer = (*source).to_owned();
            }
        }
        Some(FaultKind::TruncateParagraph) => {
            if let Some(answer) = long_enough().and_then(|i| answers.get_mut(i)) {
                let words: Vec<&str> = answer.split_whitespace().take(TRUNCATED_WORDS).collect();
                **answer = words.join(" ");
            }
        }
        Some(FaultKind::Invisible) => {
            for answer in answers.iter_mut() {
                **answer = INVISIBLE.to_owned();
            }
        }
        Some(FaultKind::HugeWord) => {
            if let Some(answer) = answers.first_mut() {
                answer.push(' ');
                answer.extend(std::iter::repeat_n('x', HUGE_WORD_LETTERS));
            }
        }
        _ => {}
    }
}

/// `answer` without the first number above 12 that `source` also has (every occurrence), or
/// `None` when it has no such number.
fn drop_number(source: &str, answer: &str) -> Option<String> {
    use crate::verify::numbers::{number_spans, numbers_in};
    let in_source: Vec<String> = numbers_in(source).into_iter().map(|(_, n)| n).collect();
    let spans = number_spans(answer);
    let (_, chosen) = spans.iter().find(|(_, normal)| {
        in_source.contains(normal) && normal.parse::<f64>().is_ok_and(|n| n > 12.0)
    })?;
    let mut dropped = answer.to_owned();
    for (span, _) in spans.iter().rev().filter(|(_, normal)| normal == chosen) {
        dropped.replace_range(span.clone(), "");
    }
    Some(dropped.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The valid kind names, comma-separated, for error messages and help text.
pub fn valid_kinds() -> String {
    FaultKind::ALL.map(FaultKind::name).join(", ")
}

impl FromStr for FaultKind {
    type Err = ParseFaultError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseFaultError::UnknownKind {
                kind: s.to_owned(),
                valid: valid_kinds(),
            })
    }
}

/// A fault and how many chat requests it applies to, as given to `--fault KIND[:N]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// What goes wrong.
    pub kind: FaultKind,
    /// How many requests get it; `None` means every request, so later faults never come.
    pub times: Option<u32>,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.times {
            Some(times) => write!(f, "{}:{times}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

/// Why a `--fault` value does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseFaultError {
    /// The kind is not one of [`FaultKind::ALL`].
    #[error("unknown fault '{kind}' (valid faults: {valid})")]
    UnknownKind {
        /// The kind as given.
        kind: String,
        /// The valid kind names, comma-separated.
        valid: String,
    },
    /// The count after `:` is not a whole number of at least 1.
    #[error("fault count '{count}' is not a whole number of at least 1 (as in 429:2)")]
    BadCount {
        /// The count as given.
        count: String,
    },
}

impl FromStr for Fault {
    type Err = ParseFaultError;

    /// Parses `KIND` (every request) or `KIND:N` (the first N requests that reach this fault).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, times) = match s.split_once(':') {
            None => (s, None),
            Some((kind, count)) => match count.trim().parse::<u32>() {
                Ok(n) if n >= 1 => (kind, Some(n)),
                _ => {
                    return Err(ParseFaultError::BadCount {
                        count: count.to_owned(),
                    });
                }
            },
        };
        Ok(Fault {
            kind: kind.parse()?,
            times,
        })
    }
}

/// The faults still to come, shared by all requests of one server.
///
/// Each chat request takes the first fault with uses left; a fault with `times: None` is never
/// used up. When every fault is used up, requests get normal answers.
#[derive(Debug)]
pub struct FaultQueue {
    remaining: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    /// A queue that hands out `faults` in order.
    pub fn new(faults: &[Fault]) -> FaultQueue {
        FaultQueue {
            remaining: Mutex::new(faults.to_vec()),
        }
    }

    /// The fault for the next request of its kind, using it up once: a translation request
    /// (`brief` false) skips the brief-only faults, leaving them for brief requests, and a
    /// brief request skips the crafted translations; both skip the sentence-only ones.
    pub fn next_for(&self, brief: bool) -> Option<FaultKind> {
        self.next_where(|kind| {
            let takes = if brief {
                !kind.is_translation_only()
            } else {
                !kind.is_brief_only()
            };
            takes && !kind.is_sentence_only()
        })
    }

    /// The fault for the next sentence request (`--align sentence` to an LLM), using it up
    /// once: it skips the brief-only faults.
    pub fn next_for_sentences(&self) -> Option<FaultKind> {
        self.next_where(|kind| !kind.is_brief_only())
    }

    /// The first fault with uses left that `takes` accepts, used up once.
    fn next_where(&self, takes: impl Fn(FaultKind) -> bool) -> Option<FaultKind> {
        // A poisoned lock only means another handler panicked mid-update; counts are still valid.
        let mut remaining = self
            .remaining
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let fault = remaining
            .iter_mut()
            .find(|fault| fault.times.is_none_or(|n| n > 0) && takes(fault.kind))?;
        if let Some(n) = &mut fault.times {
            *n -= 1;
        }
        Some(fault.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::contract::TranslationReply;

    fn fault(s: &str) -> Fault {
        s.parse().expect("valid fault")
    }

    #[test]
    fn parses_every_kind_with_and_without_a_count() {
        for kind in FaultKind::ALL {
            assert_eq!(fault(kind.name()), Fault { kind, times: None });
            let counted = format!("{kind}:3");
            assert_eq!(fault(&counted).times, Some(3));
            assert_eq!(fault(&counted).to_string(), counted);
        }
        assert_eq!(fault("NOT-JSON").kind, FaultKind::NotJson);
    }

    #[test]
    fn unknown_kind_lists_the_valid_kinds() {
        let err = "teapot:2"
            .parse::<Fault>()
            .expect_err("unknown kind accepted");
        assert_eq!(
            err.to_string(),
            "unknown fault 'teapot' (valid faults: 429, 500, not-json, fenced, missing, \
             truncated, length, escape, 401, 403, 456, drop-number, untranslated, truncate-paragraph, brief-bad-ref, brief-wrong-language, brief-malformed, brief-empty, brief-number, endless-body, huge-body, escape-error, invisible, huge-word, \
             brief-field-names, brief-all-paragraphs, brief-duplicate, brief-one-word, \
             brief-entity-uncited, brief-unattributed, drop-sentence, merge-sentences, \
             sentence-order, ignore-glossary, name-drift)"
        );
    }

    #[test]
    fn rejects_a_count_that_is_not_positive() {
        for bad in ["429:", "429:0", "429:-1", "429:two", "429:1:2"] {
            let err = bad.parse::<Fault>().expect_err("bad count accepted");
            assert!(
                matches!(err, ParseFaultError::BadCount { .. }),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn queue_uses_faults_in_order_then_answers_normally() {
        let queue = FaultQueue::new(&[fault("429:1"), fault("missing:2")]);
        let got: Vec<_> = (0..5).map(|_| queue.next_for(false)).collect();
        use FaultKind::*;
        assert_eq!(
            got,
            [Some(RateLimit), Some(Missing), Some(Missing), None, None]
        );
    }

    #[test]
    fn only_sentence_requests_take_sentence_faults() {
        let queue = FaultQueue::new(&[
            fault("drop-sentence:1"),
            fault("missing:1"),
            fault("drop-number:1"),
        ]);
        assert_eq!(queue.next_for(false), Some(FaultKind::Missing));
        assert_eq!(queue.next_for(true), None, "a brief skips both");
        assert_eq!(queue.next_for_sentences(), Some(FaultKind::DropSentence));
        assert_eq!(
            queue.next_for_sentences(),
            Some(FaultKind::DropNumber),
            "a sentence request is a translation request"
        );
        assert_eq!(queue.next_for_sentences(), None);
    }

    #[test]
    fn translation_requests_skip_brief_faults_and_leave_them_for_briefs() {
        let queue = FaultQueue::new(&[fault("brief-bad-ref:1"), fault("429:1")]);
        assert_eq!(queue.next_for(false), Some(FaultKind::RateLimit));
        assert_eq!(queue.next_for(false), None);
        assert_eq!(queue.next_for(true), Some(FaultKind::BriefBadRef));
        assert_eq!(queue.next_for(true), None);
    }

    #[test]
    fn brief_requests_skip_the_glossary_and_name_faults_and_leave_them_for_translations() {
        let queue = FaultQueue::new(&[fault("ignore-glossary:1"), fault("name-drift:1")]);
        assert_eq!(queue.next_for(true), None);
        assert_eq!(queue.next_for(false), Some(FaultKind::IgnoreGlossary));
        assert_eq!(queue.next_for(false), Some(FaultKind::NameDrift));
        assert_eq!(queue.next_for(false), None);
    }

    fn crafted(kind: FaultKind, sources: &[&str], answers: &[&str]) -> Vec<String> {
        let mut owned: Vec<String> = answers.iter().map(|a| (*a).to_owned()).collect();
        let mut refs: Vec<&mut String> = owned.iter_mut().collect();
        craft(Some(kind), sources, &mut refs);
        owned
    }

    const SOURCES: [&str; 3] = [
        "Kurz: 2 Tage.",
        "Die Ukraine stimmte einer 30-tägigen Waffenruhe zu, die 1.000 Kilometer Front betrifft.",
        "Die genauen Inhalte des Treffens zwischen Putin und Witkoff wurden nicht veröffentlicht.",
    ];
    const ANSWERS: [&str; 3] = [
        "Short: 2 days.",
        "Ukraine agreed to a 30-day ceasefire covering 1,000 kilometres of front.",
        "The exact content of the meeting between Putin and Witkoff was not published.",
    ];

    #[test]
    fn drop_number_removes_the_first_shared_number_above_twelve() {
        let got = crafted(FaultKind::DropNumber, &SOURCES, &ANSWERS);
        assert_eq!(got[0], ANSWERS[0]);
        assert_eq!(
            got[1],
            "Ukraine agreed to a -day ceasefire covering 1,000 kilometres of front."
        );
        assert_eq!(got[2], ANSWERS[2]);
    }

    #[test]
    fn untranslated_and_truncate_pick_the_first_paragraph_long_enough_to_judge() {
        let got = crafted(FaultKind::Untranslated, &SOURCES, &ANSWERS);
        assert_eq!(got, [ANSWERS[0], SOURCES[1], ANSWERS[2]]);
        let got = crafted(FaultKind::TruncateParagraph, &SOURCES, &ANSWERS);
        assert_eq!(got, [ANSWERS[0], "Ukraine agreed to", ANSWERS[2]]);
        assert_eq!(crafted(FaultKind::Escape, &SOURCES, &ANSWERS), ANSWERS);
    }

    #[test]
    fn invisible_blanks_every_answer_and_huge_word_grows_the_first() {
        let got = crafted(FaultKind::Invisible, &SOURCES, &ANSWERS);
        assert!(got.iter().all(|answer| answer == INVISIBLE));
        assert!(!crate::ingest::has_visible_text(INVISIBLE));
        let got = crafted(FaultKind::HugeWord, &SOURCES, &ANSWERS);
        let (kept, word) = got[0].rsplit_once(' ').expect("a word appended");
        assert_eq!(kept, ANSWERS[0]);
        assert_eq!(word.len(), HUGE_WORD_LETTERS);
        assert_eq!(&got[1..], &ANSWERS[1..]);
        assert!(body_fault(Some(FaultKind::Invisible)).is_none());
        assert!(body_fault(Some(FaultKind::HugeBody)).is_some());
    }

    #[test]
    fn unlimited_fault_is_never_used_up() {
        let queue = FaultQueue::new(&[fault("500"), fault("429:1")]);
        for _ in 0..10 {
            assert_eq!(queue.next_for(false), Some(FaultKind::ServerError));
        }
        assert_eq!(FaultQueue::new(&[]).next_for(false), None);
    }

    /// Each fault kind over real HTTP: what a client sees for a two-paragraph request.
    mod over_http {
        use serde_json::Value;

        use super::*;
        use crate::mock::MockOptions;
        use crate::mock::testing::{TestServer, chat_body, content_of, payload, reply_of, started};

        async fn server_with(faults: &str) -> TestServer {
            let faults = faults.split(',').map(fault).collect();
            started(MockOptions {
                faults,
                ..MockOptions::default()
            })
            .await
        }

        async fn ask(server: &TestServer) -> (u16, reqwest::header::HeaderMap, String) {
            let body = chat_body(&payload("de", "en", &[(1, "Eins."), (2, "Zwei.")]));
            server.post_chat(&body).await
        }

        fn error_type(text: &str) -> Value {
            let error: Value = serde_json::from_str(text).expect("error is JSON");
            error["error"]["type"].clone()
        }

        #[tokio::test(flavor = "current_thread")]
        async fn rate_limit_once_then_normal() {
            let server = server_with("429:1").await;
            let (status, headers, text) = ask(&server).await;
            assert_eq!(status, 429);
            assert_eq!(headers["retry-after"], "1");
            assert_eq!(error_type(&text), "rate_limit_error");
            let (status, _, text) = ask(&server).await;
            assert_eq!(status, 200);
            assert_eq!(reply_of(&text).paragraphs.len(), 2);
        }

        #[tokio::test(flavor = "current_thread")]
        async fn server_error_is_500_with_an_error_body() {
            let server = server_with("500").await;
            for _ in 0..2 {
                let (status, _, text) = ask(&server).await;
                assert_eq!(status, 500);
                assert_eq!(error_type(&text), "server_error");
            }
        }

        #[tokio::test(flavor = "current_thread")]
        async fn not_json_answers_prose() {
            let server = server_with("not-json").await;
            let (status, _, text) = ask(&server).await;
            assert_eq!(status, 200);
            let content = content_of(&text);
            assert!(
                serde_json::from_str::<Value>(&content).is_err(),
                "{content}"
            );
            assert!(!content.contains('{'), "{content}");
        }

        #[tokio::test(flavor = "current_thread")]
        async fn fenced_wraps_the_correct_reply_in_prose_and_fences() {
            let server = server_with("fenced").await;
            let (_, _, text) = ask(&server).await;
            let content = content_of(&text);
            let (prose, rest) = content.split_once("```json\n").expect("opening fence");
            assert!(!prose.trim().is_empty());
            let json = rest.strip_suffix("\n```").expect("closing fence");
            let reply: TranslationReply = serde_json::from_str(json).expect("reply inside");
            assert_eq!(reply.paragraphs.len(), 2);
        }

        #[tokio::test(flavor = "current_thread")]
        async fn missing_omits_the_last_paragraph() {
            let server = server_with("missing").await;
            let (_, _, text) = ask(&server).await;
            let ids: Vec<u32> = reply_of(&text).paragraphs.iter().map(|p| p.id).collect();
            assert_eq!(ids, [1]);
        }

        #[tokio::test(flavor = "current_thread")]
        async fn truncated_cuts_the_body_mid_json() {
            let server = server_with("truncated").await;
            let (status, headers, text) = ask(&server).await;
            assert_eq!(status, 200);
            assert_eq!(headers["content-type"], "application/json");
            assert!(text.starts_with("{\""), "{text}");
            assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
        }

        #[tokio::test(flavor = "current_thread")]
        async fn escape_puts_terminal_controls_in_every_text() {
            let server = server_with("escape").await;
            let (_, _, text) = ask(&server).await;
            let reply = reply_of(&text);
            assert_eq!(reply.paragraphs.len(), 2);
            for paragraph in reply.paragraphs {
                assert!(
                    paragraph.text.contains("\u{1b}[31m"),
                    "{:?}",
                    paragraph.text
                );
                assert!(paragraph.text.contains('\u{7}'), "{:?}", paragraph.text);
            }
        }

        #[tokio::test(flavor = "current_thread")]
        async fn faults_come_in_order_and_only_chat_requests_use_them() {
            let server = server_with("429:1,missing:1").await;
            assert_eq!(server.get("/models").await.0, 200);
            assert_eq!(ask(&server).await.0, 429);
            let (_, _, text) = ask(&server).await;
            assert_eq!(reply_of(&text).paragraphs.len(), 1);
            let (_, _, text) = ask(&server).await;
            assert_eq!(reply_of(&text).paragraphs.len(), 2);
        }

        #[tokio::test(flavor = "current_thread")]
        async fn malformed_requests_use_up_no_fault() {
            let server = server_with("429:1").await;
            assert_eq!(server.post_raw("{").await.0, 400);
            assert_eq!(ask(&server).await.0, 429);
        }
    }
}
