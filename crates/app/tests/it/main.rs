//! The assembled scanner — jwalk, ffprobe, SQLite — on real directory trees of real videos.

mod api;
mod scan;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use app::{Mediascan, Settings};
use testkit::presets;

/// A library on disk: 5 good videos, 3 broken ones, non-video files and a symlink loop.
#[derive(Debug)]
pub struct Library {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub const VIDEOS: u64 = 8;
pub const BROKEN: u64 = 3;

impl Library {
    pub fn standard() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap().join("library");
        let show = root.join("Show (2019)/Season 01");
        testkit::place(&presets::h264_aac_mp4(), &show.join("Show (2019) - S01E01 - Pilot.mp4"));
        testkit::place(&presets::hevc10_ac3_mkv(), &show.join("Show (2019) - S01E02E03 - Double.mkv"));
        testkit::write(
            &show.join("Show (2019) - S01E01 - Pilot.srt"),
            b"1\n00:00:00,000 --> 00:00:01,000\nHi\n",
        );
        testkit::write(&root.join("Show (2019)/tvshow.nfo"), b"<tvshow/>");
        testkit::write(&root.join("Show (2019)/poster.jpg"), &testkit::noise(1000, 1));
        testkit::place(&presets::h264_silent_mov(), &root.join("Other Show/S02/E05.mov"));
        testkit::place(
            &presets::mpeg4_mp3_avi(),
            &root.join("Movies/Movie Name (2010)/Movie Name (2010).avi"),
        );
        testkit::place(
            &presets::h264_multi_mkv(),
            &root.join("Movies/Movie.Name.2011.1080p.BluRay.x264-GRP.MKV"),
        );
        testkit::write(&root.join("Downloads/incomplete.mkv.part"), &testkit::noise(5000, 2));
        testkit::write(&root.join("Broken/corrupt.mkv"), &testkit::noise(100_000, 3));
        testkit::write(&root.join("Broken/empty.mp4"), b"");
        testkit::write(&root.join("Broken/notes.avi"), b"not a video\n");
        symlink("..", root.join("Show (2019)/loop")).unwrap();
        Self { _dir: dir, root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

/// A mediascan with its catalog in a fresh SQLite file.
pub async fn open(dir: &Path, configure: impl FnOnce(&mut Settings)) -> Mediascan {
    let url = format!("sqlite://{}", dir.join("catalog.db").display());
    let mut settings = Settings::with_database(url);
    configure(&mut settings);
    Mediascan::open(settings).await.unwrap()
}

/// A stand-in for ffprobe: hangs (recording its pid) on files whose name contains `hang`,
/// runs the real ffprobe on the others.
pub fn hanging_ffprobe(dir: &Path) -> PathBuf {
    let program = dir.join("ffprobe-that-hangs");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do last=\"$a\"; done\ncase \"$last\" in *hang*) echo $$ >> '{}'; exec sleep 60;; esac\nexec ffprobe \"$@\"\n",
        dir.join("pids").display()
    );
    testkit::write_script(&program, &script);
    program
}

/// Pids the stand-in recorded.
pub fn recorded_pids(dir: &Path) -> Vec<u32> {
    fs::read_to_string(dir.join("pids"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

pub fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}
