//! FfprobeMediaProbe against the real ffprobe on real files, and against fake ffprobe
//! programs that hang, crash, flood or lie.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use probe_ffprobe::{FfprobeConfig, FfprobeMediaProbe};
use scanner_core::ports::{MediaProbe, ProbeError};
use testkit::presets;

fn real() -> FfprobeMediaProbe {
    testkit::require_ffmpeg();
    FfprobeMediaProbe::default()
}

/// An executable shell script standing in for ffprobe.
fn fake(dir: &Path, body: &str, timeout: Duration) -> FfprobeMediaProbe {
    let program = dir.join("fake-ffprobe");
    testkit::write_script(&program, &format!("#!/bin/sh\n{body}\n"));
    FfprobeMediaProbe::new(FfprobeConfig { program, timeout, max_output: 64 << 10 })
}

fn some_file(dir: &Path) -> PathBuf {
    let path = dir.join("video.mkv");
    fs::write(&path, b"whatever").unwrap();
    path
}

#[tokio::test]
async fn reports_h264_aac_in_mp4() {
    let info = real().probe(presets::h264_aac_mp4()).await.unwrap();
    assert_eq!(info.container.as_deref(), Some("mov,mp4,m4a,3gp,3g2,mj2"));
    let duration = info.duration_secs.unwrap();
    assert!((duration - 1.0).abs() < 0.1, "{duration}");
    assert!(info.bit_rate.unwrap() > 0);
    let video = info.video.unwrap();
    assert_eq!(video.codec, "h264");
    assert_eq!(video.profile.as_deref(), Some("High"));
    assert_eq!((video.width, video.height), (Some(160), Some(120)));
    assert_eq!(video.frame_rate, Some(24.0));
    assert_eq!((video.pix_fmt.as_deref(), video.bit_depth), (Some("yuv420p"), Some(8)));
    assert_eq!(info.audio.len(), 1);
    assert_eq!(info.audio[0].codec, "aac");
    assert_eq!(info.audio[0].channels, Some(2));
    assert_eq!(info.audio[0].language.as_deref(), Some("eng"));
    assert!(info.subtitles.is_empty());
}

#[tokio::test]
async fn reports_10_bit_hevc_ac3_and_subtitles_in_mkv() {
    let info = real().probe(presets::hevc10_ac3_mkv()).await.unwrap();
    assert_eq!(info.container.as_deref(), Some("matroska,webm"));
    let video = info.video.unwrap();
    assert_eq!((video.codec.as_str(), video.profile.as_deref()), ("hevc", Some("Main 10")));
    assert_eq!((video.pix_fmt.as_deref(), video.bit_depth), (Some("yuv420p10le"), Some(10)));
    assert_eq!((info.audio[0].codec.as_str(), info.audio[0].channels), ("ac3", Some(6)));
    assert_eq!(info.subtitles.len(), 1);
    assert_eq!(info.subtitles[0].codec, "subrip");
    assert_eq!(info.subtitles[0].language.as_deref(), Some("eng"));
}

#[tokio::test]
async fn reports_every_audio_and_subtitle_stream() {
    let info = real().probe(presets::h264_multi_mkv()).await.unwrap();
    let audio: Vec<_> =
        info.audio.iter().map(|a| (a.codec.as_str(), a.channels, a.language.as_deref())).collect();
    assert_eq!(audio, [("aac", Some(2), Some("eng")), ("aac", Some(1), Some("jpn"))]);
    let subs: Vec<_> = info.subtitles.iter().map(|s| (s.codec.as_str(), s.language.as_deref())).collect();
    assert_eq!(subs, [("subrip", Some("eng")), ("ass", Some("fre"))]);
}

#[tokio::test]
async fn reports_avi_and_mov() {
    let avi = real().probe(presets::mpeg4_mp3_avi()).await.unwrap();
    assert_eq!(avi.container.as_deref(), Some("avi"));
    assert_eq!(avi.video.unwrap().codec, "mpeg4");
    assert_eq!(avi.audio[0].codec, "mp3");
    let mov = real().probe(presets::h264_silent_mov()).await.unwrap();
    assert_eq!(mov.video.unwrap().codec, "h264");
    assert!(mov.audio.is_empty());
}

#[tokio::test]
async fn bad_files_are_invalid_media() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.mkv");
    testkit::write(&empty, b"");
    let text = tmp.path().join("notes.mkv");
    testkit::write(&text, b"this is a text file, not a video\n");
    let random = tmp.path().join("random.mp4");
    testkit::write(&random, &testkit::noise(200_000, 7));
    let cut = tmp.path().join("cut.mp4");
    let whole = presets::h264_aac_mp4_moov_at_end();
    testkit::truncated(&whole, &cut, fs::metadata(&whole).unwrap().len() as usize / 2);

    for path in [empty, text, random, cut] {
        match real().probe(path.clone()).await {
            Err(ProbeError::InvalidMedia(message)) => {
                assert!(!message.is_empty());
                assert!(!message.contains("file:/"), "the path is not repeated: {message}");
            }
            other => panic!("{}: expected InvalidMedia, got {other:?}", path.display()),
        }
    }
}

#[tokio::test]
async fn a_missing_file_is_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let result = real().probe(tmp.path().join("gone.mkv")).await;
    assert_eq!(result, Err(ProbeError::NotFound));
}

