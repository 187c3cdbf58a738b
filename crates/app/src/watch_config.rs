//! A library's watch settings in the configuration: `watch`, `poll_interval_secs`,
//! `settle_secs` and `scan_on_start`, under `[scanner]` as defaults and per library.

use serde::Serialize;

use scanner_core::watch::WatchMode;

use crate::bounds;

/// How a library is kept current; under `[scanner]` the defaults, under a library its own.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WatchSection {
    pub watch: Option<WatchMode>,
    pub poll_interval_secs: Option<u64>,
    pub settle_secs: Option<u64>,
    pub scan_on_start: Option<bool>,
}

impl WatchSection {
    /// These settings, falling back to `defaults`, checked against their bounds.
    pub(crate) fn resolve(&self, defaults: &WatchSection, name: &str) -> anyhow::Result<LibraryWatch> {
        let at = |e: String| anyhow::anyhow!("libraries.{name}.{e}");
        let poll = self.poll_interval_secs.or(defaults.poll_interval_secs).unwrap_or(300);
        let settle = self.settle_secs.or(defaults.settle_secs).unwrap_or(10);
        Ok(LibraryWatch {
            watch: self.watch.or(defaults.watch).unwrap_or_default(),
            poll_interval_secs: bounds::POLL_INTERVAL.check(poll).map_err(at)?,
            settle_secs: bounds::SETTLE.check(settle).map_err(at)?,
            scan_on_start: self.scan_on_start.or(defaults.scan_on_start).unwrap_or(false),
        })
    }
}

/// A library's watch settings, resolved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LibraryWatch {
    /// As configured: `auto`, `events`, `poll` or `off` (`watch` in the configuration).
    #[serde(rename = "watch_mode")]
    pub watch: WatchMode,
    pub poll_interval_secs: u64,
    pub settle_secs: u64,
    pub scan_on_start: bool,
}

