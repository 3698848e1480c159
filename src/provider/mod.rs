//! Providers: one wire protocol per API family, plus the shared HTTP transport.
//!
//! A [`Protocol`] turns chunks into plain [`WireRequest`]s and plain [`WireReply`]s back into
//! translations; it never touches the network, the clock or the environment, so it is tested
//! against recorded answers. [`transport::Transport`] is the only code that sends.

pub mod anthropic;
pub mod contract;
pub mod conversation;
pub mod deepl;
pub mod engine;
mod error;
pub mod libretranslate;
pub mod openai;
pub mod price;
mod reading;
pub mod sentences;
pub mod shape;
pub mod stream;
pub mod transport;
pub mod wait;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::brief::{Brief, BriefInput};
use crate::ingest::ParagraphId;
use crate::plan::Chunk;
use crate::secret::Secret;
use error::unsupported;
pub use error::{ContractProblem, ProviderError, list_ids, list_some};
pub use shape::Shape;

/// An API family, named by its wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI-compatible `POST {base_url}/chat/completions` (OpenAI, Ollama, llama.cpp, vLLM…).
    Openai,
    /// The built-in mock API, spoken to over HTTP with the `openai` protocol.
    Mock,
    /// Anthropic Messages API, `POST {base_url}/v1/messages`.
    Anthropic,
    /// DeepL API v2, `POST {base_url}/v2/translate` (translation only).
    Deepl,
    /// LibreTranslate, `POST {base_url}/translate` (translation only).
    Libretranslate,
}

impl ProviderKind {
    /// What this API family brings by default: one `match`, each arm the protocol file's own.
    pub fn defaults(self) -> KindDefaults {
        match self {
            ProviderKind::Openai => openai::DEFAULTS,
            ProviderKind::Mock => MOCK_DEFAULTS,
            ProviderKind::Anthropic => anthropic::DEFAULTS,
            ProviderKind::Deepl => deepl::DEFAULTS,
            ProviderKind::Libretranslate => libretranslate::DEFAULTS,
        }
    }
}

/// The `mock` kind: the built-in mock API, spoken to with the `openai` protocol and started
/// in-process unless a base URL points at a running one (`diglot mock-server`).
const MOCK_DEFAULTS: KindDefaults = KindDefaults {
    endpoint: DefaultEndpoint::InProcessMock,
    key_var: "DIGLOT_API_KEY",
    model: "diglot-mock",
    hosts_needing_a_key: &[],
    briefs: true,
};

/// Where a profile's requests go when it names no base URL.
#[derive(Debug, Clone, Copy)]
pub enum DefaultEndpoint {
    /// The vendor's public API.
    Public(&'static str),
    /// The host the key belongs to (DeepL: free or pro).
    ByKey(fn(&str) -> &'static str),
    /// The built-in mock, started in-process: only for the `mock` kind, which asks for it.
    InProcessMock,
    /// None: a self-hosted server whose address the profile must give.
    None,
}

/// What an API family brings by default. Each protocol file owns its own constant, so the
/// configuration holds no facts about protocols.
#[derive(Debug, Clone, Copy)]
pub struct KindDefaults {
    /// Where requests go without a configured base URL.
    pub endpoint: DefaultEndpoint,
    /// The environment variable the key is read from unless the profile names another.
    pub key_var: &'static str,
    /// The model of a profile that names none (empty for machine translation APIs).
    pub model: &'static str,
    /// Hosts (matched as `://host`) that always need a key: a profile pointing at one without
    /// a key is a configuration error before anything is sent.
    pub hosts_needing_a_key: &'static [&'static str],
    /// Whether the family writes briefs (checked before anything is read or sent).
    pub briefs: bool,
}

/// A provider profile resolved to plain data: all a protocol needs to build requests. The
/// configuration builds it; the protocol never sees where a value came from.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Profile name, for messages.
    pub name: String,
    /// The API family.
    pub kind: ProviderKind,
    /// Base URL (for `mock` without one, the in-process server's).
    pub base_url: String,
    /// Model name (empty for machine translation APIs).
    pub model: String,
    /// The API key, if any.
    pub api_key: Option<Secret>,
    /// Extra headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// Characters of source text per request.
    pub max_chunk_chars: usize,
    /// The `openai` protocol's knobs (unused by other kinds).
    pub openai: openai::OpenAiOptions,
    /// The `deepl` protocol's knobs (unused by other kinds).
    pub deepl: deepl::DeeplOptions,
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so `config show`'s columns line up.
        f.pad(match self {
            ProviderKind::Openai => "openai",
            ProviderKind::Mock => "mock",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Deepl => "deepl",
            ProviderKind::Libretranslate => "libretranslate",
        })
    }
}

