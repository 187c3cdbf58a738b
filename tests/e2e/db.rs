//! A fresh catalog database per test, on SQLite and on PostgreSQL.

/// A catalog database for one test, dropped with it.
pub struct Db {
    pub url: String,
    pub(crate) _sqlite: Option<tempfile::TempDir>,
    pub(crate) _postgres: Option<testkit::pg::PgSchema>,
}

pub fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("catalog.db").display());
    Db { url, _sqlite: Some(dir), _postgres: None }
}

pub async fn postgres(test: &str) -> Option<Db> {
    let schema = testkit::pg::fresh_schema(test).await?;
    Some(Db { url: schema.url.clone(), _sqlite: None, _postgres: Some(schema) })
}

/// Runs the test body on a fresh SQLite file and on a fresh PostgreSQL schema.
#[macro_export]
macro_rules! on_both {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: Db) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body($crate::db::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::db::postgres(concat!(module_path!(), "::postgres")).await {
                    body(db).await;
                }
            }
        }
    };
}
