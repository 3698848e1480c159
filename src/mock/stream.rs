//! Streamed answers: a reply's text sent as server-sent events, a few characters an event, as a
//! model writes it, paced by the generation model (`--chars-per-sec`), in the OpenAI or the
//! Anthropic event format. The events are produced by a task that stops when the client hangs
//! up (as llama.cpp's server stops generating).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// Characters of text in one streamed event, about a token's worth.
const PIECE_CHARS: usize = 4;

/// The pieces `text` is streamed in: about [`PIECE_CHARS`] characters each, on char boundaries.
pub(super) fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(PIECE_CHARS)
        .map(|c| c.iter().collect())
        .collect()
}

/// What one streamed answer says, protocol-independently.
#[derive(Debug, Clone)]
pub(super) struct Streamed {
    /// The id of the completion or message.
    pub(super) id: String,
    /// The model name echoed.
    pub(super) model: String,
    /// The text, in the pieces it is sent in.
    pub(super) pieces: Vec<String>,
    /// Why the model stopped (`stop`/`length` for OpenAI, `end_turn`/`max_tokens` for
    /// Anthropic).
    pub(super) stop: &'static str,
    /// Prompt and completion tokens, reported at the end when asked for.
    pub(super) usage: Option<(usize, usize)>,
    /// Reasoning streamed before the answer, in the field some servers use
    /// (`reasoning_content`), not in the content.
    pub(super) reasoning: Option<String>,
}

impl Streamed {
    /// The OpenAI chunk events: the role, the reasoning and content pieces, the finish, the
    /// usage when asked for, then `[DONE]`.
    pub(super) fn openai_events(&self) -> Vec<String> {
        let chunk = |delta: Value, finish: Option<&str>| {
            json!({
                "id": self.id,
                "object": "chat.completion.chunk",
                "created": 0,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            })
            .to_string()
        };
        let mut events = vec![chunk(json!({"role": "assistant"}), None)];
        if let Some(reasoning) = &self.reasoning {
            events.extend(
                pieces(reasoning)
                    .iter()
                    .map(|p| chunk(json!({"reasoning_content": p}), None)),
            );
        }
        events.extend(
            self.pieces
                .iter()
                .map(|p| chunk(json!({"content": p}), None)),
        );
        events.push(chunk(json!({}), Some(self.stop)));
        if let Some((prompt, completion)) = self.usage {
            events.push(
                json!({
                    "id": self.id,
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": self.model,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": prompt,
                        "completion_tokens": completion,
                        "total_tokens": prompt + completion,
                    },
                })
                .to_string(),
            );
        }
        events.push("[DONE]".to_owned());
        events
    }

    /// The Anthropic Messages events: `message_start` (with the input tokens), one text block
    /// of `text_delta`s, `message_delta` (the stop reason and output tokens), `message_stop`.
    pub(super) fn anthropic_events(&self) -> Vec<String> {
        let (input, output) = self.usage.unwrap_or((0, 0));
        let mut events = vec![
            json!({"type": "message_start", "message": {
                "id": self.id, "type": "message", "role": "assistant", "model": self.model,
                "content": [], "stop_reason": null,
                "usage": {"input_tokens": input, "output_tokens": 1}}})
            .to_string(),
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}})
            .to_string(),
        ];
        events.extend(self.pieces.iter().map(|p| {
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": p}})
            .to_string()
        }));
        events.push(json!({"type": "content_block_stop", "index": 0}).to_string());
        events.push(
            json!({"type": "message_delta",
                   "delta": {"stop_reason": self.stop, "stop_sequence": null},
                   "usage": {"output_tokens": output}})
            .to_string(),
        );
        events.push(json!({"type": "message_stop"}).to_string());
        events
    }
}

