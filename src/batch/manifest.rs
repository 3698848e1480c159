//! What produced each output of an `--out-dir` batch, so that a re-run skips only outputs made
//! the same way: with other options (`--to`, `--brief`, the format, the width of text output),
//! another provider or another model, an output is done again.
//!
//! The record is one hidden file in the output directory, [`FILE`], in JSON Lines: a first line
//! `{"format": "diglot-batch-v2"}`, then one line per output written, `{"name": "a.json",
//! "fingerprint": "…", "made_with": {…}, "output": "…"}`, the last line for a name counting.
//! `made_with` is readable (what the command line and the profile chose), the fingerprint is its
//! SHA-256, and `output` the SHA-256 of the output's bytes. A record is appended and synced just
//! before its output is written: a run killed between the two leaves a record whose `output`
//! matches no file on disk, so the article is done again, never skipped with an output made
//! another way; a line cut short by a kill is skipped. Appending keeps a batch of thousands of
//! articles linear (the whole record was once rewritten for every output). An output without a
//! matching record (written by hand, or by a diglot before this file existed) counts as made
//! another way; a record of the earlier format (one JSON document, `diglot-batch-v1`) is read,
//! and rewritten in this one before the first line is appended.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// The manifest's name inside the output directory (hidden, so never taken for an article).
pub const FILE: &str = ".diglot-batch.json";

/// The manifest's format; a file of another one is read as empty.
const FORMAT: &str = "diglot-batch-v2";

/// The earlier format, one JSON document, still read.
const FORMAT_V1: &str = "diglot-batch-v1";

/// How one output was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// SHA-256 of `made_with`, compared on resume.
    pub fingerprint: String,
    /// The options, provider and model that made the output.
    pub made_with: serde_json::Value,
}

impl Record {
    /// The record of outputs made with `made_with`.
    pub fn of(made_with: serde_json::Value) -> Record {
        Record {
            fingerprint: crate::cache::digest(&[FORMAT_V1, &made_with.to_string()]),
            made_with,
        }
    }
}

/// How one output on disk was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Made {
    #[serde(flatten)]
    record: Record,
    /// SHA-256 of the output's bytes.
    output: String,
}

/// One line of the file: an output's name and how it was made.
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    name: String,
    #[serde(flatten)]
    made: Made,
}

/// The first line of the file.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
}

/// The earlier format, read once and rewritten.
#[derive(Debug, Deserialize)]
struct Whole {
    format: String,
    outputs: BTreeMap<String, Made>,
}

/// The records of one output directory, by output file name.
#[derive(Debug, Default)]
pub struct Manifest {
    /// By output name: the fingerprint of what made it, and the SHA-256 of its bytes.
    outputs: BTreeMap<String, (String, String)>,
    /// What each fingerprint stands for, kept once: the outputs of a run all share one, and a
    /// batch of thousands would otherwise hold thousands of copies.
    made_with: BTreeMap<String, serde_json::Value>,
    /// Whether the file on disk is in the current format (lines can be appended to it).
    appendable: bool,
}

/// SHA-256 of an output's bytes, as hex.
fn digest_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Manifest {
    /// The manifest of `dir`; empty when there is none or it cannot be read (every existing
    /// output then counts as made another way, which redoes work but never keeps a stale one).
    pub fn load(dir: &Path) -> Manifest {
        let Ok(bytes) = std::fs::read(dir.join(FILE)) else {
            return Manifest::default();
        };
        if let Ok(whole) = serde_json::from_slice::<Whole>(&bytes) {
            let mut manifest = Manifest::default();
            if whole.format == FORMAT_V1 {
                for (name, made) in whole.outputs {
                    manifest.insert(name, made);
                }
            }
            return manifest;
        }
        let mut lines = bytes.split(|&b| b == b'\n');
        let current = lines
            .next()
            .and_then(|first| serde_json::from_slice::<Header>(first).ok())
            .is_some_and(|header| header.format == FORMAT);
        if !current {
            return Manifest::default();
        }
        let mut manifest = Manifest {
            appendable: true,
            ..Manifest::default()
        };
        // A line cut short by a kill, or garbled, is skipped.
        for line in lines.filter_map(|l| serde_json::from_slice::<Line>(l).ok()) {
            manifest.insert(line.name, line.made);
        }
        manifest
    }

    /// Keeps that the output `name` was made as `made` says.
    fn insert(&mut self, name: String, made: Made) {
        let Made { record, output } = made;
        self.made_with
            .entry(record.fingerprint.clone())
            .or_insert(record.made_with);
        self.outputs.insert(name, (record.fingerprint, output));
    }

    /// Whether the output at `path` is the one recorded, made as `record` says.
    pub fn made_as(&self, path: &Path, record: &Record) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some((fingerprint, output)) = name.and_then(|name| self.outputs.get(&name)) else {
            return false;
        };
        *fingerprint == record.fingerprint
            && std::fs::read(path).is_ok_and(|bytes| digest_of(&bytes) == *output)
    }

    /// Records that the output named `name` is `bytes`, made as `record` says, in the file in
    /// `dir`: one line appended and synced (the whole file rewritten first when it is missing
    /// or of the earlier format).
    pub fn record(
        &mut self,
        dir: &Path,
        name: String,
        record: &Record,
        bytes: &[u8],
    ) -> std::io::Result<()> {
        let made = Made {
            record: record.clone(),
            output: digest_of(bytes),
        };
        let path = dir.join(FILE);
        if !self.appendable || !path.is_file() {
            self.insert(name, made);
            crate::output::write_atomic(&path, &self.whole()?)?;
            self.appendable = true;
            return Ok(());
        }
        let mut line = serde_json::to_vec(&Line {
            name: name.clone(),
            made: made.clone(),
        })
        .map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
        file.write_all(&line)?;
        file.sync_data()?;
        self.insert(name, made);
        Ok(())
    }

    /// The whole file in the current format.
    fn whole(&self) -> std::io::Result<Vec<u8>> {
        let mut text = serde_json::to_vec(&Header {
            format: FORMAT.to_owned(),
        })
        .map_err(std::io::Error::other)?;
        text.push(b'\n');
        for (name, (fingerprint, output)) in &self.outputs {
            let made_with = self.made_with.get(fingerprint).cloned();
            let line = Line {
                name: name.clone(),
                made: Made {
                    record: Record {
                        fingerprint: fingerprint.clone(),
                        made_with: made_with.unwrap_or_default(),
                    },
                    output: output.clone(),
                },
            };
            text.extend(serde_json::to_vec(&line).map_err(std::io::Error::other)?);
            text.push(b'\n');
        }
        Ok(text)
    }
}

