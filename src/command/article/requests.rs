//! The requests one article would send, encoded without sending anything: for `--dry-run`,
//! which counts them and estimates their tokens and cost, and for the batch engines, which
//! send them as lines of a batch.
//!
//! The same planning as a run (the chunks within the provider's budget; a chunk or brief found
//! in the cache is not asked for; a paragraph already in the target language is kept) and the
//! same encoding (the protocol's, in the endpoint's shape; a batch line never streams), so what
//! is counted or batched is what a synchronous run would send first. Repairs, halved chunks and
//! retries depend on the answers and are not foreseen.

use std::sync::Arc;

use super::identity::identity_of;
use super::session::{budget_for, endpoint_shape};
use super::{Prepared, Ready, Task, TaskKind};
use crate::brief::BriefInput;
use crate::cache::{Cache, Key, ProviderIdentity};
use crate::config::{Endpoint, ProviderSettings};
use crate::error::Error;
use crate::ingest::Paragraph;
use crate::plan::{Budget, Chunk};
use crate::provider::price::Prices;
use crate::provider::{Protocol, ProviderKind, Shape, WireRequest};

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::command) enum Asked {
    /// The translation of the article's chunk number `n` (from 0, in article order).
    Chunk(usize),
    /// The article's brief.
    Brief,
}

/// One request an article would send first.
#[derive(Debug, Clone)]
pub(in crate::command) struct Request {
    pub(in crate::command) asked: Asked,
    /// What it asks, by which its answer from a batch is filed for the pipeline.
    pub(in crate::command) key: Key,
    /// The request as the protocol encodes it.
    pub(in crate::command) wire: WireRequest,
    /// Whether it can go through the provider's batch engine: not a paragraph larger than a
    /// request (a run sends it in sentence parts), not a brief by another provider.
    pub(in crate::command) batchable: bool,
    /// Tokens of its prompt ([`crate::plan::expected_tokens`]), 0 for a machine translation API.
    pub(in crate::command) input_tokens: u64,
    /// Tokens its answer is expected to take.
    pub(in crate::command) output_tokens: u64,
    /// Characters of article text it carries (what DeepL bills).
    pub(in crate::command) characters: u64,
    /// What it costs at the provider's prices, synchronously and through a batch.
    pub(in crate::command) cost: Option<(f64, f64)>,
}

/// A request an article sends once an answer is in, so that it cannot be encoded before:
/// the translation of a brief's texts (the brief's second step). Estimated for the dry run;
/// never batched (the batch engines send it synchronously at collection).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::command) struct FollowUp {
    /// Tokens of its prompt, estimated.
    pub(in crate::command) input_tokens: u64,
    /// Tokens of its answer, estimated.
    pub(in crate::command) output_tokens: u64,
    /// What it costs at the provider's prices, synchronously.
    pub(in crate::command) cost: Option<f64>,
}

/// What one article would send first.
#[derive(Debug, Clone, Default)]
pub(in crate::command) struct ArticleRequests {
    /// Chunks the translation is planned in (cached ones included; 0 for `brief`).
    pub(in crate::command) chunks: usize,
    /// The requests, chunks in order then the brief; none for a result found in the cache.
    pub(in crate::command) requests: Vec<Request>,
    /// The requests sent once those are answered (a brief's translation), estimated.
    pub(in crate::command) follow_ups: Vec<FollowUp>,
}

/// One provider as the encoder sees it.
struct Side {
    kind: ProviderKind,
    protocol: Arc<dyn Protocol>,
    shape: Shape,
    budget: Budget,
    identity: ProviderIdentity,
    prices: Option<Prices>,
    /// The profile name, to tell whether the brief's provider is the translation's.
    name: String,
}

impl Side {
    /// Whether it is an LLM (bills tokens), rather than a machine translation API.
    fn is_llm(&self) -> bool {
        matches!(
            self.kind,
            ProviderKind::Openai | ProviderKind::Mock | ProviderKind::Anthropic
        )
    }

    /// The translation of an expected brief's texts: its prompt encoded around empty texts,
    /// plus the texts; its answer as long as the texts, with their markers.
    fn brief_translation(
        &self,
        input: &BriefInput,
        expected: &ExpectedBrief,
    ) -> Result<FollowUp, Error> {
        let chunk = Chunk {
            source_language: input.source_language,
            target_language: input.target_language,
            paragraphs: (1..=expected.texts.len())
                .map(|n| Paragraph {
                    id: crate::ingest::ParagraphId(u32::try_from(n).unwrap_or(u32::MAX)),
                    text: String::new(),
                })
                .collect(),
            // A brief's texts always go by paragraph.
            align: crate::ingest::sentence::Align::Paragraph,
            guide: crate::guide::Guide::default(),
        };
        let wire = self.protocol.encode_translation(&chunk, &self.shape)?;
        let texts = expected.tokens(expected.texts.iter().sum());
        let markers =
            (expected.texts.len() * "[10] \n\n".len()).div_ceil(crate::plan::CHARS_PER_TOKEN);
        let input_tokens = (crate::plan::expected_tokens(&prompt_text(&wire.body)) + texts) as u64;
        let output_tokens = (texts + markers) as u64;
        let billed = crate::provider::price::Billed {
            input_tokens,
            output_tokens,
            characters: 0,
        };
        Ok(FollowUp {
            input_tokens,
            output_tokens,
            cost: self.prices.map(|p| p.cost(billed)),
        })
    }

