//! testkit: real media files for mediascan's tests, made with ffmpeg once and cached in
//! `target/test-fixtures`.
//!
//! Test support only (never a dependency of shipped code). Fixtures are generated under a
//! temporary name and renamed into place, so parallel tests and test binaries share the cache
//! safely. A missing ffmpeg fails the test with instructions: tests never pass silently
//! without the real tool.

// Test support reports skips and cleanup problems on stderr, where test output goes.
#![allow(clippy::print_stderr)]

pub mod faults;
pub mod pg;
pub mod realworld;
pub mod sql;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where fixtures are cached: `$CARGO_TARGET_DIR/test-fixtures`, or `target/test-fixtures` in
/// the workspace.
pub fn fixtures_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("test-fixtures");
    fs::create_dir_all(&dir).expect("cannot create the fixtures directory");
    dir
}

/// A resource some tests need and a machine may lack. Without it such a test FAILS, saying
/// why, unless its skip variable is set (`MEDIASCAN_SKIP_POSTGRES=1` …): skipping is a choice
/// made explicitly, never what happens by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The PostgreSQL server of `MEDIASCAN_TEST_POSTGRES_URL` (default: the local one).
    Postgres,
    /// Mounting a tmpfs (needs root, or a mount namespace).
    Tmpfs,
    /// Running a test as another user with `setpriv` (needs root).
    Setpriv,
    /// Running a process in a PID namespace of its own with `unshare` (needs root).
    Unshare,
    /// The tools that make the native probe's real-world corpus (mkvmerge, GStreamer …).
    MediaTools,
    /// Chromium and its WebDriver (`chromium`, `chromedriver`), for the dashboard's browser tests.
    Browser,
}

impl Resource {
    /// The variable that, set to `1`, lets tests needing this resource skip.
    pub fn skip_variable(self) -> &'static str {
        match self {
            Self::Postgres => "MEDIASCAN_SKIP_POSTGRES",
            Self::Tmpfs => "MEDIASCAN_SKIP_TMPFS",
            Self::Setpriv => "MEDIASCAN_SKIP_SETPRIV",
            Self::Unshare => "MEDIASCAN_SKIP_UNSHARE",
            Self::MediaTools => "MEDIASCAN_SKIP_MEDIA_TOOLS",
            Self::Browser => "MEDIASCAN_SKIP_BROWSER",
        }
    }

    /// Whether the user allowed skipping tests that need this resource.
    pub fn may_skip(self) -> bool {
        std::env::var(self.skip_variable()).is_ok_and(|v| v == "1")
    }
}

/// The resource `test` needs is not there: panics with the reason, or — when the resource's
/// skip variable allows it — records the skip (stderr and `target/test-skips.log`, printed by
/// `cargo xtask ci`) and returns, and the caller ends the test.
pub fn unavailable(resource: Resource, test: &str, reason: &str) {
    let variable = resource.skip_variable();
    if !resource.may_skip() {
        panic!("{test} cannot run: {reason} (set {variable}=1 to skip the tests that need it)");
    }
    eprintln!("SKIPPED {test}: {reason} ({variable}=1)");
    let log = fixtures_dir().join("../test-skips.log");
    if let Ok(mut file) = fs::OpenOptions::new().create(true).append(true).open(log) {
        let _ = writeln!(file, "{test}: {reason} ({variable}=1)");
    }
}

/// Writes an executable script at `path`: to a temporary name first, renamed into place once
/// complete and closed, so that no process ever runs a half-written script. (A process forked
/// meanwhile by another test thread may still briefly hold the written file open, which makes
/// `exec` fail with "Text file busy"; the ffprobe adapter retries that.)
pub fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&temporary, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", temporary.display()));
    fs::set_permissions(&temporary, fs::Permissions::from_mode(0o755)).unwrap();
    fs::rename(&temporary, path).unwrap_or_else(|e| panic!("cannot rename to {}: {e}", path.display()));
}

/// Panics with instructions unless `ffmpeg` and `ffprobe` run.
pub fn require_ffmpeg() {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = CHECKED.get_or_init(|| {
        for program in ["ffmpeg", "ffprobe"] {
            let ok =
                Command::new(program).arg("-version").output().map(|o| o.status.success()).unwrap_or(false);
            if !ok {
                return Err(format!(
                    "{program} is not installed; these tests need FFmpeg. `cargo xtask ci` installs it, \
                     or run `sudo apt-get install ffmpeg`"
                ));
            }
        }
        Ok(())
    });
    if let Err(message) = result {
        panic!("{message}");
    }
}

