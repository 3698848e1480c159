//! Glossary files: reading CSV and TSV, writing CSV (for `diglot terms`) and DeepL's TSV
//! entries.
//!
//! The format: UTF-8 text, one entry per row, comma-separated (tab-separated when the file
//! ends in `.tsv` or `.tab`, or its first line holds a tab), fields quoted as CSV quotes them.
//! The first row is the header: the two languages' ISO 639-1 codes (`de,en`: German terms in
//! the first column, their English translations in the second), then optionally `case`
//! (`sensitive`, `yes`, `true` or `1` marks an entry case-sensitive; empty, `insensitive`,
//! `no`, `false` or `0` leaves it not) and `note` (ignored, for people). Rows starting with
//! `#` are comments; blank rows are skipped; spaces around fields are trimmed. A source term
//! given twice with different translations is an error. TBX is not read: no maintained Rust
//! crate reads it (see the README).

use std::path::Path;

use super::{Glossary, Term, same_source};
use crate::language::LanguageCode;

/// Why a glossary file cannot be used. All of these exit 2.
#[derive(Debug, thiserror::Error)]
pub enum GlossaryError {
    /// The file cannot be read (missing, unreadable, too large, not UTF-8).
    #[error("cannot read glossary '{path}': {source}")]
    Read {
        /// The file as given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A TBX (XML) file.
    #[error(
        "glossary '{path}' is TBX, which diglot does not read: save it as CSV or TSV with a \
         header naming the two languages (de,en)"
    )]
    Tbx {
        /// The file as given.
        path: String,
    },
    /// A row that is not a glossary entry.
    #[error("invalid glossary '{path}' at line {line}: {problem}")]
    Invalid {
        /// The file as given.
        path: String,
        /// 1-based line of the problem.
        line: u64,
        /// What is wrong.
        problem: Problem,
    },
}

/// What is wrong with a row of a glossary file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The file has no rows at all.
    #[error("the file is empty; the first row must name the two languages, as in de,en")]
    NoHeader,
    /// A header column that should be a language code is not one.
    #[error("column {column} of the header is '{value}', not a language code (as in de,en)")]
    NotALanguage {
        /// 1 or 2.
        column: usize,
        /// What it says.
        value: String,
    },
    /// Both header columns name the same language.
    #[error("both columns are {0}: a glossary goes from one language into another")]
    SameLanguages(LanguageCode),
    /// A header column that diglot does not know.
    #[error("unknown column '{0}' (after the two languages: case, note)")]
    UnknownColumn(String),
    /// A row with fewer than two fields.
    #[error("a row needs a term and its translation, separated by a {0}")]
    TooFewFields(&'static str),
    /// An empty term or translation.
    #[error("the {0} is empty")]
    Empty(&'static str),
    /// A `case` value that is not one of the known words.
    #[error("case is '{0}'; use sensitive or insensitive (or leave it empty)")]
    BadCase(String),
    /// The same source term with another translation earlier in the file.
    #[error("'{term}' is already given on line {line} with another translation")]
    Duplicate {
        /// The term.
        term: String,
        /// Where it was first given.
        line: u64,
    },
    /// The CSV itself is broken (an unclosed quote, say).
    #[error("{0}")]
    Csv(String),
}

/// Reads the glossary at `path` (at most [`crate::input::MAX_SMALL_FILE_BYTES`]).
pub fn load(path: &Path) -> Result<Glossary, GlossaryError> {
    let shown = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(extension.as_deref(), Some("tbx")) {
        return Err(GlossaryError::Tbx { path: shown });
    }
    let text = crate::input::read_small_text(path).map_err(|source| GlossaryError::Read {
        path: shown.clone(),
        source,
    })?;
    let tabs = matches!(extension.as_deref(), Some("tsv" | "tab"));
    parse(&text, &shown, tabs)
}

/// Reads every glossary of `paths`, in order.
pub fn load_all<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
) -> Result<super::Glossaries, GlossaryError> {
    paths
        .into_iter()
        .map(load)
        .collect::<Result<Vec<_>, _>>()
        .map(super::Glossaries)
}