    fn new(provider: &ProviderSettings, task: &Task, batch: bool) -> Side {
        // Nothing is sent: the in-process mock needs no address.
        let base_url = match &provider.endpoint {
            Endpoint::Url(url) => url.value.clone(),
            Endpoint::InProcessMock => "http://127.0.0.1/v1".to_owned(),
        };
        let identity = identity_of(provider, &task.prompts);
        let protocol =
            crate::provider::protocol_for(provider.profile(base_url), task.prompts.clone());
        let mut shape =
            endpoint_shape(&identity, protocol.as_ref(), task.run.cache_dir.as_deref()).current();
        if batch {
            // A batch line's answer is a whole body in a results file, never a stream.
            shape.stream = false;
            shape.stream_usage = false;
        }
        Side {
            kind: provider.kind,
            budget: budget_for(provider, protocol.as_ref()),
            protocol,
            shape,
            identity,
            prices: provider.prices,
            name: provider.name.value.clone(),
        }
    }

    /// `wire` with the counts and cost of its prompt and expected answer.
    fn request(
        &self,
        (asked, key): (Asked, Key),
        wire: WireRequest,
        text: &[&str],
        output: usize,
    ) -> Request {
        let llm = self.is_llm();
        let characters: u64 = text.iter().map(|t| t.chars().count() as u64).sum();
        let (input_tokens, output_tokens) = if llm {
            (
                crate::plan::expected_tokens(&prompt_text(&wire.body)) as u64,
                output as u64,
            )
        } else {
            (0, 0)
        };
        let billed = crate::provider::price::Billed {
            input_tokens,
            output_tokens,
            characters: if llm { 0 } else { characters },
        };
        Request {
            asked,
            key,
            wire,
            batchable: true,
            input_tokens,
            output_tokens,
            characters,
            cost: self.prices.map(|p| (p.cost(billed), p.batch_cost(billed))),
        }
    }
}

/// Encodes the requests of articles for a task and its providers.
pub(in crate::command) struct Requester {
    main: Side,
    brief: Option<Side>,
    /// Requests at once the chunks are balanced for (1 for a batch: fewest requests).
    jobs: u32,
    /// What the translations are aligned by (`--align`): a chunk aligned by sentence is
    /// encoded as its sentences, as the pipeline sends it.
    align: crate::ingest::sentence::Align,
}

impl Requester {
    /// The requester of `task` with its `main` provider (the brief's for `brief`) and, for
    /// `translate --brief`, the brief's; `batch` encodes batch lines (no streaming, chunks
    /// planned for one request at a time: a batch has no latency to hide).
    pub(in crate::command) fn new(
        task: &Task,
        (main, brief): (&ProviderSettings, Option<&ProviderSettings>),
        batch: bool,
    ) -> Requester {
        Requester {
            main: Side::new(main, task, batch),
            brief: brief.map(|b| Side::new(b, task, batch)),
            jobs: if batch { 1 } else { task.run.jobs },
            align: task.run.align,
        }
    }

    /// The requests `ready` would send first: none when its result is in the cache.
    pub(in crate::command) fn requests(
        &self,
        task: &Task,
        ready: &Ready,
    ) -> Result<ArticleRequests, Error> {
        let prepared = match ready {
            Ready::Cached(_) => return Ok(ArticleRequests::default()),
            Ready::Fresh { prepared, .. } => prepared,
        };
        let cache = task.cache.as_ref();
        match task.kind {
            TaskKind::Brief { points, .. } => {
                let mut planned = ArticleRequests::default();
                self.brief_request(
                    &self.main,
                    prepared,
                    (points, true),
                    (&task.terms, cache),
                    &mut planned,
                )?;
                Ok(planned)
            }
            TaskKind::Translate { brief_points, .. } => {
                let mut planned = self.translation(prepared, &task.terms, cache)?;
                if let (Some(points), Some(side)) = (brief_points, &self.brief) {
                    let batchable = side.name == self.main.name;
                    self.brief_request(
                        side,
                        prepared,
                        (points, batchable),
                        (&task.terms, cache),
                        &mut planned,
                    )?;
                }
                Ok(planned)
            }
        }
    }

