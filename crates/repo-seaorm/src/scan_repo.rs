//! `ScanRepository` over SeaORM: scan records and the leases that keep one scan per library.
//!
//! Lease expiry is judged by the database's clock (`now_ms`), never a node's, so nodes whose
//! clocks disagree still agree on who holds a lease. Acquiring is one
//! `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement: atomic on both backends.

use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use scanner_core::ports::{
    CancelRequest, Cause, LEASE_EXPIRED, LeaseHolder, LeaseOutcome, PublishedHealth, RepoError, ScanDeletion,
    ScanQuery, ScanRecord, ScanRepository,
};
use scanner_core::{ScanId, ScanIssue, ScanPhase, ScanProgress, ScanStatus, ScanTrigger};

use crate::entity::{scan, scan_lease};
use crate::{convert, db_error, paths};

/// Scan records and leases in a SeaORM database.
#[derive(Debug, Clone)]
pub struct SeaOrmScanRepository {
    db: DatabaseConnection,
}

impl SeaOrmScanRepository {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// The database's clock in milliseconds since the Unix epoch.
pub(crate) fn now_ms(backend: DbBackend) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust("(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"),
        _ => Expr::cust("CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"),
    }
}

fn millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2)
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn corrupt(what: &str) -> impl Fn(serde_json::Error) -> RepoError + '_ {
    move |e| RepoError::Corrupt { what: format!("scan {what}"), source: Some(Cause::new(e)) }
}

fn to_progress(model: scan::Model) -> Result<ScanRecord, RepoError> {
    let status = ScanStatus::parse(&model.status)
        .ok_or_else(|| RepoError::corrupt(format!("unknown scan status {:?}", model.status)))?;
    let errors: Vec<ScanIssue> = serde_json::from_str(&model.errors).map_err(corrupt("errors"))?;
    let progress = ScanProgress {
        scan_id: ScanId(model.id),
        library: model.library,
        root: paths::decode(&model.root),
        node: model.node,
        status,
        total_files: u64::try_from(model.total_files).unwrap_or_default(),
        walk_complete: model.walk_complete,
        processed: u64::try_from(model.processed).unwrap_or_default(),
        succeeded: u64::try_from(model.succeeded).unwrap_or_default(),
        failed: u64::try_from(model.failed).unwrap_or_default(),
        current_file: model.current_file.as_deref().map(paths::decode),
        started_at: model.started_at,
        ended_at: model.ended_at,
        error: model.error,
        errors,
        errors_total: u64::try_from(model.errors_total).unwrap_or_default(),
        phase: ScanPhase::parse(&model.phase)
            .ok_or_else(|| RepoError::corrupt(format!("unknown scan phase {:?}", model.phase)))?,
        new_files: u64::try_from(model.new_files).unwrap_or_default(),
        changed_files: u64::try_from(model.changed_files).unwrap_or_default(),
        unchanged_files: u64::try_from(model.unchanged_files).unwrap_or_default(),
        moved_files: u64::try_from(model.moved_files).unwrap_or_default(),
        missing_files: u64::try_from(model.missing_files).unwrap_or_default(),
        files_per_sec: model.files_per_sec,
        eta_secs: model.eta_secs,
        warnings: serde_json::from_str(&model.warnings).map_err(corrupt("warnings"))?,
        probes: serde_json::from_str(&model.probes).map_err(corrupt("probes"))?,
        expected_files: model.expected_files.and_then(|n| u64::try_from(n).ok()),
        warnings_total: u64::try_from(model.warnings_total).unwrap_or_default(),
        trigger: ScanTrigger::parse(&model.trigger)
            .ok_or_else(|| RepoError::corrupt(format!("unknown scan trigger {:?}", model.trigger)))?,
        scope: model.scope.as_deref().map(paths::decode),
        deferred_files: u64::try_from(model.deferred_files).unwrap_or_default(),
    };
    let holder = LeaseHolder {
        host: model.holder_host,
        pid: u32::try_from(model.holder_pid).unwrap_or_default(),
        instance: model.holder_instance,
    };
    Ok(ScanRecord { progress, lease_key: model.lease_key, holder })
}

