//! The shape of a request to an OpenAI-compatible endpoint, and how it adapts to what the
//! endpoint accepts.
//!
//! Servers differ in the optional parameters they take: llama-cpp-python answers 500 to
//! `response_format: json_schema`, LM Studio refuses `json_object`, Groq some models'
//! `json_schema`, OpenAI's reasoning models `max_tokens`; hosted APIs refuse parameters they do
//! not know (`chat_template_kwargs`). A [`Shape`] says which of these a request carries. When an
//! answer refuses one of them ([`refused`]: a 4xx naming it, or a 5xx that reads as a
//! validation error about it), the shape steps down ([`Shape::without`]) — `json_schema` →
//! `json_object` → a plain prompt, `max_tokens` → `max_completion_tokens` → no bound (diglot
//! then cuts the stream itself), streaming → a plain answer — and the request is sent again.
//! This is one general mechanism: it reads the parameter names in the error text, never which
//! server sent it. The shape an endpoint ended on is remembered per base URL and model.
//!
//! Translations go out *numbered* by default (`[3] text`, answered the same way): measured on a
//! real small model (Qwen2.5-Coder-1.5B on llama.cpp's server, the reference article), that
//! plain form cost 818 prompt and 437 output tokens in one request with every paragraph clean,
//! where `json_schema` cost 975 + 486 in its first request and four of eight paragraphs needed
//! a repair (BENCHMARKS.md). An endpoint whose model breaks the numbered contract switches to
//! the JSON forms above, the strongest it accepts first. Briefs are JSON by nature and always
//! take the JSON ladder.

use serde::{Deserialize, Serialize};

/// How the answer's structure is asked for, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// `response_format: {type: json_schema}` with diglot's schema.
    JsonSchema,
    /// `response_format: {type: json_object}`, the shape described in the prompt.
    JsonObject,
    /// No `response_format`: the prompt asks for numbered paragraphs (translations) or JSON
    /// (briefs), and the answer is read leniently.
    Plain,
}

/// Under which name the output bound goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `max_tokens` (most servers).
    MaxTokens,
    /// `max_completion_tokens` (OpenAI's reasoning models).
    MaxCompletionTokens,
    /// None the server takes: diglot cuts a streamed answer that passes the bound itself.
    Unsent,
}

/// What a request to one endpoint carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// How the structure is asked for.
    pub structure: Structure,
    /// Whether `structure` may step down on a refusal (`response_format = "auto"`), or was
    /// chosen by the user and stays.
    pub adapt_structure: bool,
    /// The output bound's parameter.
    pub bound: Bound,
    /// `stream: true`.
    pub stream: bool,
    /// `stream_options: {include_usage: true}`, for token counts in a stream.
    pub stream_usage: bool,
    /// `chat_template_kwargs: {enable_thinking: false}`: thinking off on the servers that
    /// render the chat template themselves (llama.cpp, vLLM, SGLang).
    pub thinking_off: bool,
    /// Translations go out as numbered paragraphs with no `response_format`, rather than in
    /// `structure`; cleared once the endpoint's model breaks that contract.
    pub numbered: bool,
}

/// An optional parameter of a request, which a server may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `response_format`.
    ResponseFormat,
    /// `max_tokens`.
    MaxTokens,
    /// `max_completion_tokens`.
    MaxCompletionTokens,
    /// `stream`.
    Stream,
    /// `stream_options`.
    StreamOptions,
    /// `chat_template_kwargs`.
    ChatTemplateKwargs,
}

impl Param {
    /// The parameter's key in the request body.
    pub fn key(self) -> &'static str {
        match self {
            Param::ResponseFormat => "response_format",
            Param::MaxTokens => "max_tokens",
            Param::MaxCompletionTokens => "max_completion_tokens",
            Param::Stream => "stream",
            Param::StreamOptions => "stream_options",
            Param::ChatTemplateKwargs => "chat_template_kwargs",
        }
    }

    /// Words of an error text that name this parameter (its key, or a value only it sends).
    fn names(self) -> &'static [&'static str] {
        match self {
            Param::ResponseFormat => &["response_format", "json_schema", "json_object"],
            Param::MaxTokens => &["max_tokens"],
            Param::MaxCompletionTokens => &["max_completion_tokens"],
            Param::Stream => &["stream"],
            Param::StreamOptions => &["stream_options", "include_usage"],
            Param::ChatTemplateKwargs => &["chat_template_kwargs", "enable_thinking"],
        }
    }
}

