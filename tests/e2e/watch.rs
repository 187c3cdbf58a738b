//! `mediascan watch` and watching in `mediascan serve`, on real folders: events and polling,
//! subtree scans, settling, partial downloads, bursts, moves, deletes, an unmounted root.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use e2e::{Server, json_lines, mediascan, run};
use testkit::{Resource, presets, unavailable};

use crate::db::Db;
use crate::{Tree, config, on_both, path_str, real_ffprobe, wait_until};

/// Generous: a busy machine is slow, never wrong.
pub(crate) const DEADLINE: Duration = Duration::from_secs(90);

/// A `mediascan watch` process, killed when dropped, its stderr collected.
pub(crate) struct Watching {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Watching {
    pub(crate) fn start(config: &Path, db: &str, extra: &[&str]) -> Self {
        let mut child = mediascan()
            .arg("--config")
            .arg(config)
            .args(["watch", "--db", db])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start mediascan watch");
        let stderr = child.stderr.take().expect("piped");
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Self { child, log }
    }

    /// Waits until stderr holds `text`.
    pub(crate) fn says(&self, text: &str) {
        self.says_times(text, 1);
    }

    /// Waits until stderr holds `text` `times` times.
    fn says_times(&self, text: &str, times: usize) {
        wait_until(&format!("mediascan watch to say {text:?} {times} time(s)"), DEADLINE, || {
            self.log.lock().unwrap().matches(text).count() >= times
        });
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An empty library folder `lib` (with `Show/Season 1` and `Movies`), configured to settle
/// after `settle` seconds and poll every second.
fn library(settle: u64) -> (Tree, PathBuf) {
    let tree = Tree::new();
    let config = config(&tree, &real_ffprobe(), &format!("settle_secs = {settle}\npoll_interval_secs = 1"));
    (tree, config)
}

fn media(config: &Path, db: &str) -> Vec<Value> {
    let output = run(mediascan().arg("--config").arg(config).args(["media", "--json", "--db", db]));
    assert!(output.status.success());
    json_lines(&output)
}

pub(crate) fn row(config: &Path, db: &str, path: &Path) -> Option<Value> {
    media(config, db).into_iter().find(|m| m["path"] == path_str(path))
}

/// The scans the watcher ran (trigger `watch`), oldest first.
fn watch_scans(config: &Path, db: &str) -> Vec<Value> {
    let output =
        run(mediascan().arg("--config").arg(config).args(["scans", "--json", "--limit", "1000", "--db", db]));
    assert!(output.status.success());
    let mut scans: Vec<Value> = json_lines(&output).into_iter().filter(|s| s["trigger"] == "watch").collect();
    scans.reverse();
    scans
}

/// Scans the library by hand, so that a watcher's scans only meet what changes afterwards.
fn catalogue(config: &Path, db: &str) {
    let output = run(mediascan().arg("--config").arg(config).args(["scan", "--library", "lib", "--db", db]));
    assert!(output.status.success());
}

fn probed(scans: &[Value]) -> u64 {
    scans.iter().map(|s| s["new_files"].as_u64().unwrap() + s["changed_files"].as_u64().unwrap()).sum()
}

on_both!(events_scan_only_the_folder_that_changed_and_keep_moves_and_deletes, |db| {
    let (tree, config) = library(1);
    let watch = Watching::start(&config, &db.url, &["--mode", "events"]);
    watch.says("lib: events ok");
    assert!(media(&config, &db.url).is_empty(), "watching starts without a full scan");

    // A new episode: one subtree scan of its folder, nothing else catalogued.
    let season = tree.root.join("Show/Season 1");
    let new = season.join("Show.S01E03.mp4");
    testkit::copy(&presets::h264_aac_mp4(), &new);
    wait_until("the new episode in the catalog", DEADLINE, || row(&config, &db.url, &new).is_some());
    let catalog = media(&config, &db.url);
    assert!(
        catalog.iter().all(|m| m["path"].as_str().unwrap().starts_with(path_str(&season))),
        "{catalog:?}"
    );
    let scans = watch_scans(&config, &db.url);
    assert_eq!(scans[0]["scope"], path_str(&season), "{scans:?}");
    assert_eq!(scans[0]["root"], path_str(&tree.root));
    let id = row(&config, &db.url, &new).unwrap()["id"].clone();

    // A partial download is ignored until renamed: exactly one more scan, for the rename.
    let before = watch_scans(&config, &db.url).len();
    let part = season.join("Show.S01E04.mkv.part");
    testkit::copy(&presets::hevc10_ac3_mkv(), &part);
    let done = season.join("Show.S01E04.mkv");
    std::fs::rename(&part, &done).unwrap();
    wait_until("the renamed download in the catalog", DEADLINE, || row(&config, &db.url, &done).is_some());
    let after = watch_scans(&config, &db.url);
    assert_eq!(probed(&after[before..]), 1, "{after:?}");

    // A move to another folder keeps the row, without a probe.
    let moved = tree.root.join("Movies/Show.S01E03.mp4");
    std::fs::rename(&new, &moved).unwrap();
    wait_until("the moved file at its new path", DEADLINE, || {
        row(&config, &db.url, &moved).is_some_and(|m| m["status"] == "ok")
    });
    assert_eq!(row(&config, &db.url, &moved).unwrap()["id"], id, "a move keeps the id");
    assert!(row(&config, &db.url, &new).is_none_or(|m| m["id"] != id));

    // A delete marks the file missing; the rest of the library stays as it was.
    std::fs::remove_file(&done).unwrap();
    wait_until("the deleted file marked missing", DEADLINE, || {
        row(&config, &db.url, &done).is_some_and(|m| m["status"] == "missing")
    });
    assert_eq!(row(&config, &db.url, &moved).unwrap()["status"], "ok");
    drop(watch);
});

on_both!(polling_finds_changes_and_leaves_no_record_of_idle_polls, |db| {
    let (tree, config) = library(1);
    let watch = Watching::start(&config, &db.url, &["--mode", "poll"]);
    watch.says("lib: poll ok");
    let new = tree.root.join("Movies/New (2024).mp4");
    testkit::copy(&presets::h264_aac_mp4(), &new);
    wait_until("the new file in the catalog", DEADLINE, || row(&config, &db.url, &new).is_some());
    let scans = watch_scans(&config, &db.url);
    assert!(scans.iter().all(|s| s["scope"].is_null()), "a poll covers the library: {scans:?}");
    // Idle polls go on every second and leave no record.
    let count = scans.len();
    let started = std::time::Instant::now();
    wait_until("three more poll intervals", DEADLINE, || started.elapsed() > Duration::from_secs(3));
    assert!(watch_scans(&config, &db.url).len() <= count + 1, "{}", watch.log());
});

on_both!(a_slow_copy_is_probed_once_after_it_ends, |db| {
    let (tree, config) = library(2);
    catalogue(&config, &db.url);
    let watch = Watching::start(&config, &db.url, &["--mode", "events"]);
    watch.says("lib: events ok");
    let bytes = std::fs::read(presets::h264_aac_mp4()).unwrap();
    let dest = tree.root.join("Show/Season 1/Show.S01E09.mp4");
    let mut file = std::fs::File::create(&dest).unwrap();
    // Ten writes 300 ms apart: three seconds of copying, each pause shorter than settle_secs.
    for chunk in bytes.chunks(bytes.len().div_ceil(10)) {
        file.write_all(chunk).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(file);
    wait_until("the copied file in the catalog", DEADLINE, || row(&config, &db.url, &dest).is_some());
    let row = row(&config, &db.url, &dest).unwrap();
    assert_eq!((row["status"].as_str(), row["size_bytes"].as_u64()), (Some("ok"), Some(bytes.len() as u64)));
    assert!(row["duration_secs"].as_f64().unwrap() > 0.5, "{row}");
    assert_eq!(probed(&watch_scans(&config, &db.url)), 1, "probed exactly once");
    drop(watch);
});

on_both!(a_burst_of_files_makes_few_scans_and_no_double_probe, |db| {
    let (tree, config) = library(1);
    let watch = Watching::start(&config, &db.url, &["--mode", "events"]);
    watch.says("lib: events ok");
    let fixture = presets::h264_aac_mp4();
    let burst = tree.root.join("Burst");
    std::fs::create_dir(&burst).unwrap();
    for folder in 0..10 {
        for file in 0..20 {
            testkit::place(&fixture, &burst.join(format!("F{folder}/clip {file}.mp4")));
        }
    }
    wait_until("200 burst files in the catalog", DEADLINE, || {
        media(&config, &db.url).iter().filter(|m| m["path"].as_str().unwrap().contains("/Burst/")).count()
            == 200
    });
    let scans = watch_scans(&config, &db.url);
    assert!(scans.len() <= 4, "coalesced into few scans: {}", scans.len());
    let burst_probes: u64 = probed(&scans);
    // The library's other files may be caught by a scan of the root, once each.
    assert!((200..=204).contains(&burst_probes), "no file probed twice: {burst_probes}");
    drop(watch);
});

on_both!(serve_watches_and_reports_health_per_library, |db| {
    let (tree, config) = library(1);
    let server = Server::start(&config, &db.url, &[]);
    let url = server.url("/api/v1/libraries");
    let started = std::time::Instant::now();
    let mut body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    while body["libraries"][0]["watch"]["mode"] != "events" {
        assert!(started.elapsed() < DEADLINE, "the watcher's health never showed events: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        body = reqwest::get(&url).await.unwrap().json().await.unwrap();
    }
    let library = &body["libraries"][0];
    assert_eq!((library["watch_mode"].as_str(), library["settle_secs"].as_u64()), (Some("auto"), Some(1)));
    let watch = &library["watch"];
    assert_eq!(watch["state"], "ok");
    assert!(watch["watches"].as_u64().unwrap() >= 4, "{watch}");
    assert!(watch["watch_limit"].as_u64().unwrap() > 0, "{watch}");
    let new = tree.root.join("Movies/Served (2020).mp4");
    testkit::copy(&presets::h264_aac_mp4(), &new);
    wait_until("the new file in the catalog", DEADLINE, || row(&config, &db.url, &new).is_some());
    let body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert!(body["libraries"][0]["watch"]["last_event_at"].is_string(), "{body}");
    drop(server);
});

/// Mounts a tmpfs at `dir` (as root); false with the reason reported otherwise.
fn mount_tmpfs(dir: &Path, test: &str) -> bool {
    if !testkit::is_root() {
        unavailable(Resource::Tmpfs, test, "mounting a tmpfs needs root");
        return false;
    }
    let status = Command::new("mount").args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"]).arg(dir).status();
    if !status.as_ref().is_ok_and(|s| s.success()) {
        unavailable(Resource::Tmpfs, test, &format!("mount -t tmpfs failed: {status:?}"));
        return false;
    }
    true
}

on_both!(an_unmounted_root_pauses_and_marks_nothing_missing, |db| {
    let tree = Tree::new();
    let mount = tree.dir.path().canonicalize().unwrap().join("nas");
    std::fs::create_dir(&mount).unwrap();
    if !mount_tmpfs(&mount, "an_unmounted_root_pauses_and_marks_nothing_missing") {
        return;
    }
    let config = tree.dir.path().join("nas.toml");
    let text = format!(
        "[scanner]\nprobe = \"auto\"\nsettle_secs = 1\nscan_on_start = true\n[libraries.lib]\nroot = {:?}\n",
        path_str(&mount)
    );
    std::fs::write(&config, text).unwrap();
    let file = mount.join("Film (2001).mp4");
    testkit::copy(&presets::h264_aac_mp4(), &file);
    let watch = Watching::start(&config, &db.url, &["--mode", "events"]);
    watch.says("lib: events ok");
    wait_until("the first scan", DEADLINE, || row(&config, &db.url, &file).is_some());
    let unmounted = Command::new("umount").arg(&mount).status().unwrap();
    assert!(unmounted.success());
    watch.says("lib: events paused");
    assert!(watch.log().contains("is missing (unmounted?)"), "{}", watch.log());
    assert_eq!(row(&config, &db.url, &file).unwrap()["status"], "ok", "nothing marked missing");
    // Back: watching resumes.
    assert!(mount_tmpfs(&mount, "an_unmounted_root_pauses_and_marks_nothing_missing"));
    testkit::copy(&presets::h264_aac_mp4(), &file);
    watch.says_times("lib: events ok", 2);
    drop(watch);
    let _ = Command::new("umount").arg(&mount).status();
});

on_both!(a_file_held_open_by_its_writer_is_probed_only_once_closed, |db| {
    let (tree, config) = library(1);
    let watch = Watching::start(&config, &db.url, &["--mode", "events"]);
    watch.says("lib: events ok");
    // The whole file is there, but its writer (a paused download) still holds it open.
    let path = tree.root.join("Movies/Paused (2020).mp4");
    std::fs::write(&path, std::fs::read(presets::h264_aac_mp4()).unwrap()).unwrap();
    let writer = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    // Two scans that leave it for later: the second comes after the settle time, when only
    // the open writer holds it back.
    wait_until("two watch scans to leave the open file for later", DEADLINE, || {
        watch_scans(&config, &db.url).iter().filter(|s| s["deferred_files"].as_u64() > Some(0)).count() >= 2
    });
    assert!(row(&config, &db.url, &path).is_none(), "an open file is not probed: {}", watch.log());
    drop(writer);
    wait_until("the closed file in the catalog", DEADLINE, || {
        row(&config, &db.url, &path).is_some_and(|m| m["status"] == "ok")
    });
    drop(watch);
});
