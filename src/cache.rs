//! Cache: verified results on disk, addressed by what produced them, so a second run on the same
//! article sends nothing.
//!
//! Owns the key (a SHA-256 over a versioned, canonical JSON encoding of everything that changes
//! a result: provider kind, base URL, model, a hash of the prompt templates, languages, options,
//! the texts with their ids), the entry format, atomic writes and `diglot cache stats|clear`.
//! It stores only values that passed the checks (a chunk's translations, a brief, a whole
//! report), never HTTP bodies, headers or keys: keys are not part of any identity that is
//! hashed, and values hold article and translated text only.
//!
//! Layout: `DIR/entries/ab/cdef….json`, one JSON file per entry:
//! `{"format": "diglot-cache-v2", "key": "…", "checksum": "…", "value": …}`, the checksum a
//! SHA-256 of the value's JSON text as stored. A write goes to a temporary file in the same
//! directory, is flushed to disk and renamed over the entry, so a reader (or a run killed with
//! `kill -9`) sees the old entry, the new one or none, never half of one. Only a regular file
//! of at most [`MAX_ENTRY_BYTES`] is read (a FIFO is never opened, a link to `/dev/zero` never
//! read); an entry that is not one, cannot be read or parsed, or whose checksum does not match
//! is reported as a warning, treated as a miss and overwritten. Callers check a hit against
//! what they expect too (a whole result against the article, see `command::article`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// The entry format; part of every key, so a change of format or key layout never reads old
/// entries as new ones.
pub const FORMAT: &str = "diglot-cache-v2";

/// The largest entry read: a whole result of a 10 MB article (source, translation, JSON) fits
/// with room to spare; anything larger is not an entry diglot wrote.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;

/// The subdirectory holding the entries (so `clear` never touches anything else).
const ENTRIES: &str = "entries";

/// SHA-256 of the parts, each prefixed by its length, as lowercase hex.
pub fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A cache key: the hash of a kind (`chunk`, `brief`, `report`, …) and a serializable identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(String);

impl Key {
    /// The key of `identity` under `kind`. Struct fields serialize in declaration order, so the
    /// JSON is canonical for a given build; [`FORMAT`] changes when the identity types do.
    pub fn of(kind: &str, identity: &impl Serialize) -> Key {
        // Plain data always serializes; the fallback keeps this total (and never hits).
        let json = serde_json::to_string(identity).unwrap_or_else(|e| format!("unkeyable: {e}"));
        Key(digest(&[FORMAT, kind, &json]))
    }

    /// The key as hex.
    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who produces a result: everything about a provider profile that changes its output, and
/// nothing secret (no key, no headers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderIdentity {
    /// The wire protocol (`openai`, `deepl`, …).
    pub kind: String,
    /// The configured base URL (`in-process mock` for the built-in one, whose port changes).
    pub base_url: String,
    /// The model.
    pub model: String,
    /// [`crate::prompt::Prompts::fingerprint`] of the templates in force.
    pub prompts: String,
    /// Options that change the output (DeepL formality, glossary, variants; the JSON mode).
    pub options: String,
}

/// One entry on disk; `value` is kept as the JSON text it was written as.
#[derive(Debug, Serialize, Deserialize)]
struct Entry<'a> {
    format: String,
    key: String,
    /// [`checksum`] of `value`.
    checksum: String,
    #[serde(borrow)]
    value: std::borrow::Cow<'a, RawValue>,
}

/// SHA-256 of `value`'s JSON text, exactly as it is stored.
fn checksum(value: &RawValue) -> String {
    digest(&[value.get()])
}

/// The cache directory of a run, and the warnings its reads and writes produced.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    warnings: Mutex<Vec<String>>,
}

