//! Verify: the last gate before anything is printed. Every paragraph that was sent comes back
//! translated exactly once, non-empty, and nothing else comes back.
//!
//! Pure. The protocols already hold each reply to the contract; this checks the assembled
//! result of all chunks, so a bug in chunking, reassembly or a protocol can never print
//! paragraphs beside the wrong translation. The brief's checks are in [`brief`]; the per-paragraph
//! fidelity checks (numbers, quotations, leftovers, length) in [`fidelity`], on top of the
//! locale-aware [`numbers`]; sentence pairs (`--align sentence`) in [`sentences`].

pub mod brief;
pub mod consistency;
pub mod fidelity;
pub mod numbers;
pub mod sentences;

use std::collections::{BTreeMap, BTreeSet};

use crate::ingest::{Paragraph, ParagraphId};
use crate::provider::{Translated, list_ids};

/// The assembled translation does not match what was sent. Exits 6.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("the translation does not line up with the article: {}", self.describe())]
pub struct VerifyError {
    /// Sent but not translated.
    pub missing: Vec<ParagraphId>,
    /// Translated more than once.
    pub duplicated: Vec<ParagraphId>,
    /// Translated but never sent.
    pub unexpected: Vec<ParagraphId>,
    /// Translated as empty text.
    pub empty: Vec<ParagraphId>,
    /// Aligned by sentence, but the sentence pairs do not cover the paragraph's sentences.
    pub misaligned: Vec<ParagraphId>,
}

impl VerifyError {
    fn is_clean(&self) -> bool {
        self.missing.is_empty()
            && self.duplicated.is_empty()
            && self.unexpected.is_empty()
            && self.empty.is_empty()
            && self.misaligned.is_empty()
    }

    fn describe(&self) -> String {
        [
            ("missing", &self.missing),
            ("translated twice", &self.duplicated),
            ("never sent", &self.unexpected),
            ("empty", &self.empty),
            ("sentences misaligned", &self.misaligned),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(what, ids)| format!("{what}: {}", list_ids(ids)))
        .collect::<Vec<_>>()
        .join("; ")
    }
}

/// Puts chunk results in paragraph order as they arrive, and holds them to the contract
/// across chunks: every paragraph sent comes back exactly once and non-empty, and nothing else
/// comes back. A translation is released only once every paragraph before it has been, so a
/// consumer can show pairs while later chunks are still being translated without ever
/// breaking the order; [`InOrder::finish`] then says whether the whole result lines up.
#[derive(Debug)]
pub struct InOrder {
    /// The paragraphs sent, in article order.
    sent: Vec<ParagraphId>,
    /// How many of `sent` have been released.
    released: usize,
    /// Arrived, not yet released (a paragraph before them is still missing).
    waiting: BTreeMap<ParagraphId, Translated>,
    /// The paragraphs sent, when known, to hold sentence pairs to their sentences.
    paragraphs: BTreeMap<ParagraphId, Paragraph>,
    /// Every id that arrived with text, to notice duplicates.
    seen: BTreeSet<ParagraphId>,
    /// What broke the contract so far.
    error: VerifyError,
}

impl InOrder {
    /// Expects a translation for each of `sent`.
    pub fn new(sent: &[Paragraph]) -> InOrder {
        InOrder {
            paragraphs: sent.iter().map(|p| (p.id, p.clone())).collect(),
            ..InOrder::of_ids(sent.iter().map(|p| p.id).collect())
        }
    }

    /// Expects a translation for each of `sent`, by id.
    fn of_ids(sent: Vec<ParagraphId>) -> InOrder {
        InOrder {
            sent,
            released: 0,
            waiting: BTreeMap::new(),
            paragraphs: BTreeMap::new(),
            seen: BTreeSet::new(),
            error: VerifyError::default(),
        }
    }

