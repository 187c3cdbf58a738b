//! `mediascan scan` and `mediascan media`.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use e2e::{json, json_lines, mediascan, run, stderr, stdout};

use crate::{Tree, path_str, slow_ffprobe};

fn scan_json(tree: &Tree) -> Value {
    let output =
        run(mediascan().args(["scan", path_str(&tree.root), "--json", "--db", path_str(&tree.db())]));
    assert!(output.status.success(), "exit {:?}", output.status);
    json(&output)
}

#[test]
fn scan_prints_the_final_progress_as_json() {
    let tree = Tree::new();
    let output =
        run(mediascan().args(["scan", path_str(&tree.root), "--json", "--db", path_str(&tree.db())]));
    assert!(output.status.success());
    let done = json(&output);
    assert_eq!(done["status"], "completed");
    assert_eq!(done["root"], path_str(&tree.root));
    assert_eq!((done["total_files"].as_u64(), done["processed"].as_u64()), (Some(4), Some(4)));
    assert_eq!((done["succeeded"].as_u64(), done["failed"].as_u64()), (Some(3), Some(1)));
    assert_eq!(done["walk_complete"], true);
    assert_eq!(done["errors"][0]["path"], path_str(&tree.root.join("Movies/Broken (2000).mkv")));
    assert!(done["scan_id"].as_str().is_some_and(|id| id.len() == 36));
    assert!(done["started_at"].is_string() && done["ended_at"].is_string());

    // Not a terminal: nothing animated on stderr (no carriage returns, no escape sequences).
    let err = stderr(&output);
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn media_lists_the_catalog_as_json_lines() {
    let tree = Tree::new();
    scan_json(&tree);
    let output = run(mediascan().args(["media", "--json", "--db", path_str(&tree.db())]));
    assert!(output.status.success());
    let rows = json_lines(&output);
    assert_eq!(rows.len(), 4);

    let keys = [
        "id",
        "path",
        "size_bytes",
        "modified_at",
        "status",
        "error",
        "container",
        "duration_secs",
        "bit_rate",
        "video",
        "audio",
        "subtitles",
        "parsed",
        "compatibility",
        "first_seen_at",
        "last_scanned_at",
    ];
    for row in &rows {
        for key in keys {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
        for key in ["kind", "show", "season", "episodes", "year", "title", "date"] {
            assert!(row["parsed"].get(key).is_some(), "parsed.{key} missing in {row}");
        }
    }

    let pilot = rows.iter().find(|r| r["path"].as_str().unwrap().ends_with("Pilot.720p.WEB-DL.mp4")).unwrap();
    assert_eq!(pilot["status"], "ok");
    assert_eq!(pilot["error"], Value::Null);
    for key in ["codec", "profile", "width", "height", "frame_rate", "pix_fmt", "bit_depth"] {
        assert!(pilot["video"].get(key).is_some(), "video.{key}");
    }
    assert_eq!(pilot["video"]["codec"], "h264");
    assert_eq!(pilot["video"]["width"], 160);
    assert_eq!(pilot["video"]["frame_rate"], 24.0);
    assert_eq!(pilot["audio"][0]["codec"], "aac");
    assert_eq!(pilot["audio"][0]["channels"], 2);
    assert_eq!(pilot["audio"][0]["language"], "eng");
    assert_eq!(pilot["parsed"]["kind"], "episode");
    assert_eq!(pilot["parsed"]["show"], "Show");
    assert_eq!(pilot["parsed"]["season"], 1);
    assert_eq!(pilot["parsed"]["episodes"], serde_json::json!([1]));
    assert_eq!(pilot["parsed"]["title"], "Pilot");
    assert_eq!(pilot["compatibility"]["compatible"], true);
    assert_eq!(pilot["compatibility"]["reasons"], serde_json::json!([]));
    assert!(pilot["duration_secs"].as_f64().unwrap() > 0.9);

    let hevc = rows.iter().find(|r| r["path"].as_str().unwrap().ends_with("S01E02.mkv")).unwrap();
    assert_eq!(hevc["compatibility"]["compatible"], false);
    assert_eq!(hevc["subtitles"][0]["codec"], "subrip");

    let broken = rows.iter().find(|r| r["status"] == "failed").unwrap();
    assert!(broken["error"].as_str().unwrap().len() > 5);
    assert_eq!(broken["compatibility"], Value::Null);
    assert_eq!(broken["parsed"]["kind"], "movie");
}

#[test]
fn media_prints_a_table_by_default() {
    let tree = Tree::new();
    scan_json(&tree);
    let output = run(mediascan().args(["media", "--db", path_str(&tree.db())]));
    let text = stdout(&output);
    assert!(text.starts_with("STATUS"), "{text}");
    assert!(text.contains("S01E01") && text.contains("Film (1999)"), "{text}");
    assert!(text.trim_end().ends_with("4 files"), "{text}");
}

#[test]
fn a_rescan_keeps_ids_and_adds_no_rows() {
    let tree = Tree::new();
    scan_json(&tree);
    let list = || json_lines(&run(mediascan().args(["media", "--json", "--db", path_str(&tree.db())])));
    let before = list();
    scan_json(&tree);
    let after = list();
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!((&a["id"], &a["path"], &a["first_seen_at"]), (&b["id"], &b["path"], &b["first_seen_at"]));
    }
}

#[test]
fn the_database_url_can_come_from_the_environment_and_defaults_to_the_data_dir() {
    let tree = Tree::new();
    let from_env = tree.dir.path().join("env.db");
    let output = run(mediascan()
        .args(["scan", path_str(&tree.root), "--json"])
        .env("MEDIASCAN_DATABASE_URL", format!("sqlite://{}", from_env.display())));
    assert!(output.status.success());
    assert!(from_env.exists());

    let home = tree.dir.path().join("home");
    let output =
        run(mediascan().args(["scan", path_str(&tree.root)]).env("HOME", &home).env_remove("XDG_DATA_HOME"));
    assert!(output.status.success());
    let default = home.join(".local/share/mediascan/catalog.db");
    assert!(default.exists(), "no catalog at {}", default.display());
    assert!(stdout(&output).contains(path_str(&default)), "the summary names the catalog");
}

/// Errors are one sentence on stderr and a non-zero status, never a panic.
fn assert_clean_failure(output: &std::process::Output, expected: &str) {
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(output);
    assert!(err.contains(expected), "{err}");
    assert!(err.starts_with("mediascan: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
}

#[test]
fn usage_errors_are_one_line_with_status_2() {
    for args in [&["scan", "--bogus"][..], &["scan"][..], &["frob"][..], &["media", "--limit", "x"][..]] {
        let output = run(mediascan().args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        assert!(err.starts_with("mediascan: ") && err.ends_with("see --help)\n"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    let tree = Tree::new();
    scan_json(&tree);
    let mut child = mediascan()
        .args(["media", "--db", path_str(&tree.db())])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // The reader closes the pipe before anything is written.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.db");
    let missing = tmp.path().join("nowhere");
    let output = run(mediascan().args(["scan", path_str(&missing), "--db", path_str(&db)]));
    assert_clean_failure(&output, &format!("{} does not exist", missing.display()));

    let file = tmp.path().join("file.mkv");
    fs::write(&file, b"x").unwrap();
    let output = run(mediascan().args(["scan", path_str(&file), "--db", path_str(&db)]));
    assert_clean_failure(&output, "is not a directory");
}

/// The test tree plus a Matroska file with PCM audio, a codec the native probe leaves to
/// ffprobe.
fn tree_with_a_file_for_ffprobe() -> Tree {
    let tree = Tree::new();
    let pcm = testkit::Spec::new("mkv")
        .video(testkit::Video::new("libx264", "yuv420p"))
        .audio("pcm_s16le", 2, None)
        .build();
    testkit::place(&pcm, &tree.root.join("Movies/Pcm (2001).mkv"));
    tree
}

#[test]
fn the_native_probe_reads_mp4_mkv_and_avi_and_ffprobe_the_rest() {
    let tree = tree_with_a_file_for_ffprobe();
    let done = scan_json(&tree);
    assert_eq!(done["probes"], serde_json::json!({ "native": 3, "ffprobe": 1 }), "{done}");
    let media = json_lines(&run(mediascan().args(["media", "--json", "--db", path_str(&tree.db())])));
    let probe_of = |name: &str| {
        let row = media.iter().find(|m| m["path"].as_str().unwrap().ends_with(name)).unwrap();
        row["probe"].as_str().map(str::to_owned)
    };
    assert_eq!(probe_of("Show.S01E01.Pilot.720p.WEB-DL.mp4").as_deref(), Some("native"));
    assert_eq!(probe_of("Show.S01E02.mkv").as_deref(), Some("native"));
    assert_eq!(probe_of("Film (1999).avi").as_deref(), Some("native"));
    assert_eq!(probe_of("Pcm (2001).mkv").as_deref(), Some("ffprobe"));
    assert_eq!(probe_of("Broken (2000).mkv"), None);
    let summary =
        run(mediascan().args(["scan", path_str(&tree.root), "--db", path_str(&tree.db()), "--force"]));
    assert!(stdout(&summary).contains("probed: 1 by ffprobe, 3 by native"), "{}", stdout(&summary));
}

#[test]
fn without_ffmpeg_the_native_probe_alone_scans_what_it_can_read() {
    let tree = tree_with_a_file_for_ffprobe();
    let output = run(mediascan()
        .args(["scan", path_str(&tree.root), "--json", "--probe", "native", "--db", path_str(&tree.db())])
        .env("MEDIASCAN_FFPROBE", "/nonexistent/ffprobe"));
    assert!(output.status.success(), "{}", stderr(&output));
    let done = json(&output);
    assert_eq!((done["succeeded"].as_u64(), done["failed"].as_u64()), (Some(3), Some(2)), "{done}");
    let errors = done["errors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e["message"].as_str().unwrap().contains("probe = \"auto\"")), "{errors:?}");
}

#[test]
fn a_missing_ffprobe_says_how_to_install_it() {
    let tree = Tree::new();
    let output = run(mediascan()
        .args(["scan", path_str(&tree.root), "--db", path_str(&tree.db())])
        .env("MEDIASCAN_FFPROBE", "/nonexistent/ffprobe"));
    assert_clean_failure(&output, "apt-get install ffmpeg");
}

#[test]
fn an_unusable_database_is_a_clear_error() {
    let tree = Tree::new();
    let output = run(mediascan().args(["scan", path_str(&tree.root), "--db", "/proc/nope/catalog.db"]));
    assert_clean_failure(&output, "cannot open the catalog at sqlite:///proc/nope/catalog.db");
    let output = run(mediascan().args(["media", "--db", "mysql://localhost/x"]));
    assert_clean_failure(&output, "unsupported database URL");
}

#[test]
fn ctrl_c_cancels_the_scan_and_exits_non_zero() {
    let tree = Tree::new();
    let slow = slow_ffprobe(tree.dir.path(), 10.0);

    let mut child = mediascan()
        .args(["scan", path_str(&tree.root), "--json", "--db", path_str(&tree.db())])
        .env("MEDIASCAN_FFPROBE", &slow)
        .env("MEDIASCAN_PROBE", "ffprobe")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    crate::wait_until("the scan to probe", Duration::from_secs(60), || crate::probing_marker(&slow).exists());
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    // A cancel that waited for the probe in flight (10 s) would count its file processed:
    // `processed` 0 shows the probe was abandoned at once.
    let status = crate::wait_exit(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(130));
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let done: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(done["status"], "cancelled");
    assert_eq!(done["processed"], 0);
}

#[test]
fn unreadable_folders_are_reported_and_the_scan_completes() {
    // Root reads everything, so this runs mediascan as `nobody` through setpriv.
    let tmp = tempfile::Builder::new().prefix("mediascan-e2e-unreadable").tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let root = tmp.path().join("media");
    testkit::place(&testkit::presets::h264_aac_mp4(), &root.join("open/a.mp4"));
    testkit::place(&testkit::presets::h264_aac_mp4(), &root.join("locked/b.mp4"));
    testkit::copy(&testkit::presets::h264_aac_mp4(), &root.join("open/unreadable.mp4"));
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("open/unreadable.mp4"), fs::Permissions::from_mode(0o000)).unwrap();
    let bin = tmp.path().join("mediascan");
    fs::copy(e2e::binary(), &bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let db = tmp.path().join("catalog.db");

    let as_root = Command::new("id").arg("-u").output().unwrap().stdout.starts_with(b"0\n");
    let mut command = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let output =
        run(command.args(["scan", path_str(&root), "--json", "--db", path_str(&db)]).env("HOME", tmp.path()));
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let done = json(&output);
    assert_eq!(done["status"], "completed");
    let counts = ["total_files", "succeeded", "failed"].map(|k| done[k].as_u64().unwrap());
    assert_eq!(counts, [2, 1, 1], "{done}");
    // The folder is reported unreadable; the file is catalogued as failed, with the reason.
    let errors = done["errors"].as_array().unwrap();
    for path in [root.join("locked"), root.join("open/unreadable.mp4")] {
        let error = errors.iter().find(|e| e["path"] == path_str(&path)).unwrap_or_else(|| panic!("{done}"));
        assert!(error["message"].as_str().unwrap().contains("Permission denied"), "{done}");
    }
}
