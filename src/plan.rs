//! Plan: paragraphs → chunks of whole paragraphs within a provider's size budget.
//!
//! Pure: no I/O. A chunk never splits a paragraph, and chunks keep article order, so the
//! pipeline can reassemble results by id. A single paragraph larger than the budget becomes a
//! chunk of its own (it is sent whole rather than cut mid-sentence).

use crate::ingest::{Paragraph, ParagraphId};
use crate::language::LanguageCode;

/// Paragraphs per request at most for LLMs, whatever their size: models lose track of long id
/// lists.
pub const MAX_PARAGRAPHS_PER_CHUNK: usize = 24;

/// How much one request may carry; it comes from the protocol's capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Characters of source text.
    pub max_chars: usize,
    /// Paragraphs (at least 1 is always sent).
    pub max_paragraphs: usize,
    /// Bytes of the paragraphs as JSON strings, each plus one for its separator, when the
    /// API limits the body size.
    pub max_text_bytes: Option<usize>,
}

impl Budget {
    /// An LLM budget: `max_chars` characters and [`MAX_PARAGRAPHS_PER_CHUNK`] paragraphs.
    pub fn chars(max_chars: usize) -> Budget {
        Budget {
            max_chars,
            max_paragraphs: MAX_PARAGRAPHS_PER_CHUNK,
            max_text_bytes: None,
        }
    }
}

/// The bytes `text` takes as a JSON string in an array, separator included.
pub fn json_text_bytes(text: &str) -> usize {
    // A string always serializes; the fallback only keeps this total.
    serde_json::to_string(text).map_or(text.len() * 6 + 2, |s| s.len()) + 1
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
        let part = |paragraphs: &[Paragraph]| Chunk {
            source_language: self.source_language,
            target_language: self.target_language,
            paragraphs: paragraphs.to_vec(),
        };
        Some((part(&self.paragraphs[..mid]), part(&self.paragraphs[mid..])))
    }
}

/// Packs paragraphs greedily, in order, into chunks within `budget`: characters, paragraph
/// count and, when limited, JSON bytes.
pub fn plan(
    paragraphs: &[Paragraph],
    source_language: LanguageCode,
    target_language: LanguageCode,
    budget: &Budget,
) -> Vec<Chunk> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut current: Vec<Paragraph> = Vec::new();
    let (mut size, mut bytes) = (0, 0);
    for paragraph in paragraphs {
        let len = paragraph.text.chars().count();
        let json_len = budget
            .max_text_bytes
            .map_or(0, |_| json_text_bytes(&paragraph.text));
        let full = current.len() >= budget.max_paragraphs.max(1)
            || size + len > budget.max_chars
            || budget
                .max_text_bytes
                .is_some_and(|max| bytes + json_len > max);
        if full && !current.is_empty() {
            chunks.push(Chunk {
                source_language,
                target_language,
                paragraphs: std::mem::take(&mut current),
            });
            (size, bytes) = (0, 0);
        }
        size += len;
        bytes += json_len;
        current.push(paragraph.clone());
    }
    if !current.is_empty() {
        chunks.push(Chunk {
            source_language,
            target_language,
            paragraphs: current,
        });
    }
    chunks
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
    fn packs_whole_paragraphs_within_the_budget_in_order() {
        let chunks = plan(
            &paragraphs(&[40, 40, 40, 90, 10]),
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
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
        );
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].paragraphs.len(), MAX_PARAGRAPHS_PER_CHUNK);
    }

    #[test]
    fn no_paragraphs_make_no_chunks() {
        assert!(plan(&[], LanguageCode::DE, LanguageCode::EN, &Budget::chars(100)).is_empty());
    }

    #[test]
    fn halves_split_in_the_middle_and_single_paragraphs_do_not_split() {
        let chunk = &plan(
            &paragraphs(&[1, 1, 1]),
            LanguageCode::DE,
            LanguageCode::EN,
            &Budget::chars(100),
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
        )[0];
        assert!(single.halves().is_none());
    }

    #[test]
    fn respects_a_protocol_paragraph_cap_and_a_byte_limit() {
        let budget = Budget {
            max_chars: usize::MAX,
            max_paragraphs: 50,
            max_text_bytes: None,
        };
        let chunks = plan(
            &paragraphs(&[1; 120]),
            LanguageCode::DE,
            LanguageCode::EN,
            &budget,
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
        );
        assert_eq!(shape(&chunks), vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
    }

    #[test]
    fn json_bytes_count_escapes_and_utf8() {
        assert_eq!(json_text_bytes("ab"), 5);
        assert_eq!(json_text_bytes("\"ä"), 7);
    }
}
