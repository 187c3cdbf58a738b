//! A fresh PostgreSQL schema per test, on the server named by `MEDIASCAN_TEST_POSTGRES_URL`
//! (default: the local server, `postgres://postgres@127.0.0.1:5432/test`).

use sea_orm::{ConnectionTrait, Database};

/// The server tests use.
pub fn server_url() -> String {
    std::env::var("MEDIASCAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A schema that exists for one test and is dropped afterwards.
#[derive(Debug)]
pub struct PgSchema {
    /// Connection URL whose `search_path` is the schema.
    pub url: String,
    pub name: String,
}

fn with_search_path(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options[search_path]={schema}")
}

/// Creates a fresh schema. An unreachable server fails the test, unless
/// `MEDIASCAN_SKIP_POSTGRES=1` allows skipping: then the skip is recorded and this is `None`.
pub async fn fresh_schema(test: &str) -> Option<PgSchema> {
    let base = server_url();
    let admin = match Database::connect(&base).await {
        Ok(db) => db,
        Err(e) => {
            let reason = format!("PostgreSQL at {base} is not reachable ({e})");
            crate::unavailable(crate::Resource::Postgres, test, &reason);
            return None;
        }
    };
    let name = format!("mediascan_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{name}\""))
        .await
        .unwrap_or_else(|e| panic!("cannot create schema {name}: {e}"));
    let _ = admin.close().await;
    Some(PgSchema { url: with_search_path(&base, &name), name })
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // Drop may run inside or outside a runtime: use a thread with its own.
        let (base, name) = (server_url(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = Database::connect(&base).await.ok()?;
                admin.execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE")).await.ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop test schema {}", self.name);
        }
    }
}

/// Drops and recreates the schema `name` on the test server; returns its URL. For the
/// benchmark, which keeps its schema between runs rather than per test.
pub async fn recreate_schema(name: &str) -> Result<String, String> {
    let base = server_url();
    let admin = Database::connect(&base).await.map_err(|e| format!("PostgreSQL at {base}: {e}"))?;
    for sql in [format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), format!("CREATE SCHEMA \"{name}\"")] {
        admin.execute_unprepared(&sql).await.map_err(|e| e.to_string())?;
    }
    let _ = admin.close().await;
    Ok(with_search_path(&base, name))
}
