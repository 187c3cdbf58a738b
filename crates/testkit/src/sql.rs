//! Raw SQL on a test database, for tests that set up states the adapter would never write
//! (an old schema version, a foreign row).

use sea_orm::{ConnectionTrait, Database, Statement};

/// Runs `sql` on the database at `url`.
pub async fn execute(url: &str, sql: &str) {
    let db = Database::connect(url).await.unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    db.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = db.close().await;
}

/// The first column of the first row of `sql`, an integer (`SELECT COUNT(*) …`).
pub async fn count(url: &str, sql: &str) -> i64 {
    let db = Database::connect(url).await.unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no row"));
    let value: i64 = row.try_get_by_index(0).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = db.close().await;
    value
}
