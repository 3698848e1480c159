//! Is each point drawn from the paragraphs it cites, and does its target side say what its
//! source side says? The grounding checks beyond numbers: how many paragraphs a point cites,
//! the content words and names it shares with them, its target side against its source side,
//! attribution of statements, and the entities' names in their paragraphs. The rules and
//! thresholds are in the parent module's docs.

use std::collections::HashSet;

use super::text::Failed;
use super::words::{
    Name, content_tokens, is_acronym, is_inflection_of, is_reporting, lower_words, stop_words,
    words,
};
use super::{BriefFailure, Item, Side};
use crate::brief::{Brief, BriefInput, BriefPoint};
use crate::ingest::ParagraphId;
use crate::ingest::sentence::sentences;
use crate::verify::numbers::{Offered, missing};

/// A point may always cite this many paragraphs, however short the article.
pub const MIN_REFERENCE_LIMIT: usize = 2;

/// A point's source side is judged for shared content words only with at least this many.
pub const MIN_CONTENT_TOKENS: usize = 2;

/// Consecutive words a point must repeat of a statement to be reporting it.
pub const QUOTE_RUN_WORDS: usize = 5;

/// Words on either side of a reporting word (or a quotation) in which its speaker is named.
pub const SPEAKER_WINDOW: usize = 4;

/// The most paragraphs one key point may cite in an article of `paragraphs` paragraphs: half
/// of them, rounded up, and never fewer than [`MIN_REFERENCE_LIMIT`].
pub fn reference_limit(paragraphs: usize) -> usize {
    paragraphs.div_ceil(2).max(MIN_REFERENCE_LIMIT)
}

/// Whether a point sharing `shared` of its `total` content tokens with its paragraphs is
/// drawn from them: at least half of them.
fn is_drawn_from(shared: usize, total: usize) -> bool {
    total < MIN_CONTENT_TOKENS || shared * 2 >= total
}

/// A paragraph's text with its lowercase words.
struct Text<'a> {
    id: ParagraphId,
    text: &'a str,
    lower: Vec<String>,
}

impl<'a> Text<'a> {
    fn of(id: ParagraphId, text: &'a str) -> Self {
        Text {
            id,
            text,
            lower: lower_words(text),
        }
    }
}

/// A name in a point: one of the brief's entities, or an acronym.
enum Named<'a> {
    Entity(&'a str, &'a Name),
    Acronym(String),
}

impl Named<'_> {
    fn label(&self) -> String {
        match self {
            Named::Entity(written, _) => (*written).to_owned(),
            Named::Acronym(written) => written.clone(),
        }
    }

    /// Whether `text` names it; `loosely` also takes an acronym that begins another
    /// (`US` for `USA`), as a translation may shorten it.
    fn occurs_in(&self, text: &Text<'_>, loosely: bool) -> bool {
        match self {
            Named::Entity(_, name) => name.occurs_in(text.text, &text.lower),
            Named::Acronym(written) => {
                let key = written.to_lowercase();
                words(text.text).iter().any(|w| {
                    let lower = w.text.to_lowercase();
                    is_inflection_of(&lower, &key)
                        || loosely && is_acronym(w.text) && key.starts_with(lower.as_str())
                })
            }
        }
    }
}

/// The names in `text`: every entity it names, then its acronyms that no entity covers.
fn names_in<'a>(text: &Text<'_>, entities: &'a [(&'a str, Name)]) -> Vec<Named<'a>> {
    let mut found: Vec<Named<'a>> = entities
        .iter()
        .filter(|(_, name)| name.occurs_in(text.text, &text.lower))
        .map(|(written, name)| Named::Entity(written, name))
        .collect();
    for word in words(text.text) {
        let lower = word.text.to_lowercase();
        let covered = entities.iter().any(|(_, name)| name.is_named_by(&lower));
        let known = found.iter().any(|n| n.label() == word.text);
        if is_acronym(word.text) && !covered && !known {
            found.push(Named::Acronym(word.text.to_owned()));
        }
    }
    found
}

/// A statement in a paragraph: what it says, as lowercase words, and who the paragraph says
/// made it (indexes into the entities).
struct Statement {
    words: Vec<String>,
    speakers: Vec<usize>,
}

