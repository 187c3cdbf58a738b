//! What a library's watcher reports about itself: never silent when it cannot do its job.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a library is kept current, as configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WatchMode {
    /// File-system events where they work; polling on network file systems and when events
    /// fail.
    #[default]
    Auto,
    /// File-system events (falling back to polling, with a warning, when they fail).
    Events,
    /// A rescan of the whole library every `poll_interval_secs`.
    Poll,
    /// Not watched.
    Off,
}

/// How a library is being watched right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WatchingMode {
    Events,
    Poll,
    Off,
}

impl WatchingMode {
    /// The name the API and the CLI use (`events`, `poll`, `off`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Poll => "poll",
            Self::Off => "off",
        }
    }
}

/// Whether the watcher does its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WatchState {
    /// Working as configured.
    Ok,
    /// Working, but worse than configured (events failed: polling instead); `warning` says why.
    Degraded,
    /// Not working for now (the library's folder is missing: unmounted?); nothing is marked
    /// missing meanwhile, and watching resumes when the folder is back.
    Paused,
    /// Another node watches the library (it holds the watch lease in the shared catalog);
    /// this one serves webhooks and takes over within `lease_ttl_secs` if that node stops.
    Standby,
}

impl WatchState {
    /// The name the API and the CLI use (`ok`, `degraded`, `paused`, `standby`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Degraded => "degraded",
            Self::Paused => "paused",
            Self::Standby => "standby",
        }
    }
}

/// A library watcher's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchHealth {
    pub mode: WatchingMode,
    pub state: WatchState,
    /// Kernel watches held (one per folder with inotify), when known.
    pub watches: Option<u64>,
    /// The most watches this user may hold (`fs.inotify.max_user_watches`), when known.
    pub watch_limit: Option<u64>,
    /// When the last change under the library was noticed.
    pub last_event_at: Option<DateTime<Utc>>,
    /// Why the watcher is degraded or paused, in words to act on.
    pub warning: Option<String>,
    /// When the watcher will next scan (a settled change, the next poll or scheduled scan).
    pub next_scan_at: Option<DateTime<Utc>>,
    /// The node that watches (`host:pid`), when one does.
    #[serde(default)]
    pub node: Option<String>,
}

impl WatchHealth {
    /// The health of a library that is not watched.
    pub fn off() -> Self {
        Self {
            mode: WatchingMode::Off,
            state: WatchState::Ok,
            watches: None,
            watch_limit: None,
            last_event_at: None,
            warning: None,
            next_scan_at: None,
            node: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialized_ones() {
        for mode in [WatchingMode::Events, WatchingMode::Poll, WatchingMode::Off] {
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
        for state in [WatchState::Ok, WatchState::Degraded, WatchState::Paused, WatchState::Standby] {
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
    }
}
