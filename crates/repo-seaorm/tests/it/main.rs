//! The repository contract (`scanner_core::testing::contract`), run on SQLite (a real file)
//! and on PostgreSQL (a fresh schema on the test server), and what is particular to this
//! adapter: connecting, migrating, and opening a catalog read-only.

mod backfill;
mod schema;

use std::sync::Arc;

use repo_seaorm::{OpenMode, SeaOrmMediaRepository};
use scanner_core::ports::ScanRepository;
use scanner_core::testing::Catalog;

/// What keeps a fresh database alive for one test.
#[derive(Debug)]
pub enum Fresh {
    Sqlite(tempfile::TempDir),
    Postgres(testkit::pg::PgSchema),
}

pub async fn sqlite() -> (SeaOrmMediaRepository, Fresh, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("catalog.db").display());
    let repo = SeaOrmMediaRepository::open(&url, OpenMode::Migrate).await.unwrap();
    (repo, Fresh::Sqlite(dir), url)
}

pub async fn postgres(test: &str) -> Option<(SeaOrmMediaRepository, Fresh, String)> {
    let schema = testkit::pg::fresh_schema(test).await?;
    let url = schema.url.clone();
    let repo = SeaOrmMediaRepository::open(&url, OpenMode::Migrate).await.unwrap();
    Some((repo, Fresh::Postgres(schema), url))
}

mod sqlite {
    use super::*;

    async fn catalog(_test: &'static str) -> Option<(Arc<dyn Catalog>, Fresh)> {
        let (repo, fresh, _) = sqlite().await;
        Some((Arc::new(repo), fresh))
    }

    async fn scans(_test: &'static str) -> Option<(Arc<dyn ScanRepository>, Fresh)> {
        let (repo, fresh, _) = sqlite().await;
        Some((Arc::new(repo.scans()), fresh))
    }

    mod catalog {
        scanner_core::catalog_contract!(super::catalog);
    }

    mod scans {
        scanner_core::scans_contract!(super::scans);
    }
}

mod postgres {
    use super::*;

    async fn catalog(test: &'static str) -> Option<(Arc<dyn Catalog>, Fresh)> {
        let (repo, fresh, _) = postgres(test).await?;
        Some((Arc::new(repo), fresh))
    }

    async fn scans(test: &'static str) -> Option<(Arc<dyn ScanRepository>, Fresh)> {
        let (repo, fresh, _) = postgres(test).await?;
        Some((Arc::new(repo.scans()), fresh))
    }

    mod catalog {
        scanner_core::catalog_contract!(super::catalog);
    }

    mod scans {
        scanner_core::scans_contract!(super::scans);
    }
}
