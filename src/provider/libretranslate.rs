//! The LibreTranslate protocol: `POST {base_url}/translate` with `q` as an array (translation
//! only), and a `GET {base_url}/languages` pre-flight that checks the language pair before the
//! article is sent.
//!
//! The reply's `translatedText` array comes back in request order and is mapped back to
//! paragraph ids by position. Pure encode/decode: no I/O.

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

/// The `libretranslate` kind's defaults. LibreTranslate is self-hosted, so a profile must name
/// its server: there is no public endpoint to fall back to (the built-in `libretranslate`
/// profile names a local one, `http://localhost:5000`).
pub const DEFAULTS: KindDefaults = KindDefaults {
    endpoint: DefaultEndpoint::None,
    key_var: "LIBRETRANSLATE_API_KEY",
    model: "",
    hosts_needing_a_key: &[],
    briefs: false,
};
/// Texts per request at most: LibreTranslate has no fixed limit, but servers often cap the
/// characters per request, so requests stay small.
pub const MAX_TEXTS: usize = 50;

/// A LibreTranslate server.
#[derive(Debug, Clone)]
pub struct LibreTranslate {
    /// Profile name, for messages.
    pub name: String,
    /// Base URL without `/translate`.
    pub base_url: String,
    /// Sent as `api_key` in the body when set.
    pub api_key: Option<Secret>,
    /// Extra headers from the profile.
    pub headers: Vec<(String, String)>,
    /// Characters of source text per request.
    pub max_chunk_chars: usize,
}

/// One entry of `GET /languages`.
#[derive(Debug, Deserialize)]
struct Language {
    code: String,
    #[serde(default)]
    targets: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TranslateReply {
    #[serde(rename = "translatedText")]
    translated_text: Vec<String>,
}

impl LibreTranslate {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    fn headers(&self) -> Vec<(String, HeaderValue)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::Plain(v.clone())))
            .collect()
    }

    fn malformed(&self, detail: String) -> ProviderError {
        ProviderError::Malformed {
            provider: self.name.clone(),
            detail,
        }
    }
}

impl Protocol for LibreTranslate {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Libretranslate
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            briefs: false,
            max_chars: self.max_chunk_chars,
            max_paragraphs: MAX_TEXTS,
            max_text_bytes: None,
        }
    }

    fn encode_translation(&self, chunk: &Chunk, _: &Shape) -> Result<WireRequest, ProviderError> {
        // Aligned by sentence, each sentence is a text of its own (LibreTranslate takes no
        // context); the answer then aligns by position.
        let texts: Vec<String> = match chunk.align {
            Align::Paragraph => chunk.paragraphs.iter().map(|p| p.text.clone()).collect(),
            Align::Sentence => super::sentences::items(chunk)
                .into_iter()
                .map(|s| s.text)
                .collect(),
        };
        let mut body = json!({
            "q": texts,
            "source": chunk.source_language.as_str(),
            "target": chunk.target_language.as_str(),
            "format": "text",
        });
        if let Some(key) = &self.api_key {
            // The key travels in the body; `--dry-run` style output must redact it there.
            body["api_key"] = Value::from(key.expose());
        }
        let reply_limit = contract::machine_reply_limit(chunk);
        Ok(WireRequest {
            method: Method::Post,
            url: self.url("/translate"),
            headers: self.headers(),
            body,
            reply_limit,
        })
    }

    fn decode_translation(
        &self,
        chunk: &Chunk,
        reply: &WireReply,
    ) -> Result<Decoded, ProviderError> {
        let parsed: TranslateReply = serde_json::from_slice(&reply.body)
            .map_err(|e| self.malformed(format!("the body is not a LibreTranslate reply ({e})")))?;
        let raw = String::from_utf8_lossy(&reply.body).into_owned();
        let texts = parsed.translated_text;
        Ok(contract::check_positional(chunk, texts, raw))
    }

    fn encode_preflight(&self) -> Option<WireRequest> {
        Some(WireRequest {
            method: Method::Get,
            url: self.url("/languages"),
            headers: self.headers(),
            body: Value::Null,
            reply_limit: contract::LIST_REPLY_LIMIT,
        })
    }

    fn check_preflight(
        &self,
        source: LanguageCode,
        target: LanguageCode,
        reply: &WireReply,
    ) -> Result<(), ProviderError> {
        let languages: Vec<Language> = serde_json::from_slice(&reply.body).map_err(|e| {
            self.malformed(format!("the language list is not LibreTranslate's ({e})"))
        })?;
        let supported = languages
            .iter()
            .any(|l| l.code == source.as_str() && l.targets.iter().any(|t| t == target.as_str()));
        if supported {
            return Ok(());
        }
        let offered = languages
            .iter()
            .flat_map(|l| {
                l.targets
                    .iter()
                    .filter(move |t| **t != l.code)
                    .map(move |t| format!("{}→{t}", l.code))
            })
            .collect();
        Err(ProviderError::UnsupportedPair {
            provider: self.name.clone(),
            source_language: source,
            target_language: target,
            offered,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ContractProblem;

    use crate::plan::sample_chunk as chunk;

    fn protocol(key: Option<&str>) -> LibreTranslate {
        LibreTranslate {
            name: "libretranslate".into(),
            base_url: "http://localhost:5000/".into(),
            api_key: key.map(Secret::new),
            headers: vec![],
            max_chunk_chars: 6000,
        }
    }

    fn reply(body: Value) -> WireReply {
        WireReply::plain(200, body.to_string().into_bytes())
    }

    #[test]
    fn encodes_q_as_an_array_with_the_key_in_the_body() {
        let req = protocol(Some("lt-key"))
            .encode_translation(&chunk(2), &Shape::none())
            .expect("encodes");
        assert_eq!(req.url, "http://localhost:5000/translate");
        assert_eq!(
            req.body,
            json!({"q": ["Absatz 1.", "Absatz 2."], "source": "de", "target": "en",
                   "format": "text", "api_key": "lt-key"})
        );
        let req = protocol(None)
            .encode_translation(&chunk(1), &Shape::none())
            .expect("encodes");
        assert!(req.body.get("api_key").is_none());
    }

    #[test]
    fn decodes_by_position_and_flags_a_count_mismatch() {
        let p = protocol(None);
        let ok = reply(json!({"translatedText": ["One.", "Two."]}));
        assert!(matches!(
            p.decode_translation(&chunk(2), &ok),
            Ok(Decoded::Complete(ref t)) if t.len() == 2 && t[1].text == "Two."
        ));
        let short = reply(json!({"translatedText": ["One."]}));
        assert!(matches!(
            p.decode_translation(&chunk(2), &short),
            Ok(Decoded::Broken { ref problems, .. })
                if problems == &[ContractProblem::WrongCount { expected: 2, got: 1 }]
        ));
    }

    #[test]
    fn the_preflight_names_the_offered_pairs() {
        let p = protocol(None);
        let request = p.encode_preflight().expect("a pre-flight");
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.url, "http://localhost:5000/languages");
        let list = reply(json!([
            {"code": "de", "name": "German", "targets": ["de", "en"]},
            {"code": "en", "name": "English", "targets": ["de", "en"]}
        ]));
        assert!(
            p.check_preflight(LanguageCode::DE, LanguageCode::EN, &list)
                .is_ok()
        );
        let fr: LanguageCode = "fr".parse().expect("code");
        let err = p
            .check_preflight(fr, LanguageCode::EN, &list)
            .expect_err("unsupported");
        assert_eq!(
            err.to_string(),
            "libretranslate cannot translate fr to en (it offers: de→en, en→de)"
        );
    }
}
