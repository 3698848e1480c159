//! Emulations of real servers and models (`diglot mock-server --emulate NAME`, repeatable):
//! what they really answer, measured or taken from their documentation and trackers, so that
//! diglot's handling of each quirk is tested over real sockets. Unlike faults they are not used
//! up: the emulated server behaves so for every request.
//!
//! Refusals carry the server's real error body. The chat handler asks [`Emulations::refusal`] first; the
//! others shape the answer ([`Emulations`]).

use std::fmt;
use std::str::FromStr;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::openai::{error_response, json_response};

/// A real server's or model's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emulation {
    /// (`llama-cpp-python`) llama-cpp-python 0.3.36: HTTP 500 with a pydantic validation body
    /// for `response_format: {type: json_schema}`; extra fields ignored; streams without usage.
    LlamaCppPython,
    /// (`lm-studio`) LM Studio: HTTP 400 for `response_format: {type: json_object}`.
    LmStudio,
    /// (`deepseek`) DeepSeek: HTTP 400 for `json_schema` (only `json_object` is offered), and
    /// the first answer's content empty, as its API documents may happen.
    Deepseek,
    /// (`groq`) Groq with a model without structured outputs: HTTP 400 for `json_schema`.
    Groq,
    /// (`openai-reasoning`) OpenAI's reasoning models: HTTP 400 for `max_tokens` (they want
    /// `max_completion_tokens`) and for parameters the API does not know
    /// (`chat_template_kwargs`).
    OpenaiReasoning,
    /// (`think`) A model that writes `<think>…</think>` before its answer whatever it is told.
    Think,
    /// (`reasoning-length`) A hybrid reasoning model (Qwen3) left thinking: unless the request
    /// turns thinking off (`chat_template_kwargs.enable_thinking: false`) it spends its whole
    /// budget on reasoning and answers empty content with `finish_reason: length`.
    ReasoningLength,
    /// (`ignores-format`) A server that ignores `response_format` (Ollama with some models):
    /// the model writes a sentence and the JSON in Markdown fences.
    IgnoresFormat,
    /// (`loop`) A small model that loops, behind a server that does not enforce the token
    /// bound: its first answer repeats one phrase until the client hangs up (at most
    /// 65,536 tokens, then `finish_reason: length`).
    Loop,
    /// (`no-stream`) A server that cannot stream: `stream: true` gets a plain JSON answer.
    NoStream,
    /// (`unmarked`) A small model (Qwen2.5-Coder-1.5B on llama.cpp, measured) that answers a
    /// numbered request for one paragraph with the translation alone, without its `[N]`.
    Unmarked,
}

impl Emulation {
    /// Every emulation, in the order the help text lists them.
    pub const ALL: [Emulation; 11] = [
        Emulation::LlamaCppPython,
        Emulation::LmStudio,
        Emulation::Deepseek,
        Emulation::Groq,
        Emulation::OpenaiReasoning,
        Emulation::Think,
        Emulation::ReasoningLength,
        Emulation::IgnoresFormat,
        Emulation::Loop,
        Emulation::NoStream,
        Emulation::Unmarked,
    ];

    /// The name `--emulate` takes.
    pub fn name(self) -> &'static str {
        match self {
            Emulation::LlamaCppPython => "llama-cpp-python",
            Emulation::LmStudio => "lm-studio",
            Emulation::Deepseek => "deepseek",
            Emulation::Groq => "groq",
            Emulation::OpenaiReasoning => "openai-reasoning",
            Emulation::Think => "think",
            Emulation::ReasoningLength => "reasoning-length",
            Emulation::IgnoresFormat => "ignores-format",
            Emulation::Loop => "loop",
            Emulation::NoStream => "no-stream",
            Emulation::Unmarked => "unmarked",
        }
    }
}

impl fmt::Display for Emulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An `--emulate` value that names no emulation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown emulation '{name}' (valid: {})", Emulation::ALL.map(Emulation::name).join(", "))]
pub struct ParseEmulationError {
    name: String,
}

impl FromStr for Emulation {
    type Err = ParseEmulationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Emulation::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEmulationError { name: s.to_owned() })
    }
}

/// llama-cpp-python 0.3.36's real answer to `response_format: {type: json_schema}`, measured
/// against the server (`../shared/tools/real-llm.sh`), the file path shortened.
const LLAMA_CPP_PYTHON_SCHEMA: &str = "1 validation error:\n  {'type': 'literal_error', 'loc': \
    ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", \
    'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \
    \"llama_cpp/server/app.py\", line 376, in create_chat_completion\n    POST \
    /v1/chat/completions";

/// The emulations a server runs with.
#[derive(Debug, Clone, Default)]
pub struct Emulations(Vec<Emulation>);

impl Emulations {
    /// The server behaves as all of `emulations`.
    pub fn new(emulations: &[Emulation]) -> Emulations {
        Emulations(emulations.to_vec())
    }

    /// Whether the server behaves as `emulation`.
    pub fn has(&self, emulation: Emulation) -> bool {
        self.0.contains(&emulation)
    }

