//! What a mediascan process is configured with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use probe_ffprobe::FfprobeConfig;
use scanner_core::ScannerConfig;
use serde::Deserialize;

use crate::bounds;
use crate::config::{Config, Library};
use crate::node;

/// Which probe reads files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProbeMode {
    /// Container headers read in-process; ffprobe for every file the native probe is unsure of.
    #[default]
    Auto,
    /// ffprobe for every file.
    Ffprobe,
    /// Only the native probe: works without FFmpeg; files it cannot read are recorded as failed.
    Native,
}

/// Everything [`crate::Mediascan::open`] needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite:///path/catalog.db` or `postgres://user@host/db`.
    pub database_url: String,
    pub ffprobe: FfprobeConfig,
    /// Which probe reads files.
    pub probe: ProbeMode,
    /// Bytes of a file the native probe reads at most.
    pub native_max_bytes: u64,
    pub scanner: ScannerConfig,
    /// The configured libraries, by name.
    pub libraries: BTreeMap<String, Library>,
    /// How webhook paths map onto this machine's.
    pub hooks: crate::watch_config::HooksSection,
    /// Every client profile, built-in and configured.
    pub profiles: scanner_core::Profiles,
}

impl Settings {
    /// Default settings with the catalog at `database_url`.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            ffprobe: FfprobeConfig::default(),
            probe: ProbeMode::default(),
            native_max_bytes: probe_native::NativeProbe::default().max_bytes,
            scanner: ScannerConfig {
                holder: node::holder(None),
                probe_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
                ..ScannerConfig::default()
            },
            libraries: BTreeMap::new(),
            hooks: crate::watch_config::HooksSection::default(),
            profiles: scanner_core::Profiles::default(),
        }
    }

    /// Settings from a configuration file; `database` (from `--db` or `MEDIASCAN_DATABASE_URL`)
    /// wins over the file's, and the default catalog file is used when neither says.
    pub fn from_config(config: &Config, database: Option<&str>) -> anyhow::Result<Self> {
        let url = match database.or(config.file.database.as_deref()) {
            Some(arg) => database_url(arg),
            None => {
                let path = default_database_path().ok_or_else(|| {
                    anyhow::anyhow!("cannot find a home directory for the default catalog; pass --db")
                })?;
                sqlite_url(&path)
            }
        };
        let mut settings = Self::with_database(url);
        let scanner = &config.file.scanner;
        settings.scanner.holder = node::holder(config.file.node.as_deref());
        // The configuration checked these already; a caller building a `Config` by hand is
        // checked here again, so that nothing out of range becomes a duration or a count.
        let msg = anyhow::Error::msg;
        if let Some(n) = scanner.concurrency {
            settings.scanner.probe_concurrency = bounds::CONCURRENCY.check(n as u64).map_err(msg)? as usize;
        }
        if let Some(n) = scanner.max_concurrent_scans {
            settings.scanner.max_concurrent_scans =
                bounds::MAX_CONCURRENT_SCANS.check(n as u64).map_err(msg)? as usize;
        }
        if let Some(secs) = scanner.retention_secs {
            settings.scanner.retention = bounds::RETENTION.duration(secs).map_err(msg)?;
        }
        if let Some(secs) = scanner.lease_ttl_secs {
            settings.scanner.lease_ttl = bounds::LEASE_TTL.duration(secs).map_err(msg)?;
        }
        // A dead node's scans are found by their expired leases: look about as often as a
        // lease lasts.
        settings.scanner.cleanup_interval = settings.scanner.lease_ttl.min(Duration::from_secs(60));
        if let Some(secs) = scanner.db_retry_secs {
            settings.scanner.db_retry = bounds::DB_RETRY.duration(secs).map_err(msg)?;
        }
        if let Some(program) = &scanner.ffprobe {
            settings.ffprobe.program = program.clone();
        }
        if let Some(secs) = scanner.probe_timeout_secs {
            settings.ffprobe.timeout = bounds::PROBE_TIMEOUT.duration(secs).map_err(msg)?;
        }
        if let Some(mode) = scanner.probe {
            settings.probe = mode;
        }
        if let Some(bytes) = scanner.native_max_bytes {
            settings.native_max_bytes = bounds::NATIVE_MAX_BYTES.check(bytes).map_err(msg)?;
        }
        settings.libraries = config.libraries.clone();
        settings.hooks = config.file.hooks.clone();
        settings.profiles = config.profiles.clone();
        Ok(settings)
    }

    /// The database URL without its password, for messages and logs.
    pub fn database_url_for_display(&self) -> String {
        redact(&self.database_url)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Where the catalog lives when no database is given: `$XDG_DATA_HOME/mediascan/catalog.db`
/// (usually `~/.local/share/mediascan/catalog.db`) on Linux,
/// `~/Library/Application Support/mediascan/catalog.db` on macOS.
pub fn default_database_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mediascan").map(|dirs| dirs.data_dir().join("catalog.db"))
}

/// Turns a `--db` argument into a URL: URLs pass through, anything else is a SQLite file path.
pub fn database_url(arg: &str) -> String {
    if arg.contains("://") || arg.starts_with("sqlite:") {
        return arg.to_owned();
    }
    sqlite_url(Path::new(arg))
}

/// The URL of a SQLite file, made absolute.
pub fn sqlite_url(path: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    format!("sqlite://{}", absolute.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite:///x/y.db"), "sqlite:///x/y.db");
    }

    #[test]
    fn plain_paths_become_sqlite_urls() {
        assert_eq!(database_url("/tmp/c.db"), "sqlite:///tmp/c.db");
        assert_eq!(database_url("postgres://h/db"), "postgres://h/db");
        assert_eq!(database_url("sqlite::memory:"), "sqlite::memory:");
        assert!(database_url("rel.db").starts_with("sqlite:///"));
    }
}