/// Parses glossary `text` read from `origin`; `tabs` forces tab-separated fields (else a tab
/// in the first line decides).
pub fn parse(text: &str, origin: &str, tabs: bool) -> Result<Glossary, GlossaryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with("<?xml") || text.trim_start().starts_with("<martif") {
        return Err(GlossaryError::Tbx {
            path: origin.to_owned(),
        });
    }
    let tabs = tabs || text.lines().next().is_some_and(|l| l.contains('\t'));
    let invalid = |line: u64, problem: Problem| GlossaryError::Invalid {
        path: origin.to_owned(),
        line,
        problem,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tabs { b'\t' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = reader.records().filter(|row| {
        row.as_ref()
            .map_or(true, |r| r.iter().any(|field| !field.is_empty()))
    });
    let line_of = |row: &csv::StringRecord| row.position().map_or(1, csv::Position::line);
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(1, csv::Position::line);
        invalid(line, Problem::Csv(e.to_string()))
    };
    let header = rows
        .next()
        .transpose()
        .map_err(csv_error)?
        .ok_or_else(|| invalid(1, Problem::NoHeader))?;
    let columns = Columns::of(&header).map_err(|p| invalid(line_of(&header), p))?;
    let separator = if tabs { "tab" } else { "comma" };
    let mut terms: Vec<(Term, u64)> = Vec::new();
    for row in rows {
        let row = row.map_err(csv_error)?;
        let line = line_of(&row);
        let term = columns
            .term(&row, separator)
            .map_err(|p| invalid(line, p))?;
        match terms.iter().find(|(t, _)| same_source(t, &term)) {
            Some((earlier, _)) if earlier.target == term.target => {}
            Some((earlier, first)) => {
                return Err(invalid(
                    line,
                    Problem::Duplicate {
                        term: earlier.source.clone(),
                        line: *first,
                    },
                ));
            }
            None => terms.push((term, line)),
        }
    }
    Ok(Glossary {
        origin: origin.to_owned(),
        source: columns.source,
        target: columns.target,
        terms: terms.into_iter().map(|(term, _)| term).collect(),
    })
}

/// What the header says: the two languages and where the optional columns are.
struct Columns {
    source: LanguageCode,
    target: LanguageCode,
    case: Option<usize>,
}

impl Columns {
    fn of(header: &csv::StringRecord) -> Result<Columns, Problem> {
        let language = |column: usize| -> Result<LanguageCode, Problem> {
            let value = header.get(column - 1).unwrap_or_default();
            value.parse().map_err(|_| Problem::NotALanguage {
                column,
                value: value.to_owned(),
            })
        };
        let (source, target) = (language(1)?, language(2)?);
        if source == target {
            return Err(Problem::SameLanguages(source));
        }
        let mut case = None;
        for (i, name) in header.iter().enumerate().skip(2) {
            match name.to_lowercase().as_str() {
                "case" => case = Some(i),
                "note" | "notes" | "" => {}
                _ => return Err(Problem::UnknownColumn(name.to_owned())),
            }
        }
        Ok(Columns {
            source,
            target,
            case,
        })
    }

    fn term(&self, row: &csv::StringRecord, separator: &'static str) -> Result<Term, Problem> {
        if row.len() < 2 {
            return Err(Problem::TooFewFields(separator));
        }
        let field = |i: usize, side: &'static str| -> Result<String, Problem> {
            let text = row
                .get(i)
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if text.is_empty() {
                Err(Problem::Empty(side))
            } else {
                Ok(text)
            }
        };
        let case_sensitive = match self.case.and_then(|i| row.get(i)) {
            None => false,
            Some(value) => match value.to_lowercase().as_str() {
                "sensitive" | "yes" | "true" | "1" => true,
                "insensitive" | "no" | "false" | "0" | "" => false,
                _ => return Err(Problem::BadCase(value.to_owned())),
            },
        };
        Ok(Term {
            source: field(0, "term")?,
            target: field(1, "translation")?,
            case_sensitive,
        })
    }
}

