//! [`InMemoryCatalog`]: the catalog of media files in memory, behaving as the SQL adapter does.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::filter::{matches, under};
use crate::items::{ItemId, SCAN_ACTOR, follows_move};
use crate::media::{CatalogEntry, MediaId, MediaRecord, MediaStatus, micros};
use crate::overrides::{OverrideChange, Overrides};
use crate::parse::{MediaKind, ParsedName};
use crate::path_key;
use crate::ports::{
    DirSummary, ItemQuery, MediaFilter, MediaQueries, MediaQuery, MediaRepository, MissingCount,
    MissingScope, Redecision, RepoError, ShowSummary, WriteBatch, check_offset, check_text,
};
use crate::report::LibraryReport;
use crate::scan::ScanId;

/// A stored row: the record (with the user's overrides merged into `parsed`) and what the
/// catalog keeps beside it.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) record: MediaRecord,
    /// What the path said, before overrides.
    pub(super) named: ParsedName,
    /// The scan that found the file absent from its folder.
    absent_scan: Option<ScanId>,
}

/// What the catalog knows of a folder: the last scan that listed it, and its summary.
#[derive(Debug, Clone, Copy)]
struct Dir {
    last_seen: Option<ScanId>,
    summary: Option<DirSummary>,
}

#[derive(Debug, Default, Clone)]
pub(super) struct State {
    /// By path key, so that iteration is in catalog order.
    pub(super) rows: BTreeMap<String, Row>,
    pub(super) ids: HashMap<MediaId, String>,
    /// The user's overrides and their history, by file (kept apart from rows, as in SQL).
    pub(super) overrides: HashMap<MediaId, Overrides>,
    pub(super) history: HashMap<MediaId, Vec<OverrideChange>>,
    /// Where item edits moved items (`MediaEdits::edit_item`).
    pub(super) moves: crate::items::ItemMoves,
    /// By folder path key. Every row's folder has one (as the SQL adapter keeps it).
    dirs: BTreeMap<String, Dir>,
    stats: CatalogStats,
}

/// How the catalog was used, for tests that count reads and writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogStats {
    /// Batches applied.
    pub applies: usize,
    /// Folders read row by row (`entries_in_dirs`).
    pub dirs_read: usize,
}

/// The catalog in memory: a plain implementation of [`MediaRepository`] and [`MediaQueries`]
/// that passes the same contract suite ([`super::contract`]) as the SQL adapter. Cheap to
/// clone; clones share the catalog.
#[derive(Debug, Clone, Default)]
pub struct InMemoryCatalog {
    state: Arc<Mutex<State>>,
}

/// The record as the catalog stores it: timestamps to the microsecond.
fn stored(mut record: MediaRecord) -> MediaRecord {
    record.first_seen_at = micros(record.first_seen_at);
    record.last_scanned_at = micros(record.last_scanned_at);
    record.missing_since = record.missing_since.map(micros);
    record
}

fn entry(record: &MediaRecord, with_fingerprint: bool) -> CatalogEntry {
    CatalogEntry {
        id: record.id,
        path: record.path.clone(),
        size: record.size_bytes,
        modified: record.modified_at,
        identity: record.identity,
        status: record.status,
        fingerprint: if with_fingerprint { record.fingerprint.clone() } else { None },
        probe_version: record.probe_version,
        sidecar_signature: record.sidecar_signature,
    }
}

impl State {
    fn eligible(&self, key: &str, row: &Row, scope: &MissingScope) -> bool {
        under(key, &scope.root)
            && row.record.status != MediaStatus::Missing
            && !scope.excluded.iter().any(|x| under(key, x))
    }

    /// Absent from a listed folder, or in a folder under the root this scan did not list.
    fn missing<'a>(&'a self, scope: &'a MissingScope) -> impl Iterator<Item = String> + 'a {
        self.rows.iter().filter_map(move |(key, row)| {
            if !self.eligible(key, row, scope) {
                return None;
            }
            let dir = path_key::parent(&row.record.path);
            let absent = row.absent_scan == Some(scope.scan);
            let unseen = self
                .dirs
                .get(&dir)
                .is_some_and(|d| under(&dir, &scope.root) && d.last_seen != Some(scope.scan));
            (absent || unseen).then(|| key.clone())
        })
    }

