//! Full scans with the real adapters.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use scanner_core::ports::MediaQuery;
use scanner_core::{Decision, MediaKind, MediaRecord, MediaStatus, ScanOptions, ScanRequest, ScanStatus};

use crate::{BROKEN, Library, VIDEOS, alive, hanging_ffprobe, open, recorded_pids};

async fn catalog(app: &app::Mediascan) -> BTreeMap<PathBuf, MediaRecord> {
    let rows = app.catalog().list(MediaQuery::default()).await.unwrap();
    rows.into_iter().map(|r| (r.path.clone(), r)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_catalogs_every_video_with_what_ffprobe_and_the_name_say() {
    testkit::require_ffmpeg();
    let lib = Library::standard();
    let db = tempfile::tempdir().unwrap();
    let app = open(db.path(), |_| {}).await;

    let id = app.scanner().start_scan(&lib.root).await.unwrap();
    let done = app.scanner().wait(id).await.unwrap();
    assert_eq!(done.status, ScanStatus::Completed, "{done:?}");
    assert_eq!((done.total_files, done.processed), (VIDEOS, VIDEOS));
    assert_eq!((done.succeeded, done.failed), (VIDEOS - BROKEN, BROKEN));
    assert_eq!(done.errors.len() as u64, BROKEN);

    let rows = catalog(&app).await;
    assert_eq!(rows.len() as u64, VIDEOS, "{:#?}", rows.keys());
    assert!(rows.keys().all(|p| p.starts_with(&lib.root)));
    assert!(!rows.keys().any(|p| p.to_string_lossy().contains(".part") || p.extension().unwrap() == "srt"));

    let pilot = &rows[&lib.path("Show (2019)/Season 01/Show (2019) - S01E01 - Pilot.mp4")];
    assert_eq!(pilot.status, MediaStatus::Ok);
    assert_eq!(pilot.info.container.as_deref(), Some("mov,mp4,m4a,3gp,3g2,mj2"));
    let video = pilot.info.video.as_ref().unwrap();
    assert_eq!(
        (video.codec.as_str(), video.width, video.height, video.bit_depth),
        ("h264", Some(160), Some(120), Some(8))
    );
    assert_eq!(pilot.info.audio[0].codec, "aac");
    assert_eq!(pilot.parsed.kind, MediaKind::Episode);
    assert_eq!(
        (pilot.parsed.show.as_deref(), pilot.parsed.season, pilot.parsed.year),
        (Some("Show"), Some(1), Some(2019))
    );
    assert_eq!(pilot.parsed.title.as_deref(), Some("Pilot"));
    assert!(pilot.compatibility.as_ref().unwrap().compatible);
    assert!(pilot.size_bytes > 0);

    let double = &rows[&lib.path("Show (2019)/Season 01/Show (2019) - S01E02E03 - Double.mkv")];
    assert_eq!(double.parsed.episodes, vec![2, 3]);
    let verdict = double.compatibility.as_ref().unwrap();
    assert!(!verdict.compatible);
    assert!(verdict.reasons.iter().any(|r| r.contains("hevc")), "{:?}", verdict.reasons);
    assert!(verdict.reasons.iter().any(|r| r.contains("ac3")), "{:?}", verdict.reasons);
    let browser = &double.playback["browser"];
    let codes: Vec<_> = browser.reasons.iter().map(|r| (r.code.as_str(), r.stream)).collect();
    assert_eq!(browser.decision, Decision::Transcode, "{codes:?}");
    assert!(codes.contains(&("video_codec_not_supported", Some(0))), "{codes:?}");
    assert!(codes.contains(&("audio_codec_not_supported", Some(1))), "{codes:?}");
    assert_eq!(double.info.subtitles[0].codec, "subrip");

    let e05 = &rows[&lib.path("Other Show/S02/E05.mov")];
    assert_eq!(
        (e05.parsed.show.as_deref(), e05.parsed.season, e05.parsed.episodes.as_slice()),
        (Some("Other Show"), Some(2), &[5][..])
    );
    assert!(e05.info.audio.is_empty());

    let movie = &rows[&lib.path("Movies/Movie.Name.2011.1080p.BluRay.x264-GRP.MKV")];
    assert_eq!(
        (movie.parsed.kind, movie.parsed.title.as_deref(), movie.parsed.year),
        (MediaKind::Movie, Some("Movie Name"), Some(2011))
    );
    let avi = &rows[&lib.path("Movies/Movie Name (2010)/Movie Name (2010).avi")];
    assert_eq!(avi.info.container.as_deref(), Some("avi"));
    assert!(avi.compatibility.as_ref().unwrap().reasons.iter().any(|r| r.contains("container avi")));
    assert!(avi.playback["browser"].reasons.iter().any(|r| r.code == "container_not_supported"));

    for broken in ["Broken/corrupt.mkv", "Broken/empty.mp4", "Broken/notes.avi"] {
        let row = &rows[&lib.path(broken)];
        assert_eq!(row.status, MediaStatus::Failed, "{broken}");
        assert!(row.error.as_deref().is_some_and(|e| !e.is_empty()), "{broken}");
        assert_eq!(row.compatibility, None);
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rescan_updates_rows_in_place() {
    testkit::require_ffmpeg();
    let lib = Library::standard();
    let db = tempfile::tempdir().unwrap();
    let app = open(db.path(), |_| {}).await;
    let first = app.scanner().start_scan(&lib.root).await.unwrap();
    app.scanner().wait(first).await.unwrap();
    let before = catalog(&app).await;

    // A broken file gets fixed between the scans.
    testkit::place(&testkit::presets::h264_aac_mp4(), &lib.path("Broken/fixed.mp4"));
    std::fs::remove_file(lib.path("Broken/empty.mp4")).unwrap();
    testkit::place(&testkit::presets::h264_aac_mp4(), &lib.path("Broken/empty.mp4"));

    let second = app.scanner().start_scan(&lib.root).await.unwrap();
    let done = app.scanner().wait(second).await.unwrap();
    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!((done.new_files, done.changed_files, done.unchanged_files), (1, 1, VIDEOS - 1));
    let after = catalog(&app).await;
    assert_eq!(after.len(), before.len() + 1, "only the new file adds a row");
    let replaced = lib.path("Broken/empty.mp4");
    for (path, old) in &before {
        let new = &after[path];
        assert_eq!((new.id, new.first_seen_at), (old.id, old.first_seen_at), "{}", path.display());
        if *path == replaced {
            assert!(new.last_scanned_at > old.last_scanned_at, "the changed file is probed again");
        } else {
            assert_eq!(new, old, "an unchanged file is not rewritten: {}", path.display());
        }
    }
    assert_eq!(after[&replaced].status, MediaStatus::Ok);
    app.shutdown().await;

    // The catalog is a file: a new process sees the same rows.
    let reopened = open(db.path(), |_| {}).await;
    assert_eq!(catalog(&reopened).await.len(), after.len());
    reopened.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_links_through_a_loop_catalogs_each_file_once() {
    testkit::require_ffmpeg();
    let lib = Library::standard();
    let db = tempfile::tempdir().unwrap();
    let app = open(db.path(), |_| {}).await;
    let request = ScanRequest {
        options: {
            let mut options = ScanOptions::default();
            options.walk.follow_symlinks = true;
            options
        },
        ..ScanRequest::new(&lib.root)
    };
    let id = app.scanner().start(request).await.unwrap();
    let done = tokio::time::timeout(Duration::from_secs(60), app.scanner().wait(id)).await.unwrap().unwrap();
    assert_eq!((done.status, done.total_files), (ScanStatus::Completed, VIDEOS));
    assert_eq!(catalog(&app).await.len() as u64, VIDEOS);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_probe_is_killed_at_the_timeout_and_the_scan_goes_on() {
    testkit::require_ffmpeg();
    let lib = Library::standard();
    testkit::place(&testkit::presets::h264_aac_mp4(), &lib.path("Movies/hang (2012).mp4"));
    let db = tempfile::tempdir().unwrap();
    let program = hanging_ffprobe(db.path());
    let app = open(db.path(), |s| {
        s.ffprobe.program = program;
        s.probe = app::settings::ProbeMode::Ffprobe;
        s.ffprobe.timeout = Duration::from_secs(1);
    })
    .await;

    let id = app.scanner().start_scan(&lib.root).await.unwrap();
    let done = app.scanner().wait(id).await.unwrap();
    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!((done.total_files, done.failed), (VIDEOS + 1, BROKEN + 1));
    let hung = &catalog(&app).await[&lib.path("Movies/hang (2012).mp4")];
    assert_eq!(hung.status, MediaStatus::Failed);
    assert_eq!(hung.error.as_deref(), Some("probe timed out after 1 s"));
    let pids = recorded_pids(db.path());
    assert_eq!(pids.len(), 1);
    assert!(!alive(pids[0]), "the hung ffprobe must be killed and reaped");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_kills_the_running_ffprobe_promptly() {
    testkit::require_ffmpeg();
    let lib = tempfile::tempdir().unwrap();
    for i in 0..6 {
        testkit::place(&testkit::presets::h264_aac_mp4(), &lib.path().join(format!("hang {i}.mp4")));
    }
    let db = tempfile::tempdir().unwrap();
    let program = hanging_ffprobe(db.path());
    let app = open(db.path(), |s| {
        s.ffprobe.program = program;
        s.probe = app::settings::ProbeMode::Ffprobe;
        s.scanner.probe_concurrency = 2;
    })
    .await;
    let id = app.scanner().start_scan(lib.path()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while recorded_pids(db.path()).len() < 2 {
        assert!(Instant::now() < deadline, "the probes never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    app.scanner().cancel(id).await.unwrap();
    let done = app.scanner().wait(id).await.unwrap();
    assert_eq!(done.status, ScanStatus::Cancelled);
    // The probes hang for 60 s: had the cancel waited for them, they would have been counted.
    assert_eq!(done.processed, 0);
    // Killed and reaped: watched until gone, under a generous deadline.
    let deadline = Instant::now() + Duration::from_secs(30);
    for pid in recorded_pids(db.path()) {
        while alive(pid) {
            assert!(Instant::now() < deadline, "ffprobe {pid} outlived the cancelled scan");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    app.shutdown().await;
}
