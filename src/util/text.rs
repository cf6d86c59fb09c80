//! Record text on a terminal: the one rule for what may reach it raw, and how
//! much of a user's input an error message quotes.

/// What a character that must not reach the terminal raw is shown as.
pub const PLACEHOLDER: char = '·';

/// At most this many characters of a value are quoted in a message.
pub const EXCERPT_CHARS: usize = 60;

/// Whether `c` would act on a terminal instead of being shown: the C0 controls
/// (tab and line ends too), DEL, the C1 controls (U+0080–U+009F) and the
/// bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F,
/// U+061C, U+202A–U+202E, U+2066–U+2069), which reorder what follows them.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text for one line of a terminal: every character `is_unsafe` names (escape
/// sequences, line ends, tabs, bidirectional overrides) shown as `·`, never
/// passed on raw. Everything printed in a table, a message or a screen goes
/// through here.
pub fn safe_text(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if is_unsafe(c) { PLACEHOLDER } else { c })
        .collect()
}

/// `safe_text` that keeps line ends (for text that is shown over several
/// lines, each of them then safe).
pub fn safe_lines(text: &str) -> String {
    text.split('\n')
        .map(|l| safe_text(l.strip_suffix('\r').unwrap_or(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text made for a single-line field: line breaks (`\r\n` as one) and tabs as
/// spaces, other C0 control characters left out — none of them is stored there.
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", " ")
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c < ' ' => None,
            c => Some(c),
        })
        .collect()
}

/// A short, safe excerpt of a value a message quotes: at most `EXCERPT_CHARS`
/// characters, then `…` (with how long the whole is), every unsafe character
/// shown as `·`.
pub fn excerpt(text: &str) -> String {
    excerpt_to(text, EXCERPT_CHARS)
}

/// `excerpt` of at most `max` characters, for a value that is short when it
/// makes sense (a key, a name).
pub fn excerpt_to(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return safe_text(text);
    }
    let head: String = text.chars().take(max).collect();
    format!("{}… ({n} characters)", safe_text(&head))
}

/// A message built around quoted input (`'…'`): each quoted piece longer than
/// an excerpt cut to one, and the whole safe for a terminal.
/// Input with quotes of its own can pair them otherwise: then every long piece is
/// cut, and past `MAX_MESSAGE_CHARS` the message itself.
pub fn short_quotes(message: &str) -> String {
    let cut = |all: bool| {
        message
            .split('\'')
            .enumerate()
            .map(|(i, piece)| {
                if (all || i % 2 == 1) && piece.chars().count() > EXCERPT_CHARS {
                    excerpt(piece)
                } else {
                    safe_text(piece)
                }
            })
            .collect::<Vec<_>>()
            .join("'")
    };
    let short = cut(false);
    if short.chars().count() <= MAX_MESSAGE_CHARS {
        return short;
    }
    let shorter = cut(true);
    match shorter.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &shorter[..at]),
        None => shorter,
    }
}

/// The longest message `short_quotes` gives (in characters, before its `…`).
pub const MAX_MESSAGE_CHARS: usize = 240;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_escape_and_bidi_override_becomes_visible() {
        let mut nasty: String = (0u8..0x20).map(char::from).collect();
        nasty.push_str("\u{7f}\u{80}\u{9b}\u{9f}\u{200e}\u{200f}\u{061c}");
        nasty.extend('\u{202a}'..='\u{202e}');
        nasty.extend('\u{2066}'..='\u{2069}');
        let shown = safe_text(&nasty);
        assert_eq!(shown.chars().count(), nasty.chars().count());
        assert!(shown.chars().all(|c| c == PLACEHOLDER), "{shown:?}");
        assert_eq!(safe_text("a\u{1b}]0;title\u{7}b"), "a·]0;title·b");
        assert_eq!(safe_text("Müller · GmbH ✓ 東京"), "Müller · GmbH ✓ 東京");
        assert_eq!(safe_lines("a\r\nb\u{1b}[2J\nc"), "a\nb·[2J\nc");
    }

    #[test]
    fn one_line_text_has_spaces_for_breaks_and_tabs_and_no_other_control() {
        assert_eq!(one_line("a\r\nb\nc\td\u{1b}[2Je\0"), "a b c d[2Je");
        assert_eq!(one_line("Müller\u{202e}"), "Müller\u{202e}");
    }

    #[test]
    fn an_excerpt_is_short_and_safe() {
        assert_eq!(excerpt("ACME"), "ACME");
        assert_eq!(excerpt("a\u{202e}b"), "a·b");
        let long = "x\u{1b}".repeat(50_000);
        let e = excerpt(&long);
        assert!(e.starts_with(&"x·".repeat(30)), "{e}");
        assert!(e.ends_with("… (100000 characters)"), "{e}");
        assert!(!e.contains('\u{1b}'));
        assert!(e.chars().count() < EXCERPT_CHARS + 25);
        let exact = "y".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact), exact);
        assert_eq!(excerpt_to("ctrl-alt-x", 4), "ctrl… (10 characters)");
    }

    #[test]
    fn quoted_input_in_a_message_is_cut_short_and_shown_safe() {
        let long = "z".repeat(5000);
        let m = short_quotes(&format!("'{long}' is not a schedule: write 'daily'"));
        assert!(m.starts_with(&format!(
            "'{}… (5000 characters)'",
            "z".repeat(EXCERPT_CHARS)
        )));
        assert!(m.ends_with(" is not a schedule: write 'daily'"), "{m}");
        assert_eq!(short_quotes("'a\u{1b}[2J' and b\u{202e}"), "'a·[2J' and b·");
    }
}

/// The longest start of `text` that takes at most `width` terminal columns.
pub fn take_width(text: &str, width: usize) -> &str {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            return &text[..i];
        }
        used += w;
    }
    text
}

/// `text` in at most `width` columns, a `…` marking a cut.
pub fn fit_width(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text.to_string();
    }
    match width {
        0 => String::new(),
        _ => format!("{}…", take_width(text, width - 1)),
    }
}

#[cfg(test)]
mod width_tests {
    use super::*;

    #[test]
    fn cuts_count_columns_not_bytes() {
        assert_eq!(take_width("Grüße", 3), "Grü");
        assert_eq!(take_width("日本語", 3), "日");
        assert_eq!(fit_width("Grüße", 5), "Grüße");
        assert_eq!(fit_width("Grüße", 4), "Grü…");
        assert_eq!(fit_width("abc", 0), "");
        assert_eq!(fit_width("abc", 1), "…");
    }
}
