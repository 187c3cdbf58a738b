//! Subtree scans (a watcher's or a hook's): only their scope is compared, probed or marked
//! missing; files still being written wait.

use std::path::PathBuf;
use std::time::Duration;

use super::fakes::ROOT;
use super::incremental::Setup;
use crate::media::MediaStatus;
use crate::scan::{ScanOptions, ScanRequest, ScanStatus, ScanTrigger};

fn subtree(scope: &str, settle: Option<Duration>) -> ScanRequest {
    let options = ScanOptions { settle, ..ScanOptions::default() };
    ScanRequest {
        library: Some("tv".into()),
        options,
        trigger: ScanTrigger::Watch,
        scope: Some(PathBuf::from(ROOT).join(scope)),
        ..ScanRequest::new(ROOT)
    }
}

#[tokio::test]
async fn a_subtree_scan_never_marks_files_outside_it_missing() {
    let s = Setup::new(&["Show/S1/a.mkv", "Show/S2/b.mkv", "Movies/m.mkv"]);
    s.scan().await;
    s.disk.remove("Show/S1/a.mkv");
    s.disk.remove("Movies/m.mkv");
    s.disk.put("Show/S1/new.mkv", 7_000, 50);
    let done = s.run(subtree("Show", None)).await;
    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!(
        (done.trigger, done.scope.clone()),
        (ScanTrigger::Watch, Some(PathBuf::from(ROOT).join("Show")))
    );
    assert_eq!(done.root, PathBuf::from(ROOT), "the record names the library's root");
    assert_eq!((done.total_files, done.new_files, done.missing_files), (2, 1, 1));
    assert_eq!(s.probed(), ["Show/S1/new.mkv"]);
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap().status, MediaStatus::Missing);
    assert_eq!(s.catalog.get("Movies/m.mkv").unwrap().status, MediaStatus::Ok, "outside the scope");
}

#[tokio::test]
async fn a_folder_emptied_by_a_delete_is_not_taken_for_an_unmounted_library() {
    let s = Setup::new(&["Show/S1/a.mkv", "Show/S2/b.mkv", "Movies/m.mkv", "Movies/n.mkv"]);
    s.scan().await;
    s.disk.remove("Show/S1/a.mkv");
    let done = s.run(subtree("Show/S1", None)).await;
    assert_eq!((done.total_files, done.missing_files), (0, 1), "{:?}", done.warnings);
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap().status, MediaStatus::Missing);
}

#[tokio::test]
async fn a_file_still_being_written_waits_and_is_probed_once_after() {
    let s = Setup::new(&["Show/S1/a.mkv"]);
    s.scan().await;
    s.disk.put("Show/S1/growing.mkv", 1, 0);
    s.disk.touch("Show/S1/growing.mkv", crate::media::now());
    // The file already catalogued is changed and being rewritten too: neither probed nor absent.
    s.disk.touch("Show/S1/a.mkv", crate::media::now());
    let settle = Some(Duration::from_secs(600));
    let waiting = s.run(subtree("Show/S1", settle)).await;
    assert_eq!((waiting.deferred_files, waiting.new_files, waiting.missing_files), (2, 0, 0));
    assert_eq!(s.probed(), Vec::<String>::new());
    assert!(s.catalog.get("Show/S1/growing.mkv").is_none());
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap().status, MediaStatus::Ok);

    // Once written, a scan probes both, once.
    let an_hour_ago = crate::media::now() - chrono::TimeDelta::hours(1);
    s.disk.touch("Show/S1/growing.mkv", an_hour_ago);
    s.disk.touch("Show/S1/a.mkv", an_hour_ago);
    let done = s.run(subtree("Show/S1", settle)).await;
    assert_eq!((done.deferred_files, done.new_files, done.changed_files), (0, 1, 1));
    assert_eq!(s.probed(), ["Show/S1/a.mkv", "Show/S1/growing.mkv"]);
    // A manual scan never waits.
    s.disk.touch("Show/S1/a.mkv", crate::media::now());
    let manual = s.scan().await;
    assert_eq!((manual.deferred_files, manual.changed_files), (0, 1));
}

#[tokio::test]
async fn a_file_held_open_for_writing_waits_however_old_its_mtime() {
    let s = Setup::new(&["Show/S1/a.mkv"]);
    s.scan().await;
    // A download paused mid-file: unchanged for an hour, still open.
    s.disk.put("Show/S1/paused.mkv", 500, -3600);
    s.disk.writing("Show/S1/paused.mkv", true);
    let settle = Some(Duration::from_secs(10));
    let waiting = s.run(subtree("Show/S1", settle)).await;
    assert_eq!((waiting.deferred_files, waiting.new_files), (1, 0));
    assert_eq!(s.probed(), Vec::<String>::new());
    assert!(s.catalog.get("Show/S1/paused.mkv").is_none());
    // A manual scan probes what is there.
    let manual = s.scan().await;
    assert_eq!((manual.deferred_files, manual.new_files), (0, 1));

    // Once closed, a settling scan probes it (here: a changed copy).
    s.disk.put("Show/S1/other.mkv", 700, -3600);
    s.disk.writing("Show/S1/other.mkv", true);
    assert_eq!(s.run(subtree("Show/S1", settle)).await.deferred_files, 1);
    s.disk.writing("Show/S1/other.mkv", false);
    let done = s.run(subtree("Show/S1", settle)).await;
    assert_eq!((done.deferred_files, done.new_files), (0, 1));
}
