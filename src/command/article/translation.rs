//! The translation of one article's paragraphs: planned into chunks, sent through the
//! pipeline, released in paragraph order as chunks arrive ([`InOrder`]), checked for fidelity
//! off the async thread, and a paragraph whose checks show it broken sent again on its own,
//! once, keeping the better version.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::detect::{Detector, Direction};
use crate::error::Error;
use crate::glossary::Term;
use crate::guide::Article;
use crate::ingest::sentence::SentencePair;
use crate::ingest::{Paragraph, ParagraphId};
use crate::pipeline::Pipeline;
use crate::provider::Translated;
use crate::report::Usage;
use crate::verify::InOrder;
use crate::verify::fidelity::{Check, CheckKind, Pair};

/// Plans the chunks within the budget for `jobs` requests at once and runs the pipeline,
/// taking each chunk's translations as it finishes and releasing them in paragraph order; each
/// released translation is checked, and repaired once when the checks show it broken, while
/// later chunks are still on their way. Returns every translation in order, the failed checks
/// and the usage.
pub(super) async fn translate_in_order(
    pipeline: &Arc<Pipeline>,
    to_send: &[Paragraph],
    (direction, article): (Direction, &Arc<Article>),
    jobs: u32,
) -> Result<(Vec<Translated>, Vec<Check>, Usage), Error> {
    if to_send.is_empty() {
        return Ok((Vec::new(), Vec::new(), Usage::default()));
    }
    let mut chunks = crate::plan::plan(
        to_send,
        direction.source,
        direction.target,
        &pipeline.budget,
        jobs,
    );
    for chunk in &mut chunks {
        chunk.guide = article.guide(&chunk.paragraphs);
    }
    let planned = chunks.len() as u64;
    pipeline.progress.set_length(planned);
    let sources: BTreeMap<ParagraphId, &Paragraph> = to_send.iter().map(|p| (p.id, p)).collect();
    let (done, mut arriving) = mpsc::unbounded_channel();
    let sending = Arc::clone(pipeline).translate(chunks, done);
    let receiving = async {
        let mut order = InOrder::new(to_send);
        let mut finished = Vec::new();
        let mut repairs = JoinSet::new();
        let mut repaired = std::collections::BTreeSet::new();
        while let Some(chunk) = arriving.recv().await {
            let ready = order.push(chunk);
            let checks = fidelity_checks(&sources, &ready, (direction, article)).await?;
            for translated in ready {
                let own: Vec<Check> = checks
                    .iter()
                    .filter(|c| c.paragraph == translated.id)
                    .cloned()
                    .collect();
                let Some(&paragraph) = sources.get(&translated.id) else {
                    continue;
                };
                if own.iter().any(|c| c.kind.shows_broken()) {
                    let (pipeline, paragraph) = (Arc::clone(pipeline), paragraph.clone());
                    let reminders =
                        missed_terms(article.terms(), &paragraph.text, &translated.text);
                    repaired.insert(translated.id);
                    let first = Attempt {
                        translated,
                        checks: own,
                        reminders,
                    };
                    repairs.spawn(repair(
                        pipeline,
                        paragraph,
                        first,
                        (direction, Arc::clone(article)),
                    ));
                } else {
                    finished.push((translated, own));
                }
            }
        }
        while let Some(repaired) = repairs.join_next().await {
            finished.push(repaired.map_err(|source| Error::Task {
                what: "repair",
                source,
            })??);
        }
        Ok::<_, Error>((order, finished, repaired))
    };
    let (sent, received) = tokio::join!(sending, receiving);
    sent?;
    let (order, finished, repaired) = received?;
    order.finish()?;
    let finished = super::names::settle_names(
        pipeline,
        (&sources, &repaired),
        finished,
        (direction, article),
    )
    .await?;
    let (translated, checks): (Vec<Translated>, Vec<Vec<Check>>) = finished.into_iter().unzip();
    Ok((translated, checks.concat(), pipeline.usage(planned)))
}

/// A translation of one paragraph, its failed checks, and the glossary entries (or names)
/// a repair should call out.
pub(super) struct Attempt {
    pub(super) translated: Translated,
    pub(super) checks: Vec<Check>,
    pub(super) reminders: Vec<Term>,
}