/// The statements of `paragraph`: each quotation (between two double quotation marks of any
/// style), its speakers named within [`SPEAKER_WINDOW`] words before or after it, outside
/// quotations; and each sentence with a reporting word, its speakers named within
/// [`SPEAKER_WINDOW`] words of one. Statements without a named speaker are left out.
fn statements(paragraph: &str, entities: &[(&str, Name)]) -> Vec<Statement> {
    let named = |ws: &[&str]| -> Vec<usize> {
        (0..entities.len())
            .filter(|&i| {
                ws.iter()
                    .any(|w| entities[i].1.is_named_by(&w.to_lowercase()))
            })
            .collect()
    };
    let mut found = Vec::new();
    let all = words(paragraph);
    let spans = quotations(paragraph);
    let outside: Vec<(usize, &str)> = all
        .iter()
        .filter(|w| !spans.iter().any(|(a, b)| (*a..*b).contains(&w.at)))
        .map(|w| (w.at, w.text))
        .collect();
    for &(start, end) in &spans {
        let before: Vec<&str> = outside
            .iter()
            .filter(|(at, _)| *at < start)
            .map(|(_, w)| *w)
            .collect();
        let after = outside.iter().filter(|(at, _)| *at >= end).map(|(_, w)| *w);
        let mut near: Vec<&str> = before[before.len().saturating_sub(SPEAKER_WINDOW)..].to_vec();
        near.extend(after.take(SPEAKER_WINDOW));
        found.push(Statement {
            words: lower_words(&paragraph[start..end]),
            speakers: named(&near),
        });
    }
    for sentence in sentences(paragraph) {
        let ws: Vec<&str> = words(sentence).iter().map(|w| w.text).collect();
        let mut speakers = Vec::new();
        for (i, _) in ws
            .iter()
            .enumerate()
            .filter(|(_, w)| is_reporting(&w.to_lowercase()))
        {
            let near =
                &ws[i.saturating_sub(SPEAKER_WINDOW)..(i + 1 + SPEAKER_WINDOW).min(ws.len())];
            for speaker in named(near) {
                if !speakers.contains(&speaker) {
                    speakers.push(speaker);
                }
            }
        }
        found.push(Statement {
            words: ws.iter().map(|w| w.to_lowercase()).collect(),
            speakers,
        });
    }
    found.retain(|s| !s.speakers.is_empty());
    found
}

/// The byte spans inside quotations: between the first double quotation mark and the next,
/// the third and the fourth, and so on (an unpaired last mark opens nothing).
fn quotations(text: &str) -> Vec<(usize, usize)> {
    let marks: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| {
            matches!(
                c,
                '"' | '„' | '“' | '”' | '«' | '»' | '「' | '」' | '『' | '』'
            )
        })
        .collect();
    marks
        .chunks_exact(2)
        .map(|pair| (pair[0].0 + pair[0].1.len_utf8(), pair[1].0))
        .collect()
}

/// Whether `a` and `b` share a run of `n` consecutive words.
fn shares_run(a: &[String], b: &[String], n: usize) -> bool {
    let runs: HashSet<&[String]> = a.windows(n).collect();
    b.windows(n).any(|run| runs.contains(run))
}

/// The grounding checks of every point and entity. Sides that failed a text check are skipped.
pub fn check(brief: &Brief, input: &BriefInput, failed: &Failed, failures: &mut Vec<BriefFailure>) {
    let article: Vec<Text<'_>> = input
        .paragraphs
        .iter()
        .map(|p| Text::of(p.id, &p.text))
        .collect();
    let both = stop_words(&[input.source_language, input.target_language]);
    let entities: Vec<(&str, Name)> = brief
        .entities
        .iter()
        .map(|e| (e.name.as_str(), Name::of(&e.name, &both)))
        .filter(|(_, name)| name.is_some())
        .collect();
    let ground = Ground {
        input,
        article: &article,
        entities: &entities,
        stop: stop_words(&[input.source_language]),
    };
    for (n, point) in brief.points.iter().enumerate() {
        let item = Item::Point(n + 1);
        let mut ids: Vec<ParagraphId> = point.paragraphs.clone();
        ids.sort_unstable();
        ids.dedup();
        let cited: Vec<&Text<'_>> = article.iter().filter(|t| ids.contains(&t.id)).collect();
        let limit = reference_limit(article.len());
        if cited.len() > limit {
            failures.push(BriefFailure::TooManyReferences {
                item: item.clone(),
                cited: cited.len(),
                total: article.len(),
                limit,
            });
        }
        if cited.is_empty() || failed.has(&item, Side::Source) {
            continue;
        }
        let target_ok = !failed.has(&item, Side::Target);
        ground.point(&item, point, &cited, target_ok, failures);
    }
    ground.entities(brief, failed, failures);
}

