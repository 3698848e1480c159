//! Providers: one wire protocol per API family, plus the shared HTTP transport.

pub mod contract;
