//! The scan service against mockall fakes of all four ports.

mod catalog;
pub(crate) mod fakes;
mod incremental;
mod subtree;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::*;
use crate::media::MediaStatus;
use crate::ports::{
    DirListing, FileSourceError, MockFileSource, MockMediaProbe, MockMediaRepository, ProbeError, ScanQuery,
    ScanRepository, WalkEvent, WalkStream,
};
use crate::{MediaId, MediaKind};
use fakes::*;

#[tokio::test]
async fn a_scan_stores_every_file_and_reaches_100_percent() {
    let stored = Stored::default();
    let scanner = scanner(
        source(&[
            ("Show/Season 1", &["Show.S01E01.mkv", "Show.S01E02.mkv"]),
            ("Movies", &["Movie (2010).mp4"]),
        ]),
        probe(),
        stored.repo(),
    );
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();

    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!((done.total_files, done.processed, done.succeeded, done.failed), (3, 3, 3, 0));
    assert!(done.walk_complete);
    assert_eq!(done.fraction(), 1.0);
    assert!(done.ended_at.is_some());
    assert_eq!(stored.len(), 3);

    let episode = stored.get("Show/Season 1/Show.S01E02.mkv").unwrap();
    assert_eq!(episode.status, MediaStatus::Ok);
    assert_eq!(episode.parsed.kind, MediaKind::Episode);
    assert_eq!(episode.parsed.show.as_deref(), Some("Show"));
    assert_eq!(episode.parsed.episodes, vec![2]);
    assert_eq!(episode.info, h264());
    assert_eq!(episode.compatibility.as_ref().map(|c| c.compatible), Some(true));
    let movie = stored.get("Movies/Movie (2010).mp4").unwrap();
    assert_eq!((movie.parsed.kind, movie.parsed.year), (MediaKind::Movie, Some(2010)));
    scanner.shutdown().await;
}

#[tokio::test]
async fn only_videos_are_processed() {
    let stored = Stored::default();
    let mut probe = MockMediaProbe::new();
    probe.expect_check().returning(|| Ok("fake".into()));
    probe.expect_probe().times(2).returning(|_| Ok(h264()));
    let scanner = scanner(
        source(&[("Show", &["a.MKV", "a.srt", "a.nfo", "poster.jpg", "b.mp4.part", "b.Mp4"])]),
        probe,
        stored.repo(),
    );
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.total_files, done.succeeded), (2, 2));
    assert!(stored.get("Show/a.MKV").is_some());
    assert!(stored.get("Show/b.Mp4").is_some());
    assert!(stored.get("Show/a.srt").is_none());
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_file_is_recorded_and_the_scan_goes_on() {
    let stored = Stored::default();
    let scanner =
        scanner(source(&[("", &["good1.mkv", "corrupt.mkv", "good2.mkv"])]), probe(), stored.repo());
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();

    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!((done.processed, done.succeeded, done.failed), (3, 2, 1));
    assert_eq!(done.errors.len(), 1);
    assert_eq!(done.errors[0].path, Path::new(ROOT).join("corrupt.mkv"));
    assert!(done.errors[0].message.contains("Invalid data"));

    let bad = stored.get("corrupt.mkv").expect("a failed file is still catalogued");
    assert_eq!(bad.status, MediaStatus::Failed);
    assert!(bad.error.as_deref().unwrap().contains("Invalid data"));
    assert_eq!(bad.compatibility, None);
    assert_eq!(stored.get("good2.mkv").unwrap().status, MediaStatus::Ok);
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_vanished_file_is_an_error_not_a_record() {
    let stored = Stored::default();
    let mut probe = MockMediaProbe::new();
    probe.expect_check().returning(|| Ok("fake".into()));
    probe
        .expect_probe()
        .returning(|path| if path.ends_with("gone.mkv") { Err(ProbeError::NotFound) } else { Ok(h264()) });
    let scanner = scanner(source(&[("", &["gone.mkv", "here.mkv"])]), probe, stored.repo());
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.status, done.succeeded, done.failed), (ScanStatus::Completed, 1, 1));
    assert!(done.errors[0].message.contains("vanished"));
    assert!(stored.get("gone.mkv").is_none());
    scanner.shutdown().await;
}

