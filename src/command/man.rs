//! `diglot man`: the man page in roff, generated from the clap definition.

use clap::CommandFactory;

use super::{Outcome, rendered};
use crate::cli::Cli;
use crate::error::Error;

/// The man page.
pub(super) fn run() -> Result<Outcome, Error> {
    rendered(|out| clap_mangen::Man::new(Cli::command()).render(out)).map(Outcome::of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_page_is_roff_with_the_exit_codes() {
        let text = String::from_utf8(run().expect("renders").output).expect("UTF-8");
        assert!(
            text.starts_with(".ie") || text.contains(".TH diglot"),
            "{}",
            &text[..80]
        );
        assert!(text.contains("Exit codes"));
    }
}