/// The entries of `terms` that occur in `source` but that `target` does not follow.
pub(super) fn missed_terms(terms: &[Term], source: &str, target: &str) -> Vec<Term> {
    terms
        .iter()
        .filter(|t| t.occurs_in(source) && !t.is_rendered_in(target))
        .cloned()
        .collect()
}

/// Sends `paragraph` again on its own because the checks show `first` broken, with its
/// glossary entries, its context and the entries it missed called out, and keeps the version
/// that fails fewer checks (a reminder still not followed counts as one), the first on a tie
/// or when the second request fails: a repair is a second chance, never a new way to fail.
pub(super) async fn repair(
    pipeline: Arc<Pipeline>,
    paragraph: Paragraph,
    first: Attempt,
    (direction, article): (Direction, Arc<Article>),
) -> Result<(Translated, Vec<Check>), Error> {
    let mut guide = article.guide(std::slice::from_ref(&paragraph));
    guide.reminders = first.reminders.clone();
    for term in &first.reminders {
        if !guide.terms.contains(term) {
            guide.terms.push(term.clone());
        }
    }
    let Ok(again) = pipeline
        .retranslate(&paragraph, (direction.source, direction.target), guide)
        .await
    else {
        return Ok((first.translated, first.checks));
    };
    let sources = BTreeMap::from([(paragraph.id, &paragraph)]);
    let again_checks = fidelity_checks(
        &sources,
        std::slice::from_ref(&again),
        (direction, &article),
    )
    .await?;
    let unfollowed = |text: &str, checks: &[Check]| {
        first
            .reminders
            .iter()
            .filter(|t| !t.is_rendered_in(text))
            .filter(|t| {
                !checks
                    .iter()
                    .any(|c| c.kind == CheckKind::TermMismatch && c.detail == t.describe())
            })
            .count()
    };
    let first_failures = first.checks.len() + unfollowed(&first.translated.text, &first.checks);
    let again_failures = again_checks.len() + unfollowed(&again.text, &again_checks);
    if again_failures < first_failures {
        Ok((again, again_checks))
    } else {
        Ok((first.translated, first.checks))
    }
}

/// The fidelity checks of `ready` translations (per sentence pair where they are aligned by
/// sentence), the glossary's included, in the blocking pool: they run lingua over every
/// translation.
pub(super) async fn fidelity_checks(
    sources: &BTreeMap<ParagraphId, &Paragraph>,
    ready: &[Translated],
    (direction, article): (Direction, &Arc<Article>),
) -> Result<Vec<Check>, Error> {
    if ready.is_empty() {
        return Ok(Vec::new());
    }
    let terms = article.terms().to_vec();
    let sentences: BTreeMap<ParagraphId, Vec<SentencePair>> = ready
        .iter()
        .filter(|t| !t.sentences.is_empty())
        .map(|t| (t.id, t.sentences.clone()))
        .collect();
    on_pairs(sources, ready, "fidelity check", move |pairs| {
        let mut checks = crate::verify::sentences::check(
            pairs.iter().map(|pair| {
                let aligned = sentences.get(&pair.id).map_or(&[][..], Vec::as_slice);
                (*pair, aligned)
            }),
            direction.source,
            direction.target,
            &Detector::new(),
        );
        for pair in pairs {
            checks.extend(crate::verify::consistency::term_mismatches(pair, &terms));
        }
        checks.sort_by_key(|c| c.paragraph);
        checks
    })
    .await
}

/// Runs `work` (`what`, for the error) over the pairs of `translated` and their sources, in
/// the blocking pool: the checks run lingua, and a long article has many names to compare.
pub(super) async fn on_pairs<'a, T: Send + 'static>(
    sources: &BTreeMap<ParagraphId, &Paragraph>,
    translated: impl IntoIterator<Item = &'a Translated>,
    what: &'static str,
    work: impl FnOnce(&[Pair<'_>]) -> T + Send + 'static,
) -> Result<T, Error> {
    let texts: Vec<(ParagraphId, String, String)> = translated
        .into_iter()
        .filter_map(|t| Some((t.id, sources.get(&t.id)?.text.clone(), t.text.clone())))
        .collect();
    tokio::task::spawn_blocking(move || {
        let pairs: Vec<Pair<'_>> = texts
            .iter()
            .map(|(id, source, target)| Pair {
                id: *id,
                source,
                target,
            })
            .collect();
        work(&pairs)
    })
    .await
    .map_err(|source| Error::Task { what, source })
}
