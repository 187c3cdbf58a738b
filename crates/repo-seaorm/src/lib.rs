//! repo-seaorm: the catalog in a relational database through SeaORM, on SQLite (the embedded
//! default) and PostgreSQL (shared by many scanner nodes).
//!
//! It implements the core's repository ports (`MediaRepository`, `MediaQueries`,
//! `ScanRepository`), stores and queries what the core hands it, and maps database failures to
//! the core's `RepoError`. It must never decide anything about media (no parsing, probing or
//! validating) and never let SeaORM types out: database models and connections stay inside.
//! All SQL is portable between both backends, and every behaviour is tested on both.

mod convert;
mod decisions;
mod edits;
mod entity;
mod error;
mod media_queries;
mod media_repo;
mod migration;
mod moves;
mod paths;
mod refile;
mod report;
mod scan_repo;
mod schema;
mod search;
mod watch_health;

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use scanner_core::ports::{Cause, RepoError};

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

/// What opening the catalog may do to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the database file if needed and bring the schema up to date (scans, the server).
    Migrate,
    /// Change nothing: the catalog must exist with exactly the schema this program knows, or
    /// opening fails with [`RepoError::Schema`] saying what to do (listings, reports).
    ReadOnly,
}

/// Connects to `url` (`sqlite:///path/to/catalog.db`, `sqlite::memory:`,
/// `postgres://user@host/db`), giving up after `timeout` when the server does not answer.
async fn connect(url: &str, timeout: Duration, mode: OpenMode) -> Result<DatabaseConnection, RepoError> {
    let backend = Backend::of_url(url).ok_or_else(|| {
        RepoError::database(format!(
            "unsupported database URL {url:?}: use sqlite:///path/to/file.db or postgres://user@host/db"
        ))
    })?;
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).connect_timeout(timeout).acquire_timeout(timeout);
    if backend == Backend::Sqlite {
        match sqlite_file(url) {
            Some(file) => {
                let create = mode == OpenMode::Migrate;
                if create && let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    tokio::fs::create_dir_all(dir).await.map_err(|e| {
                        RepoError::Database(Cause::new(std::io::Error::new(
                            e.kind(),
                            format!("cannot create {}: {e}", dir.display()),
                        )))
                    })?;
                }
                if !create && !tokio::fs::try_exists(file).await.unwrap_or(false) {
                    return Err(RepoError::Schema(format!(
                        "there is no catalog at {} yet: scan a folder first",
                        file.display()
                    )));
                }
                options.max_connections(4).map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(create)
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
    match mode {
        OpenMode::Migrate => schema::migrate(&db).await?,
        OpenMode::ReadOnly => schema::check(&db).await?,
    }
    Ok(db)
}
