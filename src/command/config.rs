//! `diglot config [show]` prints each resolved value and where it came from (secrets
//! redacted); `diglot config init` writes the commented example config once.

use std::path::Path;

use super::Outcome;
use crate::config::{Env, Settings};
use crate::error::Error;

/// `config show`.
pub(super) fn show(settings: &Settings) -> Outcome {
    Outcome::of(settings.describe().into_bytes())
}

/// `config init`: never overwrites an existing file (exit 2).
pub(super) fn init(flag: Option<&Path>, env: &Env) -> Result<Outcome, Error> {
    let path = crate::config::write_example(flag, env)?;
    Ok(Outcome::of(
        format!("wrote {}\n", path.display()).into_bytes(),
    ))
}
