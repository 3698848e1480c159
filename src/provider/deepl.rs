//! The DeepL API v2 protocol: `POST {base_url}/v2/translate` with a JSON body (translation
//! only).
//!
//! Paragraphs go out as the `text` array, at most [`MAX_TEXTS`] per request and at most
//! [`MAX_BODY_BYTES`] of body; the planner keeps to both through [`Capabilities`]. The reply's
//! `translations` come back in request order, one per text, and are mapped back to paragraph
//! ids by position; a count mismatch is a [`ContractProblem::WrongCount`](super::ContractProblem::WrongCount) that the pipeline's
//! ask-again-then-split path handles. With `--align sentence` the texts are the chunk's
//! sentences, with its paragraphs as `context` (`sentences_as_items`). Pure encode/decode: no
//! I/O.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Capabilities, Decoded, DefaultEndpoint, HeaderValue, KindDefaults, Method, Protocol,
    ProviderError, ProviderKind, Shape, WireReply, WireRequest, contract,
};
use crate::ingest::sentence::Align;
use crate::language::LanguageCode;
use crate::plan::Chunk;
use crate::secret::Secret;

/// The host for DeepL API Free keys (keys ending in `:fx`).
pub const FREE_BASE_URL: &str = "https://api-free.deepl.com";
/// The host for DeepL API Pro keys.
pub const PRO_BASE_URL: &str = "https://api.deepl.com";
/// Texts per request at most (DeepL's documented limit).
pub const MAX_TEXTS: usize = 50;
/// Bytes of request body at most (DeepL's documented 128 KiB).
pub const MAX_BODY_BYTES: usize = 128 * 1024;
/// Room kept in the body for everything but the texts (languages, options, glossary id).
const BODY_RESERVE: usize = 2 * 1024;

/// The `deepl` kind's defaults: the host follows the key (see [`base_url_for_key`]).
pub const DEFAULTS: KindDefaults = KindDefaults {
    endpoint: DefaultEndpoint::ByKey(base_url_for_key),
    key_var: "DEEPL_AUTH_KEY",
    model: "",
    hosts_needing_a_key: &["://api.deepl.com", "://api-free.deepl.com"],
    briefs: false,
};

/// The host a key belongs to: `:fx` keys are DeepL API Free keys.
pub fn base_url_for_key(key: &str) -> &'static str {
    if key.trim_end().ends_with(":fx") {
        FREE_BASE_URL
    } else {
        PRO_BASE_URL
    }
}

/// Which English DeepL writes (`english = "en-us" | "en-gb"` in a profile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum EnglishVariant {
    /// American English, `EN-US` (the default).
    #[default]
    #[serde(rename = "en-us")]
    EnUs,
    /// British English, `EN-GB`.
    #[serde(rename = "en-gb")]
    EnGb,
}

/// Which Portuguese DeepL writes (`portuguese = "pt-br" | "pt-pt"` in a profile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum PortugueseVariant {
    /// Brazilian Portuguese, `PT-BR` (the default).
    #[default]
    #[serde(rename = "pt-br")]
    PtBr,
    /// European Portuguese, `PT-PT`.
    #[serde(rename = "pt-pt")]
    PtPt,
}

/// DeepL's `formality` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formality {
    /// The language's default.
    Default,
    /// More formal; fails for target languages without formality.
    More,
    /// Less formal; fails for target languages without formality.
    Less,
    /// More formal where the language supports it.
    PreferMore,
    /// Less formal where the language supports it.
    PreferLess,
}

impl Formality {
    fn as_str(self) -> &'static str {
        match self {
            Formality::Default => "default",
            Formality::More => "more",
            Formality::Less => "less",
            Formality::PreferMore => "prefer_more",
            Formality::PreferLess => "prefer_less",
        }
    }
}

