//! The operations behind incremental rescans: per-directory reads, seen directories, absent
//! marks, moves, and the missing-files decision.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::Catalog;
use super::media::record;
use crate::media::{FileStat, MediaStatus};
use crate::ports::{Absent, DirSummary, MediaMove, MissingCount, MissingScope, SeenDir, WriteBatch};
use crate::scan::ScanId;

fn paths(dir: &str, names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| Path::new(dir).join(n)).collect()
}

async fn seed(repo: &dyn Catalog, files: &[PathBuf]) {
    repo.apply(WriteBatch::upserts(files.iter().map(|p| record(p)).collect())).await.unwrap();
}

fn scope(scan: ScanId, root: &str) -> MissingScope {
    MissingScope { scan, root: PathBuf::from(root), excluded: vec![] }
}

pub async fn entries_come_per_directory_and_by_size_and_time(repo: Arc<dyn Catalog>) {
    let mut files = paths("/lib/Show/S1", &["a.mkv", "b.mkv"]);
    files.extend(paths("/lib/Show/S1/Extras", &["x.mkv"]));
    files.extend(paths("/lib/Show/S10", &["c.mkv"]));
    seed(repo.as_ref(), &files).await;
    let mut names: Vec<String> = repo
        .entries_in_dirs(vec![PathBuf::from("/lib/Show/S1")])
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.mkv", "b.mkv"], "only the folder itself, not its subfolders or look-alikes");
    let entry = repo.entries_in_dirs(vec![PathBuf::from("/lib/Show/S10")]).await.unwrap().remove(0);
    let original = record(Path::new("/lib/Show/S10/c.mkv"));
    assert_eq!(
        (entry.size, entry.modified, entry.identity),
        (original.size_bytes, original.modified_at, original.identity)
    );
    assert_eq!(
        (entry.status, entry.fingerprint),
        (MediaStatus::Ok, None),
        "change detection needs no fingerprint"
    );

    let like = repo.entries_like(original.size_bytes, original.modified_at, 2).await.unwrap();
    assert_eq!(like.len(), 2, "limited");
    assert_eq!(like[0].fingerprint, original.fingerprint, "move detection does");
    assert!(repo.entries_like(1, original.modified_at, 10).await.unwrap().is_empty());
}

pub async fn files_absent_or_in_unlisted_folders_are_missing_and_nothing_else(repo: Arc<dyn Catalog>) {
    let listed = paths("/lib/A", &["kept.mkv", "gone.mkv"]);
    let unlisted = paths("/lib/B", &["b.mkv"]);
    let locked = paths("/lib/Locked", &["l.mkv"]);
    let elsewhere = paths("/other", &["o.mkv"]);
    for set in [&listed, &unlisted, &locked, &elsewhere] {
        seed(repo.as_ref(), set).await;
    }
    let gone = repo
        .entries_in_dirs(vec![PathBuf::from("/lib/A")])
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.path == listed[1])
        .unwrap();
    let scan = ScanId::new();
    let batch = WriteBatch {
        scan: Some(scan),
        seen_dirs: vec![SeenDir { path: PathBuf::from("/lib/A"), summary: None }],
        absent: vec![Absent { id: gone.id, path: gone.path.clone() }],
        ..WriteBatch::default()
    };
    repo.apply(batch).await.unwrap();

    let mut scope = scope(scan, "/lib");
    scope.excluded = vec![PathBuf::from("/lib/Locked")];
    assert_eq!(
        repo.missing_count(scope.clone()).await.unwrap(),
        MissingCount { candidates: 2, catalogued: 4 }
    );
    // Another scan's marks do not count for this one.
    assert_eq!(repo.missing_count(self::scope(ScanId::new(), "/lib")).await.unwrap().candidates, 4);

    let at = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
    assert_eq!(repo.mark_missing(scope.clone(), at).await.unwrap(), 2);
    let status = |p: &Path| {
        let repo = repo.clone();
        let p = p.to_path_buf();
        async move { repo.get_by_path(p).await.unwrap().unwrap() }
    };
    let missing = status(&listed[1]).await;
    assert_eq!((missing.status, missing.missing_since), (MediaStatus::Missing, Some(at)));
    assert_eq!(status(&unlisted[0]).await.status, MediaStatus::Missing);
    assert_eq!(status(&listed[0]).await.status, MediaStatus::Ok);
    assert_eq!(status(&locked[0]).await.status, MediaStatus::Ok, "unreadable folders are excluded");
    assert_eq!(status(&elsewhere[0]).await.status, MediaStatus::Ok, "outside the root");
    assert_eq!(repo.missing_count(scope).await.unwrap(), MissingCount { candidates: 0, catalogued: 0 });

    // A file that comes back is upserted: no longer missing.
    seed(repo.as_ref(), &listed[1..2]).await;
    let back = status(&listed[1]).await;
    assert_eq!((back.status, back.missing_since), (MediaStatus::Ok, None));

    assert_eq!(repo.prune_missing(PathBuf::from("/lib")).await.unwrap(), 1);
    assert!(repo.get_by_path(unlisted[0].clone()).await.unwrap().is_none());
}

