//! Small helpers shared by every layer.
pub mod fold;
pub mod peer;
pub mod statics;
pub mod suggest;
