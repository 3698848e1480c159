//! A profile's keys for work in bulk: its prices (`price_input`, `price_output`,
//! `price_characters`, `price_batch`), which turn counted or estimated tokens into a cost, and
//! the size of one batch on its batch engine (`batch_max_requests`, `batch_max_size`), below
//! the engine's own limits. No price is built in: a profile without prices has no cost.

use super::ConfigError;
use super::file::FileProfile;
use crate::provider::engine::{EngineKind, Limits};
use crate::provider::price::{DEFAULT_BATCH_SHARE, Prices};

/// The profile's prices, `None` when it sets none. Each must be a finite number of at least 0
/// (`price_batch` at most 1); unset ones are 0.
pub(super) fn prices_of(name: &str, profile: &FileProfile) -> Result<Option<Prices>, ConfigError> {
    let keys = [
        ("price_input", profile.price_input, f64::INFINITY),
        ("price_output", profile.price_output, f64::INFINITY),
        ("price_characters", profile.price_characters, f64::INFINITY),
        ("price_batch", profile.price_batch, 1.0),
    ];
    for (key, value, most) in keys {
        if let Some(value) = value
            && !(value.is_finite() && (0.0..=most).contains(&value))
        {
            return Err(ConfigError::BadPrice {
                profile: name.to_owned(),
                key,
                value: value.to_string(),
                reason: if most.is_finite() {
                    "a share between 0 and 1"
                } else {
                    "a price of at least 0 per million"
                },
            });
        }
    }
    let priced = keys[..3].iter().any(|(_, value, _)| value.is_some());
    Ok(priced.then(|| Prices {
        input: profile.price_input.unwrap_or(0.0),
        output: profile.price_output.unwrap_or(0.0),
        characters: profile.price_characters.unwrap_or(0.0),
        batch_share: profile.price_batch.unwrap_or(DEFAULT_BATCH_SHARE),
    }))
}

/// The size of one batch: the profile's limits within the engine's, `None` for a kind without
/// a batch engine. At least one request and one byte.
pub(super) fn limits_of(profile: &FileProfile) -> Option<Limits> {
    let engine = EngineKind::of(profile.kind)?.limits();
    Some(Limits {
        requests: profile
            .batch_max_requests
            .map_or(engine.requests, |n| n.clamp(1, engine.requests)),
        bytes: profile
            .batch_max_size
            .map_or(engine.bytes, |size| size.as_u64().clamp(1, engine.bytes)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn profile(toml: &str) -> FileProfile {
        let config = super::super::file::parse_file(Path::new("/c.toml"), toml).expect("parses");
        config.providers["p"].clone()
    }

    #[test]
    fn prices_default_to_none_and_the_batch_share_to_half() {
        let plain = profile("[providers.p]\nkind = \"openai\"\n");
        assert_eq!(prices_of("p", &plain).ok(), Some(None));
        let priced = profile("[providers.p]\nkind = \"openai\"\nprice_input = 0.15\n");
        let prices = prices_of("p", &priced).ok().flatten().expect("prices");
        assert_eq!(
            (prices.input, prices.output, prices.batch_share),
            (0.15, 0.0, 0.5)
        );
    }

    #[test]
    fn a_negative_price_or_a_share_above_one_is_refused() {
        let negative = profile("[providers.p]\nkind = \"openai\"\nprice_output = -1.0\n");
        let err = prices_of("p", &negative).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "invalid price_output -1 in [providers.p]: it must be a price of at least 0 per million"
        );
        let share = profile("[providers.p]\nkind = \"openai\"\nprice_input = 1\nprice_batch = 2\n");
        assert!(prices_of("p", &share).is_err());
    }

    #[test]
    fn batch_limits_stay_within_the_engines() {
        let lowered = profile(
            "[providers.p]\nkind = \"openai\"\nbatch_max_requests = 3\nbatch_max_size = \"2 kB\"\n",
        );
        assert_eq!(
            limits_of(&lowered),
            Some(Limits {
                requests: 3,
                bytes: 2000
            })
        );
        let raised = profile("[providers.p]\nkind = \"anthropic\"\nbatch_max_requests = 999999\n");
        assert_eq!(limits_of(&raised).map(|l| l.requests), Some(100_000));
        assert_eq!(
            limits_of(&profile("[providers.p]\nkind = \"deepl\"\n")),
            None
        );
    }
}
