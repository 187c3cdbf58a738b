//! Incremental rescans: what is probed again, what is marked missing, moves, and the guards.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};

use super::*;
use crate::media::{FileIdentity, FileStat, MediaStatus};
use crate::ports::{FileSourceError, MockMediaProbe, ProbeError};

/// A probe that records which files it probed ("corrupt" in a name fails, "vanishing" is gone
/// by the time it is probed).
fn counting_probe() -> (MockMediaProbe, Arc<Mutex<Vec<PathBuf>>>) {
    let probed = Arc::new(Mutex::new(Vec::new()));
    let seen = probed.clone();
    let mut probe = MockMediaProbe::new();
    probe.expect_check().returning(|| Ok("fake".into()));
    probe.expect_probe().returning(move |path| {
        seen.lock().unwrap().push(path.clone());
        if path.to_string_lossy().contains("corrupt") {
            Err(ProbeError::InvalidMedia("Invalid data found when processing input".into()))
        } else if path.to_string_lossy().contains("vanishing") {
            Err(ProbeError::NotFound)
        } else {
            Ok(h264())
        }
    });
    (probe, probed)
}

/// A disk, a catalog, and a way to scan the one into the other.
pub(super) struct Setup {
    pub disk: Disk,
    pub catalog: Stored,
    probed: Arc<Mutex<Vec<PathBuf>>>,
    pub scanner: Scanner,
}

impl Setup {
    pub fn new(files: &[&str]) -> Self {
        let disk = Disk::default();
        for (i, file) in files.iter().enumerate() {
            disk.put(file, 1_000 + i as u64, i as i64);
        }
        let catalog = Stored::default();
        let (probe, probed) = counting_probe();
        let scanner = scanner(disk.source(), probe, catalog.repo());
        Self { disk, catalog, probed, scanner }
    }

    async fn scan_with(&self, options: ScanOptions) -> ScanProgress {
        self.run(ScanRequest { options, ..ScanRequest::new(ROOT) }).await
    }

    pub async fn run(&self, request: ScanRequest) -> ScanProgress {
        self.probed.lock().unwrap().clear();
        let id = self.scanner.start(request).await.unwrap();
        self.scanner.wait(id).await.unwrap()
    }

    pub async fn scan(&self) -> ScanProgress {
        self.scan_with(ScanOptions::default()).await
    }

    pub fn probed(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .probed
            .lock()
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(ROOT).unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

const FILES: [&str; 4] = ["Show/S1/a.mkv", "Show/S1/b.mkv", "Show/S2/c.mkv", "Movies/m.mkv"];

#[tokio::test]
async fn unchanged_files_are_neither_probed_nor_rewritten() {
    let s = Setup::new(&FILES);
    let first = s.scan().await;
    assert_eq!((first.new_files, first.unchanged_files, s.probed().len()), (4, 0, 4));
    let before = s.catalog.get("Show/S1/a.mkv").unwrap();

    let second = s.scan().await;
    assert_eq!(second.status, ScanStatus::Completed);
    assert_eq!(s.probed(), Vec::<String>::new(), "nothing probed");
    assert_eq!((second.new_files, second.changed_files, second.unchanged_files), (0, 0, 4));
    assert_eq!((second.processed, second.succeeded, second.total_files), (4, 4, 4));
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap(), before, "not rewritten");
    assert_eq!(second.missing_files, 0);
}

#[tokio::test]
async fn changed_files_are_probed_again_and_keep_their_id() {
    let s = Setup::new(&FILES);
    s.scan().await;
    let id = s.catalog.get("Show/S1/a.mkv").unwrap().id;
    s.disk.put("Show/S1/a.mkv", 5_000, 0); // new size (and a new inode)
    s.disk.put("Show/S2/c.mkv", 1_002, 99); // new modification time
    let done = s.scan().await;
    assert_eq!(s.probed(), ["Show/S1/a.mkv", "Show/S2/c.mkv"]);
    assert_eq!((done.changed_files, done.unchanged_files), (2, 2));
    let a = s.catalog.get("Show/S1/a.mkv").unwrap();
    assert_eq!((a.id, a.size_bytes), (id, 5_000));
}

#[tokio::test]
async fn a_failed_file_is_retried_only_when_asked() {
    let s = Setup::new(&["ok.mkv", "corrupt.mkv"]);
    let first = s.scan().await;
    assert_eq!((first.succeeded, first.failed), (1, 1));

    let again = s.scan().await;
    assert_eq!(s.probed(), Vec::<String>::new());
    assert_eq!(
        (again.unchanged_files, again.failed, again.errors_total),
        (2, 1, 0),
        "counted, not reported again"
    );

    let retried = s.scan_with(ScanOptions { retry_failed: true, ..ScanOptions::default() }).await;
    assert_eq!(s.probed(), ["corrupt.mkv"]);
    assert_eq!((retried.changed_files, retried.failed, retried.errors_total), (1, 1, 1));

    let forced = s.scan_with(ScanOptions { force: true, ..ScanOptions::default() }).await;
    assert_eq!(s.probed(), ["corrupt.mkv", "ok.mkv"], "--force probes everything");
    assert_eq!(forced.changed_files, 2);
}

#[tokio::test]
async fn removed_files_and_folders_are_marked_missing() {
    let s = Setup::new(&FILES);
    s.scan().await;
    s.disk.remove("Show/S1/b.mkv"); // gone from a folder that is still there
    s.disk.remove("Show/S2/c.mkv"); // its folder now has no videos at all
    let done = s.scan().await;
    assert_eq!((done.status, done.missing_files, done.unchanged_files), (ScanStatus::Completed, 2, 2));
    for gone in ["Show/S1/b.mkv", "Show/S2/c.mkv"] {
        let record = s.catalog.get(gone).unwrap();
        assert_eq!(record.status, MediaStatus::Missing, "{gone}");
        assert!(record.missing_since.is_some());
    }
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap().status, MediaStatus::Ok);

