//! `MediaRepository` over SeaORM.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, Iterable,
    PaginatorTrait, QueryFilter, QuerySelect, Select, TransactionTrait,
};

use scanner_core::ports::{
    DirSummary, MediaMove, MediaRepository, MissingCount, MissingScope, Redecision, RepoError, WriteBatch,
};
use scanner_core::{CatalogEntry, FileIdentity, MediaId, MediaRecord, MediaStatus};

use crate::entity::{media, media_dir};
use crate::{Backend, OpenMode, SeaOrmScanRepository, convert, db_error, decisions, paths, refile};

/// Rows per `INSERT`: keeps the statement under SQLite's 32 766 and PostgreSQL's 65 535
/// bind parameters with room to spare.
pub(crate) const ROWS_PER_STATEMENT: usize = 400;

/// The catalog of media files in a SeaORM database.
#[derive(Debug, Clone)]
pub struct SeaOrmMediaRepository {
    pub(crate) db: DatabaseConnection,
}

impl SeaOrmMediaRepository {
    /// Connects to the catalog at `url` (`sqlite:///path/to/catalog.db`, `sqlite::memory:`,
    /// `postgres://user@host/db`); see [`OpenMode`] for what that may change.
    pub async fn open(url: &str, mode: OpenMode) -> Result<Self, RepoError> {
        Self::open_with_timeout(url, mode, crate::CONNECT_TIMEOUT).await
    }

    /// [`Self::open`], giving up after `timeout` when the server does not answer.
    pub async fn open_with_timeout(url: &str, mode: OpenMode, timeout: Duration) -> Result<Self, RepoError> {
        Ok(Self { db: crate::connect(url, timeout, mode).await? })
    }

    /// The scan records and leases, in the same database.
    pub fn scans(&self) -> SeaOrmScanRepository {
        SeaOrmScanRepository::new(self.db.clone())
    }

    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Brings the schema up to date (what opening with [`OpenMode::Migrate`] does).
    pub async fn migrate(&self) -> Result<(), RepoError> {
        crate::schema::migrate(&self.db).await
    }

    /// Closes the connections; the repository is unusable afterwards.
    pub async fn close(&self) -> Result<(), RepoError> {
        self.db.clone().close().await.map_err(db_error)
    }
}

/// Every column an upsert overwrites: all but the identity and the first sighting.
fn updated_columns() -> impl Iterator<Item = media::Column> {
    media::Column::iter().filter(|c| !matches!(c, media::Column::Id | media::Column::FirstSeenAt))
}

/// `path` itself, or anything below it: a range on the encoded path, which an index serves.
pub(crate) fn under(column: impl ColumnTrait, path: &Path) -> Condition {
    let exact = paths::encode(path);
    let dir = exact.trim_end_matches('/');
    // '0' is the byte after '/', so [dir/, dir0) is exactly "below dir".
    Condition::any()
        .add(column.eq(exact.clone()))
        .add(Condition::all().add(column.gte(format!("{dir}/"))).add(column.lt(format!("{dir}0"))))
}

/// Rows not missing yet and not below a folder the scan could not read.
fn eligible(scope: &MissingScope) -> Condition {
    let mut condition = Condition::all().add(media::Column::Status.ne(MediaStatus::Missing.as_str()));
    for excluded in &scope.excluded {
        condition = condition.add(under(media::Column::Path, excluded).not());
    }
    condition
}

/// Rows the scan found absent from a folder it listed (index on `absent_scan`).
fn absent(scope: &MissingScope) -> Condition {
    eligible(scope).add(media::Column::AbsentScan.eq(scope.scan.0))
}

/// Rows in folders under the root that the scan did not list (the `media_dirs` index, then the
/// index on `dir`). Every row's folder has a `media_dirs` row (`apply` keeps it so), so "not
/// listed" is "in an unseen folder".
fn in_unseen_dirs(scope: &MissingScope) -> Condition {
    let unseen = Query::select()
        .column(media_dir::Column::Path)
        .from(media_dir::Entity)
        .cond_where(under(media_dir::Column::Path, &scope.root))
        .and_where(Expr::col(media_dir::Column::LastSeenScan).ne(scope.scan.0))
        .to_owned();
    eligible(scope).add(media::Column::Dir.in_subquery(unseen))
}

/// The files a completed scan may mark missing (see `MissingScope`).
fn missing(scope: &MissingScope) -> Condition {
    Condition::any().add(absent(scope)).add(in_unseen_dirs(scope))
}

