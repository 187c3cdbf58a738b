//! The configuration file: libraries, compatibility profiles, scanner and server settings.
//!
//! TOML, found at `--config`, else `$MEDIASCAN_CONFIG`, else the platform's config directory
//! (`~/.config/mediascan/config.toml` on Linux). Every setting is optional: without a file,
//! `mediascan scan <DIR>` works with defaults. See `docs/configuration.md`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use scanner_core::ports::{VideoExtensions, WalkOptions};
use scanner_core::{CompatibilityProfile, ScanOptions};

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
    /// Compatibility profiles beside the built-in `browser` and `tv`.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileSection>,
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
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Address `mediascan serve` listens on (default 127.0.0.1:8080).
    pub listen: Option<SocketAddr>,
    /// Bearer token every API request must carry.
    pub token: Option<String>,
    /// Serve on a non-loopback address without a token (default false).
    #[serde(default)]
    pub allow_unauthenticated_remote: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibrarySection {
    pub root: PathBuf,
    /// File extensions scanned (default: mp4, mkv, avi, mov).
    pub extensions: Option<Vec<String>>,
    /// Compatibility profile name (default `browser`).
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
}

/// A custom compatibility profile (the fields of `scanner_core::CompatibilityProfile`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSection {
    pub containers: Vec<String>,
    pub video_codecs: Vec<String>,
    pub max_bit_depth: u8,
    #[serde(default)]
    pub pix_fmts: Vec<String>,
    pub audio_codecs: Vec<String>,
    #[serde(default = "yes")]
    pub allow_no_audio: bool,
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
    #[serde(skip)]
    #[schema(ignore)]
    pub compatibility: CompatibilityProfile,
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
            profile: self.compatibility.clone(),
            force: false,
            retry_failed: self.retry_failed,
            prune: self.prune_missing,
            max_missing_share: self.max_missing_share,
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
            // One line (toml's own rendering draws a snippet over several).
            let at = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(" (line {line}, column {column})")
            });
            anyhow::anyhow!("{}{}", e.message().trim_end(), at.unwrap_or_default())
        })?;
        let mut profiles: BTreeMap<String, CompatibilityProfile> = BTreeMap::new();
        for name in ["browser", "tv"] {
            profiles.insert(name.to_owned(), CompatibilityProfile::builtin(name).expect("built-in profile"));
        }
        for (name, p) in &file.profiles {
            if !valid_name(name) {
                bail!("profile name {name:?} may only use letters, digits, '-' and '_'");
            }
            profiles.insert(
                name.clone(),
                CompatibilityProfile {
                    name: name.clone(),
                    containers: p.containers.clone(),
                    video_codecs: p.video_codecs.clone(),
                    max_bit_depth: p.max_bit_depth,
                    pix_fmts: p.pix_fmts.clone(),
                    audio_codecs: p.audio_codecs.clone(),
                    allow_no_audio: p.allow_no_audio,
                },
            );
        }
        let mut libraries = BTreeMap::new();
        for (name, section) in &file.libraries {
            if !valid_name(name) {
                bail!("library name {name:?} may only use letters, digits, '-' and '_'");
            }
            if !section.root.is_absolute() {
                bail!("library {name}: root {} must be an absolute path", section.root.display());
            }
            let profile = section.profile.clone().unwrap_or_else(|| "browser".to_owned());
            let compatibility = profiles
                .get(&profile)
                .cloned()
                .with_context(|| format!("library {name}: no compatibility profile named {profile:?}"))?;
            let extensions =
                section.extensions.clone().unwrap_or_else(|| VideoExtensions::default().as_slice().to_vec());
            if extensions.is_empty() {
                bail!("library {name}: extensions must not be empty");
            }
            fs_jwalk::check_patterns(&section.ignore).map_err(|e| anyhow::anyhow!("library {name}: {e}"))?;
            let max_missing_share = section.max_missing_share.unwrap_or(0.5);
            if !(0.0..=1.0).contains(&max_missing_share) {
                bail!("library {name}: max_missing_share must be between 0 and 1");
            }
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
                compatibility,
            };
            libraries.insert(name.clone(), library);
        }
        if let Some(threads) = file.scanner.concurrency
            && threads == 0
        {
            bail!("scanner.concurrency must be at least 1");
        }
        if let Some(timeout) = file.scanner.probe_timeout_secs
            && !(timeout.is_finite() && timeout > 0.0)
        {
            bail!("scanner.probe_timeout_secs must be a positive number");
        }
        if file.scanner.native_max_bytes.is_some_and(|b| b < 4096) {
            bail!("scanner.native_max_bytes must be at least 4096");
        }
        Ok(Self { path, file, libraries })
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
        assert_eq!(config.file.server.listen, Some("0.0.0.0:9000".parse().unwrap()));
        let tv = config.library("tv").unwrap();
        assert_eq!((tv.root.as_path(), tv.profile.as_str()), (Path::new("/srv/media/TV"), "tv"));
        assert_eq!(tv.compatibility, CompatibilityProfile::tv());
        assert_eq!(tv.extensions, ["mp4", "mkv", "avi", "mov"]);
        let movies = config.library("movies").unwrap();
        assert_eq!(movies.compatibility.video_codecs, ["h264", "hevc"]);
        assert!(movies.scan_options().walk.extensions.matches(Path::new("/x/a.mp4")));
        assert!(config.library("music").unwrap_err().to_string().contains("no library named \"music\""));
    }

    #[test]
    fn rejects_mistakes_with_clear_messages() {
        for (text, expected) in [
            ("[libraries.tv]\nroot = \"relative/path\"", "must be an absolute path"),
            ("[libraries.tv]\nroot = \"/x\"\nprofile = \"nope\"", "no compatibility profile named \"nope\""),
            ("[libraries.\"a b\"]\nroot = \"/x\"", "may only use letters"),
            ("[libraries.tv]\nroot = \"/x\"\nextensions = []", "extensions must not be empty"),
            ("[libraries.tv]\nroot = \"/x\"\nignore = [\"[z-a]\"]", "library tv: ignore pattern \"[z-a]\""),
            ("[scanner]\nconcurrency = 0", "at least 1"),
            ("databse = \"typo\"", "unknown field"),
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