/// Whether an answer's body is a web page (an HTML document) rather than an API reply.
pub fn is_web_page(body: &[u8]) -> bool {
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(14)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// Whether `error` is a refused connection to this machine (`localhost`, `127.0.0.0/8`,
/// `::1`): nothing listens at that port, and retrying will not start a server.
pub fn is_local_refusal(url: &str, error: &(dyn std::error::Error + 'static)) -> bool {
    let local = reqwest::Url::parse(url)
        .ok()
        .and_then(|url| {
            url.host_str()
                .map(|h| h.trim_matches(['[', ']']).to_owned())
        })
        .is_some_and(|host| {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
    let mut source = Some(error);
    while let Some(e) = source {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            return local;
        }
        source = e.source();
    }
    false
}

/// A header value: plain, or a secret that `--dry-run` style output must redact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Safe to show.
    Plain(String),
    /// An API key; shown as `(redacted)`.
    Secret(Secret),
}

/// A profile's extra `headers` as plain values, then the `key` (when there is one) as the
/// secret header `name: {scheme}{key}` (`authorization: Bearer …`).
pub fn headers_with_key(
    headers: &[(String, String)],
    key: Option<&Secret>,
    (name, scheme): (&str, &str),
) -> Vec<(String, HeaderValue)> {
    let mut all: Vec<(String, HeaderValue)> = headers
        .iter()
        .map(|(k, v)| (k.clone(), HeaderValue::Plain(v.clone())))
        .collect();
    if let Some(key) = key {
        all.push((
            name.to_owned(),
            HeaderValue::Secret(Secret::new(format!("{scheme}{}", key.expose()))),
        ));
    }
    all
}

/// The HTTP method of a [`WireRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`, without a body.
    Get,
    /// `POST` with a JSON body.
    Post,
}

/// An HTTP request as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct WireRequest {
    /// `GET` or `POST`.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers beyond `content-type: application/json`.
    pub headers: Vec<(String, HeaderValue)>,
    /// JSON body (sent with `POST` only).
    pub body: serde_json::Value,
    /// The most bytes an answer to this request may take: a multiple of what it can
    /// legitimately produce. More is a hostile or broken server, and reading stops.
    pub reply_limit: usize,
}

/// What a protocol can do, checked before any request is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Whether it writes briefs (LLMs do; DeepL and LibreTranslate do not).
    pub briefs: bool,
    /// Characters of source text per request.
    pub max_chars: usize,
    /// Paragraphs per request at most (DeepL: 50 texts).
    pub max_paragraphs: usize,
    /// Bytes of JSON-encoded paragraph text per request at most, when the API limits the
    /// request size (DeepL: 128 KiB per body, less the room the other fields need).
    pub max_text_bytes: Option<usize>,
}

impl Capabilities {
    /// An LLM's capabilities: briefs, and `max_chars` of text in at most
    /// [`crate::plan::MAX_PARAGRAPHS_PER_CHUNK`] paragraphs per request.
    pub fn llm(max_chars: usize) -> Capabilities {
        Capabilities {
            briefs: true,
            max_chars,
            max_paragraphs: crate::plan::MAX_PARAGRAPHS_PER_CHUNK,
            max_text_bytes: None,
        }
    }

    /// The planner's budget for one request.
    pub fn budget(&self) -> crate::plan::Budget {
        crate::plan::Budget {
            max_chars: self.max_chars,
            max_tokens: None,
            max_paragraphs: self.max_paragraphs,
            max_text_bytes: self.max_text_bytes,
        }
    }
}

/// An HTTP answer as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireReply {
    /// HTTP status code.
    pub status: u16,
    /// The body's bytes (empty for a streamed answer).
    pub body: Vec<u8>,
    /// A streamed answer's server-sent events' data, in order (empty for a plain body).
    pub events: Vec<String>,
    /// Whether diglot stopped reading before the end (the model repeated itself or wrote past
    /// its bound): the answer is truncated.
    pub cut: bool,
}

impl WireReply {
    /// A plain answer: `status` and `body`.
    pub fn plain(status: u16, body: impl Into<Vec<u8>>) -> WireReply {
        WireReply {
            status,
            body: body.into(),
            ..WireReply::default()
        }
    }
}

/// One paragraph as the provider translated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The paragraph this translates.
    pub id: ParagraphId,
    /// The translation (normalized to one line).
    pub text: String,
    /// With `--align sentence`, its sentence pairs, covering the paragraph's sentences in
    /// order; `text` is their targets joined. Empty when aligned by paragraph.
    pub sentences: Vec<crate::ingest::sentence::SentencePair>,
}

impl Translated {
    /// A translation aligned by paragraph.
    pub fn new(id: ParagraphId, text: String) -> Translated {
        Translated {
            id,
            text,
            sentences: Vec::new(),
        }
    }
}

