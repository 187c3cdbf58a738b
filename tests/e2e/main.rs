//! End-to-end: the `mediascan` binary as a user runs it.

mod cli;
mod config;
mod db;
mod dbfaults;
mod faults;
mod incremental;
mod load;
mod parse;
mod server;

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
