//! Request bodies held to each vendor's published specification: the JSON Schemas in
//! `fixtures/specs/` (extracted from the OpenAI and DeepL OpenAPI documents, written from the
//! Anthropic and LibreTranslate documentation; see `fixtures/README.md`). The provider tests
//! validate every body diglot sent to the mock; the tests here check that the schemas bite.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::{Value, json};

/// An API family whose request bodies have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    OpenAi,
    Anthropic,
    Deepl,
    LibreTranslate,
    /// OpenAI's `POST /batches` (the Batch API).
    OpenAiBatch,
    /// DeepL's `POST /v3/glossaries` (not a translation request).
    DeeplGlossary,
}

impl Wire {
    /// The schema file under `fixtures/specs/`.
    fn file(self) -> &'static str {
        match self {
            Wire::OpenAi => "openai-chat-completions.request.schema.json",
            Wire::Anthropic => "anthropic-messages.request.schema.json",
            Wire::Deepl => "deepl-v2-translate.request.schema.json",
            Wire::LibreTranslate => "libretranslate-translate.request.schema.json",
            Wire::OpenAiBatch => "openai-batches.request.schema.json",
            Wire::DeeplGlossary => "deepl-v3-glossaries.request.schema.json",
        }
    }

    /// The endpoint path the mock logs for this family's translation requests.
    pub fn path(self) -> &'static str {
        match self {
            Wire::OpenAi => "/v1/chat/completions",
            Wire::Anthropic => "/v1/messages",
            Wire::Deepl => "/v2/translate",
            Wire::LibreTranslate => "/translate",
            Wire::OpenAiBatch => "/v1/batches",
            Wire::DeeplGlossary => "/v3/glossaries",
        }
    }

    fn validator(self) -> &'static jsonschema::Validator {
        static CELLS: [OnceLock<jsonschema::Validator>; 6] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        CELLS[self as usize].get_or_init(|| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/specs")
                .join(self.file());
            let text = std::fs::read_to_string(&path).expect("schema file");
            let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
            jsonschema::validator_for(&schema).expect("schema compiles")
        })
    }
}

/// The schema's complaints about `body`, one line each; empty when it is valid.
///
/// One documented extension is left out of an OpenAI-format body: `chat_template_kwargs`
/// (`enable_thinking: false`), which turns thinking off on self-hosted servers (llama.cpp,
/// vLLM, SGLang). diglot never sends it to OpenAI's own API, and a server that refuses it makes
/// diglot drop it (issue #12); everything else must follow the published schema.
pub fn problems(wire: Wire, body: &Value) -> Vec<String> {
    let mut body = body.clone();
    if wire == Wire::OpenAi
        && let Some(fields) = body.as_object_mut()
    {
        fields.remove("chat_template_kwargs");
    }
    wire.validator()
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Fails the test, naming each problem, when `body` breaks `wire`'s schema.
pub fn assert_valid(wire: Wire, body: &Value) {
    let problems = problems(wire, body);
    assert!(
        problems.is_empty(),
        "{wire:?} request body breaks the published schema:\n{}\n{body:#}",
        problems.join("\n")
    );
}

/// A body of each family as diglot builds it (the shape is checked end to end elsewhere).
fn sample(wire: Wire) -> Value {
    match wire {
        Wire::OpenAi => json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
            "temperature": 0,
            "response_format": {"type": "json_object"}
        }),
        Wire::Anthropic => json!({
            "model": "claude-sonnet-4-5", "max_tokens": 1024, "system": "s",
            "messages": [{"role": "user", "content": "u"}], "temperature": 0
        }),
        Wire::Deepl => json!({
            "text": ["Hallo."], "source_lang": "DE", "target_lang": "EN-US",
            "show_billed_characters": true, "formality": "prefer_less"
        }),
        Wire::LibreTranslate => json!({
            "q": ["Hallo."], "source": "de", "target": "en", "format": "text"
        }),
        Wire::OpenAiBatch => json!({
            "input_file_id": "file-1", "endpoint": "/v1/chat/completions",
            "completion_window": "24h", "metadata": {"diglot_job": "j"}
        }),
        Wire::DeeplGlossary => json!({
            "name": "diglot de-en", "dictionaries": [{"source_lang": "de", "target_lang": "en",
            "entries": "Kiew\tKyiv", "entries_format": "tsv"}]
        }),
    }
}

const ALL: [Wire; 6] = [
    Wire::OpenAi,
    Wire::Anthropic,
    Wire::Deepl,
    Wire::LibreTranslate,
    Wire::OpenAiBatch,
    Wire::DeeplGlossary,
];

#[test]
fn every_schema_compiles_and_accepts_a_well_formed_body() {
    for wire in ALL {
        assert_valid(wire, &sample(wire));
    }
}

#[test]
fn a_misspelled_field_fails_every_schema() {
    let misspelled = [
        (Wire::OpenAi, "temprature"),
        (Wire::Anthropic, "max_token"),
        (Wire::Deepl, "target_language"),
        (Wire::LibreTranslate, "api-key"),
        (Wire::OpenAiBatch, "completion-window"),
        (Wire::DeeplGlossary, "dictionary"),
    ];
    for (wire, field) in misspelled {
        let mut body = sample(wire);
        body[field] = json!(1);
        assert!(
            !problems(wire, &body).is_empty(),
            "{wire:?} accepted {field}"
        );
    }
}

#[test]
fn a_wrong_type_or_a_missing_required_field_fails() {
    let cases = [
        (Wire::OpenAi, "messages", json!("hello")),
        (Wire::Anthropic, "max_tokens", json!("1024")),
        (Wire::Deepl, "text", json!("Hallo.")),
        (Wire::Deepl, "formality", json!("very")),
        (Wire::Deepl, "show_billed_characters", json!("yes")),
        (Wire::LibreTranslate, "format", json!("markdown")),
        (Wire::OpenAiBatch, "completion_window", json!("1h")),
        (Wire::OpenAiBatch, "metadata", json!({"part": 1})),
        (
            Wire::DeeplGlossary,
            "dictionaries",
            json!([{"source_lang": "xx"}]),
        ),
    ];
    for (wire, field, value) in cases {
        let mut body = sample(wire);
        body[field] = value.clone();
        assert!(
            !problems(wire, &body).is_empty(),
            "{wire:?} accepted {field} = {value}"
        );
    }
    let mut body = sample(Wire::Deepl);
    body.as_object_mut().map(|o| o.remove("target_lang"));
    assert!(!problems(Wire::Deepl, &body).is_empty());
    let mut body = sample(Wire::Anthropic);
    body.as_object_mut().map(|o| o.remove("max_tokens"));
    assert!(!problems(Wire::Anthropic, &body).is_empty());
}

#[test]
fn openai_nullable_fields_are_checked_not_skipped() {
    // `stop` is declared with OpenAPI 3.0's `nullable` beside `oneOf`; after conversion it
    // must still reject a number and accept null.
    let mut body = sample(Wire::OpenAi);
    body["stop"] = json!(null);
    assert_valid(Wire::OpenAi, &body);
    body["stop"] = json!(5);
    assert!(!problems(Wire::OpenAi, &body).is_empty());
}
