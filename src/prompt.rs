//! Prompt templates: built-in defaults compiled in, overridable by same-named files in the
//! user's config directory (`$XDG_CONFIG_HOME/diglot/prompts/`).
//!
//! Templates are minijinja with strict undefined variables, so a user's override that names a
//! variable diglot does not provide fails loudly (exit 2, naming the file) instead of sending
//! a prompt with a hole in it.

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

const TRANSLATE: &str = include_str!("../prompts/translate.md");
const REPAIR: &str = include_str!("../prompts/repair.md");
const BRIEF: &str = include_str!("../prompts/brief.md");
const BRIEF_REPAIR: &str = include_str!("../prompts/brief-repair.md");
const TRANSLATE_PLAIN: &str = include_str!("../prompts/translate-plain.md");
const REPAIR_PLAIN: &str = include_str!("../prompts/repair-plain.md");
const TRANSLATE_SENTENCES: &str = include_str!("../prompts/translate-sentences.md");
const TRANSLATE_SENTENCES_PLAIN: &str = include_str!("../prompts/translate-sentences-plain.md");
const REPAIR_SENTENCES: &str = include_str!("../prompts/repair-sentences.md");
const REPAIR_SENTENCES_PLAIN: &str = include_str!("../prompts/repair-sentences-plain.md");

/// Why a prompt template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The override exists but cannot be read.
    #[error("cannot read prompt template '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The template does not parse or uses an unknown variable.
    #[error("invalid prompt template '{origin}': {detail}")]
    Template {
        /// The file, or `built-in NAME`.
        origin: String,
        /// minijinja's message.
        detail: String,
    },
}

/// One template's text and where it came from.
#[derive(Debug, Clone)]
struct Template {
    origin: String,
    text: String,
}

/// The prompt templates in force.
#[derive(Debug, Clone)]
pub struct Prompts {
    translate: Template,
    repair: Template,
    brief: Template,
    brief_repair: Template,
    translate_plain: Template,
    repair_plain: Template,
    /// `--align sentence`: the same four, sentence by sentence.
    sentences: SentenceTemplates,
}

/// The templates of a request aligned by sentence (`--align sentence`).
#[derive(Debug, Clone)]
struct SentenceTemplates {
    translate: Template,
    translate_plain: Template,
    repair: Template,
    repair_plain: Template,
}

/// Variables the translate template may use.
#[derive(Debug, Serialize)]
pub struct TranslateVars<'a> {
    /// Source ISO code.
    pub source: &'a str,
    /// Source language name in English.
    pub source_name: &'a str,
    /// Target ISO code.
    pub target: &'a str,
    /// Target language name in English.
    pub target_name: &'a str,
    /// Whether the message gives glossary entries (required translations of terms).
    pub glossary: bool,
    /// Whether the message gives context: source text before the paragraphs.
    pub context: bool,
    /// Glossary entries a previous translation did not follow, `; `-separated as
    /// `Kiew → Kyiv` (empty when none): a repair calls them out.
    pub reminders: &'a str,
}

/// Variables the brief template may use.
#[derive(Debug, Serialize)]
pub struct BriefVars<'a> {
    /// Source ISO code.
    pub source: &'a str,
    /// Source language name in English.
    pub source_name: &'a str,
    /// Target ISO code.
    pub target: &'a str,
    /// Target language name in English.
    pub target_name: &'a str,
    /// How many key points to write.
    pub points: u8,
}

/// Variables the brief repair template may use.
#[derive(Debug, Serialize)]
pub struct BriefRepairVars<'a> {
    /// What was wrong, `; `-separated.
    pub problems: &'a str,
    /// The paragraph ids that may be cited, e.g. `1, 2, 3`.
    pub ids: &'a str,
    /// Source language name in English.
    pub source_name: &'a str,
    /// Target language name in English.
    pub target_name: &'a str,
    /// How many key points to write.
    pub points: u8,
}

/// Variables the repair template may use.
#[derive(Debug, Serialize)]
pub struct RepairVars<'a> {
    /// What was wrong, `; `-separated.
    pub problems: &'a str,
    /// The ids to answer, e.g. `1, 2, 3`.
    pub ids: &'a str,
    /// Target language name in English.
    pub target_name: &'a str,
}