    fn upsert(&mut self, record: MediaRecord) -> Result<(), RepoError> {
        let key = path_key::encode(&record.path);
        let mut record = stored(record);
        if let Some(existing) = self.rows.get(&key) {
            record.id = existing.record.id;
            record.first_seen_at = existing.record.first_seen_at;
        } else if self.ids.contains_key(&record.id) {
            // Ids are unique: the SQL adapter's primary key refuses a second row.
            return Err(RepoError::database(format!("id {} is taken by another path", record.id)));
        }
        self.dirs.entry(path_key::parent(&record.path)).or_insert(Dir { last_seen: None, summary: None });
        self.ids.insert(record.id, key.clone());
        let named = record.parsed.clone();
        let mut row = Row { record, named, absent_scan: None };
        self.merge(&mut row);
        self.rows.insert(key, row);
        Ok(())
    }

    /// Puts the file's overrides over what its path said.
    pub(super) fn merge(&self, row: &mut Row) {
        let overrides = self.overrides.get(&row.record.id).cloned().unwrap_or_default();
        row.record.parsed = overrides.apply(&row.named);
        row.record.overrides = overrides;
    }

    /// Forgets a file: its row, its overrides and their history.
    fn remove(&mut self, key: &str) {
        if let Some(row) = self.rows.remove(key) {
            self.ids.remove(&row.record.id);
            self.overrides.remove(&row.record.id);
            self.history.remove(&row.record.id);
        }
    }

    fn apply(&mut self, batch: WriteBatch) -> Result<(), RepoError> {
        let needs_scan = !batch.seen_dirs.is_empty() || !batch.absent.is_empty();
        let scan = match batch.scan {
            Some(scan) => Some(scan),
            None if needs_scan => return Err(RepoError::database("a scan id is required")),
            None => None,
        };
        let mut written: Vec<MediaId> = batch.upserts.iter().map(|r| r.id).collect();
        written.extend(batch.moves.iter().map(|m| m.id));
        for record in batch.upserts {
            self.upsert(record)?;
        }
        for dir in batch.seen_dirs {
            self.dirs.insert(path_key::encode(&dir.path), Dir { last_seen: scan, summary: dir.summary });
        }
        for absent in batch.absent {
            if let Some(row) = self.rows.get_mut(&path_key::encode(&absent.path))
                && row.record.id == absent.id
            {
                row.absent_scan = scan;
            }
        }
        for moved in batch.moves {
            let from = path_key::encode(&moved.from);
            let Some(mut row) = self.rows.remove(&from) else { continue };
            if row.record.id != moved.id {
                self.rows.insert(from, row);
                continue;
            }
            let record = &mut row.record;
            record.path = moved.file.path.clone();
            record.size_bytes = moved.file.size;
            record.modified_at = moved.file.modified;
            record.identity = moved.file.identity;
            record.library = moved.library;
            row.named = moved.parsed;
            if record.status == MediaStatus::Missing {
                record.status = if record.error.is_some() { MediaStatus::Failed } else { MediaStatus::Ok };
            }
            record.missing_since = None;
            row.absent_scan = None;
            self.merge(&mut row);
            let key = path_key::encode(&row.record.path);
            self.ids.insert(row.record.id, key.clone());
            // A row already at the new path gives way, as the SQL adapter's unique path would
            // refuse the move instead; the scanner never asks for that.
            self.rows.insert(key, row);
        }
        self.follow_moves(&written);
        Ok(())
    }

    /// Extras among the rows `written` follow their owner where an item edit moved it.
    fn follow_moves(&mut self, written: &[MediaId]) {
        if self.moves.is_empty() {
            return;
        }
        let follow: Vec<(MediaId, crate::overrides::OverrideEdit)> = written
            .iter()
            .filter_map(|id| self.rows.get(self.ids.get(id)?))
            .filter_map(|r| Some((r.record.id, follows_move(&r.named, &r.record.overrides, &self.moves)?)))
            .collect();
        let now = crate::media::now();
        for (id, edit) in follow {
            super::edits::edit_one(self, id, &edit, SCAN_ACTOR, now);
        }
    }
}

impl InMemoryCatalog {
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How the catalog was used so far.
    pub fn stats(&self) -> CatalogStats {
        self.state().stats
    }

    /// Every record, in catalog order.
    pub fn records(&self) -> Vec<MediaRecord> {
        self.state().rows.values().map(|r| r.record.clone()).collect()
    }

