//! The providers a run talks to, connected once and shared by every article of a batch, so
//! `--jobs` bounds the requests of the whole run. Connecting is where the in-process mock
//! starts, for the `mock` kind only (a profile of another kind always has an endpoint: the
//! configuration made sure).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use indicatif::ProgressBar;

use super::identity::identity_of;
use crate::cache::{Cache, ProviderIdentity};
use crate::config::{Endpoint, ProviderSettings, Settings};
use crate::error::Error;
use crate::ingest::sentence::Align;
use crate::mock::{MockOptions, MockServer};
use crate::pipeline::{Answers, EndpointShape, Live, LiveSink, Meter, Pipeline, RemoteGlossaries};
use crate::plan::Budget;
use crate::prompt::Prompts;
use crate::provider::Protocol;
use crate::provider::transport::{Transport, TransportOptions};
use crate::provider::wait::WaitNotice;

/// What a run needs from the settings besides the provider.
#[derive(Debug, Clone)]
pub(in crate::command) struct RunOptions {
    /// Requests at once (`--jobs`), which the planner balances chunks for.
    pub(in crate::command) jobs: u32,
    run_timeout: Option<std::time::Duration>,
    pub(super) cache_dir: Option<PathBuf>,
    /// The largest article read, in bytes.
    pub(super) max_article_bytes: u64,
    /// What the translations are aligned by (`--align`).
    pub(super) align: Align,
    /// The glossaries of the run (`translate`), for providers that keep their own copy.
    pub(super) glossaries: Arc<crate::glossary::Glossaries>,
}

impl RunOptions {
    pub(super) fn of(settings: &Settings) -> RunOptions {
        RunOptions {
            jobs: settings.jobs.value,
            run_timeout: settings.run_timeout.as_ref().map(|t| t.value),
            cache_dir: settings.cache_dir.clone(),
            max_article_bytes: settings.max_article_bytes.value,
            align: settings.align.value,
            glossaries: Arc::default(),
        }
    }
}

/// The providers of a run.
pub(in crate::command) struct Session {
    /// The translation's provider (for `brief`, the brief's).
    pub(super) main: Connection,
    /// The brief's provider, for `translate --brief`.
    pub(super) brief: Option<Connection>,
    /// Requests at once (`--jobs`), which the planner balances chunks for.
    pub(super) jobs: u32,
}

impl Session {
    /// Connects to `main` (and `brief`).
    pub(in crate::command) async fn open(
        main: ProviderSettings,
        brief: Option<ProviderSettings>,
        prompts: &Prompts,
        run: &RunOptions,
    ) -> Result<Session, Error> {
        let brief = match brief {
            Some(provider) => Some(Connection::open(provider, prompts.clone(), run).await?),
            None => None,
        };
        Ok(Session {
            main: Connection::open(main, prompts.clone(), run).await?,
            brief,
            jobs: run.jobs,
        })
    }
}

/// One provider: its protocol and HTTP client, and the in-process mock it talks to for the
/// `mock` kind without a base URL (kept alive as long as the connection).
pub(super) struct Connection {
    _mock: Option<MockServer>,
    pub(super) provider: ProviderSettings,
    protocol: Arc<dyn Protocol>,
    transport: Transport,
    budget: Budget,
    cache_dir: Option<PathBuf>,
    identity: ProviderIdentity,
    shape: Arc<EndpointShape>,
    /// What the translations are aligned by (`--align`).
    pub(super) align: Align,
    /// Answers the provider's batch engine gave, for its pipelines to take.
    answers: Option<Arc<Answers>>,
    remote_glossaries: Arc<RemoteGlossaries>,
}

