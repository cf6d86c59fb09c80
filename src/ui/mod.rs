//! The full-screen interface: a tab per mask, each with a table and a form, a
//! command palette, context help, all keys from the keymap.

pub mod action;
pub mod app;
pub mod board;
pub mod charts;
pub mod component;
pub mod config;
pub mod confirm;
pub mod exchange;
pub mod find;
pub mod form;
pub mod help;
pub mod home;
pub mod inbox;
pub mod job;
pub mod keymap;
pub mod keys;
pub mod masks;
pub mod messages;
pub mod multipick;
pub mod palette;
pub mod picker;
pub mod table;
pub mod terminal;