    /// The chunks of the translation and a request for each one not in the cache.
    fn translation(
        &self,
        prepared: &Prepared,
        terms: &super::Terms,
        cache: Option<&Cache>,
    ) -> Result<ArticleRequests, Error> {
        let to_send = prepared.to_send();
        if to_send.is_empty() {
            return Ok(ArticleRequests::default());
        }
        let side = &self.main;
        let direction = prepared.direction;
        let chunks = crate::plan::plan(
            &to_send,
            direction.source,
            direction.target,
            &side.budget,
            self.jobs,
        );
        let article = crate::guide::Article::new(
            prepared.paragraphs.clone(),
            terms
                .glossaries
                .terms_for(direction.source, direction.target),
            terms.context,
        );
        let mut chunks = chunks;
        for chunk in &mut chunks {
            chunk.guide = article.guide(&chunk.paragraphs);
            chunk.align = self.align;
        }
        let mut requests = Vec::new();
        for (n, chunk) in chunks.iter().enumerate() {
            let key = crate::pipeline::chunk_cache_key(&side.identity, chunk);
            if cache.is_some_and(|c| crate::pipeline::cached_translations(c, &key, chunk).is_some())
            {
                continue;
            }
            let wire = side.protocol.encode_translation(chunk, &side.shape)?;
            let texts: Vec<&str> = chunk.paragraphs.iter().map(|p| p.text.as_str()).collect();
            let output = expected_reply_tokens(chunk, &side.shape);
            let asked = (Asked::Chunk(n), crate::pipeline::chunk_key(chunk));
            let mut request = side.request(asked, wire, &texts, output);
            request.batchable = !is_oversized(chunk, &side.budget);
            requests.push(request);
        }
        Ok(ArticleRequests {
            chunks: chunks.len(),
            requests,
            follow_ups: Vec::new(),
        })
    }

    /// Adds to `planned` the brief of `points` points by `side` (batchable or not), unless it
    /// is in the cache: its first request (the source side) and the translation of its texts.
    fn brief_request(
        &self,
        side: &Side,
        prepared: &Prepared,
        (points, batchable): (u8, bool),
        (terms, cache): (&super::Terms, Option<&Cache>),
        planned: &mut ArticleRequests,
    ) -> Result<(), Error> {
        let input = prepared.brief_input(points);
        let terms = terms
            .glossaries
            .terms_for(input.source_language, input.target_language);
        let key = crate::pipeline::brief_cache_key(&side.identity, &input, &terms);
        if cache.is_some_and(|c| c.get::<crate::brief::Brief>(&key).is_some()) {
            return Ok(());
        }
        let wire = side.protocol.encode_brief(&input, &side.shape)?;
        let texts: Vec<&str> = input.paragraphs.iter().map(|p| p.text.as_str()).collect();
        let asked = (Asked::Brief, crate::pipeline::brief_key(&input));
        let expected = ExpectedBrief::of(&input);
        let mut request = side.request(asked, wire, &texts, expected.reply_tokens());
        request.batchable = batchable;
        planned.requests.push(request);
        if side.is_llm() {
            planned
                .follow_ups
                .push(side.brief_translation(&input, &expected)?);
        }
        Ok(())
    }

    /// Whether the translation's provider bills characters rather than tokens (DeepL,
    /// LibreTranslate).
    pub(in crate::command) fn bills_characters(&self) -> bool {
        !self.main.is_llm()
    }

    /// Whether any provider has prices.
    pub(in crate::command) fn has_prices(&self) -> bool {
        self.main.prices.is_some() || self.brief.as_ref().is_some_and(|b| b.prices.is_some())
    }

    /// Whether an error answer (`status`, `body`) to the request `asked` refuses one of its
    /// optional parameters, which a synchronous request adapts to (the endpoint's shape steps
    /// down) where a batch line cannot.
    pub(in crate::command) fn refuses_parameter(
        &self,
        asked: Asked,
        status: u16,
        body: &[u8],
    ) -> bool {
        let side = match (asked, &self.brief) {
            (Asked::Brief, Some(brief)) => brief,
            _ => &self.main,
        };
        let reply = crate::provider::WireReply::plain(status, body.to_vec());
        side.protocol.refused(&side.shape, &reply).is_some()
    }
}

