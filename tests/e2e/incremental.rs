//! Rescans through the binary, with the real ffprobe, on both databases: what is probed again,
//! what is marked missing, moves, and the guards.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use e2e::{json, json_lines, mediascan, run};

use crate::db::Db;
use crate::{Tree, on_both};

/// The tree, its catalog, and an ffprobe that logs every file it is asked to probe.
pub(crate) struct Rescans {
    pub(crate) tree: Tree,
    pub(crate) db: String,
    ffprobe: PathBuf,
    log: PathBuf,
}

impl Rescans {
    fn new(db: &Db) -> Self {
        Self::with_tree(db, Tree::new())
    }

    /// The same over another tree.
    pub(crate) fn with_tree(db: &Db, tree: Tree) -> Self {
        let log = tree.dir.path().join("probed.log");
        let ffprobe = tree.dir.path().join("logging-ffprobe");
        let script = format!(
            "#!/bin/sh\nfor a in \"$@\"; do last=\"$a\"; done\necho \"$last\" >> '{}'\nexec ffprobe \"$@\"\n",
            log.display()
        );
        testkit::write_script(&ffprobe, &script);
        Self { tree, db: db.url.clone(), ffprobe, log }
    }

    /// Scans with `args`; returns the final progress and the files probed, by name.
    pub(crate) fn scan(&self, args: &[&str]) -> (Value, Vec<String>) {
        let _ = fs::remove_file(&self.log);
        let output = run(mediascan()
            .arg("scan")
            .arg(&self.tree.root)
            .args(["--json", "--db", &self.db])
            .args(args)
            .env("MEDIASCAN_FFPROBE", &self.ffprobe)
            .env("MEDIASCAN_PROBE", "ffprobe"));
        assert!(output.status.success());
        let mut probed: Vec<String> = fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| Path::new(l).file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        probed.sort();
        (json(&output), probed)
    }

    pub(crate) fn media(&self) -> Vec<Value> {
        json_lines(&run(mediascan().args(["media", "--json", "--db", &self.db])))
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.tree.root.join(relative)
    }
}

pub(crate) fn counts(done: &Value) -> [u64; 5] {
    ["new_files", "changed_files", "unchanged_files", "moved_files", "missing_files"]
        .map(|k| done[k].as_u64().unwrap_or_else(|| panic!("{k} in {done}")))
}

on_both!(unchanged_files_are_not_probed_and_changed_ones_are, |db| {
    let r = Rescans::new(&db);
    let (first, probed) = r.scan(&[]);
    assert_eq!(counts(&first), [4, 0, 0, 0, 0]);
    assert_eq!(probed.len(), 4);

    let (again, probed) = r.scan(&[]);
    assert_eq!(counts(&again), [0, 0, 4, 0, 0]);
    assert_eq!((again["phase"].as_str(), again["failed"].as_u64()), (Some("finished"), Some(1)));
    assert!(probed.is_empty(), "{probed:?}");

    // A private copy first: the tree's files are hard links to shared fixtures.
    let touched = r.path("Movies/Film (1999).avi");
    let bytes = fs::read(&touched).unwrap();
    fs::remove_file(&touched).unwrap();
    fs::write(&touched, bytes).unwrap();
    let (rewritten, _) = r.scan(&[]);
    assert_eq!(counts(&rewritten), [0, 1, 3, 0, 0], "a new inode and time: changed");
    fs::File::options()
        .write(true)
        .open(&touched)
        .unwrap()
        .set_modified(SystemTime::now() + Duration::from_secs(60))
        .unwrap();
    let (changed, probed) = r.scan(&[]);
    assert_eq!(counts(&changed), [0, 1, 3, 0, 0]);
    assert_eq!(probed, ["Film (1999).avi"]);

    let (retried, probed) = r.scan(&["--retry-failed"]);
    assert_eq!(probed, ["Broken (2000).mkv"], "only the failed file is tried again");
    assert_eq!(counts(&retried), [0, 1, 3, 0, 0]);

    let (forced, probed) = r.scan(&["--force"]);
    assert_eq!((counts(&forced), probed.len()), ([0, 4, 0, 0, 0], 4));
});

on_both!(removed_files_are_marked_missing_and_can_be_pruned, |db| {
    let r = Rescans::new(&db);
    r.scan(&[]);
    fs::remove_file(r.path("Movies/Film (1999).avi")).unwrap();
    let (done, probed) = r.scan(&[]);
    assert_eq!(counts(&done), [0, 0, 3, 0, 1]);
    assert!(probed.is_empty());
    let film =
        r.media().into_iter().find(|m| m["path"].as_str().unwrap().ends_with("Film (1999).avi")).unwrap();
    assert_eq!(film["status"], "missing");
    assert!(film["missing_since"].is_string());

    let (pruned, _) = r.scan(&["--prune"]);
    assert_eq!(pruned["missing_files"], 0, "already marked");
    assert_eq!(r.media().len(), 3, "--prune deleted the missing row");
});

on_both!(a_renamed_file_keeps_its_id_without_a_probe, |db| {
    let r = Rescans::new(&db);
    r.scan(&[]);
    let id_of = |name: &str| {
        r.media().into_iter().find(|m| m["path"].as_str().unwrap().ends_with(name)).map(|m| m["id"].clone())
    };
    let before = id_of("Show.S01E02.mkv").unwrap();
    fs::create_dir_all(r.path("Show/Season 01")).unwrap();
    fs::rename(r.path("Show/Season 1/Show.S01E02.mkv"), r.path("Show/Season 01/Show - S01E02 - Renamed.mkv"))
        .unwrap();
    let (done, probed) = r.scan(&[]);
    assert_eq!(counts(&done), [0, 0, 3, 1, 0]);
    assert!(probed.is_empty(), "a move is not probed: {probed:?}");
    assert_eq!(id_of("Show - S01E02 - Renamed.mkv"), Some(before));
    assert_eq!(id_of("Show.S01E02.mkv"), None);
    let renamed =
        r.media().into_iter().find(|m| m["path"].as_str().unwrap().ends_with("Renamed.mkv")).unwrap();
    assert_eq!(
        (renamed["parsed"]["title"].as_str(), renamed["video"]["codec"].as_str()),
        (Some("Renamed"), Some("hevc"))
    );
});

on_both!(an_emptied_or_half_gone_library_marks_nothing_missing, |db| {
    let r = Rescans::new(&db);
    r.scan(&[]);
    // As if the share failed to mount: the folder is there, empty.
    let aside = r.tree.dir.path().join("aside");
    fs::rename(&r.tree.root, &aside).unwrap();
    fs::create_dir(&r.tree.root).unwrap();
    let (done, _) = r.scan(&[]);
    assert_eq!((done["status"].as_str(), done["missing_files"].as_u64()), (Some("completed"), Some(0)));
    assert!(done["warnings"][0].as_str().unwrap().contains("is it mounted?"), "{done}");
    assert!(r.media().iter().all(|m| m["status"] != "missing"));

    // Three of four files gone: more than half.
    fs::remove_dir(&r.tree.root).unwrap();
    fs::rename(&aside, &r.tree.root).unwrap();
    for gone in ["Movies/Film (1999).avi", "Movies/Broken (2000).mkv", "Show/Season 1/Show.S01E02.mkv"] {
        fs::remove_file(r.path(gone)).unwrap();
    }
    let (done, _) = r.scan(&[]);
    assert_eq!(done["missing_files"], 0);
    assert!(done["warnings"][0].as_str().unwrap().contains("3 of 4"), "{done}");
});