/// Temporary file names must not collide between tasks of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The cache in `dir` (created on the first write).
    pub fn new(dir: PathBuf) -> Cache {
        Cache {
            dir,
            warnings: Mutex::default(),
        }
    }

    fn path(&self, key: &Key) -> PathBuf {
        let (prefix, rest) = key.0.split_at(2.min(key.0.len()));
        self.dir
            .join(ENTRIES)
            .join(prefix)
            .join(format!("{rest}.json"))
    }

    /// Adds a warning for the run (a caller's own check of a hit failed, say).
    pub fn warn(&self, warning: String) {
        self.warnings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(warning);
    }

    /// The warnings so far, emptied.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The value stored under `key`. A missing entry is `None`; one that is not a regular file
    /// of plausible size, cannot be read or parsed, belongs to another key or format, or fails
    /// its checksum is `None` plus a warning.
    pub fn get<T: DeserializeOwned>(&self, key: &Key) -> Option<T> {
        let path = self.path(key);
        let ignore = |why: &dyn std::fmt::Display| {
            self.warn(format!(
                "ignoring unreadable cache entry {}: {why}",
                path.display()
            ));
            None
        };
        let bytes = match read_entry(&path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return None,
            Err(e) => return ignore(&e),
        };
        let entry = match serde_json::from_slice::<Entry>(&bytes) {
            Ok(entry) => entry,
            Err(e) => return ignore(&e),
        };
        if entry.format != FORMAT || entry.key != key.0 {
            return ignore(&"written for another key or format");
        }
        if entry.checksum != checksum(&entry.value) {
            return ignore(&"its checksum does not match (edited or damaged)");
        }
        match serde_json::from_str::<T>(entry.value.get()) {
            Ok(value) => {
                mark_used(&path);
                Some(value)
            }
            Err(e) => ignore(&e),
        }
    }

    /// Stores `value` under `key`, atomically. A failure (a read-only disk, a full one) is a
    /// warning: the run's result does not depend on the cache.
    pub fn put<T: Serialize>(&self, key: &Key, value: &T) {
        let path = self.path(key);
        let stored = serde_json::value::to_raw_value(value).map(|value| Entry {
            format: FORMAT.to_owned(),
            key: key.0.clone(),
            checksum: checksum(&value),
            value: std::borrow::Cow::Owned(value),
        });
        let written = stored
            .map_err(std::io::Error::other)
            .and_then(|entry| write_atomically(&path, &entry));
        if let Err(e) = written {
            self.warn(format!("cannot write cache entry {}: {e}", path.display()));
        }
    }
}

