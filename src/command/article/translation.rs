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
use crate::ingest::{Paragraph, ParagraphId};
use crate::pipeline::Pipeline;
use crate::provider::Translated;
use crate::report::Usage;
use crate::verify::InOrder;
use crate::verify::fidelity::{Check, Pair};

/// Plans the chunks within the budget for `jobs` requests at once and runs the pipeline,
/// taking each chunk's translations as it finishes and releasing them in paragraph order; each
/// released translation is checked, and repaired once when the checks show it broken, while
/// later chunks are still on their way. Returns every translation in order, the failed checks
/// and the usage.
pub(super) async fn translate_in_order(
    pipeline: &Arc<Pipeline>,
    to_send: &[Paragraph],
    direction: Direction,
    jobs: u32,
) -> Result<(Vec<Translated>, Vec<Check>, Usage), Error> {
    if to_send.is_empty() {
        return Ok((Vec::new(), Vec::new(), Usage::default()));
    }
    let chunks = crate::plan::plan(
        to_send,
        direction.source,
        direction.target,
        &pipeline.budget,
        jobs,
    );
    let planned = chunks.len() as u64;
    pipeline.progress.set_length(planned);
    let sources: BTreeMap<ParagraphId, &Paragraph> = to_send.iter().map(|p| (p.id, p)).collect();
    let (done, mut arriving) = mpsc::unbounded_channel();
    let sending = Arc::clone(pipeline).translate(chunks, done);
    let receiving = async {
        let mut order = InOrder::new(to_send);
        let mut finished = Vec::new();
        let mut repairs = JoinSet::new();
        while let Some(chunk) = arriving.recv().await {
            let ready = order.push(chunk);
            let checks = fidelity_checks(&sources, &ready, direction).await?;
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
                    repairs.spawn(repair(pipeline, paragraph, translated, own, direction));
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
        Ok::<_, Error>((order, finished))
    };
    let (sent, received) = tokio::join!(sending, receiving);
    sent?;
    let (order, mut finished) = received?;
    order.finish()?;
    finished.sort_by_key(|(t, _)| t.id);
    let (translated, checks): (Vec<Translated>, Vec<Vec<Check>>) = finished.into_iter().unzip();
    Ok((translated, checks.concat(), pipeline.usage(planned)))
}

/// Sends `paragraph` again on its own because `checks` show `first` broken, and keeps the
/// version that fails fewer checks (the first on a tie, or when the second request fails: a
/// repair is a second chance, never a new way to fail).
async fn repair(
    pipeline: Arc<Pipeline>,
    paragraph: Paragraph,
    first: Translated,
    checks: Vec<Check>,
    direction: Direction,
) -> Result<(Translated, Vec<Check>), Error> {
    let Ok(again) = pipeline
        .retranslate(&paragraph, direction.source, direction.target)
        .await
    else {
        return Ok((first, checks));
    };
    let sources = BTreeMap::from([(paragraph.id, &paragraph)]);
    let again_checks = fidelity_checks(&sources, std::slice::from_ref(&again), direction).await?;
    if again_checks.len() < checks.len() {
        Ok((again, again_checks))
    } else {
        Ok((first, checks))
    }
}

/// The fidelity checks of `ready` translations (per sentence pair where they are aligned by
/// sentence), in the blocking pool: they run lingua over every translation.
async fn fidelity_checks(
    sources: &BTreeMap<ParagraphId, &Paragraph>,
    ready: &[Translated],
    direction: Direction,
) -> Result<Vec<Check>, Error> {
    if ready.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: Vec<(ParagraphId, String, Translated)> = ready
        .iter()
        .filter_map(|t| Some((t.id, sources.get(&t.id)?.text.clone(), t.clone())))
        .collect();
    tokio::task::spawn_blocking(move || {
        crate::verify::sentences::check(
            pairs.iter().map(|(id, source, target)| {
                let pair = Pair {
                    id: *id,
                    source,
                    target: &target.text,
                };
                (pair, target.sentences.as_slice())
            }),
            direction.source,
            direction.target,
            &Detector::new(),
        )
    })
    .await
    .map_err(|source| Error::Task {
        what: "fidelity check",
        source,
    })
}
