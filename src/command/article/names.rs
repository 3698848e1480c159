//! Names across the whole article, once every paragraph is in: the `name_drift` check
//! ([`crate::verify::consistency`]), and the repair of a paragraph that renders a name
//! otherwise than the rest of the article: it is sent again on its own, once, with the name's
//! usual rendering called out as a glossary entry would be, and the better version is kept. A
//! paragraph already sent again for another check is not sent a third time.
//! Then the check runs again over the whole article and its findings join the others.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::task::JoinSet;

use super::translation::{Attempt, on_pairs, repair};
use crate::detect::Direction;
use crate::error::Error;
use crate::glossary::Term;
use crate::guide::Article;
use crate::ingest::{Paragraph, ParagraphId};
use crate::pipeline::Pipeline;
use crate::provider::Translated;
use crate::verify::consistency::{NameUse, name_drift, names};
use crate::verify::fidelity::{Check, CheckKind};

/// The finished translations in paragraph order, drifting names repaired (a paragraph in
/// `repaired` was sent again already, and is not sent a third time), with the `name_drift`
/// checks of the result added to each paragraph's checks.
pub(super) async fn settle_names(
    pipeline: &Arc<Pipeline>,
    (sources, repaired): (
        &BTreeMap<ParagraphId, &Paragraph>,
        &std::collections::BTreeSet<ParagraphId>,
    ),
    mut finished: Vec<(Translated, Vec<Check>)>,
    (direction, article): (Direction, &Arc<Article>),
) -> Result<Vec<(Translated, Vec<Check>)>, Error> {
    finished.sort_by_key(|(t, _)| t.id);
    let drifting = on_pairs(
        sources,
        finished.iter().map(|(t, _)| t),
        "name check",
        move |pairs| names(pairs, direction.source, direction.target),
    )
    .await?;
    let mut reminders = reminders_by_paragraph(&drifting);
    reminders.retain(|id, _| !repaired.contains(id));
    if !reminders.is_empty() {
        let mut repairs = JoinSet::new();
        let mut kept = Vec::new();
        for (translated, checks) in finished {
            let paragraph = sources.get(&translated.id).map(|p| (*p).clone());
            match (reminders.get(&translated.id), paragraph) {
                (Some(terms), Some(paragraph)) => {
                    let first = Attempt {
                        translated,
                        checks,
                        reminders: terms.clone(),
                    };
                    let context = (direction, Arc::clone(article));
                    repairs.spawn(repair(Arc::clone(pipeline), paragraph, first, context));
                }
                _ => kept.push((translated, checks)),
            }
        }
        while let Some(repaired) = repairs.join_next().await {
            kept.push(repaired.map_err(|source| Error::Task {
                what: "repair",
                source,
            })??);
        }
        kept.sort_by_key(|(t, _)| t.id);
        finished = kept;
    }
    let drift = on_pairs(
        sources,
        finished.iter().map(|(t, _)| t),
        "name check",
        move |pairs| name_drift(pairs, direction.source, direction.target),
    )
    .await?;
    for (translated, checks) in &mut finished {
        checks.retain(|c| c.kind != CheckKind::NameDrift);
        checks.extend(
            drift
                .iter()
                .filter(|c| c.paragraph == translated.id)
                .cloned(),
        );
    }
    Ok(finished)
}

/// For each paragraph that drifts, the names to call out: each name's source form and usual
/// rendering, as a glossary entry.
fn reminders_by_paragraph(names: &[NameUse]) -> BTreeMap<ParagraphId, Vec<Term>> {
    let mut by_paragraph: BTreeMap<ParagraphId, Vec<Term>> = BTreeMap::new();
    for name in names {
        for (id, _) in &name.drifted {
            by_paragraph.entry(*id).or_default().push(name.as_term());
        }
    }
    by_paragraph
}
