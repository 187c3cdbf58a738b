//! Paths as database text: the core's path keys (see `scanner_core::path_key`).

pub use scanner_core::path_key::{decode, encode, parent};
