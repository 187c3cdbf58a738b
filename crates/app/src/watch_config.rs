//! A library's watch settings in the configuration: `watch`, `poll_interval_secs`,
//! `settle_secs` and `scan_on_start`, under `[scanner]` as defaults and per library.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use scanner_core::watch::{Schedule, WatchMode};

use crate::bounds;

/// How a library is kept current; under `[scanner]` the defaults, under a library its own.
#[derive(Debug, Clone, Default)]
pub(crate) struct WatchSection {
    pub watch: Option<WatchMode>,
    pub poll_interval_secs: Option<u64>,
    pub settle_secs: Option<u64>,
    pub scan_on_start: Option<bool>,
    pub schedule: Option<String>,
    pub interval_hours: Option<u64>,
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
            schedule: match (&self.schedule, self.interval_hours) {
                (None, None) => defaults.schedule.clone(),
                (schedule, _) => schedule.clone(),
            }
            .map(|s| daily_time(&s).map(|_| s).map_err(at))
            .transpose()?,
            interval_hours: match (&self.schedule, self.interval_hours) {
                (None, None) => defaults.interval_hours,
                (_, hours) => hours,
            }
            .map(|h| bounds::INTERVAL_HOURS.check(h).map_err(at))
            .transpose()?,
        })
        .and_then(|watch| match (&watch.schedule, watch.interval_hours) {
            (Some(_), Some(_)) => {
                Err(anyhow::anyhow!("libraries.{name}: set schedule or interval_hours, not both"))
            }
            _ => Ok(watch),
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
    /// Full scans every day at a local time (`daily 03:00`), jittered by up to 15 minutes.
    pub schedule: Option<String>,
    /// Full scans every this many hours, jittered by up to a tenth (at most 15 minutes).
    pub interval_hours: Option<u64>,
}

impl LibraryWatch {
    /// The schedule for the core: a daily local time, turned into UTC with the system time
    /// zone's offset at each run (so it follows daylight saving changes).
    pub fn full_scans(&self) -> Option<Schedule> {
        if let Some(hours) = self.interval_hours {
            return Some(Schedule::Every(std::time::Duration::from_secs(hours * 3600)));
        }
        let local_secs = daily_time(self.schedule.as_deref()?).ok()?;
        Some(Schedule::DailyAt { local_secs, offset_at: local_offset_at })
    }
}

/// The system time zone's UTC offset at `at`.
fn local_offset_at(at: chrono::DateTime<chrono::Utc>) -> i32 {
    at.with_timezone(&chrono::Local).offset().local_minus_utc()
}

/// Seconds after midnight of `daily HH:MM`; the message completes "schedule …".
pub fn daily_time(text: &str) -> Result<u32, String> {
    let bad = || format!("schedule must be \"daily HH:MM\" (24-hour local time), not {text:?}");
    let time = text.trim().strip_prefix("daily ").ok_or_else(bad)?.trim();
    let (hours, minutes) = time.split_once(':').ok_or_else(bad)?;
    let (hours, minutes): (u32, u32) =
        (hours.parse().map_err(|_| bad())?, minutes.parse().map_err(|_| bad())?);
    if hours > 23 || minutes > 59 || time.len() > 5 {
        return Err(bad());
    }
    Ok(hours * 3600 + minutes * 60)
}

/// `[hooks]`: how paths in download managers' webhooks map onto this machine's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HooksSection {
    /// Pairs `[from, to]`: a path starting with `from` (as the download manager, often in a
    /// container, sees it) starts with `to` here. The longest matching `from` wins.
    #[serde(default)]
    pub path_map: Vec<(PathBuf, PathBuf)>,
}

/// The most pairs `path_map` may hold.
const MAX_PATH_MAP: usize = 256;

impl HooksSection {
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        if self.path_map.len() > MAX_PATH_MAP {
            anyhow::bail!("hooks.path_map has more than {MAX_PATH_MAP} pairs");
        }
        for (from, to) in &self.path_map {
            if !clean_absolute(from) || !clean_absolute(to) {
                anyhow::bail!(
                    "hooks.path_map: {} → {}: both must be absolute paths without `..`",
                    from.display(),
                    to.display()
                );
            }
        }
        Ok(())
    }

    /// `path` rewritten by the longest matching pair (unchanged when none matches).
    pub fn map(&self, path: &Path) -> PathBuf {
        let best = self
            .path_map
            .iter()
            .filter(|(from, _)| path.starts_with(from))
            .max_by_key(|(from, _)| from.components().count());
        match best {
            Some((from, to)) => to.join(path.strip_prefix(from).unwrap_or(path)),
            None => path.to_path_buf(),
        }
    }
}

/// Absolute, and no `..` (which could climb out of a library after a prefix check).
pub fn clean_absolute(path: &Path) -> bool {
    path.is_absolute() && !path.components().any(|c| matches!(c, Component::ParentDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_maps_a_path() {
        let hooks = HooksSection {
            path_map: vec![("/tv".into(), "/srv/media/TV".into()), ("/tv/anime".into(), "/srv/anime".into())],
        };
        assert_eq!(hooks.map(Path::new("/tv/Show/S01/e.mkv")), Path::new("/srv/media/TV/Show/S01/e.mkv"));
        assert_eq!(hooks.map(Path::new("/tv/anime/X/e.mkv")), Path::new("/srv/anime/X/e.mkv"));
        assert_eq!(
            hooks.map(Path::new("/tvshows/e.mkv")),
            Path::new("/tvshows/e.mkv"),
            "a name prefix is not a folder"
        );
        assert!(hooks.check().is_ok());
        let bad = HooksSection { path_map: vec![("tv".into(), "/srv".into())] };
        assert!(bad.check().is_err());
        assert!(!clean_absolute(Path::new("/srv/media/../etc")));
    }

    #[test]
    fn daily_schedules_are_read_strictly() {
        assert_eq!(daily_time("daily 03:00"), Ok(3 * 3600));
        assert_eq!(daily_time("daily 23:59"), Ok(23 * 3600 + 59 * 60));
        for bad in ["daily 24:00", "daily 3", "weekly 03:00", "daily 03:00:00", "daily -1:00", ""] {
            assert!(daily_time(bad).is_err(), "{bad}");
        }
        let watch = |schedule: Option<&str>, hours| LibraryWatch {
            watch: WatchMode::Auto,
            poll_interval_secs: 300,
            settle_secs: 10,
            scan_on_start: false,
            schedule: schedule.map(str::to_owned),
            interval_hours: hours,
        };
        assert!(matches!(
            watch(None, Some(6)).full_scans(),
            Some(Schedule::Every(d)) if d == std::time::Duration::from_secs(6 * 3600)
        ));
        assert!(matches!(watch(Some("daily 03:00"), None).full_scans(), Some(Schedule::DailyAt { .. })));
        assert!(watch(None, None).full_scans().is_none());
    }
}