impl Prepared {
    /// The paragraphs a translation sends: all but those already in the target language.
    pub(super) fn to_send(&self) -> Vec<Paragraph> {
        self.paragraphs
            .iter()
            .zip(&self.detection.paragraphs)
            .filter(|(_, d)| !super::is_already_target(d, self.direction.target))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// What a brief of `points` points is asked about: every paragraph.
    pub(super) fn brief_input(&self, points: u8) -> BriefInput {
        BriefInput {
            source_language: self.direction.source,
            target_language: self.direction.target,
            points: crate::brief::points_for(points, &self.paragraphs),
            paragraphs: self.paragraphs.clone(),
        }
    }
}

/// A single paragraph larger than one request: a run sends it in sentence parts.
fn is_oversized(chunk: &Chunk, budget: &Budget) -> bool {
    matches!(chunk.paragraphs.as_slice(), [p] if !budget.fits(&p.text))
}

/// The text of a request's prompt: the system prompt and every message's text, which is what
/// an API counts as input (the JSON around them costs a few tokens more).
fn prompt_text(body: &serde_json::Value) -> String {
    let mut text = String::new();
    if let Some(system) = body.get("system").and_then(serde_json::Value::as_str) {
        text.push_str(system);
    }
    let messages = body.get("messages").and_then(serde_json::Value::as_array);
    for message in messages.into_iter().flatten() {
        match message.get("content") {
            Some(serde_json::Value::String(content)) => text.push_str(content),
            Some(serde_json::Value::Array(parts)) => {
                for part in parts {
                    text.extend(part.get("text").and_then(serde_json::Value::as_str));
                }
            }
            _ => {}
        }
    }
    text
}

/// The tokens of the answer to a translation of `chunk`: each paragraph about as long as its
/// source, with its marker (`[3] `) in the numbered form or its JSON around it.
fn expected_reply_tokens(chunk: &Chunk, shape: &Shape) -> usize {
    let numbered = shape.translation_structure() == crate::provider::shape::Structure::Plain;
    let per_paragraph = if numbered {
        "[10] \n\n".len()
    } else {
        r#"{"id":10,"text":""},"#.len()
    };
    let text: usize = chunk
        .paragraphs
        .iter()
        .map(|p| p.text.chars().count() + per_paragraph)
        .sum();
    let wrapper = if numbered {
        0
    } else {
        r#"{"paragraphs":[]}"#.len()
    };
    (text + wrapper).div_ceil(crate::plan::CHARS_PER_TOKEN)
}

/// What a brief is expected to hold, in the article's language: a headline, each point one
/// sentence with its references, and half as many people and organisations (a name and a role
/// of a few words) as points. An article of fewer paragraphs than points gets a point per
/// paragraph.
struct ExpectedBrief {
    /// Characters of each text translated in the second step: the headline, the points, the
    /// roles.
    texts: Vec<usize>,
    /// Points expected.
    points: usize,
    /// Tokens per character of the article (1 for CJK scripts, a quarter for most others).
    tokens_per_char: f64,
}

impl ExpectedBrief {
    const HEADLINE_CHARS: usize = 80;
    const POINT_CHARS: usize = 180;
    const ROLE_CHARS: usize = 40;
    /// The JSON around a point (`{"text":"","paragraphs":[2,5]},`).
    const POINT_JSON_CHARS: usize = 32;
    /// The JSON around an entity and its name.
    const ENTITY_JSON_CHARS: usize = 60;
    /// The JSON around the whole reply.
    const REPLY_JSON_CHARS: usize = 40;

    fn of(input: &BriefInput) -> ExpectedBrief {
        let points = usize::from(input.points).min(input.paragraphs.len()).max(1);
        let mut texts = vec![Self::HEADLINE_CHARS];
        texts.extend(std::iter::repeat_n(Self::POINT_CHARS, points));
        texts.extend(std::iter::repeat_n(Self::ROLE_CHARS, points.div_ceil(2)));
        let text: String = input.paragraphs.iter().map(|p| p.text.as_str()).collect();
        let chars = text.chars().count().max(1);
        ExpectedBrief {
            texts,
            points,
            tokens_per_char: crate::plan::expected_tokens(&text) as f64 / chars as f64,
        }
    }

    /// Tokens of `chars` characters of the article's script.
    fn tokens(&self, chars: usize) -> usize {
        (chars as f64 * self.tokens_per_char).ceil() as usize
    }

    /// Tokens of the brief's source side as the model writes it (JSON).
    fn reply_tokens(&self) -> usize {
        let entities = self.texts.len() - 1 - self.points;
        let json = self.points * Self::POINT_JSON_CHARS
            + entities * Self::ENTITY_JSON_CHARS
            + Self::REPLY_JSON_CHARS;
        self.tokens(self.texts.iter().sum()) + json.div_ceil(crate::plan::CHARS_PER_TOKEN)
    }
}

impl Ready {
    /// Whether the article's whole result came from the cache (nothing will be sent).
    pub(in crate::command) fn is_cached(&self) -> bool {
        matches!(self, Ready::Cached(_))
    }
}