impl Connection {
    async fn open(
        provider: ProviderSettings,
        prompts: Prompts,
        run: &RunOptions,
    ) -> Result<Connection, Error> {
        let (mock, base_url) = match &provider.endpoint {
            Endpoint::Url(url) => (None, url.value.clone()),
            Endpoint::InProcessMock => {
                let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let server = MockServer::start(addr, MockOptions::default())
                    .await
                    .map_err(|source| Error::Mock {
                        action: "start",
                        source,
                    })?;
                let url = server.base_url();
                (Some(server), url)
            }
        };
        let identity = identity_of(&provider, &prompts);
        let protocol = crate::provider::protocol_for(provider.profile(base_url), prompts);
        let shape = Arc::new(endpoint_shape(
            &identity,
            protocol.as_ref(),
            run.cache_dir.as_deref(),
        ));
        let transport = Transport::new(TransportOptions {
            timeout: provider.timeout.value,
            max_retries: provider.max_retries,
            jobs: run.jobs,
            run_timeout: run.run_timeout,
            requests_per_minute: provider.requests_per_minute,
            tokens_per_minute: provider.tokens_per_minute,
        })?;
        Ok(Connection {
            _mock: mock,
            budget: budget_for(&provider, protocol.as_ref()),
            cache_dir: run.cache_dir.clone(),
            align: run.align,
            identity,
            shape,
            remote_glossaries: Arc::new(RemoteGlossaries::new(Arc::clone(&run.glossaries))),
            provider,
            protocol,
            transport,
            answers: None,
        })
    }

    /// A pipeline for one article: its own progress, usage counts and billing over the
    /// shared client, request limit, rate limits and deadline; a streamed answer's last words
    /// shown beside the progress bar.
    pub(super) fn pipeline(&self, progress: ProgressBar) -> Arc<Pipeline> {
        let show = crate::render::progress::live_text(progress.clone());
        self.pipeline_showing(progress, Arc::new(move |live: &Live<'_>| show(live.text)))
    }

    /// [`Connection::pipeline`] with streamed answers shown by `live` (the status area).
    pub(super) fn pipeline_showing(&self, progress: ProgressBar, live: LiveSink) -> Arc<Pipeline> {
        Arc::new(Pipeline {
            live: Some(live),
            shape: Arc::clone(&self.shape),
            broke_contract: std::sync::atomic::AtomicBool::new(false),
            provider: self.provider.name.value.clone(),
            protocol: Arc::clone(&self.protocol),
            transport: self.transport.with_own_stats().with_wait_notice({
                // Shown above the progress bar, so on a terminal only.
                let bar = progress.clone();
                WaitNotice::new(move |message| bar.println(format!("diglot: {message}")))
            }),
            api_key: self.provider.api_key.as_ref().map(|k| k.value.clone()),
            progress,
            key_var: self.provider.key_var.clone(),
            billed_characters: std::sync::Mutex::new(None),
            budget: self.budget,
            cache: self.cache_dir.clone().map(Cache::new),
            identity: self.identity.clone(),
            meter: Meter::default(),
            align: self.align,
            answers: self.answers.clone(),
            prices: self.provider.prices,
            notes: std::sync::Mutex::default(),
            remote_glossaries: Some(Arc::clone(&self.remote_glossaries)),
        })
    }
}

impl Session {
    /// Lets every pipeline of the session take its first answers from `answers` (a batch
    /// engine's) instead of sending, for chunks planned as the batch's were: one request at a
    /// time (a batch has no latency to hide).
    pub(in crate::command) fn answered_by_batch(&mut self, answers: &Arc<Answers>) {
        self.main.answers = Some(Arc::clone(answers));
        if let Some(brief) = &mut self.brief {
            brief.answers = Some(Arc::clone(answers));
        }
        self.jobs = 1;
    }
}

/// The shape of requests to the endpoint `identity` names: the protocol's strongest, or what
/// an earlier run learnt the endpoint accepts (remembered in the cache).
pub(super) fn endpoint_shape(
    identity: &ProviderIdentity,
    protocol: &dyn Protocol,
    cache_dir: Option<&std::path::Path>,
) -> EndpointShape {
    let endpoint = format!("{} {} {}", identity.kind, identity.base_url, identity.model);
    EndpointShape::load(protocol.initial_shape(), cache_dir, &endpoint)
}

/// The planner's budget for `provider`: its protocol's, plus the profile's estimated-token
/// limit for LLMs.
pub(super) fn budget_for(provider: &ProviderSettings, protocol: &dyn Protocol) -> Budget {
    let capabilities = protocol.capabilities();
    let mut budget = capabilities.budget();
    if capabilities.briefs {
        budget.max_tokens = Some(provider.max_chunk_tokens);
    }
    budget
}
