//! The configuration file: libraries, compatibility profiles, scanner and server settings.
//!
//! TOML, found at `--config`, else `$MEDIASCAN_CONFIG`, else the platform's config directory
//! (`~/.config/mediascan/config.toml` on Linux). Every setting is optional: without a file,
//! `mediascan scan <DIR>` works with defaults. See `docs/configuration.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use scanner_core::ports::{VideoExtensions, WalkOptions};
use scanner_core::watch::WatchMode;

pub use crate::watch_config::LibraryWatch;
use crate::watch_config::WatchSection;
use scanner_core::{Profiles, ScanOptions};

use crate::bounds;
use crate::profiles::ProfileSection;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Catalog database URL or SQLite file path.
    pub database: Option<String>,
    /// This node's name in scan records and leases (default: the host name).
    pub node: Option<String>,
    #[serde(default)]
    pub scanner: ScannerSection,
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub libraries: BTreeMap<String, LibrarySection>,
    /// Client profiles beside the built-in ones (`browser`, `chrome`, `firefox`, `safari`,
    /// `hls`, `tv`).
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileSection>,
    #[serde(default)]
    pub hooks: crate::watch_config::HooksSection,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerSection {
    /// Files probed at once (default: the number of CPUs).
    pub concurrency: Option<usize>,
    /// Scans of different libraries this node runs at once (default 1).
    pub max_concurrent_scans: Option<usize>,
    pub ffprobe: Option<PathBuf>,
    pub probe_timeout_secs: Option<f64>,
    /// `auto` (default), `ffprobe` or `native`.
    pub probe: Option<crate::settings::ProbeMode>,
    /// Bytes of a file the native probe reads at most (default 4 MiB).
    pub native_max_bytes: Option<u64>,
    /// How long finished scans stay in memory (default 3600).
    pub retention_secs: Option<u64>,
    /// How long a scan's lease lasts unless renewed (default 30).
    pub lease_ttl_secs: Option<u64>,
    /// How long a scan keeps retrying while the database is unavailable before it fails
    /// (default 60).
    pub db_retry_secs: Option<u64>,
    // Defaults of the libraries' watch settings.
    /// `auto` (events, or polling on network file systems), `events`, `poll` or `off`.
    pub watch: Option<WatchMode>,
    /// Seconds between polls of a polled library (default 300).
    pub poll_interval_secs: Option<u64>,
    /// Seconds a file must stay unchanged before a watcher's scan probes it (default 10).
    pub settle_secs: Option<u64>,
    /// Scan the whole library when watching starts (default false).
    pub scan_on_start: Option<bool>,
    /// A full scan every day at a local time: `"daily 03:00"`.
    pub schedule: Option<String>,
    /// A full scan every this many hours (1–8760); not with `schedule`.
    pub interval_hours: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Address `mediascan serve` listens on: `host:port`, a name or an IP address (default
    /// 127.0.0.1:8080).
    pub listen: Option<String>,
    /// Bearer token every API request must carry.
    pub token: Option<String>,
    /// Serve on a non-loopback address without a token (default false).
    #[serde(default)]
    pub allow_unauthenticated_remote: bool,
    /// Host names (with or without a port) requests may be addressed to besides loopback
    /// names, when the server has no token: the names a reverse proxy forwards.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Seconds a client may take to send a request's headers (default 10).
    pub header_read_timeout_secs: Option<u64>,
    /// Seconds a connection may stay open with nothing read or written (default 300).
    pub idle_timeout_secs: Option<u64>,
    /// Connections served at once; more wait to be accepted (default 512).
    pub max_connections: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibrarySection {
    pub root: PathBuf,
    /// File extensions scanned (default: mp4, mkv, avi, mov).
    pub extensions: Option<Vec<String>>,
    /// The client profile `compatibility` follows (default `browser`).
    pub profile: Option<String>,
    #[serde(default)]
    pub follow_symlinks: bool,
    /// Skip hidden files and folders and NAS/OS system folders (default true).
    #[serde(default = "yes")]
    pub skip_hidden: bool,
    /// Gitignore-style patterns, relative to the root, of paths not to scan.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Delete the rows of missing files after each completed scan (default false: keep them,
    /// marked `missing`).
    #[serde(default)]
    pub prune_missing: bool,
    /// Probe again files whose probe failed, even if unchanged (default false).
    #[serde(default)]
    pub retry_failed: bool,
    /// The largest share of the library one scan may mark missing (default 0.5).
    pub max_missing_share: Option<f64>,
    /// `auto` (events, or polling on network file systems), `events`, `poll` or `off`.
    pub watch: Option<WatchMode>,
    /// Seconds between polls of a polled library (default 300).
    pub poll_interval_secs: Option<u64>,
    /// Seconds a file must stay unchanged before a watcher's scan probes it (default 10).
    pub settle_secs: Option<u64>,
    /// Scan the whole library when watching starts (default false).
    pub scan_on_start: Option<bool>,
    /// A full scan every day at a local time: `"daily 03:00"`.
    pub schedule: Option<String>,
    /// A full scan every this many hours (1–8760); not with `schedule`.
    pub interval_hours: Option<u64>,
}

/// The watch settings of a `[scanner]` or library section (the same four keys in both).
macro_rules! watch_of {
    ($section:expr) => {
        WatchSection {
            watch: $section.watch,
            poll_interval_secs: $section.poll_interval_secs,
            settle_secs: $section.settle_secs,
            scan_on_start: $section.scan_on_start,
            schedule: $section.schedule.clone(),
            interval_hours: $section.interval_hours,
        }
    };
}

fn yes() -> bool {
    true
}

/// A configured library, ready to scan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Library {
    pub name: String,
    #[schema(value_type = String)]
    pub root: PathBuf,
    pub extensions: Vec<String>,
    pub profile: String,
    pub follow_symlinks: bool,
    pub skip_hidden: bool,
    pub ignore: Vec<String>,
    pub prune_missing: bool,
    pub retry_failed: bool,
    pub max_missing_share: f64,
    #[serde(flatten)]
    pub watching: LibraryWatch,
    /// Every profile, with `compatibility` following this library's.
    #[serde(skip)]
    #[schema(ignore)]
    pub profiles: Profiles,
}

impl Library {
    pub fn scan_options(&self) -> ScanOptions {
        ScanOptions {
            walk: WalkOptions {
                extensions: VideoExtensions::new(&self.extensions),
                follow_symlinks: self.follow_symlinks,
                skip_hidden: self.skip_hidden,
                ignore: self.ignore.clone(),
            },
            profiles: self.profiles.clone(),
            force: false,
            retry_failed: self.retry_failed,
            prune: self.prune_missing,
            max_missing_share: self.max_missing_share,
            settle: None,
        }
    }

    /// What a watcher of this library needs.
    pub fn watched(&self) -> scanner_core::watch::WatchedLibrary {
        scanner_core::watch::WatchedLibrary {
            name: self.name.clone(),
            root: self.root.clone(),
            options: self.scan_options(),
            settings: scanner_core::watch::WatchSettings {
                mode: self.watching.watch,
                poll_interval: std::time::Duration::from_secs(self.watching.poll_interval_secs),
                settle: std::time::Duration::from_secs(self.watching.settle_secs),
                scan_on_start: self.watching.scan_on_start,
                schedule: self.watching.full_scans(),
            },
        }
    }
}

/// The loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it came from (`None` when no file was found).
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
    pub libraries: BTreeMap<String, Library>,
    /// Every client profile, built-in and configured.
    pub profiles: Profiles,
}

