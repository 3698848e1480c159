//! Width invariants: no line wider than the width, for both layouts, with wide characters.

use crate::common::{Sandbox, fixture, mock, run, widest_line};

fn render(sandbox: &Sandbox, base_url: &str, article: &str, width: usize, layout: &str) -> String {
    let mut cmd = sandbox.cmd();
    cmd.args([
        "translate",
        "--provider",
        "mock",
        "--base-url",
        base_url,
        "--color",
        "never",
    ])
    .args(["--width", &width.to_string(), "--layout", layout])
    .arg(fixture(article));
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn no_line_is_wider_than_the_width_in_any_layout() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    for article in ["de-rutte-nato.txt", "wide-chars.txt"] {
        for width in [40, 60, 80, 120, 200] {
            for layout in ["columns", "stacked", "auto"] {
                let text = render(&sandbox, &mock.base_url(), article, width, layout);
                assert!(
                    widest_line(&text) <= width,
                    "{article} {layout} at {width}: widest {}\n{text}",
                    widest_line(&text)
                );
            }
        }
    }
}

#[test]
fn auto_stacks_below_80_columns_and_uses_columns_from_80() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let narrow = render(&sandbox, &mock.base_url(), "de-kurz.txt", 60, "auto");
    let wide = render(&sandbox, &mock.base_url(), "de-kurz.txt", 80, "auto");
    assert!(
        !narrow.contains('│') && wide.contains('│'),
        "{narrow}\n---\n{wide}"
    );
}

#[test]
fn wide_characters_stay_in_their_column() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let text = render(&sandbox, &mock.base_url(), "wide-chars.txt", 80, "columns");
    let separators: Vec<usize> = text
        .lines()
        .filter_map(|line| {
            line.find('│')
                .map(|at| unicode_width::UnicodeWidthStr::width(&line[..at]))
        })
        .collect();
    assert!(separators.len() > 5, "{text}");
    assert!(
        separators.windows(2).all(|w| w[0] == w[1]),
        "separator drifts: {separators:?}\n{text}"
    );
    assert!(text.contains("北约"), "{text}");
}

#[test]
fn reference_article_in_columns_at_80() {
    let sandbox = Sandbox::new();
    let mock = mock(&[]);
    let text = render(
        &sandbox,
        &mock.base_url(),
        "de-rutte-nato.txt",
        80,
        "columns",
    );
    insta::assert_snapshot!(text);
}
