//! The ports: what the core needs from the outside world, as narrow async traits, one file
//! each.
//!
//! Adapters implement them (`fs-jwalk`, `probe-native`, `probe-ffprobe`, `repo-seaorm`). Tests
//! use the mockall mocks (`MockFileSource`, `MockMediaProbe` …; other crates get them with the
//! `mocks` feature) or, for the repositories, the in-memory implementations of
//! `scanner_core::testing` (feature `testing`), which pass the same contract suite as the SQL adapter. Each method
//! documents the rules an adapter MUST follow.

mod file_source;
mod file_watcher;
mod media_edits;
mod media_probe;
mod media_queries;
mod media_repository;
mod repo_error;
mod scan_repository;

pub use file_source::*;
pub use file_watcher::*;
pub use media_edits::*;
pub use media_probe::*;
pub use media_queries::*;
pub use media_repository::*;
pub use repo_error::*;
pub use scan_repository::*;
