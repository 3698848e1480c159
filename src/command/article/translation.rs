//! The translation of one article's paragraphs: planned into chunks, sent through the
//! pipeline, put in paragraph order as chunks arrive ([`InOrder`]), checked for fidelity off
//! the async thread, a paragraph whose checks show it broken sent again on its own, once,
//! keeping the better version, and each translation released in order the moment it and all
//! before it are checked and repaired (what progressive output prints).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use indicatif::ProgressBar;

use super::{Prepared, Session, Sink, Terms};
use crate::detect::{Detector, Direction};
use crate::error::Error;
use crate::glossary::Term;
use crate::guide::Article;
use crate::ingest::sentence::SentencePair;
use crate::ingest::{Paragraph, ParagraphId};
use crate::pipeline::Pipeline;
use crate::plan::Chunk;
use crate::provider::Translated;
use crate::render::progressive::{Head, most_sentences};
use crate::report::Usage;
use crate::report::{ParagraphPair, Report};
use crate::verify::InOrder;
use crate::verify::fidelity::{Check, CheckKind, Pair};

/// Translates the paragraphs not already in the target language, takes each chunk's
/// translations in paragraph order as they arrive, checks every one came back exactly once,
/// runs the fidelity checks, and hands each pair (kept paragraphs in their place) to `sink` as
/// soon as it and every pair before it are verified; the brief, when asked, is written at the
/// same time.
pub(super) async fn translate_article(
    session: &Session,
    prepared: Prepared,
    progress: ProgressBar,
    (brief_points, terms): (Option<u8>, &Terms),
    mut sink: Option<&mut (dyn Sink + Send)>,
) -> Result<(Report, Vec<String>), Error> {
    let provider = super::provider_info(&session.main.provider);
    let (source, target) = (prepared.source(), prepared.target());
    let ids: Vec<ParagraphId> = prepared.paragraphs.iter().map(|p| p.id).collect();
    if let Some(sink) = sink.as_deref_mut() {
        let sources: Vec<&str> = prepared
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        let head = Head {
            source: &source,
            target: &target,
            provider: &provider,
            ids: &ids,
            sentences: most_sentences(sources.iter().copied(), session.main.align),
        };
        sink.start(&head, &sources, &prepared.boilerplate)?;
    }
    let to_send = prepared.to_send();
    // Read as it arrives: the opening paragraph alone, so the first pair comes fast. A whole
    // document gains nothing from it and would pay for one more prompt.
    let opening = sink.is_some();
    let pipeline = match sink.as_deref() {
        Some(sink) => session.main.pipeline_showing(progress, sink.live()),
        None => session.main.pipeline(progress),
    };
    let (from, to) = (prepared.direction.source, prepared.direction.target);
    let article = Arc::new(Article::new(
        prepared.paragraphs.clone(),
        terms.glossaries.terms_for(from, to),
        terms.context,
    ));
    let mut pairs = Pairs {
        prepared: &prepared,
        out: Vec::new(),
        sink,
    };
    let translating = async {
        let mut release = |t: &Translated, checks: &[Check]| pairs.translated(t, checks);
        let done = translate_in_order(
            &pipeline,
            &to_send,
            (prepared.direction, &article),
            (session.jobs, opening),
            &mut release,
        )
        .await?;
        Ok::<_, Error>(done)
    };
    let briefing = async {
        match (brief_points, &session.brief) {
            (Some(points), Some(connection)) => {
                super::write_brief(connection, &prepared, (points, terms))
                    .await
                    .map(Some)
            }
            _ => Ok(None),
        }
    };
    let ((_, checks, mut usage), brief) = tokio::try_join!(translating, briefing)?;
    pairs.rest()?;
    let mut warnings = pipeline.take_warnings();
    if !terms.glossaries.is_empty() && article.terms().is_empty() {
        warnings.push(format!(
            "no glossary is for {from}→{to} (given: {}): its terms are not used",
            terms.glossaries.pairs().join(", ")
        ));
    }
    let brief = brief.map(|(brief, brief_usage, brief_warnings)| {
        usage.add(&brief_usage);
        warnings.extend(brief_warnings);
        brief
    });
    let report = Report {
        source,
        target,
        provider,
        paragraphs: pairs.out,
        boilerplate: prepared.boilerplate,
        usage,
        brief,
        checks,
    };
    Ok((report, warnings))
}

