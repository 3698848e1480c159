//! Plan: paragraphs → chunks of whole paragraphs within a provider's size budget, balanced
//! across the requests sent at once.
//!
//! Pure: no I/O. A chunk never splits a paragraph, and chunks keep article order, so the
//! pipeline can reassemble results by id. A single paragraph larger than the budget becomes a
//! chunk of its own; the pipeline sends it as sentence parts
//! ([`crate::ingest::sentence::sentences`], [`group_parts`]) and joins their translations into
//! one paragraph again.
//!
//! Balance: with `jobs` requests in flight, a run takes about `rounds × (latency + chunk size
//! / generation rate)`. A few large chunks leave workers idle, so when the article has at least
//! [`MIN_PARALLEL_CHUNK_CHARS`] per job the plan makes at least `jobs` chunks, rounds the count
//! up to a multiple of `jobs` (every round full) and cuts the article into chunks of similar
//! size.
//!
//! A fast first pair ([`plan_with_opening`], issue 15): an article's opening paragraph goes out
//! in a chunk of its own, so it comes back after about one paragraph's generation time rather
//! than one chunk's and can be shown while the rest is translated; the rest is planned as
//! above, balanced across `jobs`.

use crate::guide::Guide;
use crate::ingest::sentence::Align;
use crate::ingest::{Paragraph, ParagraphId};
use crate::language::LanguageCode;

/// Paragraphs per request at most for LLMs, whatever their size: models lose track of long id
/// lists.
pub const MAX_PARAGRAPHS_PER_CHUNK: usize = 24;

/// Below this many characters per chunk, splitting an article for parallel requests costs
/// more in repeated prompts than it saves in time.
pub const MIN_PARALLEL_CHUNK_CHARS: usize = 2000;

/// How much one request may carry; it comes from the protocol's capabilities and the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Characters of source text.
    pub max_chars: usize,
    /// Estimated tokens of source text ([`estimate_tokens`]),
    /// for LLMs.
    pub max_tokens: Option<usize>,
    /// Paragraphs (at least 1 is always sent).
    pub max_paragraphs: usize,
    /// Bytes of the paragraphs as JSON strings, each plus one for its separator, when the
    /// API limits the body size.
    pub max_text_bytes: Option<usize>,
}

impl Budget {
    /// Whether `text` alone fits in one request.
    pub fn fits(&self, text: &str) -> bool {
        Size::of(text, self).within(self)
    }
}

#[cfg(test)]
impl Budget {
    /// An LLM budget: `max_chars` characters and [`MAX_PARAGRAPHS_PER_CHUNK`] paragraphs.
    pub fn chars(max_chars: usize) -> Budget {
        Budget {
            max_chars,
            max_tokens: None,
            max_paragraphs: MAX_PARAGRAPHS_PER_CHUNK,
            max_text_bytes: None,
        }
    }
}

/// The size of some text in every unit a budget may count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Size {
    chars: usize,
    tokens: usize,
    bytes: usize,
}

impl Size {
    fn of(text: &str, budget: &Budget) -> Size {
        Size {
            chars: text.chars().count(),
            tokens: budget.max_tokens.map_or(0, |_| estimate_tokens(text)),
            bytes: budget.max_text_bytes.map_or(0, |_| json_text_bytes(text)),
        }
    }

    fn plus(self, other: Size) -> Size {
        Size {
            chars: self.chars + other.chars,
            tokens: self.tokens + other.tokens,
            bytes: self.bytes + other.bytes,
        }
    }

    fn within(self, budget: &Budget) -> bool {
        self.chars <= budget.max_chars
            && budget.max_tokens.is_none_or(|max| self.tokens <= max)
            && budget.max_text_bytes.is_none_or(|max| self.bytes <= max)
    }
}

/// The bytes `text` takes as a JSON string in an array, separator included.
pub fn json_text_bytes(text: &str) -> usize {
    // A string always serializes; the fallback only keeps this total.
    serde_json::to_string(text).map_or(text.len() * 6 + 2, |s| s.len()) + 1
}

/// Tokens a text is estimated to take, for budgets and rate limits: one per CJK character
/// (Han, kana, Hangul), plus one per three other characters. Three is what German and other
/// Latin-script news text takes in current BPE vocabularies (English does better, about four),
/// so the estimate errs on the side of more tokens.
pub fn estimate_tokens(text: &str) -> usize {
    let (cjk, other) = script_counts(text);
    cjk + other.div_ceil(3)
}

