//! The Anthropic Messages API protocol: `POST {base_url}/v1/messages`.
//!
//! Says the same [`Conversation`] as the OpenAI-compatible protocol (the JSON paragraph
//! contract, the same repair turn), laid out the Anthropic way: the system prompt in the
//! top-level `system` field, `x-api-key` and `anthropic-version` headers, and a `max_tokens`
//! that Anthropic requires, estimated from the chunk ([`contract::output_bound`]). Answers are
//! streamed (`stream: true`, server-sent events) unless the endpoint refuses it. A reply that
//! stopped with `stop_reason: "max_tokens"`, or that diglot cut, is truncation. Thinking is
//! never asked for (it is off unless a request turns it on) and thinking blocks are not part of
//! the answer. Pure encode/decode: no I/O.

use serde_json::{Value, json};

use super::BriefDecoded;
use super::contract;
use super::conversation::{self, Conversation};
use super::shape::{Param, Shape, Structure};
use super::{
    Capabilities, ContractProblem, Decoded, DefaultEndpoint, HeaderValue, KindDefaults, Method,
    Protocol, ProviderError, ProviderKind, WireReply, WireRequest,
};
use crate::brief::BriefInput;
use crate::plan::Chunk;
use crate::prompt::Prompts;
use crate::secret::Secret;

/// The `anthropic` kind's defaults: Anthropic's public API, its key variable and model.
pub const DEFAULTS: KindDefaults = KindDefaults {
    endpoint: DefaultEndpoint::Public("https://api.anthropic.com"),
    key_var: "ANTHROPIC_API_KEY",
    model: "claude-sonnet-4-5",
    hosts_needing_a_key: &["://api.anthropic.com"],
    briefs: true,
};
/// The API version diglot speaks (`anthropic-version` header).
pub const API_VERSION: &str = "2023-06-01";
/// An Anthropic endpoint with a model and the prompts in force.
#[derive(Debug, Clone)]
pub struct Anthropic {
    /// Profile name, for messages.
    pub name: String,
    /// Base URL without the trailing `/v1/messages`.
    pub base_url: String,
    /// Model name sent in every request.
    pub model: String,
    /// Sent as `x-api-key` when set.
    pub api_key: Option<Secret>,
    /// Extra headers from the profile.
    pub headers: Vec<(String, String)>,
    /// Prompt templates.
    pub prompts: Prompts,
    /// Characters of source text per request.
    pub max_chunk_chars: usize,
}

impl Anthropic {
    /// The Messages API request for `conversation`, allowing `max_tokens` of answer. Public so
    /// that other tasks (briefs) can send their own conversations.
    pub fn request(
        &self,
        conversation: Conversation,
        max_tokens: u32,
        shape: &Shape,
    ) -> WireRequest {
        let messages: Vec<Value> = conversation
            .turns
            .into_iter()
            .map(|(role, content)| json!({"role": role.as_str(), "content": content}))
            .collect();
        let mut body = json!({
            "model": self.model,
            "max_tokens": max_tokens,
            "system": conversation.system,
            "messages": messages,
            "temperature": 0,
        });
        if shape.stream {
            body["stream"] = json!(true);
        }
        let mut headers: Vec<(String, HeaderValue)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::Plain(v.clone())))
            .collect();
        headers.push((
            "anthropic-version".to_owned(),
            HeaderValue::Plain(API_VERSION.to_owned()),
        ));
        if let Some(key) = &self.api_key {
            headers.push(("x-api-key".to_owned(), HeaderValue::Secret(key.clone())));
        }
        WireRequest {
            method: Method::Post,
            url: format!("{}/v1/messages", self.base_url.trim_end_matches('/')),
            headers,
            body,
            reply_limit: contract::reply_limit(max_tokens),
        }
    }

    /// The text of a Messages reply (a message, or a stream of events) and whether it stopped
    /// at `max_tokens` or was cut. Thinking blocks are not part of it.
    pub fn reply_text(&self, reply: &WireReply) -> Result<(String, bool), ProviderError> {
        let malformed = |detail: String| ProviderError::Malformed {
            provider: self.name.clone(),
            detail,
        };
        if !reply.events.is_empty() {
            let mut text = String::new();
            let (mut length, mut events) = (false, 0);
            for event in &reply.events {
                let Ok(event) = serde_json::from_str::<Value>(event) else {
                    continue;
                };
                events += 1;
                if let Some(piece) = text_delta(&event) {
                    text.push_str(piece);
                }
                length |= event.pointer("/delta/stop_reason").and_then(Value::as_str)
                    == Some("max_tokens");
            }
            if events == 0 {
                return Err(malformed("the stream holds no message events".to_owned()));
            }
            return Ok((text, length || reply.cut));
        }
        let body: Value = serde_json::from_slice(&reply.body)
            .map_err(|e| malformed(format!("the body is not JSON ({e})")))?;
        let blocks = body
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("the body has no content".to_owned()))?;
        let text = blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<String>();
        let truncated = body.get("stop_reason").and_then(Value::as_str) == Some("max_tokens");
        Ok((text, truncated || reply.cut))
    }
}

