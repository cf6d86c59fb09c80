//! termcrm: a keyboard-driven CRM for the terminal.
//!
//! Layers, top to bottom: `cli` and `ui` (the front ends), `server`, `api` (the
//! application interface, the front ends' only way to the data), `ops` and `query`
//! (workflows), `store` (sled), `model` (the entities) and `report` (report data
//! and the one aggregation, pure, beside `model`). A lower layer never imports
//! a higher one.
pub mod api;
pub mod cli;
pub mod demo;
pub mod io;
pub mod model;
pub mod ops;
pub mod query;
pub mod report;
pub mod server;
pub mod store;
pub mod ui;
pub mod util;