#[tokio::test]
async fn unreadable_folders_are_recorded_and_the_walk_goes_on() {
    let stored = Stored::default();
    let mut source = MockFileSource::new();
    source.expect_open_root().returning(Ok);
    source.expect_fingerprint().returning(|p| Ok(p.display().to_string()));
    source.expect_walk().returning(|_, _| {
        Ok(WalkStream::from_events(vec![
            WalkEvent::Unreadable {
                path: PathBuf::from("/library/locked"),
                message: "Permission denied".into(),
            },
            WalkEvent::Directory(DirListing {
                path: PathBuf::from(ROOT),
                files: vec![stat("a.mkv")],
                sidecars: Vec::new(),
            }),
        ]))
    });
    let scanner = scanner(source, probe(), stored.repo());
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.status, done.succeeded, done.failed), (ScanStatus::Completed, 1, 0));
    assert_eq!(done.errors_total, 1);
    assert!(done.errors[0].message.contains("Permission denied"));
    scanner.shutdown().await;
}

#[tokio::test]
async fn progress_can_be_read_while_the_scan_runs() {
    let stored = Stored::default();
    let (gated, gate, started, _) = Gated::new(probe());
    let config = ScannerConfig { probe_concurrency: 1, ..ScannerConfig::default() };
    let scanner =
        scanner_with(source(&[("", &["1.mkv", "2.mkv", "3.mkv", "4.mkv"])]), gated, stored.repo(), config);
    let id = scanner.start_scan(ROOT).await.unwrap();

    eventually(|| started.load(Ordering::SeqCst) == 1).await;
    let snap = scanner.progress(id).await.unwrap();
    assert_eq!(snap.status, ScanStatus::Running);
    assert_eq!(snap.processed, 0);
    assert_eq!(snap.current_file, Some(PathBuf::from("/library/1.mkv")));

    gate.add_permits(2);
    eventually(|| started.load(Ordering::SeqCst) == 3).await;
    let snap = scanner.progress(id).await.unwrap();
    assert_eq!((snap.status, snap.processed, snap.total_files), (ScanStatus::Running, 2, 4));
    assert!(snap.walk_complete);
    assert_eq!(snap.fraction(), 0.5);

    gate.add_permits(2);
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.status, done.processed, done.current_file), (ScanStatus::Completed, 4, None));
    scanner.shutdown().await;
}