    /// The answer of an emulated server that refuses the chat request `body`, if one does.
    pub fn refusal(&self, body: &Value) -> Option<Response> {
        let format = body
            .pointer("/response_format/type")
            .and_then(Value::as_str);
        for emulation in &self.0 {
            let refused = match (emulation, format) {
                (Emulation::LlamaCppPython, Some("json_schema")) => {
                    let body = serde_json::json!({"error": {
                        "message": LLAMA_CPP_PYTHON_SCHEMA,
                        "type": "internal_server_error", "param": null, "code": null}});
                    Some(json_response(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        body.to_string(),
                    ))
                }
                (Emulation::LmStudio, Some("json_object")) => Some(json_response(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({
                        "error": "'response_format.type' must be 'json_schema' or 'text'"
                    })
                    .to_string(),
                )),
                (Emulation::Deepseek, Some("json_schema")) => Some(error_response(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "This response_format type is unavailable now",
                )),
                (Emulation::Groq, Some("json_schema")) => Some(error_response(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "This model does not support response format `json_schema`. See supported \
                     models at https://console.groq.com/docs/structured-outputs#supported-models",
                )),
                (Emulation::OpenaiReasoning, _) if body.get("max_tokens").is_some() => {
                    Some(error_response(
                        StatusCode::BAD_REQUEST,
                        "invalid_request_error",
                        "Unsupported parameter: 'max_tokens' is not supported with this model. \
                         Use 'max_completion_tokens' instead.",
                    ))
                }
                (Emulation::OpenaiReasoning, _) if body.get("chat_template_kwargs").is_some() => {
                    Some(error_response(
                        StatusCode::BAD_REQUEST,
                        "invalid_request_error",
                        "Unrecognized request argument supplied: chat_template_kwargs",
                    ))
                }
                _ => None,
            };
            if refused.is_some() {
                return refused;
            }
        }
        None
    }

    /// Whether a streamed answer reports token usage: llama-cpp-python ignores
    /// `stream_options`.
    pub fn streams_usage(&self) -> bool {
        !self.has(Emulation::LlamaCppPython)
    }

    /// Whether the server answers `stream: true` with a stream.
    pub fn streams(&self) -> bool {
        !self.has(Emulation::NoStream)
    }
}

/// Whether `body` turns thinking off (`chat_template_kwargs.enable_thinking: false`).
pub fn thinking_off(body: &Value) -> bool {
    body.pointer("/chat_template_kwargs/enable_thinking") == Some(&Value::Bool(false))
}

/// What a model that thinks writes before its answer.
pub const THOUGHT: &str = "<think>\nThe user wants a translation. I will keep every id and \
    answer with the JSON only.\n</think>\n\n";

/// The phrase a looping model repeats.
pub const LOOP_PHRASE: &str = "and the talks continued, ";

/// How long a looping model goes on: a whole 64K context.
pub const LOOP_TOKENS: usize = 65_536;

/// What an emulated model makes of its `content`: reasoning instead of an answer, a thought
/// before it, a loop, prose and fences around it, or nothing at all (see `emulate.rs`).
#[derive(Debug, Clone, Default)]
pub(super) struct Answer {
    /// The answer's text.
    pub(super) content: String,
    /// Reasoning sent apart from the answer.
    pub(super) reasoning: Option<String>,
    /// The model stopped at its bound.
    pub(super) length: bool,
}

impl Emulations {
    /// What the emulated model answers to the `number`th request (its output bound and whether
    /// it turned thinking off) when a well-behaved model would answer `content`.
    pub(super) fn answer(
        &self,
        (bound, thinking_off): (Option<usize>, bool),
        number: u64,
        content: String,
    ) -> Answer {
        let has = |e| self.has(e);
        let bound = bound.unwrap_or(8192);
        if has(Emulation::ReasoningLength) && !thinking_off {
            let reasoning = "Let me think about each paragraph carefully. ".repeat(bound / 10 + 1);
            return Answer {
                content: String::new(),
                reasoning: Some(reasoning),
                length: true,
            };
        }
        if has(Emulation::Loop) && number == 1 {
            let start: String = content.chars().take(60).collect();
            let looped = format!(
                "{start}{}",
                LOOP_PHRASE.repeat(LOOP_TOKENS * 4 / LOOP_PHRASE.len())
            );
            return Answer {
                content: looped,
                reasoning: None,
                length: true,
            };
        }
        let mut content = content;
        if has(Emulation::Deepseek) && number == 1 {
            content.clear();
        }
        if has(Emulation::IgnoresFormat) && !content.is_empty() {
            content = format!(
                "{}\n\n```json\n{content}\n```",
                super::openai::FENCE_PREAMBLE
            );
        }
        if has(Emulation::Unmarked)
            && let Some([(_, alone)]) =
                crate::provider::contract::parse_numbered(&content).as_deref()
        {
            content = alone.clone();
        }
        if has(Emulation::Think) {
            content = format!("{THOUGHT}{content}");
        }
        Answer {
            content,
            reasoning: None,
            length: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for emulation in Emulation::ALL {
            assert_eq!(emulation.name().parse(), Ok(emulation));
        }
        assert!("nope".parse::<Emulation>().is_err());
    }

    #[test]
    fn each_refusal_answers_only_what_the_real_server_refuses() {
        let schema = serde_json::json!({"response_format": {"type": "json_schema"}});
        let object = serde_json::json!({"response_format": {"type": "json_object"}});
        let llama = Emulations::new(&[Emulation::LlamaCppPython]);
        assert_eq!(
            llama.refusal(&schema).map(|r| r.status()),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert!(llama.refusal(&object).is_none());
        let lm = Emulations::new(&[Emulation::LmStudio]);
        assert!(lm.refusal(&schema).is_none());
        assert_eq!(
            lm.refusal(&object).map(|r| r.status()),
            Some(StatusCode::BAD_REQUEST)
        );
        let reasoning = Emulations::new(&[Emulation::OpenaiReasoning]);
        assert!(
            reasoning
                .refusal(&serde_json::json!({"max_tokens": 9}))
                .is_some()
        );
        assert!(
            reasoning
                .refusal(&serde_json::json!({"max_completion_tokens": 9}))
                .is_none()
        );
    }
}