/// Records the outputs of one run as they are written (shared by the run's tasks).
#[derive(Debug)]
pub struct Recorder {
    manifest: Mutex<Manifest>,
    dir: PathBuf,
    record: Record,
}

impl Recorder {
    /// Records outputs made as `record` says into `dir`'s `manifest`.
    pub fn new(manifest: Manifest, dir: PathBuf, record: Record) -> Recorder {
        Recorder {
            manifest: Mutex::new(manifest),
            dir,
            record,
        }
    }

    /// Records `bytes` as the output at `path`; call it just before writing them there.
    pub fn record(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A record is written whole before the lock is released, so a poisoned lock is fine.
        let mut manifest = self.manifest.lock().unwrap_or_else(PoisonError::into_inner);
        manifest.record(&self.dir, name, &self.record, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_reload_and_other_options_do_not_match() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fr = Record::of(serde_json::json!({"to": "fr", "model": "m"}));
        let de = Record::of(serde_json::json!({"to": "de", "model": "m"}));
        assert_ne!(fr.fingerprint, de.fingerprint);
        let a = dir.path().join("a.json");
        let mut manifest = Manifest::load(dir.path());
        assert!(!manifest.made_as(&a, &fr));
        manifest
            .record(dir.path(), "a.json".into(), &fr, b"{}")
            .expect("written");
        // Recorded, but the output is not there yet (a kill between the two writes).
        assert!(!Manifest::load(dir.path()).made_as(&a, &fr));
        std::fs::write(&a, b"{}").expect("output");
        let again = Manifest::load(dir.path());
        assert!(again.made_as(&a, &fr));
        assert!(!again.made_as(&a, &de));
        assert!(!again.made_as(&dir.path().join("b.json"), &fr));
        // An older output under the recorded name: not the one recorded.
        std::fs::write(&a, b"{\"old\": 1}").expect("output");
        assert!(!Manifest::load(dir.path()).made_as(&a, &fr));
        std::fs::write(dir.path().join(FILE), "{oops").expect("write");
        assert!(!Manifest::load(dir.path()).made_as(&a, &fr));
    }

    #[test]
    fn records_are_appended_and_a_line_cut_short_is_skipped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fr = Record::of(serde_json::json!({"to": "fr"}));
        let mut manifest = Manifest::load(dir.path());
        for name in ["a.json", "b.json"] {
            manifest
                .record(dir.path(), name.into(), &fr, name.as_bytes())
                .expect("recorded");
            std::fs::write(dir.path().join(name), name).expect("output");
        }
        let text = std::fs::read_to_string(dir.path().join(FILE)).expect("manifest");
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(
            text.starts_with("{\"format\":\"diglot-batch-v2\"}\n"),
            "{text}"
        );
        // A kill in the middle of appending a third record.
        let mut cut = text.clone();
        cut.push_str("{\"name\":\"c.json\",\"fingerp");
        std::fs::write(dir.path().join(FILE), cut).expect("write");
        let again = Manifest::load(dir.path());
        assert!(again.made_as(&dir.path().join("a.json"), &fr));
        assert!(again.made_as(&dir.path().join("b.json"), &fr));
    }

    #[test]
    fn a_record_of_the_earlier_format_is_read_and_rewritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fr = Record::of(serde_json::json!({"to": "fr"}));
        std::fs::write(dir.path().join("a.json"), "{}").expect("output");
        let v1 = serde_json::json!({"format": "diglot-batch-v1", "outputs": {"a.json": {
            "fingerprint": fr.fingerprint, "made_with": fr.made_with, "output": digest_of(b"{}")}}});
        std::fs::write(dir.path().join(FILE), v1.to_string()).expect("write");
        let mut manifest = Manifest::load(dir.path());
        assert!(manifest.made_as(&dir.path().join("a.json"), &fr));
        manifest
            .record(dir.path(), "b.json".into(), &fr, b"b")
            .expect("recorded");
        let text = std::fs::read_to_string(dir.path().join(FILE)).expect("manifest");
        assert_eq!(text.lines().count(), 3, "{text}");
        std::fs::write(dir.path().join("b.json"), "b").expect("output");
        let again = Manifest::load(dir.path());
        assert!(again.made_as(&dir.path().join("a.json"), &fr));
        assert!(again.made_as(&dir.path().join("b.json"), &fr));
    }
}
