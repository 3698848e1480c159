//! Answers a provider's batch engine already gave (`--batch-api`, `--import-batch`), waiting
//! for the pipeline: the first request of a planned chunk, or of a brief, is answered from
//! here instead of the network, and everything after it (the contract, the repair of a broken
//! reply, halving, the fidelity checks, the cache) is what a synchronous run does.
//!
//! Answers are filed under what was asked (languages, ids and texts of a chunk; languages,
//! points and paragraphs of a brief), never under who asked, so any article's pipeline finds
//! its own; each answer is taken once (a repair of the same paragraphs goes to the network).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::brief::BriefInput;
use crate::cache::Key;
use crate::ingest::sentence::Align;
use crate::plan::Chunk;
use crate::provider::WireReply;

/// Answers by what was asked; two articles asking the same thing may each have one.
#[derive(Debug, Default)]
pub struct Answers {
    book: Mutex<HashMap<Key, Vec<WireReply>>>,
}

/// The key of a translation request for `chunk` (an answer aligned by sentence is filed
/// apart: it is read by the sentence contract).
pub fn chunk_key(chunk: &Chunk) -> Key {
    let paragraphs: Vec<(u32, &str)> = chunk
        .paragraphs
        .iter()
        .map(|p| (p.id.0, p.text.as_str()))
        .collect();
    Key::of(
        match chunk.align {
            Align::Paragraph => "batch-answer",
            Align::Sentence => "batch-answer-sentence",
        },
        &(
            chunk.source_language.as_str(),
            chunk.target_language.as_str(),
            paragraphs,
        ),
    )
}

/// The key of a brief request for `input`.
pub fn brief_key(input: &BriefInput) -> Key {
    let paragraphs: Vec<(u32, &str)> = input
        .paragraphs
        .iter()
        .map(|p| (p.id.0, p.text.as_str()))
        .collect();
    Key::of(
        "batch-answer-brief",
        &(
            input.source_language.as_str(),
            input.target_language.as_str(),
            input.points,
            paragraphs,
        ),
    )
}

impl Answers {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Vec<WireReply>>> {
        // Each change is one insert or remove: a poisoned lock holds nothing half-done.
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Files `reply` as the answer to the request keyed `key`.
    pub fn insert(&self, key: Key, reply: WireReply) {
        self.lock().entry(key).or_default().push(reply);
    }

    /// Takes the answer to the request keyed `key`, if one is waiting.
    pub fn take(&self, key: &Key) -> Option<WireReply> {
        let mut book = self.lock();
        let replies = book.get_mut(key)?;
        let reply = replies.pop();
        if replies.is_empty() {
            book.remove(key);
        }
        reply
    }

    /// Drops one answer filed under each of `keys` that nobody took (a chunk found in the
    /// cache, an article that failed before asking), so the book holds only articles in flight.
    pub fn forget(&self, keys: &[Key]) {
        for key in keys {
            let _ = self.take(key);
        }
    }

    /// Answers waiting.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::sample_chunk;

    #[test]
    fn an_answer_is_taken_once_and_found_by_what_was_asked() {
        let answers = Answers::default();
        let chunk = sample_chunk(2);
        let reply = WireReply::plain(200, b"{}".to_vec());
        answers.insert(chunk_key(&chunk), reply.clone());
        answers.insert(chunk_key(&chunk), reply.clone());
        assert_eq!(answers.len(), 2);
        assert_ne!(chunk_key(&chunk), chunk_key(&sample_chunk(1)));
        let by_sentence = Chunk {
            align: Align::Sentence,
            ..chunk.clone()
        };
        assert_ne!(chunk_key(&chunk), chunk_key(&by_sentence));
        assert_eq!(answers.take(&chunk_key(&chunk)), Some(reply));
        answers.forget(&[chunk_key(&chunk)]);
        assert_eq!(answers.take(&chunk_key(&chunk)), None);
        assert_eq!(answers.len(), 0);
    }
}