impl Prompts {
    /// The built-in templates, each replaced by `DIR/NAME.md` where that file exists.
    pub fn load(dir: Option<&Path>) -> Result<Prompts, PromptError> {
        Ok(Prompts {
            translate: load_one(dir, "translate", TRANSLATE)?,
            repair: load_one(dir, "repair", REPAIR)?,
            brief: load_one(dir, "brief", BRIEF)?,
            brief_repair: load_one(dir, "brief-repair", BRIEF_REPAIR)?,
            translate_plain: load_one(dir, "translate-plain", TRANSLATE_PLAIN)?,
            repair_plain: load_one(dir, "repair-plain", REPAIR_PLAIN)?,
            sentences: SentenceTemplates {
                translate: load_one(dir, "translate-sentences", TRANSLATE_SENTENCES)?,
                translate_plain: load_one(
                    dir,
                    "translate-sentences-plain",
                    TRANSLATE_SENTENCES_PLAIN,
                )?,
                repair: load_one(dir, "repair-sentences", REPAIR_SENTENCES)?,
                repair_plain: load_one(dir, "repair-sentences-plain", REPAIR_SENTENCES_PLAIN)?,
            },
        })
    }

    /// A hash of every template's text, for cache keys: editing a prompt file makes new keys.
    pub fn fingerprint(&self) -> String {
        crate::cache::digest(&[
            &self.translate.text,
            &self.repair.text,
            &self.brief.text,
            &self.brief_repair.text,
            &self.translate_plain.text,
            &self.repair_plain.text,
            &self.sentences.translate.text,
            &self.sentences.translate_plain.text,
            &self.sentences.repair.text,
            &self.sentences.repair_plain.text,
        ])
    }

    /// Renders the system prompt of a translation request; `plain` for numbered paragraphs
    /// instead of JSON.
    pub fn translate(&self, vars: &TranslateVars<'_>, plain: bool) -> Result<String, PromptError> {
        render(
            if plain {
                &self.translate_plain
            } else {
                &self.translate
            },
            vars,
        )
    }

    /// Renders the repair instruction; `plain` for numbered paragraphs instead of JSON.
    pub fn repair(&self, vars: &RepairVars<'_>, plain: bool) -> Result<String, PromptError> {
        render(
            if plain {
                &self.repair_plain
            } else {
                &self.repair
            },
            vars,
        )
    }

    /// Renders the system prompt of a request aligned by sentence; `plain` for numbered
    /// sentences instead of JSON.
    pub fn translate_sentences(
        &self,
        vars: &TranslateVars<'_>,
        plain: bool,
    ) -> Result<String, PromptError> {
        let templates = &self.sentences;
        render(
            if plain {
                &templates.translate_plain
            } else {
                &templates.translate
            },
            vars,
        )
    }

    /// Renders the repair instruction of a request aligned by sentence; `plain` for numbered
    /// sentences instead of JSON.
    pub fn repair_sentences(
        &self,
        vars: &RepairVars<'_>,
        plain: bool,
    ) -> Result<String, PromptError> {
        let templates = &self.sentences;
        render(
            if plain {
                &templates.repair_plain
            } else {
                &templates.repair
            },
            vars,
        )
    }

    /// Renders the system prompt of a brief request.
    pub fn brief(&self, vars: &BriefVars<'_>) -> Result<String, PromptError> {
        render(&self.brief, vars)
    }

    /// Renders the brief repair instruction.
    pub fn brief_repair(&self, vars: &BriefRepairVars<'_>) -> Result<String, PromptError> {
        render(&self.brief_repair, vars)
    }
}

