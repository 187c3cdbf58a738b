//! Playback: filters by decision, dynamic range, resolution and codec; the library report;
//! decisions made again when the profiles change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Catalog;
use super::media::record;
use crate::media::{AudioStream, HdrKind, MediaInfo, MediaRecord, MediaStatus, VideoStream};
use crate::playback::{DecisionMatch, Profiles};
use crate::ports::{DecisionFilter, MediaFilter, MediaQuery, Redecision, WriteBatch};
use crate::streams::ResolutionClass;

/// A varied library: `n` files cycling through containers, codecs, sizes, dynamic ranges and
/// audio formats, in two libraries, some failed and some missing.
fn library(n: usize) -> Vec<MediaRecord> {
    let containers =
        [("matroska,webm", "mkv"), ("mov,mp4,m4a,3gp,3g2,mj2", "mp4"), ("avi", "avi"), ("mpegts", "ts")];
    let videos = [
        ("h264", "High", 8, "yuv420p"),
        ("hevc", "Main 10", 10, "yuv420p10le"),
        ("vp9", "Profile 0", 8, "yuv420p"),
    ];
    let sizes = [(1920, 1080), (3840, 2160), (1280, 720), (720, 480), (1920, 800)];
    let hdrs = [HdrKind::Sdr, HdrKind::Sdr, HdrKind::Hdr10, HdrKind::Hlg, HdrKind::DolbyVision];
    let audios =
        [("aac", 2, "LC"), ("ac3", 6, ""), ("eac3", 6, ""), ("dts", 8, "DTS-HD MA"), ("opus", 2, "")];
    let profiles = Profiles::default();
    (0..n)
        .map(|i| {
            let (format, ext) = containers[i % containers.len()];
            let path = PathBuf::from(format!("/lib{}/Show {i}/file {i:03}.{ext}", i % 2));
            let mut rec = record(&path);
            rec.library = Some(format!("lib{}", i % 2));
            let (codec, profile, depth, pix_fmt) = videos[i % videos.len()];
            let (width, height) = sizes[i % sizes.len()];
            let (audio_codec, channels, audio_profile) = audios[(i / 2) % audios.len()];
            let video = (i % 11 != 5).then(|| VideoStream {
                codec: codec.into(),
                profile: Some(profile.into()),
                level: Some(40),
                width: Some(width),
                height: Some(height),
                bit_depth: Some(depth),
                pix_fmt: Some(pix_fmt.into()),
                field_order: Some(if i % 13 == 0 { "tt" } else { "progressive" }.into()),
                frame_rate: Some(if i % 9 == 0 { 59.94 } else { 23.976 }),
                hdr: hdrs[i % hdrs.len()],
                ..VideoStream::default()
            });
            let audio = (i % 7 != 3)
                .then(|| AudioStream {
                    index: 1,
                    codec: audio_codec.into(),
                    channels: Some(channels),
                    profile: (!audio_profile.is_empty()).then(|| audio_profile.into()),
                    default: true,
                    ..AudioStream::default()
                })
                .into_iter()
                .collect();
            rec.info = MediaInfo {
                container: (i % 17 != 8).then(|| format.into()),
                duration_secs: (i % 19 != 4).then_some(600.0 + i as f64 * 1.5),
                video,
                audio,
                ..MediaInfo::default()
            };
            rec.size_bytes = 1_000_000 + i as u64 * 7_919;
            rec.playback = profiles.decide(&rec.info, &rec.path);
            rec.compatibility = Profiles::compatibility(&rec.playback, profiles.main());
            rec.decided_with = Some(profiles.fingerprint());
            if i % 23 == 22 {
                rec.status = MediaStatus::Failed;
                rec.playback.clear();
                rec.compatibility = None;
            } else if i % 29 == 28 {
                rec.status = MediaStatus::Missing;
            }
            rec
        })
        .collect()
}

async fn seed(repo: &dyn Catalog, records: &[MediaRecord]) {
    for chunk in records.chunks(50) {
        repo.apply(WriteBatch::upserts(chunk.to_vec())).await.unwrap();
    }
}

async fn paths(repo: &dyn Catalog, filter: MediaFilter) -> Vec<PathBuf> {
    let query = MediaQuery { filter: filter.clone(), ..MediaQuery::default() };
    let found: Vec<PathBuf> = repo.list(query).await.unwrap().into_iter().map(|r| r.path).collect();
    assert_eq!(repo.count(filter).await.unwrap(), found.len() as u64, "count agrees with list");
    found
}

fn expected(records: &[MediaRecord], keep: impl Fn(&MediaRecord) -> bool) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = records.iter().filter(|r| keep(r)).map(|r| r.path.clone()).collect();
    paths.sort_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
    paths
}

