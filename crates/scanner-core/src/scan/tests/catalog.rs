//! Scans and the catalog: leases, persisted progress, remote cancels, recovery.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::*;
use crate::ports::{CancelRequest, LeaseHolder, ScanQuery, ScanRecord, ScanRepository};
use crate::testing::InMemoryScans;

#[tokio::test]
async fn a_panicking_scan_fails_cleanly_and_frees_its_library() {
    let catalog = InMemoryScans::default();
    let mut probe = MockMediaProbe::new();
    probe.expect_check().returning(|| Ok("fake".into()));
    probe.expect_probe().returning(|_| panic!("bug in a probe"));
    let scanner =
        scanner_full(source(&[("", &["a.mkv"])]), probe, Stored::default().repo(), catalog.clone(), quick());
    let id = scanner.start(library("tv")).await.unwrap();
    let done = tokio::time::timeout(Duration::from_secs(5), scanner.wait(id)).await.unwrap().unwrap();
    assert_eq!(done.status, ScanStatus::Failed);
    assert!(done.error.as_deref().unwrap().contains("bug in a probe"), "{:?}", done.error);
    assert_eq!(catalog.record(id).unwrap().progress.status, ScanStatus::Failed);
    assert_eq!(catalog.lease_holder("library:tv"), None);
    scanner.shutdown().await;
}

/// Short intervals, so that persistence and leases show within a test.
fn quick() -> ScannerConfig {
    ScannerConfig {
        persist_interval: Duration::from_millis(20),
        lease_ttl: Duration::from_millis(300),
        probe_concurrency: 1,
        ..ScannerConfig::default()
    }
}

fn library(name: &str) -> ScanRequest {
    ScanRequest { library: Some(name.to_owned()), ..ScanRequest::new(ROOT) }
}

#[tokio::test]
async fn a_library_leased_by_another_node_is_already_being_scanned() {
    let catalog = InMemoryScans::default();
    let elsewhere = ScanId::new();
    let minute = Duration::from_secs(60);
    catalog.acquire_lease("library:tv".into(), elsewhere, LeaseHolder::default(), minute).await.unwrap();
    let mut source = source(&[("", &["a.mkv"])]);
    source.checkpoint();
    source.expect_open_root().returning(Ok);
    // Only the free library is walked (by the scan, and on a first scan maybe by its count).
    source.expect_walk().times(1..=2).returning(|_, _| Ok(WalkStream::from_events(Vec::new())));
    let scanner = scanner_full(source, probe(), Stored::default().repo(), catalog.clone(), quick());

    match scanner.start(library("tv")).await {
        Err(StartScanError::AlreadyRunning { key, scan }) => {
            assert_eq!((key.as_str(), scan), ("library:tv", Some(elsewhere)));
        }
        other => panic!("expected AlreadyRunning, got {other:?}"),
    }
    // Another library is free.
    let id = scanner.start(library("movies")).await.unwrap();
    scanner.wait(id).await.unwrap();
    scanner.shutdown().await;
}

#[tokio::test]
async fn an_expired_lease_can_be_taken_over() {
    let catalog = InMemoryScans::default();
    let ttl = Duration::from_millis(1);
    catalog.acquire_lease("library:tv".into(), ScanId::new(), LeaseHolder::default(), ttl).await.unwrap();
    eventually(|| catalog.lease_holder("library:tv").is_some()).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let scanner = scanner_full(
        source(&[("", &["a.mkv"])]),
        probe(),
        Stored::default().repo(),
        catalog.clone(),
        quick(),
    );
    let id = scanner.start(library("tv")).await.unwrap();
    assert_eq!(scanner.wait(id).await.unwrap().status, ScanStatus::Completed);
    scanner.shutdown().await;
}

#[tokio::test]
async fn progress_is_saved_while_running_and_the_lease_released_at_the_end() {
    let catalog = InMemoryScans::default();
    let (gated, gate, started, _) = Gated::new(probe());
    let scanner = scanner_full(
        source(&[("", &["1.mkv", "2.mkv", "3.mkv"])]),
        gated,
        Stored::default().repo(),
        catalog.clone(),
        quick(),
    );
    let id = scanner.start(library("tv")).await.unwrap();
    let record = catalog.record(id).unwrap();
    assert_eq!(record.lease_key, "library:tv");
    assert_eq!(record.progress.status, ScanStatus::Running);
    assert_eq!(record.progress.library.as_deref(), Some("tv"));
    assert_eq!(catalog.lease_holder("library:tv"), Some(id));
    gate.add_permits(1);
    eventually(|| started.load(Ordering::SeqCst) == 2).await;
    eventually(|| catalog.record(id).unwrap().progress.processed == 1).await;

    gate.add_permits(2);
    let done = scanner.wait(id).await.unwrap();
    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!(catalog.record(id).unwrap().progress, done, "the final progress is saved");
    assert_eq!(catalog.lease_holder("library:tv"), None, "the lease is released");
    scanner.shutdown().await;
}

