//! The `MediaQueries` port: what the application asks of the catalog (listings, filters,
//! shows). Scans never use it.

use std::path::PathBuf;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::RepoError;
use crate::items::ItemId;
use crate::media::{MediaId, MediaRecord, MediaStatus};
use crate::parse::MediaKind;
use crate::playback::DecisionMatch;
use crate::report::LibraryReport;
use crate::streams::{HdrKind, ResolutionClass};

/// Which records a query selects. Every field narrows the selection; `None` selects all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaFilter {
    /// Records last scanned as part of this configured library.
    pub library: Option<String>,
    /// Exact show name.
    pub show: Option<String>,
    pub season: Option<u32>,
    pub kind: Option<MediaKind>,
    pub compatible: Option<bool>,
    pub status: Option<MediaStatus>,
    /// Records at or below any of these absolute folders (or exact files); empty: anywhere.
    pub under: Vec<PathBuf>,
    /// Case-insensitive text contained in the show name or the title.
    pub search: Option<String>,
    /// Files whose decision in a profile matches.
    pub decision: Option<DecisionFilter>,
    /// Files whose video has this dynamic range.
    pub hdr: Option<HdrKind>,
    /// Files whose video has this codec, as ffprobe names it (`h264`, `hevc`).
    pub video_codec: Option<String>,
    /// Files in this resolution class (`unknown`: no video, or its size is not known).
    pub resolution: Option<ResolutionClass>,
}

/// Files whose decision in `profile` is one `decision` matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFilter {
    pub profile: String,
    pub decision: DecisionMatch,
}

/// Checks that `text` (the value of `what`) can be looked up in any catalog: PostgreSQL holds
/// no NUL in text, so no adapter accepts one (every backend answers alike).
pub fn check_text(what: &str, text: &str) -> Result<(), RepoError> {
    if text.contains('\0') {
        return Err(RepoError::InvalidInput(format!("{what} contains a NUL character")));
    }
    Ok(())
}

/// Checks that an offset fits the databases' signed 64-bit integers.
pub fn check_offset(offset: u64) -> Result<u64, RepoError> {
    if i64::try_from(offset).is_err() {
        return Err(RepoError::InvalidInput(format!("offset {offset} is larger than {}", i64::MAX)));
    }
    Ok(offset)
}

impl MediaFilter {
    /// Checks what every adapter must refuse alike: text with NUL, a season beyond the
    /// databases' 32-bit integers.
    pub fn check(&self) -> Result<(), RepoError> {
        let profile = self.decision.as_ref().map(|d| &d.profile);
        for (name, text) in [
            ("library", self.library.as_ref()),
            ("show", self.show.as_ref()),
            ("search", self.search.as_ref()),
            ("profile", profile),
            ("codec", self.video_codec.as_ref()),
        ] {
            if let Some(text) = text {
                check_text(name, text)?;
            }
        }
        for prefix in &self.under {
            check_text("path prefix", &prefix.to_string_lossy())?;
        }
        if let Some(season) = self.season
            && i32::try_from(season).is_err()
        {
            return Err(RepoError::InvalidInput(format!("season {season} is larger than {}", i32::MAX)));
        }
        Ok(())
    }
}

/// Most ids `item_files` takes at once.
pub const MAX_ITEM_IDS: usize = 1000;

/// A page of the catalog, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaQuery {
    pub filter: MediaFilter,
    /// Only records whose path sorts after this one (keyset pagination).
    pub after_path: Option<PathBuf>,
    /// Records to skip (offset pagination; keyset is cheaper on large catalogs).
    pub offset: Option<u64>,
    /// At most this many records; `None` for all.
    pub limit: Option<u64>,
}

/// A page of items (films and episodes), ordered by item id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemQuery {
    /// Items with at least one present (not `missing`) film or episode file matching this.
    pub filter: MediaFilter,
    /// Only items whose id sorts after this one (keyset pagination).
    pub after: Option<ItemId>,
    /// Items to skip.
    pub offset: Option<u64>,
    /// At most this many items.
    pub limit: u64,
}

/// A show in the catalog and how much of it there is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShowSummary {
    pub show: String,
    pub year: Option<u16>,
    /// Distinct seasons with at least one episode.
    pub seasons: u64,
    /// Episode files (a multi-episode file counts once).
    pub episodes: u64,
}

/// What the application asks of the catalog: records by id, path or filter, counts, shows.
///
/// Every text a filter carries may hold any character, NUL included: an adapter whose database
/// cannot store a character MUST answer [`RepoError::InvalidInput`] (never a database error), and
/// every number MUST be checked before it is bound (an offset beyond what the database takes is
/// `InvalidInput` too).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaQueries: Send + Sync {
    /// The record with this id, if any.
    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError>;

    /// The record of this absolute path, if any.
    async fn get_by_path(&self, path: PathBuf) -> Result<Option<MediaRecord>, RepoError>;

    /// Records matching the query's filter, in path order (byte order on every backend).
    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError>;

    /// How many records match.
    async fn count(&self, filter: MediaFilter) -> Result<u64, RepoError>;

    /// How many records match, counting no further than `limit`: the count, or `limit` when
    /// at least that many match. An adapter stops reading at `limit` matches, so that counting
    /// a common search text costs what a page of it costs.
    async fn count_up_to(&self, filter: MediaFilter, limit: u64) -> Result<u64, RepoError> {
        Ok(Ord::min(self.count(filter).await?, limit))
    }

    /// The shows among the matching episodes, by name (then year), with their counts.
    async fn shows(&self, filter: MediaFilter) -> Result<Vec<ShowSummary>, RepoError>;

    /// The library at a glance: the probed files present (status `ok`) among those matching
    /// `filter`, grouped by container, video codec, resolution, dynamic range and the judged
    /// audio stream's codec and channels, and by decision and reason in every profile. Grouped
    /// queries: a catalog of 100 000 files answers in well under a second.
    async fn report(&self, filter: MediaFilter) -> Result<LibraryReport, RepoError>;

    /// The ids of the items matching `query`: distinct `items::filed_under` of the present
    /// (not `missing`) files of kind `movie` or `episode` that match its filter, ascending
    /// (byte order of the hyphenated lower-case id). Kind and item are the values in force:
    /// the user's overrides over what names say, so that an edit refiles a file at once.
    async fn item_ids(&self, query: ItemQuery) -> Result<Vec<ItemId>, RepoError>;

    /// How many items `item_ids` would list without paging.
    async fn count_items(&self, filter: MediaFilter) -> Result<u64, RepoError>;

    /// Every present file filed under one of `ids` — versions, parts and extras — in path order,
    /// with overrides merged as [`Self::get`] merges them (so `items::group` files them under the
    /// ids asked for). At most 1000 ids; more is `InvalidInput`.
    async fn item_files(&self, ids: Vec<ItemId>) -> Result<Vec<MediaRecord>, RepoError>;

    /// Checks that the catalog answers at all (for health checks).
    async fn ping(&self) -> Result<(), RepoError>;
}
