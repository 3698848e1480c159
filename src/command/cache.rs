//! `diglot cache stats|clear`, on the cache directory the environment names, and keeping the
//! cache within its size limit after a run.

use std::path::Path;

use bytesize::ByteSize;

use super::Outcome;
use crate::cli::CacheAction;
use crate::config::{Env, LoadedFile, Settings, cache_limit};
use crate::error::Error;

/// Prints the cache's size, or clears it (all of it, or what was not used for a while).
pub(super) fn run(action: CacheAction, env: &Env, config: Option<&Path>) -> Result<Outcome, Error> {
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
            // A config file that does not load is reported by the commands that need it.
            let file = LoadedFile::load(config, env).unwrap_or_default();
            let limit = cache_limit(env, &file)?;
            format!(
                "cache:   {}\nentries: {}\nsize:    {} (limit {}, {})\n",
                dir.display(),
                stats.entries,
                human(stats.bytes),
                human(limit.value),
                limit.source
            )
        }
        CacheAction::Clear { older_than: None } => {
            let removed = crate::cache::clear(&dir).map_err(failed("clear"))?;
            format!("removed {removed} cache entries from {}\n", dir.display())
        }
        CacheAction::Clear {
            older_than: Some(age),
        } => {
            let removed = crate::cache::clear_older_than(&dir, age).map_err(failed("clear"))?;
            format!(
                "removed {} cache entries ({}) not used for {} from {}\n",
                removed.entries,
                human(removed.bytes),
                humantime::format_duration(age),
                dir.display()
            )
        }
    };
    Ok(Outcome::of(text.into_bytes()))
}

/// A size as people read it: `1.2 MB`.
fn human(bytes: u64) -> String {
    ByteSize::b(bytes).display().si().to_string()
}

/// After a run that may have written to the cache: removes the entries used longest ago while
/// the cache is over its limit. A failure is a warning; the run's result does not depend on it.
pub(super) fn keep_within_limit(settings: &Settings) -> Option<String> {
    let dir = settings.cache_dir.as_ref()?;
    crate::cache::evict(dir, settings.cache_max_bytes.value)
        .err()
        .map(|e| {
            format!(
                "cannot keep the cache in '{}' within its limit: {e}",
                dir.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_human() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1_234_567), "1.2 MB");
        assert_eq!(human(200_000_000), "200.0 MB");
    }
}