/// The columns change detection needs, decoded by position (by name costs microseconds a row,
/// and a rescan reads every row).
type EntryRow =
    (uuid::Uuid, String, i64, i64, Option<i64>, Option<i64>, String, i32, Option<i64>, Option<String>);

async fn entries(
    select: Select<media::Entity>,
    db: &DatabaseConnection,
    with_fingerprint: bool,
) -> Result<Vec<CatalogEntry>, RepoError> {
    let fingerprint = if with_fingerprint {
        Expr::col(media::Column::Fingerprint)
    } else {
        Expr::value(Option::<String>::None)
    };
    let rows: Vec<EntryRow> = select
        .select_only()
        .columns([
            media::Column::Id,
            media::Column::Path,
            media::Column::SizeBytes,
            media::Column::ModifiedNs,
            media::Column::Device,
            media::Column::Inode,
            media::Column::Status,
            media::Column::ProbeVersion,
            media::Column::SidecarSignature,
        ])
        .expr_as(fingerprint, "fingerprint")
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    rows.into_iter()
        .map(|(id, path, size, modified_ns, device, inode, status, probe_version, sidecars, fingerprint)| {
            Ok(CatalogEntry {
                id: MediaId(id),
                path: paths::decode(&path),
                size: size as u64,
                modified: DateTime::from_timestamp_nanos(modified_ns),
                identity: match (device, inode) {
                    (Some(device), Some(inode)) => {
                        Some(FileIdentity { device: device as u64, inode: inode as u64 })
                    }
                    _ => None,
                },
                status: MediaStatus::parse(&status)
                    .ok_or_else(|| RepoError::corrupt(format!("unknown status {status:?}")))?,
                fingerprint,
                probe_version: u32::try_from(probe_version).unwrap_or_default(),
                sidecar_signature: sidecars.map(convert::unsigned),
            })
        })
        .collect()
}

