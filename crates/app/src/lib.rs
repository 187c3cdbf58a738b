//! app: mediascan assembled. It wires the adapters (jwalk, ffprobe, SeaORM) into the core's
//! [`Scanner`], and offers that as a library facade ([`Mediascan`]) for programs that embed the
//! scanner, and as the `mediascan` command line ([`cli`]).
//!
//! This is the only crate that knows every adapter, reads settings, and installs a tracing
//! subscriber. It holds no scanning logic: that lives in `scanner-core`.

pub mod cli;
pub mod logging;
pub mod settings;

use std::sync::Arc;

use fs_jwalk::JwalkFileSource;
use probe_ffprobe::FfprobeMediaProbe;
use repo_seaorm::SeaOrmMediaRepository;
use scanner_core::ports::RepoError;
use scanner_core::{Scanner, ScannerPorts};

pub use settings::Settings;

/// Why mediascan could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    #[error("cannot open the catalog at {url}")]
    Catalog { url: String, source: RepoError },
}

/// A running mediascan: the scanner service over the local file system, ffprobe, and the
/// catalog database.
#[derive(Debug, Clone)]
pub struct Mediascan {
    scanner: Scanner,
    catalog: Arc<SeaOrmMediaRepository>,
    settings: Settings,
}

impl Mediascan {
    /// Connects to the catalog (creating and migrating it as needed) and starts the scanner
    /// service. Must be called inside a tokio runtime.
    pub async fn open(settings: Settings) -> Result<Self, OpenError> {
        let catalog = SeaOrmMediaRepository::open(&settings.database_url)
            .await
            .map_err(|source| OpenError::Catalog { url: settings.database_url_for_display(), source })?;
        let catalog = Arc::new(catalog);
        let ports = ScannerPorts {
            source: Arc::new(JwalkFileSource::new()),
            probe: Arc::new(FfprobeMediaProbe::new(settings.ffprobe.clone())),
            repo: catalog.clone(),
        };
        let scanner = Scanner::new(ports, settings.scanner.clone());
        Ok(Self { scanner, catalog, settings })
    }

    /// The scan service: start, follow and cancel scans.
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The catalog of scanned files.
    pub fn catalog(&self) -> &SeaOrmMediaRepository {
        &self.catalog
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Cancels running scans, waits for them, and closes the catalog.
    pub async fn shutdown(&self) {
        self.scanner.shutdown().await;
        if let Err(e) = self.catalog.connection().clone().close().await {
            tracing::warn!(error = %e, "closing the catalog failed");
        }
    }
}
