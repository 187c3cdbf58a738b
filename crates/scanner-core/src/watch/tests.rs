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