impl Shape {
    /// The strongest shape: what a request carries before an endpoint has refused anything.
    /// `structure` is the profile's choice; `None` (`auto`) starts at `json_schema` and adapts.
    pub fn strongest(structure: Option<Structure>, thinking_off: bool) -> Shape {
        Shape {
            structure: structure.unwrap_or(Structure::JsonSchema),
            adapt_structure: structure.is_none(),
            bound: Bound::MaxTokens,
            stream: true,
            stream_usage: true,
            thinking_off,
            numbered: matches!(structure, None | Some(Structure::Plain)),
        }
    }

    /// The structure a translation request takes in this shape.
    pub fn translation_structure(&self) -> Structure {
        if self.numbered {
            Structure::Plain
        } else {
            self.structure
        }
    }

    /// The shape after the model broke the numbered contract: JSON from now on, when the
    /// structure may adapt; `None` when it is already JSON or was chosen by the user.
    pub fn without_numbered(self) -> Option<Shape> {
        (self.numbered && self.adapt_structure).then_some(Shape {
            numbered: false,
            ..self
        })
    }

    /// A shape with no optional parameters: for protocols that have none to adapt
    /// (DeepL, LibreTranslate).
    pub fn none() -> Shape {
        Shape {
            structure: Structure::Plain,
            adapt_structure: false,
            bound: Bound::Unsent,
            stream: false,
            stream_usage: false,
            thinking_off: false,
            numbered: false,
        }
    }

    /// The optional parameters a request of this shape carries, most specific first (so
    /// `stream_options` is found before `stream` in an error text).
    pub fn params(&self) -> Vec<Param> {
        let mut params = Vec::new();
        if self.structure != Structure::Plain {
            params.push(Param::ResponseFormat);
        }
        match self.bound {
            Bound::MaxTokens => params.push(Param::MaxTokens),
            Bound::MaxCompletionTokens => params.push(Param::MaxCompletionTokens),
            Bound::Unsent => {}
        }
        if self.stream_usage {
            params.push(Param::StreamOptions);
        }
        if self.stream {
            params.push(Param::Stream);
        }
        if self.thinking_off {
            params.push(Param::ChatTemplateKwargs);
        }
        params
    }

    /// The shape to try after the endpoint refused `param`; `None` when the refusal cannot be
    /// worked around (the user chose the structure, or nothing is left to step down to).
    pub fn without(self, param: Param) -> Option<Shape> {
        let mut next = self;
        match param {
            Param::ResponseFormat if !self.adapt_structure => return None,
            Param::ResponseFormat => {
                next.structure = match self.structure {
                    Structure::JsonSchema => Structure::JsonObject,
                    Structure::JsonObject => Structure::Plain,
                    Structure::Plain => return None,
                };
            }
            Param::MaxTokens => next.bound = Bound::MaxCompletionTokens,
            Param::MaxCompletionTokens => next.bound = Bound::Unsent,
            Param::Stream => {
                next.stream = false;
                next.stream_usage = false;
            }
            Param::StreamOptions => next.stream_usage = false,
            Param::ChatTemplateKwargs => next.thinking_off = false,
        }
        (next != self).then_some(next)
    }
}

/// Words of a server error that say the request was invalid, rather than that the server
/// failed: in a 5xx, only these make a parameter's name count as a refusal.
const VALIDATION_WORDS: &[&str] = &[
    "validation",
    "invalid",
    "not supported",
    "unsupported",
    "not support",
    "must be",
    "should be",
    "unrecognized",
    "unrecognised",
    "unknown",
    "extra",
    "not permitted",
    "not allowed",
    "unavailable",
];

/// The optional parameter of `shape` that an error answer refuses, if it refuses one: a 400,
/// 404, 415 or 422 whose body names a parameter the request carried, or a 5xx whose body names
/// one and reads as a validation error. `None` for anything else (a rejected key, a rate
/// limit, a crashed server, a parameter the request did not carry).
pub fn refused(shape: &Shape, status: u16, body: &[u8]) -> Option<Param> {
    let text = String::from_utf8_lossy(body).to_lowercase();
    let is_refusal = match status {
        400 | 404 | 415 | 422 => true,
        500..=599 => VALIDATION_WORDS.iter().any(|w| text.contains(w)),
        _ => false,
    };
    if !is_refusal {
        return None;
    }
    shape
        .params()
        .into_iter()
        .find(|param| param.names().iter().any(|name| mentions(&text, name)))
}

