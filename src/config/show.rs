//! `diglot config show`: every resolved value with the layer it came from, secrets redacted
//! (a [`crate::secret::Secret`] displays as `(redacted)`).

use std::fmt;

use super::profile::Endpoint;
use super::{Settings, Source};

impl Settings {
    /// The effective configuration, one value a line with its source; secrets redacted.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let mut line = |key: &str, value: &dyn fmt::Display, source: &dyn fmt::Display| {
            out.push_str(&format!("{key:<16} {value:<32} ({source})\n"));
        };
        match &self.file.path {
            Some(p) if self.file.found => line("config file", &p.value.display(), &p.source),
            Some(p) => line(
                "config file",
                &format!("{} (not found)", p.value.display()),
                &p.source,
            ),
            None => line(
                "config file",
                &"(none: no HOME or XDG_CONFIG_HOME)",
                &Source::Default,
            ),
        }
        line("jobs", &self.jobs.value, &self.jobs.source);
        match &self.run_timeout {
            Some(t) => line(
                "timeout",
                &format!("{} s (whole run)", t.value.as_secs()),
                &t.source,
            ),
            None => line("timeout", &"(none for the whole run)", &Source::Default),
        }
        line(
            "max_article_mb",
            &(self.max_article_bytes.value / crate::input::BYTES_PER_MB),
            &self.max_article_bytes.source,
        );
        match &self.cache_dir {
            Some(dir) => line("cache", &dir.display(), &Source::Default),
            None => line("cache", &"(off)", &Source::Default),
        }
        let limit = bytesize::ByteSize::b(self.cache_max_bytes.value)
            .display()
            .si();
        line(
            "cache limit",
            &limit.to_string(),
            &self.cache_max_bytes.source,
        );
        match &self.to {
            Some(to) => line("to", &to.value, &to.source),
            None => line("to", &"en (de for English articles)", &Source::Default),
        }
        line("width", &self.width.value, &self.width.source);
        if self.terms.glossaries.is_empty() {
            line("glossary", &"(none)", &Source::Default);
        }
        for glossary in &self.terms.glossaries {
            line("glossary", &glossary.value.display(), &glossary.source);
        }
        let context = if self.terms.context.value {
            "on"
        } else {
            "off"
        };
        line("context", &context, &self.terms.context.source);
        line("color", &self.color.value, &self.color.source);
        line("align", &self.align.value, &self.align.source);
        line("paging", &self.pager.value.paging, &self.pager.source);
        match &self.pager.value.command {
            Some((command, var)) => line("pager", command, &Source::Env((*var).to_owned())),
            None => line("pager", &"less", &Source::Default),
        }
        match &self.provider {
            Ok(p) => {
                line("provider", &p.name.value, &p.name.source);
                line("  kind", &p.kind, &p.name.source);
                match &p.endpoint {
                    Endpoint::Url(url) => line("  base_url", &url.value, &url.source),
                    Endpoint::InProcessMock => line(
                        "  base_url",
                        &"(in-process mock on 127.0.0.1)",
                        &Source::Default,
                    ),
                }
                line("  model", &p.model.value, &p.model.source);
                match &p.api_key {
                    Some(key) => line("  api_key", &key.value, &key.source),
                    None => line("  api_key", &"(none)", &Source::Default),
                }
                let secs = format!("{} s", p.timeout.value.as_secs());
                line("  timeout", &secs, &p.timeout.source);
                if let Some(prices) = &p.prices {
                    let shown = format!(
                        "{} in, {} out a Mtoken; {} a Mchar; batch ×{}",
                        prices.input, prices.output, prices.characters, prices.batch_share
                    );
                    line("  prices", &shown, &p.name.source);
                }
            }
            Err(e) => {
                out.push_str(&format!("provider         (none) {e}\n"));
                if let Some(hint) = e.hint() {
                    out.push_str(&format!("                 hint: {hint}\n"));
                }
            }
        }
        match &self.brief_provider {
            None => out.push_str(&format!(
                "{:<16} {:<32} ({})\n",
                "brief provider",
                "(the translation's)",
                Source::Default
            )),
            Some(Ok(p)) => {
                out.push_str(&format!(
                    "{:<16} {:<32} ({})\n",
                    "brief provider", p.name.value, p.name.source
                ));
                out.push_str(&format!(
                    "{:<16} {:<32} ({})\n",
                    "  kind", p.kind, p.name.source
                ));
                out.push_str(&format!(
                    "{:<16} {:<32} ({})\n",
                    "  model", p.model.value, p.model.source
                ));
            }
            Some(Err(e)) => out.push_str(&format!("brief provider   (none) {e}\n")),
        }
        // A base URL may carry a password or a key in its query: never shown.
        crate::secret::redact_urls(&out).into_owned()
    }
}
