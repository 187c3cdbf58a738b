//! scanner-core: the domain of mediascan, its ports, and the scan service.
//!
//! This crate decides; it does not touch the world. It holds the domain types
//! ([`media::MediaRecord`]), the filename parser ([`parse`]), the playback decisions
//! ([`playback`]), the ports through which adapters do all I/O ([`ports`]), and the
//! [`scan::Scanner`] service that drives a scan through those ports.
//!
//! It must never do I/O itself: no file system, no processes, no network, no SQL. Its
//! dependency tree holds no I/O crate (no sea-orm, jwalk or process spawning); `deny.toml`
//! and the tidy test enforce that.

#[cfg(any(test, feature = "mocks"))]
pub mod fixtures;
mod hash;
mod id;
pub mod items;
pub mod json_path;
pub mod media;
pub mod overrides;
pub mod parse;
pub mod path_key;
pub mod playback;
pub mod ports;
pub mod report;
pub mod scan;
pub mod sidecar;
pub mod streams;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod watch;

pub use media::{
    AudioStream, CatalogEntry, Chapter, DoviConfig, FileIdentity, FileStat, HdrKind, MediaId, MediaInfo,
    MediaRecord, MediaStatus, PROBE_FIELDS_VERSION, SubtitleStream, VideoStream,
};
pub use parse::{MediaKind, ParsedName, parse_path, parse_path_in};
pub use playback::{ClientProfile, Compatibility, Decision, DecisionMatch, Playback, Profiles};
pub use scan::{
    CancelScanError, DeleteScanError, ScanId, ScanIssue, ScanLookupError, ScanOptions, ScanPhase,
    ScanProgress, ScanRequest, ScanStatus, ScanTrigger, Scanner, ScannerConfig, ScannerPorts, StartScanError,
    lease_key,
};