/// `~/.config/mediascan/config.toml` on Linux, the platform's equivalent elsewhere.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mediascan").map(|d| d.config_dir().join("config.toml"))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A bearer token must be something to type: not empty, not only spaces, no control characters
/// (which no HTTP header carries). The message completes "… token".
pub fn check_token(token: &str) -> Result<(), String> {
    if token.trim().is_empty() {
        return Err("is empty: set a token, or leave it out to serve without one".into());
    }
    if token.trim() != token {
        return Err("starts or ends with spaces".into());
    }
    if token.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(())
}

/// ` (key scanner.x, line 3, column 7)` for a byte offset into configuration text: the key
/// whose line holds the offset, under the last `[table]` header before it.
fn where_in(text: &str, offset: usize) -> String {
    let before =
        String::from_utf8_lossy(text.as_bytes().get(..offset).unwrap_or(text.as_bytes())).into_owned();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
    let this_line = text.lines().nth(line - 1).unwrap_or_default();
    let key =
        this_line.split_once('=').map(|(k, _)| k.trim()).filter(|k| !k.is_empty() && !k.starts_with('['));
    match (table, key) {
        (Some(table), Some(key)) => format!(" (key {table}.{key}, line {line}, column {column})"),
        (None, Some(key)) => format!(" (key {key}, line {line}, column {column})"),
        _ => format!(" (line {line}, column {column})"),
    }
}