pub async fn decision_range_and_codec_filters_select_alike(repo: Arc<dyn Catalog>) {
    let records = library(60);
    seed(repo.as_ref(), &records).await;
    for profile in ["browser", "safari", "hls", "chrome"] {
        for name in DecisionMatch::NAMES {
            let decision = DecisionMatch::parse(name).unwrap();
            let filter = DecisionFilter { profile: profile.into(), decision };
            let found =
                paths(repo.as_ref(), MediaFilter { decision: Some(filter), ..Default::default() }).await;
            let want = expected(&records, |r| {
                r.playback.get(profile).is_some_and(|p| match name {
                    "transcode" => p.decision.transcodes(),
                    _ => p.decision.as_str() == name,
                })
            });
            assert_eq!(found, want, "{profile} {name}");
        }
    }
    let transcode = paths(
        repo.as_ref(),
        MediaFilter {
            decision: Some(DecisionFilter { profile: "hls".into(), decision: DecisionMatch::AnyTranscode }),
            ..Default::default()
        },
    )
    .await;
    assert!(!transcode.is_empty(), "the library needs some transcoding for HLS");
    let unknown = DecisionFilter { profile: "no-such-profile".into(), decision: DecisionMatch::AnyTranscode };
    assert!(
        paths(repo.as_ref(), MediaFilter { decision: Some(unknown), ..Default::default() }).await.is_empty()
    );

    for kind in HdrKind::ALL {
        let found = paths(repo.as_ref(), MediaFilter { hdr: Some(kind), ..Default::default() }).await;
        assert_eq!(
            found,
            expected(&records, |r| r.info.video.as_ref().is_some_and(|v| v.hdr == kind)),
            "{kind:?}"
        );
    }
    // The classes by frame size as `library` makes them, written out apart from the code.
    let class_of = |r: &MediaRecord| match r.info.video.as_ref().and_then(|v| v.width) {
        None => "unknown",
        Some(1920) => "1080p",
        Some(3840) => "2160p",
        Some(1280) => "720p",
        Some(720) => "sd",
        Some(other) => unreachable!("no video {other} wide in the library"),
    };
    let mut seen = 0;
    for name in ResolutionClass::NAMES {
        let class = ResolutionClass::parse(name).unwrap();
        let found = paths(repo.as_ref(), MediaFilter { resolution: Some(class), ..Default::default() }).await;
        assert_eq!(found, expected(&records, |r| class_of(r) == name), "{name}");
        seen += found.len();
    }
    assert_eq!(seen, records.len(), "every file is in one class");
    let hd_hevc = MediaFilter {
        resolution: ResolutionClass::parse("2160p"),
        video_codec: Some("hevc".into()),
        ..Default::default()
    };
    let want =
        expected(&records, |r| class_of(r) == "2160p" && r.info.video.as_ref().unwrap().codec == "hevc");
    assert!(!want.is_empty());
    assert_eq!(paths(repo.as_ref(), hd_hevc).await, want);
    for codec in ["h264", "hevc", "vp9", "av1"] {
        let filter = MediaFilter { video_codec: Some(codec.into()), ..Default::default() };
        let found = paths(repo.as_ref(), filter).await;
        assert_eq!(found, expected(&records, |r| r.info.video.as_ref().is_some_and(|v| v.codec == codec)));
    }
    let combined = MediaFilter {
        library: Some("lib1".into()),
        hdr: Some(HdrKind::Sdr),
        video_codec: Some("hevc".into()),
        ..Default::default()
    };
    let want = expected(&records, |r| {
        r.library.as_deref() == Some("lib1")
            && r.info.video.as_ref().is_some_and(|v| v.hdr == HdrKind::Sdr && v.codec == "hevc")
    });
    assert!(!want.is_empty());
    assert_eq!(paths(repo.as_ref(), combined).await, want);
}

/// How the test computes a file's key in one dimension.
type KeyOf<'a> = Box<dyn Fn(&MediaRecord) -> String + 'a>;

/// What the report must say of `records`, computed here, apart from every implementation.
fn tallies(
    records: &[&MediaRecord],
    key: impl Fn(&MediaRecord) -> String,
) -> BTreeMap<String, (u64, u64, f64)> {
    let mut out: BTreeMap<String, (u64, u64, f64)> = BTreeMap::new();
    for r in records {
        let t = out.entry(key(r)).or_default();
        t.0 += 1;
        t.1 += r.size_bytes;
        t.2 += r.info.duration_secs.unwrap_or(0.0);
    }
    out
}

