//! The OpenAI-compatible chat-completions protocol (`POST {base_url}/chat/completions`).
//!
//! Serves OpenAI, Ollama, llama.cpp server, vLLM, LM Studio, OpenRouter, Groq, Mistral and the
//! built-in mock through one `base_url`. Pure encode/decode: no I/O.

use serde_json::{Value, json};

use super::BriefDecoded;
use super::contract::{self};
use super::conversation::{self, Conversation};
use super::shape::{Bound, Param, Shape, Structure};
use super::{
    Capabilities, ContractProblem, Decoded, DefaultEndpoint, KindDefaults, Method, Protocol,
    ProviderError, ProviderKind, WireReply, WireRequest,
};
use crate::brief::BriefInput;
use crate::plan::Chunk;
use crate::prompt::Prompts;
use crate::secret::Secret;

/// The built-in `openai` profile's defaults: OpenAI's public API, its key variable and a small,
/// cheap model.
pub const DEFAULTS: KindDefaults = KindDefaults {
    endpoint: DefaultEndpoint::Public("https://api.openai.com/v1"),
    key_var: "OPENAI_API_KEY",
    model: "gpt-4o-mini",
    hosts_needing_a_key: &["://api.openai.com"],
    briefs: true,
};

/// How to ask an OpenAI-compatible API for structure (`response_format` in a profile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    /// The strongest form the endpoint accepts: `json_schema`, stepping down to `json_object`
    /// and then to a plain prompt when the endpoint refuses one (see [`super::shape`]).
    #[default]
    Auto,
    /// Always `response_format: {type: json_schema}` with diglot's schema.
    JsonSchema,
    /// Always `response_format: {type: json_object}`.
    JsonObject,
    /// Never a `response_format`: a plain prompt, read leniently.
    None,
}

impl ResponseFormat {
    /// The structure this setting forces, `None` for `auto`.
    fn forced(self) -> Option<Structure> {
        match self {
            ResponseFormat::Auto => None,
            ResponseFormat::JsonSchema => Some(Structure::JsonSchema),
            ResponseFormat::JsonObject => Some(Structure::JsonObject),
            ResponseFormat::None => Some(Structure::Plain),
        }
    }
}

/// Whether a model may think before it answers (`thinking` in a profile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Thinking {
    /// Off: `chat_template_kwargs: {enable_thinking: false}` (llama.cpp, vLLM, SGLang with
    /// Qwen3 and other hybrid models); dropped, and remembered, where a server refuses it.
    #[default]
    Off,
    /// The model's own default: nothing is sent.
    On,
}

/// The knobs an `openai` (or `mock`) profile may set beyond the common ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenAiOptions {
    /// How to ask for structure.
    pub response_format: ResponseFormat,
    /// Whether the model may think.
    pub thinking: Thinking,
}

/// An OpenAI-compatible endpoint with a model and the prompts in force.
#[derive(Debug, Clone)]
pub struct OpenAi {
    /// Profile name, for messages.
    pub name: String,
    /// Base URL without the trailing `/chat/completions`.
    pub base_url: String,
    /// Model name sent in every request.
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<Secret>,
    /// Extra headers from the profile.
    pub headers: Vec<(String, String)>,
    /// The profile's knobs.
    pub options: OpenAiOptions,
    /// Prompt templates.
    pub prompts: Prompts,
    /// Characters of source text per request.
    pub max_chunk_chars: usize,
}

/// Which reply a request asks for, and so which JSON schema it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    /// [`contract::TranslationReply`].
    Translation,
    /// The source side of a [`crate::brief::Brief`], with this many key points.
    Brief(u8),
    /// A sentence reply (`--align sentence`, [`super::sentences`]).
    Sentences,
}

