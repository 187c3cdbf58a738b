//! How the scanner service's operations fail.

use super::ScanId;
use super::progress::ScanStatus;
use crate::ports::{FileSourceError, ProbeError, RepoError};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartScanError {
    #[error(transparent)]
    Root(#[from] FileSourceError),
    /// A subtree scan's scope is not inside the library's root.
    #[error("{} is not inside {}", .scope.display(), .root.display())]
    OutsideRoot { scope: std::path::PathBuf, root: std::path::PathBuf },
    /// The library (or folder) is being scanned already, here or on another node.
    #[error("{} is already being scanned{}", .key, .scan.map(|s| format!(" (scan {s})")).unwrap_or_default())]
    AlreadyRunning { key: String, scan: Option<ScanId> },
    /// This process runs as many scans as it may.
    #[error("{limit} scan(s) already running, the most this node runs at once")]
    NodeBusy { limit: usize },
    #[error("cannot probe media files")]
    ProbeUnavailable(#[source] ProbeError),
    #[error("cannot record the scan")]
    Catalog(#[source] RepoError),
    #[error("the scanner is shutting down")]
    ShuttingDown,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanLookupError {
    #[error("no scan with id {0}")]
    NotFound(ScanId),
    #[error("cannot read the scan")]
    Catalog(#[source] RepoError),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeleteScanError {
    #[error("no scan with id {0}")]
    NotFound(ScanId),
    #[error("scan {0} is running; cancel it first")]
    Running(ScanId),
    #[error("cannot delete the scan")]
    Catalog(#[source] RepoError),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CancelScanError {
    #[error("no scan with id {0}")]
    NotFound(ScanId),
    #[error("scan {id} is not running (it is {status})")]
    NotRunning { id: ScanId, status: ScanStatus },
    #[error("cannot cancel the scan")]
    Catalog(#[source] RepoError),
}
