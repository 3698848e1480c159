//! Input: the bytes of an article, from a file or stdin (later a URL), bounded in size.
//!
//! Owns where articles come from and how much is read: at most [`MAX_ARTICLE_BYTES`], in
//! blocks, stopping at the first NUL byte (binary data is not an article, and `/dev/zero` must
//! not fill memory). It knows nothing about text: decoding, paragraphs and boilerplate are
//! `ingest`'s. A reader for URLs plugs in as another [`Source`].

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest article read, in bytes: generous for the longest news features (a 40 KB
/// article is long), small enough that a wrong file costs nothing.
pub const MAX_ARTICLE_BYTES: u64 = 10 * 1024 * 1024;

/// Bytes read at a time; each block is checked for a NUL byte before the next is read.
const BLOCK: usize = 64 * 1024;

/// Where an article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`, or no file at all).
    Stdin,
}

impl Source {
    /// `-` is stdin; anything else a file.
    pub fn from_arg(path: &Path) -> Source {
        if path == Path::new("-") {
            Source::Stdin
        } else {
            Source::File(path.to_owned())
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Stdin => f.write_str("-"),
        }
    }
}

/// Why an article's bytes cannot be read. Exits 3.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file (or stdin) cannot be read.
    #[error("cannot read '{source_name}': {error}")]
    Read {
        /// The article (`-` for stdin).
        source_name: Source,
        /// The I/O error.
        error: std::io::Error,
    },
    /// More than the limit (10 MB for an article).
    #[error("cannot use '{source_name}': it is larger than {} MB, the limit for one article", limit / 1_000_000)]
    TooLarge {
        /// The article.
        source_name: Source,
        /// The limit in bytes.
        limit: u64,
    },
    /// A NUL byte: binary data, not text.
    #[error("cannot use '{source_name}': the input looks binary (NUL byte at offset {offset})")]
    Binary {
        /// The article.
        source_name: Source,
        /// Byte offset of the first NUL.
        offset: usize,
    },
}

/// Reads an article's bytes: at most `limit`, stopping at the first NUL.
pub fn read(source: &Source, limit: u64) -> Result<Vec<u8>, InputError> {
    let read_error = |error| InputError::Read {
        source_name: source.clone(),
        error,
    };
    match source {
        Source::Stdin => read_bounded(std::io::stdin().lock(), source, limit),
        Source::File(path) => {
            let file = std::fs::File::open(path).map_err(read_error)?;
            read_bounded(file, source, limit)
        }
    }
}

/// Reads `reader` in blocks up to `limit` bytes, failing at the first NUL byte or past the
/// limit, so neither an endless nor a binary stream is read further than one block.
fn read_bounded(reader: impl Read, source: &Source, limit: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    let mut reader = reader.take(limit.saturating_add(1));
    let mut block = vec![0u8; BLOCK];
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                return Err(InputError::Read {
                    source_name: source.clone(),
                    error,
                });
            }
        };
        if let Some(at) = block[..n].iter().position(|&b| b == 0) {
            return Err(InputError::Binary {
                source_name: source.clone(),
                offset: bytes.len() + at,
            });
        }
        bytes.extend_from_slice(&block[..n]);
        if bytes.len() as u64 > limit {
            return Err(InputError::TooLarge {
                source_name: source.clone(),
                limit,
            });
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Source {
        Source::File("a.txt".into())
    }

    #[test]
    fn reads_up_to_the_limit_and_refuses_more() {
        let text = "Hallo Welt. ".repeat(10);
        let read = read_bounded(text.as_bytes(), &file(), 120).expect("fits");
        assert_eq!(read, text.as_bytes());
        let err = read_bounded(text.as_bytes(), &file(), 119).expect_err("too large");
        assert!(
            matches!(err, InputError::TooLarge { limit: 119, .. }),
            "{err}"
        );
    }

    #[test]
    fn an_endless_stream_of_zeros_stops_at_the_first_block() {
        let err = read_bounded(std::io::repeat(0), &file(), MAX_ARTICLE_BYTES).expect_err("binary");
        assert!(matches!(err, InputError::Binary { offset: 0, .. }), "{err}");
        let mut late = vec![b'a'; BLOCK + 5];
        late.push(0);
        let err = read_bounded(late.as_slice(), &file(), MAX_ARTICLE_BYTES).expect_err("binary");
        assert!(
            matches!(err, InputError::Binary { offset, .. } if offset == BLOCK + 5),
            "{err}"
        );
    }

    #[test]
    fn an_endless_text_stream_stops_past_the_limit() {
        let err = read_bounded(std::io::repeat(b'a'), &file(), 1000).expect_err("too large");
        assert!(matches!(err, InputError::TooLarge { .. }));
    }

    #[test]
    fn dash_is_stdin_and_shows_as_dash() {
        assert_eq!(Source::from_arg(Path::new("-")), Source::Stdin);
        assert_eq!(Source::Stdin.to_string(), "-");
        assert_eq!(file().to_string(), "a.txt");
    }
}