/// Whether `text` names `word` as a word of its own (`stream` in "'stream' is not supported",
/// not in "upstream" or "streaming is slow").
fn mentions(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto() -> Shape {
        Shape::strongest(None, true)
    }

    /// llama-cpp-python 0.3.36's real answer to `response_format: json_schema` (HTTP 500).
    const LLAMA_CPP_PYTHON: &str = r#"{"error":{"message":"1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"/root/.cache/diglot-real-llm/venv/lib/python3.11/site-packages/llama_cpp/server/app.py\", line 376, in create_chat_completion\n    POST /v1/chat/completions","type":"internal_server_error","param":null,"code":null}}"#;

    #[test]
    fn a_validation_error_500_naming_response_format_is_a_refusal() {
        let param = refused(&auto(), 500, LLAMA_CPP_PYTHON.as_bytes());
        assert_eq!(param, Some(Param::ResponseFormat));
        let next = auto().without(Param::ResponseFormat).expect("steps down");
        assert_eq!(next.structure, Structure::JsonObject);
        assert_eq!(
            next.without(Param::ResponseFormat).map(|s| s.structure),
            Some(Structure::Plain)
        );
        assert_eq!(
            Shape {
                structure: Structure::Plain,
                ..next
            }
            .without(Param::ResponseFormat),
            None
        );
    }

    #[test]
    fn a_crash_or_an_overload_is_not_a_refusal() {
        let crash = br#"{"error":{"message":"CUDA out of memory","type":"server_error"}}"#;
        assert_eq!(refused(&auto(), 500, crash), None);
        let rate = br#"{"error":{"message":"Rate limit reached for max_tokens per min"}}"#;
        assert_eq!(refused(&auto(), 429, rate), None);
        assert_eq!(refused(&auto(), 401, b"invalid api key"), None);
    }

    #[test]
    fn the_parameter_named_is_the_one_the_request_carried() {
        // OpenAI's reasoning models name both; the request carried max_tokens.
        let openai = br#"{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","param":"max_tokens"}}"#;
        assert_eq!(refused(&auto(), 400, openai), Some(Param::MaxTokens));
        let next = auto().without(Param::MaxTokens).expect("renames the bound");
        assert_eq!(next.bound, Bound::MaxCompletionTokens);
        let groq =
            br#"{"error":{"message":"This model does not support response format `json_schema`"}}"#;
        assert_eq!(refused(&auto(), 400, groq), Some(Param::ResponseFormat));
        let lm_studio = br#"{"error":"'response_format.type' must be 'json_schema' or 'text'"}"#;
        let object = Shape {
            structure: Structure::JsonObject,
            ..auto()
        };
        assert_eq!(
            refused(&object, 400, lm_studio),
            Some(Param::ResponseFormat)
        );
        let unknown = br#"{"error":{"message":"Unrecognized request argument supplied: chat_template_kwargs"}}"#;
        assert_eq!(
            refused(&auto(), 400, unknown),
            Some(Param::ChatTemplateKwargs)
        );
        let options = br#"{"detail":"stream_options: extra inputs are not permitted"}"#;
        assert_eq!(refused(&auto(), 422, options), Some(Param::StreamOptions));
    }

    #[test]
    fn words_inside_other_words_do_not_count() {
        let upstream = br#"{"error":"upstream connection reset"}"#;
        assert_eq!(refused(&auto(), 400, upstream), None);
        let plain = Shape {
            structure: Structure::Plain,
            ..auto()
        };
        assert_eq!(
            refused(&plain, 400, br#"{"error":"bad json_schema"}"#),
            None
        );
    }

    #[test]
    fn a_chosen_structure_never_steps_down() {
        let chosen = Shape::strongest(Some(Structure::JsonSchema), false);
        assert_eq!(chosen.without(Param::ResponseFormat), None);
        assert!(!chosen.params().contains(&Param::ChatTemplateKwargs));
    }
}
