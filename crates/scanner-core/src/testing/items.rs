//! The item queries of [`super::InMemoryCatalog`], over its rows as `(path key, row)`. Items
//! are filed by the values in force (`record.parsed`: overrides over what the name says), as
//! the SQL adapter's `item_id` column is, and their files read with overrides merged.

use std::collections::BTreeSet;

use super::catalog::Row;
use super::filter::matches;
use crate::items::{ItemId, filed_under};
use crate::media::{MediaRecord, MediaStatus};
use crate::parse::MediaKind;
use crate::ports::{ItemQuery, MAX_ITEM_IDS, MediaFilter, RepoError, check_offset};

/// The items of the present film and episode files `matches` selects, in id order.
fn matching<'a>(rows: impl Iterator<Item = (&'a String, &'a Row)>, filter: &MediaFilter) -> BTreeSet<ItemId> {
    rows.filter(|(_, r)| r.record.status != MediaStatus::Missing)
        .filter(|(_, r)| matches!(r.record.parsed.kind, MediaKind::Movie | MediaKind::Episode))
        .filter(|(key, r)| matches(r, key, filter))
        .filter_map(|(_, r)| filed_under(&r.record.parsed))
        .collect()
}

pub(super) fn item_ids<'a>(
    rows: impl Iterator<Item = (&'a String, &'a Row)>,
    query: &ItemQuery,
) -> Result<Vec<ItemId>, RepoError> {
    query.filter.check()?;
    let offset = query.offset.map(check_offset).transpose()?.unwrap_or(0);
    Ok(matching(rows, &query.filter)
        .into_iter()
        .filter(|id| query.after.is_none_or(|after| *id > after))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(query.limit).unwrap_or(usize::MAX))
        .collect())
}

pub(super) fn count_items<'a>(
    rows: impl Iterator<Item = (&'a String, &'a Row)>,
    filter: &MediaFilter,
) -> Result<u64, RepoError> {
    filter.check()?;
    Ok(matching(rows, filter).len() as u64)
}

pub(super) fn item_files<'a>(
    rows: impl Iterator<Item = (&'a String, &'a Row)>,
    ids: &[ItemId],
) -> Result<Vec<MediaRecord>, RepoError> {
    if ids.len() > MAX_ITEM_IDS {
        return Err(RepoError::InvalidInput(format!("more than {MAX_ITEM_IDS} item ids")));
    }
    let wanted: BTreeSet<&ItemId> = ids.iter().collect();
    Ok(rows
        .filter(|(_, r)| r.record.status != MediaStatus::Missing)
        .filter(|(_, r)| filed_under(&r.record.parsed).is_some_and(|id| wanted.contains(&id)))
        .map(|(_, r)| r.record.clone())
        .collect())
}