    // A missing file that comes back is probed and fine again.
    s.disk.put("Show/S1/b.mkv", 1_001, 1);
    let back = s.scan().await;
    assert_eq!(s.probed(), ["Show/S1/b.mkv"]);
    assert_eq!(back.missing_files, 0);
    let record = s.catalog.get("Show/S1/b.mkv").unwrap();
    assert_eq!((record.status, record.missing_since), (MediaStatus::Ok, None));
}

#[tokio::test]
async fn prune_deletes_missing_rows() {
    let s = Setup::new(&FILES);
    s.scan().await;
    s.disk.remove("Movies/m.mkv");
    let done = s.scan_with(ScanOptions { prune: true, ..ScanOptions::default() }).await;
    assert_eq!(done.missing_files, 1);
    assert!(s.catalog.get("Movies/m.mkv").is_none());
    assert_eq!(s.catalog.len(), 3);
}

#[tokio::test]
async fn a_cancelled_scan_marks_nothing_missing() {
    let disk = Disk::default();
    for (i, f) in FILES.iter().enumerate() {
        disk.put(f, 1_000 + i as u64, i as i64);
    }
    let catalog = Stored::default();
    let (probe, _) = counting_probe();
    let first = scanner(disk.source(), probe, catalog.repo());
    let id = first.start_scan(ROOT).await.unwrap();
    first.wait(id).await.unwrap();
    first.shutdown().await;

    disk.remove("Movies/m.mkv");
    disk.put("Show/S3/new.mkv", 7, 7);
    let (gated, _gate, started, _) = Gated::new(probe_ok());
    let second = scanner(disk.source(), gated, catalog.repo());
    let id = second.start_scan(ROOT).await.unwrap();
    eventually(|| started.load(Ordering::SeqCst) == 1).await;
    second.cancel(id).await.unwrap();
    let done = second.wait(id).await.unwrap();
    assert_eq!((done.status, done.missing_files), (ScanStatus::Cancelled, 0));
    assert_eq!(catalog.get("Movies/m.mkv").unwrap().status, MediaStatus::Ok);
    second.shutdown().await;
}

fn probe_ok() -> MockMediaProbe {
    counting_probe().0
}

#[tokio::test]
async fn an_emptied_library_marks_nothing_missing() {
    let s = Setup::new(&FILES);
    s.scan().await;
    s.disk.clear();
    let done = s.scan().await;
    assert_eq!((done.status, done.missing_files), (ScanStatus::Completed, 0));
    assert!(done.warnings[0].contains("is it mounted?"), "{:?}", done.warnings);
    assert!(s.catalog.records().iter().all(|r| r.status == MediaStatus::Ok));
}