/// Characters of `text` in CJK scripts, and the others.
fn script_counts(text: &str) -> (usize, usize) {
    let cjk = text.chars().filter(|&c| is_cjk(c)).count();
    (cjk, text.chars().count() - cjk)
}

/// Characters per token that [`expected_tokens`] counts outside CJK scripts: the rule of thumb
/// OpenAI documents for English, which the mock API reports too. Measured with Qwen2.5's
/// tokenizer on the fixture articles: English 4.3, German 3.2 to 4.1, French 3.5 characters a
/// token (BENCHMARKS.md), so for German the count runs up to a fifth low.
pub const CHARS_PER_TOKEN: usize = 4;

/// Tokens a text is expected to take, for the cost of a run (`--dry-run`): one per CJK
/// character, one per [`CHARS_PER_TOKEN`] other characters. A middle estimate, where
/// [`estimate_tokens`] errs high to keep requests within budgets.
pub fn expected_tokens(text: &str) -> usize {
    let (cjk, other) = script_counts(text);
    cjk + other.div_ceil(CHARS_PER_TOKEN)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B–F
}

/// One request's worth of paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Language of the paragraphs.
    pub source_language: LanguageCode,
    /// Language to translate into.
    pub target_language: LanguageCode,
    /// Whole paragraphs in article order; never empty.
    pub paragraphs: Vec<Paragraph>,
    /// Whether the reply is aligned by paragraph or, below it, by sentence (`--align`).
    pub align: Align,
    /// The glossary entries and context the request carries ([`crate::guide`]); empty from
    /// [`plan`], given by the article's [`crate::guide::Article`].
    pub guide: Guide,
}

impl Chunk {
    /// The ids in this chunk, in order.
    pub fn ids(&self) -> Vec<ParagraphId> {
        self.paragraphs.iter().map(|p| p.id).collect()
    }

    /// Splits into two halves for a retry with smaller requests; `None` for one paragraph.
    pub fn halves(&self) -> Option<(Chunk, Chunk)> {
        if self.paragraphs.len() < 2 {
            return None;
        }
        let mid = self.paragraphs.len() / 2;
        let part = |paragraphs: &[Paragraph], guide: Guide| Chunk {
            source_language: self.source_language,
            target_language: self.target_language,
            guide: guide.narrowed_to(paragraphs.iter().map(|p| p.text.as_str())),
            paragraphs: paragraphs.to_vec(),
            align: self.align,
        };
        let (left, right) = self.paragraphs.split_at(mid);
        // The right half's context is the left half's last paragraph.
        let mut right_guide = self.guide.clone();
        if !self.guide.context.is_empty()
            && let Some(last) = left.last()
        {
            right_guide.context.before = Some(crate::guide::tail_of(
                &last.text,
                crate::guide::BEFORE_CHARS,
            ));
        }
        Some((part(left, self.guide.clone()), part(right, right_guide)))
    }
}

/// Packs paragraphs, in order, into chunks within `budget` (characters, estimated tokens,
/// paragraph count and, when limited, JSON bytes), balanced for `jobs` requests at once (see
/// the module docs). The chunks are aligned by paragraph; the pipeline sets its own alignment.
pub fn plan(
    paragraphs: &[Paragraph],
    source_language: LanguageCode,
    target_language: LanguageCode,
    budget: &Budget,
    jobs: u32,
) -> Vec<Chunk> {
    let sizes: Vec<Size> = paragraphs
        .iter()
        .map(|p| Size::of(&p.text, budget))
        .collect();
    let greedy = pack(&sizes, budget, None).len();
    let total: usize = sizes.iter().map(|s| s.chars).sum();
    let jobs = jobs.max(1) as usize;
    let parallel = jobs.min(total / MIN_PARALLEL_CHUNK_CHARS);
    let mut wanted = greedy.max(parallel);
    if wanted > jobs {
        wanted = wanted.div_ceil(jobs) * jobs;
    }
    let wanted = wanted.min(paragraphs.len());
    let groups = if wanted > greedy {
        pack(&sizes, budget, Some((total, wanted)))
    } else {
        pack(&sizes, budget, None)
    };
    groups
        .into_iter()
        .map(|range| Chunk {
            source_language,
            target_language,
            paragraphs: paragraphs[range].to_vec(),
            align: Align::Paragraph,
            guide: Guide::default(),
        })
        .collect()
}

