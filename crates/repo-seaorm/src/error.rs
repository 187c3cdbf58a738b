//! Database errors as the core's `RepoError`: transient (retry may help) or not.

use sea_orm::{DbErr, RuntimeErr};

use scanner_core::ports::{Cause, RepoError};

/// PostgreSQL SQLSTATE classes and codes that mean "the server or connection went away":
/// connection exceptions (08…), operator intervention (57P01 shutdown, 57P02 crash, 57P03
/// cannot connect now), insufficient resources (53…).
fn postgres_transient(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || matches!(code, "57P01" | "57P02" | "57P03" | "40001" | "40P01")
}

/// SQLite result codes 5 (BUSY), 6 (LOCKED), 10 (IOERR), 13 (FULL), 14 (CANTOPEN) and their
/// extended forms (low byte).
fn sqlite_transient(code: &str) -> bool {
    code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14))
}

fn sqlx_transient(e: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match e {
        Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed | Error::Tls(_) => true,
        Error::Database(db) => {
            db.code().is_some_and(|code| postgres_transient(&code) || sqlite_transient(&code))
        }
        _ => false,
    }
}

/// Maps a SeaORM error to the core's `RepoError`.
pub fn db_error(e: DbErr) -> RepoError {
    let transient = match &e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner)) => {
            sqlx_transient(inner)
        }
        _ => false,
    };
    let cause = Cause::new(e);
    if transient { RepoError::Unavailable(cause) } else { RepoError::Database(cause) }
}
