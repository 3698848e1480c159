//! Input: the bytes of an article, from a file or stdin (later a URL), bounded in size.
//!
//! Owns where articles come from and how much is read: at most the article limit
//! ([`DEFAULT_MAX_ARTICLE_BYTES`] unless configured), in blocks, stopping at the first NUL
//! byte (binary data is not an article, and `/dev/zero` must not fill memory). Text that
//! starts with a UTF-16 or UTF-32 byte order mark is decoded to UTF-8 here, so what leaves this
//! module is UTF-8 or bytes `ingest` will refuse. Paragraphs and boilerplate are `ingest`'s. A
//! reader for URLs plugs in as another [`Source`]. [`read_small_text`] bounds the other files
//! diglot reads (the config file, prompt templates).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest article read unless configured (`max_article_mb`, `DIGLOT_MAX_ARTICLE_MB`), in
/// bytes: 10 MB, generous for the longest news features (a 40 KB article is long), small
/// enough that a wrong file costs nothing.
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 10 * BYTES_PER_MB;

/// One megabyte as diglot counts it in limits and messages.
pub const BYTES_PER_MB: u64 = 1_000_000;

/// A saved result (`diglot check`) may be this many times the article limit: it holds the
/// article, its translation (a few times longer in bytes from Chinese into German) and JSON.
pub const RESULT_LIMIT_FACTOR: u64 = 4;

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
    /// More than the limit (10 MB for an article unless configured).
    #[error(
        "cannot use '{source_name}': it is larger than {} MB, the limit for one {what} (max_article_mb)",
        limit / BYTES_PER_MB
    )]
    TooLarge {
        /// The article.
        source_name: Source,
        /// The limit in bytes.
        limit: u64,
        /// `article`, or `saved result` for `diglot check`.
        what: &'static str,
    },
    /// Starts with a UTF-16 or UTF-32 byte order mark, but what follows is not that encoding.
    #[error(
        "cannot use '{source_name}': it starts with a {encoding} byte order mark, but is not {encoding} (invalid at byte offset {offset})"
    )]
    BadEncoding {
        /// The article.
        source_name: Source,
        /// `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE`.
        encoding: &'static str,
        /// Byte offset of the first invalid code unit, counting the BOM.
        offset: usize,
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

/// How much of a source to read, and what it is called in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Bytes at most.
    pub bytes: u64,
    /// `article`, or `saved result`.
    pub what: &'static str,
}

impl Limit {
    /// An article of at most `bytes`.
    pub fn article(bytes: u64) -> Limit {
        Limit {
            bytes,
            what: "article",
        }
    }

    /// A saved result (`diglot check`) of an article of at most `article_bytes`.
    pub fn result(article_bytes: u64) -> Limit {
        Limit {
            bytes: article_bytes.saturating_mul(RESULT_LIMIT_FACTOR),
            what: "saved result",
        }
    }
}

/// Reads an article's bytes (UTF-16 and UTF-32 with a byte order mark decoded to UTF-8): at most
/// `limit`, stopping at the first NUL.
pub fn read(source: &Source, limit: Limit) -> Result<Vec<u8>, InputError> {
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

/// Reads `reader` up to `limit`: a UTF-16 or UTF-32 text (by its byte order mark) whole and
/// decoded, anything else in blocks that fail at the first NUL byte. Past the limit it fails,
/// so neither an endless nor a binary stream is read further than one block.
fn read_bounded(reader: impl Read, source: &Source, limit: Limit) -> Result<Vec<u8>, InputError> {
    let mut reader = reader.take(limit.bytes.saturating_add(1));
    let mut bytes = Vec::new();
    let mut block = vec![0u8; BLOCK];
    // The first block holds the byte order mark, if any (a read may return less than 4 bytes).
    while bytes.len() < 4 {
        match next_block(&mut reader, &mut block, source)? {
            0 => break,
            n => bytes.extend_from_slice(&block[..n]),
        }
    }
    let wide = Wide::of_bom(&bytes);
    // Bytes before this were checked for a NUL already: each block is looked at once.
    let mut checked = 0;
    loop {
        if wide.is_none()
            && let Some(at) = bytes[checked..].iter().position(|&b| b == 0)
        {
            return Err(InputError::Binary {
                source_name: source.clone(),
                offset: checked + at,
            });
        }
        checked = bytes.len();
        if bytes.len() as u64 > limit.bytes {
            return Err(InputError::TooLarge {
                source_name: source.clone(),
                limit: limit.bytes,
                what: limit.what,
            });
        }
        match next_block(&mut reader, &mut block, source)? {
            0 => break,
            n => bytes.extend_from_slice(&block[..n]),
        }
    }
    match wide {
        None => Ok(bytes),
        Some(wide) => wide.decode(&bytes).map_err(|(offset, nul)| match nul {
            true => InputError::Binary {
                source_name: source.clone(),
                offset,
            },
            false => InputError::BadEncoding {
                source_name: source.clone(),
                encoding: wide.name(),
                offset,
            },
        }),
    }
}

/// The next block of `reader` into `block`; 0 at the end.
fn next_block(
    reader: &mut impl Read,
    block: &mut [u8],
    source: &Source,
) -> Result<usize, InputError> {
    loop {
        match reader.read(block) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => {
                return other.map_err(|error| InputError::Read {
                    source_name: source.clone(),
                    error,
                });
            }
        }
    }
}

