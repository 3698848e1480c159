//! `diglot cache stats|clear`, on the cache directory the environment names.

use super::Outcome;
use crate::cli::CacheAction;
use crate::config::Env;
use crate::error::Error;

/// Prints the cache's size, or clears it.
pub(super) fn run(action: CacheAction, env: &Env) -> Result<Outcome, Error> {
    let dir = env.cache_dir().ok_or(Error::NoCacheDir)?;
    let failed = |action| {
        let dir = dir.clone();
        move |source| Error::Cache {
            action,
            dir,
            source,
        }
    };
    let text = match action {
        CacheAction::Stats => {
            let stats = crate::cache::stats(&dir).map_err(failed("read"))?;
            format!(
                "cache:   {}\nentries: {}\nbytes:   {}\n",
                dir.display(),
                stats.entries,
                stats.bytes
            )
        }
        CacheAction::Clear => {
            let removed = crate::cache::clear(&dir).map_err(failed("clear"))?;
            format!("removed {removed} cache entries from {}\n", dir.display())
        }
    };
    Ok(Outcome::of(text.into_bytes()))
}