/// The pairs of an article as their translations are released: each paragraph kept as it
/// was (already in the target language) takes its place between them.
struct Pairs<'a, 'b> {
    prepared: &'a Prepared,
    /// The pairs so far, in article order.
    out: Vec<ParagraphPair>,
    sink: Option<&'b mut (dyn Sink + Send)>,
}

impl Pairs<'_, '_> {
    /// The translation of the next sent paragraph, after any kept ones before it.
    fn translated(&mut self, translated: &Translated, checks: &[Check]) -> Result<(), Error> {
        while let Some(p) = self.prepared.paragraphs.get(self.out.len())
            && p.id != translated.id
        {
            self.push(None, &[])?;
        }
        self.push(Some(translated), checks)
    }

    /// The kept paragraphs after the last translation.
    fn rest(&mut self) -> Result<(), Error> {
        while self.out.len() < self.prepared.paragraphs.len() {
            self.push(None, &[])?;
        }
        Ok(())
    }

    /// The next paragraph with its translation, its sentence pairs when aligned by sentence
    /// (`None`: kept as it was).
    fn push(&mut self, target: Option<&Translated>, checks: &[Check]) -> Result<(), Error> {
        let at = self.out.len();
        let (Some(p), Some(d)) = (
            self.prepared.paragraphs.get(at),
            self.prepared.detection.paragraphs.get(at),
        ) else {
            return Ok(());
        };
        let pair = ParagraphPair {
            id: p.id,
            source: p.text.clone(),
            translated: target.is_some(),
            target: target.map_or(&p.text, |t| &t.text).clone(),
            language: d.language,
            confidence: d.confidence,
            sentences: target.map(|t| t.sentences.clone()).unwrap_or_default(),
        };
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.pair(&pair, checks)?;
        }
        self.out.push(pair);
        Ok(())
    }
}

/// Takes each checked translation, in order, with the checks it failed.
pub(super) type Release<'a> = dyn FnMut(&Translated, &[Check]) -> Result<(), Error> + Send + 'a;

/// Plans the chunks within the budget for `jobs` requests at once (with `opening`, the opening
/// paragraph alone, for a fast first pair) and runs the pipeline,
/// taking each chunk's translations as it finishes and putting them in paragraph order; each
/// is checked, and repaired once when the checks show it broken, while later chunks are still
/// on their way. `release` gets each translation with its failed checks the moment it and
/// every one before it are checked (and repaired): never out of order, never unchecked; an
/// error from it stops the run. Returns every translation in order, the failed checks and the
/// usage.
pub(super) async fn translate_in_order(
    pipeline: &Arc<Pipeline>,
    to_send: &[Paragraph],
    (direction, article): (Direction, &Arc<Article>),
    (jobs, opening): (u32, bool),
    release: &mut Release<'_>,
) -> Result<(Vec<Translated>, Vec<Check>, Usage), Error> {
    if to_send.is_empty() {
        return Ok((Vec::new(), Vec::new(), Usage::default()));
    }
    let plan = if opening {
        crate::plan::plan_with_opening
    } else {
        crate::plan::plan
    };
    let mut chunks = plan(
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
    let mut order = InOrder::new(to_send);
    let mut checked = Checked::new(to_send);
    // One request at a time: the rest would take the only slot before the opening paragraph's
    // repair, holding the first pair back until the end. Sent after the opening paragraph is
    // verified, it ends no later, and the first pair comes first.
    let groups = match chunks.split_first() {
        Some((first, rest)) if opening && jobs == 1 && !rest.is_empty() => {
            vec![vec![first.clone()], rest.to_vec()]
        }
        _ => vec![chunks],
    };
    let mut repaired = BTreeSet::new();
    for group in groups {
        let run = Run {
            pipeline,
            sources: &sources,
            direction,
            article,
        };
        let state = (&mut order, &mut checked, &mut repaired);
        run.chunks(group, state, release).await?;
    }
    order.finish()?;
    // Names across the whole article. A pair already printed cannot change: read as it
    // arrives, drifting names are found (and listed after the pairs) but not sent again.
    let not_again = if opening {
        sources.keys().copied().collect()
    } else {
        repaired
    };
    let finished = super::names::settle_names(
        pipeline,
        (&sources, &not_again),
        checked.finished,
        (direction, article),
    )
    .await?;
    pipeline.progress.finish_and_clear();
    let (translated, checks): (Vec<Translated>, Vec<Vec<Check>>) = finished.into_iter().unzip();
    Ok((translated, checks.concat(), pipeline.usage(planned)))
}

/// What sending a group of chunks needs.
struct Run<'a> {
    pipeline: &'a Arc<Pipeline>,
    sources: &'a BTreeMap<ParagraphId, &'a Paragraph>,
    direction: Direction,
    article: &'a Arc<Article>,
}