/// [`plan`] for an article read as it arrives: the opening paragraph in a chunk of its own,
/// then the rest balanced across `jobs` as [`plan`] does. The same as [`plan`] when that puts
/// the opening paragraph alone already (one paragraph, or one a chunk).
pub fn plan_with_opening(
    paragraphs: &[Paragraph],
    source_language: LanguageCode,
    target_language: LanguageCode,
    budget: &Budget,
    jobs: u32,
) -> Vec<Chunk> {
    let whole = plan(paragraphs, source_language, target_language, budget, jobs);
    if whole.first().is_none_or(|first| first.paragraphs.len() < 2) {
        return whole;
    }
    let (opening, rest) = paragraphs.split_at(1);
    let mut chunks = vec![Chunk {
        source_language,
        target_language,
        paragraphs: opening.to_vec(),
        align: Align::Paragraph,
        guide: Guide::default(),
    }];
    chunks.extend(plan(rest, source_language, target_language, budget, jobs));
    chunks
}

/// Index ranges of the chunks: greedy within `budget`, or, with `balance = (total chars,
/// chunks)`, also cut where the running total passes the next equal share (a paragraph goes
/// to the chunk holding most of it).
fn pack(
    sizes: &[Size],
    budget: &Budget,
    balance: Option<(usize, usize)>,
) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut current, mut before) = (0, Size::default(), 0usize);
    for (i, size) in sizes.iter().enumerate() {
        let full = i - start >= budget.max_paragraphs.max(1) || !current.plus(*size).within(budget);
        let share_done = balance.is_some_and(|(total, chunks)| {
            let done = ranges.len() + 1;
            done < chunks && (before + size.chars / 2) * chunks > total * done
        });
        if (full || share_done) && i > start {
            ranges.push(start..i);
            (start, current) = (i, Size::default());
        }
        current = current.plus(*size);
        before += size.chars;
    }
    if start < sizes.len() {
        ranges.push(start..sizes.len());
    }
    ranges
}

