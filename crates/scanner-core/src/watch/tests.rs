//! The watcher service over a fake `FileWatcher`: limits, fallbacks and subtree scans.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::*;
use crate::ports::{FileWatcher, Storage, WatchError, WatchSignal, WatchStream};
use crate::scan::ScanOptions;
use crate::scan::tests::fakes::{Disk, ROOT, Stored, probe, scanner};

/// A watcher whose answers the test sets: a watch limit, a storage kind, a missing root; the
/// test sends signals through `events`.
#[derive(Default)]
struct FakeWatcher {
    limit_reached: bool,
    storage: Option<String>,
    absent: Mutex<bool>,
    events: Mutex<Option<mpsc::Sender<WatchSignal>>>,
}

#[async_trait]
impl FileWatcher for FakeWatcher {
    async fn watch(&self, _root: PathBuf) -> Result<WatchStream, WatchError> {
        if self.limit_reached {
            return Err(WatchError::Limit { limit: Some(8192) });
        }
        let (tx, rx) = mpsc::channel(16);
        *self.events.lock().unwrap() = Some(tx);
        let mut stream = WatchStream::new(rx, Box::new(()));
        stream.watches = Some(3);
        stream.watch_limit = Some(8192);
        Ok(stream)
    }

    async fn storage(&self, _root: PathBuf) -> Storage {
        self.storage.clone().map_or(Storage::Local, Storage::Network)
    }

    async fn present(&self, _root: PathBuf) -> bool {
        !*self.absent.lock().unwrap()
    }
}

fn empty_scanner() -> crate::Scanner {
    scanner(Disk::default().source(), probe(), Stored::default().repo())
}

fn library(mode: WatchMode) -> WatchedLibrary {
    WatchedLibrary {
        name: "tv".into(),
        root: PathBuf::from(ROOT),
        options: ScanOptions::default(),
        settings: WatchSettings {
            mode,
            poll_interval: Duration::from_secs(3600),
            settle: Duration::from_millis(10),
            scan_on_start: false,
            schedule: None,
        },
    }
}

