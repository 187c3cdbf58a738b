//! `fill`: a large catalog of varied records, for timing the library report.

use std::path::PathBuf;
use std::time::Instant;

use repo_seaorm::{OpenMode, SeaOrmMediaRepository};
use scanner_core::media::now;
use scanner_core::ports::{MediaRepository, WriteBatch};
use scanner_core::{
    AudioStream, HdrKind, MediaId, MediaInfo, MediaRecord, MediaStatus, ParsedName, Profiles, VideoStream,
};

/// Records written per batch (one transaction each).
const BATCH: usize = 2_000;

/// The `i`th record: streams cycling through what libraries hold.
fn record(i: usize, profiles: &Profiles) -> MediaRecord {
    let containers =
        [("matroska,webm", "mkv"), ("mov,mp4,m4a,3gp,3g2,mj2", "mp4"), ("avi", "avi"), ("mpegts", "ts")];
    let videos = [
        ("h264", "High", 8, "yuv420p"),
        ("hevc", "Main 10", 10, "yuv420p10le"),
        ("av1", "Main", 10, "yuv420p10le"),
        ("mpeg4", "Simple Profile", 8, "yuv420p"),
    ];
    let sizes = [(1920, 1080), (3840, 2160), (1280, 720), (720, 480), (1920, 800)];
    let hdrs = [HdrKind::Sdr, HdrKind::Sdr, HdrKind::Sdr, HdrKind::Hdr10, HdrKind::Hlg, HdrKind::DolbyVision];
    let audios = [
        ("aac", 2, "LC"),
        ("ac3", 6, ""),
        ("eac3", 6, ""),
        ("dts", 8, "DTS-HD MA"),
        ("opus", 2, ""),
        ("truehd", 8, ""),
    ];
    let (format, ext) = containers[i % containers.len()];
    let (codec, profile, depth, pix_fmt) = videos[(i / 3) % videos.len()];
    let (width, height) = sizes[(i / 5) % sizes.len()];
    let (audio, channels, audio_profile) = audios[(i / 7) % audios.len()];
    let path =
        PathBuf::from(format!("/bench/library/Show {}/Season {}/file {i}.{ext}", i / 500, i / 50 % 10));
    let info = MediaInfo {
        container: Some(format.into()),
        duration_secs: Some(1200.0 + (i % 4000) as f64),
        bit_rate: Some(4_000_000 + (i % 1000) as u64 * 10_000),
        video: Some(VideoStream {
            codec: codec.into(),
            profile: Some(profile.into()),
            level: Some(if codec == "h264" { 41 } else { 150 }),
            width: Some(width),
            height: Some(height),
            bit_depth: Some(depth),
            pix_fmt: Some(pix_fmt.into()),
            frame_rate: Some(23.976),
            field_order: Some("progressive".into()),
            hdr: hdrs[(i / 11) % hdrs.len()],
            ..VideoStream::default()
        }),
        audio: vec![AudioStream {
            index: 1,
            codec: audio.into(),
            channels: Some(channels),
            profile: (!audio_profile.is_empty()).then(|| audio_profile.into()),
            default: true,
            ..AudioStream::default()
        }],
        probe: Some("native".into()),
        ..MediaInfo::default()
    };
    let at = now();
    let playback = profiles.decide(&info, &path);
    MediaRecord {
        id: MediaId::new(),
        library: Some("library".into()),
        size_bytes: 500_000_000 + (i % 10_000) as u64 * 100_000,
        modified_at: at,
        identity: None,
        status: MediaStatus::Ok,
        error: None,
        // What the path says: 200 shows of 10 seasons of 50 episodes (the dashboard's show
        // and item pages need them).
        parsed: ParsedName {
            kind: scanner_core::MediaKind::Episode,
            show: Some(format!("Show {}", i / 500)),
            season: Some((i / 50 % 10) as u32),
            episodes: vec![(i % 50 + 1) as u32],
            ..ParsedName::default()
        },
        overrides: Default::default(),
        compatibility: Profiles::compatibility(&playback, profiles.main()),
        playback,
        first_seen_at: at,
        last_scanned_at: at,
        missing_since: None,
        metadata: None,
        artwork: Vec::new(),
        sidecar_signature: None,
        fingerprint: None,
        probe_version: scanner_core::PROBE_FIELDS_VERSION,
        decided_with: Some(profiles.fingerprint()),
        info,
        path,
    }
}

pub async fn fill(url: &str, files: usize) -> anyhow::Result<()> {
    let catalog = SeaOrmMediaRepository::open(url, OpenMode::Migrate).await?;
    let profiles = Profiles::default();
    let started = Instant::now();
    let mut next = 0;
    while next < files {
        let end = (next + BATCH).min(files);
        let batch: Vec<MediaRecord> = (next..end).map(|i| record(i, &profiles)).collect();
        catalog.apply(WriteBatch::upserts(batch)).await?;
        next = end;
    }
    println!("{}", serde_json::json!({ "files": files, "seconds": started.elapsed().as_secs_f64() }));
    Ok(())
}
