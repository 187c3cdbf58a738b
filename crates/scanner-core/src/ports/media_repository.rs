//! The `MediaRepository` port: what a scan reads from and writes to the catalog.

use std::collections::BTreeMap;
use std::path::PathBuf;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RepoError;
use crate::media::{CatalogEntry, FileStat, MediaId, MediaRecord};
use crate::parse::ParsedName;
use crate::playback::{Compatibility, Playback};
use crate::scan::ScanId;

/// A catalogued file found at a new path: it keeps its id, streams and first sighting.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaMove {
    pub id: MediaId,
    /// Where the catalog had it; the move applies only if the row is still there.
    pub from: PathBuf,
    /// The file at its new place.
    pub file: FileStat,
    pub library: Option<String>,
    pub parsed: ParsedName,
    pub seen_at: DateTime<Utc>,
}

/// A catalogued file its directory's walk did not find: a candidate for `missing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absent {
    pub id: MediaId,
    /// The path the row had when found absent; a row moved since is not marked.
    pub path: PathBuf,
}

/// What the catalog knows of a folder as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirSummary {
    /// Signature of the folder's video files (names, sizes, times, inodes) when a scan last
    /// found the catalog matching them exactly.
    pub signature: u64,
    /// Video files in the folder then, and how many of them had failed to probe.
    pub files: u64,
    pub failed: u64,
}

/// A folder the walk listed, and its summary when the scan found the catalog matching it
/// (`None`: it did not, or not yet — the next scan compares file by file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenDir {
    pub path: PathBuf,
    pub summary: Option<DirSummary>,
}

/// Writes of one scan, applied in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteBatch {
    /// The scan that saw `seen_dirs` and found `absent`; required when either is non-empty.
    pub scan: Option<ScanId>,
    /// New and changed files, keyed by path.
    pub upserts: Vec<MediaRecord>,
    /// Directories the walk listed: the last-seen marker of every file in them.
    pub seen_dirs: Vec<SeenDir>,
    pub absent: Vec<Absent>,
    pub moves: Vec<MediaMove>,
}

impl WriteBatch {
    /// A batch of upserts only.
    pub fn upserts(records: Vec<MediaRecord>) -> Self {
        Self { upserts: records, ..Self::default() }
    }

    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty()
            && self.seen_dirs.is_empty()
            && self.absent.is_empty()
            && self.moves.is_empty()
    }

    pub fn len(&self) -> usize {
        self.upserts.len() + self.seen_dirs.len() + self.absent.len() + self.moves.len()
    }
}

/// Which files a completed scan may conclude missing: those under `root` that the scan found
/// absent from their directory, or whose directory it did not list at all — except those
/// below `excluded` (folders it could not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingScope {
    pub scan: ScanId,
    pub root: PathBuf,
    pub excluded: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingCount {
    /// Files that would be marked missing.
    pub candidates: u64,
    /// Files catalogued under the root and not missing already. Counted only when there are
    /// candidates (0 otherwise): it serves only to judge them, and counting costs a read of
    /// every row under the root.
    pub catalogued: u64,
}

/// Decisions made again for a stored file, from its stored streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redecision {
    pub id: MediaId,
    /// The fingerprint the stored decisions carry: they are replaced only if they still do (a
    /// scan that probed the file meanwhile wrote newer ones).
    pub was: Option<u64>,
    pub playback: BTreeMap<String, Playback>,
    pub compatibility: Option<Compatibility>,
}

/// The catalog as a scan sees it: compare what is on disk with what is stored, and store the
/// difference. What the application queries is [`super::MediaQueries`].
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaRepository: Send + Sync {
    /// Applies `batch` atomically (all or none), in this order: upserts, seen directories,
    /// absent marks, moves.
    ///
    /// Upserts are keyed by path: they MUST keep the stored id and `first_seen_at` of a path
    /// that is already catalogued, clear `missing_since`, and be race-free against concurrent
    /// upserts of the same path (one row per path, always). A move MUST apply only to a row
    /// still at `from`, and an absent mark only to a row still at its `path`.
    async fn apply(&self, batch: WriteBatch) -> Result<(), RepoError>;

    /// The summaries of those of `dirs` that have one (see [`SeenDir`]), as `(path, summary)`.
    async fn dir_summaries(&self, dirs: Vec<PathBuf>) -> Result<Vec<(PathBuf, DirSummary)>, RepoError>;

    /// The files catalogued directly in the folders `dirs` (one query for several folders).
    async fn entries_in_dirs(&self, dirs: Vec<PathBuf>) -> Result<Vec<CatalogEntry>, RepoError>;

    /// Catalogued files of exactly this size and modification time (candidates for a move), at
    /// most `limit`.
    async fn entries_like(
        &self,
        size: u64,
        modified: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<CatalogEntry>, RepoError>;

    /// How many files `mark_missing` would mark, and how many are catalogued under the root.
    async fn missing_count(&self, scope: MissingScope) -> Result<MissingCount, RepoError>;

    /// Marks the files of `scope` missing since `at`; returns how many.
    async fn mark_missing(&self, scope: MissingScope, at: DateTime<Utc>) -> Result<u64, RepoError>;

    /// Deletes the missing files under `root`; returns how many.
    async fn prune_missing(&self, root: PathBuf) -> Result<u64, RepoError>;

    /// Whether anything is catalogued at or below `root` (a first scan of a folder cannot find
    /// moves, and skips looking for them).
    async fn any_under(&self, root: PathBuf) -> Result<bool, RepoError>;

    /// Probed files (any status but `failed`) at or below `root` whose decisions were made
    /// with another profile fingerprint than `fingerprint` (or never), in path order after
    /// `after`, at most `limit`.
    async fn undecided(
        &self,
        root: PathBuf,
        fingerprint: u64,
        after: Option<PathBuf>,
        limit: u64,
    ) -> Result<Vec<MediaRecord>, RepoError>;

    /// The stored records of `ids` (those that exist), in any order, as scans wrote them:
    /// `parsed` is what the name says, without the user's overrides (`overrides` empty), so
    /// that writing one back never turns an override into the parser's value. A scan rewrites
    /// a record whose sidecars changed from what is stored, without probing the file again.
    async fn records(&self, ids: Vec<MediaId>) -> Result<Vec<MediaRecord>, RepoError>;

    /// Stores `decisions` made with `fingerprint`, atomically: each record's playback,
    /// compatibility and decisions table, only where its stored fingerprint is still the
    /// decision's `was`. Returns how many records were updated.
    async fn redecide(&self, decisions: Vec<Redecision>, fingerprint: u64) -> Result<u64, RepoError>;
}
