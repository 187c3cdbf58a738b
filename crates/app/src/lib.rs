//! app: mediascan assembled. It wires the adapters (jwalk, ffprobe, SeaORM) into the core's
//! [`Scanner`], and offers that as a library facade ([`Mediascan`]) for programs that embed the
//! scanner, as the HTTP API ([`api`]), and as the `mediascan` command line ([`cli`]).
//!
//! This is the only crate that knows every adapter, reads configuration, and installs a
//! tracing subscriber. It must never hold scanning logic (that lives in `scanner-core`) nor
//! hand adapter types to library users: they get the core's ports.

pub mod api;
pub mod bounds;
pub mod cli;
pub mod config;
pub mod logging;
pub mod node;
pub mod profiles;
pub mod settings;
pub mod watch_config;
mod watching;
pub mod web;

use std::collections::BTreeMap;
use std::sync::Arc;

use fs_jwalk::JwalkFileSource;
use probe_ffprobe::FfprobeMediaProbe;
use probe_native::{AutoProbe, NativeProbe};
use repo_seaorm::{OpenMode, SeaOrmMediaRepository};
use scanner_core::ports::{MediaEdits, MediaProbe, MediaQueries, RepoError, ScanQuery, ScanRepository};
use scanner_core::{ScanId, ScanProgress, ScanRequest, Scanner, ScannerPorts, StartScanError};

pub use config::{Config, Library};
pub use settings::Settings;

/// Why mediascan could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    #[error("cannot open the catalog at {url}")]
    Catalog {
        url: String,
        #[source]
        source: RepoError,
    },
}

/// Why a library scan could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LibraryScanError {
    #[error("no library named {0:?}")]
    UnknownLibrary(String),
    #[error(transparent)]
    Start(#[from] StartScanError),
}

/// Per-scan choices that override a library's configured options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanFlags {
    /// Probe every file, changed or not.
    pub force: bool,
    /// Delete missing files' rows after the scan.
    pub prune: bool,
    /// Probe again files whose earlier probe failed.
    pub retry_failed: bool,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Scan hidden files and folders and NAS/OS system folders too.
    pub include_hidden: bool,
    /// More gitignore-style patterns of paths not to scan.
    pub ignore: Vec<String>,
}

impl ScanFlags {
    /// Turns the flags that are set on in `options`.
    pub fn apply(self, options: &mut scanner_core::ScanOptions) {
        options.force |= self.force;
        options.prune |= self.prune;
        options.retry_failed |= self.retry_failed;
        options.walk.follow_symlinks |= self.follow_symlinks;
        options.walk.skip_hidden &= !self.include_hidden;
        options.walk.ignore.extend(self.ignore);
    }
}

/// A running mediascan: the scanner service over the local file system, the probes, and the
/// catalog database. Library users see the catalog through the core's ports, never the
/// database adapter.
#[derive(Clone)]
pub struct Mediascan {
    scanner: Scanner,
    catalog: Arc<dyn MediaQueries>,
    edits: Arc<dyn MediaEdits>,
    database: SeaOrmMediaRepository,
    settings: Settings,
    watchers: watching::Watchers,
}

impl std::fmt::Debug for Mediascan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mediascan").field("database", &self.settings.database_url_for_display()).finish()
    }
}

/// The probe the settings choose.
fn probe(settings: &Settings) -> Arc<dyn MediaProbe> {
    let ffprobe = Arc::new(FfprobeMediaProbe::new(settings.ffprobe.clone()));
    // One time limit for either probe: the configured probe timeout.
    let native = NativeProbe { max_bytes: settings.native_max_bytes, timeout: settings.ffprobe.timeout };
    match settings.probe {
        settings::ProbeMode::Ffprobe => ffprobe,
        settings::ProbeMode::Native => Arc::new(native),
        settings::ProbeMode::Auto => Arc::new(AutoProbe { native, fallback: ffprobe }),
    }
}

/// The catalog opened without the scanner (`mediascan media`, `scans`, `edit`): no migration,
/// no recovery. Nothing it does changes what scans write (only `edit` writes, to the overrides
/// tables), so it is safe against a catalog that other nodes share.
#[derive(Clone)]
pub struct CatalogReader {
    media: Arc<dyn MediaQueries>,
    edits: Arc<dyn MediaEdits>,
    scans: Arc<dyn ScanRepository>,
    database: SeaOrmMediaRepository,
}

impl std::fmt::Debug for CatalogReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogReader").finish_non_exhaustive()
    }
}

