//! Verify: the last gate before anything is printed. Every paragraph that was sent comes back
//! translated exactly once, non-empty, and nothing else comes back.
//!
//! Pure. The protocols already hold each reply to the contract; this checks the assembled
//! result of all chunks, so a bug in chunking, reassembly or a protocol can never print
//! paragraphs beside the wrong translation. The brief's checks are in [`brief`]; the per-paragraph
//! fidelity checks (numbers, quotations, leftovers, length) in [`fidelity`], on top of the
//! locale-aware [`numbers`].

pub mod brief;
pub mod fidelity;
pub mod numbers;

use std::collections::BTreeMap;

use crate::ingest::{Paragraph, ParagraphId};
use crate::provider::{Translated, list_ids};

/// The assembled translation does not match what was sent. Exits 6.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
}

impl VerifyError {
    fn describe(&self) -> String {
        [
            ("missing", &self.missing),
            ("translated twice", &self.duplicated),
            ("never sent", &self.unexpected),
            ("empty", &self.empty),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(what, ids)| format!("{what}: {}", list_ids(ids)))
        .collect::<Vec<_>>()
        .join("; ")
    }
}

/// Checks `translated` against the paragraphs `sent` and returns the translations keyed by id.
pub fn alignment(
    sent: &[Paragraph],
    translated: Vec<Translated>,
) -> Result<BTreeMap<ParagraphId, String>, VerifyError> {
    let mut error = VerifyError {
        missing: vec![],
        duplicated: vec![],
        unexpected: vec![],
        empty: vec![],
    };
    let mut by_id = BTreeMap::new();
    for t in translated {
        if !sent.iter().any(|p| p.id == t.id) {
            error.unexpected.push(t.id);
        } else if t.text.trim().is_empty() {
            error.empty.push(t.id);
        } else if by_id.insert(t.id, t.text).is_some() {
            error.duplicated.push(t.id);
        }
    }
    error.missing = sent
        .iter()
        .map(|p| p.id)
        .filter(|id| !by_id.contains_key(id) && !error.empty.contains(id))
        .collect();
    if error.missing.is_empty()
        && error.duplicated.is_empty()
        && error.unexpected.is_empty()
        && error.empty.is_empty()
    {
        Ok(by_id)
    } else {
        Err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(n: u32) -> Vec<Paragraph> {
        (1..=n)
            .map(|i| Paragraph {
                id: ParagraphId(i),
                text: format!("p{i}"),
            })
            .collect()
    }

    fn t(id: u32, text: &str) -> Translated {
        Translated {
            id: ParagraphId(id),
            text: text.into(),
        }
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
