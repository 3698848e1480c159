//! The integration tests: the real `diglot` binary against the real mock API over HTTP on
//! 127.0.0.1 with OS-chosen ports. One test binary (see STYLE.md): one module per feature.

mod common;

mod batch;
mod batch_api;
mod brief;
mod browser;
mod config;
mod detect;
mod faults;
mod fidelity;
mod hostile;
mod html;
mod input;
mod layout;
mod mock_server;
mod progress;
mod progressive;
mod providers;
mod readme;
mod record;
mod resilience;
mod sdk;
mod sentences;
mod servers;
mod terms;
mod translate;
mod wire_specs;
mod wrong_url;
