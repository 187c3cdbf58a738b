//! The `MediaProbe` port: reads a media file's container and streams.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;

use super::Cause;
use crate::media::MediaInfo;

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The probe program is missing or unusable: no file can be probed. Ends the scan.
    #[error("{message}")]
    Unavailable { message: String },
    /// The file vanished between the walk and the probe.
    #[error("file no longer exists")]
    NotFound,
    #[error("probe timed out after {} s", .0.as_secs_f64())]
    TimedOut(Duration),
    /// The file is not readable media (corrupt, truncated, not a video).
    #[error("{0}")]
    InvalidMedia(String),
    /// Reading the file or running the probe program failed (`what` says which).
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: Cause,
    },
    /// Anything else that went wrong with this one file.
    #[error("{0}")]
    Failed(String),
}

impl ProbeError {
    /// An I/O failure while doing `what` (`cannot read file`).
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { what: what.into(), source: Cause::new(source) }
    }
}

/// Equal when of the same kind with the same message chain (causes are compared as text).
impl PartialEq for ProbeError {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && super::error_chain(self) == super::error_chain(other)
    }
}

impl Eq for ProbeError {}

impl ProbeError {
    /// True when no further file can be probed either.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// Reads a media file's container and streams.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaProbe: Send + Sync {
    /// Checks that probing can work at all and returns a description (`ffprobe 5.1.9`).
    ///
    /// MUST return `Unavailable`, with a hint on how to fix it, when it cannot.
    async fn check(&self) -> Result<String, ProbeError>;

    /// Probes one file.
    ///
    /// MUST NOT hang: a probe that takes longer than the adapter's timeout ends with
    /// `TimedOut`. MUST release every resource (child process included) when the returned
    /// future is dropped, so that cancelling a scan is prompt. MUST return `NotFound` when the
    /// file does not exist and `InvalidMedia` when it is not readable media.
    async fn probe(&self, path: PathBuf) -> Result<MediaInfo, ProbeError>;
}