/// The columns that change as a scan goes.
fn progress_columns(p: &ScanProgress) -> Result<scan::ActiveModel, RepoError> {
    Ok(scan::ActiveModel {
        status: Set(p.status.as_str().to_owned()),
        total_files: Set(count(p.total_files)),
        walk_complete: Set(p.walk_complete),
        processed: Set(count(p.processed)),
        succeeded: Set(count(p.succeeded)),
        failed: Set(count(p.failed)),
        current_file: Set(p.current_file.as_deref().map(paths::encode)),
        ended_at: Set(p.ended_at.map(convert::micros)),
        error: Set(p.error.clone()),
        errors: Set(serde_json::to_string(&p.errors).map_err(corrupt("errors"))?),
        errors_total: Set(count(p.errors_total)),
        updated_at: Set(Utc::now()),
        phase: Set(p.phase.as_str().to_owned()),
        new_files: Set(count(p.new_files)),
        changed_files: Set(count(p.changed_files)),
        unchanged_files: Set(count(p.unchanged_files)),
        moved_files: Set(count(p.moved_files)),
        missing_files: Set(count(p.missing_files)),
        files_per_sec: Set(p.files_per_sec),
        eta_secs: Set(p.eta_secs),
        warnings: Set(serde_json::to_string(&p.warnings).map_err(corrupt("warnings"))?),
        probes: Set(serde_json::to_string(&p.probes).map_err(corrupt("probes"))?),
        expected_files: Set(p.expected_files.map(count)),
        warnings_total: Set(count(p.warnings_total)),
        deferred_files: Set(count(p.deferred_files)),
        ..Default::default()
    })
}

#[async_trait]
impl ScanRepository for SeaOrmScanRepository {
    async fn acquire_lease(
        &self,
        key: String,
        scan: ScanId,
        holder: LeaseHolder,
        ttl: Duration,
    ) -> Result<LeaseOutcome, RepoError> {
        let backend = self.db.get_database_backend();
        let insert = Query::insert()
            .into_table(scan_lease::Entity)
            .columns([
                scan_lease::Column::LeaseKey,
                scan_lease::Column::ScanId,
                scan_lease::Column::HolderHost,
                scan_lease::Column::HolderPid,
                scan_lease::Column::HolderInstance,
                scan_lease::Column::ExpiresAtMs,
            ])
            .values_panic([
                key.clone().into(),
                scan.0.into(),
                holder.host.into(),
                i64::from(holder.pid).into(),
                holder.instance.into(),
                now_ms(backend).add(millis(ttl)),
            ])
            .on_conflict(
                OnConflict::column(scan_lease::Column::LeaseKey)
                    .update_columns([
                        scan_lease::Column::ScanId,
                        scan_lease::Column::HolderHost,
                        scan_lease::Column::HolderPid,
                        scan_lease::Column::HolderInstance,
                        scan_lease::Column::ExpiresAtMs,
                    ])
                    .action_and_where(
                        Expr::col((scan_lease::Entity, scan_lease::Column::ExpiresAtMs)).lt(now_ms(backend)),
                    )
                    .to_owned(),
            )
            .to_owned();
        if self.db.execute(&insert).await.map_err(db_error)?.rows_affected() == 1 {
            return Ok(LeaseOutcome::Acquired);
        }
        let holder = scan_lease::Entity::find_by_id(key).one(&self.db).await.map_err(db_error)?;
        // Released between the two statements: report the conflict without a holder id.
        Ok(LeaseOutcome::HeldBy(holder.map_or_else(|| ScanId(uuid::Uuid::nil()), |l| ScanId(l.scan_id))))
    }

