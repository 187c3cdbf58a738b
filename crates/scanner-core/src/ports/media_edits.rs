//! The `MediaEdits` port: the user's overrides of what names say, and their history.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RepoError;
use crate::items::ItemId;
use crate::media::{MediaId, MediaRecord};
use crate::overrides::{OverrideChange, OverrideEdit};

/// Overrides are kept apart from the rows scans write, and merged into `parsed` by every read
/// of [`super::MediaQueries`] (and filters see the merged values): a rescan, a re-probe, a
/// move or a rename never touches them, and an edit never races with a scan.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaEdits: Send + Sync {
    /// Applies `edit` to file `id`'s overrides atomically — after refusing, as
    /// [`RepoError::InvalidInput`], values `Overrides::check` refuses and an owner for a file
    /// that is no extra (`items::check_owner`) — and appends one history entry per field that
    /// changed, by `actor` at `at`. When the file was the last present film or episode file of
    /// its item and now is filed under another, the item's extras follow it, in the same
    /// transaction (as [`Self::edit_item`]). Returns the record as it now reads; `None` when no
    /// file has this id.
    async fn edit(
        &self,
        id: MediaId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<MediaRecord>, RepoError>;

    /// File `id`'s override history, oldest first; `None` when no file has this id. The
    /// history goes with the file when its row is deleted.
    async fn history(&self, id: MediaId) -> Result<Option<Vec<OverrideChange>>, RepoError>;

    /// Applies `edit` to every present film or episode file filed under item `item` — every
    /// part of every version — in one transaction, each file audited as [`Self::edit`] audits
    /// it. Refuses what `edit` refuses, and, as `InvalidInput`, an edit that would leave a file
    /// in no item (`items::check_edit`), changing nothing. Files are filed by their values in
    /// force, so an edit that changes the item's key (a provider id, a title) refiles them: the
    /// catalog's item queries see the new id as soon as this returns. The item's present extras
    /// follow the first edited file's new item in the same transaction (`items::extra_follows`,
    /// audited alike), and the move is recorded (`items::record_move`) so that extras written
    /// later from their names follow too. Returns the edited film or episode records as they now read, in path
    /// order; `None` when no such file is filed under `item`.
    async fn edit_item(
        &self,
        item: ItemId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<Vec<MediaRecord>>, RepoError>;
}
