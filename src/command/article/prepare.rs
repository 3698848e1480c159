//! Reading one article and deciding its direction: read and ingest it, look its whole result
//! up in the cache, else detect its language ([`prepare`]).

use super::{Finished, Ready, Task, TaskKind};
use crate::detect::{Detection, Detector, Direction, DocumentDetection};
use crate::error::Error;
use crate::ingest::{Document, Paragraph};
use crate::input::Source;
use crate::language::LanguageCode;
use crate::report::{BriefReport, Report, SourceInfo, TargetInfo, Usage};

/// A paragraph detected in the target language with at least this confidence is kept as it is
/// instead of being sent: translating English into English only costs money and risks drift.
const KEEP_IF_ALREADY_TARGET: f64 = 0.9;

/// The article as read: the paragraphs to translate and the boilerplate set aside.
pub(super) struct Body {
    pub(super) paragraphs: Vec<Paragraph>,
    pub(super) boilerplate: Vec<String>,
}

/// The paragraphs of one run, what detection said of each, and the direction.
pub(in crate::command) struct Prepared {
    pub(super) paragraphs: Vec<Paragraph>,
    pub(super) boilerplate: Vec<String>,
    pub(super) detection: DocumentDetection,
    pub(super) direction: Direction,
}

impl Prepared {
    pub(super) fn source(&self) -> SourceInfo {
        SourceInfo {
            language: self.direction.source,
            confidence: self.direction.confidence,
            forced: self.direction.forced,
        }
    }

    pub(super) fn target(&self) -> TargetInfo {
        TargetInfo {
            language: self.direction.target,
        }
    }
}

/// Reads and ingests one article; a hit in the cache of whole results is rendered at once, with
/// no language detection; otherwise the article is detected and the direction decided.
/// Synchronous and CPU-bound: a batch calls it in `spawn_blocking`.
pub(in crate::command) fn prepare(source: &Source, task: &Task) -> Result<Ready, Error> {
    let body = read_body(source, task.keep_boilerplate, task.run.max_article_bytes)?;
    let key = task.report_key(&body);
    if let (Some(cache), Some(key)) = (&task.cache, &key) {
        let finished = match task.kind {
            TaskKind::Translate { .. } => cache.get::<Report>(key).map(Finished::Translation),
            TaskKind::Brief { .. } => cache.get::<BriefReport>(key).map(Finished::Brief),
        };
        match finished.map(|finished| (finished.mismatch(&body), finished)) {
            Some((None, mut finished)) => {
                let usage = finished.usage();
                *usage = usage_from_cache(usage);
                let asked = match task.kind {
                    TaskKind::Translate { brief_points, .. } => brief_points,
                    TaskKind::Brief { points, .. } => Some(points),
                };
                let warnings = finished.fewer_points(asked).into_iter().collect();
                return task.render(&finished, warnings).map(Ready::Cached);
            }
            Some((Some(why), _)) => cache.warn(format!(
                "ignoring the cached result of '{source}': {why}; producing it again"
            )),
            None => {}
        }
    }
    let Body {
        paragraphs,
        boilerplate,
    } = body;
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    let detection = Detector::new().detect_document(&texts);
    let direction = detection.direction(task.from, task.to)?;
    Ok(Ready::Fresh {
        prepared: Box::new(Prepared {
            paragraphs,
            boilerplate,
            detection,
            direction,
        }),
        key,
    })
}

/// Reads and ingests the article (at most `max_bytes`); with `--keep-boilerplate` the footer
/// joins the paragraphs.
fn read_body(source: &Source, keep_boilerplate: bool, max_bytes: u64) -> Result<Body, Error> {
    let Document {
        mut paragraphs,
        boilerplate,
        ..
    } = crate::command::read_document(source, max_bytes)?;
    let boilerplate = if keep_boilerplate {
        paragraphs.extend(boilerplate);
        Vec::new()
    } else {
        boilerplate.into_iter().map(|p| p.text).collect()
    };
    Ok(Body {
        paragraphs,
        boilerplate,
    })
}

/// A cached run's usage: nothing sent, every chunk a hit.
fn usage_from_cache(original: &Usage) -> Usage {
    Usage {
        chunks: original.chunks,
        cache_hits: original.chunks.max(1),
        ..Usage::default()
    }
}

/// Whether a paragraph detected as `detection` is already in `target` (kept, not sent).
pub(super) fn is_already_target(detection: &Detection, target: LanguageCode) -> bool {
    detection.language == Some(target) && detection.confidence >= KEEP_IF_ALREADY_TARGET
}