    async fn renew_lease(&self, key: String, scan: ScanId, ttl: Duration) -> Result<bool, RepoError> {
        let backend = self.db.get_database_backend();
        let result = scan_lease::Entity::update_many()
            .col_expr(scan_lease::Column::ExpiresAtMs, now_ms(backend).add(millis(ttl)))
            .filter(scan_lease::Column::LeaseKey.eq(key))
            .filter(scan_lease::Column::ScanId.eq(scan.0))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    async fn release_lease(&self, key: String, scan: ScanId) -> Result<(), RepoError> {
        scan_lease::Entity::delete_many()
            .filter(scan_lease::Column::LeaseKey.eq(key))
            .filter(scan_lease::Column::ScanId.eq(scan.0))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn insert(&self, record: ScanRecord) -> Result<(), RepoError> {
        let p = &record.progress;
        let mut model = progress_columns(p)?;
        model.id = Set(p.scan_id.0);
        model.library = Set(p.library.clone());
        model.lease_key = Set(record.lease_key.clone());
        model.root = Set(paths::encode(&p.root));
        model.started_at = Set(convert::micros(p.started_at));
        model.node = Set(p.node.clone());
        model.trigger = Set(p.trigger.as_str().to_owned());
        model.scope = Set(p.scope.as_deref().map(paths::encode));
        model.holder_host = Set(record.holder.host.clone());
        model.holder_pid = Set(i64::from(record.holder.pid));
        model.holder_instance = Set(record.holder.instance);
        model.cancel_requested = Set(false);
        scan::Entity::insert(model).exec_without_returning(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    async fn save(&self, progress: ScanProgress) -> Result<bool, RepoError> {
        let id = progress.scan_id.0;
        let model = progress_columns(&progress)?;
        // Only a running scan is written: one that another node already marked interrupted
        // stays so.
        scan::Entity::update_many()
            .set(model)
            .filter(scan::Column::Id.eq(id))
            .filter(scan::Column::Status.eq(ScanStatus::Running.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if progress.status == ScanStatus::Completed {
            // A scan may have changed the catalog's size by much.
            crate::schema::refresh_statistics(&self.db).await;
        }
        let requested = scan::Entity::find_by_id(id)
            .select_only()
            .column(scan::Column::CancelRequested)
            .into_tuple::<bool>()
            .one(&self.db)
            .await
            .map_err(db_error)?;
        Ok(requested.unwrap_or(false))
    }

    async fn get(&self, id: ScanId) -> Result<Option<ScanRecord>, RepoError> {
        let model = scan::Entity::find_by_id(id.0).one(&self.db).await.map_err(db_error)?;
        model.map(to_progress).transpose()
    }

    async fn list(&self, query: ScanQuery) -> Result<Vec<ScanRecord>, RepoError> {
        let mut select =
            scan::Entity::find().order_by_desc(scan::Column::StartedAt).order_by_desc(scan::Column::Id);
        if let Some(library) = query.library {
            select = select.filter(scan::Column::Library.eq(library));
        }
        if let Some(status) = query.status {
            select = select.filter(scan::Column::Status.eq(status.as_str()));
        }
        if let Some(limit) = query.limit {
            select = select.limit(Ord::min(limit, i64::MAX as u64));
        }
        select.all(&self.db).await.map_err(db_error)?.into_iter().map(to_progress).collect()
    }

    async fn request_cancel(&self, id: ScanId) -> Result<CancelRequest, RepoError> {
        let result = scan::Entity::update_many()
            .col_expr(scan::Column::CancelRequested, Expr::value(true))
            .filter(scan::Column::Id.eq(id.0))
            .filter(scan::Column::Status.eq(ScanStatus::Running.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if result.rows_affected == 1 {
            return Ok(CancelRequest::Requested);
        }
        Ok(match self.get(id).await? {
            Some(record) => CancelRequest::NotRunning(record.progress.status),
            None => CancelRequest::NotFound,
        })
    }

    async fn interrupt_expired(&self) -> Result<Vec<ScanId>, RepoError> {
        let backend = self.db.get_database_backend();
        // A running scan whose own lease is gone or expired by the database's clock.
        let live = Query::select()
            .expr(Expr::value(1))
            .from(scan_lease::Entity)
            .and_where(
                Expr::col((scan_lease::Entity, scan_lease::Column::ScanId))
                    .equals((scan::Entity, scan::Column::Id)),
            )
            .and_where(Expr::col((scan_lease::Entity, scan_lease::Column::ExpiresAtMs)).gte(now_ms(backend)))
            .to_owned();
        let update = Query::update()
            .table(scan::Entity)
            .value(scan::Column::Status, ScanStatus::Interrupted.as_str())
            .value(scan::Column::EndedAt, Utc::now())
            .value(scan::Column::UpdatedAt, Utc::now())
            .value(scan::Column::Error, LEASE_EXPIRED)
            .value(scan::Column::Phase, ScanPhase::Finished.as_str())
            .value(scan::Column::EtaSecs, Option::<f64>::None)
            .value(scan::Column::CurrentFile, Option::<String>::None)
            .and_where(Expr::col(scan::Column::Status).eq(ScanStatus::Running.as_str()))
            .and_where(Expr::exists(live).not())
            .returning_col(scan::Column::Id)
            .to_owned();
        let rows = self.db.query_all(&update).await.map_err(db_error)?;
        rows.iter().map(|row| row.try_get::<uuid::Uuid>("", "id").map(ScanId).map_err(db_error)).collect()
    }

    async fn delete(&self, id: ScanId) -> Result<ScanDeletion, RepoError> {
        let result = scan::Entity::delete_many()
            .filter(scan::Column::Id.eq(id.0))
            .filter(scan::Column::Status.ne(ScanStatus::Running.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if result.rows_affected == 1 {
            return Ok(ScanDeletion::Deleted);
        }
        Ok(if self.get(id).await?.is_some() { ScanDeletion::Running } else { ScanDeletion::NotFound })
    }

    async fn publish_watch_health(
        &self,
        library: String,
        watcher: ScanId,
        node: String,
        health: scanner_core::watch::WatchHealth,
    ) -> Result<(), RepoError> {
        crate::watch_health::publish(&self.db, library, watcher, node, &health).await
    }

    async fn watch_health(&self) -> Result<Vec<PublishedHealth>, RepoError> {
        crate::watch_health::live(&self.db).await
    }
}
