//! Every container × codec × layout the corpus covers, read by both probes.

use std::path::PathBuf;

use probe_ffprobe::{FfprobeConfig, FfprobeMediaProbe};
use probe_native::{Answer, NativeProbe, read_headers};
use scanner_core::MediaInfo;
use scanner_core::ports::MediaProbe;
use testkit::{Spec, Video};

fn v(encoder: &'static str, pix_fmt: &'static str) -> Video {
    Video::new(encoder, pix_fmt)
}

fn with(video: Video, extra: &[&'static str]) -> Video {
    Video { extra: extra.to_vec(), ..video }
}

fn rate(video: Video, rate: &'static str) -> Video {
    Video { rate, ..video }
}

const FASTSTART: &[&str] = &["-movflags", "+faststart"];

/// The corpus: (name, spec).
fn corpus() -> Vec<(String, Spec)> {
    let x264 = || v("libx264", "yuv420p");
    let specs: Vec<(&str, Spec)> = vec![
        (
            "h264 aac mp4 faststart",
            Spec::new("mp4").video(x264()).audio("aac", 2, Some("eng")).muxer(FASTSTART),
        ),
        ("h264 aac mp4 moov at end", Spec::new("mp4").video(x264()).audio("aac", 2, Some("eng"))),
        ("h264 10-bit mp4", Spec::new("mp4").video(v("libx264", "yuv420p10le")).audio("aac", 2, None)),
        (
            "h264 baseline mp4",
            Spec::new("mp4").video(with(x264(), &["-profile:v", "baseline"])).audio("aac", 1, None),
        ),
        (
            "h264 main 23.976 mp4",
            Spec::new("mp4").video(rate(with(x264(), &["-profile:v", "main"]), "24000/1001")),
        ),
        ("h264 29.97 mov", Spec::new("mov").video(rate(x264(), "30000/1001")).audio("aac", 2, Some("fre"))),
        ("h264 full range mp4", Spec::new("mp4").video(v("libx264", "yuvj420p")).audio("aac", 2, None)),
        ("h264 4:2:2 mkv", Spec::new("mkv").video(v("libx264", "yuv422p")).audio("flac", 2, None)),
        (
            "h264 anamorphic mp4",
            Spec::new("mp4").video(with(x264(), &["-aspect", "16:9"])).audio("aac", 2, None),
        ),
        (
            "h264 anamorphic mkv",
            Spec::new("mkv").video(with(x264(), &["-aspect", "16:9"])).audio("aac", 2, None),
        ),
        ("h264 ac3 5.1 mp4", Spec::new("mp4").video(x264()).audio("ac3", 6, Some("eng"))),
        ("h264 eac3 mp4", Spec::new("mp4").video(x264()).audio("eac3", 2, Some("ger"))),
        ("h264 mp3 mp4", Spec::new("mp4").video(x264()).audio("libmp3lame", 2, None)),
        ("h264 opus mp4", Spec::new("mp4").video(x264()).audio("libopus", 2, None)),
        ("h264 flac mp4", Spec::new("mp4").video(x264()).audio("flac", 2, None).muxer(&["-strict", "-2"])),
        ("h264 silent mp4", Spec::new("mp4").video(x264())),
        ("h264 silent mov", Spec::new("mov").video(x264())),
        (
            "h264 two audio mp4 mov_text",
            Spec::new("mp4")
                .video(x264())
                .audio("aac", 2, Some("eng"))
                .audio("aac", 1, Some("jpn"))
                .subtitle("mov_text", Some("eng")),
        ),
        (
            "h264 fragmented mp4",
            Spec::new("mp4")
                .video(x264())
                .audio("aac", 2, None)
                .muxer(&["-movflags", "frag_keyframe+empty_moov"]),
        ),
        ("h264 aac mov", Spec::new("mov").video(x264()).audio("aac", 2, Some("eng"))),
        ("h264 ac3 mov", Spec::new("mov").video(x264()).audio("ac3", 6, None)),
        (
            "hevc mp4",
            Spec::new("mp4").video(v("libx265", "yuv420p")).audio("aac", 2, None).muxer(&["-tag:v", "hvc1"]),
        ),
        ("hevc 10-bit mp4", Spec::new("mp4").video(v("libx265", "yuv420p10le")).audio("aac", 2, Some("eng"))),
        ("hevc mkv", Spec::new("mkv").video(v("libx265", "yuv420p")).audio("ac3", 6, Some("eng"))),
        ("hevc 10-bit mkv", Spec::new("mkv").video(v("libx265", "yuv420p10le")).audio("eac3", 6, None)),
        (
            "hevc 29.97 mkv",
            Spec::new("mkv").video(rate(v("libx265", "yuv420p"), "30000/1001")).audio("aac", 2, None),
        ),
        ("h264 aac mkv", Spec::new("mkv").video(x264()).audio("aac", 2, Some("eng"))),
        (
            "h264 10-bit mkv",
            Spec::new("mkv").video(v("libx264", "yuv420p10le")).audio("libopus", 2, Some("jpn")),
        ),
        ("h264 23.976 mkv", Spec::new("mkv").video(rate(x264(), "24000/1001")).audio("libmp3lame", 2, None)),
        ("h264 silent mkv", Spec::new("mkv").video(x264())),
        (
            "h264 many tracks mkv",
            Spec::new("mkv")
                .video(x264())
                .audio("aac", 2, Some("eng"))
                .audio("ac3", 6, Some("jpn"))
                .subtitle("srt", Some("eng"))
                .subtitle("ass", Some("fre"))
                .subtitle("srt", None),
        ),
        ("h264 flac mkv", Spec::new("mkv").video(x264()).audio("flac", 6, None)),
        ("h264 eac3 mkv", Spec::new("mkv").video(x264()).audio("eac3", 2, None)),
        (
            "vp9 opus webm-in-mkv",
            Spec::new("mkv").video(v("libvpx-vp9", "yuv420p")).audio("libopus", 2, None),
        ),
        ("vp9 mp4", Spec::new("mp4").video(v("libvpx-vp9", "yuv420p")).audio("libopus", 2, None)),
        ("vp9 10-bit mp4", Spec::new("mp4").video(v("libvpx-vp9", "yuv420p10le"))),
        (
            "av1 mp4",
            Spec::new("mp4")
                .video(with(v("libaom-av1", "yuv420p"), &["-cpu-used", "8"]))
                .audio("aac", 2, None),
        ),
        (
            "av1 mkv",
            Spec::new("mkv")
                .video(with(v("libaom-av1", "yuv420p"), &["-cpu-used", "8"]))
                .audio("libopus", 2, None),
        ),
        ("mpeg4 mp4", Spec::new("mp4").video(v("mpeg4", "yuv420p")).audio("aac", 2, None)),
        ("mpeg4 mp3 avi", Spec::new("avi").video(v("mpeg4", "yuv420p")).audio("libmp3lame", 2, None)),
        ("h264 ac3 avi", Spec::new("avi").video(x264()).audio("ac3", 6, None)),
        (
            "h264 aac 3 s mp4",
            Spec::new("mp4").video(x264()).audio("aac", 2, Some("eng")).seconds(3.0).muxer(FASTSTART),
        ),
        ("h264 aac 3 s mkv", Spec::new("mkv").video(x264()).audio("aac", 2, Some("eng")).seconds(3.0)),
    ];
    specs.into_iter().map(|(name, spec)| (name.to_owned(), spec)).collect()
}

/// Equal as the catalog stores them; durations within a millisecond.
pub(crate) fn differences(native: &MediaInfo, ffprobe: &MediaInfo) -> Vec<String> {
    let mut out = Vec::new();
    let close = match (native.duration_secs, ffprobe.duration_secs) {
        (Some(a), Some(b)) => (a - b).abs() <= 0.001,
        (a, b) => a == b,
    };
    if !close {
        out.push(format!("duration {:?} vs {:?}", native.duration_secs, ffprobe.duration_secs));
    }
    let strip = |i: &MediaInfo| MediaInfo { duration_secs: None, probe: None, ..i.clone() };
    let (a, b) = (strip(native), strip(ffprobe));
    if a.container != b.container {
        out.push(format!("container {:?} vs {:?}", a.container, b.container));
    }
    if a.bit_rate != b.bit_rate {
        out.push(format!("bit_rate {:?} vs {:?}", a.bit_rate, b.bit_rate));
    }
    if a.video != b.video {
        out.push(format!("video {:?} vs {:?}", a.video, b.video));
    }
    if a.audio != b.audio {
        out.push(format!("audio {:?} vs {:?}", a.audio, b.audio));
    }
    if a.subtitles != b.subtitles {
        out.push(format!("subtitles {:?} vs {:?}", a.subtitles, b.subtitles));
    }
    if a.cover_art != b.cover_art {
        out.push(format!("cover_art {} vs {}", a.cover_art, b.cover_art));
    }
    if a.chapters != b.chapters {
        out.push(format!("chapters {:?} vs {:?}", a.chapters, b.chapters));
    }
    out
}

#[test]
fn a_difference_in_any_stored_field_is_caught() {
    let info = MediaInfo {
        container: Some("matroska,webm".into()),
        duration_secs: Some(10.0),
        bit_rate: Some(1000),
        ..MediaInfo::default()
    };
    assert!(differences(&info, &info).is_empty());
    assert!(differences(&info, &MediaInfo { duration_secs: Some(10.0005), ..info.clone() }).is_empty());
    assert!(!differences(&info, &MediaInfo { duration_secs: Some(10.002), ..info.clone() }).is_empty());
    assert!(!differences(&info, &MediaInfo { bit_rate: Some(1001), ..info.clone() }).is_empty());
    let audio =
        vec![scanner_core::AudioStream { codec: "aac".into(), channels: Some(2), ..Default::default() }];
    assert!(!differences(&info, &MediaInfo { audio, ..info.clone() }).is_empty());
}

#[allow(clippy::print_stderr)]
pub(crate) fn report(text: &str) {
    eprintln!("{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wherever_the_native_probe_answers_it_agrees_with_ffprobe() {
    testkit::require_ffmpeg();
    let ffprobe = FfprobeMediaProbe::new(FfprobeConfig::default());
    let corpus: Vec<(String, PathBuf)> =
        corpus().into_iter().map(|(name, spec)| (name, spec.build())).collect();
    let (mut native, mut mismatches, mut unsure) = (0, Vec::new(), Vec::new());
    for (name, path) in &corpus {
        let expected = ffprobe.probe(path.clone()).await.unwrap_or_else(|e| panic!("ffprobe on {name}: {e}"));
        match read_headers(path, NativeProbe::default().max_bytes).unwrap() {
            Answer::Known(info) => {
                native += 1;
                assert_eq!(info.probe.as_deref(), Some("native"));
                let diff = differences(&info, &expected);
                if !diff.is_empty() {
                    mismatches.push(format!("{name}: {}", diff.join("; ")));
                }
            }
            Answer::Unsure(why) => unsure.push(format!("{name}: {why}")),
        }
    }
    let share = native as f64 / corpus.len() as f64;
    report(&format!(
        "native probe answered {native} of {} files ({:.1} %); unsure of:\n  {}",
        corpus.len(),
        share * 100.0,
        unsure.join("\n  ")
    ));
    assert!(mismatches.is_empty(), "the native probe disagrees with ffprobe:\n{}", mismatches.join("\n"));
    assert!(share >= 0.95, "the native probe answered only {:.1} %", share * 100.0);
}

/// Damaged copies of every corpus file (cut short, bytes overwritten in the headers): the
/// native probe never panics, and whenever it still answers, ffprobe reads the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_files_are_left_to_ffprobe_or_read_alike() {
    testkit::require_ffmpeg();
    let ffprobe = FfprobeMediaProbe::new(FfprobeConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let (mut tried, mut answered, mut mismatches) = (0, 0, Vec::new());
    for (name, spec) in corpus() {
        let original = std::fs::read(spec.build()).unwrap();
        let mut damaged = Vec::new();
        for keep in [8, 64, 300, original.len() / 2, original.len() - 1] {
            damaged.push((format!("cut to {keep}"), original[..keep.min(original.len())].to_vec()));
        }
        for at in [4, 20, 40, 100, 200, 400] {
            let mut bytes = original.clone();
            if let Some(b) = bytes.get_mut(at) {
                *b ^= 0xff;
            }
            damaged.push((format!("byte {at} flipped"), bytes));
        }
        for (how, bytes) in damaged {
            let path = dir.path().join(format!("damaged.{}", spec.ext));
            std::fs::write(&path, &bytes).unwrap();
            tried += 1;
            if let Answer::Known(info) = read_headers(&path, NativeProbe::default().max_bytes).unwrap() {
                answered += 1;
                match ffprobe.probe(path.clone()).await {
                    Ok(expected) => {
                        let diff = differences(&info, &expected);
                        if !diff.is_empty() {
                            mismatches.push(format!("{name}, {how}: {}", diff.join("; ")));
                        }
                    }
                    Err(e) => mismatches.push(format!("{name}, {how}: native answered, ffprobe failed: {e}")),
                }
            }
        }
    }
    report(&format!("damaged files: {tried} tried, the native probe answered {answered}"));
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