    /// Takes one chunk's translations (any order, any chunk) and returns the translations that
    /// are now ready, in paragraph order.
    pub fn push(&mut self, translated: Vec<Translated>) -> Vec<Translated> {
        for t in translated {
            if !self.sent.contains(&t.id) {
                self.error.unexpected.push(t.id);
            } else if !crate::ingest::has_visible_text(&t.text) {
                self.error.empty.push(t.id);
            } else if !self.seen.insert(t.id) {
                self.error.duplicated.push(t.id);
            } else if !t.sentences.is_empty()
                && self
                    .paragraphs
                    .get(&t.id)
                    .is_some_and(|p| sentences::misalignment(p, &t.sentences).is_some())
            {
                self.error.misaligned.push(t.id);
            } else {
                self.waiting.insert(t.id, t);
            }
        }
        let mut ready = Vec::new();
        while let Some(&id) = self.sent.get(self.released) {
            let Some(translated) = self.waiting.remove(&id) else {
                break;
            };
            ready.push(translated);
            self.released += 1;
        }
        ready
    }

    /// After the last chunk: `Ok` when every paragraph sent was released exactly once.
    pub fn finish(mut self) -> Result<(), VerifyError> {
        self.error.missing = self.sent[self.released..]
            .iter()
            .copied()
            .filter(|id| {
                !self.waiting.contains_key(id)
                    && !self.error.empty.contains(id)
                    && !self.error.misaligned.contains(id)
            })
            .collect();
        // Arrived but stuck behind a missing paragraph: present, so not "missing" themselves.
        if self.error.is_clean() {
            Ok(())
        } else {
            Err(self.error)
        }
    }
}

/// Holds a finished result read back from disk (a cache entry, a file given to `diglot
/// check`) to the same contract as a live one: each of `expected` exactly once with visible
/// text, and nothing else.
pub fn whole<'a>(
    expected: Vec<ParagraphId>,
    got: impl IntoIterator<Item = (ParagraphId, &'a str)>,
) -> Result<(), VerifyError> {
    let mut order = InOrder::of_ids(expected);
    order.push(
        got.into_iter()
            .map(|(id, text)| Translated::new(id, text.to_owned()))
            .collect(),
    );
    order.finish()
}

/// A saved result's paragraphs may skip at most this many ids past their count: more is not
/// an article that lost paragraphs but a file with made-up ids (which are then unexpected).
const MAX_GAP: u32 = 10_000;

