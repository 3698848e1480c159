//! One exchange with the provider: a request shaped as the endpoint accepts, its answer
//! watched as it streams in, and an error answer turned into a typed error.
//!
//! - **Shape.** Each request is encoded for the endpoint's current [`Shape`]. When the answer
//!   refuses one of its optional parameters (the protocol reads the error text), the shape steps
//!   down and the same request goes again at once; this is not a transport failure and costs no
//!   retry. The shape an endpoint ends on is shared by every request of the run
//!   ([`EndpointShape`]) and remembered in the cache directory for the next run, keyed by kind,
//!   base URL and model (never the key).
//! - **Watching.** A streamed answer's text is handed to the live sink (the user sees what the
//!   model writes), and cut when the model repeats itself or writes past its bound; a cut
//!   answer is truncated, and the caller halves the request as for a length stop.
//! - **Errors.** 401/403 name the key's variable, DeepL's 456 the quota, anything else the
//!   API's own message, cut to one line with the key removed.

use std::sync::{Mutex, PoisonError};

use super::Pipeline;
use super::live::{Live, LiveSink};
use crate::cache::{Cache, Key};
use crate::error::Error;
use crate::plan::estimate_tokens;
use crate::provider::shape::Param;
use crate::provider::stream::{Flow, Listener};
use crate::provider::{Protocol, ProviderError, Shape, WireReply, WireRequest};

/// Encodes a request for a shape.
pub(super) type Encode<'a> = dyn Fn(&Shape) -> Result<WireRequest, ProviderError> + Sync + 'a;

/// The shape of an endpoint's requests, shared by every request of a run and remembered on
/// disk between runs.
#[derive(Debug)]
pub struct EndpointShape {
    current: Mutex<Shape>,
    memory: Option<(Cache, Key)>,
}

impl EndpointShape {
    /// The shape `initial` (the protocol's strongest), or what an earlier run learnt for the
    /// same endpoint, model and starting shape from the cache in `cache_dir`.
    pub fn load(initial: Shape, cache_dir: Option<&std::path::Path>, endpoint: &str) -> Self {
        let memory = cache_dir.map(|dir| {
            let cache = Cache::new(dir.to_owned());
            let key = Key::of("endpoint-shape", &(endpoint, initial));
            (cache, key)
        });
        let learnt = memory
            .as_ref()
            .and_then(|(cache, key)| cache.get::<Shape>(key));
        EndpointShape {
            current: Mutex::new(learnt.unwrap_or(initial)),
            memory,
        }
    }

    /// The shape requests take now.
    pub fn current(&self) -> Shape {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Steps from `from` to `to` (unless another request already stepped) and remembers it.
    pub(super) fn step(&self, from: Shape, to: Shape) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if *current == from {
            *current = to;
            if let Some((cache, key)) = &self.memory {
                cache.put(key, &to);
            }
        }
    }
}

/// What to watch for in a streamed answer.
#[derive(Debug, Clone, Default)]
pub(super) struct Watch {
    /// The text being translated: a repetition it holds itself is no loop.
    source: Option<String>,
    /// The answer's bound in tokens; an answer well past it is cut.
    bound: usize,
    /// The first paragraph of the chunk answered, for the live display.
    chunk: Option<crate::ingest::ParagraphId>,
}

impl Watch {
    /// Watches for loops not in `source` and for an answer past `bound` tokens.
    pub(super) fn new(source: Option<String>, bound: usize) -> Watch {
        Watch {
            source,
            bound,
            chunk: None,
        }
    }

    /// The same watch, telling the live display which chunk the answer is for.
    pub(super) fn for_chunk(self, first: Option<crate::ingest::ParagraphId>) -> Watch {
        Watch {
            chunk: first,
            ..self
        }
    }
}

/// A loop is the same unit of text repeated over at least this many characters.
const LOOP_SPAN: usize = 240;
/// The longest repeated unit looked for, in characters.
const LOOP_UNIT: usize = 150;
/// How many new characters between two looks for a loop.
const LOOP_EVERY: usize = 64;

/// The unit `text` ends by repeating over [`LOOP_SPAN`] characters or more, if any: the model
/// is looping. A unit that `source` itself repeats three times is not a loop.
pub(super) fn looping<'a>(text: &'a str, source: Option<&str>) -> Option<&'a str> {
    let tail: Vec<(usize, char)> = text
        .char_indices()
        .rev()
        .take(LOOP_SPAN + LOOP_UNIT)
        .collect();
    if tail.len() < LOOP_SPAN + 1 {
        return None;
    }
    // `tail` runs backwards from the last character.
    let period = (1..=LOOP_UNIT.min(tail.len() - LOOP_SPAN))
        .find(|&p| (0..LOOP_SPAN).all(|i| tail[i].1 == tail[i + p].1))?;
    let unit = &text[tail[period - 1].0..];
    let legit = source.is_some_and(|s| s.contains(&unit.repeat(3)));
    (!legit).then_some(unit)
}

/// The parameter of `request` that `reply` refuses: only one the request carried can have been.
fn refused_in(
    protocol: &dyn Protocol,
    shape: &Shape,
    request: &WireRequest,
    reply: &WireReply,
) -> Option<Param> {
    protocol
        .refused(shape, reply)
        .filter(|param| request.body.get(param.key()).is_some())
}

