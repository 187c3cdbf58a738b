//! repo-seaorm: the catalog in a relational database through SeaORM, on SQLite (the embedded
//! default) and PostgreSQL (shared by many scanner nodes).
//!
//! It stores and queries what the core hands it and maps database failures to the core's
//! `RepoError`. It decides nothing about media: no parsing, probing or validating. Database
//! models (`entity`) never leave this crate. All SQL is portable between both backends, and
//! every behaviour is tested on both.

mod convert;
pub mod entity;
mod error;
mod media_repo;
pub mod migration;
mod paths;
mod scan_repo;

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, TransactionTrait};
use sea_orm_migration::MigratorTrait;

use scanner_core::ports::RepoError;

pub use error::db_error;
pub use media_repo::SeaOrmMediaRepository;
pub use scan_repo::SeaOrmScanRepository;

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// The file behind a `sqlite:` URL, if it names one.
fn sqlite_file(url: &str) -> Option<&Path> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next()?;
    (!file.is_empty() && !file.starts_with(":memory:")).then(|| Path::new(file))
}

/// How long connecting may take before the database counts as unavailable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url` (`sqlite:///path/to/catalog.db`, `sqlite::memory:`,
/// `postgres://user@host/db`) and brings the schema up to date.
pub async fn connect(url: &str) -> Result<DatabaseConnection, RepoError> {
    connect_with_timeout(url, CONNECT_TIMEOUT).await
}

/// [`connect`] giving up after `timeout` when the server does not answer.
pub async fn connect_with_timeout(url: &str, timeout: Duration) -> Result<DatabaseConnection, RepoError> {
    let backend = Backend::of_url(url).ok_or_else(|| {
        RepoError::Database(format!(
            "unsupported database URL {url:?}: use sqlite:///path/to/file.db or postgres://user@host/db"
        ))
    })?;
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).connect_timeout(timeout).acquire_timeout(timeout);
    if backend == Backend::Sqlite {
        match sqlite_file(url) {
            Some(file) => {
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| RepoError::Database(format!("cannot create {}: {e}", dir.display())))?;
                }
                options.max_connections(4).map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                });
            }
            // Each connection to an in-memory database is a database of its own.
            None => {
                options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
            }
        }
    } else {
        options.max_connections(8);
    }
    let db = Database::connect(options).await.map_err(db_error)?;
    migrate(&db).await?;
    Ok(db)
}

/// Applies pending migrations. Several nodes may start at once against one database: on
/// PostgreSQL an advisory lock held for the migration's transaction makes them take turns; a
/// SQLite file serialises writers itself, and a loser of that race retries.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), RepoError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await.map_err(db_error)?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7236010403946168365)")
            .await
            .map_err(db_error)?;
        migration::Migrator::up(&txn, None).await.map_err(db_error)?;
        return txn.commit().await.map_err(db_error);
    }
    let mut attempt = 0;
    loop {
        match migration::Migrator::up(db, None).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 5 => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "migration raced another process; retrying");
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
            }
            Err(e) => return Err(db_error(e)),
        }
    }
}
