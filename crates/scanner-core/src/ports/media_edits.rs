//! The `MediaEdits` port: the user's overrides of what names say, and their history.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RepoError;
use crate::media::{MediaId, MediaRecord};
use crate::overrides::{OverrideChange, OverrideEdit};

/// Overrides are kept apart from the rows scans write, and merged into `parsed` by every read
/// of [`super::MediaQueries`] (and filters see the merged values): a rescan, a re-probe, a
/// move or a rename never touches them, and an edit never races with a scan.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaEdits: Send + Sync {
    /// Applies `edit` to file `id`'s overrides atomically — after refusing, as
    /// [`RepoError::InvalidInput`], values `Overrides::check` refuses — and appends one history
    /// entry per field that changed, by `actor` at `at`. Returns the record as it now reads;
    /// `None` when no file has this id.
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
}
