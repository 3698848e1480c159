//! Sanitize: untrusted text → text that is safe to put on a terminal.
//!
//! Article text and provider replies come from strangers. Written raw to a terminal, an escape
//! sequence could recolour the screen, retitle the window, plant a hyperlink or move the cursor,
//! and a bidirectional override could make text read differently from what it is ("Trojan
//! Source"). This module owns the one function that makes such text inert by replacing each
//! dangerous character with a visible stand-in, so nothing is silently dropped. It knows nothing
//! about layout or colour; the text renderers call it before wrapping. JSON output does not use
//! it: serde escapes control characters itself.

use std::borrow::Cow;

/// Stand-in for C1 controls and bidirectional formatting characters: U+FFFD REPLACEMENT
/// CHARACTER.
const REPLACEMENT: char = '\u{FFFD}';

/// Returns `text` with every character that could control a terminal replaced by a visible,
/// single-column stand-in.
///
/// - C0 controls U+0000–U+001F (ESC, BEL, backspace, CR, LF, tab, …) become the matching
///   Unicode Control Picture (U+2400 + code, so ESC shows as `␛` and LF as `␊`);
/// - DEL U+007F becomes `␡` (U+2421);
/// - C1 controls U+0080–U+009F (8-bit CSI and OSC among them) become U+FFFD;
/// - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) become
///   U+FFFD.
///
/// The result never contains a control character, so it is also a single line. Text that needs
/// no change is returned borrowed, without allocating.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(stand_in).collect())
}

/// Whether `ch` must not reach a terminal as it is.
fn is_unsafe(ch: char) -> bool {
    ch.is_control() || is_bidi_control(ch)
}

/// Bidirectional embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI,
/// FSI, PDI): the characters that can reorder how surrounding text is displayed.
fn is_bidi_control(ch: char) -> bool {
    matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The visible stand-in for `ch`, or `ch` itself when it is harmless.
fn stand_in(ch: char) -> char {
    match ch {
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + u32::from(ch)).unwrap_or(REPLACEMENT),
        '\u{7F}' => '\u{2421}',
        '\u{80}'..='\u{9F}' => REPLACEMENT,
        _ if is_bidi_control(ch) => REPLACEMENT,
        _ => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_ordinary_text_borrowed() {
        let text = "Rutte äußerte sich – 北约秘书长吕特表示 🇺🇦🕊️";
        assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn shows_c0_controls_as_control_pictures() {
        assert_eq!(for_terminal("a\tb\r\nc\x07\x08\0"), "a␉b␍␊c␇␈␀");
    }

    #[test]
    fn shows_delete_as_its_control_picture() {
        assert_eq!(for_terminal("x\x7Fy"), "x␡y");
    }

    #[test]
    fn replaces_c1_controls() {
        assert_eq!(
            for_terminal("a\u{9B}31mb\u{9D}c\u{80}"),
            "a\u{FFFD}31mb\u{FFFD}c\u{FFFD}"
        );
    }

    #[test]
    fn replaces_bidi_overrides_and_isolates() {
        let text = "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}";
        assert_eq!(for_terminal(text), "\u{FFFD}".repeat(9));
    }

    #[test]
    fn defuses_ansi_colour_sequences() {
        let clean = for_terminal("\x1b[31mred\x1b[0m");
        assert!(!clean.contains('\x1b'), "{clean:?}");
        assert_eq!(clean, "␛[31mred␛[0m");
    }

    #[test]
    fn defuses_osc8_hyperlinks() {
        let link = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x07";
        let clean = for_terminal(link);
        assert!(
            !clean.contains('\x1b') && !clean.contains('\x07'),
            "{clean:?}"
        );
        assert!(clean.contains("click"));
    }

    #[test]
    fn output_never_contains_a_control_character() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let clean = for_terminal(&all);
        assert!(!clean.chars().any(is_unsafe));
        assert_eq!(clean.chars().count(), all.chars().count());
    }
}
