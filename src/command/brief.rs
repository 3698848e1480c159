//! `diglot brief`: the bilingual brief of an article, every point citing its paragraphs.

use super::Outcome;
use super::article::{Task, TaskKind, TaskOptions};
use super::deliver::{Destination, deliver};
use crate::cli::BriefArgs;
use crate::config::{ConfigError, Settings};
use crate::error::Error;
use crate::prompt::Prompts;

/// Resolves the brief's provider (the one named for briefs, else the translation's), checks
/// it writes briefs, then writes them.
pub(super) fn run(
    args: &BriefArgs,
    mut settings: Settings,
    exit_code: fn(&Error) -> u8,
) -> Result<Outcome, Error> {
    let destination = Destination::of(&args.input, &args.output)?;
    let translation = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let prompts = Prompts::load(settings.prompts_dir.as_deref())?;
    let provider = settings
        .brief_provider
        .take()
        .transpose()?
        .unwrap_or(translation);
    provider.check_brief_capable()?;
    let options = TaskOptions {
        kind: TaskKind::Brief {
            points: args.brief_options.points,
            only_target: args.only_target,
        },
        from: args.options.from,
        keep_boilerplate: args.input.keep_boilerplate,
        format: args.options.format,
        layout: args.options.layout,
        writes_files: args.output.writes_files(),
    };
    let task = Task::new(options, prompts, (&provider, None), &settings, exit_code);
    deliver(task, (provider, None), destination, &settings)
}
