//! `diglot terms`: the names of a saved `--format json` translation with their translations,
//! as a glossary file (CSV) to correct and pass to `translate --glossary`.
//!
//! The names are those the `name_drift` check finds ([`crate::verify::consistency::names`]):
//! every capitalized word of the source (a name, and in German also a noun) whose
//! translation holds a similar capitalized word, with the rendering most paragraphs use;
//! the note says where it occurs and where it was translated otherwise. When the result has a
//! brief, each of its people and organisations whose every identifying word is such a name
//! follows as a whole (`Wladimir Putin` → `Vladimir Putin`).

use super::{Outcome, check::read_result};
use crate::cli::TermsCommandArgs;
use crate::error::Error;
use crate::glossary::Term;
use crate::provider::list_ids;
use crate::report::{ParagraphPair, Report};
use crate::verify::consistency::{NameUse, names};
use crate::verify::fidelity::Pair;

/// Prints the glossary of a saved result of an article of at most `max_article_bytes`.
pub(super) fn run(args: &TermsCommandArgs, max_article_bytes: u64) -> Result<Outcome, Error> {
    let (_, report) = read_result(&args.file, max_article_bytes)?;
    let rows = rows(&report);
    let text = crate::glossary::file::to_csv(report.source.language, report.target.language, &rows);
    Ok(Outcome::of(text.into_bytes()))
}

/// The glossary rows of a report: its names, then the brief's multi-word entities.
fn rows(report: &Report) -> Vec<(Term, String)> {
    let pairs: Vec<Pair<'_>> = report
        .paragraphs
        .iter()
        .filter_map(ParagraphPair::checked)
        .collect();
    let found = names(&pairs, report.source.language, report.target.language);
    let mut rows: Vec<(Term, String)> = found
        .iter()
        .map(|name| (name.as_term(), note(name)))
        .collect();
    for entity in report.brief.iter().flat_map(|b| &b.entities) {
        if let Some(term) = entity_term(&entity.name, &found)
            && !rows
                .iter()
                .any(|(t, _)| crate::glossary::same_source(t, &term))
        {
            rows.push((term, "a person or organisation of the brief".to_owned()));
        }
    }
    rows
}

/// Where a name occurs, and where it was translated otherwise.
fn note(name: &NameUse) -> String {
    let mut note = format!("in {}", list_ids(&name.paragraphs));
    for (id, rendering) in &name.drifted {
        note.push_str(&format!("; {rendering} in {id}"));
    }
    note
}

/// An entity of several words as one entry, when every word of two letters or more is a name
/// found in the translation (its other words stay as they are).
fn entity_term(entity: &str, found: &[NameUse]) -> Option<Term> {
    let words: Vec<&str> = entity.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    let mut target = Vec::new();
    for word in &words {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let name = found
            .iter()
            .find(|n| crate::glossary::same_word(&n.source, core));
        match name {
            Some(name) => target.push(word.replace(core, &name.rendering)),
            None if core.chars().count() <= 3
                || core.chars().next().is_some_and(char::is_lowercase) =>
            {
                target.push((*word).to_owned());
            }
            None => return None,
        }
    }
    Some(Term::new(entity.to_owned(), target.join(" ")))
}