/// The ids a saved result with these paragraph `ids` (in any order) must have: ¶1 to the
/// largest, at least ¶1 (an article has a paragraph), at most [`MAX_GAP`] past their count.
pub fn expected_ids(ids: impl IntoIterator<Item = ParagraphId>) -> Vec<ParagraphId> {
    let (mut count, mut largest) = (0u32, 0u32);
    for id in ids {
        count = count.saturating_add(1);
        largest = largest.max(id.0);
    }
    let last = largest.min(count.saturating_add(MAX_GAP)).max(1);
    (1..=last).map(ParagraphId).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `translated` against the paragraphs `sent` and returns the translations keyed by id.
    fn alignment(
        sent: &[Paragraph],
        translated: Vec<Translated>,
    ) -> Result<BTreeMap<ParagraphId, String>, VerifyError> {
        let mut order = InOrder::new(sent);
        let ready = order.push(translated);
        order.finish()?;
        Ok(ready.into_iter().map(|t| (t.id, t.text)).collect())
    }

    fn sent(n: u32) -> Vec<Paragraph> {
        (1..=n)
            .map(|i| Paragraph {
                id: ParagraphId(i),
                text: format!("p{i}"),
            })
            .collect()
    }

    fn t(id: u32, text: &str) -> Translated {
        Translated::new(ParagraphId(id), text.into())
    }

    #[test]
    fn accepts_each_paragraph_once_in_any_order() {
        let map = alignment(&sent(2), vec![t(2, "b"), t(1, "a")]).expect("aligned");
        assert_eq!(
            map.into_iter().collect::<Vec<_>>(),
            vec![(ParagraphId(1), "a".into()), (ParagraphId(2), "b".into())]
        );
    }

    #[test]
    fn releases_translations_in_paragraph_order_as_chunks_arrive() {
        let mut order = InOrder::new(&sent(5));
        assert_eq!(order.push(vec![t(3, "c"), t(4, "d")]), []);
        let ready: Vec<u32> = order.push(vec![t(1, "a")]).iter().map(|t| t.id.0).collect();
        assert_eq!(ready, [1]);
        let ready: Vec<u32> = order
            .push(vec![t(5, "e"), t(2, "b")])
            .iter()
            .map(|t| t.id.0)
            .collect();
        assert_eq!(ready, [2, 3, 4, 5]);
        assert_eq!(order.finish(), Ok(()));
    }

    #[test]
    fn a_gap_holds_back_what_follows_and_fails_at_the_end() {
        let mut order = InOrder::new(&sent(3));
        assert_eq!(order.push(vec![t(1, "a"), t(3, "c")]).len(), 1);
        let err = order.finish().expect_err("¶2 never came");
        assert_eq!(err.missing, vec![ParagraphId(2)]);
    }

    #[test]
    fn a_saved_result_is_held_to_the_same_contract() {
        let ids = |ns: &[u32]| ns.iter().map(|&n| ParagraphId(n)).collect::<Vec<_>>();
        let check = |ns: &[u32]| {
            let texts: Vec<(ParagraphId, &str)> = ids(ns).into_iter().map(|id| (id, "x")).collect();
            whole(expected_ids(texts.iter().map(|(id, _)| *id)), texts)
        };
        assert_eq!(check(&[1, 2, 3]), Ok(()));
        assert_eq!(check(&[1, 3]).map_err(|e| e.missing), Err(ids(&[2])));
        assert_eq!(check(&[1, 1]).map_err(|e| e.duplicated), Err(ids(&[1])));
        assert_eq!(
            check(&[1, 2, 7]).map_err(|e| e.missing),
            Err(ids(&[3, 4, 5, 6]))
        );
        assert_eq!(check(&[]).map_err(|e| e.missing), Err(ids(&[1])));
        let absurd = check(&[1, u32::MAX]).expect_err("made-up id");
        assert_eq!(absurd.unexpected, ids(&[u32::MAX]));
        assert_eq!(expected_ids(ids(&[1, u32::MAX])).len(), 10_002);
        let invisible = whole(ids(&[1]), [(ParagraphId(1), "\u{200b}\u{2060}")]);
        assert_eq!(invisible.map_err(|e| e.empty), Err(ids(&[1])));
    }

    #[test]
    fn sentence_pairs_that_miss_a_sentence_are_held_back_as_misaligned() {
        use crate::ingest::sentence::{SentenceId, SentencePair};
        let sent = vec![Paragraph {
            id: ParagraphId(1),
            text: "Eins. Zwei.".into(),
        }];
        let pair = |index, source: &str| SentencePair {
            ids: vec![SentenceId {
                paragraph: ParagraphId(1),
                index,
            }],
            source: source.into(),
            target: "One.".into(),
        };
        let mut order = InOrder::new(&sent);
        let mut short = t(1, "One.");
        short.sentences = vec![pair(1, "Eins.")];
        assert_eq!(order.push(vec![short.clone()]), []);
        let err = order.finish().expect_err("¶1.2 was lost");
        assert_eq!(
            (err.misaligned, err.missing),
            (vec![ParagraphId(1)], vec![])
        );
        let mut whole = short;
        whole.sentences.push(pair(2, "Zwei."));
        let mut order = InOrder::new(&sent);
        assert_eq!(order.push(vec![whole.clone()]), [whole]);
        assert_eq!(order.finish(), Ok(()));
    }

    #[test]
    fn reports_missing_duplicated_unexpected_and_empty() {
        let err =
            alignment(&sent(4), vec![t(1, "a"), t(1, "a"), t(3, " "), t(7, "x")]).expect_err("bad");
        assert_eq!(err.missing, vec![ParagraphId(2), ParagraphId(4)]);
        assert_eq!(err.duplicated, vec![ParagraphId(1)]);
        assert_eq!(err.unexpected, vec![ParagraphId(7)]);
        assert_eq!(err.empty, vec![ParagraphId(3)]);
        assert_eq!(
            err.to_string(),
            "the translation does not line up with the article: missing: ¶2, ¶4; translated twice: ¶1; never sent: ¶7; empty: ¶3"
        );
    }
}