/// Moves a row to a file's new path, if the row is still at the old one; a missing row comes
/// back with the status its last probe gave.
async fn apply_move(txn: &DatabaseTransaction, moved: &MediaMove) -> Result<(), RepoError> {
    let parsed = &moved.parsed;
    let file = &moved.file;
    let back = Expr::cust(
        "CASE WHEN status = 'missing' THEN (CASE WHEN error IS NULL THEN 'ok' ELSE 'failed' END) ELSE status END",
    );
    media::Entity::update_many()
        .col_expr(media::Column::Path, Expr::value(paths::encode(&file.path)))
        .col_expr(media::Column::Dir, Expr::value(paths::parent(&file.path)))
        .col_expr(media::Column::SizeBytes, Expr::value(file.size as i64))
        .col_expr(
            media::Column::ModifiedNs,
            Expr::value(file.modified.timestamp_nanos_opt().unwrap_or_default()),
        )
        .col_expr(media::Column::Device, Expr::value(file.identity.map(|i| i.device as i64)))
        .col_expr(media::Column::Inode, Expr::value(file.identity.map(|i| i.inode as i64)))
        .col_expr(media::Column::Library, Expr::value(moved.library.clone()))
        .col_expr(media::Column::Parsed, Expr::value(convert::json(parsed)?))
        .col_expr(media::Column::Kind, Expr::value(parsed.kind.as_str()))
        .col_expr(media::Column::Show, Expr::value(parsed.show.clone()))
        .col_expr(media::Column::Season, Expr::value(parsed.season.map(|s| s as i32)))
        .col_expr(media::Column::Year, Expr::value(parsed.year.map(i32::from)))
        .col_expr(media::Column::Title, Expr::value(parsed.title.clone()))
        .col_expr(media::Column::SearchText, Expr::value(convert::search_text(parsed)))
        .col_expr(media::Column::ItemId, Expr::value(convert::item_id(parsed)))
        .col_expr(media::Column::Status, back)
        .col_expr(media::Column::MissingSince, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(media::Column::AbsentScan, Expr::value(Option::<uuid::Uuid>::None))
        .filter(media::Column::Id.eq(moved.id.0))
        .filter(media::Column::Path.eq(paths::encode(&moved.from)))
        .exec(txn)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[async_trait]
impl MediaRepository for SeaOrmMediaRepository {
    async fn apply(&self, batch: WriteBatch) -> Result<(), RepoError> {
        if batch.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin().await.map_err(db_error)?;
        crate::edits::write_lock(&txn).await?;
        let models = batch.upserts.iter().map(convert::to_active).collect::<Result<Vec<_>, _>>()?;
        for chunk in models.chunks(ROWS_PER_STATEMENT) {
            media::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::column(media::Column::Path).update_columns(updated_columns()).to_owned(),
                )
                .exec_without_returning(&txn)
                .await
                .map_err(db_error)?;
        }
        decisions::store_for_paths(&txn, &batch.upserts).await?;
        // Every row's folder has a media_dirs row (what the missing-files queries rely on); a
        // folder no scan listed yet gets the nil scan.
        let mut new_dirs: Vec<String> = batch.upserts.iter().map(|r| paths::parent(&r.path)).collect();
        new_dirs.sort();
        new_dirs.dedup();
        let at = convert::micros(scanner_core::media::now());
        let placeholders: Vec<media_dir::ActiveModel> = new_dirs
            .into_iter()
            .map(|path| media_dir::ActiveModel {
                path: Set(path),
                last_seen_scan: Set(uuid::Uuid::nil()),
                last_seen_at: Set(at),
                signature: Set(None),
                files: Set(0),
                failed: Set(0),
            })
            .collect();
        for chunk in placeholders.chunks(ROWS_PER_STATEMENT) {
            media_dir::Entity::insert_many(chunk.to_vec())
                .on_conflict(OnConflict::column(media_dir::Column::Path).do_nothing().to_owned())
                .exec_without_returning(&txn)
                .await
                .map_err(db_error)?;
        }
        let scan = || batch.scan.map(|s| s.0).ok_or_else(|| RepoError::database("a scan id is required"));
        if !batch.seen_dirs.is_empty() {
            let (scan, at) = (scan()?, convert::micros(scanner_core::media::now()));
            let dirs: Vec<media_dir::ActiveModel> = batch
                .seen_dirs
                .iter()
                .map(|dir| media_dir::ActiveModel {
                    path: Set(paths::encode(&dir.path)),
                    last_seen_scan: Set(scan),
                    last_seen_at: Set(at),
                    signature: Set(dir.summary.map(|s| s.signature as i64)),
                    files: Set(dir.summary.map_or(0, |s| s.files as i64)),
                    failed: Set(dir.summary.map_or(0, |s| s.failed as i64)),
                })
                .collect();
            for chunk in dirs.chunks(ROWS_PER_STATEMENT) {
                media_dir::Entity::insert_many(chunk.to_vec())
                    .on_conflict(
                        OnConflict::column(media_dir::Column::Path)
                            .update_columns([
                                media_dir::Column::LastSeenScan,
                                media_dir::Column::LastSeenAt,
                                media_dir::Column::Signature,
                                media_dir::Column::Files,
                                media_dir::Column::Failed,
                            ])
                            .to_owned(),
                    )
                    .exec_without_returning(&txn)
                    .await
                    .map_err(db_error)?;
            }
        }
        for absent in &batch.absent {
            media::Entity::update_many()
                .col_expr(media::Column::AbsentScan, Expr::value(scan()?))
                .filter(media::Column::Id.eq(absent.id.0))
                .filter(media::Column::Path.eq(paths::encode(&absent.path)))
                .exec(&txn)
                .await
                .map_err(db_error)?;
        }
        for moved in &batch.moves {
            apply_move(&txn, moved).await?;
        }
        // Rows written from their names alone: those the user overrode go back under the item
        // their values in force name.
        for chunk in batch.upserts.chunks(ROWS_PER_STATEMENT) {
            let paths = chunk.iter().map(|r| paths::encode(&r.path));
            refile::refile(&txn, Condition::all().add(media::Column::Path.is_in(paths))).await?;
        }
        for chunk in batch.moves.chunks(ROWS_PER_STATEMENT) {
            let ids = chunk.iter().map(|m| m.id.0);
            refile::refile(&txn, Condition::all().add(media::Column::Id.is_in(ids))).await?;
        }
        // Extras whose owner an item edit moved follow it (a batch without extras asks nothing).
        crate::moves::follow(&txn, &batch).await?;
        txn.commit().await.map_err(db_error)
    }

    async fn dir_summaries(&self, dirs: Vec<PathBuf>) -> Result<Vec<(PathBuf, DirSummary)>, RepoError> {
        let encoded: Vec<String> = dirs.iter().map(|d| paths::encode(d)).collect();
        let rows: Vec<(String, Option<i64>, i64, i64)> = media_dir::Entity::find()
            .select_only()
            .columns([
                media_dir::Column::Path,
                media_dir::Column::Signature,
                media_dir::Column::Files,
                media_dir::Column::Failed,
            ])
            .filter(media_dir::Column::Path.is_in(encoded))
            .filter(media_dir::Column::Signature.is_not_null())
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .filter_map(|(path, signature, files, failed)| {
                let summary =
                    DirSummary { signature: signature? as u64, files: files as u64, failed: failed as u64 };
                Some((paths::decode(&path), summary))
            })
            .collect())
    }

    async fn entries_in_dirs(&self, dirs: Vec<PathBuf>) -> Result<Vec<CatalogEntry>, RepoError> {
        let encoded: Vec<String> = dirs.iter().map(|d| paths::encode(d)).collect();
        // Change detection needs no fingerprint: leaving it out keeps the hot read lean.
        entries(media::Entity::find().filter(media::Column::Dir.is_in(encoded)), &self.db, false).await
    }

    async fn entries_like(
        &self,
        size: u64,
        modified: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<CatalogEntry>, RepoError> {
        let modified_ns = modified.timestamp_nanos_opt().unwrap_or_default();
        let select = media::Entity::find()
            .filter(media::Column::SizeBytes.eq(size as i64))
            .filter(media::Column::ModifiedNs.eq(modified_ns))
            .limit(Ord::min(limit, i64::MAX as u64));
        entries(select, &self.db, true).await
    }

    async fn missing_count(&self, scope: MissingScope) -> Result<MissingCount, RepoError> {
        // Two counts the indexes serve (rows marked absent; rows in unseen folders) instead of
        // one that reads every row under the root. They are disjoint: a row marked absent is
        // in a folder the scan listed.
        let mut candidates = 0;
        for part in [absent(&scope), in_unseen_dirs(&scope)] {
            candidates += media::Entity::find().filter(part).count(&self.db).await.map_err(db_error)?;
        }
        if candidates == 0 {
            return Ok(MissingCount { candidates, catalogued: 0 });
        }
        let catalogued = media::Entity::find()
            .filter(under(media::Column::Path, &scope.root))
            .filter(media::Column::Status.ne(MediaStatus::Missing.as_str()))
            .count(&self.db)
            .await
            .map_err(db_error)?;
        Ok(MissingCount { candidates, catalogued })
    }

    async fn mark_missing(&self, scope: MissingScope, at: DateTime<Utc>) -> Result<u64, RepoError> {
        let result = media::Entity::update_many()
            .col_expr(media::Column::Status, Expr::value(MediaStatus::Missing.as_str()))
            .col_expr(media::Column::MissingSince, Expr::value(convert::micros(at)))
            .filter(missing(&scope))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected)
    }

    async fn prune_missing(&self, root: PathBuf) -> Result<u64, RepoError> {
        let result = media::Entity::delete_many()
            .filter(under(media::Column::Path, &root))
            .filter(media::Column::Status.eq(MediaStatus::Missing.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected)
    }

    async fn undecided(
        &self,
        root: PathBuf,
        fingerprint: u64,
        after: Option<PathBuf>,
        limit: u64,
    ) -> Result<Vec<MediaRecord>, RepoError> {
        decisions::undecided(&self.db, &root, fingerprint, after.as_deref(), limit).await
    }

    async fn records(&self, ids: Vec<MediaId>) -> Result<Vec<MediaRecord>, RepoError> {
        let ids: Vec<uuid::Uuid> = ids.into_iter().map(|id| id.0).collect();
        let models = media::Entity::find()
            .filter(media::Column::Id.is_in(ids))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        models.into_iter().map(convert::from_model).collect()
    }

    async fn redecide(&self, decisions: Vec<Redecision>, fingerprint: u64) -> Result<u64, RepoError> {
        let txn = self.db.begin().await.map_err(db_error)?;
        crate::edits::write_lock(&txn).await?;
        let updated = decisions::redecide(&txn, &decisions, fingerprint).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    async fn any_under(&self, root: PathBuf) -> Result<bool, RepoError> {
        let found = media::Entity::find()
            .select_only()
            .column(media::Column::Id)
            .filter(under(media::Column::Path, &root))
            .limit(1)
            .into_tuple::<uuid::Uuid>()
            .one(&self.db)
            .await
            .map_err(db_error)?;
        Ok(found.is_some())
    }
}