/// A glossary file's text: the header `source,target,case,note`, then one row per entry with
/// its note (empty when `None`). It reads back with [`parse`].
pub fn to_csv(source: LanguageCode, target: LanguageCode, rows: &[(Term, String)]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut write = |fields: [&str; 4]| {
        // Writing into memory cannot fail.
        let _ = writer.write_record(fields);
    };
    write([source.as_str(), target.as_str(), "case", "note"]);
    for (term, note) in rows {
        let case = if term.case_sensitive { "sensitive" } else { "" };
        write([&term.source, &term.target, case, note]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// DeepL's `tsv` entries for `terms`: `source<TAB>target` lines.
pub fn to_deepl_tsv(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| format!("{}\t{}", t.source, t.target))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> (u64, Problem) {
        match parse(text, "g.csv", false) {
            Err(GlossaryError::Invalid { line, problem, .. }) => (line, problem),
            other => panic!("expected an invalid glossary, got {other:?}"),
        }
    }

    #[test]
    fn reads_csv_with_quotes_comments_case_and_notes() {
        let text = "de,en,case,note\n# house style\n Kiew , Kyiv ,,capital\n\n\"Die Linke\",\"The Left\",sensitive\n";
        let glossary = parse(text, "g.csv", false).expect("parses");
        assert_eq!(
            (glossary.source, glossary.target),
            (LanguageCode::DE, LanguageCode::EN)
        );
        assert_eq!(
            glossary.terms,
            [
                Term {
                    source: "Kiew".into(),
                    target: "Kyiv".into(),
                    case_sensitive: false
                },
                Term {
                    source: "Die Linke".into(),
                    target: "The Left".into(),
                    case_sensitive: true
                },
            ]
        );
    }

    #[test]
    fn reads_tsv_by_its_first_line_and_a_bom() {
        let glossary = parse("\u{feff}en\tde\nKyiv\tKiew\n", "g.txt", false).expect("parses");
        assert_eq!(glossary.source, LanguageCode::EN);
        assert_eq!(glossary.terms[0].target, "Kiew");
    }

    #[test]
    fn bad_files_name_the_line_and_the_problem() {
        assert_eq!(problem(""), (1, Problem::NoHeader));
        assert!(matches!(
            problem("term,translation\n"),
            (1, Problem::NotALanguage { column: 1, .. })
        ));
        assert_eq!(
            problem("de,de\n").1,
            Problem::SameLanguages(LanguageCode::DE)
        );
        assert_eq!(
            problem("de,en,colour\n").1,
            Problem::UnknownColumn("colour".into())
        );
        assert_eq!(
            problem("de,en\nKiew,Kyiv\nBerlin\n"),
            (3, Problem::TooFewFields("comma"))
        );
        assert_eq!(problem("de,en\n,Kyiv\n"), (2, Problem::Empty("term")));
        assert_eq!(
            problem("de,en,case\nKiew,Kyiv,maybe\n").1,
            Problem::BadCase("maybe".into())
        );
        assert_eq!(
            problem("de,en\nKiew,Kyiv\nkiew,Kiev\n"),
            (
                3,
                Problem::Duplicate {
                    term: "Kiew".into(),
                    line: 2
                }
            )
        );
        // A quoted comma is part of the field: one field, not two.
        assert_eq!(
            problem("de,en\n\"Kiew,Kyiv\"\n"),
            (2, Problem::TooFewFields("comma"))
        );
        assert!(parse("de,en\nKiew,Kyiv\nKiew,Kyiv\n", "g", false).is_ok());
        let tbx = parse("<?xml version=\"1.0\"?><martif/>", "g.xml", false);
        assert!(matches!(tbx, Err(GlossaryError::Tbx { .. })), "{tbx:?}");
    }

    #[test]
    fn written_csv_reads_back() {
        let rows = vec![
            (
                Term {
                    source: "Selenskyj, Wolodymyr".into(),
                    target: "Zelensky \"Volodymyr\"".into(),
                    case_sensitive: true,
                },
                "in ¶1, ¶3".to_owned(),
            ),
            (
                Term {
                    source: "Kiew".into(),
                    target: "Kyiv".into(),
                    case_sensitive: false,
                },
                String::new(),
            ),
        ];
        let text = to_csv(LanguageCode::DE, LanguageCode::EN, &rows);
        let back = parse(&text, "terms.csv", false).expect("reads back");
        let terms: Vec<Term> = rows.into_iter().map(|(t, _)| t).collect();
        assert_eq!(back.terms, terms);
        assert_eq!(to_deepl_tsv(&terms[1..]), "Kiew\tKyiv");
    }
}