#[tokio::test]
async fn cancel_stops_the_scan_and_abandons_the_probe_in_flight() {
    let stored = Stored::default();
    let (gated, gate, started, abandoned) = Gated::new(probe());
    let config = ScannerConfig { probe_concurrency: 1, ..ScannerConfig::default() };
    let scanner = scanner_with(source(&[("", &["1.mkv", "2.mkv", "3.mkv"])]), gated, stored.repo(), config);
    let id = scanner.start_scan(ROOT).await.unwrap();
    gate.add_permits(1);
    eventually(|| started.load(Ordering::SeqCst) == 2).await;

    scanner.cancel(id).await.unwrap();
    let done = tokio::time::timeout(Duration::from_secs(30), scanner.wait(id)).await.unwrap().unwrap();
    assert_eq!(done.status, ScanStatus::Cancelled);
    assert_eq!(done.processed, 1);
    assert_eq!(abandoned.load(Ordering::SeqCst), 1, "the probe in flight must be dropped");
    assert_eq!(stored.len(), 1, "what was finished before the cancel is kept");

    assert_eq!(
        scanner.cancel(id).await,
        Err(CancelScanError::NotRunning { id, status: ScanStatus::Cancelled })
    );
    let unknown = ScanId::new();
    assert_eq!(scanner.cancel(unknown).await, Err(CancelScanError::NotFound(unknown)));
    scanner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_ten_simultaneous_starts_exactly_one_wins() {
    let stored = Stored::default();
    let (gated, gate, _, _) = Gated::new(probe());
    let scanner = scanner(source(&[("", &["1.mkv"])]), gated, stored.repo());
    let barrier = Arc::new(tokio::sync::Barrier::new(10));
    let attempts: Vec<_> = (0..10)
        .map(|_| {
            let scanner = scanner.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                scanner.start_scan(ROOT).await
            })
        })
        .collect();
    let mut won = Vec::new();
    let mut refused = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(id) => won.push(id),
            Err(StartScanError::AlreadyRunning { .. }) => refused += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((won.len(), refused), (1, 9));

    // A new scan may start once the running one has ended.
    gate.add_permits(1);
    scanner.wait(won[0]).await.unwrap();
    gate.add_permits(1);
    let second = scanner.start_scan(ROOT).await.unwrap();
    assert_eq!(scanner.wait(second).await.unwrap().status, ScanStatus::Completed);
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_missing_root_is_rejected_before_anything_starts() {
    let mut source = MockFileSource::new();
    source.expect_open_root().returning(|path| Err(FileSourceError::NotFound { path }));
    source.expect_walk().never();
    let scanner = scanner(source, probe(), MockMediaRepository::new());
    let err = scanner.start_scan("/nowhere").await.unwrap_err();
    assert!(matches!(err, StartScanError::Root(FileSourceError::NotFound { .. })), "{err}");
    assert!(scanner.scans(ScanQuery::default()).await.unwrap().is_empty());
    scanner.shutdown().await;
}

