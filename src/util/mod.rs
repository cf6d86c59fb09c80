//! Small helpers shared by every layer.
pub mod fold;
pub mod peer;
pub mod statics;
pub mod suggest;

/// Text for one line of a terminal: control characters (escape sequences, line
/// ends) shown as `·`, never passed on raw.
pub fn safe_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '·' } else { c })
        .collect()
}
