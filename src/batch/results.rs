//! The answers of a job's batches, indexed on disk: each results file is read once, a line at
//! a time, and only where each `custom_id`'s line starts is kept in memory; a line is read back
//! from its file when its article is collected. So a job's answers, however many, are never
//! all in memory, and the articles can be collected in any order whatever order the engine
//! wrote its results in.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Where one answer's line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    file: usize,
    offset: u64,
    len: usize,
    answered: bool,
}

/// What a line of a results file is, as the index needs it: its `custom_id` and whether it
/// holds an answer (rather than an expiry or an error).
pub type Reader<'a> = &'a dyn Fn(&[u8]) -> Option<(String, bool)>;

/// The lines of some results files by `custom_id`.
#[derive(Debug, Default)]
pub struct Results {
    files: Vec<PathBuf>,
    places: HashMap<String, Place>,
}

/// The longest line read: an answer of the largest output bound, in JSON, with room.
const MAX_LINE: usize = 64 * 1024 * 1024;

impl Results {
    /// Indexes the lines of `file`; `read` tells each line's `custom_id`. A line that answers
    /// is kept over one that does not for the same request (a request sent again); lines that
    /// do not read are skipped.
    pub fn add(&mut self, file: &Path, read: Reader<'_>) -> std::io::Result<()> {
        let index = self.files.len();
        self.files.push(file.to_owned());
        let mut reader = BufReader::new(std::fs::File::open(file)?);
        let mut offset = 0u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            let len = (&mut reader)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut line)?;
            if len == 0 {
                break;
            }
            let start = offset;
            offset += len as u64;
            if line.last() != Some(&b'\n') && len == MAX_LINE {
                // An endless line: skip the rest of it.
                let mut rest = Vec::new();
                offset += reader.read_until(b'\n', &mut rest)? as u64;
                continue;
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let Some((id, answered)) = read(text) else {
                continue;
            };
            let place = Place {
                file: index,
                offset: start,
                len: text.len(),
                answered,
            };
            let keep = self
                .places
                .get(&id)
                .is_none_or(|old| answered || !old.answered);
            if keep {
                self.places.insert(id, place);
            }
        }
        Ok(())
    }

    /// Whether the line for `custom_id` holds an answer.
    pub fn answered(&self, custom_id: &str) -> bool {
        self.places.get(custom_id).is_some_and(|p| p.answered)
    }

    /// The line for `custom_id`, read back from its file.
    pub fn line(&self, custom_id: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(place) = self.places.get(custom_id) else {
            return Ok(None);
        };
        let mut file = std::fs::File::open(&self.files[place.file])?;
        file.seek(SeekFrom::Start(place.offset))?;
        let mut line = vec![0; place.len];
        file.read_exact(&mut line)?;
        Ok(Some(line))
    }

    /// Lines indexed.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.places.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &[u8]) -> Option<(String, bool)> {
        let text = std::str::from_utf8(line).ok()?;
        let (id, what) = text.split_once(' ')?;
        Some((id.to_owned(), what == "ok"))
    }

    #[test]
    fn lines_are_found_again_and_an_answer_beats_an_expiry() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = dir.path().join("1.jsonl");
        let second = dir.path().join("2.jsonl");
        std::fs::write(&first, "a ok\nb expired\ngarbage\nc ok").expect("write");
        std::fs::write(&second, "b ok\nc expired\n").expect("write");
        let mut results = Results::default();
        results.add(&first, &read).expect("indexed");
        results.add(&second, &read).expect("indexed");
        assert_eq!(results.len(), 3);
        assert_eq!(results.line("a").expect("read"), Some(b"a ok".to_vec()));
        assert_eq!(results.line("b").expect("read"), Some(b"b ok".to_vec()));
        assert_eq!(results.line("c").expect("read"), Some(b"c ok".to_vec()));
        assert!(results.answered("c") && !results.answered("d"));
        assert_eq!(results.line("d").expect("read"), None);
    }
}