#[tokio::test]
async fn an_unavailable_probe_is_rejected_before_anything_starts() {
    let mut probe = MockMediaProbe::new();
    probe.expect_check().returning(|| Err(ProbeError::Unavailable { message: "ffprobe not found".into() }));
    probe.expect_probe().never();
    let scanner = scanner(source(&[("", &["a.mkv"])]), probe, MockMediaRepository::new());
    let err = scanner.start_scan(ROOT).await.unwrap_err();
    assert!(
        matches!(err, StartScanError::ProbeUnavailable(ref e) if e.to_string().contains("ffprobe not found")),
        "{err}"
    );
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_database_that_stays_down_fails_the_scan_after_retrying() {
    let mut repo = MockMediaRepository::new();
    repo.expect_any_under().returning(|_| Ok(false));
    repo.expect_entries_in_dirs().returning(|_| Ok(vec![]));
    repo.expect_dir_summaries().returning(|_| Ok(vec![]));
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = attempts.clone();
    repo.expect_apply().returning(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        Err(RepoError::Unavailable(crate::ports::Cause::msg("connection refused")))
    });
    let config = ScannerConfig { db_retry: Duration::from_millis(700), ..ScannerConfig::default() };
    let scanner = scanner_with(source(&[("", &["a.mkv", "b.mkv"])]), probe(), repo, config);
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!(done.status, ScanStatus::Failed);
    let error = done.error.as_deref().unwrap();
    assert!(error.contains("connection refused") && error.contains("stayed unavailable"), "{error}");
    assert!(attempts.load(Ordering::SeqCst) >= 3, "retried with back-off");
    assert_eq!(done.missing_files, 0);
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_database_error_that_is_not_transient_fails_at_once() {
    let mut repo = MockMediaRepository::new();
    repo.expect_any_under().returning(|_| Ok(false));
    repo.expect_entries_in_dirs().returning(|_| Ok(vec![]));
    repo.expect_dir_summaries().returning(|_| Ok(vec![]));
    repo.expect_apply().times(1).returning(|_| Err(RepoError::database("disk I/O error")));
    let scanner = scanner(source(&[("", &["a.mkv"])]), probe(), repo);
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!(done.status, ScanStatus::Failed);
    assert!(done.error.as_deref().unwrap().contains("disk I/O error"));
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_rescan_updates_the_same_paths_and_keeps_ids() {
    let stored = Stored::default();
    let scanner = scanner(source(&[("", &["a.mkv", "b.mkv"])]), probe(), stored.repo());
    let first = scanner.start_scan(ROOT).await.unwrap();
    scanner.wait(first).await.unwrap();
    let id_before: MediaId = stored.get("a.mkv").unwrap().id;
    let scanned_before = stored.get("a.mkv").unwrap().last_scanned_at;

    let second = scanner.start_scan(ROOT).await.unwrap();
    scanner.wait(second).await.unwrap();
    assert_eq!(stored.len(), 2);
    let after = stored.get("a.mkv").unwrap();
    assert_eq!(after.id, id_before);
    assert!(after.last_scanned_at >= scanned_before);
    scanner.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn finished_scans_leave_memory_after_the_retention() {
    let config = ScannerConfig {
        retention: Duration::from_secs(3600),
        cleanup_interval: Duration::from_secs(60),
        ..ScannerConfig::default()
    };
    let catalog = crate::testing::InMemoryScans::default();
    let scanner =
        scanner_full(source(&[("", &["a.mkv"])]), probe(), Stored::default().repo(), catalog.clone(), config);
    let id = scanner.start_scan(ROOT).await.unwrap();
    scanner.wait(id).await.unwrap();
    tokio::task::yield_now().await;

    tokio::time::sleep(Duration::from_secs(3500)).await;
    assert!(scanner.state(id).is_some(), "still in memory within the retention");
    tokio::time::sleep(Duration::from_secs(200)).await;
    assert!(scanner.state(id).is_none(), "dropped from memory after the retention");
    assert_eq!(scanner.progress(id).await.unwrap().status, ScanStatus::Completed, "read from the catalog");
    // Deleted from the catalog (by any process): gone.
    assert_eq!(catalog.delete(id).await.unwrap(), ScanDeletion::Deleted);
    assert_eq!(scanner.progress(id).await, Err(ScanLookupError::NotFound(id)));
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_finished_scan_deleted_by_another_process_is_gone_here_too() {
    let catalog = crate::testing::InMemoryScans::default();
    let scanner = scanner_full(
        source(&[("", &["a.mkv"])]),
        probe(),
        Stored::default().repo(),
        catalog.clone(),
        ScannerConfig::default(),
    );
    let id = scanner.start_scan(ROOT).await.unwrap();
    scanner.wait(id).await.unwrap();
    assert!(scanner.progress(id).await.is_ok());
    assert_eq!(catalog.delete(id).await.unwrap(), ScanDeletion::Deleted);
    assert_eq!(scanner.progress(id).await, Err(ScanLookupError::NotFound(id)));
    scanner.shutdown().await;
}

#[tokio::test]
async fn shutdown_cancels_running_scans_and_refuses_new_ones() {
    let (gated, _gate, started, abandoned) = Gated::new(probe());
    let scanner = scanner(source(&[("", &["a.mkv", "b.mkv"])]), gated, Stored::default().repo());
    let id = scanner.start_scan(ROOT).await.unwrap();
    eventually(|| started.load(Ordering::SeqCst) >= 1).await;

    tokio::time::timeout(Duration::from_secs(30), scanner.shutdown()).await.expect("shutdown ends");
    assert_eq!(scanner.progress(id).await.unwrap().status, ScanStatus::Cancelled);
    assert!(abandoned.load(Ordering::SeqCst) >= 1);
    assert!(matches!(scanner.start_scan(ROOT).await, Err(StartScanError::ShuttingDown)));
}

#[tokio::test]
async fn many_failures_keep_a_bounded_error_list() {
    let files: Vec<String> = (0..500).map(|i| format!("corrupt-{i}.mkv")).collect();
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let config = ScannerConfig { max_errors: 20, ..ScannerConfig::default() };
    let scanner = scanner_with(source(&[("", &names)]), probe(), Stored::default().repo(), config);
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.failed, done.errors.len(), done.errors_total), (500, 20, 500));
    scanner.shutdown().await;
}
