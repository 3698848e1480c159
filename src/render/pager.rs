//! The pager: output taller than the terminal goes through `$DIGLOT_PAGER`, else `$PAGER`,
//! else `less`, as bat and git do (issue 15).
//!
//! Owns starting the pager, writing into it, noticing that the reader quit it, and waiting for
//! it at the end; [`Output`] is where a run writes: stdout, or a pager's input. Whether to page
//! is decided by the caller ([`Paging`], the terminal, the height). A pager is watched by a
//! thread that waits for it: when it ends early (the reader pressed `q`), the run hears of it
//! at once ([`Pager::start`]'s `gone`) and stops, rather than at its next write.
//!
//! `less` with no options of its own gets `-R` (colours pass through) and, when the whole
//! output is there already, `-F` (quit if it fits on one screen): `less -F` shows nothing of an
//! input that arrives slowly until a screenful is there or the input ends (less 590, measured),
//! so progressive output gets `less -R`, and only when it is expected to be taller than the
//! screen. Its `LESSCHARSET` is `utf-8` unless the user set one: diglot writes UTF-8 whatever
//! the locale says.

use std::io::{self, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

/// When to page (`--paging`, `paging` in the config file, `DIGLOT_PAGING`); never when stdout
/// is not a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paging {
    /// Page when the output is taller than the terminal.
    #[default]
    Auto,
    /// Page whenever stdout is a terminal.
    Always,
    /// Never page.
    Never,
}

impl std::str::FromStr for Paging {
    type Err = String;

    fn from_str(text: &str) -> Result<Paging, String> {
        <Paging as clap::ValueEnum>::from_str(text, true)
            .map_err(|_| format!("expected auto, always or never, not '{text}'"))
    }
}

impl std::fmt::Display for Paging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Paging::Auto => "auto",
            Paging::Always => "always",
            Paging::Never => "never",
        })
    }
}

/// The pager a run would use, resolved from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerSetup {
    /// When to page.
    pub paging: Paging,
    /// `$DIGLOT_PAGER` or `$PAGER` as written, and which of them; `None` for `less`.
    pub command: Option<(String, &'static str)>,
    /// Variables the pager gets besides the environment (`LESSCHARSET`).
    pub env: Vec<(String, String)>,
}

impl PagerSetup {
    /// The pager's words (program and arguments): the configured command split as a shell
    /// would, or `less`; a bare `less` gets `-R`, plus `-F` when `whole` (the output is all
    /// there). Err: why the configured command cannot be used.
    pub fn words(&self, whole: bool) -> Result<Vec<String>, String> {
        let mut words = match &self.command {
            Some((command, var)) => shell_words::split(command)
                .map_err(|e| format!("{var} is not a command line ({e})"))?,
            None => vec!["less".to_owned()],
        };
        if words.is_empty() {
            return Err("the pager command is empty".to_owned());
        }
        let is_less = std::path::Path::new(&words[0])
            .file_name()
            .is_some_and(|name| name == "less");
        if is_less && words.len() == 1 {
            words.push(if whole { "-RF" } else { "-R" }.to_owned());
        }
        Ok(words)
    }
}

/// A pager process reading what the run writes.
#[derive(Debug)]
pub struct Pager {
    input: Option<ChildStdin>,
    waiter: Option<std::thread::JoinHandle<()>>,
}

impl Pager {
    /// Starts `words` with its input from a pipe, its output and errors on the terminal, and
    /// `env` added. `gone` is set the moment the pager ends (the reader quit).
    pub fn start(
        words: &[String],
        env: &[(String, String)],
        gone: tokio::sync::watch::Sender<bool>,
    ) -> io::Result<Pager> {
        let (program, args) = words
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no pager command"))?;
        let mut child: Child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .spawn()?;
        let input = child.stdin.take();
        let waiter = std::thread::Builder::new()
            .name("diglot-pager".to_owned())
            .spawn(move || {
                let _ = child.wait();
                let _ = gone.send(true);
            })?;
        Ok(Pager {
            input,
            waiter: Some(waiter),
        })
    }

    /// Ends the pager's input and waits until the reader quits it.
    pub fn close(mut self) {
        self.input.take();
        if let Some(waiter) = self.waiter.take() {
            let _ = waiter.join();
        }
    }
}

impl Write for Pager {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.input {
            Some(input) => input.write(buf),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.input.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// Where a run writes its output.
#[derive(Debug)]
pub enum Output {
    /// Straight to stdout (a file, a pipe, or a terminal not paged).
    Stdout,
    /// Into a pager.
    Pager(Pager),
}

impl Output {
    /// Writes `bytes` and flushes them, so the reader sees them now.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Output::Pager(pager) => pager.write_all(bytes).and_then(|()| pager.flush()),
        }
    }

    /// Ends the output: a pager gets the end of its input and is waited for.
    pub fn close(self) {
        if let Output::Pager(pager) = self {
            pager.close();
        }
    }
}

/// Rows `text` takes on a terminal `width` columns wide (long lines wrap).
pub fn rows(text: &str, width: usize) -> usize {
    text.lines()
        .map(|line| super::lines::measure(line).div_ceil(width.max(1)).max(1))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(command: Option<&str>) -> PagerSetup {
        PagerSetup {
            paging: Paging::Auto,
            command: command.map(|c| (c.to_owned(), "PAGER")),
            env: Vec::new(),
        }
    }

    #[test]
    fn bare_less_gets_raw_colour_and_quits_on_one_screen_only_for_whole_output() {
        assert_eq!(
            setup(None).words(true),
            Ok(vec!["less".into(), "-RF".into()])
        );
        assert_eq!(
            setup(None).words(false),
            Ok(vec!["less".into(), "-R".into()])
        );
        assert_eq!(
            setup(Some("/usr/bin/less")).words(false),
            Ok(vec!["/usr/bin/less".into(), "-R".into()])
        );
        assert_eq!(
            setup(Some("less -S")).words(true),
            Ok(vec!["less".into(), "-S".into()])
        );
    }

    #[test]
    fn a_configured_command_is_split_as_a_shell_would() {
        assert_eq!(
            setup(Some("my\\ pager --opt 'a b'")).words(true),
            Ok(vec!["my pager".into(), "--opt".into(), "a b".into()])
        );
        let broken = setup(Some("pager 'unclosed")).words(true);
        assert!(broken.is_err_and(|e| e.starts_with("PAGER is not a command line")));
    }

    #[test]
    fn rows_count_wrapped_lines() {
        assert_eq!(rows("ab\n\nabcdef\n", 4), 1 + 1 + 2);
        assert_eq!(rows("", 80), 0);
    }

    #[test]
    fn paging_reads_its_three_values() {
        assert_eq!("ALWAYS".parse::<Paging>(), Ok(Paging::Always));
        assert_eq!("never".parse::<Paging>(), Ok(Paging::Never));
        assert!("sometimes".parse::<Paging>().is_err());
        assert_eq!(Paging::Auto.to_string(), "auto");
    }
}