/// A text encoding wider than a byte, named by the byte order mark it starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    /// The encoding whose byte order mark `bytes` starts with (UTF-32LE's starts like UTF-16LE's,
    /// so it is tried first); `None` for UTF-8 and anything else.
    fn of_bom(bytes: &[u8]) -> Option<Wide> {
        match bytes {
            [0xFF, 0xFE, 0, 0, ..] => Some(Wide::Utf32Le),
            [0, 0, 0xFE, 0xFF, ..] => Some(Wide::Utf32Be),
            [0xFF, 0xFE, ..] => Some(Wide::Utf16Le),
            [0xFE, 0xFF, ..] => Some(Wide::Utf16Be),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
        }
    }

    /// Bytes per code unit.
    fn unit(self) -> usize {
        match self {
            Wide::Utf16Le | Wide::Utf16Be => 2,
            Wide::Utf32Le | Wide::Utf32Be => 4,
        }
    }

    /// The code unit in `chunk` (of [`Wide::unit`] bytes).
    fn code_unit(self, chunk: &[u8]) -> u32 {
        let mut four = [0u8; 4];
        four[..chunk.len()].copy_from_slice(chunk);
        match self {
            Wide::Utf16Le => u32::from(u16::from_le_bytes([four[0], four[1]])),
            Wide::Utf16Be => u32::from(u16::from_be_bytes([four[0], four[1]])),
            Wide::Utf32Le => u32::from_le_bytes(four),
            Wide::Utf32Be => u32::from_be_bytes(four),
        }
    }

    /// `bytes` (BOM included) as UTF-8 without the BOM, or the byte offset of the first invalid
    /// code unit and whether it is a NUL (binary data) rather than an invalid one.
    fn decode(self, bytes: &[u8]) -> Result<Vec<u8>, (usize, bool)> {
        let unit = self.unit();
        let body = bytes.get(unit..).unwrap_or_default();
        let units = body.chunks_exact(unit).map(|chunk| self.code_unit(chunk));
        let mut text = String::with_capacity(body.len());
        let mut at = unit;
        let mut push = |c: Option<char>, at: usize| match c {
            Some('\0') => Err((at, true)),
            Some(c) => {
                text.push(c);
                Ok(())
            }
            None => Err((at, false)),
        };
        if unit == 2 {
            // Every unit fits in 16 bits: it was read from two bytes.
            let units = units.map(|u| u16::try_from(u).unwrap_or(0xFFFF));
            for c in char::decode_utf16(units) {
                let c = c.ok();
                push(c, at)?;
                at += c.map_or(2, |c| c.len_utf16() * 2);
            }
        } else {
            for u in units {
                push(char::from_u32(u), at)?;
                at += 4;
            }
        }
        if body.len() % unit != 0 {
            return Err((bytes.len() - body.len() % unit, false));
        }
        Ok(text.into_bytes())
    }
}

/// The largest config file or prompt template read: far more than any real one.
pub const MAX_SMALL_FILE_BYTES: u64 = 1_000_000;