/// Whether this process runs as root (CI does).
pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A video stream to encode.
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    /// ffmpeg encoder (`libx264`, `libx265`, `mpeg4`, `libvpx-vp9`, `libsvtav1`).
    pub encoder: &'static str,
    pub pix_fmt: &'static str,
    pub width: u32,
    pub height: u32,
    /// Frame rate as ffmpeg takes it (`24`, `24000/1001`).
    pub rate: &'static str,
    /// Extra encoder options (`-profile:v`, `-aspect` …).
    pub extra: Vec<&'static str>,
}

impl Video {
    pub fn new(encoder: &'static str, pix_fmt: &'static str) -> Self {
        Self { encoder, pix_fmt, width: 160, height: 120, rate: "24", extra: Vec::new() }
    }
}

/// An audio stream to encode.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    pub encoder: &'static str,
    pub channels: u32,
    pub language: Option<&'static str>,
}

/// A subtitle stream, converted from a small built-in SubRip file.
#[derive(Debug, Clone, PartialEq)]
pub struct Subtitle {
    /// `srt`, `ass` or `mov_text`.
    pub encoder: &'static str,
    pub language: Option<&'static str>,
}

/// A media file to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// File extension, which also picks the container (`mp4`, `mkv`, `avi`, `mov`).
    pub ext: &'static str,
    pub video: Option<Video>,
    pub audio: Vec<Audio>,
    pub subtitles: Vec<Subtitle>,
    pub seconds: f32,
    /// Muxer options (`-movflags +faststart`).
    pub muxer: Vec<&'static str>,
}

const SRT: &str = "1\n00:00:00,000 --> 00:00:00,500\nHello\n\n2\n00:00:00,500 --> 00:00:01,000\nWorld\n";