impl OpenAi {
    fn request(
        &self,
        conversation: Conversation,
        (reply, structure): (Reply, Structure),
        shape: &Shape,
        bound: u32,
    ) -> WireRequest {
        let mut body = json!({
            "model": self.model,
            "messages": Self::messages(conversation),
            "temperature": 0,
        });
        if let Some(format) = response_format(structure, reply) {
            body["response_format"] = format;
        }
        match shape.bound {
            Bound::MaxTokens => body["max_tokens"] = json!(bound),
            Bound::MaxCompletionTokens => body["max_completion_tokens"] = json!(bound),
            Bound::Unsent => {}
        }
        if shape.stream {
            body["stream"] = json!(true);
        }
        if shape.stream_usage {
            body["stream_options"] = json!({"include_usage": true});
        }
        if shape.thinking_off {
            body["chat_template_kwargs"] = json!({"enable_thinking": false});
        }
        let headers = super::headers_with_key(
            &self.headers,
            self.api_key.as_ref(),
            ("authorization", "Bearer "),
        );
        WireRequest {
            method: Method::Post,
            url: format!("{}/chat/completions", self.base_url.trim_end_matches('/')),
            headers,
            body,
            reply_limit: contract::reply_limit(bound),
        }
    }

    fn messages(conversation: Conversation) -> Vec<Value> {
        std::iter::once(json!({"role": "system", "content": conversation.system}))
            .chain(
                conversation
                    .turns
                    .into_iter()
                    .map(|(role, content)| json!({"role": role.as_str(), "content": content})),
            )
            .collect()
    }

    fn malformed(&self, detail: String) -> ProviderError {
        ProviderError::Malformed {
            provider: self.name.clone(),
            detail,
        }
    }

    /// The assistant's text of a 2xx answer (a completion, or a stream of chunks), and whether
    /// it stopped at the length limit or was cut. Reasoning the server sends apart from the
    /// content (`reasoning_content`, `reasoning`) is not part of it.
    fn completion_content(&self, reply: &WireReply) -> Result<(String, bool), ProviderError> {
        if reply.events.is_empty() {
            let body: Value = serde_json::from_slice(&reply.body)
                .map_err(|e| self.malformed(format!("the body is not JSON ({e})")))?;
            let choice = body
                .get("choices")
                .and_then(|c| c.get(0))
                .ok_or_else(|| self.malformed("the body has no choices".to_owned()))?;
            let content = choice
                .pointer("/message/content")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let length = choice.get("finish_reason").and_then(Value::as_str) == Some("length");
            return Ok((content, length || reply.cut));
        }
        let mut content = String::new();
        let mut length = false;
        let mut chunks = 0;
        for event in &reply.events {
            let Ok(chunk) = serde_json::from_str::<Value>(event) else {
                continue;
            };
            chunks += 1;
            let Some(choice) = chunk.get("choices").and_then(|c| c.get(0)) else {
                continue;
            };
            if let Some(text) = choice.pointer("/delta/content").and_then(Value::as_str) {
                content.push_str(text);
            }
            length |= choice.get("finish_reason").and_then(Value::as_str) == Some("length");
        }
        if chunks == 0 {
            return Err(self.malformed("the stream holds no completion chunks".to_owned()));
        }
        Ok((content, length || reply.cut))
    }
}

/// The reply a translation request for `chunk` asks for: paragraphs, or sentences.
fn reply_of(chunk: &Chunk) -> Reply {
    match chunk.align {
        crate::ingest::sentence::Align::Paragraph => Reply::Translation,
        crate::ingest::sentence::Align::Sentence => Reply::Sentences,
    }
}

/// The `response_format` for `structure` and `reply`, with diglot's schema for `json_schema`.
fn response_format(structure: Structure, reply: Reply) -> Option<Value> {
    match (structure, reply) {
        (Structure::Plain, _) => None,
        (Structure::JsonObject, _) => Some(json!({"type": "json_object"})),
        (Structure::JsonSchema, Reply::Brief(points)) => Some(brief_schema(points)),
        (Structure::JsonSchema, Reply::Sentences) => Some(super::sentences::response_schema()),
        (Structure::JsonSchema, Reply::Translation) => Some(json!({
            "type": "json_schema",
            "json_schema": {
                "name": "paragraph_translations",
                "strict": true,
                "schema": {
                    "type": "object",
                    "properties": {
                        "paragraphs": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "text": {"type": "string"}
                                },
                                "required": ["id", "text"],
                                "additionalProperties": false
                            }
                        }
                    },
                    "required": ["paragraphs"],
                    "additionalProperties": false
                }
            }
        })),
    }
}

