//! The user's overrides in the in-memory catalog.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::InMemoryCatalog;
use super::catalog::State;
use crate::items::{
    ItemId, check_edit, check_owner, edits_file, extra_follows, filed_items, filed_under, is_extra_of,
    record_move,
};
use crate::media::{MediaId, MediaRecord, MediaStatus, micros};
use crate::overrides::{OverrideChange, OverrideEdit};
use crate::parse::MediaKind;
use crate::ports::{MediaEdits, RepoError};

/// Applies `edit` to file `id` and audits it; the record as it now reads.
pub(super) fn edit_one(
    state: &mut State,
    id: MediaId,
    edit: &OverrideEdit,
    actor: &str,
    at: DateTime<Utc>,
) -> Option<MediaRecord> {
    let key = state.ids.get(&id).cloned()?;
    let before = state.overrides.get(&id).cloned().unwrap_or_default();
    let after = before.edited(edit);
    let changes = before.changes(&after, id, actor, micros(at));
    state.history.entry(id).or_default().extend(changes);
    if after.is_empty() {
        state.overrides.remove(&id);
    } else {
        state.overrides.insert(id, after);
    }
    let mut row = state.rows.remove(&key)?;
    state.merge(&mut row);
    let record = row.record.clone();
    state.rows.insert(key, row);
    Some(record)
}

/// After an edit filed files of item `item` under `owner`: when no present film or episode file
/// is left under `item`, the move is recorded and its present extras follow, as the SQL adapter
/// does it.
fn follow_item(state: &mut State, item: ItemId, owner: ItemId, actor: &str, at: DateTime<Utc>) {
    let present = || state.rows.values().filter(|r| r.record.status != MediaStatus::Missing);
    if item == owner || present().any(|r| edits_file(item, &r.named, &r.record.overrides)) {
        return;
    }
    let follow: Vec<(MediaId, OverrideEdit)> = present()
        .filter(|r| is_extra_of(item, &r.named, &r.record.overrides))
        .filter_map(|r| Some((r.record.id, extra_follows(&r.named, &r.record.overrides, owner)?)))
        .collect();
    record_move(&mut state.moves, item, owner);
    for (id, edit) in follow {
        edit_one(state, id, &edit, actor, at);
    }
}

fn check(edit: &OverrideEdit, actor: &str) -> Result<(), RepoError> {
    edit.set.check().map_err(RepoError::InvalidInput)?;
    crate::ports::check_text("actor", actor)
}

#[async_trait]
impl MediaEdits for InMemoryCatalog {
    async fn edit(
        &self,
        id: MediaId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<MediaRecord>, RepoError> {
        check(&edit, &actor)?;
        let mut state = self.state();
        let Some(row) = state.ids.get(&id).and_then(|key| state.rows.get(key)) else { return Ok(None) };
        check_owner(&row.named, &row.record.overrides.edited(&edit), &edit)
            .map_err(RepoError::InvalidInput)?;
        let filed = filed_under(&row.record.parsed);
        let record = edit_one(&mut state, id, &edit, &actor, at);
        // The item's last film or episode file moved: its extras follow it.
        if let (Some(item), Some(record)) = (filed, &record)
            && let Some(owner) = filed_under(&record.parsed)
            && matches!(record.parsed.kind, MediaKind::Movie | MediaKind::Episode)
        {
            follow_item(&mut state, item, owner, &actor, at);
        }
        Ok(record)
    }

    async fn edit_item(
        &self,
        item: ItemId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<Vec<MediaRecord>>, RepoError> {
        check(&edit, &actor)?;
        let mut state = self.state();
        // Rows are in path order: so are the edited records.
        let files: Vec<MediaId> = state
            .rows
            .values()
            .filter(|r| r.record.status != MediaStatus::Missing)
            .filter(|r| edits_file(item, &r.named, &r.record.overrides))
            .map(|r| r.record.id)
            .collect();
        if files.is_empty() {
            return Ok(None);
        }
        for row in state.rows.values().filter(|r| files.contains(&r.record.id)) {
            check_edit(&row.named, &row.record.overrides, &edit).map_err(RepoError::InvalidInput)?;
        }
        let edited: Vec<MediaRecord> =
            files.into_iter().filter_map(|id| edit_one(&mut state, id, &edit, &actor, at)).collect();
        if let Some(&owner) = filed_items(&edited).first() {
            follow_item(&mut state, item, owner, &actor, at);
        }
        Ok(Some(edited))
    }

    async fn history(&self, id: MediaId) -> Result<Option<Vec<OverrideChange>>, RepoError> {
        let state = self.state();
        if !state.ids.contains_key(&id) {
            return Ok(None);
        }
        Ok(Some(state.history.get(&id).cloned().unwrap_or_default()))
    }
}