#[tokio::test]
async fn names_that_look_like_options_or_protocols_are_just_files() {
    let tmp = tempfile::tempdir().unwrap();
    for name in
        ["-rf.mkv", "-i.mp4", "pipe:1.mp4", "concat:a.mp4", "a \"quoted\" 'name'.mp4", "new\nline.mp4"]
    {
        let path = tmp.path().join(name);
        testkit::place(&presets::h264_aac_mp4(), &path);
        let info = real().probe(path).await.unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(info.video.unwrap().codec, "h264", "{name:?}");
    }
}

#[tokio::test]
async fn check_finds_the_program_without_running_it() {
    let found = real().check().await.unwrap();
    assert!(found.starts_with("ffprobe at /"), "{found}");
    let tmp = tempfile::tempdir().unwrap();
    let not_executable = tmp.path().join("ffprobe");
    fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    let probe = FfprobeMediaProbe::new(FfprobeConfig { program: not_executable, ..FfprobeConfig::default() });
    assert!(matches!(probe.check().await, Err(ProbeError::Unavailable { .. })));
}

#[tokio::test]
async fn a_missing_program_is_unavailable_with_a_hint() {
    let probe = FfprobeMediaProbe::new(FfprobeConfig {
        program: PathBuf::from("/nonexistent/ffprobe"),
        ..FfprobeConfig::default()
    });
    for result in [probe.check().await.map(|_| ()), probe.probe(presets::h264_aac_mp4()).await.map(|_| ())] {
        match result {
            Err(ProbeError::Unavailable { message }) => {
                assert!(message.contains("apt-get install ffmpeg"), "{message}")
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
}

/// True while a process with this pid exists (zombies included).
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test]
async fn a_hanging_probe_is_killed_at_the_timeout_and_reaped() {
    let tmp = tempfile::tempdir().unwrap();
    let pid_file = tmp.path().join("pid");
    let probe = fake(
        tmp.path(),
        &format!("echo $$ > '{}'\nexec sleep 60", pid_file.display()),
        Duration::from_millis(300),
    );
    let started = Instant::now();
    let result = probe.probe(some_file(tmp.path())).await;
    assert_eq!(result, Err(ProbeError::TimedOut(Duration::from_millis(300))));
    assert!(started.elapsed() < Duration::from_secs(5));
    let pid: u32 = fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    assert!(!alive(pid), "the timed-out child must be killed and reaped (no zombie)");
}

#[tokio::test]
async fn an_abandoned_probe_kills_its_child() {
    let tmp = tempfile::tempdir().unwrap();
    let pid_file = tmp.path().join("pid");
    let probe = fake(
        tmp.path(),
        &format!("echo $$ > '{}'\nexec sleep 60", pid_file.display()),
        Duration::from_secs(30),
    );
    let file = some_file(tmp.path());
    let probing = tokio::spawn(async move { probe.probe(file).await });
    // Abandoned once the child has certainly started (it wrote its pid).
    let deadline = Instant::now() + Duration::from_secs(30);
    let pid: u32 = loop {
        if let Some(pid) = fs::read_to_string(&pid_file).ok().and_then(|s| s.trim().parse().ok()) {
            break pid;
        }
        assert!(Instant::now() < deadline, "the fake ffprobe never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(!probing.is_finished(), "the probe should still be running");
    probing.abort();
    // kill_on_drop sends SIGKILL; tokio reaps the orphan in the background.
    while alive(pid) {
        assert!(Instant::now() < deadline, "the child of an abandoned probe is still alive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn garbage_and_partial_json_are_failures_not_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let file = some_file(tmp.path());
    for body in ["echo 'not json at all'", "printf '{\"streams\": [{\"codec_type\": \"vid'", "true"] {
        match fake(tmp.path(), body, Duration::from_secs(5)).probe(file.clone()).await {
            Err(ProbeError::Failed(message)) => assert!(message.contains("not valid JSON"), "{message}"),
            other => panic!("{body}: expected Failed, got {other:?}"),
        }
    }
    match fake(tmp.path(), "echo '{\"streams\": []}'", Duration::from_secs(5)).probe(file).await {
        Err(ProbeError::InvalidMedia(message)) => assert!(message.contains("no container format")),
        other => panic!("expected InvalidMedia, got {other:?}"),
    }
}

#[tokio::test]
async fn enormous_output_is_cut_off() {
    let tmp = tempfile::tempdir().unwrap();
    let probe = fake(tmp.path(), "exec yes '{\"streams\": []}'", Duration::from_secs(10));
    let started = Instant::now();
    match probe.probe(some_file(tmp.path())).await {
        Err(ProbeError::Failed(message)) => assert!(message.contains("more than 65536 bytes"), "{message}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "the flood must be stopped, not waited out");
}

#[tokio::test]
async fn a_probe_killed_by_a_signal_is_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let probe = fake(tmp.path(), "kill -SEGV $$", Duration::from_secs(5));
    match probe.probe(some_file(tmp.path())).await {
        Err(ProbeError::Failed(message)) => assert!(message.contains("signal 11"), "{message}"),
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_error_line_comes_from_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let probe = fake(
        tmp.path(),
        "echo 'some warning' >&2\necho 'Invalid data found when processing input' >&2\nexit 1",
        Duration::from_secs(5),
    );
    assert_eq!(
        probe.probe(some_file(tmp.path())).await,
        Err(ProbeError::InvalidMedia("Invalid data found when processing input".into()))
    );
}

/// Inputs the fuzzer found crashing `json::decode`; each must now decode or fail cleanly.
#[test]
fn fuzz_findings_decode_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fuzz");
    let mut seen = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        let _ = probe_ffprobe::json::decode(&bytes);
        seen += 1;
    }
    assert!(seen >= 1);
}
