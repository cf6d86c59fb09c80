//! Workflows that span entities. Each is one multi-record store write: it changes
//! every record it touches, or none.

// Workflows return the store's errors, which carry what a message needs (see store).
#![allow(clippy::result_large_err)]

pub mod alerts;
pub mod convert;
pub mod lead;
pub mod quote;
pub mod rules;
