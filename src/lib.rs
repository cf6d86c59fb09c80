//! termcrm: a keyboard-driven CRM for the terminal.
//!
//! Layers, top to bottom: `cli` (and later `ui`), `store`, `model`. A lower layer
//! never imports a higher one; everything above `store` reaches data through it.
pub mod cli;
pub mod demo;
pub mod model;
pub mod ops;
pub mod query;
pub mod store;
pub mod ui;
pub mod util;
