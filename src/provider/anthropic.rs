//! The Anthropic Messages API protocol: `POST {base_url}/v1/messages`.
//!
//! Says the same [`Conversation`] as the OpenAI-compatible protocol (the JSON paragraph
//! contract, the same repair turn), laid out the Anthropic way: the system prompt in the
//! top-level `system` field, `x-api-key` and `anthropic-version` headers, and a `max_tokens`
//! that Anthropic requires, estimated from the chunk (see [`max_tokens_for`]). A reply that
//! stopped with `stop_reason: "max_tokens"` is truncation. Pure encode/decode: no I/O.

use serde_json::{Value, json};

use super::BriefDecoded;
use super::contract;
use super::conversation::{self, Conversation};
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
/// The smallest `max_tokens` diglot asks for: room for the JSON around a short paragraph.
pub const MIN_MAX_TOKENS: u32 = 1024;
/// The largest `max_tokens` diglot asks for; a chunk needing more is split by the planner.
pub const MAX_MAX_TOKENS: u32 = 16_384;

/// `max_tokens` for translating `chars` characters: German and English run at about three
/// characters per token and a translation is about as long as its source, so the answer needs
/// about `chars / 3` tokens; twice that leaves room for the JSON and for longer languages.
/// Clamped to [`MIN_MAX_TOKENS`]..=[`MAX_MAX_TOKENS`].
pub fn max_tokens_for(chars: usize) -> u32 {
    let estimate = u32::try_from(chars.saturating_mul(2) / 3).unwrap_or(u32::MAX);
    estimate.clamp(MIN_MAX_TOKENS, MAX_MAX_TOKENS)
}

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
    pub fn request(&self, conversation: Conversation, max_tokens: u32) -> WireRequest {
        let messages: Vec<Value> = conversation
            .turns
            .into_iter()
            .map(|(role, content)| json!({"role": role.as_str(), "content": content}))
            .collect();
        let body = json!({
            "model": self.model,
            "max_tokens": max_tokens,
            "system": conversation.system,
            "messages": messages,
            "temperature": 0,
        });
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
        }
    }

    /// The text of a Messages reply and whether it stopped at `max_tokens`.
    pub fn reply_text(&self, reply: &WireReply) -> Result<(String, bool), ProviderError> {
        let malformed = |detail: String| ProviderError::Malformed {
            provider: self.name.clone(),
            detail,
        };
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
        Ok((text, truncated))
    }
}

fn chunk_chars(chunk: &Chunk) -> usize {
    chunk
        .paragraphs
        .iter()
        .map(|p| p.text.chars().count())
        .sum()
}

impl Protocol for Anthropic {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Anthropic
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::llm(self.max_chunk_chars)
    }

    fn encode_translation(&self, chunk: &Chunk) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::translation(&self.name, &self.prompts, chunk)?;
        Ok(self.request(conversation, max_tokens_for(chunk_chars(chunk))))
    }

    fn encode_repair(
        &self,
        chunk: &Chunk,
        raw: &str,
        problems: &[ContractProblem],
    ) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::repair(&self.name, &self.prompts, chunk, raw, problems)?;
        Ok(self.request(conversation, max_tokens_for(chunk_chars(chunk))))
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
        contract::reported_tokens(&reply.body, ("input_tokens", "output_tokens"))
    }

    fn encode_brief(&self, input: &BriefInput) -> Result<WireRequest, ProviderError> {
        let conversation = conversation::brief(&self.name, &self.prompts, input)?;
        Ok(self.request(conversation, brief_max_tokens(input)))
    }

    fn encode_brief_repair(
        &self,
        input: &BriefInput,
        raw: &str,
        problems: &[String],
    ) -> Result<WireRequest, ProviderError> {
        let conversation =
            conversation::brief_repair(&self.name, &self.prompts, input, raw, problems)?;
        Ok(self.request(conversation, brief_max_tokens(input)))
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

/// A brief's answer grows with its points, not the article: about 1,500 characters a point in
/// both languages with references, so `max_tokens_for` that much.
fn brief_max_tokens(input: &BriefInput) -> u32 {
    max_tokens_for(usize::from(input.points) * 1500)
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
        WireReply {
            status: 200,
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn encodes_system_on_top_and_the_payload_as_the_user_turn() {
        let req = protocol().encode_translation(&chunk(2)).expect("encodes");
        assert_eq!(req.url, "https://api.anthropic.com/v1/messages");
        assert!(req.body["system"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(req.body["messages"].as_array().map(Vec::len), Some(1));
        assert_eq!(req.body["messages"][0]["role"], "user");
        assert_eq!(req.body["max_tokens"], MIN_MAX_TOKENS);
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
    fn max_tokens_grows_with_the_input_and_is_clamped() {
        assert_eq!(max_tokens_for(10), MIN_MAX_TOKENS);
        assert_eq!(max_tokens_for(6000), 4000);
        assert_eq!(max_tokens_for(1_000_000), MAX_MAX_TOKENS);
    }

    #[test]
    fn repair_adds_the_broken_answer_and_the_instruction() {
        let req = protocol()
            .encode_repair(&chunk(2), "{bad}", &[ContractProblem::NotJson])
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
        let bad = WireReply {
            status: 200,
            body: b"{}".to_vec(),
        };
        assert!(matches!(
            p.decode_translation(&chunk(1), &bad),
            Err(ProviderError::Malformed { .. })
        ));
    }
}