/// Where a run's translations go: put in order, checked (and repaired) in order, and the ids
/// of those sent again.
type RunState<'a> = (
    &'a mut InOrder,
    &'a mut Checked,
    &'a mut BTreeSet<ParagraphId>,
);

impl Run<'_> {
    /// Sends `chunks` through the pipeline; puts their translations in order, checks them,
    /// repairs the broken ones and releases each in order as soon as it can be.
    async fn chunks(
        &self,
        chunks: Vec<Chunk>,
        (order, checked, repaired): RunState<'_>,
        release: &mut Release<'_>,
    ) -> Result<(), Error> {
        let (done, mut arriving) = mpsc::unbounded_channel();
        let sending = Arc::clone(self.pipeline).translate(chunks, done);
        let receiving = async {
            let mut repairs = JoinSet::new();
            let mut open = true;
            while open || !repairs.is_empty() {
                let again = tokio::select! {
                    chunk = arriving.recv(), if open => {
                        let Some(chunk) = chunk else {
                            open = false;
                            continue;
                        };
                        let ready = order.push(chunk);
                        let state = (&mut *checked, &mut *repaired);
                        self.arrived(ready, state, &mut repairs, release).await?;
                        continue;
                    }
                    Some(again) = repairs.join_next() => again,
                };
                let (translated, own) = again.map_err(|source| Error::Task {
                    what: "repair",
                    source,
                })??;
                checked.done(translated, own, release)?;
            }
            Ok::<_, Error>(())
        };
        let (sent, received) = tokio::join!(sending, receiving);
        sent?;
        received
    }

    /// Checks translations now in order: a broken one is sent again (into `repairs`), the
    /// others are released in order.
    async fn arrived(
        &self,
        ready: Vec<Translated>,
        (checked, repaired): (&mut Checked, &mut BTreeSet<ParagraphId>),
        repairs: &mut JoinSet<Result<(Translated, Vec<Check>), Error>>,
        release: &mut Release<'_>,
    ) -> Result<(), Error> {
        let (direction, article) = (self.direction, self.article);
        let checks = fidelity_checks(self.sources, &ready, (direction, article)).await?;
        for translated in ready {
            let own: Vec<Check> = checks
                .iter()
                .filter(|c| c.paragraph == translated.id)
                .cloned()
                .collect();
            let Some(&paragraph) = self.sources.get(&translated.id) else {
                continue;
            };
            if own.iter().any(|c| c.kind.shows_broken()) {
                let reminders = missed_terms(article.terms(), &paragraph.text, &translated.text);
                repaired.insert(translated.id);
                let first = Attempt {
                    translated,
                    checks: own,
                    reminders,
                };
                repairs.spawn(repair(
                    Arc::clone(self.pipeline),
                    paragraph.clone(),
                    first,
                    (direction, Arc::clone(article)),
                ));
            } else {
                checked.done(translated, own, release)?;
            }
        }
        Ok(())
    }
}

/// Translations checked (and repaired), put back in paragraph order: each is released once
/// every one before it is, so a repair under way holds back the pairs after it.
struct Checked {
    /// The paragraphs sent, in order.
    order: Vec<ParagraphId>,
    /// Checked, waiting for one before them.
    waiting: BTreeMap<ParagraphId, (Translated, Vec<Check>)>,
    /// Released, in order.
    finished: Vec<(Translated, Vec<Check>)>,
}

impl Checked {
    fn new(sent: &[Paragraph]) -> Checked {
        Checked {
            order: sent.iter().map(|p| p.id).collect(),
            waiting: BTreeMap::new(),
            finished: Vec::new(),
        }
    }

    /// Takes one checked translation and releases every one now in order.
    fn done(
        &mut self,
        translated: Translated,
        checks: Vec<Check>,
        release: &mut Release<'_>,
    ) -> Result<(), Error> {
        self.waiting.insert(translated.id, (translated, checks));
        while let Some(&next) = self.order.get(self.finished.len()) {
            let Some((translated, checks)) = self.waiting.remove(&next) else {
                break;
            };
            release(&translated, &checks)?;
            self.finished.push((translated, checks));
        }
        Ok(())
    }
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