/// What the checks of one brief share.
struct Ground<'a> {
    input: &'a BriefInput,
    article: &'a [Text<'a>],
    entities: &'a [(&'a str, Name)],
    stop: HashSet<&'static str>,
}

impl Ground<'_> {
    /// The checks of one point whose source side passed the text checks.
    fn point(
        &self,
        item: &Item,
        point: &BriefPoint,
        cited: &[&Text<'_>],
        target_ok: bool,
        failures: &mut Vec<BriefFailure>,
    ) {
        let source = Text::of(ParagraphId(0), &point.source);
        let tokens = content_tokens(&point.source, &self.stop);
        let shared = tokens
            .iter()
            .filter(|t| cited.iter().any(|p| t.occurs_in(p.text, &p.lower)))
            .count();
        if !is_drawn_from(shared, tokens.len()) {
            failures.push(BriefFailure::Ungrounded {
                item: item.clone(),
                shared,
                total: tokens.len(),
            });
        }
        let names = names_in(&source, self.entities);
        for name in &names {
            if !cited.iter().any(|p| name.occurs_in(p, false)) {
                failures.push(BriefFailure::NameNotCited {
                    item: item.clone(),
                    name: name.label(),
                });
            }
        }
        if target_ok {
            let target = Text::of(ParagraphId(0), &point.target);
            let offered = Offered::of(&point.target, self.input.target_language);
            for number in missing(&point.source, &offered) {
                failures.push(BriefFailure::TargetLacksNumber {
                    item: item.clone(),
                    number: number.written,
                });
            }
            let names_entity = names.iter().any(|n| matches!(n, Named::Entity(..)));
            if names_entity && !names.iter().any(|n| n.occurs_in(&target, true)) {
                failures.push(BriefFailure::TargetLacksNames {
                    item: item.clone(),
                    names: names.iter().map(Named::label).collect(),
                });
            }
        }
        self.attribution(item, &source, cited, failures);
    }

    /// A point that repeats [`QUOTE_RUN_WORDS`] words of a statement in a paragraph it cites
    /// names one of the statement's speakers.
    fn attribution(
        &self,
        item: &Item,
        source: &Text<'_>,
        cited: &[&Text<'_>],
        failures: &mut Vec<BriefFailure>,
    ) {
        for paragraph in cited {
            for statement in statements(paragraph.text, self.entities) {
                let names_one = statement
                    .speakers
                    .iter()
                    .any(|&i| self.entities[i].1.occurs_in(source.text, &source.lower));
                if !names_one && shares_run(&statement.words, &source.lower, QUOTE_RUN_WORDS) {
                    failures.push(BriefFailure::Unattributed {
                        item: item.clone(),
                        paragraph: paragraph.id,
                        speakers: statement
                            .speakers
                            .iter()
                            .map(|&i| self.entities[i].0.to_owned())
                            .collect(),
                    });
                    return;
                }
            }
        }
    }

    /// Each entity's name occurs in every paragraph it cites; one that cites none occurs
    /// somewhere in the article.
    fn entities(&self, brief: &Brief, failed: &Failed, failures: &mut Vec<BriefFailure>) {
        for entity in &brief.entities {
            let item = Item::Entity(entity.name.clone());
            let Some((_, name)) = self.entities.iter().find(|(n, _)| *n == entity.name) else {
                continue;
            };
            if failed.has(&item, Side::Name) {
                continue;
            }
            let names = |p: &&Text<'_>| name.occurs_in(p.text, &p.lower);
            let cited: Vec<&Text<'_>> = self
                .article
                .iter()
                .filter(|t| entity.paragraphs.contains(&t.id))
                .collect();
            if cited.is_empty() {
                if !self.article.iter().any(|p| names(&p)) {
                    failures.push(BriefFailure::EntityNotNamed {
                        item,
                        paragraphs: Vec::new(),
                    });
                }
                continue;
            }
            let unnamed: Vec<ParagraphId> =
                cited.iter().filter(|p| !names(p)).map(|p| p.id).collect();
            if !unnamed.is_empty() {
                failures.push(BriefFailure::EntityNotNamed {
                    item,
                    paragraphs: unnamed,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{failures, good, reference_brief, reference_failures};
    use super::*;

    fn point(n: usize) -> Item {
        Item::Point(n)
    }

    #[test]
    fn the_limit_is_half_the_paragraphs_and_at_least_two() {
        let limits: Vec<usize> = [1, 2, 3, 4, 5, 8, 20].map(reference_limit).to_vec();
        assert_eq!(limits, [2, 2, 2, 2, 3, 4, 10]);
    }

    #[test]
    fn a_point_citing_every_paragraph_fails_on_a_long_article_only() {
        let mut brief = reference_brief();
        brief.points[0].paragraphs = (1..=8).map(ParagraphId).collect();
        brief.points[1].paragraphs = vec![ParagraphId(1), ParagraphId(1), ParagraphId(2)];
        assert_eq!(
            reference_failures(&brief),
            [BriefFailure::TooManyReferences {
                item: point(1),
                cited: 8,
                total: 8,
                limit: 4
            }]
        );
        let mut brief = good();
        for point in &mut brief.points {
            point.paragraphs = vec![ParagraphId(1), ParagraphId(2)];
        }
        assert_eq!(
            failures(&brief),
            [],
            "a 2-paragraph article's point may cite both"
        );
    }

    #[test]
    fn a_point_that_shares_too_few_content_words_with_its_paragraphs_fails() {
        let mut brief = good();
        brief.points[0].source =
            "Die Inflation im Euroraum stieg laut Rutte im Sommer deutlich an.".into();
        assert_eq!(
            failures(&brief),
            [BriefFailure::Ungrounded {
                item: point(1),
                shared: 1,
                total: 6
            }]
        );
        // A paraphrase that keeps half of its content words passes.
        let mut brief = reference_brief();
        brief.points[0].source =
            "Laut Rutte steht ein NATO-Beitritt der Ukraine bei den Friedensgesprächen nicht \
             zur Debatte."
                .into();
        assert_eq!(reference_failures(&brief), []);
    }

    #[test]
    fn a_name_of_a_point_must_be_in_a_paragraph_it_cites() {
        let mut brief = good();
        brief.points[0].source =
            "Rutte sprach am Freitag mit Bloomberg TV und der NATO über die Ukraine.".into();
        brief.points[0].target =
            "Rutte spoke to Bloomberg TV and NATO about Ukraine on Friday.".into();
        assert_eq!(
            failures(&brief),
            [BriefFailure::NameNotCited {
                item: point(1),
                name: "NATO".into()
            }]
        );
        // Putin is in ¶8, not in ¶6: the entity's name, inflected (`Putins`) or not.
        let mut brief = reference_brief();
        brief.points[6].paragraphs = vec![ParagraphId(6)];
        brief.points[6].source = "Rutte zeigte sich optimistisch, dass noch in diesem Jahr ein \
            Abkommen erzielt werden könnte, trotz Putins Haltung."
            .into();
        brief.points[6].target = "Rutte was optimistic that an agreement could be reached \
            this year, despite Putin's stance."
            .into();
        assert_eq!(
            reference_failures(&brief),
            [BriefFailure::NameNotCited {
                item: point(7),
                name: "Wladimir Putin".into()
            }]
        );
    }

    #[test]
    fn an_entity_must_be_named_in_every_paragraph_it_cites() {
        let mut brief = good();
        brief.entities[0].paragraphs = vec![ParagraphId(1), ParagraphId(2)];
        let mut invented = brief.entities[0].clone();
        invented.name = "Erika Mustermann".into();
        invented.paragraphs.clear();
        brief.entities.push(invented);
        assert_eq!(
            failures(&brief),
            [
                BriefFailure::EntityNotNamed {
                    item: Item::Entity("Mark Rutte".into()),
                    paragraphs: vec![ParagraphId(2)]
                },
                BriefFailure::EntityNotNamed {
                    item: Item::Entity("Erika Mustermann".into()),
                    paragraphs: vec![]
                },
            ]
        );
    }

    #[test]
    fn the_target_side_keeps_the_numbers_and_a_name_of_the_source_side() {
        let mut brief = good();
        brief.points[1].target = "Ukraine agreed to a ceasefire along 1000 kilometres.".into();
        brief.points[0].target = "He spoke to a broadcaster about the war on Friday.".into();
        assert_eq!(
            failures(&brief),
            [
                BriefFailure::TargetLacksNames {
                    item: point(1),
                    names: vec!["Mark Rutte".into(), "TV".into()]
                },
                BriefFailure::TargetLacksNumber {
                    item: point(2),
                    number: "30".into()
                },
            ]
        );
        // One shared name is enough, an acronym may be shortened, a name transliterated.
        let mut brief = reference_brief();
        brief.points[4].target = brief.points[4].target.replace("Steve Witkoff", "the envoy");
        brief.points[0].target = "NATO membership for Kyiv is not up for debate in the peace \
            efforts of the US and Russia, a Dutch leader confirmed."
            .into();
        assert_eq!(reference_failures(&brief), []);
    }

    #[test]
    fn a_point_repeating_a_statement_names_who_made_it() {
        // ¶1: "… nicht zur Debatte, wie der niederländische Ministerpräsident Mark Rutte
        // bestätigte."
        let mut brief = reference_brief();
        brief.points[0].source = "Eine NATO-Mitgliedschaft Kiews steht bei den \
            Friedensbemühungen der USA und Russlands nicht zur Debatte."
            .into();
        brief.points[0].target = "NATO membership for Kyiv is not up for debate in the peace \
            efforts of the US and Russia."
            .into();
        let unattributed = |n, id| BriefFailure::Unattributed {
            item: point(n),
            paragraph: ParagraphId(id),
            speakers: vec!["Mark Rutte".into()],
        };
        assert_eq!(reference_failures(&brief), [unattributed(1, 1)]);
        // ¶6: "“Bevor man … braucht man zunächst ein Abkommen. Es ist ein schrittweiser
        // Prozess”, so Rutte, …": the quotation's speaker follows it.
        let mut brief = reference_brief();
        brief.points[6].source = "Vor der Planung der Friedenssicherung braucht man zunächst \
            ein Abkommen, es ist ein schrittweiser Prozess."
            .into();
        brief.points[6].target =
            "Peacekeeping needs an agreement first; it is a gradual process.".into();
        brief.points[6].paragraphs = vec![ParagraphId(6)];
        assert_eq!(reference_failures(&brief), [unattributed(7, 6)]);
        brief.points[6].source.insert_str(0, "Laut Rutte: ");
        brief.points[6].target.insert_str(0, "According to Rutte: ");
        assert_eq!(reference_failures(&brief), []);
        // ¶5 names no speaker ("…”, erklärte er."): a point may quote it as it is.
        let mut brief = reference_brief();
        brief.points[3].source = "Die NATO wird möglicherweise beratend tätig sein, eine \
            Beteiligung der NATO wäre jedoch schwierig."
            .into();
        brief.points[3].target =
            "NATO may play an advisory role, but NATO involvement would be difficult.".into();
        brief.points[3].paragraphs = vec![ParagraphId(5)];
        assert_eq!(reference_failures(&brief), []);
    }

    #[test]
    fn quotations_pair_their_marks_in_any_style() {
        let text = "Er sagte: „Ja“ und «non», dann \"yes\" und “";
        let inner: Vec<&str> = quotations(text).iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(inner, ["Ja", "non", "yes"]);
    }
}
