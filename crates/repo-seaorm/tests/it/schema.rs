//! Connecting, migrating, and opening a catalog read-only, on both backends.

use std::time::Duration;

use repo_seaorm::{Backend, OpenMode, SeaOrmMediaRepository};
use scanner_core::ports::{MediaQueries, RepoError};

async fn both(test: &str) -> Vec<(SeaOrmMediaRepository, crate::Fresh, String)> {
    let mut fresh = vec![crate::sqlite().await];
    fresh.extend(crate::postgres(test).await);
    fresh
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrating_twice_and_concurrently_is_harmless() {
    for (repo, _guard, url) in both("schema::migrating_twice_and_concurrently_is_harmless").await {
        let again: Vec<_> = (0..3)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(
                    async move { SeaOrmMediaRepository::open(&url, OpenMode::Migrate).await.map(|_| ()) },
                )
            })
            .collect();
        for task in again {
            task.await.unwrap().unwrap();
        }
        repo.migrate().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_open_changes_nothing_and_says_what_is_wrong() {
    for (repo, _guard, url) in both("schema::a_read_only_open_changes_nothing_and_says_what_is_wrong").await {
        // Up to date: opens, and answers.
        let reader = SeaOrmMediaRepository::open(&url, OpenMode::ReadOnly).await.unwrap();
        assert_eq!(reader.count(Default::default()).await.unwrap(), 0);
        reader.close().await.unwrap();

        // Older: a migration not applied yet is reported, and not applied.
        let newest = "FROM seaql_migrations WHERE version LIKE 'm0004%'";
        testkit::sql::execute(&url, &format!("CREATE TABLE saved AS SELECT * {newest}")).await;
        testkit::sql::execute(&url, &format!("DELETE {newest}")).await;
        let err = SeaOrmMediaRepository::open(&url, OpenMode::ReadOnly).await.unwrap_err();
        assert!(
            matches!(err, RepoError::Schema(ref m) if m.contains("older mediascan") && m.contains("mediascan migrate")),
            "{err}"
        );
        assert_eq!(testkit::sql::count(&url, &format!("SELECT COUNT(*) {newest}")).await, 0);
        testkit::sql::execute(&url, "INSERT INTO seaql_migrations SELECT * FROM saved").await;

        // Newer: a migration this program does not know.
        testkit::sql::execute(
            &url,
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)",
        )
        .await;
        let err = SeaOrmMediaRepository::open(&url, OpenMode::ReadOnly).await.unwrap_err();
        assert!(matches!(err, RepoError::Schema(ref m) if m.contains("newer mediascan")), "{err}");
        repo.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_read_only_open_of_a_missing_catalog_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("none/catalog.db");
    let url = format!("sqlite://{}", file.display());
    let err = SeaOrmMediaRepository::open(&url, OpenMode::ReadOnly).await.unwrap_err();
    assert!(matches!(err, RepoError::Schema(ref m) if m.contains("no catalog")), "{err}");
    assert!(!file.exists() && !file.parent().unwrap().exists());
}

#[tokio::test]
async fn sqlite_files_use_write_ahead_logging() {
    let (repo, _guard, url) = crate::sqlite().await;
    assert_eq!(repo.backend(), Backend::Sqlite);
    let file = url.trim_start_matches("sqlite://");
    repo.close().await.unwrap();
    // The WAL mode is in the file's header: bytes 18 and 19 are 2 in WAL mode.
    let header = std::fs::read(file).unwrap();
    assert_eq!((header[18], header[19]), (2, 2));
}

#[tokio::test]
async fn unusable_urls_are_clear_errors() {
    let open = |url: &'static str| async move {
        SeaOrmMediaRepository::open_with_timeout(url, OpenMode::Migrate, Duration::from_secs(1))
            .await
            .unwrap_err()
    };
    let err = open("mysql://localhost/x").await;
    assert!(scanner_core::ports::error_chain(&err).contains("unsupported database URL"), "{err}");
    // Nothing listens on port 1: the connection is refused, which is worth retrying later.
    let err = open("postgres://postgres@127.0.0.1:1/x").await;
    assert!(err.is_transient(), "{err:?}");
    let err = open("sqlite:///proc/no/such/dir/catalog.db").await;
    assert!(scanner_core::ports::error_chain(&err).contains("/proc/no/such/dir"), "{err}");
}