#[tokio::test]
async fn losing_more_than_the_allowed_share_marks_nothing_missing() {
    let s = Setup::new(&FILES);
    s.scan().await;
    for gone in &FILES[..3] {
        s.disk.remove(gone);
    }
    let guarded = s.scan().await;
    assert_eq!(guarded.missing_files, 0);
    assert!(guarded.warnings[0].contains("3 of 4 catalogued files"), "{:?}", guarded.warnings);
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap().status, MediaStatus::Ok);

    let allowed = s.scan_with(ScanOptions { max_missing_share: 0.8, ..ScanOptions::default() }).await;
    assert_eq!((allowed.missing_files, allowed.warnings.len()), (3, 0));
}

#[tokio::test]
async fn files_under_unreadable_folders_are_not_missing() {
    let s = Setup::new(&FILES);
    s.scan().await;
    // Now the Show folder cannot be read: the walk reports it, and lists only Movies.
    let mut source = MockFileSource::new();
    source.expect_open_root().returning(Ok);
    source.expect_walk().returning(|_, _| {
        Ok(WalkStream::from_events(vec![
            WalkEvent::Unreadable {
                path: PathBuf::from("/library/Show"),
                message: "Permission denied".into(),
            },
            WalkEvent::Directory(DirListing {
                path: PathBuf::from("/library/Movies"),
                files: vec![FileStat {
                    path: PathBuf::from("/library/Movies/m.mkv"),
                    size: 1_003,
                    modified: Utc.timestamp_opt(1_700_000_003, 0).unwrap(),
                    identity: Some(FileIdentity { device: 1, inode: 4 }),
                }],
                sidecars: Vec::new(),
            }),
        ]))
    });
    let (probe, _) = counting_probe();
    let scanner = scanner(source, probe, s.catalog.repo());
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.status, done.missing_files, done.unchanged_files), (ScanStatus::Completed, 0, 1));
    assert!(s.catalog.records().iter().all(|r| r.status == MediaStatus::Ok));
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_renamed_file_keeps_its_id_and_is_not_probed() {
    let s = Setup::new(&FILES);
    s.scan().await;
    let before = s.catalog.get("Show/S1/a.mkv").unwrap();
    s.disk.rename("Show/S1/a.mkv", "Show/Season 1/Show - S01E05 - Renamed.mkv");
    let done = s.scan().await;
    assert_eq!(s.probed(), Vec::<String>::new(), "a move is not probed");
    assert_eq!((done.moved_files, done.new_files, done.missing_files), (1, 0, 0));
    assert!(s.catalog.get("Show/S1/a.mkv").is_none());
    let after = s.catalog.get("Show/Season 1/Show - S01E05 - Renamed.mkv").unwrap();
    assert_eq!((after.id, after.first_seen_at, &after.info), (before.id, before.first_seen_at, &before.info));
    assert_eq!((after.parsed.season, after.parsed.episodes.as_slice()), (Some(1), &[5][..]), "parsed anew");
    assert_eq!(s.catalog.len(), 4);
}

#[tokio::test]
async fn a_copy_or_hard_link_is_a_new_file() {
    let s = Setup::new(&FILES);
    s.scan().await;
    // Same size, time, inode and content as a catalogued file that is still there.
    let original = s.disk.0.lock().unwrap()[&PathBuf::from("/library/Movies/m.mkv")].clone();
    let mut link = original.0.clone();
    link.path = PathBuf::from("/library/Movies/link.mkv");
    s.disk.0.lock().unwrap().insert(link.path.clone(), (link, original.1));
    let done = s.scan().await;
    assert_eq!((done.new_files, done.moved_files), (1, 0));
    assert_eq!(s.probed(), ["Movies/link.mkv"]);
    assert_ne!(s.catalog.get("Movies/link.mkv").unwrap().id, s.catalog.get("Movies/m.mkv").unwrap().id);
}