/// Reads a small UTF-8 text file diglot needs besides articles (the config file, a prompt
/// template): at most [`MAX_SMALL_FILE_BYTES`], so a path to `/dev/zero` or an endless pipe
/// fails at once instead of filling memory. Past the limit the error is
/// [`std::io::ErrorKind::FileTooLarge`]; text that is not UTF-8 is
/// [`std::io::ErrorKind::InvalidData`].
pub fn read_small_text(path: &Path) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_SMALL_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SMALL_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than {} MB",
                MAX_SMALL_FILE_BYTES / BYTES_PER_MB
            ),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not valid UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Source {
        Source::File("a.txt".into())
    }

    fn article(bytes: u64) -> Limit {
        Limit::article(bytes)
    }

    #[test]
    fn reads_up_to_the_limit_and_refuses_more() {
        let text = "Hallo Welt. ".repeat(10);
        let read = read_bounded(text.as_bytes(), &file(), article(120)).expect("fits");
        assert_eq!(read, text.as_bytes());
        let err = read_bounded(text.as_bytes(), &file(), article(119)).expect_err("too large");
        assert!(
            matches!(err, InputError::TooLarge { limit: 119, .. }),
            "{err}"
        );
    }

    #[test]
    fn the_limit_is_named_in_megabytes_with_the_setting() {
        let err = read_bounded(
            std::io::repeat(b'a'),
            &file(),
            article(DEFAULT_MAX_ARTICLE_BYTES),
        )
        .expect_err("too large");
        assert_eq!(
            err.to_string(),
            "cannot use 'a.txt': it is larger than 10 MB, the limit for one article (max_article_mb)"
        );
        let err = read_bounded(std::io::repeat(b'a'), &file(), Limit::result(1_000_000))
            .expect_err("too large");
        assert!(
            matches!(
                err,
                InputError::TooLarge {
                    limit: 4_000_000,
                    what: "saved result",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn an_endless_stream_of_zeros_stops_at_the_first_block() {
        let limit = article(DEFAULT_MAX_ARTICLE_BYTES);
        let err = read_bounded(std::io::repeat(0), &file(), limit).expect_err("binary");
        assert!(matches!(err, InputError::Binary { offset: 0, .. }), "{err}");
        let mut late = vec![b'a'; BLOCK + 5];
        late.push(0);
        let err = read_bounded(late.as_slice(), &file(), limit).expect_err("binary");
        assert!(
            matches!(err, InputError::Binary { offset, .. } if offset == BLOCK + 5),
            "{err}"
        );
    }

    #[test]
    fn an_endless_text_stream_stops_past_the_limit() {
        let err =
            read_bounded(std::io::repeat(b'a'), &file(), article(1000)).expect_err("too large");
        assert!(matches!(err, InputError::TooLarge { .. }));
    }

    /// `text` in `encoding` with its byte order mark.
    fn encoded(text: &str, wide: Wide) -> Vec<u8> {
        let mut bytes = Vec::new();
        for c in std::iter::once('\u{feff}').chain(text.chars()) {
            match wide {
                Wide::Utf16Le | Wide::Utf16Be => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        bytes.extend(match wide {
                            Wide::Utf16Le => unit.to_le_bytes(),
                            _ => unit.to_be_bytes(),
                        });
                    }
                }
                Wide::Utf32Le => bytes.extend(u32::from(c).to_le_bytes()),
                Wide::Utf32Be => bytes.extend(u32::from(c).to_be_bytes()),
            }
        }
        bytes
    }

    #[test]
    fn utf16_and_utf32_with_a_bom_are_decoded_to_utf8() {
        let text = "Grüße aus Köln – 北约 😀\nZweiter Absatz.";
        for wide in [Wide::Utf16Le, Wide::Utf16Be, Wide::Utf32Le, Wide::Utf32Be] {
            let bytes = encoded(text, wide);
            assert_eq!(Wide::of_bom(&bytes), Some(wide));
            let read = read_bounded(bytes.as_slice(), &file(), article(1000)).expect("decodes");
            assert_eq!(String::from_utf8(read).expect("UTF-8"), text, "{wide:?}");
        }
    }

    #[test]
    fn a_bom_followed_by_something_else_is_named() {
        // An unpaired high surrogate at byte offset 4.
        let bytes = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        let err = read_bounded(&bytes[..], &file(), article(1000)).expect_err("invalid");
        assert!(
            matches!(
                err,
                InputError::BadEncoding {
                    encoding: "UTF-16LE",
                    offset: 4,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("starts with a UTF-16LE byte order mark"),
            "{err}"
        );
        // An odd number of bytes, and a code point past U+10FFFF.
        let err =
            read_bounded(&[0xFE, 0xFF, 0, b'a', 0][..], &file(), article(1000)).expect_err("odd");
        assert!(
            matches!(err, InputError::BadEncoding { offset: 4, .. }),
            "{err}"
        );
        let big = [0xFF, 0xFE, 0, 0, 0, 0, 0x11, 0];
        let err = read_bounded(&big[..], &file(), article(1000)).expect_err("too big");
        assert!(
            matches!(
                err,
                InputError::BadEncoding {
                    encoding: "UTF-32LE",
                    offset: 4,
                    ..
                }
            ),
            "{err}"
        );
        // A NUL character in UTF-16 is binary data, as in UTF-8.
        let nul = [0xFF, 0xFE, b'a', 0, 0, 0];
        let err = read_bounded(&nul[..], &file(), article(1000)).expect_err("binary");
        assert!(matches!(err, InputError::Binary { offset: 4, .. }), "{err}");
    }

    #[test]
    fn small_files_are_bounded() {
        let err = read_small_text(Path::new("/dev/zero")).expect_err("endless");
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.toml");
        std::fs::write(&path, b"jobs = 2\n").expect("write");
        assert_eq!(read_small_text(&path).expect("reads"), "jobs = 2\n");
        std::fs::write(&path, b"\xff").expect("write");
        let err = read_small_text(&path).expect_err("not UTF-8");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn dash_is_stdin_and_shows_as_dash() {
        assert_eq!(Source::from_arg(Path::new("-")), Source::Stdin);
        assert_eq!(Source::Stdin.to_string(), "-");
        assert_eq!(file().to_string(), "a.txt");
    }
}
