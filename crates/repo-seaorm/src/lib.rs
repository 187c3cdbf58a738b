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
pub mod migration;
mod paths;

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, ConnectOptions, Database, DatabaseConnection, DbBackend, EntityTrait, Iterable, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use scanner_core::ports::{MediaQuery, MediaRepository, RepoError};
use scanner_core::{MediaId, MediaRecord};

use entity::media;
pub use error::db_error;

/// Rows per `INSERT`: keeps the statement under SQLite's 32 766 and PostgreSQL's 65 535
/// bind parameters with room to spare.
const ROWS_PER_STATEMENT: usize = 500;

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

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), RepoError> {
    migration::Migrator::up(db, None).await.map_err(db_error)
}

/// The catalog of media files in a SeaORM database.
#[derive(Debug, Clone)]
pub struct SeaOrmMediaRepository {
    db: DatabaseConnection,
}

impl SeaOrmMediaRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Connects to `url` and migrates; see [`connect`].
    pub async fn open(url: &str) -> Result<Self, RepoError> {
        Ok(Self::new(connect(url).await?))
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}

/// Every column an upsert overwrites: all but the identity and the first sighting.
fn updated_columns() -> impl Iterator<Item = media::Column> {
    media::Column::iter().filter(|c| !matches!(c, media::Column::Id | media::Column::FirstSeenAt))
}

#[async_trait]
impl MediaRepository for SeaOrmMediaRepository {
    async fn upsert(&self, records: Vec<MediaRecord>) -> Result<(), RepoError> {
        if records.is_empty() {
            return Ok(());
        }
        let models = records.iter().map(convert::to_active).collect::<Result<Vec<_>, _>>()?;
        let txn = self.db.begin().await.map_err(db_error)?;
        for chunk in models.chunks(ROWS_PER_STATEMENT) {
            media::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::column(media::Column::Path).update_columns(updated_columns()).to_owned(),
                )
                .exec_without_returning(&txn)
                .await
                .map_err(db_error)?;
        }
        txn.commit().await.map_err(db_error)
    }

    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError> {
        let model = media::Entity::find_by_id(id.0).one(&self.db).await.map_err(db_error)?;
        model.map(convert::from_model).transpose()
    }

    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError> {
        let mut select = media::Entity::find().order_by_asc(media::Column::Path);
        if let Some(after) = &query.after_path {
            select = select.filter(media::Column::Path.gt(paths::encode(after)));
        }
        if let Some(limit) = query.limit {
            select = select.limit(limit);
        }
        let models = select.all(&self.db).await.map_err(db_error)?;
        models.into_iter().map(convert::from_model).collect()
    }
}