#[tokio::test]
async fn progress_writes_are_throttled() {
    let catalog = InMemoryScans::default();
    let files: Vec<String> = (0..300).map(|i| format!("{i}.mkv")).collect();
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let config = ScannerConfig { persist_interval: Duration::from_secs(3600), ..quick() };
    let scanner =
        scanner_full(source(&[("", &names)]), probe(), Stored::default().repo(), catalog.clone(), config);
    let id = scanner.start(library("tv")).await.unwrap();
    scanner.wait(id).await.unwrap();
    // One tick at the start and one final save, not one per file.
    assert!(catalog.saves() <= 3, "{} saves for 300 files", catalog.saves());
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_cancel_requested_through_the_catalog_stops_the_scan() {
    let catalog = InMemoryScans::default();
    let (gated, _gate, started, abandoned) = Gated::new(probe());
    let scanner = scanner_full(
        source(&[("", &["1.mkv", "2.mkv"])]),
        gated,
        Stored::default().repo(),
        catalog.clone(),
        quick(),
    );
    let id = scanner.start(library("tv")).await.unwrap();
    eventually(|| started.load(Ordering::SeqCst) == 1).await;

    assert_eq!(catalog.request_cancel(id).await.unwrap(), CancelRequest::Requested);
    let done = tokio::time::timeout(Duration::from_secs(30), scanner.wait(id)).await.unwrap().unwrap();
    assert_eq!(done.status, ScanStatus::Cancelled);
    assert_eq!(abandoned.load(Ordering::SeqCst), 1);
    scanner.shutdown().await;
}

#[tokio::test]
async fn cancelling_another_nodes_scan_goes_through_the_catalog() {
    let catalog = InMemoryScans::default();
    let remote = ScanId::new();
    let mut progress = {
        let state = ProgressState::new(remote, Some("tv".into()), PathBuf::from(ROOT), 10);
        state.snapshot()
    };
    progress.node = Some("other-host:42".into());
    let record = ScanRecord { progress, lease_key: "library:tv".into(), holder: LeaseHolder::default() };
    catalog.insert(record).await.unwrap();
    let scanner = scanner_full(source(&[]), probe(), Stored::default().repo(), catalog.clone(), quick());

    assert_eq!(scanner.progress(remote).await.unwrap().node.as_deref(), Some("other-host:42"));
    scanner.cancel(remote).await.unwrap();
    assert!(catalog.cancel_requested(remote));
    let unknown = ScanId::new();
    assert_eq!(scanner.cancel(unknown).await, Err(CancelScanError::NotFound(unknown)));
    scanner.shutdown().await;
}

#[tokio::test]
async fn losing_the_lease_fails_the_scan() {
    let catalog = InMemoryScans::default();
    let (gated, _gate, started, _) = Gated::new(probe());
    let scanner = scanner_full(
        source(&[("", &["1.mkv", "2.mkv"])]),
        gated,
        Stored::default().repo(),
        catalog.clone(),
        quick(),
    );
    let id = scanner.start(library("tv")).await.unwrap();
    eventually(|| started.load(Ordering::SeqCst) == 1).await;

    catalog.lose_leases();
    let done = tokio::time::timeout(Duration::from_secs(30), scanner.wait(id)).await.unwrap().unwrap();
    assert_eq!(done.status, ScanStatus::Failed);
    assert!(done.error.as_deref().unwrap().contains("lost the lease"), "{:?}", done.error);
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_node_runs_at_most_its_limit_of_scans_at_once() {
    for (limit, second_starts) in [(1, false), (2, true)] {
        let (gated, gate, _, _) = Gated::new(probe());
        let config = ScannerConfig { max_concurrent_scans: limit, ..quick() };
        let scanner = scanner_full(
            source(&[("", &["a.mkv"])]),
            gated,
            Stored::default().repo(),
            InMemoryScans::default(),
            config,
        );
        let first = scanner.start(library("tv")).await.unwrap();
        let second = scanner.start(library("movies")).await;
        assert_eq!(second.is_ok(), second_starts, "limit {limit}: {second:?}");
        if !second_starts {
            assert!(matches!(second, Err(StartScanError::NodeBusy { limit: 1 })));
        }
        gate.add_permits(2);
        scanner.wait(first).await.unwrap();
        scanner.shutdown().await;
    }
}

#[tokio::test]
async fn recovery_interrupts_only_scans_whose_lease_expired() {
    let catalog = InMemoryScans::default();
    // Another process of this very host (same name, a pid that is not running here): with
    // containers, a host name and a pid say nothing about whether it lives. Only leases do.
    let me = LeaseHolder { host: "box".into(), pid: 100, instance: uuid::Uuid::new_v4() };
    let same_host = LeaseHolder { host: "box".into(), pid: u32::MAX - 1, instance: uuid::Uuid::new_v4() };
    let mut ids = Vec::new();
    for (library, lease) in [("a", Duration::from_secs(60)), ("b", Duration::from_millis(1))] {
        let id = ScanId::new();
        let state = ProgressState::new(id, Some(library.into()), PathBuf::from(ROOT), 10);
        let key = format!("library:{library}");
        catalog.acquire_lease(key.clone(), id, same_host.clone(), lease).await.unwrap();
        let record = ScanRecord { progress: state.snapshot(), lease_key: key, holder: same_host.clone() };
        catalog.insert(record).await.unwrap();
        ids.push(id);
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let config = ScannerConfig { holder: me, ..quick() };
    let scanner = scanner_full(source(&[]), probe(), Stored::default().repo(), catalog.clone(), config);

    assert_eq!(scanner.recover().await.unwrap(), vec![ids[1]], "only the expired lease's scan");
    let status = |i: usize| catalog.record(ids[i]).unwrap().progress;
    assert_eq!((status(0).status, status(1).status), (ScanStatus::Running, ScanStatus::Interrupted));
    assert_eq!(status(1).phase, ScanPhase::Finished);
    let listed =
        scanner.scans(ScanQuery { status: Some(ScanStatus::Running), ..ScanQuery::default() }).await.unwrap();
    assert_eq!(listed.len(), 1);
    scanner.shutdown().await;
}
