//! Keeping libraries current: watchers turn file-system changes (or polls) into subtree scans
//! of the folders that changed, once their files have settled.
//!
//! [`plan::Pending`] decides which folders to scan and when (pure); [`service`] runs one
//! library's watcher over the [`crate::ports::FileWatcher`] port and the [`crate::Scanner`].

pub mod health;
mod lease;
pub mod names;
pub mod plan;
pub mod schedule;
pub mod service;

pub use health::{WatchHealth, WatchMode, WatchState, WatchingMode};
pub use lease::watch_lease_key;
pub use names::is_partial_download;
pub use schedule::Schedule;
pub use service::{WatchHandle, WatchSettings, WatchedLibrary, spawn};

#[cfg(test)]
mod tests;