impl CatalogReader {
    /// Opens the catalog of `settings` read-only: it must exist with exactly this program's
    /// schema (the error says what to do otherwise).
    pub async fn open(settings: &Settings) -> Result<Self, OpenError> {
        let url = settings.database_url_for_display();
        let database = SeaOrmMediaRepository::open(&settings.database_url, OpenMode::ReadOnly)
            .await
            .map_err(|source| OpenError::Catalog { url, source })?;
        let (media, edits) = (Arc::new(database.clone()), Arc::new(database.clone()));
        Ok(Self { media, edits, scans: Arc::new(database.scans()), database })
    }

    /// The catalog of media files.
    pub fn media(&self) -> &Arc<dyn MediaQueries> {
        &self.media
    }

    /// The user's overrides (`mediascan edit`): the one thing done through a reader that
    /// writes, to tables scans never touch, so it is as safe on a shared catalog.
    pub fn edits(&self) -> &Arc<dyn MediaEdits> {
        &self.edits
    }

    /// Recorded scans, newest first, as stored (a scan running elsewhere shows its last saved
    /// progress).
    pub async fn scans(&self, query: ScanQuery) -> Result<Vec<ScanProgress>, RepoError> {
        Ok(self.scans.list(query).await?.into_iter().map(|r| r.progress).collect())
    }

    /// The health that live watchers (on any node) published, by library.
    pub async fn watch_health(&self) -> Result<Vec<scanner_core::ports::PublishedHealth>, RepoError> {
        self.scans.watch_health().await
    }

    pub async fn close(&self) {
        if let Err(e) = self.database.close().await {
            tracing::warn!(error = %scanner_core::ports::error_chain(&e), "closing the catalog failed");
        }
    }
}

/// Brings the catalog of `settings` up to date (`mediascan migrate`).
pub async fn migrate(settings: &Settings) -> Result<(), OpenError> {
    let url = settings.database_url_for_display();
    let database = SeaOrmMediaRepository::open(&settings.database_url, OpenMode::Migrate)
        .await
        .map_err(|source| OpenError::Catalog { url, source })?;
    let _ = database.close().await;
    Ok(())
}

impl Mediascan {
    /// Connects to the catalog (creating and migrating it as needed), starts the scanner
    /// service, and marks scans whose lease expired `interrupted`. Must be called inside a
    /// tokio runtime.
    pub async fn open(settings: Settings) -> Result<Self, OpenError> {
        let url = settings.database_url_for_display();
        let database = SeaOrmMediaRepository::open(&settings.database_url, OpenMode::Migrate)
            .await
            .map_err(|source| OpenError::Catalog { url: url.clone(), source })?;
        let ports = ScannerPorts {
            source: Arc::new(JwalkFileSource::new()),
            probe: probe(&settings),
            repo: Arc::new(database.clone()),
            scans: Arc::new(database.scans()),
        };
        let scanner = Scanner::new(ports, settings.scanner.clone());
        scanner.recover().await.map_err(|source| OpenError::Catalog { url, source })?;
        let (catalog, edits) = (Arc::new(database.clone()), Arc::new(database.clone()));
        Ok(Self { scanner, catalog, edits, database, settings, watchers: watching::Watchers::default() })
    }

    /// The scan service: start, follow and cancel scans.
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The catalog of scanned files.
    pub fn catalog(&self) -> &Arc<dyn MediaQueries> {
        &self.catalog
    }

    /// The user's overrides of what names say.
    pub fn edits(&self) -> &Arc<dyn MediaEdits> {
        &self.edits
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The configured libraries, by name.
    pub fn libraries(&self) -> &BTreeMap<String, Library> {
        &self.settings.libraries
    }

    /// Starts a scan of a configured library.
    pub async fn scan_library(&self, name: &str, flags: ScanFlags) -> Result<ScanId, LibraryScanError> {
        self.scan_library_under(name, flags, None).await
    }

    /// Starts a scan of a configured library, of only the folder `scope` below its root when
    /// given (the dashboard's "retry" of one failed file scans the file's folder).
    pub async fn scan_library_under(
        &self,
        name: &str,
        flags: ScanFlags,
        scope: Option<std::path::PathBuf>,
    ) -> Result<ScanId, LibraryScanError> {
        let library =
            self.libraries().get(name).ok_or_else(|| LibraryScanError::UnknownLibrary(name.to_owned()))?;
        let mut options = library.scan_options();
        flags.apply(&mut options);
        let request = ScanRequest {
            library: Some(library.name.clone()),
            options,
            scope,
            ..ScanRequest::new(&library.root)
        };
        Ok(self.scanner.start(request).await?)
    }

    /// Cancels running scans, waits for them, and closes the catalog.
    pub async fn shutdown(&self) {
        self.stop_watching().await;
        self.scanner.shutdown().await;
        if let Err(e) = self.database.close().await {
            tracing::warn!(error = %scanner_core::ports::error_chain(&e), "closing the catalog failed");
        }
    }
}