/// The DeepL settings a profile may set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeeplOptions {
    /// Target variant for English.
    pub english: EnglishVariant,
    /// Target variant for Portuguese.
    pub portuguese: PortugueseVariant,
    /// Sent as `formality` when set.
    pub formality: Option<Formality>,
    /// Sent as `glossary_id` when set.
    pub glossary_id: Option<String>,
    /// Sent as `preserve_formatting` when set.
    pub preserve_formatting: Option<bool>,
}

/// A DeepL endpoint with its key and options.
#[derive(Debug, Clone)]
pub struct Deepl {
    /// Profile name, for messages.
    pub name: String,
    /// `https://api.deepl.com`, `https://api-free.deepl.com` or the profile's; no `/v2`.
    pub base_url: String,
    /// Sent as `Authorization: DeepL-Auth-Key …` when set.
    pub api_key: Option<Secret>,
    /// Extra headers from the profile.
    pub headers: Vec<(String, String)>,
    /// Languages variants and request options.
    pub options: DeeplOptions,
}

/// DeepL's source language code: the ISO code in capitals.
pub fn source_lang(code: LanguageCode) -> String {
    code.as_str().to_ascii_uppercase()
}

/// DeepL's target language code: English and Portuguese need a variant, Norwegian is `NB`.
pub fn target_lang(code: LanguageCode, options: &DeeplOptions) -> String {
    match code.as_str() {
        "en" => match options.english {
            EnglishVariant::EnUs => "EN-US".to_owned(),
            EnglishVariant::EnGb => "EN-GB".to_owned(),
        },
        "pt" => match options.portuguese {
            PortugueseVariant::PtBr => "PT-BR".to_owned(),
            PortugueseVariant::PtPt => "PT-PT".to_owned(),
        },
        "no" => "NB".to_owned(),
        other => other.to_ascii_uppercase(),
    }
}

/// Turns `body` into a request for `chunk`'s sentences (`--align sentence`): each sentence a
/// text of its own, which DeepL must not split further (`split_sentences: "0"`), and the
/// paragraphs they come from as `context` (DeepL translates each text on its own otherwise;
/// context is not billed). DeepL takes one context per request, so it holds `before` (the text
/// before the chunk, [`context_of`]) and the request's paragraphs; it is left out when it
/// would push the body past [`MAX_BODY_BYTES`].
fn sentences_as_items(chunk: &Chunk, before: Option<String>, body: &mut Value) {
    let items: Vec<String> = super::sentences::items(chunk)
        .into_iter()
        .map(|s| s.text)
        .collect();
    body["text"] = json!(items);
    body["split_sentences"] = Value::from("0");
    let context = before
        .into_iter()
        .chain(chunk.paragraphs.iter().map(|p| p.text.clone()))
        .collect::<Vec<_>>()
        .join("\n\n");
    let room = MAX_BODY_BYTES - BODY_RESERVE;
    if body.to_string().len() + crate::plan::json_text_bytes(&context) <= room {
        body["context"] = Value::from(context);
    }
}

/// The parts of a `/v2/translate` answer diglot reads.
#[derive(Debug, Deserialize)]
struct TranslateReply {
    translations: Vec<TranslationEntry>,
}

#[derive(Debug, Deserialize)]
struct TranslationEntry {
    text: String,
    #[serde(default)]
    billed_characters: Option<u64>,
}

