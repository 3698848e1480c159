//! diglot: a news article and its translation side by side, with a bilingual brief.
//!
//! The binary (`src/main.rs`) parses flags and maps errors to exit codes; everything else lives
//! here so the integration tests can drive the same code. Data flows one way:
//! `ingest` → `detect` → `plan` → `provider` → `verify` → `render` (see `CONTRIBUTING.md`).

pub mod batch;
pub mod brief;
pub mod cache;
pub mod cli;
pub mod command;
pub mod config;
pub mod detect;
pub mod error;
pub mod ingest;
pub mod language;
pub mod manual;
pub mod mock;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod prompt;
pub mod provider;
pub mod render;
pub mod report;
pub mod secret;
pub mod verify;

pub use command::{Outcome, mock_server, run};
pub use error::Error;