/// An entry's bytes: `None` when there is none; an error when it is not a regular file of at
/// most [`MAX_ENTRY_BYTES`] or cannot be read. The type is checked before opening (a FIFO
/// would block the open) and again on the open file (it may have been swapped in between),
/// which is opened non-blocking; at most [`MAX_ENTRY_BYTES`] are read whatever it claims.
fn read_entry(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let not_an_entry = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            Some(std::io::Error::other("it is not a regular file"))
        } else if meta.len() > MAX_ENTRY_BYTES {
            Some(std::io::Error::other(format!(
                "it is larger than {} MB",
                MAX_ENTRY_BYTES / 1_000_000
            )))
        } else {
            None
        }
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if let Some(e) = not_an_entry(&meta) {
        return Err(e);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    if let Some(e) = not_an_entry(&file.metadata()?) {
        return Err(e);
    }
    let mut bytes = Vec::new();
    file.take(MAX_ENTRY_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_ENTRY_BYTES {
        return Err(std::io::Error::other("it grew past the entry limit"));
    }
    Ok(Some(bytes))
}

fn write_atomically(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("an entry path has a directory"))?;
    std::fs::create_dir_all(dir)?;
    let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    if bytes.len() as u64 > MAX_ENTRY_BYTES {
        return Err(std::io::Error::other(format!(
            "the entry would be larger than {} MB, more than is ever read back",
            MAX_ENTRY_BYTES / 1_000_000
        )));
    }
    let temp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written?;
    // Make the rename itself durable where the platform allows opening a directory.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Sets an entry's modification time to now when it is read, so that eviction removes the
/// entries used longest ago, not the ones written first. A failure only makes the entry look
/// older.
fn mark_used(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

/// What eviction or an age-bounded clear removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Removed {
    /// Entries removed.
    pub entries: u64,
    /// Their size in bytes.
    pub bytes: u64,
}

/// Keeps the entries under `dir` within `max_bytes`: when they take more, the ones used longest
/// ago are removed until they take at most nine tenths of it (so that the next few runs do not
/// each evict again).
pub fn evict(dir: &Path, max_bytes: u64) -> std::io::Result<Removed> {
    let mut entries = Vec::new();
    for_each_entry(dir, &mut |path, meta| {
        if path.extension().is_some_and(|e| e == "json") {
            let used = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            entries.push((used, meta.len(), path.to_path_buf()));
        }
        Ok(())
    })?;
    let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
    let mut removed = Removed::default();
    if total <= max_bytes {
        return Ok(removed);
    }
    entries.sort();
    let goal = max_bytes / 10 * 9;
    for (_, len, path) in entries {
        if total <= goal {
            break;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            // Another run removed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        total -= len;
        removed.entries += 1;
        removed.bytes += len;
    }
    Ok(removed)
}

/// Removes the entries under `dir` not used for `age` or longer.
pub fn clear_older_than(dir: &Path, age: std::time::Duration) -> std::io::Result<Removed> {
    let now = std::time::SystemTime::now();
    let mut removed = Removed::default();
    for_each_entry(dir, &mut |path, meta| {
        let used = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
        let unused_for = now.duration_since(used).unwrap_or_default();
        if path.extension().is_some_and(|e| e == "json") && unused_for >= age {
            std::fs::remove_file(path)?;
            removed.entries += 1;
            removed.bytes += meta.len();
        }
        Ok(())
    })?;
    Ok(removed)
}

/// What `diglot cache stats` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Entries on disk.
    pub entries: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Counts the entries under `dir` (none when it does not exist).
pub fn stats(dir: &Path) -> std::io::Result<Stats> {
    let mut stats = Stats::default();
    for_each_entry(dir, &mut |path, meta| {
        if path.extension().is_some_and(|e| e == "json") {
            stats.entries += 1;
            stats.bytes += meta.len();
        }
        Ok(())
    })?;
    Ok(stats)
}

/// Removes every entry (and stray temporary file) under `dir`; returns how many entries.
pub fn clear(dir: &Path) -> std::io::Result<u64> {
    let mut removed = 0;
    for_each_entry(dir, &mut |path, _| {
        std::fs::remove_file(path)?;
        if path.extension().is_some_and(|e| e == "json") {
            removed += 1;
        }
        Ok(())
    })?;
    let entries = dir.join(ENTRIES);
    if entries.exists() {
        // Empty prefix directories go too; one still in use by another run stays.
        for sub in std::fs::read_dir(&entries)? {
            let _ = std::fs::remove_dir(sub?.path());
        }
    }
    Ok(removed)
}

fn for_each_entry(
    dir: &Path,
    visit: &mut dyn FnMut(&Path, &std::fs::Metadata) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let entries = dir.join(ENTRIES);
    let prefixes = match std::fs::read_dir(&entries) {
        Ok(prefixes) => prefixes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for prefix in prefixes {
        let prefix = prefix?;
        if !prefix.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(prefix.path())? {
            let file = file?;
            let meta = file.metadata()?;
            if meta.is_file() {
                visit(&file.path(), &meta)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_kind_and_identity_and_are_stable() {
        let a = Key::of("chunk", &("de", "en", "Hallo"));
        assert_eq!(a, Key::of("chunk", &("de", "en", "Hallo")));
        assert_ne!(a, Key::of("brief", &("de", "en", "Hallo")));
        assert_ne!(a, Key::of("chunk", &("de", "fr", "Hallo")));
        assert_eq!(a.as_str().len(), 64);
        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        assert_ne!(digest(&["ab", "c"]), digest(&["a", "bc"]));
    }

    #[test]
    fn round_trips_and_counts_and_clears() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().to_path_buf());
        let key = Key::of("chunk", &"x");
        assert_eq!(cache.get::<Vec<String>>(&key), None);
        cache.put(&key, &vec!["eins".to_owned()]);
        assert_eq!(
            cache.get::<Vec<String>>(&key),
            Some(vec!["eins".to_owned()])
        );
        assert!(cache.take_warnings().is_empty());
        let counted = stats(dir.path()).expect("stats");
        assert_eq!(counted.entries, 1);
        assert!(counted.bytes > 10);
        assert_eq!(clear(dir.path()).expect("clear"), 1);
        assert_eq!(stats(dir.path()).expect("stats"), Stats::default());
        assert_eq!(cache.get::<Vec<String>>(&key), None);
    }

    #[test]
    fn a_corrupt_entry_is_a_warning_and_a_miss_and_is_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().to_path_buf());
        let key = Key::of("chunk", &"x");
        cache.put(&key, &1u32);
        std::fs::write(cache.path(&key), b"{\"format\": \"diglot-cache-v1\", \"ke").expect("write");
        assert_eq!(cache.get::<u32>(&key), None);
        let warnings = cache.take_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("ignoring unreadable cache entry"),
            "{warnings:?}"
        );
        cache.put(&key, &2u32);
        assert_eq!(cache.get::<u32>(&key), Some(2));
        // An entry moved under another key's name is not trusted either.
        let other = Key::of("chunk", &"y");
        std::fs::create_dir_all(cache.path(&other).parent().expect("dir")).expect("mkdir");
        std::fs::copy(cache.path(&key), cache.path(&other)).expect("copy");
        assert_eq!(cache.get::<u32>(&other), None);
        assert_eq!(cache.take_warnings().len(), 1);
    }

    /// Puts `n` entries of about 1 KB, each used a minute before the next.
    fn filled(dir: &Path, n: u64) -> Vec<Key> {
        let cache = Cache::new(dir.to_path_buf());
        let start = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        (0..n)
            .map(|i| {
                let key = Key::of("chunk", &i);
                cache.put(&key, &"x".repeat(1000));
                let file = std::fs::File::options()
                    .append(true)
                    .open(cache.path(&key))
                    .expect("entry");
                file.set_modified(start + std::time::Duration::from_secs(60 * i))
                    .expect("mtime");
                key
            })
            .collect()
    }

    #[test]
    fn eviction_removes_the_entries_used_longest_ago() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keys = filled(dir.path(), 10);
        let cache = Cache::new(dir.path().to_path_buf());
        // Reading the oldest makes it the newest.
        assert!(cache.get::<String>(&keys[0]).is_some());
        let size = stats(dir.path()).expect("stats").bytes;
        assert_eq!(evict(dir.path(), size).expect("evicts"), Removed::default());
        let removed = evict(dir.path(), size / 2).expect("evicts");
        let left = stats(dir.path()).expect("stats");
        assert!(left.bytes <= size / 2 / 10 * 9, "{left:?}");
        assert_eq!(removed.entries + left.entries, 10);
        assert!(cache.get::<String>(&keys[0]).is_some(), "used last, kept");
        assert!(
            cache.get::<String>(&keys[1]).is_none(),
            "used first, evicted"
        );
        assert!(cache.get::<String>(&keys[9]).is_some());
    }

    #[test]
    fn clear_older_than_removes_only_entries_unused_that_long() {
        let dir = tempfile::tempdir().expect("temp dir");
        filled(dir.path(), 10);
        // Entry i was used 60 - i minutes ago: 0..=5 are 55 minutes old or more.
        let removed =
            clear_older_than(dir.path(), std::time::Duration::from_secs(55 * 60)).expect("clears");
        assert_eq!(removed.entries, 6);
        assert_eq!(stats(dir.path()).expect("stats").entries, 4);
    }

    #[test]
    fn an_edited_entry_fails_its_checksum_and_is_a_miss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().to_path_buf());
        let key = Key::of("report", &"x");
        cache.put(&key, &vec!["eins".to_owned(), "zwei".to_owned()]);
        let path = cache.path(&key);
        let text = std::fs::read_to_string(&path).expect("entry");
        std::fs::write(&path, text.replace("\"zwei\"", "\"drei\"")).expect("edit");
        assert_eq!(cache.get::<Vec<String>>(&key), None);
        let warnings = cache.take_warnings();
        assert!(
            warnings[0].contains("checksum does not match"),
            "{warnings:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_of_plausible_size_are_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().to_path_buf());
        let key = Key::of("report", &"x");
        cache.put(&key, &1u32);
        let path = cache.path(&key);
        // A link to an endless device, a FIFO no one writes to, a sparse giant: each a warning
        // and a miss at once, none read.
        std::fs::remove_file(&path).expect("remove");
        std::os::unix::fs::symlink("/dev/zero", &path).expect("symlink");
        assert_eq!(cache.get::<u32>(&key), None);
        std::fs::remove_file(&path).expect("remove");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        assert_eq!(cache.get::<u32>(&key), None);
        std::fs::remove_file(&path).expect("remove");
        let giant = std::fs::File::create(&path).expect("create");
        giant.set_len(MAX_ENTRY_BYTES + 1).expect("sparse file");
        assert_eq!(cache.get::<u32>(&key), None);
        let warnings = cache.take_warnings();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0].ends_with("it is not a regular file"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].ends_with("it is not a regular file"),
            "{warnings:?}"
        );
        assert!(
            warnings[2].ends_with("it is larger than 67 MB"),
            "{warnings:?}"
        );
        // Each is replaced by the next write.
        cache.put(&key, &2u32);
        assert_eq!(cache.get::<u32>(&key), Some(2));
    }

    #[test]
    fn a_missing_directory_has_no_entries() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = dir.path().join("nothing");
        assert_eq!(stats(&gone).expect("stats"), Stats::default());
        assert_eq!(clear(&gone).expect("clear"), 0);
    }
}
