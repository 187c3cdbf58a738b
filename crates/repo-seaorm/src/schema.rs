//! The catalog's schema version: bringing it up to date, or checking it without a change.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use sea_orm_migration::MigratorTrait;

use scanner_core::ports::RepoError;

use crate::db_error;
use crate::migration::Migrator;

/// Applies pending migrations. Several nodes may start at once against one database: on
/// PostgreSQL an advisory lock held for the migration's transaction makes them take turns; a
/// SQLite file serialises writers itself, and a loser of that race retries.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), RepoError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await.map_err(db_error)?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7236010403946168365)")
            .await
            .map_err(db_error)?;
        Migrator::up(&txn, None).await.map_err(db_error)?;
        return txn.commit().await.map_err(db_error);
    }
    let mut attempt = 0;
    loop {
        match Migrator::up(db, None).await {
            Ok(()) => {
                refresh_statistics(db).await;
                return Ok(());
            }
            Err(e) if attempt < 5 => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "migration raced another process; retrying");
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
            }
            Err(e) => return Err(db_error(e)),
        }
    }
}

/// Lets SQLite's planner know the catalog's shape: `PRAGMA optimize` runs ANALYZE (on a sample)
/// on the tables whose size changed much since it last did, and costs nothing otherwise.
/// Without statistics SQLite takes every index for equally selective, and may read a show's
/// files through the index on their kind — every episode — instead of the one on their show.
/// PostgreSQL's autovacuum keeps its own statistics. A failure only leaves the old statistics.
pub(crate) async fn refresh_statistics(db: &impl ConnectionTrait) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    // 0x10000: every table, not only those this connection used; 0x2: ANALYZE where needed.
    if let Err(e) = db.execute_unprepared("PRAGMA optimize = 0x10002").await {
        tracing::debug!(error = %e, "PRAGMA optimize failed; the planner keeps its old statistics");
    }
}

/// The migrations this program knows, oldest first.
pub fn known() -> Vec<String> {
    Migrator::migrations().iter().map(|m| m.name().to_owned()).collect()
}

/// The migrations applied to the catalog; `None` when it has no schema at all.
async fn applied(db: &DatabaseConnection) -> Result<Option<Vec<String>>, RepoError> {
    let backend = db.get_database_backend();
    let exists = match backend {
        DbBackend::Postgres => {
            "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'seaql_migrations'"
        }
        _ => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
    };
    if db.query_one_raw(Statement::from_string(backend, exists)).await.map_err(db_error)?.is_none() {
        return Ok(None);
    }
    let rows = db
        .query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations"))
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).map_err(db_error))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// Checks, changing nothing, that the catalog's schema is exactly the one this program knows.
pub async fn check(db: &DatabaseConnection) -> Result<(), RepoError> {
    let Some(applied) = applied(db).await? else {
        return Err(RepoError::Schema("the catalog is empty: scan a folder first".into()));
    };
    let known = known();
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(RepoError::Schema(format!(
            "the catalog was written by a newer mediascan (it has schema change {unknown}, unknown to this \
             version): upgrade mediascan"
        )));
    }
    let pending = known.iter().filter(|v| !applied.contains(v)).count();
    if pending > 0 {
        return Err(RepoError::Schema(format!(
            "the catalog was written by an older mediascan and needs {pending} schema change(s): run \
             `mediascan migrate` (a scan or `mediascan serve` does it too)"
        )));
    }
    Ok(())
}