    /// What the catalog knows of folder `path`: the last scan that listed it (`None`: only
    /// written to), and its summary.
    pub fn folder(&self, path: &Path) -> Option<(Option<ScanId>, Option<DirSummary>)> {
        self.state().dirs.get(&path_key::encode(path)).map(|d| (d.last_seen, d.summary))
    }

    /// The record at `path`, if any.
    pub fn record(&self, path: &Path) -> Option<MediaRecord> {
        self.state().rows.get(&path_key::encode(path)).map(|r| r.record.clone())
    }
}

#[async_trait]
impl MediaRepository for InMemoryCatalog {
    async fn apply(&self, batch: WriteBatch) -> Result<(), RepoError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut state = self.state();
        // All or none: work on a copy, keep it only when every part applied.
        let mut next = state.clone();
        next.apply(batch)?;
        next.stats.applies += 1;
        *state = next;
        Ok(())
    }

    async fn dir_summaries(&self, dirs: Vec<PathBuf>) -> Result<Vec<(PathBuf, DirSummary)>, RepoError> {
        let state = self.state();
        Ok(dirs
            .into_iter()
            .filter_map(|d| state.dirs.get(&path_key::encode(&d)).and_then(|s| s.summary).map(|s| (d, s)))
            .collect())
    }

    async fn entries_in_dirs(&self, dirs: Vec<PathBuf>) -> Result<Vec<CatalogEntry>, RepoError> {
        let mut state = self.state();
        state.stats.dirs_read += dirs.len();
        let keys: Vec<String> = dirs.iter().map(|d| path_key::encode(d)).collect();
        Ok(state
            .rows
            .values()
            .filter(|r| keys.contains(&path_key::parent(&r.record.path)))
            .map(|r| entry(&r.record, false))
            .collect())
    }

    async fn entries_like(
        &self,
        size: u64,
        modified: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<CatalogEntry>, RepoError> {
        let state = self.state();
        Ok(state
            .rows
            .values()
            .filter(|r| r.record.size_bytes == size && r.record.modified_at == modified)
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|r| entry(&r.record, true))
            .collect())
    }

    async fn missing_count(&self, scope: MissingScope) -> Result<MissingCount, RepoError> {
        let state = self.state();
        let candidates = state.missing(&scope).count() as u64;
        if candidates == 0 {
            return Ok(MissingCount { candidates, catalogued: 0 });
        }
        let catalogued = state
            .rows
            .iter()
            .filter(|(key, row)| under(key, &scope.root) && row.record.status != MediaStatus::Missing)
            .count() as u64;
        Ok(MissingCount { candidates, catalogued })
    }

    async fn mark_missing(&self, scope: MissingScope, at: DateTime<Utc>) -> Result<u64, RepoError> {
        let mut state = self.state();
        let keys: Vec<String> = state.missing(&scope).collect();
        for key in &keys {
            if let Some(row) = state.rows.get_mut(key) {
                row.record.status = MediaStatus::Missing;
                row.record.missing_since = Some(micros(at));
            }
        }
        Ok(keys.len() as u64)
    }

    async fn prune_missing(&self, root: PathBuf) -> Result<u64, RepoError> {
        let mut state = self.state();
        let gone: Vec<(String, MediaId)> = state
            .rows
            .iter()
            .filter(|(key, row)| under(key, &root) && row.record.status == MediaStatus::Missing)
            .map(|(key, row)| (key.clone(), row.record.id))
            .collect();
        for (key, _) in &gone {
            state.remove(key);
        }
        Ok(gone.len() as u64)
    }

    async fn any_under(&self, root: PathBuf) -> Result<bool, RepoError> {
        Ok(self.state().rows.keys().any(|key| under(key, &root)))
    }

    async fn undecided(
        &self,
        root: PathBuf,
        fingerprint: u64,
        after: Option<PathBuf>,
        limit: u64,
    ) -> Result<Vec<MediaRecord>, RepoError> {
        let after = after.map(|a| path_key::encode(&a));
        let state = self.state();
        Ok(state
            .rows
            .iter()
            .filter(|(key, _)| after.as_ref().is_none_or(|a| key.as_str() > a.as_str()))
            .filter(|(key, row)| {
                under(key, &root)
                    && row.record.status != MediaStatus::Failed
                    && row.record.decided_with != Some(fingerprint)
            })
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|(_, row)| row.record.clone())
            .collect())
    }

    async fn records(&self, ids: Vec<MediaId>) -> Result<Vec<MediaRecord>, RepoError> {
        let state = self.state();
        Ok(state
            .rows
            .values()
            .filter(|row| ids.contains(&row.record.id))
            .map(|row| MediaRecord {
                parsed: row.named.clone(),
                overrides: Default::default(),
                ..row.record.clone()
            })
            .collect())
    }

    async fn redecide(&self, decisions: Vec<Redecision>, fingerprint: u64) -> Result<u64, RepoError> {
        let mut state = self.state();
        let mut updated = 0;
        for decision in decisions {
            let Some(key) = state.ids.get(&decision.id).cloned() else { continue };
            let Some(row) = state.rows.get_mut(&key) else { continue };
            if row.record.decided_with != decision.was {
                continue;
            }
            row.record.playback = decision.playback;
            row.record.compatibility = decision.compatibility;
            row.record.decided_with = Some(fingerprint);
            updated += 1;
        }
        Ok(updated)
    }
}

