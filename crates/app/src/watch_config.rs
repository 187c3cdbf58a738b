//! A library's watch settings in the configuration: `watch`, `poll_interval_secs`,
//! `settle_secs` and `scan_on_start`, under `[scanner]` as defaults and per library.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

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
}
