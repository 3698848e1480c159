//! Ingest: raw input bytes → a [`Document`] of paragraphs with stable ids.
//!
//! Owns validation of the input (UTF-8, no binary, not empty), normalization (Unicode NFC, line
//! endings, stray whitespace, soft hyphens), paragraph splitting for both one-paragraph-per-line
//! and hard-wrapped input, and setting aside trailing boilerplate (newsletter, social-media and
//! donation footers). It does no I/O and knows nothing about languages or providers.

use std::fmt;

use serde::Serialize;

/// A paragraph's stable id: its 1-based position in the input. Displays as `¶3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ParagraphId(pub u32);

impl fmt::Display for ParagraphId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¶{}", self.0)
    }
}

/// One normalized paragraph: a single line of text, no newlines, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Position in the input, counting boilerplate paragraphs too.
    pub id: ParagraphId,
    /// Normalized text (NFC, single spaces, no soft hyphens, no control characters).
    pub text: String,
}

/// How the input laid out its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputLayout {
    /// Every non-empty line is a paragraph.
    LinePerParagraph,
    /// Paragraphs are separated by blank lines; lines inside one are joined.
    BlankLineSeparated,
}

/// The article, split into paragraphs.
///
/// Invariant: ids run 1..=n without gaps over `paragraphs` followed by `boilerplate`, so an
/// article keeps the same ids whether or not its boilerplate is translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The article body, in order. Never empty.
    pub paragraphs: Vec<Paragraph>,
    /// Trailing footer paragraphs set aside (newsletter, follow-us, donation calls), in order.
    pub boilerplate: Vec<Paragraph>,
    /// The layout that was recognized.
    pub layout: InputLayout,
}

/// Why input cannot be read as an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// No text at all, or only whitespace.
    #[error("the input is empty (or only whitespace)")]
    Empty,
    /// A NUL byte: this is binary data, not text.
    #[error("the input looks binary (NUL byte at offset {offset})")]
    Binary {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// Not valid UTF-8.
    #[error("the input is not valid UTF-8 (invalid byte at offset {offset})")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
}
