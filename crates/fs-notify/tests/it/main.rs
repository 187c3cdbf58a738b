//! The notify adapter on a real folder: changes arrive as paths, a removed root says so.

use std::path::PathBuf;
use std::time::Duration;

use fs_notify::NotifyFileWatcher;
use scanner_core::ports::{FileWatcher, Storage, WatchSignal, WatchStream};

/// Collects signals until `done` says enough, under a generous deadline.
async fn until(stream: &mut WatchStream, mut done: impl FnMut(&[WatchSignal]) -> bool) -> Vec<WatchSignal> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done(&seen) {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(signal)) => seen.push(signal),
            Ok(None) => panic!("the watch ended: {seen:?}"),
            Err(_) => panic!("no expected signal within 30 s: {seen:?}"),
        }
    }
    seen
}

fn changed(signals: &[WatchSignal], path: &PathBuf) -> bool {
    signals.iter().any(|s| matches!(s, WatchSignal::Changed(paths) if paths.contains(path)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_below_the_root_arrive_including_new_folders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("Show/Season 1")).unwrap();
    let watcher = NotifyFileWatcher::default();
    assert_eq!(watcher.storage(root.clone()).await, Storage::Local);
    assert!(watcher.present(root.clone()).await);
    let mut stream = watcher.watch(root.clone()).await.unwrap();
    assert_eq!(stream.watches, Some(3), "one per folder");
    assert!(stream.watch_limit.is_some_and(|l| l > 0));

    let file = root.join("Show/Season 1/e01.mkv");
    std::fs::write(&file, b"video").unwrap();
    until(&mut stream, |s| changed(s, &file)).await;

    // A folder made after the watch started is watched too.
    std::fs::create_dir(root.join("Movies")).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let movie = root.join("Movies/m.mkv");
    std::fs::write(&movie, b"video").unwrap();
    until(&mut stream, |s| changed(s, &movie)).await;

    // A rename reports both paths.
    let renamed = root.join("Movies/m2.mkv");
    std::fs::rename(&movie, &renamed).unwrap();
    until(&mut stream, |s| changed(s, &renamed) && changed(s, &movie)).await;

    // The root removed: the watch says so.
    std::fs::remove_dir_all(&root).unwrap();
    until(&mut stream, |s| s.contains(&WatchSignal::RootGone)).await;
    assert!(!watcher.present(root).await);
}

#[tokio::test]
async fn a_missing_root_cannot_be_watched() {
    let watcher = NotifyFileWatcher::default();
    let err = watcher.watch(PathBuf::from("/nonexistent/library")).await.unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}
