//! `diglot man`: one man page (roff) for the whole tool, generated from the clap definition:
//! the global options, then every subcommand (and sub-subcommand) with its synopsis,
//! description and options, then the exit codes, the environment and the files. One page, so
//! `diglot man > diglot.1` installs everything and no reference points at a page that does not
//! exist.

use clap::CommandFactory;

use super::{Outcome, rendered};
use crate::cli::{BATCH_EXIT, Cli, EXIT_CODE_TABLE};
use crate::error::Error;

/// The variables diglot reads, for the ENVIRONMENT section (the README has the same table).
const ENVIRONMENT: &[(&str, &str)] = &[
    ("DIGLOT_CONFIG", "the config file"),
    ("DIGLOT_PROVIDER", "the provider profile (--provider)"),
    (
        "DIGLOT_BRIEF_PROVIDER",
        "the provider profile for briefs (--brief-provider)",
    ),
    ("DIGLOT_BASE_URL", "the API base URL (--base-url)"),
    ("DIGLOT_MODEL", "the model (--model)"),
    (
        "DIGLOT_API_KEY",
        "the API key for any profile (wins over the vendor's variable)",
    ),
    (
        "DIGLOT_TIMEOUT",
        "seconds the whole run may take (--timeout)",
    ),
    ("DIGLOT_JOBS", "requests at once (--jobs)"),
    ("DIGLOT_NO_CACHE", "1 turns the cache off (--no-cache)"),
    ("DIGLOT_CACHE_DIR", "the cache directory"),
    (
        "DIGLOT_CACHE_MAX_SIZE",
        "the cache's size limit (e.g. 200MB); the oldest entries go first",
    ),
    ("DIGLOT_TO", "the target language (--to)"),
    ("DIGLOT_WIDTH", "the output width (--width)"),
    (
        "DIGLOT_ALIGN",
        "what translations are aligned by: paragraph or sentence (--align)",
    ),
    (
        "DIGLOT_PAGING",
        "when output on a terminal goes through a pager: auto, always, never (--paging)",
    ),
    (
        "DIGLOT_PAGER",
        "the pager command, split as a shell would (default: $PAGER, else less)",
    ),
    ("PAGER", "the pager when DIGLOT_PAGER is unset"),
    ("OPENAI_API_KEY", "the key of openai profiles"),
    ("ANTHROPIC_API_KEY", "the key of anthropic profiles"),
    ("DEEPL_AUTH_KEY", "the key of deepl profiles"),
    (
        "LIBRETRANSLATE_API_KEY",
        "the key of libretranslate profiles",
    ),
    ("NO_COLOR", "no colour (unless --color always)"),
];

/// The man page.
pub(super) fn run() -> Result<Outcome, Error> {
    rendered(|out| {
        out.extend_from_slice(page()?.as_bytes());
        Ok(())
    })
    .map(Outcome::of)
}

/// The whole page as roff.
fn page() -> std::io::Result<String> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let man = clap_mangen::Man::new(cli.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut roff = String::from_utf8_lossy(&out).into_owned();
    roff.push_str(".SH COMMANDS\n");
    for sub in cli.get_subcommands() {
        commands(sub, "diglot", &mut roff)?;
    }
    roff.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in EXIT_CODE_TABLE {
        roff.push_str(&format!(".TP\n{code}\n{}\n", escape(meaning)));
    }
    roff.push_str(&format!(".PP\n{}\n", escape(BATCH_EXIT)));
    roff.push_str(".SH ENVIRONMENT\n");
    for (var, meaning) in ENVIRONMENT {
        roff.push_str(&format!(".TP\n\\fB{var}\\fR\n{}\n", escape(meaning)));
    }
    roff.push_str(
        ".SH FILES\n.TP\n\\fI$XDG_CONFIG_HOME/diglot/config.toml\\fR\n\
         The config file (usually ~/.config/diglot/config.toml); \\fBdiglot config init\\fR \
         writes a commented example.\n\
         .TP\n\\fI$XDG_CONFIG_HOME/diglot/prompts/\\fR\nOverrides of the prompt templates.\n\
         .TP\n\\fI$XDG_CACHE_HOME/diglot/\\fR\nThe cache of translations and briefs.\n",
    );
    roff.push_str(".SH VERSION\n");
    roff.push_str(&format!("v{}\n", env!("CARGO_PKG_VERSION")));
    Ok(roff)
}

/// One subcommand as a `.SS` section (synopsis, description, options), then its own
/// subcommands.
fn commands(sub: &clap::Command, parent: &str, roff: &mut String) -> std::io::Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    let man = clap_mangen::Man::new(sub.clone().bin_name(&name));
    roff.push_str(&format!(".SS \"{name}\"\n"));
    for render in [
        clap_mangen::Man::render_synopsis_section,
        clap_mangen::Man::render_description_section,
        clap_mangen::Man::render_options_section,
    ] {
        let mut out = Vec::new();
        render(&man, &mut out)?;
        // Each renderer starts its part with `.SH NAME`: inside a command that is a paragraph.
        for line in String::from_utf8_lossy(&out).lines() {
            if line.starts_with(".SH ") {
                roff.push_str(".PP\n");
            } else {
                roff.push_str(line);
                roff.push('\n');
            }
        }
    }
    for nested in sub.get_subcommands() {
        commands(nested, &name, roff)?;
    }
    Ok(())
}

/// `text` safe as a roff text line: backslashes doubled, a leading dot or quote escaped.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\\\").replace('-', "\\-");
    if text.starts_with('.') || text.starts_with('\'') {
        format!("\\&{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_command(cmd: &clap::Command, parent: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            let name = format!("{parent} {}", sub.get_name());
            out.push((name.clone(), sub.clone()));
            every_command(sub, &name, out);
        }
    }

    #[test]
    fn the_page_documents_every_subcommand_and_option_and_the_exit_codes() {
        let text = page().expect("renders");
        assert!(text.contains("\n.TH diglot"), "{}", &text[..80]);
        let mut cli = Cli::command().disable_help_subcommand(true);
        cli.build();
        let mut all = Vec::new();
        every_command(&cli, "diglot", &mut all);
        assert!(all.len() >= 13, "{}", all.len());
        for (name, sub) in &all {
            assert!(text.contains(&format!(".SS \"{name}\"")), "{name} missing");
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                if let Some(long) = arg.get_long() {
                    let shown = format!("\\-\\-{}", long.replace('-', "\\-"));
                    assert!(text.contains(&shown), "{name} {shown} missing");
                }
            }
        }
        assert!(
            !text.contains("diglot-translate(1)"),
            "no pages that do not exist"
        );
        assert!(!text.contains(".SH EXTRA"));
        assert!(text.contains(".SH \"EXIT STATUS\"\n.TP\n0\n"));
        assert!(text.contains(".TP\n130\ninterrupted (Ctrl\\-C)\n"));
        assert!(text.contains("\\fBOPENAI_API_KEY\\fR"));
    }
}
