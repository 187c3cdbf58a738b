//! The repository contract, run on SQLite (a real file) and on PostgreSQL (a fresh schema on
//! the test server). Each `contract!` case becomes `sqlite::name` and `postgres::name`.

mod incremental;
mod media;
mod queries;
mod scans;

use repo_seaorm::SeaOrmMediaRepository;

/// A repository on a fresh database of each backend, dropped with the guard.
#[derive(Debug)]
pub enum Fresh {
    Sqlite(tempfile::TempDir),
    Postgres(testkit::pg::PgSchema),
}

pub async fn sqlite() -> (SeaOrmMediaRepository, Fresh, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("catalog.db").display());
    let repo = SeaOrmMediaRepository::open(&url).await.unwrap();
    (repo, Fresh::Sqlite(dir), url)
}

pub async fn postgres(test: &str) -> Option<(SeaOrmMediaRepository, Fresh, String)> {
    let schema = testkit::pg::fresh_schema(test).await?;
    let url = schema.url.clone();
    let repo = SeaOrmMediaRepository::open(&url).await.unwrap();
    Some((repo, Fresh::Postgres(schema), url))
}

/// Declares a contract test body `async fn(repo, url)` and runs it on both backends.
#[macro_export]
macro_rules! contract {
    ($name:ident, |$repo:ident, $url:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($repo: repo_seaorm::SeaOrmMediaRepository, $url: String) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (repo, _guard, url) = $crate::sqlite().await;
                body(repo, url).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let name = concat!(module_path!(), "::postgres");
                if let Some((repo, _guard, url)) = $crate::postgres(name).await {
                    body(repo, url).await;
                }
            }
        }
    };
}
