//! diglot: a news article and its translation side by side, with a bilingual brief.
//!
//! The binary (`src/main.rs`) parses flags, calls [`run`] and maps the [`Error`] to an exit
//! code; the integration tests drive the same binary against the [`mock`] API. Data flows one
//! way, and no module imports from one after it (see `CONTRIBUTING.md`, "Where things go"):
//!
//! ```text
//! cli → command → config (resolved once, handed down as plain data)
//!   input → ingest → detect → plan → provider → pipeline → verify → report → render
//! ```
//!
//! Only `cli`, `mock` (the mock API, for users' CI and our tests), [`run`], [`mock_server`],
//! [`complete_if_asked`] (shell completions) and the error types are public; everything else is private to the crate.

pub mod cli;
pub mod mock;

mod batch;
mod brief;
mod cache;
mod command;
mod config;
mod detect;
pub mod error;
mod glossary;
mod guide;
mod ingest;
mod input;
mod language;
mod output;
mod pipeline;
mod plan;
mod prompt;
mod provider;
mod render;
mod report;
mod secret;
mod verify;

pub use command::{Outcome, complete_if_asked, mock_server, run};
pub use config::{Env, Terminal};
pub use error::Error;