/// The text a streamed `content_block_delta` event adds (`text_delta` only, not thinking).
fn text_delta(event: &Value) -> Option<&str> {
    (event.pointer("/delta/type").and_then(Value::as_str) == Some("text_delta"))
        .then(|| event.pointer("/delta/text").and_then(Value::as_str))
        .flatten()
}

impl Protocol for Anthropic {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Anthropic
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::llm(self.max_chunk_chars)
    }

    fn initial_shape(&self) -> Shape {
        Shape {
            stream: true,
            ..Shape::none()
        }
    }

    fn refused(&self, shape: &Shape, reply: &WireReply) -> Option<Param> {
        super::shape::refused(shape, reply.status, &reply.body)
    }

    fn encode_translation(
        &self,
        chunk: &Chunk,
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let conversation =
            conversation::translation(&self.name, &self.prompts, chunk, Structure::JsonObject)?;
        Ok(self.request(conversation, contract::output_bound(chunk), shape))
    }

    fn encode_repair(
        &self,
        chunk: &Chunk,
        raw: &str,
        problems: &[ContractProblem],
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::repair(
            &self.name,
            &self.prompts,
            chunk,
            raw,
            problems,
            Structure::JsonObject,
        )?;
        Ok(self.request(conversation, contract::output_bound(chunk), shape))
    }

    fn delta_text(&self, event: &str) -> Option<String> {
        let event: Value = serde_json::from_str(event).ok()?;
        text_delta(&event).map(str::to_owned)
    }

    fn decode_translation(
        &self,
        chunk: &Chunk,
        reply: &WireReply,
    ) -> Result<Decoded, ProviderError> {
        let (content, truncated) = self.reply_text(reply)?;
        Ok(contract::decode_translation_text(chunk, content, truncated))
    }

    fn reported_tokens(&self, reply: &WireReply) -> Option<(u64, u64)> {
        let names = ("input_tokens", "output_tokens");
        if reply.events.is_empty() {
            return contract::reported_tokens(&reply.body, names);
        }
        // A stream reports the input in `message_start` and the output in `message_delta`.
        let (mut input, mut output) = (None, None);
        for event in &reply.events {
            let Ok(event) = serde_json::from_str::<Value>(event) else {
                continue;
            };
            let usage = event
                .pointer("/message/usage")
                .or_else(|| event.get("usage"));
            if let Some(usage) = usage {
                input = usage.get(names.0).and_then(Value::as_u64).or(input);
                output = usage.get(names.1).and_then(Value::as_u64).or(output);
            }
        }
        Some((input?, output?))
    }

    fn encode_brief(
        &self,
        input: &BriefInput,
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::brief(&self.prompts, input)?;
        Ok(self.request(conversation, contract::brief_output_bound(input), shape))
    }

    fn encode_brief_repair(
        &self,
        input: &BriefInput,
        raw: &str,
        problems: &[String],
        shape: &Shape,
    ) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::brief_repair(&self.prompts, input, raw, problems)?;
        Ok(self.request(conversation, contract::brief_output_bound(input), shape))
    }

    fn decode_brief(
        &self,
        _input: &BriefInput,
        reply: &WireReply,
    ) -> Result<BriefDecoded, ProviderError> {
        let (content, truncated) = self.reply_text(reply)?;
        Ok(contract::decode_brief_text(content, truncated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::plan::sample_chunk as chunk;

    fn protocol() -> Anthropic {
        Anthropic {
            name: "anthropic".into(),
            base_url: "https://api.anthropic.com/".into(),
            model: DEFAULTS.model.into(),
            api_key: Some(Secret::new("sk-ant")),
            headers: vec![],
            prompts: Prompts::load(None).expect("built-in prompts"),
            max_chunk_chars: 6000,
        }
    }

    fn message(text: &str, stop: &str) -> WireReply {
        let body = json!({"id": "msg_1", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": text}], "stop_reason": stop});
        WireReply::plain(200, body.to_string().into_bytes())
    }

    #[test]
    fn encodes_system_on_top_and_the_payload_as_the_user_turn() {
        let req = protocol()
            .encode_translation(&chunk(2), &protocol().initial_shape())
            .expect("encodes");
        assert_eq!(req.url, "https://api.anthropic.com/v1/messages");
        assert!(req.body["system"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(req.body["messages"].as_array().map(Vec::len), Some(1));
        assert_eq!(req.body["messages"][0]["role"], "user");
        assert_eq!(req.body["max_tokens"], 256);
        assert_eq!(req.body["stream"], true);
        assert!(req.headers.contains(&(
            "anthropic-version".into(),
            HeaderValue::Plain(API_VERSION.into())
        )));
        assert!(
            req.headers
                .iter()
                .any(|(k, v)| k == "x-api-key" && matches!(v, HeaderValue::Secret(_)))
        );
    }

    #[test]
    fn a_streamed_message_is_read_from_its_text_deltas() {
        let events = [
            r#"{"type":"message_start","message":{"id":"m","usage":{"input_tokens":25,"output_tokens":1}}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{\"paragraphs\":[{\"id\":1,"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\"text\":\"One.\"}]}"}}"#,
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":12}}"#,
        ];
        let reply = WireReply {
            status: 200,
            events: events.map(String::from).to_vec(),
            ..WireReply::default()
        };
        let p = protocol();
        let Ok(Decoded::Complete(done)) = p.decode_translation(&chunk(1), &reply) else {
            panic!("a complete translation")
        };
        assert_eq!(done[0].text, "One.");
        assert_eq!(p.reported_tokens(&reply), Some((25, 12)));
        assert_eq!(p.delta_text(events[1]), None);
        assert_eq!(
            p.delta_text(events[2]).as_deref(),
            Some("{\"paragraphs\":[{\"id\":1,")
        );
    }

    #[test]
    fn repair_adds_the_broken_answer_and_the_instruction() {
        let req = protocol()
            .encode_repair(
                &chunk(2),
                "{bad}",
                &[ContractProblem::NotJson],
                &Shape::none(),
            )
            .expect("encodes");
        let roles: Vec<&str> = req.body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .filter_map(|m| m["role"].as_str())
            .collect();
        assert_eq!(roles, ["user", "assistant", "user"]);
    }

    #[test]
    fn decodes_the_text_blocks_and_treats_max_tokens_as_truncation() {
        let p = protocol();
        let ok = message(r#"{"paragraphs":[{"id":1,"text":"One."}]}"#, "end_turn");
        assert!(matches!(
            p.decode_translation(&chunk(1), &ok),
            Ok(Decoded::Complete(_))
        ));
        let cut = message(r#"{"paragraphs":[{"id":1,"text":"One."}]}"#, "max_tokens");
        assert!(matches!(
            p.decode_translation(&chunk(1), &cut),
            Ok(Decoded::Broken { ref problems, .. }) if problems == &[ContractProblem::Truncated]
        ));
        let bad = WireReply::plain(200, b"{}".to_vec());
        assert!(matches!(
            p.decode_translation(&chunk(1), &bad),
            Err(ProviderError::Malformed { .. })
        ));
    }
}