pub async fn a_move_keeps_the_row_and_applies_only_from_where_it_was(repo: Arc<dyn Catalog>) {
    let from = PathBuf::from("/lib/Old/Show.S01E01.mkv");
    seed(repo.as_ref(), std::slice::from_ref(&from)).await;
    let before = repo.get_by_path(from.clone()).await.unwrap().unwrap();
    let to = PathBuf::from("/lib/Show/Season 1/Show - S01E01 - Pilot.mkv");
    let mut parsed = before.parsed.clone();
    parsed.title = Some("Pilot".into());
    let moved = MediaMove {
        id: before.id,
        from: from.clone(),
        file: FileStat {
            path: to.clone(),
            size: before.size_bytes,
            modified: before.modified_at,
            identity: before.identity,
        },
        library: Some("tv".into()),
        parsed,
        seen_at: Utc::now(),
    };
    repo.apply(WriteBatch { moves: vec![moved.clone()], ..WriteBatch::default() }).await.unwrap();
    assert!(repo.get_by_path(from.clone()).await.unwrap().is_none());
    let after = repo.get_by_path(to.clone()).await.unwrap().unwrap();
    assert_eq!((after.id, after.first_seen_at, &after.info), (before.id, before.first_seen_at, &before.info));
    assert_eq!(after.parsed.title.as_deref(), Some("Pilot"));
    let dir_entries = repo.entries_in_dirs(vec![PathBuf::from("/lib/Show/Season 1")]).await.unwrap();
    assert_eq!(dir_entries.len(), 1, "the row's folder moved with it");
    // Replaying the move from the old path does nothing: the row is not there any more.
    let mut stale = moved;
    stale.file.path = PathBuf::from("/lib/elsewhere.mkv");
    repo.apply(WriteBatch { moves: vec![stale], ..WriteBatch::default() }).await.unwrap();
    assert!(repo.get_by_path(to).await.unwrap().is_some());
}