#[tokio::test]
async fn a_file_already_missing_is_found_again_when_moved_back_in() {
    let s = Setup::new(&FILES);
    s.scan().await;
    let id = s.catalog.get("Movies/m.mkv").unwrap().id;
    let saved = s.disk.0.lock().unwrap()[&PathBuf::from("/library/Movies/m.mkv")].clone();
    s.disk.remove("Movies/m.mkv");
    assert_eq!(s.scan().await.missing_files, 1);
    let mut moved = saved.0.clone();
    moved.path = PathBuf::from("/library/Movies/Archive/m.mkv");
    s.disk.0.lock().unwrap().insert(moved.path.clone(), (moved, saved.1));
    let done = s.scan().await;
    assert_eq!(done.moved_files, 1);
    let record = s.catalog.get("Movies/Archive/m.mkv").unwrap();
    assert_eq!((record.id, record.status, record.missing_since), (id, MediaStatus::Ok, None));
}

#[tokio::test]
async fn a_root_that_vanishes_during_the_scan_fails_it_and_marks_nothing() {
    let s = Setup::new(&FILES);
    s.scan().await;
    s.disk.remove("Movies/m.mkv");
    let mut source = s.disk.source();
    source.checkpoint();
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    source.expect_open_root().returning(move |root| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        if *n == 1 { Ok(root) } else { Err(FileSourceError::NotFound { path: root }) }
    });
    let disk = s.disk.clone();
    let events = move || {
        let mut dirs: BTreeMap<PathBuf, Vec<FileStat>> = Default::default();
        for (stat, _) in disk.0.lock().unwrap().values() {
            dirs.entry(stat.path.parent().unwrap().to_path_buf()).or_default().push(stat.clone());
        }
        dirs.into_iter()
            .map(|(path, files)| WalkEvent::Directory(DirListing { path, files, sidecars: Vec::new() }))
            .collect()
    };
    source.expect_walk().returning(move |_, _| Ok(WalkStream::from_events(events())));
    let (probe, _) = counting_probe();
    let scanner = scanner(source, probe, s.catalog.repo());
    let id = scanner.start_scan(ROOT).await.unwrap();
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.status, done.missing_files), (ScanStatus::Failed, 0));
    assert!(done.error.as_deref().unwrap().contains("vanished"), "{:?}", done.error);
    assert_eq!(s.catalog.get("Movies/m.mkv").unwrap().status, MediaStatus::Ok);
    scanner.shutdown().await;
}

#[tokio::test]
async fn progress_tells_the_phase_the_rate_and_the_time_left() {
    let disk = Disk::default();
    for i in 0..4 {
        disk.put(&format!("f{i}.mkv"), 10 + i, i as i64);
    }
    let (gated, gate, started, _) = Gated::new(probe_ok());
    let config = ScannerConfig { probe_concurrency: 1, ..ScannerConfig::default() };
    let scanner = scanner_with(disk.source(), gated, Stored::default().repo(), config);
    let id = scanner.start_scan(ROOT).await.unwrap();
    eventually(|| started.load(Ordering::SeqCst) == 1).await;
    gate.add_permits(2);
    eventually(|| started.load(Ordering::SeqCst) == 3).await;
    let running = scanner.progress(id).await.unwrap();
    assert_eq!((running.phase, running.walk_complete, running.processed), (ScanPhase::Probing, true, 2));
    assert!(running.files_per_sec > 0.0);
    assert_eq!(running.expected_files, Some(4));
    // A rate of a few milliseconds predicts nothing: no ETA yet (progress.rs tests when one
    // appears).
    assert_eq!(running.eta_secs, None);
    gate.add_permits(2);
    let done = scanner.wait(id).await.unwrap();
    assert_eq!((done.phase, done.eta_secs, done.new_files), (ScanPhase::Finished, None, 4));
    tokio::time::sleep(Duration::from_millis(1)).await;
    scanner.shutdown().await;
}