/// Checks every number of the file against [`bounds`], naming the key that is wrong.
fn check_numbers(file: &ConfigFile) -> anyhow::Result<()> {
    let scanner = &file.scanner;
    let server = &file.server;
    let wholes = [
        (&bounds::CONCURRENCY, scanner.concurrency.map(|n| n as u64)),
        (&bounds::MAX_CONCURRENT_SCANS, scanner.max_concurrent_scans.map(|n| n as u64)),
        (&bounds::NATIVE_MAX_BYTES, scanner.native_max_bytes),
        (&bounds::RETENTION, scanner.retention_secs),
        (&bounds::LEASE_TTL, scanner.lease_ttl_secs),
        (&bounds::DB_RETRY, scanner.db_retry_secs),
        (&bounds::HEADER_READ_TIMEOUT, server.header_read_timeout_secs),
        (&bounds::IDLE_TIMEOUT, server.idle_timeout_secs),
        (&bounds::MAX_CONNECTIONS, server.max_connections),
    ];
    for (bound, value) in wholes {
        if let Some(value) = value {
            bound.check(value).map_err(anyhow::Error::msg)?;
        }
    }
    if let Some(secs) = scanner.probe_timeout_secs {
        bounds::PROBE_TIMEOUT.duration(secs).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

impl Config {
    /// Loads `explicit` (which must exist), or the default file if there is one.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Self> {
        let path = match explicit {
            Some(path) => {
                if !path.is_file() {
                    bail!("configuration file {} does not exist", path.display());
                }
                Some(path.to_path_buf())
            }
            None => default_path().filter(|p| p.is_file()),
        };
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read configuration file {}", path.display()))?;
                Self::parse(&text, Some(path.clone()))
                    .with_context(|| format!("invalid configuration file {}", path.display()))
            }
            None => Ok(Self::default()),
        }
    }

    /// Parses and validates configuration text.
    pub fn parse(text: &str, path: Option<PathBuf>) -> anyhow::Result<Self> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            // One line (toml's own rendering draws a snippet over several), naming the key.
            let at = e.span().map(|span| where_in(text, span.start));
            anyhow::anyhow!("{}{}", e.message().trim_end(), at.unwrap_or_default())
        })?;
        let profiles = crate::profiles::load(&file.profiles)?;
        let mut libraries = BTreeMap::new();
        for (name, section) in &file.libraries {
            if !valid_name(name) {
                bail!("library name {name:?} may only use letters, digits, '-' and '_'");
            }
            if !section.root.is_absolute() {
                bail!("library {name}: root {} must be an absolute path", section.root.display());
            }
            let profile = section.profile.clone().unwrap_or_else(|| "browser".to_owned());
            let library_profiles = profiles
                .with_main(&profile)
                .with_context(|| format!("library {name}: no client profile named {profile:?}"))?;
            let extensions =
                section.extensions.clone().unwrap_or_else(|| VideoExtensions::default().as_slice().to_vec());
            if extensions.is_empty() {
                bail!("library {name}: extensions must not be empty");
            }
            fs_jwalk::check_patterns(&section.ignore).map_err(|e| anyhow::anyhow!("library {name}: {e}"))?;
            let max_missing_share = bounds::MAX_MISSING_SHARE
                .check(section.max_missing_share.unwrap_or(0.5))
                .map_err(|e| anyhow::anyhow!("libraries.{name}.{e}"))?;
            let library = Library {
                name: name.clone(),
                root: section.root.clone(),
                extensions,
                profile,
                follow_symlinks: section.follow_symlinks,
                skip_hidden: section.skip_hidden,
                ignore: section.ignore.clone(),
                prune_missing: section.prune_missing,
                retry_failed: section.retry_failed,
                max_missing_share,
                watching: watch_of!(section).resolve(&watch_of!(file.scanner), name)?,
                profiles: library_profiles,
            };
            libraries.insert(name.clone(), library);
        }
        check_numbers(&file)?;
        file.hooks.check()?;
        if let Some(token) = &file.server.token {
            check_token(token).map_err(|e| anyhow::anyhow!("server.token {e}"))?;
        }
        Ok(Self { path, file, libraries, profiles })
    }

    /// Where the configuration came from, for messages.
    pub fn path_display(&self) -> String {
        self.path.as_ref().map_or_else(|| "the configuration".to_owned(), |p| p.display().to_string())
    }

    pub fn library(&self, name: &str) -> anyhow::Result<&Library> {
        self.libraries.get(name).with_context(|| match &self.path {
            Some(path) => format!("no library named {name:?} in {}", path.display()),
            None => format!("no library named {name:?}: no configuration file was found (see --config)"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libraries_profiles_and_settings() {
        let config = Config::parse(
            r#"
            database = "postgres://scanner@db/catalog"
            [scanner]
            concurrency = 4
            [server]
            listen = "0.0.0.0:9000"
            token = "s3cret"
            [libraries.tv]
            root = "/srv/media/TV"
            profile = "tv"
            [libraries.movies]
            root = "/srv/media/Movies"
            extensions = ["mkv", "MP4"]
            profile = "living-room"
            [profiles.living-room]
            containers = ["matroska", "mp4"]
            video_codecs = ["h264", "hevc"]
            max_bit_depth = 10
            audio_codecs = ["aac", "eac3"]
            "#,
            None,
        )
        .unwrap();
        assert_eq!(config.file.database.as_deref(), Some("postgres://scanner@db/catalog"));
        assert_eq!(config.file.scanner.concurrency, Some(4));
        assert_eq!(config.file.server.listen.as_deref(), Some("0.0.0.0:9000"));
        let tv = config.library("tv").unwrap();
        assert_eq!((tv.root.as_path(), tv.profile.as_str()), (Path::new("/srv/media/TV"), "tv"));
        assert_eq!(tv.profiles.main(), "tv");
        assert_eq!(tv.extensions, ["mp4", "mkv", "avi", "mov"]);
        let movies = config.library("movies").unwrap();
        let living_room = movies.profiles.get("living-room").unwrap();
        assert_eq!(living_room.video.iter().map(|v| v.codec.as_str()).collect::<Vec<_>>(), ["h264", "hevc"]);
        assert!(movies.scan_options().walk.extensions.matches(Path::new("/x/a.mp4")));
        assert_eq!(tv.watching.watch, WatchMode::Auto);
        assert_eq!(
            (tv.watching.poll_interval_secs, tv.watching.settle_secs, tv.watching.scan_on_start),
            (300, 10, false)
        );
        assert!(config.library("music").unwrap_err().to_string().contains("no library named \"music\""));
    }

    #[test]
    fn rejects_mistakes_with_clear_messages() {
        for (text, expected) in [
            ("[libraries.tv]\nroot = \"relative/path\"", "must be an absolute path"),
            ("[libraries.tv]\nroot = \"/x\"\nprofile = \"nope\"", "no client profile named \"nope\""),
            (
                "[profiles.safari]\ncontainers = [\"mp4\"]\nvideo_codecs = [\"h264\"]",
                "a built-in profile has this name",
            ),
            ("[profiles.p]\ncontainers = [\"mp4\"]", "list the video codecs"),
            (
                "[profiles.p]\ncontainers = [\"mp4\"]\n[[profiles.p.video]]\ncodec = \"h264\"\nhdr = [\"hdr11\"]",
                "unknown variant",
            ),
            ("[libraries.\"a b\"]\nroot = \"/x\"", "may only use letters"),
            ("[libraries.tv]\nroot = \"/x\"\nextensions = []", "extensions must not be empty"),
            ("[libraries.tv]\nroot = \"/x\"\nignore = [\"[z-a]\"]", "library tv: ignore pattern \"[z-a]\""),
            ("[scanner]\nconcurrency = 0", "scanner.concurrency must be between 1 and 256, not 0"),
            (
                "[scanner]\nprobe_timeout_secs = 1e20",
                "scanner.probe_timeout_secs must be between 0.1 and 86400",
            ),
            ("[scanner]\nprobe_timeout_secs = nan", "scanner.probe_timeout_secs must be a finite number"),
            ("[scanner]\nlease_ttl_secs = 1", "scanner.lease_ttl_secs must be between 3 and 3600 seconds"),
            ("[scanner]\nretention_secs = -1", "key scanner.retention_secs, line 2"),
            ("[scanner]\nconcurrency = 99999999999999999999", "key scanner.concurrency"),
            ("[server]\nlisten = 5", "key server.listen"),
            ("[server]\nmax_connections = 0", "server.max_connections must be between 1"),
            ("[server]\ntoken = \"  \"", "server.token is empty"),
            (
                "[libraries.tv]\nroot = \"/x\"\nmax_missing_share = 2.0",
                "libraries.tv.max_missing_share must be between 0 and 1",
            ),
            ("databse = \"typo\"", "unknown field"),
            ("[libraries.tv]\nroot = \"/x\"\nwatch = \"sometimes\"", "unknown variant"),
            (
                "[libraries.tv]\nroot = \"/x\"\npoll_interval_secs = 0",
                "libraries.tv.poll_interval_secs must be between 1 and 86400 seconds",
            ),
            (
                "[scanner]\nsettle_secs = 999999\n[libraries.tv]\nroot = \"/x\"",
                "libraries.tv.settle_secs must be",
            ),
            ("[libraries.tv]\nroot = 5", "invalid type"),
        ] {
            let err = format!("{:#}", Config::parse(text, None).unwrap_err());
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn an_explicit_missing_file_is_an_error() {
        let err = Config::load(Some(Path::new("/nonexistent/mediascan.toml"))).unwrap_err();
        assert!(err.to_string().contains("does not exist"));
    }
}