/// A `text/event-stream` response sending each of `events` as a `data:` event, after waiting
/// the time `chars_per_sec` takes to write the text each carries (`text_of` says how much).
/// An event whose data names its `type` goes out under that name ([`event_name`]).
pub(super) fn event_stream(
    events: Vec<String>,
    chars_per_sec: u32,
    text_of: fn(&str) -> usize,
) -> Response {
    let (sender, receiver) = mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        for event in events {
            let chars = text_of(&event);
            if chars_per_sec > 0 && chars > 0 {
                let secs = chars as f64 / f64::from(chars_per_sec);
                tokio::time::sleep(Duration::from_secs_f64(secs)).await;
            }
            let bytes = Bytes::from(match event_name(&event) {
                Some(name) => format!("event: {name}\ndata: {event}\n\n"),
                None => format!("data: {event}\n\n"),
            });
            // The client hung up: stop writing, as a server stops generating.
            if sender.send(bytes).await.is_err() {
                return;
            }
        }
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(Events(receiver)),
    )
        .into_response()
}

/// The SSE event name for an event's data: Anthropic names every event after its data's `type`
/// (`message_start`, `content_block_delta`, …), and its SDKs skip events without a name;
/// OpenAI's chunks carry no `type` and go out unnamed, as OpenAI sends them.
fn event_name(data: &str) -> Option<String> {
    let value: Value = serde_json::from_str(data).ok()?;
    Some(value.get("type")?.as_str()?.to_owned())
}

/// The characters of text an OpenAI chunk event carries (content and reasoning).
pub(super) fn openai_text_chars(event: &str) -> usize {
    let Ok(value) = serde_json::from_str::<Value>(event) else {
        return 0;
    };
    [
        "/choices/0/delta/content",
        "/choices/0/delta/reasoning_content",
    ]
    .iter()
    .filter_map(|p| value.pointer(p).and_then(Value::as_str))
    .map(|t| t.chars().count())
    .sum()
}

/// The characters of text an Anthropic event carries.
pub(super) fn anthropic_text_chars(event: &str) -> usize {
    serde_json::from_str::<Value>(event)
        .ok()
        .and_then(|v| {
            v.pointer("/delta/text")
                .and_then(Value::as_str)
                .map(|t| t.chars().count())
        })
        .unwrap_or(0)
}

/// The receiving end of the event task, as a body stream.
struct Events(mpsc::Receiver<Bytes>);

impl futures_util::Stream for Events {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|bytes| bytes.map(Ok))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(text: &str) -> Streamed {
        Streamed {
            id: "mock-1".into(),
            model: "m".into(),
            pieces: pieces(text),
            stop: "stop",
            usage: Some((10, 3)),
            reasoning: None,
        }
    }

    #[test]
    fn pieces_put_back_together_give_the_text() {
        let text = "Grüße aus Kyjiw — 東京 🇩🇪 ok";
        assert_eq!(pieces(text).concat(), text);
        assert!(
            pieces(text)
                .iter()
                .all(|p| p.chars().count() <= PIECE_CHARS)
        );
    }

    #[test]
    fn openai_events_carry_the_content_the_finish_and_the_usage() {
        let events = streamed("Hello there").openai_events();
        assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
        let content: String = events
            .iter()
            .filter_map(|e| serde_json::from_str::<Value>(e).ok())
            .filter_map(|v| {
                v.pointer("/choices/0/delta/content")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(content, "Hello there");
        let usage: Value = serde_json::from_str(&events[events.len() - 2]).expect("json");
        assert_eq!(usage["usage"]["completion_tokens"], 3);
        assert_eq!(openai_text_chars(&events[1]), 4);
    }

    #[test]
    fn anthropic_events_carry_text_deltas_and_the_stop_reason() {
        let events = streamed("Hallo Welt").anthropic_events();
        let text: String = events
            .iter()
            .filter_map(|e| serde_json::from_str::<Value>(e).ok())
            .filter_map(|v| {
                v.pointer("/delta/text")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(text, "Hallo Welt");
        assert!(
            events
                .iter()
                .any(|e| e.contains("\"stop_reason\":\"stop\""))
        );
        assert_eq!(anthropic_text_chars(&events[2]), 4);
        let names: Vec<Option<String>> = events.iter().map(|e| event_name(e)).collect();
        assert_eq!(names[0].as_deref(), Some("message_start"));
        assert_eq!(
            names.last().cloned().flatten().as_deref(),
            Some("message_stop")
        );
        assert!(names.iter().all(Option::is_some));
    }

    #[test]
    fn openai_chunks_go_out_unnamed() {
        let events = streamed("Hello").openai_events();
        assert!(events.iter().all(|e| event_name(e).is_none()));
    }
}