fn check_report(report: &crate::report::LibraryReport, records: &[&MediaRecord], all: &[&MediaRecord]) {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.max(1.0);
    assert_eq!(report.files, records.len() as u64);
    assert_eq!(report.bytes, records.iter().map(|r| r.size_bytes).sum::<u64>());
    assert!(close(report.secs, records.iter().filter_map(|r| r.info.duration_secs).sum()));
    assert_eq!(report.failed, all.iter().filter(|r| r.status == MediaStatus::Failed).count() as u64);
    assert_eq!(report.missing, all.iter().filter(|r| r.status == MediaStatus::Missing).count() as u64);
    let unknown = || "unknown".to_owned();
    let video = |r: &MediaRecord| r.info.video.clone();
    let audio = |r: &MediaRecord| r.info.audio.first().cloned();
    let dimensions: [(&str, KeyOf<'_>); 6] = [
        (
            "container",
            Box::new(|r| match (r.info.container.as_deref(), r.path.extension().and_then(|e| e.to_str())) {
                (None, _) => unknown(),
                (Some(c), Some("mkv")) if c.starts_with("matroska") => "matroska".into(),
                (Some(c), Some("mp4")) if c.starts_with("mov") => "mp4".into(),
                (Some(c), _) => c.to_owned(),
            }),
        ),
        ("video_codec", Box::new(move |r| video(r).map_or_else(unknown, |v| v.codec))),
        (
            "resolution",
            Box::new(move |r| {
                video(r).map_or_else(unknown, |v| {
                    match (v.width.unwrap(), v.height.unwrap()) {
                        (3840, _) => "2160p",
                        (1920, _) => "1080p",
                        (1280, _) => "720p",
                        _ => "sd",
                    }
                    .to_owned()
                })
            }),
        ),
        ("hdr", Box::new(move |r| video(r).map_or_else(unknown, |v| v.hdr.as_str().to_owned()))),
        ("audio_codec", Box::new(move |r| audio(r).map_or_else(unknown, |a| a.codec))),
        (
            "audio_channels",
            Box::new(move |r| audio(r).and_then(|a| a.channels).map_or_else(unknown, |c| c.to_string())),
        ),
    ];
    assert_eq!(report.by.len(), dimensions.len());
    for (name, key) in &dimensions {
        let want = tallies(records, key);
        let got = &report.by[*name];
        assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{name}");
        for (value, (files, bytes, secs)) in want {
            let tally = got[&value];
            assert_eq!((tally.files, tally.bytes), (files, bytes), "{name} {value}");
            assert!(close(tally.secs, secs), "{name} {value}: {} vs {secs}", tally.secs);
        }
    }
    let names: std::collections::BTreeSet<&String> = records.iter().flat_map(|r| r.playback.keys()).collect();
    assert_eq!(report.profiles.keys().collect::<Vec<_>>(), names.iter().copied().collect::<Vec<_>>());
    for name in names {
        let profile = &report.profiles[name];
        let want = tallies(records, |r| r.playback[name].decision.as_str().to_owned());
        let files: u64 = profile.decisions.values().map(|t| t.files).sum();
        assert_eq!(files, report.files, "the decisions of {name} add up to the files");
        for (decision, (files, bytes, _)) in want {
            assert_eq!(
                (profile.decisions[&decision].files, profile.decisions[&decision].bytes),
                (files, bytes)
            );
        }
        let mut codes: BTreeMap<String, u64> = BTreeMap::new();
        for r in records {
            let mut seen: Vec<&str> = r.playback[name].reasons.iter().map(|x| x.code.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            for code in seen {
                *codes.entry(code.to_owned()).or_default() += 1;
            }
        }
        let got: BTreeMap<String, u64> =
            profile.top_reasons.iter().map(|r| (r.code.clone(), r.files)).collect();
        assert_eq!(got, codes, "{name}");
        assert!(profile.top_reasons.windows(2).all(|w| w[0].files >= w[1].files), "most frequent first");
    }
}

pub async fn the_report_agrees_with_counts_made_apart(repo: Arc<dyn Catalog>) {
    let records = library(120);
    seed(repo.as_ref(), &records).await;
    let everything: Vec<&MediaRecord> = records.iter().collect();
    let ok: Vec<&MediaRecord> = records.iter().filter(|r| r.status == MediaStatus::Ok).collect();
    check_report(&repo.report(MediaFilter::default()).await.unwrap(), &ok, &everything);

    let lib1 = |r: &&MediaRecord| r.library.as_deref() == Some("lib1");
    let in_lib: Vec<&MediaRecord> = records.iter().filter(lib1).collect();
    let ok_lib: Vec<&MediaRecord> = ok.iter().copied().filter(lib1).collect();
    let filter = MediaFilter { library: Some("lib1".into()), ..Default::default() };
    check_report(&repo.report(filter).await.unwrap(), &ok_lib, &in_lib);

    let empty =
        repo.report(MediaFilter { library: Some("none".into()), ..Default::default() }).await.unwrap();
    assert_eq!((empty.files, empty.bytes, empty.failed, empty.missing), (0, 0, 0, 0));
    assert!(empty.profiles.is_empty());
}

pub async fn stale_decisions_are_listed_and_replaced_only_where_unchanged(repo: Arc<dyn Catalog>) {
    let mut records = library(30);
    records[3].decided_with = Some(1);
    records[4].decided_with = None;
    records[5].decided_with = Some(u64::MAX);
    seed(repo.as_ref(), &records).await;
    let current = Profiles::default().fingerprint();
    let root = PathBuf::from("/lib1");
    let stale = repo.undecided(root.clone(), current, None, 100).await.unwrap();
    let want: Vec<&Path> = [5usize, 3].iter().map(|&i| records[i].path.as_path()).collect();
    let mut got: Vec<&Path> = stale.iter().map(|r| r.path.as_path()).collect();
    got.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(got, want_sorted, "stale rows under /lib1 (odd files), failed ones excluded");
    assert_eq!(stale[0].info, records.iter().find(|r| r.path == stale[0].path).unwrap().info);
    let all_stale = repo.undecided(PathBuf::from("/"), current, None, 100).await.unwrap();
    assert_eq!(all_stale.len(), 3, "the rows of /lib0 too");
    let page = repo.undecided(PathBuf::from("/"), current, Some(all_stale[0].path.clone()), 1).await.unwrap();
    assert_eq!(page.iter().map(|r| &r.path).collect::<Vec<_>>(), vec![&all_stale[1].path], "keyset paging");

    let hls_only = Profiles::new(vec![crate::playback::builtin("hls").unwrap()], "hls").unwrap();
    let newer = hls_only.fingerprint();
    let decisions: Vec<Redecision> = all_stale
        .iter()
        .map(|r| {
            let playback = hls_only.decide(&r.info, &r.path);
            Redecision {
                id: r.id,
                was: r.decided_with,
                compatibility: Profiles::compatibility(&playback, "hls"),
                playback,
            }
        })
        .collect();
    let mut moved_on = decisions[0].clone();
    moved_on.was = Some(12345);
    assert_eq!(repo.redecide(vec![moved_on], newer).await.unwrap(), 0, "a row decided meanwhile is kept");
    assert_eq!(repo.redecide(decisions.clone(), newer).await.unwrap(), 3);
    for decision in &decisions {
        let stored = repo.get(decision.id).await.unwrap().unwrap();
        assert_eq!(stored.playback, decision.playback);
        assert_eq!(stored.compatibility, decision.compatibility);
        assert_eq!(stored.decided_with, Some(newer));
    }
    let filter = MediaFilter {
        decision: Some(DecisionFilter { profile: "browser".into(), decision: DecisionMatch::AnyTranscode }),
        under: vec![all_stale[0].path.clone()],
        ..Default::default()
    };
    assert_eq!(repo.count(filter).await.unwrap(), 0, "the old profiles' decisions are gone");
    assert!(repo.undecided(PathBuf::from("/"), newer, None, 100).await.unwrap().len() > 20);
    assert_eq!(repo.redecide(decisions, newer).await.unwrap(), 0, "already done");
}

/// One stale decision is found wherever its fingerprint falls (below, above, none), and a
/// failed file without one is not stale: catalogs may answer "nothing stale" from an index, so
/// each side is checked alone.
pub async fn a_lone_stale_decision_is_found_whichever_side_it_falls(repo: Arc<dyn Catalog>) {
    let current = Profiles::default().fingerprint();
    let records = library(30);
    let (lone, ok) = (4usize, records.iter().position(|r| r.status == MediaStatus::Ok).unwrap());
    let lone = if records[lone].status == MediaStatus::Ok { lone } else { ok };
    for stale in [Some(current.wrapping_sub(1)), Some(current.wrapping_add(1)), None] {
        let mut records = records.clone();
        for record in &mut records {
            record.decided_with = Some(current);
        }
        records[lone].decided_with = stale;
        seed(repo.as_ref(), &records).await;
        let found = repo.undecided(PathBuf::from("/"), current, None, 100).await.unwrap();
        let found: Vec<&Path> = found.iter().map(|r| r.path.as_path()).collect();
        assert_eq!(found, [records[lone].path.as_path()], "decided with {stale:?}");
    }
    let mut records = records.clone();
    for record in &mut records {
        record.decided_with = if record.status == MediaStatus::Failed { None } else { Some(current) };
    }
    assert!(records.iter().any(|r| r.status == MediaStatus::Failed), "the library has a failed file");
    seed(repo.as_ref(), &records).await;
    assert_eq!(repo.undecided(PathBuf::from("/"), current, None, 100).await.unwrap(), []);
}
