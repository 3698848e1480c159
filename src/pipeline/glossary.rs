//! The provider's own copy of the run's glossary, for a protocol that keeps glossaries
//! (DeepL): created once per glossary content, language pair and endpoint, and reused by id.
//!
//! The id is remembered in the cache directory under the endpoint's kind and base URL (never
//! the key), the pair and a digest of the entries; a later run asks the endpoint whether that
//! glossary still exists (`GET`) and creates a new one only when it does not (a `404`: it was
//! deleted, or the key belongs to another account). Within a run every article and request
//! shares one answer per pair. A protocol without glossaries (LLMs carry the entries in each
//! prompt instead) never gets here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

use super::Pipeline;
use super::exchange::Watch;
use crate::cache::Key;
use crate::error::Error;
use crate::glossary::{Glossaries, Term};
use crate::language::LanguageCode;
use crate::provider::ProviderError;

/// The id of a language pair's copy, once known (shared by every request that needs it).
type Known = Arc<OnceCell<String>>;

/// The run's glossaries, and the provider's copy of each pair's entries once known.
#[derive(Debug, Default)]
pub struct RemoteGlossaries {
    glossaries: Arc<Glossaries>,
    ids: Mutex<HashMap<(LanguageCode, LanguageCode), Known>>,
}

impl RemoteGlossaries {
    /// The copies of `glossaries`, none known yet.
    pub fn new(glossaries: Arc<Glossaries>) -> RemoteGlossaries {
        RemoteGlossaries {
            glossaries,
            ids: Mutex::default(),
        }
    }

    fn cell(&self, pair: (LanguageCode, LanguageCode)) -> Known {
        let mut ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(ids.entry(pair).or_default())
    }
}

/// What a remembered glossary id is filed under: never the key.
#[derive(serde::Serialize)]
struct RemoteIdentity<'a> {
    kind: &'a str,
    base_url: &'a str,
    source: LanguageCode,
    target: LanguageCode,
    entries: String,
}

impl Pipeline {
    /// The id of the provider's copy of the glossary for `source` → `target`, created when
    /// needed; `None` when the protocol keeps no glossaries or the pair has no entries.
    pub(super) async fn remote_glossary(
        &self,
        (source, target): (LanguageCode, LanguageCode),
    ) -> Result<Option<String>, Error> {
        let Some(remote) = &self.remote_glossaries else {
            return Ok(None);
        };
        let terms = remote.glossaries.terms_for(source, target);
        if terms.is_empty() {
            return Ok(None);
        }
        let entries = crate::cache::digest(&[&crate::glossary::file::to_deepl_tsv(&terms)]);
        let name = format!(
            "diglot {source}-{target} {}",
            entries.chars().take(12).collect::<String>()
        );
        if self
            .protocol
            .encode_glossary(&name, (source, target), &terms)
            .is_none()
        {
            return Ok(None);
        }
        let cell = remote.cell((source, target));
        let id = cell
            .get_or_try_init(|| self.find_or_create(&name, (source, target), &terms, entries))
            .await?;
        Ok(Some(id.clone()))
    }

    /// The remembered glossary when the endpoint still has it, else a new one (remembered).
    async fn find_or_create(
        &self,
        name: &str,
        pair: (LanguageCode, LanguageCode),
        terms: &[Term],
        entries: String,
    ) -> Result<String, Error> {
        let identity = RemoteIdentity {
            kind: &self.identity.kind,
            base_url: &self.identity.base_url,
            source: pair.0,
            target: pair.1,
            entries,
        };
        let memory = self
            .cache
            .as_ref()
            .map(|cache| (cache, Key::of("remote-glossary", &identity)));
        if let Some(id) = memory
            .as_ref()
            .and_then(|(cache, key)| cache.get::<String>(key))
            && let Some(lookup) = self.protocol.encode_glossary_lookup(&id)
        {
            match self
                .exchange(&|_| Ok(lookup.clone()), Watch::default())
                .await
            {
                Ok(_) => return Ok(id),
                Err(Error::Provider(ProviderError::Refused { status: 404, .. })) => {}
                Err(other) => return Err(other),
            }
        }
        let Some(create) = self.protocol.encode_glossary(name, pair, terms) else {
            return Err(ProviderError::Unsupported {
                provider: self.provider.clone(),
                what: "keep glossaries".to_owned(),
            }
            .into());
        };
        let reply = self
            .exchange(&|_| Ok(create.clone()), Watch::default())
            .await?;
        let id = self.protocol.decode_glossary_id(&reply)?;
        if let Some((cache, key)) = &memory {
            cache.put(key, &id);
        }
        Ok(id)
    }
}