/// The listener of one exchange.
struct Watcher<'a> {
    protocol: &'a dyn Protocol,
    shape: Shape,
    request: &'a WireRequest,
    watch: &'a Watch,
    live: Option<&'a LiveSink>,
    text: String,
    looked_at: usize,
}

impl Listener for Watcher<'_> {
    fn restart(&mut self) {
        self.text.clear();
        self.looked_at = 0;
    }

    fn event(&mut self, data: &str) -> Flow {
        let Some(piece) = self.protocol.delta_text(data) else {
            return Flow::Continue;
        };
        self.text.push_str(&piece);
        if let Some(live) = self.live {
            live(&Live {
                chunk: self.watch.chunk,
                text: &self.text,
            });
        }
        if self.text.len() < self.looked_at + LOOP_EVERY {
            return Flow::Continue;
        }
        self.looked_at = self.text.len();
        let past_bound =
            self.watch.bound > 0 && estimate_tokens(&self.text) > self.watch.bound * 5 / 4;
        if past_bound || looping(&self.text, self.watch.source.as_deref()).is_some() {
            return Flow::Stop;
        }
        Flow::Continue
    }

    fn refuses(&self, status: u16, body: &[u8]) -> bool {
        let reply = WireReply::plain(status, body);
        refused_in(self.protocol, &self.shape, self.request, &reply).is_some()
    }
}

impl Pipeline {
    /// Sends the request `encode` builds for the endpoint's shape, stepping the shape down
    /// while the endpoint refuses a parameter, and returns the 2xx answer (streamed or not).
    pub(super) async fn exchange(
        &self,
        encode: &Encode<'_>,
        watch: Watch,
    ) -> Result<WireReply, Error> {
        loop {
            let shape = self.shape.current();
            let request = encode(&shape)?;
            let mut watcher = Watcher {
                protocol: self.protocol.as_ref(),
                shape,
                request: &request,
                watch: &watch,
                live: self.live.as_ref(),
                text: String::new(),
                looked_at: 0,
            };
            let reply = self.transport.send(&request, &mut watcher).await?;
            if crate::provider::is_web_page(&reply.body) {
                return Err(ProviderError::WebPage {
                    provider: self.provider.clone(),
                    status: reply.status,
                    url: request.url.clone(),
                }
                .into());
            }
            if (200..300).contains(&reply.status) {
                return Ok(reply);
            }
            match refused_in(self.protocol.as_ref(), &shape, &request, &reply) {
                Some(param) => match shape.without(param) {
                    Some(next) => {
                        self.shape.step(shape, next);
                        self.meter.note_refusal();
                    }
                    None => return Err(self.refused_for_good(param, &reply)),
                },
                None => return Err(self.error_of(&request, &reply)),
            }
        }
    }

    /// An error answer as a typed error.
    fn error_of(&self, request: &WireRequest, reply: &WireReply) -> Error {
        let provider = self.provider.clone();
        let status = reply.status;
        let detail = self.detail(reply);
        match status {
            401 | 403 => ProviderError::AuthRejected {
                provider,
                status,
                key_var: self.key_var.clone(),
                detail,
            },
            456 => ProviderError::QuotaExceeded {
                provider,
                status,
                detail,
            },
            _ => ProviderError::Refused {
                provider,
                status,
                url: request.url.clone(),
                detail,
            },
        }
        .into()
    }

    /// The endpoint refuses a parameter diglot cannot do without (a `response_format` the
    /// profile chose).
    fn refused_for_good(&self, param: Param, reply: &WireReply) -> Error {
        ProviderError::RefusedParameter {
            provider: self.provider.clone(),
            status: reply.status,
            parameter: param.key(),
            detail: self.detail(reply),
        }
        .into()
    }

    fn detail(&self, reply: &WireReply) -> Option<String> {
        self.protocol
            .error_detail(&reply.body)
            .map(|d| self.scrub(&d))
    }

    /// API error text is shown to the user: cut it to one short line and remove our key.
    fn scrub(&self, detail: &str) -> String {
        let mut text: String = detail.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(key) = &self.api_key {
            text = crate::secret::redact(&text, key);
        }
        if text.chars().count() > 200 {
            text = text.chars().take(200).collect::<String>() + "…";
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_repeating_itself_is_caught_and_the_unit_named() {
        let start = "Rutte sagte, die Gespräche seien konstruktiv gewesen, und ";
        let looped = format!("{start}{}", "and the talks continued, ".repeat(12));
        assert_eq!(looping(&looped, None), Some("and the talks continued, "));
        let stutter = format!("{start}{}", "a".repeat(300));
        assert_eq!(looping(&stutter, None), Some("a"));
    }

    #[test]
    fn ordinary_text_and_repetition_the_source_holds_are_no_loop() {
        let prose = "Der NATO-Generalsekretär sprach in Brüssel über die Lage in der Ukraine, \
                     über die Hilfe der Verbündeten und über die nächsten Schritte der Allianz. \
                     Danach reiste er weiter nach Berlin, wo er die Kanzlerin traf.";
        assert_eq!(looping(prose, None), None);
        let dots = format!("Table: {}", "0 ".repeat(200));
        assert_eq!(looping(&dots, Some(&dots)), None);
        assert!(looping(&dots, Some("no zeros here")).is_some());
        assert_eq!(looping("short", None), None);
    }
}
