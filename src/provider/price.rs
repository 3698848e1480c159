//! What a provider charges, as the user configured it: prices per million input and output
//! tokens (LLMs) or per million characters (DeepL), and the share of those a request through a
//! batch API costs. diglot ships no price list (prices change, and differ by model and
//! account): a profile without prices gets no cost, never a guessed one.
//!
//! Pure: the cost of counts. The pipeline adds up what the API reported; the dry run what it
//! estimates.

/// The share of the synchronous price a batch API charges unless the profile says otherwise:
/// OpenAI's Batch API and Anthropic's Message Batches both bill half.
pub const DEFAULT_BATCH_SHARE: f64 = 0.5;

/// One profile's prices, in the user's currency, per million units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// Per million input (prompt) tokens.
    pub input: f64,
    /// Per million output (completion) tokens.
    pub output: f64,
    /// Per million characters (DeepL bills characters).
    pub characters: f64,
    /// The share of `input` and `output` a request through a batch API costs.
    pub batch_share: f64,
}

/// Counts that cost money: tokens an API reported or diglot estimated, characters billed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Billed {
    /// Input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Characters.
    pub characters: u64,
}

impl Prices {
    /// The cost of `billed` sent synchronously.
    pub fn cost(&self, billed: Billed) -> f64 {
        let per_million = |count: u64, price: f64| count as f64 * price / 1_000_000.0;
        per_million(billed.input_tokens, self.input)
            + per_million(billed.output_tokens, self.output)
            + per_million(billed.characters, self.characters)
    }

    /// The cost of `billed` answered through a batch API.
    pub fn batch_cost(&self, billed: Billed) -> f64 {
        self.cost(billed) * self.batch_share
    }
}

/// A cost rounded for people: four significant decimals below 1, cents above (`0.0042`,
/// `12.35`). JSON carries the unrounded number.
pub fn show_cost(cost: f64) -> String {
    if cost >= 1.0 {
        format!("{cost:.2}")
    } else if cost == 0.0 {
        "0".to_owned()
    } else {
        let digits = (4 - cost.log10().floor() as i32 - 1).clamp(2, 10) as usize;
        format!("{cost:.digits$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPT: Prices = Prices {
        input: 0.15,
        output: 0.60,
        characters: 0.0,
        batch_share: DEFAULT_BATCH_SHARE,
    };

    #[test]
    fn cost_is_tokens_times_the_price_per_million() {
        let billed = Billed {
            input_tokens: 2_000_000,
            output_tokens: 500_000,
            characters: 0,
        };
        assert!((GPT.cost(billed) - 0.60).abs() < 1e-12);
        assert!((GPT.batch_cost(billed) - 0.30).abs() < 1e-12);
        let deepl = Prices {
            input: 0.0,
            output: 0.0,
            characters: 20.0,
            batch_share: 1.0,
        };
        let chars = Billed {
            characters: 250_000,
            ..Billed::default()
        };
        assert!((deepl.cost(chars) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn costs_show_four_significant_decimals_below_one() {
        assert_eq!(show_cost(12.3456), "12.35");
        assert_eq!(show_cost(0.0042137), "0.004214");
        assert_eq!(show_cost(0.25), "0.2500");
        assert_eq!(show_cost(0.0), "0");
    }
}
