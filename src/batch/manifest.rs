//! What produced each output of an `--out-dir` batch, so that a re-run skips only outputs made
//! the same way: with other options (`--to`, `--brief`, the format, the width of text output),
//! another provider or another model, an output is done again.
//!
//! The record is one hidden file in the output directory, [`FILE`]:
//! `{"format": "diglot-batch-v1", "outputs": {"a.json": {"fingerprint": "…", "made_with":
//! {…}, "output": "…"}}}`. `made_with` is readable (what the command line and the profile
//! chose), the fingerprint is its SHA-256, and `output` the SHA-256 of the output's bytes. The
//! record is written, whole or not at all, just before its output: a run killed between the two
//! leaves a record whose `output` matches no file on disk, so the article is done again, never
//! skipped with an output made another way. An output without a matching record (written by
//! hand, or by a diglot before this file existed) counts as made another way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// The manifest's name inside the output directory (hidden, so never taken for an article).
pub const FILE: &str = ".diglot-batch.json";

/// The manifest's format; another one is read as empty.
const FORMAT: &str = "diglot-batch-v1";

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
            fingerprint: crate::cache::digest(&[FORMAT, &made_with.to_string()]),
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

/// The records of one output directory, by output file name.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    format: String,
    outputs: BTreeMap<String, Made>,
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
        std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|manifest| manifest.format == FORMAT)
            .unwrap_or_default()
    }

    /// Whether the output at `path` is the one recorded, made as `record` says.
    pub fn made_as(&self, path: &Path, record: &Record) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(made) = name.and_then(|name| self.outputs.get(&name)) else {
            return false;
        };
        made.record.fingerprint == record.fingerprint
            && std::fs::read(path).is_ok_and(|bytes| digest_of(&bytes) == made.output)
    }

    /// Records that the output named `name` is `bytes`, made as `record` says, and writes the
    /// manifest into `dir`, whole or not at all.
    pub fn record(
        &mut self,
        dir: &Path,
        name: String,
        record: &Record,
        bytes: &[u8],
    ) -> std::io::Result<()> {
        self.format = FORMAT.to_owned();
        let made = Made {
            record: record.clone(),
            output: digest_of(bytes),
        };
        self.outputs.insert(name, made);
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::output::write_atomic(&dir.join(FILE), &text)
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
}