#[async_trait]
impl MediaQueries for InMemoryCatalog {
    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError> {
        let state = self.state();
        Ok(state.ids.get(&id).and_then(|key| state.rows.get(key)).map(|r| r.record.clone()))
    }

    async fn get_by_path(&self, path: PathBuf) -> Result<Option<MediaRecord>, RepoError> {
        check_text("path", &path.to_string_lossy())?;
        Ok(self.record(&path))
    }

    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError> {
        query.filter.check()?;
        let offset = query.offset.map(check_offset).transpose()?.unwrap_or(0);
        let after = match &query.after_path {
            Some(path) => {
                check_text("cursor", &path.to_string_lossy())?;
                Some(path_key::encode(path))
            }
            None => None,
        };
        let state = self.state();
        let limit = query.limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        Ok(state
            .rows
            .iter()
            .filter(|(key, _)| after.as_ref().is_none_or(|a| key.as_str() > a.as_str()))
            .filter(|(key, row)| matches(row, key, &query.filter))
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(limit)
            .map(|(_, row)| row.record.clone())
            .collect())
    }

    async fn count(&self, filter: MediaFilter) -> Result<u64, RepoError> {
        filter.check()?;
        let state = self.state();
        Ok(state.rows.iter().filter(|(key, row)| matches(row, key, &filter)).count() as u64)
    }

    async fn shows(&self, filter: MediaFilter) -> Result<Vec<ShowSummary>, RepoError> {
        filter.check()?;
        let state = self.state();
        let mut groups: BTreeMap<(String, Option<u16>), (Vec<u32>, u64)> = BTreeMap::new();
        for (key, row) in &state.rows {
            let parsed = &row.record.parsed;
            let Some(show) = &parsed.show else { continue };
            if parsed.kind != MediaKind::Episode || !matches(row, key, &filter) {
                continue;
            }
            let group = groups.entry((show.clone(), parsed.year)).or_default();
            group.0.extend(parsed.season);
            group.1 += 1;
        }
        Ok(groups
            .into_iter()
            .map(|((show, year), (mut seasons, episodes))| {
                seasons.sort_unstable();
                seasons.dedup();
                ShowSummary { show, year, seasons: seasons.len() as u64, episodes }
            })
            .collect())
    }

    async fn report(&self, filter: MediaFilter) -> Result<LibraryReport, RepoError> {
        filter.check()?;
        let state = self.state();
        let selected = state.rows.iter().filter(|(key, row)| matches(row, key, &filter));
        Ok(super::report::report(selected.map(|(_, row)| &row.record)))
    }

    async fn item_ids(&self, query: ItemQuery) -> Result<Vec<ItemId>, RepoError> {
        let state = self.state();
        super::items::item_ids(state.rows.iter(), &query)
    }

    async fn count_items(&self, filter: MediaFilter) -> Result<u64, RepoError> {
        let state = self.state();
        super::items::count_items(state.rows.iter(), &filter)
    }

    async fn item_files(&self, ids: Vec<ItemId>) -> Result<Vec<MediaRecord>, RepoError> {
        let state = self.state();
        super::items::item_files(state.rows.iter(), &ids)
    }

    async fn ping(&self) -> Result<(), RepoError> {
        Ok(())
    }
}