async fn health_becomes(handle: &WatchHandle, mut ok: impl FnMut(&WatchHealth) -> bool) -> WatchHealth {
    for _ in 0..3000 {
        let health = handle.health();
        if ok(&health) {
            return health;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the watcher never reached the expected health: {:?}", handle.health());
}

#[tokio::test]
async fn an_exhausted_watch_limit_falls_back_to_polling_and_says_so() {
    let scanner = empty_scanner();
    let watcher = Arc::new(FakeWatcher { limit_reached: true, ..FakeWatcher::default() });
    let (handle, task) = spawn(scanner.clone(), watcher, library(WatchMode::Auto));
    let health = health_becomes(&handle, |h| h.mode == WatchingMode::Poll).await;
    assert_eq!(health.state, WatchState::Degraded);
    let warning = health.warning.unwrap();
    assert!(warning.starts_with("ENOSPC: inotify watch limit 8192 reached"), "{warning}");
    assert!(warning.contains("watch = \"poll\""), "{warning}");
    assert!(health.next_scan_at.is_some(), "a poll is scheduled");
    handle.stop();
    task.await.unwrap();
    scanner.shutdown().await;
}

#[tokio::test]
async fn network_storage_is_polled_without_being_degraded() {
    let scanner = empty_scanner();
    let watcher = Arc::new(FakeWatcher { storage: Some("nfs4".into()), ..FakeWatcher::default() });
    let (handle, task) = spawn(scanner.clone(), watcher, library(WatchMode::Auto));
    let health = health_becomes(&handle, |h| h.mode == WatchingMode::Poll).await;
    assert_eq!(health.state, WatchState::Ok);
    assert!(health.warning.unwrap().contains("network file system (nfs4)"));
    handle.stop();
    task.await.unwrap();
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_missing_root_pauses_and_events_resume_when_it_is_back() {
    let scanner = empty_scanner();
    let watcher = Arc::new(FakeWatcher { absent: Mutex::new(true), ..FakeWatcher::default() });
    let (handle, task) = spawn(scanner.clone(), watcher.clone(), library(WatchMode::Events));
    let paused = health_becomes(&handle, |h| h.state == WatchState::Paused).await;
    assert!(paused.warning.unwrap().contains("is missing (unmounted?)"));
    *watcher.absent.lock().unwrap() = false;
    let back = health_becomes(&handle, |h| h.mode == WatchingMode::Events && h.state == WatchState::Ok).await;
    assert_eq!((back.watches, back.watch_limit, back.warning), (Some(3), Some(8192), None));
    // Events reach the health report.
    let tx = watcher.events.lock().unwrap().clone().unwrap();
    tx.send(WatchSignal::Changed(vec![PathBuf::from(ROOT).join("a/b.mkv")])).await.unwrap();
    health_becomes(&handle, |h| h.last_event_at.is_some()).await;
    // A failing watch degrades to polling.
    tx.send(WatchSignal::Failed("the kernel dropped the watch".into())).await.unwrap();
    let degraded = health_becomes(&handle, |h| h.state == WatchState::Degraded).await;
    assert_eq!(degraded.mode, WatchingMode::Poll);
    handle.stop();
    task.await.unwrap();
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_schedule_scans_the_whole_library_with_trigger_schedule() {
    let stored = Stored::default();
    let disk = Disk::default();
    disk.put("Show/a.mkv", 1_000, 0);
    let scans = crate::testing::InMemoryScans::default();
    let scanner = crate::scan::tests::fakes::scanner_full(
        disk.source(),
        probe(),
        stored.repo(),
        scans.clone(),
        crate::ScannerConfig::default(),
    );
    let mut watched = library(WatchMode::Off);
    watched.settings.schedule = Some(Schedule::Every(Duration::from_millis(100)));
    let (handle, task) = spawn(scanner.clone(), Arc::new(FakeWatcher::default()), watched);
    let health = health_becomes(&handle, |h| h.next_scan_at.is_some()).await;
    assert_eq!(health.mode, WatchingMode::Off, "not watched, only scheduled");
    for _ in 0..3000 {
        if stored.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(stored.len(), 1, "the scheduled scan catalogued the library");
    let list = scanner.scans(crate::ports::ScanQuery::default()).await.unwrap();
    assert!(list.iter().any(|s| s.trigger == crate::ScanTrigger::Schedule && s.scope.is_none()), "{list:?}");
    handle.stop();
    task.await.unwrap();
    scanner.shutdown().await;
}

/// Two nodes on one catalog (the scans port shared), each with its own holder identity and a
/// short lease.
fn node(scans: &crate::testing::InMemoryScans, host: &str) -> crate::Scanner {
    let config = crate::ScannerConfig {
        lease_ttl: Duration::from_millis(300),
        holder: crate::ports::LeaseHolder { host: host.into(), ..Default::default() },
        ..crate::ScannerConfig::default()
    };
    crate::scan::tests::fakes::scanner_full(
        Disk::default().source(),
        probe(),
        Stored::default().repo(),
        scans.clone(),
        config,
    )
}

#[tokio::test]
async fn one_node_watches_a_library_and_another_takes_over_when_it_stops() {
    let scans = crate::testing::InMemoryScans::default();
    let (a, b) = (node(&scans, "a"), node(&scans, "b"));
    let (handle_a, task_a) = spawn(a.clone(), Arc::new(FakeWatcher::default()), library(WatchMode::Events));
    health_becomes(&handle_a, |h| h.mode == WatchingMode::Events && h.state == WatchState::Ok).await;
    let (handle_b, task_b) = spawn(b.clone(), Arc::new(FakeWatcher::default()), library(WatchMode::Events));
    let standby = health_becomes(&handle_b, |h| h.state == WatchState::Standby).await;
    assert_eq!(standby.mode, WatchingMode::Off);
    assert!(standby.warning.unwrap().contains("another node watches this library"));
    // A stays the watcher while it renews.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(handle_a.health().mode, WatchingMode::Events);
    assert_eq!(handle_b.health().state, WatchState::Standby);
    // An orderly stop gives the lease up: B takes over.
    handle_a.stop();
    task_a.await.unwrap();
    health_becomes(&handle_b, |h| h.mode == WatchingMode::Events && h.state == WatchState::Ok).await;
    handle_b.stop();
    task_b.await.unwrap();
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_node_that_dies_is_replaced_once_its_watch_lease_expires() {
    let scans = crate::testing::InMemoryScans::default();
    let (a, b) = (node(&scans, "a"), node(&scans, "b"));
    let (handle_a, task_a) = spawn(a.clone(), Arc::new(FakeWatcher::default()), library(WatchMode::Poll));
    health_becomes(&handle_a, |h| h.mode == WatchingMode::Poll).await;
    let (handle_b, task_b) = spawn(b.clone(), Arc::new(FakeWatcher::default()), library(WatchMode::Poll));
    health_becomes(&handle_b, |h| h.state == WatchState::Standby).await;
    // Killed: no release, no more renewals.
    task_a.abort();
    let _ = task_a.await;
    let taken = std::time::Instant::now();
    health_becomes(&handle_b, |h| h.mode == WatchingMode::Poll && h.state == WatchState::Ok).await;
    assert!(taken.elapsed() < Duration::from_secs(5), "took over in {:?}", taken.elapsed());
    handle_b.stop();
    task_b.await.unwrap();
    a.shutdown().await;
    b.shutdown().await;
}
