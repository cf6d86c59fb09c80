//! Small helpers shared by every layer.
pub mod fold;
pub mod peer;
pub mod statics;
pub mod suggest;
pub mod text;

pub use text::{excerpt, excerpt_to, is_unsafe, one_line, safe_lines, safe_text, short_quotes};
