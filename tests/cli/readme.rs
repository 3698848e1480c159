//! README.md read as CommonMark, the way GitHub and crates.io render it: its sections are
//! headings, its code is in closed fences, no heading ends up inside a code block (a missing
//! fence once swallowed the provider section; issue 14), and every image it shows is here.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// What a reader sees of the README: its headings and its code blocks, in order.
struct Rendered {
    headings: Vec<(HeadingLevel, String)>,
    /// Each block's info string (`None` for an indented block) and text.
    code: Vec<(Option<String>, String)>,
}

fn render() -> Rendered {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut rendered = Rendered {
        headings: Vec::new(),
        code: Vec::new(),
    };
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut block: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => rendered.headings.extend(heading.take()),
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.to_string()),
                    CodeBlockKind::Indented => None,
                };
                block = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => rendered.code.extend(block.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                } else if let Some((_, b)) = block.as_mut() {
                    b.push_str(&t);
                }
            }
            _ => {}
        }
    }
    assert!(block.is_none(), "a code block is never closed");
    rendered
}

fn titles(rendered: &Rendered, level: HeadingLevel) -> Vec<&str> {
    rendered
        .headings
        .iter()
        .filter(|(l, _)| *l == level)
        .map(|(_, t)| t.as_str())
        .collect()
}

#[test]
fn the_readme_has_its_sections_in_order() {
    let rendered = render();
    assert_eq!(titles(&rendered, HeadingLevel::H1), ["diglot"]);
    let sections = titles(&rendered, HeadingLevel::H2);
    let expected = [
        "Quick start (no key, no network)",
        "Install",
        "Usage",
        "Configuration",
        "Providers",
        "Cache",
        "Output",
        "Language detection",
        "Exit codes",
        "Using it in CI",
        "Troubleshooting",
        "Build and test",
        "Licence",
    ];
    let mut at = 0;
    for title in expected {
        let found = sections[at..].iter().position(|s| *s == title);
        let found = found.unwrap_or_else(|| panic!("{title:?} missing or out of order"));
        at += found + 1;
    }
    let h3 = titles(&rendered, HeadingLevel::H3);
    let providers = [
        "OpenAI",
        "Ollama (local, no key)",
        "Other OpenAI-compatible servers",
        "Local servers and small models",
        "Anthropic",
        "DeepL",
        "LibreTranslate",
    ];
    let start = h3.iter().position(|t| *t == "OpenAI").expect("### OpenAI");
    assert_eq!(h3[start..start + providers.len()], providers);
}

#[test]
fn every_code_block_is_fenced_and_holds_no_heading() {
    let rendered = render();
    assert!(rendered.code.len() > 20, "{}", rendered.code.len());
    for (info, text) in &rendered.code {
        assert!(
            info.is_some(),
            "an indented code block (a stray indent?):\n{text}"
        );
        for line in text.lines() {
            assert!(
                !line.starts_with("## ") && !line.starts_with("### "),
                "a heading inside a code block:\n{text}"
            );
        }
    }
    let openai = rendered
        .code
        .iter()
        .find(|(_, text)| text.contains("export OPENAI_API_KEY"))
        .expect("the OpenAI example");
    assert_eq!(openai.0.as_deref(), Some("sh"));
}

#[test]
fn every_image_the_readme_shows_is_in_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let images: Vec<String> = Parser::new_ext(&text, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        images.iter().any(|i| i.ends_with("sentence-highlight.png")),
        "the HTML sentence highlight (issue 17): {images:?}"
    );
    for image in &images {
        let png = std::fs::read(root.join(image)).unwrap_or_else(|e| panic!("{image}: {e}"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{image} is not a PNG");
    }
}
