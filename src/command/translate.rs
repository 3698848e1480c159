//! `diglot translate`: the article beside its translation (and a brief with `--brief`).

use super::Outcome;
use super::article::{Task, TaskKind, TaskOptions, Terms};
use super::deliver::{Destination, deliver};
use crate::cli::TranslateArgs;
use crate::config::{ConfigError, Settings};
use crate::error::Error;
use crate::prompt::Prompts;
use crate::provider::ProviderKind;

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
    let glossaries = crate::glossary::file::load_all(
        settings.terms.glossaries.iter().map(|g| g.value.as_path()),
    )?;
    // LibreTranslate takes no glossary: the terms are still checked in its translation.
    let unsupported = (!glossaries.is_empty() && provider.kind == ProviderKind::Libretranslate)
        .then(|| {
            format!(
                "{} (libretranslate) has no glossary: the glossary's terms are not sent, only \
                 checked in the translation",
                provider.name.value
            )
        });
    let terms = Terms {
        glossaries: std::sync::Arc::new(glossaries),
        context: settings.terms.context.value,
    };
    let task = Task::new(
        options,
        prompts,
        (&provider, brief_provider.as_ref()),
        &settings,
        exit_code,
    )
    .with_terms(terms);
    let mut outcome = deliver(task, (provider, brief_provider), destination, &settings)?;
    outcome.warnings.splice(0..0, unsupported);
    Ok(outcome)
}