pub async fn an_absent_mark_skips_a_row_that_moved_meanwhile(repo: Arc<dyn Catalog>) {
    let old = PathBuf::from("/lib/A/x.mkv");
    seed(repo.as_ref(), std::slice::from_ref(&old)).await;
    let row = repo.get_by_path(old.clone()).await.unwrap().unwrap();
    let new = PathBuf::from("/lib/B/x.mkv");
    let scan = ScanId::new();
    let batch = WriteBatch {
        scan: Some(scan),
        seen_dirs: vec![
            SeenDir { path: PathBuf::from("/lib/A"), summary: None },
            SeenDir { path: PathBuf::from("/lib/B"), summary: None },
        ],
        moves: vec![MediaMove {
            id: row.id,
            from: old.clone(),
            file: FileStat {
                path: new.clone(),
                size: row.size_bytes,
                modified: row.modified_at,
                identity: row.identity,
            },
            library: None,
            parsed: row.parsed.clone(),
            seen_at: Utc::now(),
        }],
        ..WriteBatch::default()
    };
    repo.apply(batch).await.unwrap();
    // The old folder's walk, read before the move, reports the row absent at its old path.
    let late = WriteBatch {
        scan: Some(scan),
        absent: vec![Absent { id: row.id, path: old }],
        ..WriteBatch::default()
    };
    repo.apply(late).await.unwrap();
    assert_eq!(repo.missing_count(scope(scan, "/lib")).await.unwrap().candidates, 0);
}

pub async fn folder_summaries_are_kept_replaced_and_cleared(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref(), &paths("/lib/A", &["a.mkv"])).await;
    let dirs = || vec![PathBuf::from("/lib/A"), PathBuf::from("/lib/B")];
    assert!(
        repo.dir_summaries(dirs()).await.unwrap().is_empty(),
        "no summary before a scan matched the folder"
    );
    let summary = DirSummary { signature: u64::MAX - 7, files: 12, failed: 2 };
    let seen = |summary| WriteBatch {
        scan: Some(ScanId::new()),
        seen_dirs: vec![SeenDir { path: PathBuf::from("/lib/A"), summary }],
        ..WriteBatch::default()
    };
    repo.apply(seen(Some(summary))).await.unwrap();
    assert_eq!(repo.dir_summaries(dirs()).await.unwrap(), vec![(PathBuf::from("/lib/A"), summary)]);
    repo.apply(seen(None)).await.unwrap();
    assert!(repo.dir_summaries(dirs()).await.unwrap().is_empty(), "a change clears the summary");
}

pub async fn an_upsert_clears_the_absent_mark(repo: Arc<dyn Catalog>) {
    let files = paths("/lib/A", &["x.mkv"]);
    seed(repo.as_ref(), &files).await;
    let row = repo.get_by_path(files[0].clone()).await.unwrap().unwrap();
    let scan = ScanId::new();
    let batch = WriteBatch {
        scan: Some(scan),
        seen_dirs: vec![SeenDir { path: PathBuf::from("/lib/A"), summary: None }],
        absent: vec![Absent { id: row.id, path: row.path.clone() }],
        ..WriteBatch::default()
    };
    repo.apply(batch).await.unwrap();
    assert_eq!(repo.missing_count(scope(scan, "/lib")).await.unwrap().candidates, 1);
    // The file turns up again in the same scan (written back by a later folder's batch).
    seed(repo.as_ref(), &files).await;
    assert_eq!(repo.missing_count(scope(scan, "/lib")).await.unwrap().candidates, 0);
}

pub async fn any_under_tells_whether_a_folder_was_catalogued(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref(), &paths("/lib/Show", &["a.mkv"])).await;
    for (root, expected) in [
        ("/lib", true),
        ("/lib/Show", true),
        ("/lib/Show/a.mkv", true),
        ("/lib/Sh", false),
        ("/other", false),
    ] {
        assert_eq!(repo.any_under(PathBuf::from(root)).await.unwrap(), expected, "{root}");
    }
}

pub async fn a_batch_applies_whole_or_not_at_all(repo: Arc<dyn Catalog>) {
    // Seen folders need a scan id: the batch is refused, and its upserts with it.
    let batch = WriteBatch {
        upserts: vec![record(Path::new("/lib/A/new.mkv"))],
        seen_dirs: vec![SeenDir { path: PathBuf::from("/lib/A"), summary: None }],
        ..WriteBatch::default()
    };
    assert!(repo.apply(batch).await.is_err());
    assert!(repo.get_by_path(PathBuf::from("/lib/A/new.mkv")).await.unwrap().is_none());
}
