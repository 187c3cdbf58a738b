//! Media rows: upsert semantics, round trips, ordering, concurrency.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use super::Catalog;
use crate::media::{
    AudioStream, Chapter, DoviConfig, FileIdentity, HdrKind, MediaId, MediaInfo, MediaRecord, MediaStatus,
    SubtitleStream, VideoStream,
};
use crate::parse::{MediaKind, ParsedName};
use crate::playback::Compatibility;
use crate::ports::{MediaQuery, WriteBatch};

fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, nanos).unwrap()
}

pub fn record(path: &Path) -> MediaRecord {
    MediaRecord {
        id: MediaId::new(),
        path: path.to_path_buf(),
        library: Some("tv".into()),
        size_bytes: 123_456_789,
        modified_at: at(1_700_000_000, 123_456_789),
        identity: Some(FileIdentity { device: 2049, inode: u64::MAX - 1 }),
        status: MediaStatus::Ok,
        error: None,
        info: MediaInfo {
            container: Some("matroska,webm".into()),
            duration_secs: Some(1325.034),
            bit_rate: Some(4_500_000),
            video: Some(VideoStream {
                index: 0,
                codec: "hevc".into(),
                profile: Some("Main 10".into()),
                level: Some(153),
                codec_tag: Some("dvh1".into()),
                width: Some(1920),
                height: Some(1080),
                frame_rate: Some(23.976),
                avg_frame_rate: Some(23.976),
                pix_fmt: Some("yuv420p10le".into()),
                bit_depth: Some(10),
                color_range: Some("tv".into()),
                color_space: Some("bt2020nc".into()),
                color_transfer: Some("smpte2084".into()),
                color_primaries: Some("bt2020".into()),
                field_order: Some("progressive".into()),
                sample_aspect_ratio: Some("1:1".into()),
                display_aspect_ratio: Some("16:9".into()),
                rotation: Some(-90),
                bit_rate: Some(4_000_000),
                hdr: HdrKind::DolbyVision,
                dovi: Some(DoviConfig { profile: 8, level: 6, bl_compat_id: 1 }),
            }),
            audio: vec![
                AudioStream {
                    index: 1,
                    codec: "eac3".into(),
                    profile: Some("Dolby Digital Plus + Dolby Atmos".into()),
                    channels: Some(6),
                    channel_layout: Some("5.1(side)".into()),
                    sample_rate: Some(48_000),
                    bit_rate: Some(640_000),
                    language: Some("eng".into()),
                    default: true,
                    forced: false,
                    title: Some("Surround — 日本".into()),
                },
                AudioStream { index: 2, codec: "aac".into(), channels: Some(2), ..AudioStream::default() },
            ],
            subtitles: vec![
                SubtitleStream {
                    index: 3,
                    codec: "subrip".into(),
                    language: Some("fre".into()),
                    forced: true,
                    hearing_impaired: true,
                    title: Some("SDH".into()),
                    text: true,
                    ..SubtitleStream::default()
                },
                SubtitleStream {
                    codec: "subrip".into(),
                    language: Some("ger".into()),
                    forced: true,
                    text: true,
                    external: true,
                    path: Some(format!("{}.de.forced.srt", path.with_extension("").display())),
                    ..SubtitleStream::default()
                },
            ],
            cover_art: true,
            chapters: vec![
                Chapter { start_secs: 0.0, end_secs: 90.5, title: Some("Opening".into()) },
                Chapter { start_secs: 90.5, end_secs: 1325.034, title: None },
            ],
            probe: Some("native".into()),
        },
        parsed: ParsedName {
            kind: MediaKind::Episode,
            show: Some("Show Name".into()),
            season: Some(1),
            episodes: vec![1, 2],
            year: Some(2019),
            title: Some("Épisode — 日本".into()),
            date: None,
            ..ParsedName::default()
        },
        overrides: Default::default(),
        compatibility: Some(Compatibility {
            compatible: false,
            reasons: vec!["video codec hevc is not H.264".into(), "video is 10-bit, more than 8-bit".into()],
        }),
        playback: crate::playback::Profiles::default().decide(&MediaInfo::default(), path),
        first_seen_at: at(1_700_000_100, 0),
        last_scanned_at: at(1_700_000_200, 500_000_000),
        missing_since: None,
        metadata: Some(crate::sidecar::Metadata {
            title: Some("Épisode".into()),
            original_title: None,
            year: Some(2019),
            plot: Some("Two people <meet> & part.".into()),
            ids: crate::sidecar::ProviderIds {
                tmdb: Some("603".into()),
                imdb: Some("tt0133093".into()),
                tvdb: None,
            },
        }),
        artwork: vec![format!("{}/poster.jpg", path.parent().unwrap_or(path).display())],
        // Above i64::MAX, as `decided_with`.
        sidecar_signature: Some(u64::MAX - 7),
        fingerprint: Some("xxh3:0123456789abcdef0123456789abcdef".into()),
        probe_version: crate::media::PROBE_FIELDS_VERSION,
        // Above i64::MAX: stored as its two's complement.
        decided_with: Some(u64::MAX - 5),
    }
}

