//! Cache identities of the article flow: who produces a result, and what a whole run's result
//! depends on. Never the key or the headers.

use super::Body;
use crate::cache::{Key, ProviderIdentity};
use crate::config::{Endpoint, ProviderSettings};
use crate::ingest::sentence::Align;
use crate::language::LanguageCode;
use crate::prompt::Prompts;

/// Who produces results, for cache keys.
pub(super) fn identity_of(provider: &ProviderSettings, prompts: &Prompts) -> ProviderIdentity {
    ProviderIdentity {
        kind: provider.kind.to_string(),
        base_url: match &provider.endpoint {
            Endpoint::Url(url) => url.value.clone(),
            Endpoint::InProcessMock => "in-process mock".to_owned(),
        },
        model: provider.model.value.clone(),
        prompts: prompts.fingerprint(),
        options: format!("{:?} {:?}", provider.openai.response_format, provider.deepl),
    }
}

/// The cache identity of a whole run's result, known before detection: the article's text,
/// the direction asked for and every provider involved. A hit skips detection and sending.
#[derive(serde::Serialize)]
pub(super) struct ReportIdentity<'a> {
    command: &'static str,
    provider: ProviderIdentity,
    brief: Option<(ProviderIdentity, u8)>,
    from: Option<LanguageCode>,
    to: Option<LanguageCode>,
    paragraphs: Vec<(u32, &'a str)>,
    boilerplate: &'a [String],
    /// Only when aligned by sentence, so the keys of paragraph results stay as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    align: Option<Align>,
    /// A digest of the glossaries, when any were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    glossary: Option<String>,
    /// Whether chunks carried the text before them.
    context: bool,
}

impl<'a> ReportIdentity<'a> {
    pub(super) fn new(
        command: &'static str,
        (provider, brief): (ProviderIdentity, Option<(ProviderIdentity, u8)>),
        (from, to): (Option<LanguageCode>, Option<LanguageCode>),
        body: &'a Body,
    ) -> ReportIdentity<'a> {
        ReportIdentity {
            command,
            provider,
            brief,
            from,
            to,
            paragraphs: body
                .paragraphs
                .iter()
                .map(|p| (p.id.0, p.text.as_str()))
                .collect(),
            boilerplate: &body.boilerplate,
            align: None,
            glossary: None,
            context: false,
        }
    }

    /// The identity of the result aligned by `align`: a result aligned by sentence never
    /// stands for one aligned by paragraph, nor the other way round.
    pub(super) fn aligned(self, align: Align) -> ReportIdentity<'a> {
        ReportIdentity {
            align: (align == Align::Sentence).then_some(align),
            ..self
        }
    }

    /// This identity with the glossaries' digest and the context switch (`translate`).
    pub(super) fn with_terms(self, (glossary, context): (Option<String>, bool)) -> Self {
        ReportIdentity {
            glossary,
            context,
            ..self
        }
    }

    pub(super) fn key(&self) -> Key {
        Key::of("report", self)
    }
}
