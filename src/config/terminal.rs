//! How output looks on this machine: width, colour and the date an HTML page shows, each
//! resolved from flags, environment, file and the terminal (decided once, handed to `render`
//! as numbers and booleans).

use super::file::FileConfig;
use super::{ConfigError, Env, Flags, Resolved, Source, Terminal, env_parse, layer_opt, resolved};
use crate::render::ColorChoice;
use crate::render::pager::{PagerSetup, Paging};

/// Output width when stdout is not a terminal and nothing else is set.
pub const DEFAULT_WIDTH: usize = 100;

/// `SOURCE_DATE_EPOCH` (the reproducible-builds convention: seconds since the Unix epoch), so
/// output can be made byte-for-byte repeatable; else the system clock. A malformed value is an
/// error, as the convention asks, rather than silently today.
pub(super) fn resolve_date(env: &Env) -> Result<crate::render::Date, ConfigError> {
    let seconds = match env_parse::<u64>(env, "SOURCE_DATE_EPOCH")? {
        Some((seconds, _)) => seconds,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
    };
    Ok(crate::render::Date::from_unix_seconds(seconds))
}

pub(super) fn resolve_width(
    flags: &Flags,
    env: &Env,
    cfg: &FileConfig,
    file_source: &Source,
    terminal: Terminal,
) -> Result<Resolved<usize>, ConfigError> {
    let env_width = env_parse::<u16>(env, "DIGLOT_WIDTH")?;
    if let Some((w, var)) = &env_width
        && usize::from(*w) < crate::render::MIN_WIDTH
    {
        return Err(ConfigError::InvalidEnv {
            var: var.clone(),
            value: w.to_string(),
            reason: format!("the width must be at least {}", crate::render::MIN_WIDTH),
        });
    }
    let chosen = layer_opt(
        flags.width.map(|v| (v, "--width")),
        env_width,
        cfg.width.map(|v| (v, file_source.clone())),
    );
    Ok(match (chosen, terminal.width) {
        (Some(r), _) => resolved(usize::from(r.value).max(crate::render::MIN_WIDTH), r.source),
        (None, Some(w)) if terminal.stdout_is_tty => {
            resolved(w.max(crate::render::MIN_WIDTH), Source::Terminal)
        }
        (None, _) => resolved(DEFAULT_WIDTH, Source::Default),
    })
}

/// When to page and with what: `--paging` > `DIGLOT_PAGING` > the file's `paging` > `auto`;
/// the command from `DIGLOT_PAGER`, else `PAGER`, else `less`; `LESSCHARSET=utf-8` for the
/// pager unless set.
pub(super) fn resolve_pager(
    flags: &Flags,
    env: &Env,
    cfg: &FileConfig,
    file_source: &Source,
) -> Result<Resolved<PagerSetup>, ConfigError> {
    let paging = layer_opt(
        flags.paging.map(|v| (v, "--paging")),
        env_parse::<Paging>(env, "DIGLOT_PAGING")?,
        cfg.paging.map(|v| (v, file_source.clone())),
    )
    .unwrap_or(resolved(Paging::Auto, Source::Default));
    let command = ["DIGLOT_PAGER", "PAGER"]
        .into_iter()
        .find_map(|var| Some((env.get(var)?.to_owned(), var)));
    let env = if env.get("LESSCHARSET").is_none() {
        vec![("LESSCHARSET".to_owned(), "utf-8".to_owned())]
    } else {
        Vec::new()
    };
    Ok(resolved(
        PagerSetup {
            paging: paging.value,
            command,
            env,
        },
        paging.source,
    ))
}

/// `auto` colours only a terminal, with `NO_COLOR` unset or empty and `TERM` not `dumb`.
pub(super) fn resolve_color(
    flag: Option<ColorChoice>,
    env: &Env,
    terminal: Terminal,
) -> Resolved<bool> {
    match flag {
        Some(ColorChoice::Always) => resolved(true, Source::Flag("--color".into())),
        Some(ColorChoice::Never) => resolved(false, Source::Flag("--color".into())),
        Some(ColorChoice::Auto) | None => {
            if env.get("NO_COLOR").is_some() {
                resolved(false, Source::Env("NO_COLOR".into()))
            } else if env.get("TERM") == Some("dumb") {
                resolved(false, Source::Env("TERM".into()))
            } else {
                resolved(terminal.stdout_is_tty, Source::Terminal)
            }
        }
    }
}