/// A name no other thread or process uses at the same time, for files renamed into place.
fn unique() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Spec {
    pub fn new(ext: &'static str) -> Self {
        Self { ext, video: None, audio: Vec::new(), subtitles: Vec::new(), seconds: 1.0, muxer: Vec::new() }
    }

    pub fn video(mut self, video: Video) -> Self {
        self.video = Some(video);
        self
    }

    pub fn audio(mut self, encoder: &'static str, channels: u32, language: Option<&'static str>) -> Self {
        self.audio.push(Audio { encoder, channels, language });
        self
    }

    pub fn subtitle(mut self, encoder: &'static str, language: Option<&'static str>) -> Self {
        self.subtitles.push(Subtitle { encoder, language });
        self
    }

    pub fn seconds(mut self, seconds: f32) -> Self {
        self.seconds = seconds;
        self
    }

    pub fn muxer(mut self, options: &[&'static str]) -> Self {
        self.muxer.extend_from_slice(options);
        self
    }

    /// The ffmpeg arguments after `ffmpeg -v error -y`, with `srt` as the subtitle input.
    fn args(&self, srt: &Path) -> Vec<String> {
        let s = |x: &str| x.to_owned();
        let secs = format!("{}", self.seconds);
        let mut args = Vec::new();
        let mut input = 0;
        let mut maps = Vec::new();
        if let Some(v) = &self.video {
            args.extend(["-f", "lavfi", "-i"].map(s));
            args.push(format!("testsrc=size={}x{}:rate={}:duration={secs}", v.width, v.height, v.rate));
            maps.push(format!("{input}:v"));
            input += 1;
        }
        for (i, _) in self.audio.iter().enumerate() {
            args.extend(["-f", "lavfi", "-i"].map(s));
            args.push(format!("sine=frequency={}:sample_rate=48000:duration={secs}", 440 + 110 * i));
            maps.push(format!("{input}:a"));
            input += 1;
        }
        for _ in &self.subtitles {
            args.push(s("-i"));
            args.push(srt.display().to_string());
            maps.push(format!("{input}:s"));
            input += 1;
        }
        for map in maps {
            args.push(s("-map"));
            args.push(map);
        }
        if let Some(v) = &self.video {
            args.extend(["-c:v", v.encoder, "-pix_fmt", v.pix_fmt].map(s));
            if v.encoder == "libx265" {
                // ultrafast keeps HEVC quick; x264's default preset keeps the High profile.
                args.extend(["-preset", "ultrafast", "-x265-params", "log-level=error"].map(s));
            }
            args.extend(v.extra.iter().map(|x| s(x)));
        }
        for (i, a) in self.audio.iter().enumerate() {
            args.extend([format!("-c:a:{i}"), s(a.encoder), format!("-ac:a:{i}"), a.channels.to_string()]);
            if let Some(lang) = a.language {
                args.extend([format!("-metadata:s:a:{i}"), format!("language={lang}")]);
            }
        }
        for (i, t) in self.subtitles.iter().enumerate() {
            args.extend([format!("-c:s:{i}"), s(t.encoder)]);
            if let Some(lang) = t.language {
                args.extend([format!("-metadata:s:s:{i}"), format!("language={lang}")]);
            }
        }
        args.extend(self.muxer.iter().map(|x| s(x)));
        args.extend(["-t", &secs].map(s));
        args
    }

    /// Generates the file (once) and returns its path in the cache.
    pub fn build(&self) -> PathBuf {
        require_ffmpeg();
        let dir = fixtures_dir();
        let srt = dir.join("subs.srt");
        if !srt.exists() {
            let tmp = dir.join(format!(".subs.{}.srt", unique()));
            fs::write(&tmp, SRT).expect("cannot write the subtitle fixture");
            fs::rename(&tmp, &srt).expect("cannot place the subtitle fixture");
        }
        let args = self.args(&srt);
        let name = format!("{:016x}.{}", fnv1a(&args.join("\u{1f}")), self.ext);
        let path = dir.join(&name);
        if path.exists() {
            return path;
        }
        let tmp = dir.join(format!(".{}.{}.{}", name, unique(), self.ext));
        let output = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-nostdin"])
            .args(&args)
            .arg(&tmp)
            .output()
            .expect("cannot run ffmpeg");
        assert!(
            output.status.success(),
            "ffmpeg failed for {self:?}: {}\nargs: {args:?}",
            String::from_utf8_lossy(&output.stderr)
        );
        fs::rename(&tmp, &path).expect("cannot place the fixture");
        path
    }
}

/// Ready-made fixtures.
pub mod presets {
    use super::{Spec, Video};
    use std::path::PathBuf;

    /// H.264 (8-bit, High) with English AAC stereo in MP4: plays in a browser.
    pub fn h264_aac_mp4() -> PathBuf {
        Spec::new("mp4")
            .video(Video { extra: vec!["-profile:v", "high"], ..Video::new("libx264", "yuv420p") })
            .audio("aac", 2, Some("eng"))
            .muxer(&["-movflags", "+faststart"])
            .build()
    }

    /// Like [`h264_aac_mp4`] with the index (`moov`) at the end, as a recorder writes it: cut
    /// short, such a file has no index and cannot be probed.
    pub fn h264_aac_mp4_moov_at_end() -> PathBuf {
        Spec::new("mp4").video(Video::new("libx264", "yuv420p")).audio("aac", 2, Some("eng")).build()
    }

    /// HEVC 10-bit with AC-3 5.1 and an English SubRip track in Matroska: not for browsers.
    pub fn hevc10_ac3_mkv() -> PathBuf {
        Spec::new("mkv")
            .video(Video::new("libx265", "yuv420p10le"))
            .audio("ac3", 6, Some("eng"))
            .subtitle("srt", Some("eng"))
            .build()
    }

    /// MPEG-4 part 2 with MP3 in AVI.
    pub fn mpeg4_mp3_avi() -> PathBuf {
        Spec::new("avi").video(Video::new("mpeg4", "yuv420p")).audio("libmp3lame", 2, None).build()
    }

    /// H.264 without audio in QuickTime.
    pub fn h264_silent_mov() -> PathBuf {
        Spec::new("mov").video(Video::new("libx264", "yuv420p")).build()
    }

    /// H.264 with two audio languages and two subtitle tracks in Matroska.
    pub fn h264_multi_mkv() -> PathBuf {
        Spec::new("mkv")
            .video(Video::new("libx264", "yuv420p"))
            .audio("aac", 2, Some("eng"))
            .audio("aac", 1, Some("jpn"))
            .subtitle("srt", Some("eng"))
            .subtitle("ass", Some("fre"))
            .build()
    }
}

/// Puts a copy of `fixture` at `dest` (a hard link where possible, to save disk and time).
pub fn place(fixture: &Path, dest: &Path) {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).expect("cannot create the destination folder");
    }
    if fs::hard_link(fixture, dest).is_err() {
        fs::copy(fixture, dest).expect("cannot copy the fixture");
    }
}

/// Puts a real copy of `fixture` at `dest`, for a test that changes the file in place (which,
/// through a hard link, would change the cached fixture for every other test).
pub fn copy(fixture: &Path, dest: &Path) {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).expect("cannot create the destination folder");
    }
    fs::copy(fixture, dest).expect("cannot copy the fixture");
}

/// Writes `bytes` at `dest`, creating folders.
pub fn write(dest: &Path, bytes: &[u8]) {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).expect("cannot create the destination folder");
    }
    fs::write(dest, bytes).expect("cannot write the file");
}

/// The first `keep` bytes of `fixture`, written at `dest`: an interrupted download.
pub fn truncated(fixture: &Path, dest: &Path, keep: usize) {
    let bytes = fs::read(fixture).expect("cannot read the fixture");
    write(dest, &bytes[..keep.min(bytes.len())]);
}

/// Deterministic pseudo-random bytes (xorshift), for files that are not media at all.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