/// Groups sentences ([`crate::ingest::sentence::sentences`], each with its trailing
/// whitespace), in order, into parts that each fit `budget` (a sentence larger than the budget
/// is a part of its own). The parts are trimmed; concatenated with the whitespace between them
/// they give the paragraph back.
pub fn group_parts(sentences: &[&str], budget: &Budget) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for sentence in sentences {
        let joined = format!("{current}{sentence}");
        if current.trim().is_empty() || budget.fits(joined.trim()) {
            current = joined;
        } else {
            parts.push(current.trim().to_owned());
            current = (*sentence).to_owned();
        }
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

/// A German→English chunk of `n` short paragraphs ¶1..¶n, for protocol unit tests.
#[cfg(test)]
pub(crate) fn sample_chunk(n: u32) -> Chunk {
    Chunk {
        source_language: LanguageCode::DE,
        target_language: LanguageCode::EN,
        paragraphs: (1..=n)
            .map(|i| Paragraph {
                id: ParagraphId(i),
                text: format!("Absatz {i}."),
            })
            .collect(),
        align: Align::Paragraph,
        guide: Guide::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(lengths: &[usize]) -> Vec<Paragraph> {
        lengths
            .iter()
            .zip(1..)
            .map(|(&len, id)| Paragraph {
                id: ParagraphId(id),
                text: "a".repeat(len),
            })
            .collect()
    }

    fn shape(chunks: &[Chunk]) -> Vec<Vec<u32>> {
        chunks
            .iter()
            .map(|c| c.ids().iter().map(|id| id.0).collect())
            .collect()
    }

    #[test]
    fn token_estimates_count_cjk_per_character_and_latin_per_three() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcdef"), 2);
        assert_eq!(estimate_tokens("abcdefg"), 3);
        assert_eq!(estimate_tokens("東京都"), 3);
        assert_eq!(estimate_tokens("東京 abc"), 2 + 2);
    }

    #[test]
    fn packs_whole_paragraphs_within_the_budget_in_order() {
        let chunks = plan(
            &paragraphs(&[40, 40, 40, 90, 10]),
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
            1,
        );
        assert_eq!(shape(&chunks), vec![vec![1, 2], vec![3], vec![4, 5]]);
    }

    #[test]
    fn an_oversized_paragraph_gets_a_chunk_of_its_own() {
        let chunks = plan(
            &paragraphs(&[10, 500, 10]),
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
            1,
        );
        assert_eq!(shape(&chunks), vec![vec![1], vec![2], vec![3]]);
    }

    #[test]
    fn caps_the_number_of_paragraphs_per_chunk() {
        let many = paragraphs(&[1; 30]);
        let chunks = plan(
            &many,
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(10_000),
            1,
        );
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].paragraphs.len(), MAX_PARAGRAPHS_PER_CHUNK);
    }

    #[test]
    fn no_paragraphs_make_no_chunks() {
        assert!(
            plan(
                &[],
                LanguageCode::DE,
                LanguageCode::EN,
                &Budget::chars(100),
                1
            )
            .is_empty()
        );
    }

    #[test]
    fn halves_keep_their_own_terms_and_the_right_half_reads_the_left_half_s_end() {
        use crate::glossary::Term;
        let texts = ["Kiew schwieg.", "Moskau antwortete.", "Kiew blieb dabei."];
        let paragraphs: Vec<Paragraph> = texts
            .iter()
            .zip(1..)
            .map(|(text, id)| Paragraph {
                id: ParagraphId(id),
                text: (*text).to_owned(),
            })
            .collect();
        let mut chunk = plan(
            &paragraphs,
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
            1,
        )
        .remove(0);
        chunk.guide = Guide {
            terms: vec![Term::new("Kiew", "Kyiv"), Term::new("Moskau", "Moscow")],
            context: crate::guide::Context {
                headline: Some("Streit.".into()),
                before: Some("Davor.".into()),
            },
            ..Guide::default()
        };
        let (left, right) = chunk.halves().expect("splits");
        assert_eq!(left.guide.terms, [Term::new("Kiew", "Kyiv")]);
        assert_eq!(left.guide.context.before.as_deref(), Some("Davor."));
        assert_eq!(right.guide.terms, chunk.guide.terms);
        assert_eq!(right.guide.context.before.as_deref(), Some("Kiew schwieg."));
        assert_eq!(right.guide.context.headline.as_deref(), Some("Streit."));
    }

    #[test]
    fn halves_split_in_the_middle_and_single_paragraphs_do_not_split() {
        let chunk = &plan(
            &paragraphs(&[1, 1, 1]),
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
            1,
        )[0];
        let (a, b) = chunk.halves().expect("splits");
        assert_eq!(
            (shape(&[a]), shape(&[b])),
            (vec![vec![1]], vec![vec![2, 3]])
        );
        let single = &plan(
            &paragraphs(&[1]),
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
            1,
        )[0];
        assert!(single.halves().is_none());
    }

    #[test]
    fn respects_a_protocol_paragraph_cap_and_a_byte_limit() {
        let budget = Budget {
            max_chars: usize::MAX,
            max_tokens: None,
            max_paragraphs: 50,
            max_text_bytes: None,
        };
        let chunks = plan(
            &paragraphs(&[1; 120]),
            LanguageCode::DE,
            LanguageCode::EN,
            &budget,
            1,
        );
        assert_eq!(
            chunks
                .iter()
                .map(|c| c.paragraphs.len())
                .collect::<Vec<_>>(),
            [50, 50, 20]
        );
        // Each 10-letter paragraph is 13 bytes as `"aaaaaaaaaa",`: three fit in 40 bytes.
        let budget = Budget {
            max_text_bytes: Some(40),
            ..budget
        };
        let chunks = plan(
            &paragraphs(&[10; 7]),
            LanguageCode::DE,
            LanguageCode::EN,
            &budget,
            1,
        );
        assert_eq!(shape(&chunks), vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
    }

    #[test]
    fn json_bytes_count_escapes_and_utf8() {
        assert_eq!(json_text_bytes("ab"), 5);
        assert_eq!(json_text_bytes("\"ä"), 7);
    }

    #[test]
    fn a_big_article_is_cut_into_a_multiple_of_jobs_of_similar_size() {
        // 40 paragraphs of 300 characters: 12,000 characters, 3 chunks greedily at 5,000.
        let many = paragraphs(&[300; 40]);
        let budget = Budget::chars(5000);
        let one = plan(&many, LanguageCode::DE, LanguageCode::EN, &budget, 1);
        assert_eq!(one.len(), 3);
        let four = plan(&many, LanguageCode::DE, LanguageCode::EN, &budget, 4);
        assert_eq!(
            four.iter().map(|c| c.paragraphs.len()).collect::<Vec<_>>(),
            [10; 4]
        );
        let flat: Vec<u32> = four.iter().flat_map(|c| c.ids()).map(|id| id.0).collect();
        assert_eq!(flat, (1..=40).collect::<Vec<_>>());
        // 8 jobs: only 6 chunks keep 2,000 characters each; they go out in one round.
        let eight = plan(&many, LanguageCode::DE, LanguageCode::EN, &budget, 8);
        assert_eq!(eight.len(), 6);
        // 2 jobs: 3 chunks greedily, rounded up to 4 so both rounds are full.
        assert_eq!(
            plan(&many, LanguageCode::DE, LanguageCode::EN, &budget, 2).len(),
            4
        );
        // A short article stays one request whatever the jobs.
        let short = paragraphs(&[300; 5]);
        assert_eq!(
            plan(&short, LanguageCode::DE, LanguageCode::EN, &budget, 8).len(),
            1
        );
    }

    #[test]
    fn the_opening_paragraph_goes_alone_and_the_rest_stays_balanced() {
        let plan_of = |lengths: &[usize], budget: &Budget, jobs| {
            plan_with_opening(
                &paragraphs(lengths),
                LanguageCode::DE,
                LanguageCode::EN,
                budget,
                jobs,
            )
        };
        // The 40-paragraph article of the test above: ¶1 alone, then ¶2..¶40 in 4 chunks of
        // similar size for 4 jobs, as the plan cuts them without an opening.
        let many = plan_of(&[300; 40], &Budget::chars(5000), 4);
        let sizes: Vec<usize> = many.iter().map(|c| c.paragraphs.len()).collect();
        assert_eq!(sizes.len(), 5, "{sizes:?}");
        assert!(
            sizes[0] == 1 && sizes[1..].iter().all(|n| (9..=10).contains(n)),
            "{sizes:?}"
        );
        let flat: Vec<u32> = many.iter().flat_map(|c| c.ids()).map(|id| id.0).collect();
        assert_eq!(flat, (1..=40).collect::<Vec<_>>());
        // 8 jobs: after the opening, the rest as the plan cuts it for 8 jobs.
        let eight = plan_of(&[300; 40], &Budget::chars(5000), 8);
        let all = paragraphs(&[300; 40]);
        let rest = plan(
            &all[1..],
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(5000),
            8,
        );
        assert_eq!(shape(&eight[..1]), vec![vec![1]]);
        assert_eq!(shape(&eight[1..]), shape(&rest));
        // A short article: the opening and the rest.
        let short = plan_of(&[300; 5], &Budget::chars(5000), 8);
        assert_eq!(shape(&short), vec![vec![1], vec![2, 3, 4, 5]]);
        // Nothing to gain: one paragraph, or one a chunk already.
        assert_eq!(
            shape(&plan_of(&[300], &Budget::chars(5000), 4)),
            vec![vec![1]]
        );
        let one_each = plan_of(&[80, 80, 80], &Budget::chars(100), 1);
        assert_eq!(shape(&one_each), vec![vec![1], vec![2], vec![3]]);
    }

    #[test]
    fn an_estimated_token_budget_limits_chunks_too() {
        let budget = Budget {
            max_tokens: Some(100),
            ..Budget::chars(10_000)
        };
        // 150 letters are 50 estimated tokens: two paragraphs a chunk.
        let chunks = plan(
            &paragraphs(&[150; 5]),
            LanguageCode::DE,
            LanguageCode::EN,
            &budget,
            1,
        );
        assert_eq!(shape(&chunks), vec![vec![1, 2], vec![3, 4], vec![5]]);
        assert!(budget.fits(&"a".repeat(300)) && !budget.fits(&"a".repeat(301)));
    }

    #[test]
    fn parts_group_sentences_within_the_budget_and_join_back() {
        let sentences = ["Eins eins. ", "Zwei zwei. ", "Drei drei. ", "Vier."];
        let parts = group_parts(&sentences, &Budget::chars(22));
        assert_eq!(parts, ["Eins eins. Zwei zwei.", "Drei drei. Vier."]);
        assert_eq!(parts.join(" "), sentences.concat());
        let chinese = ["第一句。", "第二句。", "第三句。"];
        assert_eq!(
            group_parts(&chinese, &Budget::chars(8)),
            ["第一句。第二句。", "第三句。"]
        );
    }
}
