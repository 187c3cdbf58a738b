//! The user's overrides in the in-memory catalog.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::InMemoryCatalog;
use crate::media::{MediaId, MediaRecord, micros};
use crate::overrides::{OverrideChange, OverrideEdit};
use crate::ports::{MediaEdits, RepoError};

#[async_trait]
impl MediaEdits for InMemoryCatalog {
    async fn edit(
        &self,
        id: MediaId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<MediaRecord>, RepoError> {
        edit.set.check().map_err(RepoError::InvalidInput)?;
        crate::ports::check_text("actor", &actor)?;
        let mut state = self.state();
        let Some(key) = state.ids.get(&id).cloned() else { return Ok(None) };
        let before = state.overrides.get(&id).cloned().unwrap_or_default();
        let after = before.edited(&edit);
        let changes = before.changes(&after, id, &actor, micros(at));
        state.history.entry(id).or_default().extend(changes);
        if after.is_empty() {
            state.overrides.remove(&id);
        } else {
            state.overrides.insert(id, after);
        }
        let Some(mut row) = state.rows.remove(&key) else { return Ok(None) };
        state.merge(&mut row);
        let record = row.record.clone();
        state.rows.insert(key, row);
        Ok(Some(record))
    }

    async fn history(&self, id: MediaId) -> Result<Option<Vec<OverrideChange>>, RepoError> {
        let state = self.state();
        if !state.ids.contains_key(&id) {
            return Ok(None);
        }
        Ok(Some(state.history.get(&id).cloned().unwrap_or_default()))
    }
}