/// A protocol's decoded answer to one translation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Every requested paragraph, once, in request order.
    Complete(Vec<Translated>),
    /// The reply broke the contract; `raw` is the model's text, for the repair request.
    Broken {
        /// The model's answer as text.
        raw: String,
        /// What is wrong with it.
        problems: Vec<ContractProblem>,
    },
}

/// A protocol's decoded answer to a brief request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BriefDecoded {
    /// A brief of the right shape (not yet verified against the article).
    Complete {
        /// The brief.
        brief: Brief,
        /// The model's text, for a repair request if verification fails.
        raw: String,
    },
    /// The reply is not a brief; `raw` is the model's text, for the repair request.
    Broken {
        /// The model's answer as text.
        raw: String,
        /// What is wrong with it.
        problems: Vec<ContractProblem>,
    },
}

/// One API family's wire format. Never touches network, clock or environment.
pub trait Protocol: Send + Sync {
    /// The API family.
    fn kind(&self) -> ProviderKind;
    /// What it can do and its request budget.
    fn capabilities(&self) -> Capabilities;
    /// The shape of this protocol's first request to an endpoint: the optional parameters it
    /// carries before the endpoint has refused any. The default carries none.
    fn initial_shape(&self) -> Shape {
        Shape::none()
    }
    /// The optional parameter of `shape` that an error answer refuses, if any; the pipeline
    /// then steps the shape down and asks again. The default recognises none.
    fn refused(&self, shape: &Shape, reply: &WireReply) -> Option<shape::Param> {
        let _ = (shape, reply);
        None
    }
    /// Builds the request that translates `chunk`, shaped as `shape` says.
    fn encode_translation(
        &self,
        chunk: &Chunk,
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError>;
    /// Builds a repair request: the original request, the broken reply and what is wrong.
    /// The default, for machine translation without a conversation (DeepL, LibreTranslate),
    /// sends the same request again.
    fn encode_repair(
        &self,
        chunk: &Chunk,
        raw: &str,
        problems: &[ContractProblem],
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let _ = (raw, problems);
        self.encode_translation(chunk, shape)
    }
    /// The text a streamed event adds to the answer (its content, not the model's reasoning),
    /// for showing progress and noticing a model that repeats itself.
    fn delta_text(&self, event: &str) -> Option<String> {
        let _ = event;
        None
    }
    /// Reads a 2xx answer to a translation or repair request.
    fn decode_translation(
        &self,
        chunk: &Chunk,
        reply: &WireReply,
    ) -> Result<Decoded, ProviderError>;
    /// The API's own message in an error body (4xx/5xx), if it has one.
    fn error_detail(&self, body: &[u8]) -> Option<String> {
        openai::error_detail(body)
    }
    /// Characters the API says it billed for a 2xx translation reply (DeepL), if it says.
    fn billed_characters(&self, _reply: &WireReply) -> Option<u64> {
        None
    }
    /// Input and output tokens the API reports for a 2xx reply (LLMs), if it reports them.
    fn reported_tokens(&self, _reply: &WireReply) -> Option<(u64, u64)> {
        None
    }
    /// The request that creates the provider's own copy of a glossary (DeepL's
    /// `POST /v3/glossaries`) named `name` with `terms` for `source` → `target`; `None` for a
    /// protocol that keeps no glossaries (LLMs get the terms in each prompt instead).
    fn encode_glossary(
        &self,
        name: &str,
        (source, target): (crate::language::LanguageCode, crate::language::LanguageCode),
        terms: &[crate::glossary::Term],
    ) -> Option<WireRequest> {
        let _ = (name, source, target, terms);
        None
    }
    /// The request that asks whether the glossary `id` created earlier still exists (a 2xx
    /// answer says it does); `None` when the protocol keeps no glossaries.
    fn encode_glossary_lookup(&self, id: &str) -> Option<WireRequest> {
        let _ = id;
        None
    }
    /// The id of the glossary a 2xx answer to [`encode_glossary`](Protocol::encode_glossary)
    /// created.
    fn decode_glossary_id(&self, reply: &WireReply) -> Result<String, ProviderError> {
        let _ = reply;
        Err(unsupported(self.kind().to_string(), "keep glossaries"))
    }
    /// A request to send once before the article, to check that the API can do the job
    /// (LibreTranslate: `GET /languages`); `None` when there is nothing to check.
    fn encode_preflight(&self) -> Option<WireRequest> {
        None
    }
    /// Reads the 2xx answer to [`encode_preflight`](Protocol::encode_preflight): `Ok` when
    /// `source` → `target` can be translated.
    fn check_preflight(
        &self,
        _source: crate::language::LanguageCode,
        _target: crate::language::LanguageCode,
        _reply: &WireReply,
    ) -> Result<(), ProviderError> {
        Ok(())
    }
    /// Builds the request for a bilingual brief. Protocols without briefs keep the default,
    /// which is [`ProviderError::Unsupported`].
    fn encode_brief(
        &self,
        input: &BriefInput,
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let _ = (input, shape);
        Err(unsupported(self.kind().to_string(), "write briefs"))
    }
    /// Builds a brief repair request: the original request, the reply and what is wrong.
    fn encode_brief_repair(
        &self,
        input: &BriefInput,
        raw: &str,
        problems: &[String],
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let _ = (input, raw, problems, shape);
        Err(unsupported(self.kind().to_string(), "write briefs"))
    }
    /// Reads a 2xx answer to a brief or brief repair request.
    fn decode_brief(
        &self,
        input: &BriefInput,
        reply: &WireReply,
    ) -> Result<BriefDecoded, ProviderError> {
        let _ = (input, reply);
        Err(unsupported(self.kind().to_string(), "write briefs"))
    }
}

/// The protocol for a resolved profile: one exhaustive `match` on the kind, no registry.
pub fn protocol_for(profile: Profile, prompts: crate::prompt::Prompts) -> Arc<dyn Protocol> {
    let Profile {
        name,
        kind,
        base_url,
        model,
        api_key,
        headers,
        max_chunk_chars,
        openai,
        deepl,
    } = profile;
    match kind {
        ProviderKind::Openai | ProviderKind::Mock => Arc::new(openai::OpenAi {
            name,
            base_url,
            model,
            api_key,
            headers,
            options: openai,
            prompts,
            max_chunk_chars,
        }),
        ProviderKind::Anthropic => Arc::new(anthropic::Anthropic {
            name,
            base_url,
            model,
            api_key,
            headers,
            prompts,
            max_chunk_chars,
        }),
        ProviderKind::Deepl => Arc::new(deepl::Deepl {
            name,
            base_url,
            api_key,
            headers,
            options: deepl,
        }),
        ProviderKind::Libretranslate => Arc::new(libretranslate::LibreTranslate {
            name,
            base_url,
            api_key,
            headers,
            max_chunk_chars,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::LanguageCode;

    #[test]
    fn web_pages_are_told_from_api_replies() {
        assert!(is_web_page(b"\n  <!DOCTYPE html><html>"));
        assert!(is_web_page(b"<HTML><body>"));
        assert!(!is_web_page(br#"{"error": "<html>"}"#));
        assert!(!is_web_page(b""));
    }

    #[test]
    fn only_a_refused_connection_to_this_machine_is_a_local_refusal() {
        /// An error caused by another, as reqwest's errors are.
        #[derive(Debug, thiserror::Error)]
        #[error("error sending request")]
        struct Wrapper(#[source] std::io::Error);
        let wrapped = Wrapper(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        for url in [
            "http://127.0.0.1:9/v1",
            "http://localhost:1",
            "http://[::1]:2/v1",
        ] {
            assert!(is_local_refusal(url, &wrapped), "{url}");
        }
        assert!(!is_local_refusal("http://192.0.2.1:9/v1", &wrapped));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(!is_local_refusal("http://127.0.0.1:9/v1", &reset));
    }

    /// A protocol that only translates, as DeepL or LibreTranslate would.
    struct TranslationOnly;

    impl Protocol for TranslationOnly {
        fn kind(&self) -> ProviderKind {
            ProviderKind::Openai
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                briefs: false,
                max_chars: 100,
                max_paragraphs: 10,
                max_text_bytes: None,
            }
        }
        fn encode_translation(&self, _: &Chunk, _: &Shape) -> Result<WireRequest, ProviderError> {
            unreachable!("not used in this test")
        }
        fn encode_repair(
            &self,
            _: &Chunk,
            _: &str,
            _: &[ContractProblem],
            _: &Shape,
        ) -> Result<WireRequest, ProviderError> {
            unreachable!("not used in this test")
        }
        fn decode_translation(&self, _: &Chunk, _: &WireReply) -> Result<Decoded, ProviderError> {
            unreachable!("not used in this test")
        }
    }

    #[test]
    fn protocols_without_briefs_need_no_code_and_say_unsupported() {
        let input = BriefInput {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            points: crate::brief::DEFAULT_POINTS,
            paragraphs: vec![],
        };
        let reply = WireReply::plain(200, vec![]);
        let errors = [
            TranslationOnly.encode_brief(&input, &Shape::none()).err(),
            TranslationOnly
                .encode_brief_repair(&input, "", &[], &Shape::none())
                .err(),
            TranslationOnly.decode_brief(&input, &reply).err(),
        ];
        for error in errors {
            assert!(
                matches!(&error, Some(ProviderError::Unsupported { what, .. }) if what == "write briefs"),
                "{error:?}"
            );
        }
    }
}