fn load_one(dir: Option<&Path>, name: &str, built_in: &str) -> Result<Template, PromptError> {
    if let Some(path) = dir.map(|d| d.join(format!("{name}.md"))) {
        match crate::input::read_small_text(&path) {
            Ok(text) => {
                return Ok(Template {
                    origin: path.display().to_string(),
                    text,
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(PromptError::Read { path, source }),
        }
    }
    Ok(Template {
        origin: format!("built-in {name}.md"),
        text: built_in.to_owned(),
    })
}

fn render(template: &Template, vars: &impl Serialize) -> Result<String, PromptError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let error = |e: minijinja::Error| PromptError::Template {
        origin: template.origin.clone(),
        detail: e.to_string(),
    };
    let compiled = env.template_from_str(&template.text).map_err(error)?;
    let text = compiled.render(vars).map_err(error)?;
    Ok(text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARS: TranslateVars<'static> = TranslateVars {
        source: "de",
        source_name: "German",
        target: "en",
        target_name: "English",
        glossary: false,
        context: false,
        reminders: "",
    };

    #[test]
    fn built_in_translate_prompt_names_both_languages_and_the_json_shape() {
        let text = Prompts::load(None)
            .and_then(|p| p.translate(&VARS, false))
            .expect("renders");
        assert!(
            text.contains("from German (de) into English (en)"),
            "{text}"
        );
        assert!(text.contains(r#"{"paragraphs": [{"id": 1"#), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn translate_prompts_explain_glossary_and_context_only_when_sent_and_call_out_reminders() {
        let prompts = Prompts::load(None).expect("loads");
        for plain in [false, true] {
            let bare = prompts.translate(&VARS, plain).expect("renders");
            assert!(
                !bare.contains("lossary") && !bare.contains("ontext"),
                "{bare}"
            );
            let vars = TranslateVars {
                glossary: true,
                context: true,
                reminders: "Kiew → Kyiv",
                ..VARS
            };
            let guided = prompts.translate(&vars, plain).expect("renders");
            assert!(guided.starts_with(&bare), "{guided}");
            assert!(guided.contains("required translations"), "{guided}");
            assert!(guided.contains("never translate"), "{guided}");
            assert!(
                guided.contains("did not use the required translation of: Kiew → Kyiv."),
                "{guided}"
            );
        }
    }

    #[test]
    fn built_in_repair_prompt_lists_problems_and_ids() {
        let vars = RepairVars {
            problems: "¶2 is missing",
            ids: "1, 2",
            target_name: "English",
        };
        let text = Prompts::load(None)
            .and_then(|p| p.repair(&vars, false))
            .expect("renders");
        assert!(
            text.contains("¶2 is missing") && text.contains("these ids") && text.contains("1, 2")
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn built_in_brief_prompt_names_languages_points_and_the_json_shape() {
        let vars = BriefVars {
            source: "de",
            source_name: "German",
            target: "en",
            target_name: "English",
            points: 5,
        };
        let text = Prompts::load(None)
            .and_then(|p| p.brief(&vars))
            .expect("renders");
        assert!(text.contains("in German (de)"), "{text}");
        assert!(!text.contains("English"), "one language only: {text}");
        assert!(text.contains("exactly 5 key points"), "{text}");
        assert!(text.contains(r#""paragraphs": [2, 5]"#), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn built_in_brief_repair_prompt_lists_problems_ids_and_points() {
        let vars = BriefRepairVars {
            problems: "point 1 cites ¶9, which is not in the article",
            ids: "1, 2",
            source_name: "German",
            target_name: "English",
            points: 3,
        };
        let text = Prompts::load(None)
            .and_then(|p| p.brief_repair(&vars))
            .expect("renders");
        assert!(
            text.contains("cites ¶9") && text.contains("numbers: 1, 2") && text.contains("Write 3")
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn built_in_sentence_prompts_name_markers_groups_and_the_json_shape() {
        let prompts = Prompts::load(None).expect("loads");
        let plain = prompts.translate_sentences(&VARS, true).expect("renders");
        assert!(
            plain.contains("[3.2]") && plain.contains("[3.2-3.3]"),
            "{plain}"
        );
        insta::assert_snapshot!("translate_sentences_plain", plain);
        let json = prompts.translate_sentences(&VARS, false).expect("renders");
        assert!(json.contains(r#"{"sentences": [{"ids": ["1.1"]"#), "{json}");
        insta::assert_snapshot!("translate_sentences_json", json);
        let vars = RepairVars {
            problems: "¶2.3 is missing",
            ids: "[1.1], [2.3]",
            target_name: "English",
        };
        for plain in [true, false] {
            let text = prompts.repair_sentences(&vars, plain).expect("renders");
            assert!(text.contains("¶2.3 is missing") && text.contains("[1.1], [2.3]"));
        }
    }

    #[test]
    fn a_user_override_replaces_the_built_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("translate.md"),
            "Into {{ target_name }}, please.",
        )
        .expect("write");
        let text = Prompts::load(Some(dir.path()))
            .and_then(|p| p.translate(&VARS, false))
            .expect("ok");
        assert_eq!(text, "Into English, please.");
    }

    #[test]
    fn an_unknown_variable_in_an_override_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("translate.md");
        std::fs::write(&path, "Into {{ target_langauge }}.").expect("write");
        let err = Prompts::load(Some(dir.path()))
            .and_then(|p| p.translate(&VARS, false))
            .expect_err("x");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
}