/// The JSON schema of a brief's source side (the reply `prompts/brief.md` asks for), for
/// `response_format: json_schema`, with exactly `points` key points. Its keys stand in the
/// order a model should write them: a server that turns the schema into a grammar (llama.cpp)
/// makes the model write them in that order, and a point's text before its references.
fn brief_schema(points: u8) -> Value {
    let refs = json!({"type": "array", "items": {"type": "integer"}});
    json!({
        "type": "json_schema",
        "json_schema": {
            "name": "brief",
            "strict": true,
            "schema": {
                "type": "object",
                "properties": {
                    "headline": {"type": "string"},
                    "points": {
                        "type": "array",
                        "minItems": points,
                        "maxItems": points,
                        "items": {
                            "type": "object",
                            "properties": {"text": {"type": "string"}, "paragraphs": refs},
                            "required": ["text", "paragraphs"],
                            "additionalProperties": false
                        }
                    },
                    "entities": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "role": {"type": "string"},
                                "paragraphs": refs
                            },
                            "required": ["name", "role", "paragraphs"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["headline", "points", "entities"],
                "additionalProperties": false
            }
        }
    })
}

impl Protocol for OpenAi {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Openai
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::llm(self.max_chunk_chars)
    }

    fn initial_shape(&self) -> Shape {
        // OpenAI's own API takes no `chat_template_kwargs` (it refuses unknown parameters) and
        // shows no thinking in the content; every other server gets the switch.
        let public = match DEFAULTS.endpoint {
            DefaultEndpoint::Public(url) => self.base_url.trim_end_matches('/') == url,
            _ => false,
        };
        Shape::strongest(
            self.options.response_format.forced(),
            self.options.thinking == Thinking::Off && !public,
        )
    }

    fn refused(&self, shape: &Shape, reply: &WireReply) -> Option<Param> {
        super::shape::refused(shape, reply.status, &reply.body)
    }

    fn encode_translation(
        &self,
        chunk: &Chunk,
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let structure = shape.translation_structure();
        let conversation = conversation::translation(&self.name, &self.prompts, chunk, structure)?;
        let bound = contract::output_bound(chunk);
        Ok(self.request(conversation, (reply_of(chunk), structure), shape, bound))
    }

    fn encode_repair(
        &self,
        chunk: &Chunk,
        raw: &str,
        problems: &[ContractProblem],
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let structure = shape.translation_structure();
        let conversation =
            conversation::repair(&self.name, &self.prompts, chunk, raw, problems, structure)?;
        let bound = contract::output_bound(chunk);
        Ok(self.request(conversation, (reply_of(chunk), structure), shape, bound))
    }

    fn decode_translation(
        &self,
        chunk: &Chunk,
        reply: &WireReply,
    ) -> Result<Decoded, ProviderError> {
        let (content, truncated) = self.completion_content(reply)?;
        Ok(contract::decode_translation_text(chunk, content, truncated))
    }

    fn delta_text(&self, event: &str) -> Option<String> {
        let chunk: Value = serde_json::from_str(event).ok()?;
        chunk
            .pointer("/choices/0/delta/content")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    fn reported_tokens(&self, reply: &WireReply) -> Option<(u64, u64)> {
        let names = ("prompt_tokens", "completion_tokens");
        match reply.events.as_slice() {
            [] => contract::reported_tokens(&reply.body, names),
            events => events
                .iter()
                .rev()
                .find_map(|e| contract::reported_tokens(e.as_bytes(), names)),
        }
    }

    fn encode_brief(
        &self,
        input: &BriefInput,
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::brief(&self.prompts, input)?;
        let bound = contract::brief_output_bound(input);
        Ok(self.request(
            conversation,
            (Reply::Brief(input.points), shape.structure),
            shape,
            bound,
        ))
    }

    fn encode_brief_repair(
        &self,
        input: &BriefInput,
        raw: &str,
        problems: &[String],
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::brief_repair(&self.prompts, input, raw, problems)?;
        let bound = contract::brief_output_bound(input);
        Ok(self.request(
            conversation,
            (Reply::Brief(input.points), shape.structure),
            shape,
            bound,
        ))
    }

    fn decode_brief(
        &self,
        _input: &BriefInput,
        reply: &WireReply,
    ) -> Result<BriefDecoded, ProviderError> {
        let (content, truncated) = self.completion_content(reply)?;
        Ok(contract::decode_brief_text(content, truncated))
    }
}

/// The API's own error message from an OpenAI-style error body, if there is one.
pub fn error_detail(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let message = value
        .pointer("/error/message")
        .or_else(|| value.get("error"))
        .or_else(|| value.get("detail"))?;
    message.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ParagraphId;
    use crate::language::LanguageCode;
    use crate::provider::contract::{BriefPayload, TranslationPayload};

    use crate::plan::sample_chunk as chunk;

    fn protocol(key: Option<&str>) -> OpenAi {
        OpenAi {
            name: "test".into(),
            base_url: "http://127.0.0.1:9/v1/".into(),
            model: "m".into(),
            api_key: key.map(Secret::new),
            headers: vec![("x-team".into(), "news".into())],
            options: OpenAiOptions::default(),
            prompts: Prompts::load(None).expect("built-in prompts"),
            max_chunk_chars: 6000,
        }
    }

    /// The shape of a first request with `response_format = "auto"`.
    fn auto() -> Shape {
        Shape::strongest(None, true)
    }

    /// The shape once the model broke the numbered contract: JSON.
    fn json_shape() -> Shape {
        auto()
            .without_numbered()
            .expect("auto may leave numbered mode")
    }

    fn completion(content: &str, finish: &str) -> WireReply {
        let body = json!({"choices":[{"index":0,"message":{"role":"assistant","content":content},"finish_reason":finish}]});
        WireReply::plain(200, body.to_string().into_bytes())
    }

    #[test]
    fn encodes_the_payload_as_the_user_message_with_ids() {
        let req = protocol(Some("sk-1"))
            .encode_translation(&chunk(2), &json_shape())
            .expect("encodes");
        assert_eq!(req.url, "http://127.0.0.1:9/v1/chat/completions");
        let user = req.body["messages"][1]["content"]
            .as_str()
            .expect("user message");
        let payload: TranslationPayload = serde_json::from_str(user).expect("payload");
        assert_eq!(
            payload.paragraphs.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(req.body["model"], "m");
        assert_eq!(req.body["response_format"]["type"], "json_schema");
        assert!(req.headers.contains(&(
            "x-team".into(),
            crate::provider::HeaderValue::Plain("news".into())
        )));
        let auth = req
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .expect("auth header");
        assert_eq!(format!("{:?}", auth.1), "Secret((redacted))");
    }

    #[test]
    fn thinking_is_switched_off_except_on_openais_own_api() {
        let local = protocol(None);
        let req = local
            .encode_translation(&chunk(1), &local.initial_shape())
            .expect("encodes");
        assert_eq!(req.body["chat_template_kwargs"]["enable_thinking"], false);
        assert_eq!(req.body["stream"], true);
        assert!(req.body["max_tokens"].as_u64() >= Some(256));
        let mut public = protocol(None);
        public.base_url = "https://api.openai.com/v1".into();
        let req = public
            .encode_translation(&chunk(1), &public.initial_shape())
            .expect("encodes");
        assert!(req.body.get("chat_template_kwargs").is_none());
        let mut on = protocol(None);
        on.options.thinking = Thinking::On;
        assert!(!on.initial_shape().thinking_off);
    }

    #[test]
    fn translations_go_out_numbered_until_the_model_breaks_that() {
        let req = protocol(None)
            .encode_translation(&chunk(2), &auto())
            .expect("encodes");
        assert!(req.body.get("response_format").is_none());
        let user = req.body["messages"][1]["content"].as_str().expect("user");
        let payload =
            crate::provider::contract::NumberedPayload::from_message(user).expect("numbered");
        assert_eq!(payload.paragraphs.len(), 2);
        let system = req.body["messages"][0]["content"].as_str().expect("system");
        assert!(system.contains("marker such as [1]"), "{system}");
        // A brief in the same shape still asks for its schema.
        let brief = protocol(None)
            .encode_brief(&brief_input(), &auto())
            .expect("encodes");
        assert_eq!(brief.body["response_format"]["type"], "json_schema");
    }

    #[test]
    fn sends_no_authorization_without_a_key() {
        let req = protocol(None)
            .encode_translation(&chunk(1), &auto())
            .expect("encodes");
        assert!(req.headers.iter().all(|(k, _)| k != "authorization"));
    }

    #[test]
    fn repair_request_carries_the_broken_reply_and_the_problems() {
        let problems = [ContractProblem::Missing(ParagraphId(2))];
        let req = protocol(None)
            .encode_repair(&chunk(2), "{bad}", &problems, &json_shape())
            .expect("encodes");
        let messages = req.body["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), 4);
        assert_eq!(messages[2]["content"], "{bad}");
        let instruction = messages[3]["content"].as_str().expect("text");
        assert!(
            instruction.contains("¶2 is missing") && instruction.contains("1, 2"),
            "{instruction}"
        );
    }

    #[test]
    fn decodes_a_complete_reply_in_chunk_order() {
        let reply = completion(
            r#"{"paragraphs":[{"id":2,"text":"Two"},{"id":1,"text":" One\n more "}]}"#,
            "stop",
        );
        let decoded = protocol(None)
            .decode_translation(&chunk(2), &reply)
            .expect("decodes");
        let Decoded::Complete(t) = decoded else {
            panic!("expected complete: {decoded:?}")
        };
        assert_eq!(
            t.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["One more", "Two"]
        );
    }

    #[test]
    fn names_missing_extra_duplicate_and_empty_paragraphs() {
        let content = r#"[{"id":1,"text":"One"},{"id":1,"text":"Again"},{"id":3,"text":" "},{"id":9,"text":"x"}]"#;
        let decoded = protocol(None).decode_translation(&chunk(3), &completion(content, "stop"));
        let Ok(Decoded::Broken { problems, .. }) = decoded else {
            panic!("{decoded:?}")
        };
        assert_eq!(
            problems,
            vec![
                ContractProblem::Duplicate(ParagraphId(1)),
                ContractProblem::Empty(ParagraphId(3)),
                ContractProblem::Unexpected(9),
                ContractProblem::Missing(ParagraphId(2)),
            ]
        );
    }

    #[test]
    fn a_length_stop_is_truncation_even_if_the_json_parses() {
        let reply = completion(r#"{"paragraphs":[{"id":1,"text":"One"}]}"#, "length");
        let decoded = protocol(None)
            .decode_translation(&chunk(1), &reply)
            .expect("decodes");
        assert!(
            matches!(decoded, Decoded::Broken { ref problems, .. } if problems == &[ContractProblem::Truncated])
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_malformed() {
        let reply = WireReply::plain(200, b"{\"choices\":[".to_vec());
        let err = protocol(None)
            .decode_translation(&chunk(1), &reply)
            .expect_err("malformed");
        assert!(err.to_string().contains("malformed body"), "{err}");
    }

    #[test]
    fn extracts_the_api_error_message() {
        assert_eq!(
            error_detail(br#"{"error":{"message":"bad key"}}"#),
            Some("bad key".into())
        );
        assert_eq!(error_detail(b"oops"), None);
    }

    fn brief_input() -> BriefInput {
        BriefInput {
            source_language: LanguageCode::DE,
            target_language: LanguageCode::EN,
            points: 3,
            paragraphs: chunk(2).paragraphs,
        }
    }

    #[test]
    fn encodes_a_brief_payload_with_the_brief_schema() {
        let req = protocol(Some("sk-1"))
            .encode_brief(&brief_input(), &auto())
            .expect("encodes");
        assert_eq!(req.url, "http://127.0.0.1:9/v1/chat/completions");
        let user = req.body["messages"][1]["content"]
            .as_str()
            .expect("user message");
        let payload = BriefPayload::from_message(user).expect("a brief payload");
        assert_eq!(payload.points, 3);
        assert_eq!(payload.paragraphs.len(), 2);
        assert!(TranslationPayload::from_message(user).is_none());
        let system = req.body["messages"][0]["content"].as_str().expect("system");
        assert!(system.contains("exactly 3 key points"), "{system}");
        let format = &req.body["response_format"];
        assert_eq!(format["json_schema"]["name"], "brief");
        let schema = &format["json_schema"]["schema"];
        assert_eq!(schema["properties"]["points"]["minItems"], 3);
        assert_eq!(schema["properties"]["points"]["maxItems"], 3);
        // The keys go out in the order a model is to write them (a grammar keeps it).
        let sent = serde_json::to_string(schema).expect("serializes");
        let at = |key: &str| sent.find(&format!("\"{key}\":{{")).expect(key);
        assert!(
            at("headline") < at("points") && at("points") < at("entities"),
            "{sent}"
        );
        assert!(
            sent.find("\"text\"") < sent.find("\"paragraphs\""),
            "{sent}"
        );
        assert!(req.headers.iter().any(|(k, _)| k == "authorization"));
    }

    #[test]
    fn brief_requests_respect_the_profiles_response_format() {
        let mut openai = protocol(None);
        openai.options.response_format = ResponseFormat::None;
        let req = openai
            .encode_brief(&brief_input(), &openai.initial_shape())
            .expect("encodes");
        assert!(req.body.get("response_format").is_none());
        openai.options.response_format = ResponseFormat::JsonObject;
        let req = openai
            .encode_brief(&brief_input(), &openai.initial_shape())
            .expect("encodes");
        assert_eq!(req.body["response_format"]["type"], "json_object");
    }

    #[test]
    fn brief_repair_carries_the_reply_and_the_failures() {
        let problems = ["point 1 cites ¶9, which is not in the article".to_owned()];
        let req = protocol(None)
            .encode_brief_repair(&brief_input(), "{\"headline\":{}}", &problems, &auto())
            .expect("encodes");
        let messages = req.body["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), 4);
        assert_eq!(messages[2]["role"], "assistant");
        assert_eq!(messages[2]["content"], "{\"headline\":{}}");
        let instruction = messages[3]["content"].as_str().expect("text");
        assert!(instruction.contains("cites ¶9") && instruction.contains("numbers: 1, 2"));
    }

    #[test]
    fn decodes_a_brief_and_flags_prose_and_truncation() {
        let content = r#"{"headline":"K","points":[{"text":"a","paragraphs":[1]}],"entities":[]}"#;
        let decoded = protocol(None)
            .decode_brief(&brief_input(), &completion(content, "stop"))
            .expect("decodes");
        let BriefDecoded::Complete { brief, raw } = decoded else {
            panic!("{decoded:?}")
        };
        assert_eq!(brief.points[0].paragraphs, [ParagraphId(1)]);
        assert_eq!(raw, content);
        let prose = protocol(None).decode_brief(&brief_input(), &completion("No.", "stop"));
        assert!(
            matches!(prose, Ok(BriefDecoded::Broken { ref problems, .. }) if problems == &[ContractProblem::NotJson])
        );
        let cut = protocol(None).decode_brief(&brief_input(), &completion(content, "length"));
        assert!(
            matches!(cut, Ok(BriefDecoded::Broken { ref problems, .. }) if problems == &[ContractProblem::Truncated])
        );
    }
}
