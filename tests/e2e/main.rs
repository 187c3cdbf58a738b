//! End-to-end: the `mediascan` binary as a user runs it.

mod cli;
mod config;
mod dashboard;
mod db;
mod dbfaults;
mod edits;
mod faults;
mod hooks;
mod incremental;
mod item_edits;
mod items;
mod load;
mod nodes;
mod parse;
mod playback;
mod security;
mod server;
mod sidecars;
mod watch;
mod watch_nodes;

use std::fs;
use std::path::{Path, PathBuf};

use testkit::presets;

/// A small library: three good videos, one broken, some non-video files.
#[derive(Debug)]
pub struct Tree {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Tree {
    pub fn new() -> Self {
        testkit::require_ffmpeg();
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap().join("media");
        testkit::place(
            &presets::h264_aac_mp4(),
            &root.join("Show/Season 1/Show.S01E01.Pilot.720p.WEB-DL.mp4"),
        );
        testkit::place(&presets::hevc10_ac3_mkv(), &root.join("Show/Season 1/Show.S01E02.mkv"));
        testkit::place(&presets::mpeg4_mp3_avi(), &root.join("Movies/Film (1999).avi"));
        testkit::write(&root.join("Movies/Broken (2000).mkv"), &testkit::noise(50_000, 9));
        testkit::write(&root.join("Movies/Film (1999).nfo"), b"<movie/>");
        testkit::write(&root.join("Show/Season 1/Show.S01E01.en.srt"), b"1\n");
        Self { dir, root }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("catalog.db")
    }
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// A configuration with library `lib` at the tree's root, probing with `ffprobe`.
pub fn config(tree: &Tree, ffprobe: &Path, extra: &str) -> PathBuf {
    let path = tree.dir.path().join(format!("config-{}.toml", uuid_like()));
    // A stand-in ffprobe is there to be run for every file, not only those the native probe
    // is unsure of.
    let mode = if ffprobe == real_ffprobe() { "auto" } else { "ffprobe" };
    let text = format!(
        "[scanner]\nffprobe = {:?}\nprobe = {mode:?}\nconcurrency = 2\nlease_ttl_secs = 5\n{extra}\n[libraries.lib]\nroot = {:?}\n",
        ffprobe.display().to_string(),
        tree.root.display().to_string()
    );
    fs::write(&path, text).unwrap();
    path
}

fn uuid_like() -> String {
    format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

/// An ffprobe that takes `secs` per file (answering `-version` at once). Each probe it starts
/// touches [`probing_marker`], so that a test can wait until a scan is probing.
pub fn slow_ffprobe(dir: &Path, secs: f64) -> PathBuf {
    let path = dir.join(format!("slow-ffprobe-{secs}"));
    let marker = probing_marker(&path);
    testkit::write_script(
        &path,
        &format!(
            "#!/bin/sh\n[ \"$1\" = -version ] || {{ touch '{}'; sleep {secs}; }}\nexec ffprobe \"$@\"\n",
            marker.display()
        ),
    );
    path
}

/// The file a [`slow_ffprobe`] creates when it starts probing.
pub fn probing_marker(ffprobe: &Path) -> PathBuf {
    ffprobe.with_extension("probing")
}

/// Waits until `condition` holds, checking every 50 ms, or panics with `what` after a generous
/// `deadline` (a busy machine is slow, never wrong).
pub fn wait_until(what: &str, deadline: std::time::Duration, mut condition: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !condition() {
        assert!(started.elapsed() < deadline, "{what}: not within {deadline:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Waits for `child` to exit, or panics after `deadline`.
pub fn wait_exit(child: &mut std::process::Child, deadline: std::time::Duration) -> std::process::ExitStatus {
    let mut status = None;
    wait_until("the process to exit", deadline, || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    status.unwrap()
}

pub fn real_ffprobe() -> PathBuf {
    PathBuf::from("ffprobe")
}