async fn all(repo: &dyn Catalog) -> Vec<MediaRecord> {
    repo.list(MediaQuery::default()).await.unwrap()
}

pub async fn round_trips_every_field(repo: Arc<dyn Catalog>) {
    let original = record(Path::new("/media/TV/Show Name/Season 1/Show.Name.S01E01E02.mkv"));
    repo.apply(WriteBatch::upserts(vec![original.clone()])).await.unwrap();
    let stored = repo.get(original.id).await.unwrap().expect("stored");
    assert_eq!(stored, original);
    assert_eq!(repo.get(MediaId::new()).await.unwrap(), None);
}

pub async fn round_trips_odd_paths(repo: Arc<dyn Catalog>) {
    let odd = [
        PathBuf::from(OsStr::from_bytes(b"/media/bad\xff\xfe name.mkv")),
        PathBuf::from("/media/100% Real/-rf.mkv"),
        PathBuf::from("/media/new\nline \"quoted\" 'x'.mkv"),
        PathBuf::from("/media/日本語/タイトル.mkv"),
        PathBuf::from(format!("/media/{}/long.mkv", "d".repeat(250))),
    ];
    let records: Vec<MediaRecord> = odd.iter().map(|p| record(p)).collect();
    repo.apply(WriteBatch::upserts(records.clone())).await.unwrap();
    for original in records {
        let stored = repo.get(original.id).await.unwrap().expect("stored");
        assert_eq!(stored.path, original.path);
    }
}

pub async fn a_failed_record_round_trips(repo: Arc<dyn Catalog>) {
    let mut failed = record(Path::new("/media/broken.mkv"));
    failed.status = MediaStatus::Failed;
    failed.error = Some("Invalid data found when processing input".into());
    failed.info = MediaInfo::default();
    failed.compatibility = None;
    failed.identity = None;
    repo.apply(WriteBatch::upserts(vec![failed.clone()])).await.unwrap();
    assert_eq!(repo.get(failed.id).await.unwrap(), Some(failed));
}

pub async fn upsert_updates_in_place_and_keeps_identity(repo: Arc<dyn Catalog>) {
    let path = Path::new("/media/a.mkv");
    let first = record(path);
    repo.apply(WriteBatch::upserts(vec![first.clone()])).await.unwrap();

    let mut second = record(path);
    second.size_bytes = 1;
    second.status = MediaStatus::Failed;
    second.error = Some("truncated".into());
    second.first_seen_at = at(1_800_000_000, 0);
    second.last_scanned_at = at(1_800_000_000, 0);
    repo.apply(WriteBatch::upserts(vec![second.clone()])).await.unwrap();

    let rows = all(repo.as_ref()).await;
    assert_eq!(rows.len(), 1, "one row per path");
    let row = &rows[0];
    assert_eq!(row.id, first.id, "the id of a known path never changes");
    assert_eq!(row.first_seen_at, first.first_seen_at, "first sighting is kept");
    assert_eq!(row.last_scanned_at, second.last_scanned_at);
    assert_eq!(
        (row.size_bytes, row.status, row.error.as_deref()),
        (1, MediaStatus::Failed, Some("truncated"))
    );
}

pub async fn concurrent_upserts_of_one_path_leave_one_row(repo: Arc<dyn Catalog>) {
    let path = PathBuf::from("/media/raced.mkv");
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let repo = repo.clone();
            let mut rec = record(&path);
            rec.size_bytes = i;
            tokio::spawn(async move { repo.apply(WriteBatch::upserts(vec![rec])).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(all(repo.as_ref()).await.len(), 1);
}

pub async fn big_batches_are_split_and_written_whole(repo: Arc<dyn Catalog>) {
    let records: Vec<MediaRecord> =
        (0..1_234).map(|i| record(&PathBuf::from(format!("/media/many/{i:05}.mkv")))).collect();
    repo.apply(WriteBatch::upserts(records)).await.unwrap();
    assert_eq!(all(repo.as_ref()).await.len(), 1_234);
}

pub async fn lists_in_path_order_with_keyset_pages(repo: Arc<dyn Catalog>) {
    // Byte order on both backends: uppercase before lowercase, '/' (0x2F) after ' ' (0x20).
    let paths = ["/m/b.mkv", "/m/A.mkv", "/m/a b/x.mkv", "/m/a.mkv", "/m/a/x.mkv", "/m/Z.mkv"];
    repo.apply(WriteBatch::upserts(paths.iter().map(|p| record(Path::new(p))).collect())).await.unwrap();

    let order: Vec<PathBuf> = all(repo.as_ref()).await.into_iter().map(|r| r.path).collect();
    let expected: Vec<PathBuf> =
        ["/m/A.mkv", "/m/Z.mkv", "/m/a b/x.mkv", "/m/a.mkv", "/m/a/x.mkv", "/m/b.mkv"]
            .iter()
            .map(PathBuf::from)
            .collect();
    assert_eq!(order, expected);

    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = repo
            .list(MediaQuery { after_path: after.clone(), limit: Some(4), ..MediaQuery::default() })
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|r| r.path.clone());
        pages.push(page.len());
    }
    assert_eq!(pages, [4, 2]);
}