#[tokio::test]
async fn a_steady_rescan_reads_no_file_rows_yet_sees_every_change() {
    let s = Setup::new(&["Show/S1/a.mkv", "Show/S1/b.mkv", "Show/S2/corrupt.mkv", "Movies/m.mkv"]);
    s.scan().await; // all new: each folder's summary is stored with its last file
    let read_before = s.catalog.stats().dirs_read;

    let steady = s.scan().await;
    assert_eq!(s.catalog.stats().dirs_read, read_before, "no folder read file by file");
    assert_eq!(
        (steady.unchanged_files, steady.succeeded, steady.failed),
        (4, 3, 1),
        "counts from the summaries"
    );
    assert!(s.probed().is_empty());

    // A change in a summarised folder changes its signature: that folder is read again.
    s.disk.put("Show/S1/b.mkv", 9_999, 42);
    let changed = s.scan().await;
    assert_eq!(s.probed(), ["Show/S1/b.mkv"]);
    assert_eq!((changed.changed_files, changed.unchanged_files), (1, 3));
    assert_eq!(s.catalog.stats().dirs_read, read_before + 1);

    // Removals and renames too.
    s.disk.remove("Movies/m.mkv");
    s.disk.rename("Show/S1/a.mkv", "Show/S1/a2.mkv");
    let moved = s.scan().await;
    assert_eq!((moved.moved_files, moved.missing_files), (1, 1));

    // --retry-failed ignores the summaries: the failed file is tried again.
    s.scan().await;
    let retried = s.scan_with(ScanOptions { retry_failed: true, ..ScanOptions::default() }).await;
    assert_eq!(s.probed(), ["Show/S2/corrupt.mkv"]);
    assert_eq!(retried.failed, 1);
}

#[tokio::test]
async fn a_folder_whose_file_vanished_while_probed_is_seen_but_not_summarised() {
    let s = Setup::new(&["Show/S1/a.mkv", "Show/S1/vanishing.mkv", "Show/S2/b.mkv"]);
    let first = s.scan().await;
    assert_eq!((first.succeeded, first.failed, first.missing_files), (2, 1, 0));
    let seen = |dir: &str| {
        s.catalog
            .0
            .folder(&PathBuf::from(ROOT).join(dir))
            .and_then(|(scan, summary)| scan.map(|_| summary.is_some()))
    };
    assert_eq!(seen("Show/S1"), Some(false), "seen (its rows are not missing), without a summary");
    assert_eq!(seen("Show/S2"), Some(true));
    let read_before = s.catalog.stats().dirs_read;

    let again = s.scan().await;
    assert_eq!(s.probed(), ["Show/S1/vanishing.mkv"], "the folder is compared file by file");
    assert_eq!(s.catalog.stats().dirs_read, read_before + 1);
    assert_eq!((again.unchanged_files, again.missing_files), (2, 0));
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap().status, MediaStatus::Ok);
}

#[tokio::test]
async fn changed_profiles_are_applied_to_every_file_without_probing_again() {
    let s = Setup::new(&FILES);
    s.scan().await;
    let before = s.catalog.get("Show/S1/a.mkv").unwrap();
    assert!(before.compatibility.as_ref().unwrap().compatible, "h264/aac mkv plays in the browser");

    // The library now follows the HLS profile: its files need a remux there.
    let hls = crate::playback::Profiles::default().with_main("hls").unwrap();
    let progress = s.scan_with(ScanOptions { profiles: hls.clone(), ..ScanOptions::default() }).await;
    assert_eq!(progress.status, ScanStatus::Completed);
    assert!(s.probed().is_empty(), "decisions are made from the stored streams");
    for record in s.catalog.records() {
        assert_eq!(record.decided_with, Some(hls.fingerprint()), "{}", record.path.display());
        assert!(!record.compatibility.unwrap().compatible, "{}", record.path.display());
        assert_eq!(record.playback, hls.decide(&record.info, &record.path));
    }
    let after = s.catalog.get("Show/S1/a.mkv").unwrap();
    assert_eq!(
        (after.id, &after.info, after.last_scanned_at),
        (before.id, &before.info, before.last_scanned_at)
    );

    // Nothing changed since: nothing is rewritten.
    let applies = s.catalog.stats().applies;
    s.scan_with(ScanOptions { profiles: hls, ..ScanOptions::default() }).await;
    assert!(s.probed().is_empty());
    assert_eq!(s.catalog.get("Show/S1/a.mkv").unwrap(), after);
    assert!(s.catalog.stats().applies <= applies + 1, "at most the folders' seen marks");
}
