//! `diglot translate`: the article beside its translation (and a brief with `--brief`).

use super::Outcome;
use super::article::{Task, TaskKind, TaskOptions};
use super::deliver::{Destination, deliver};
use crate::cli::TranslateArgs;
use crate::config::{ConfigError, Settings};
use crate::error::Error;
use crate::prompt::Prompts;

/// Resolves the providers (checking the brief's can write briefs), then translates.
pub(super) fn run(
    args: &TranslateArgs,
    mut settings: Settings,
    exit_code: fn(&Error) -> u8,
) -> Result<Outcome, Error> {
    let destination = Destination::of(&args.input, &args.output)?;
    let provider = std::mem::replace(
        &mut settings.provider,
        Err(ConfigError::NoProvider { config_path: None }),
    )?;
    let prompts = Prompts::load(settings.prompts_dir.as_deref())?;
    let brief_provider = if args.brief {
        let named = settings.brief_provider.take().transpose()?;
        let brief = named.unwrap_or_else(|| provider.clone());
        brief.check_brief_capable()?;
        Some(brief)
    } else {
        None
    };
    let options = TaskOptions {
        kind: TaskKind::Translate {
            brief_points: args.brief.then_some(args.brief_options.points),
            strict: args.strict,
        },
        from: args.options.from,
        keep_boilerplate: args.input.keep_boilerplate,
        format: args.options.format,
        layout: args.options.layout,
        writes_files: args.output.writes_files(),
    };
    let task = Task::new(
        options,
        prompts,
        (&provider, brief_provider.as_ref()),
        &settings,
        exit_code,
    );
    deliver(task, (provider, brief_provider), destination, &settings)
}