/// The `context` DeepL gets for a chunk: the headline and the text before it, a blank line
/// between them (not translated, not billed).
fn context_of(context: &crate::guide::Context) -> Option<String> {
    let parts: Vec<&str> = [&context.headline, &context.before]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// A glossary's target language: DeepL's glossaries take the base code (`en`, not `en-us`).
fn glossary_target(code: LanguageCode) -> String {
    match code.as_str() {
        "no" => "nb".to_owned(),
        other => other.to_owned(),
    }
}

impl Deepl {
    /// The profile's headers and the key.
    fn headers(&self) -> Vec<(String, HeaderValue)> {
        super::headers_with_key(
            &self.headers,
            self.api_key.as_ref(),
            ("authorization", "DeepL-Auth-Key "),
        )
    }

    fn malformed(&self, detail: String) -> ProviderError {
        ProviderError::Malformed {
            provider: self.name.clone(),
            detail,
        }
    }

    fn parse(&self, reply: &WireReply) -> Result<TranslateReply, ProviderError> {
        serde_json::from_slice(&reply.body)
            .map_err(|e| self.malformed(format!("the body is not a DeepL translate reply ({e})")))
    }
}

impl Protocol for Deepl {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Deepl
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            briefs: false,
            max_chars: MAX_BODY_BYTES,
            max_paragraphs: MAX_TEXTS,
            max_text_bytes: Some(MAX_BODY_BYTES - BODY_RESERVE),
        }
    }

    fn encode_translation(&self, chunk: &Chunk, _: &Shape) -> Result<WireRequest, ProviderError> {
        let texts: Vec<&str> = chunk.paragraphs.iter().map(|p| p.text.as_str()).collect();
        let mut body = json!({
            "text": texts,
            "source_lang": source_lang(chunk.source_language),
            "target_lang": target_lang(chunk.target_language, &self.options),
            "show_billed_characters": true,
        });
        let before = context_of(&chunk.guide.context);
        if chunk.align == Align::Sentence {
            sentences_as_items(chunk, before, &mut body);
        } else if let Some(context) = before {
            body["context"] = Value::from(context);
        }
        if let Some(formality) = self.options.formality {
            body["formality"] = Value::from(formality.as_str());
        }
        // diglot's own glossary (from the glossary files) and the profile's: both when both.
        let glossaries: Vec<&str> = [&chunk.guide.remote_glossary, &self.options.glossary_id]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        match glossaries.as_slice() {
            [] => {}
            [one] => body["glossary_id"] = Value::from(*one),
            several => body["glossary_ids"] = Value::from(several.to_vec()),
        }
        if let Some(preserve) = self.options.preserve_formatting {
            body["preserve_formatting"] = Value::from(preserve);
        }
        Ok(WireRequest {
            method: Method::Post,
            url: format!("{}/v2/translate", self.base_url.trim_end_matches('/')),
            headers: self.headers(),
            body,
            reply_limit: contract::machine_reply_limit(chunk),
        })
    }

    /// `POST /v3/glossaries` with one dictionary of `terms` as TSV.
    fn encode_glossary(
        &self,
        name: &str,
        (source, target): (LanguageCode, LanguageCode),
        terms: &[crate::glossary::Term],
    ) -> Option<WireRequest> {
        Some(WireRequest {
            method: Method::Post,
            url: format!("{}/v3/glossaries", self.base_url.trim_end_matches('/')),
            headers: self.headers(),
            body: json!({"name": name, "dictionaries": [{
                "source_lang": source.as_str(),
                "target_lang": glossary_target(target),
                "entries": crate::glossary::file::to_deepl_tsv(terms),
                "entries_format": "tsv",
            }]}),
            reply_limit: contract::LIST_REPLY_LIMIT,
        })
    }

    /// `GET /v3/glossaries/{id}`.
    fn encode_glossary_lookup(&self, id: &str) -> Option<WireRequest> {
        let id: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        Some(WireRequest {
            method: Method::Get,
            url: format!("{}/v3/glossaries/{id}", self.base_url.trim_end_matches('/')),
            headers: self.headers(),
            body: Value::Null,
            reply_limit: contract::LIST_REPLY_LIMIT,
        })
    }

    fn decode_glossary_id(&self, reply: &WireReply) -> Result<String, ProviderError> {
        let value: Value = serde_json::from_slice(&reply.body)
            .map_err(|e| self.malformed(format!("the body is not a DeepL glossary ({e})")))?;
        value
            .get("glossary_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| self.malformed("the glossary answer has no glossary_id".to_owned()))
    }

    fn decode_translation(
        &self,
        chunk: &Chunk,
        reply: &WireReply,
    ) -> Result<Decoded, ProviderError> {
        let parsed = self.parse(reply)?;
        let raw = String::from_utf8_lossy(&reply.body).into_owned();
        let texts = parsed.translations.into_iter().map(|t| t.text).collect();
        Ok(contract::check_positional(chunk, texts, raw))
    }

    /// DeepL errors are `{"message": "…"}`, sometimes with `detail`.
    fn error_detail(&self, body: &[u8]) -> Option<String> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let message = value.get("message").and_then(Value::as_str)?;
        Some(match value.get("detail").and_then(Value::as_str) {
            Some(detail) if !detail.is_empty() => format!("{message}: {detail}"),
            _ => message.to_owned(),
        })
    }

    fn billed_characters(&self, reply: &WireReply) -> Option<u64> {
        let parsed = self.parse(reply).ok()?;
        parsed
            .translations
            .iter()
            .map(|t| t.billed_characters)
            .sum::<Option<u64>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Paragraph, ParagraphId};
    use crate::provider::{ContractProblem, Translated};

    fn chunk(n: u32, to: LanguageCode) -> Chunk {
        Chunk {
            source_language: LanguageCode::DE,
            target_language: to,
            paragraphs: (1..=n)
                .map(|i| Paragraph {
                    id: ParagraphId(i),
                    text: format!("Absatz {i}."),
                })
                .collect(),
            align: crate::ingest::sentence::Align::Paragraph,
            guide: crate::guide::Guide::default(),
        }
    }

    fn protocol(options: DeeplOptions) -> Deepl {
        Deepl {
            name: "deepl".into(),
            base_url: "https://api-free.deepl.com/".into(),
            api_key: Some(Secret::new("k:fx")),
            headers: vec![],
            options,
        }
    }

    fn reply(body: Value) -> WireReply {
        WireReply::plain(200, body.to_string().into_bytes())
    }

    #[test]
    fn free_keys_go_to_the_free_host() {
        assert_eq!(base_url_for_key("abc:fx"), FREE_BASE_URL);
        assert_eq!(base_url_for_key("abc"), PRO_BASE_URL);
    }

    #[test]
    fn sentence_items_get_the_text_before_and_their_paragraphs_as_context() {
        let mut chunk = chunk(1, LanguageCode::EN);
        chunk.paragraphs[0].text = "Erster Satz. Zweiter Satz.".into();
        chunk.align = crate::ingest::sentence::Align::Sentence;
        chunk.guide.context.before = Some("Davor.".into());
        let req = protocol(DeeplOptions::default())
            .encode_translation(&chunk, &Shape::none())
            .expect("encodes");
        assert_eq!(req.body["text"], json!(["Erster Satz.", "Zweiter Satz."]));
        assert_eq!(req.body["split_sentences"], "0");
        assert_eq!(req.body["context"], "Davor.\n\nErster Satz. Zweiter Satz.");
    }

    #[test]
    fn sends_the_text_before_as_context_and_both_glossaries_as_ids() {
        let options = DeeplOptions {
            glossary_id: Some("mine".into()),
            ..DeeplOptions::default()
        };
        let mut chunk = chunk(1, LanguageCode::EN);
        chunk.guide.context.headline = Some("Kopf.".into());
        chunk.guide.context.before = Some("Davor.".into());
        chunk.guide.remote_glossary = Some("diglots".into());
        let req = protocol(options.clone())
            .encode_translation(&chunk, &Shape::none())
            .expect("encodes");
        assert_eq!(req.body["context"], "Kopf.\n\nDavor.");
        assert_eq!(req.body["glossary_ids"], json!(["diglots", "mine"]));
        assert!(req.body.get("glossary_id").is_none());
        chunk.guide.remote_glossary = None;
        let req = protocol(options)
            .encode_translation(&chunk, &Shape::none())
            .expect("encodes");
        assert_eq!(req.body["glossary_id"], "mine");
        let create = protocol(DeeplOptions::default())
            .encode_glossary(
                "g",
                (LanguageCode::DE, LanguageCode::EN),
                &[crate::glossary::Term::new("Kiew", "Kyiv")],
            )
            .expect("DeepL keeps glossaries");
        assert_eq!(create.url, "https://api-free.deepl.com/v3/glossaries");
        assert_eq!(create.body["dictionaries"][0]["entries"], "Kiew\tKyiv");
        assert_eq!(create.body["dictionaries"][0]["target_lang"], "en");
        let reply = WireReply::plain(201, br#"{"glossary_id": "abc", "name": "g"}"#.to_vec());
        assert_eq!(
            protocol(DeeplOptions::default())
                .decode_glossary_id(&reply)
                .ok(),
            Some("abc".into())
        );
    }

    #[test]
    fn encodes_texts_languages_options_and_the_auth_header() {
        let options = DeeplOptions {
            english: EnglishVariant::EnGb,
            formality: Some(Formality::PreferLess),
            glossary_id: Some("g-1".into()),
            preserve_formatting: Some(true),
            ..DeeplOptions::default()
        };
        let req = protocol(options)
            .encode_translation(&chunk(2, LanguageCode::EN), &Shape::none())
            .expect("encodes");
        assert_eq!(req.url, "https://api-free.deepl.com/v2/translate");
        assert_eq!(
            req.body,
            json!({"text": ["Absatz 1.", "Absatz 2."], "source_lang": "DE", "target_lang": "EN-GB",
                   "show_billed_characters": true, "formality": "prefer_less",
                   "glossary_id": "g-1", "preserve_formatting": true})
        );
        let (_, auth) = req
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .expect("auth header");
        let HeaderValue::Secret(auth) = auth else {
            panic!("the key must be secret")
        };
        assert_eq!(auth.expose(), "DeepL-Auth-Key k:fx");
    }

    #[test]
    fn target_variants_default_to_us_english_and_brazilian_portuguese() {
        let options = DeeplOptions::default();
        assert_eq!(target_lang(LanguageCode::EN, &options), "EN-US");
        assert_eq!(target_lang(LanguageCode::DE, &options), "DE");
        let pt: LanguageCode = "pt".parse().expect("code");
        assert_eq!(target_lang(pt, &options), "PT-BR");
        let options = DeeplOptions {
            portuguese: PortugueseVariant::PtPt,
            ..options
        };
        assert_eq!(target_lang(pt, &options), "PT-PT");
    }

    #[test]
    fn maps_translations_back_by_position_and_sums_billed_characters() {
        let body = json!({"translations": [
            {"detected_source_language": "DE", "text": "Paragraph\n1.", "billed_characters": 10},
            {"detected_source_language": "DE", "text": "Paragraph 2.", "billed_characters": 10}]});
        let p = protocol(DeeplOptions::default());
        let decoded = p
            .decode_translation(&chunk(2, LanguageCode::EN), &reply(body.clone()))
            .expect("decodes");
        assert_eq!(
            decoded,
            Decoded::Complete(vec![
                Translated::new(ParagraphId(1), "Paragraph 1.".into()),
                Translated::new(ParagraphId(2), "Paragraph 2.".into()),
            ])
        );
        assert_eq!(p.billed_characters(&reply(body)), Some(20));
    }

    #[test]
    fn a_count_mismatch_is_a_contract_problem() {
        let body = json!({"translations": [{"text": "One."}]});
        let p = protocol(DeeplOptions::default());
        let decoded = p
            .decode_translation(&chunk(2, LanguageCode::EN), &reply(body.clone()))
            .expect("decodes");
        assert!(
            matches!(decoded, Decoded::Broken { ref problems, .. }
                if problems == &[ContractProblem::WrongCount { expected: 2, got: 1 }]),
            "{decoded:?}"
        );
        assert_eq!(p.billed_characters(&reply(body)), None);
    }

    #[test]
    fn reads_deepl_error_messages() {
        let p = protocol(DeeplOptions::default());
        assert_eq!(
            p.error_detail(br#"{"message":"Quota Exceeded"}"#),
            Some("Quota Exceeded".into())
        );
        assert_eq!(p.error_detail(b"<html>"), None);
    }
}
