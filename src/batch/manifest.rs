//! What produced each output of an `--out-dir` batch, so that a re-run skips only outputs made
//! the same way: with other options (`--to`, `--brief`, the format, the width of text output),
//! another provider or another model, an output is done again.
//!
//! The record is one hidden file in the output directory, [`FILE`]:
//! `{"format": "diglot-batch-v1", "outputs": {"a.json": {"fingerprint": "…", "made_with":
//! {…}}}}`. `made_with` is readable (what the command line and the profile chose), and the
//! fingerprint is its SHA-256. It is written whole or not at all after each output, so an
//! output is recorded only once it is complete; an output without a record (written by hand,
//! or by a diglot before this file existed) counts as made another way.

use std::collections::BTreeMap;
use std::path::Path;

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

/// The records of one output directory, by output file name.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    format: String,
    outputs: BTreeMap<String, Record>,
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

    /// Whether the output named `name` was made as `record` says.
    pub fn made_as(&self, name: &str, record: &Record) -> bool {
        self.outputs
            .get(name)
            .is_some_and(|r| r.fingerprint == record.fingerprint)
    }

    /// Records that the output named `name` was made as `record` says, and writes the
    /// manifest into `dir`, whole or not at all.
    pub fn record(&mut self, dir: &Path, name: String, record: &Record) -> std::io::Result<()> {
        self.format = FORMAT.to_owned();
        self.outputs.insert(name, record.clone());
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::output::write_atomic(&dir.join(FILE), &bytes)
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
        let mut manifest = Manifest::load(dir.path());
        assert!(!manifest.made_as("a.json", &fr));
        manifest
            .record(dir.path(), "a.json".into(), &fr)
            .expect("written");
        let again = Manifest::load(dir.path());
        assert!(again.made_as("a.json", &fr));
        assert!(!again.made_as("a.json", &de));
        assert!(!again.made_as("b.json", &fr));
        std::fs::write(dir.path().join(FILE), "{oops").expect("write");
        assert!(!Manifest::load(dir.path()).made_as("a.json", &fr));
    }
}
