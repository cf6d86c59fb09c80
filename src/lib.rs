//! termcrm: a keyboard-driven CRM for the terminal.
pub mod model;
pub mod util;
