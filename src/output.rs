//! Output files: written whole or not at all.
//!
//! Owns [`write_atomic`] (temp file beside the target, flushed and synced, renamed over it) and
//! the naming of its temp files, so that a run killed at any instant (`kill -9`, power cut
//! after the sync) leaves either the old file, the complete new one, or a stray temp file that
//! [`remove_stale_temps`] recognises — never a truncated output under the real name. Used by
//! `-o FILE`, by batch runs (`--out-dir`), and meant for any other file diglot writes (cache
//! entries). [`write_output`] is what `-o` does with a path that is not a plain file: a
//! symbolic link is followed, a device or FIFO written to as a shell redirection would. Does
//! not decide names or formats of outputs (that is `batch`).

use std::io::{self, Write};
use std::path::Path;

/// Temp files start with this (hidden on Unix) and end with [`TEMP_SUFFIX`].
pub const TEMP_PREFIX: &str = ".diglot-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically: into a new temp file in the same directory (so the
/// rename never crosses file systems), flushed and synced to disk, then renamed over `path`.
///
/// Readers see the old file or the whole new one, never a part. On any error the temp file is
/// removed and `path` is untouched. A new file gets the permissions `std::fs::write` would give
/// it (0666 less the umask); a replaced file keeps its own. The directory must exist. On Unix the directory is synced
/// too, so the new name survives a power cut; a failure of that last sync is ignored, because
/// the file itself is complete and in place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = dir_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{TEMP_PREFIX}{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // tempfile's default is owner-only; an output gets what `std::fs::write` would give it.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    // Dropping `temp` on an early return deletes the temp file.
    let mut temp = builder.tempfile_in(dir)?;
    if let Ok(existing) = std::fs::metadata(path) {
        // Replacing a file keeps its permissions, as writing into it would.
        temp.as_file().set_permissions(existing.permissions())?;
    }
    temp.write_all(bytes)?;
    temp.flush()?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Writes `bytes` where `-o PATH` points: a new or regular file is replaced whole or not at all
/// ([`write_atomic`], after removing temp files a killed run left for it); a symbolic link is
/// followed (through up to 40 links, dangling or not) and its target replaced the same way, so
/// the link stays; a character device or a FIFO (`/dev/stdout`, `/dev/null`, a named pipe) is
/// opened and written to directly, as it cannot be replaced; a directory is an error.
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        )),
        Ok(meta) if !meta.is_file() => {
            let mut stream = std::fs::OpenOptions::new().write(true).open(&target)?;
            stream.write_all(bytes)?;
            stream.flush()
        }
        _ => {
            remove_stale_temps_of(&target);
            write_atomic(&target, bytes)
        }
    }
}

/// The path `path`'s chain of symbolic links ends at (which may not exist yet); `path` itself
/// when it is not a link.
fn resolve_links(path: &Path) -> io::Result<std::path::PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = dir_of(&current).join(next);
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Whether `name` is a temp file [`write_atomic`] made.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Removes temp files that a killed run left in `dir`; returns how many. Entries that cannot
/// be read or removed are skipped: a stray temp file is clutter, never an output.
pub fn remove_stale_temps(dir: &Path) -> usize {
    remove_temps_where(dir, |_| true)
}

/// Removes the temp files a killed run left for `path` alone (`-o FILE`); returns how many.
pub fn remove_stale_temps_of(path: &Path) -> usize {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let prefix = format!("{TEMP_PREFIX}{name}.");
    remove_temps_where(dir_of(path), |temp| temp.starts_with(&prefix))
}

/// The directory `path` is in (`.` for a bare file name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn remove_temps_where(dir: &Path, keep: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            is_temp_name(&name) && keep(&name)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_a_new_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, b"{}\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_others_as_the_umask_allows_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.txt");
        write_atomic(&fresh, b"x").unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), mode(&plain));
        let private = dir.path().join("private.txt");
        std::fs::write(&private, b"old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&private, b"new").unwrap();
        assert_eq!(mode(&private), 0o600);
    }

    #[test]
    fn replaces_an_existing_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "old and much longer content").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn a_failed_rename_keeps_the_target_and_removes_the_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory under the target name: the rename fails.
        let path = dir.path().join("out.txt");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "x").unwrap();
        assert!(write_atomic(&path, b"new").is_err());
        assert_eq!(names(dir.path()), ["out.txt"]);
        assert!(path.is_dir());
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("no/such/dir/a.txt"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn write_output_follows_links_and_writes_into_devices_and_fifos() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_output(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // A dangling link gets its target created.
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
        write_output(&dangling, b"made").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("made.txt")).unwrap(),
            "made"
        );
        // A character device stays one.
        write_output(Path::new("/dev/null"), b"gone").unwrap();
        let null = std::fs::metadata("/dev/null").unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_char_device(
            &null.file_type()
        ));
        let full = write_output(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(full.kind(), io::ErrorKind::StorageFull);
        // A FIFO is written into, not replaced.
        let fifo = dir.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_output(&fifo, b"through").unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        let fifo_meta = std::fs::metadata(&fifo).unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(
            &fifo_meta.file_type()
        ));
        // A directory is refused.
        let err = write_output(dir.path(), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
    }

    #[test]
    fn stale_temps_are_recognised_and_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".diglot-a.json.x1Y2z3.tmp"), "{\"par").unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        std::fs::write(dir.path().join(".hidden.tmp"), "mine").unwrap();
        assert_eq!(remove_stale_temps(dir.path()), 1);
        assert_eq!(names(dir.path()), [".hidden.tmp", "a.json"]);
        assert!(is_temp_name(".diglot-b.md.abc.tmp"));
        std::fs::write(dir.path().join(".diglot-a.json.x1Y2z3.tmp"), "{").unwrap();
        std::fs::write(dir.path().join(".diglot-b.json.x1Y2z3.tmp"), "{").unwrap();
        assert_eq!(remove_stale_temps_of(&dir.path().join("a.json")), 1);
        assert_eq!(
            names(dir.path()),
            [".diglot-b.json.x1Y2z3.tmp", ".hidden.tmp", "a.json"]
        );
        assert!(!is_temp_name("b.md"));
    }
}
