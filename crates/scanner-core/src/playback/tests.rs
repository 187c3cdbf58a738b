//! Decision tables: for each profile, files that play directly, and a file per reason code.

use std::path::Path;

use super::*;
use crate::streams::{AudioStream, SubtitleStream, VideoStream};

/// 1080p24 H.264 High 4.0, 8-bit 4:2:0, progressive, with AAC-LC stereo, in MP4: what every
/// profile but `hls` (MPEG-TS only) plays as it is.
fn plain() -> MediaInfo {
    MediaInfo {
        container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
        duration_secs: Some(60.0),
        bit_rate: Some(5_000_000),
        video: Some(VideoStream {
            index: 0,
            codec: "h264".into(),
            profile: Some("High".into()),
            level: Some(40),
            codec_tag: Some("avc1".into()),
            width: Some(1920),
            height: Some(1080),
            frame_rate: Some(23.976),
            avg_frame_rate: Some(23.976),
            pix_fmt: Some("yuv420p".into()),
            bit_depth: Some(8),
            field_order: Some("progressive".into()),
            ..VideoStream::default()
        }),
        audio: vec![AudioStream {
            index: 1,
            codec: "aac".into(),
            profile: Some("LC".into()),
            channels: Some(2),
            sample_rate: Some(48_000),
            default: true,
            ..AudioStream::default()
        }],
        ..MediaInfo::default()
    }
}

fn mp4() -> &'static Path {
    Path::new("/m/film.mp4")
}

fn decide_builtin(name: &str, info: &MediaInfo, path: &Path) -> Playback {
    decide(info, path, &builtin(name).unwrap())
}

fn codes(playback: &Playback) -> Vec<&str> {
    playback.reasons.iter().map(|r| r.code.as_str()).collect()
}

#[test]
fn a_plain_h264_aac_mp4_plays_directly_except_as_hls() {
    for name in ["browser", "chrome", "firefox", "safari", "tv"] {
        let playback = decide_builtin(name, &plain(), mp4());
        assert_eq!(playback, Playback { decision: Decision::DirectPlay, reasons: vec![] }, "{name}");
    }
    let hls = decide_builtin("hls", &plain(), mp4());
    assert_eq!((hls.decision, codes(&hls)), (Decision::Remux, vec!["container_not_supported"]));
    let mut ts = plain();
    ts.container = Some("mpegts".into());
    assert_eq!(decide_builtin("hls", &ts, Path::new("/m/a.ts")).decision, Decision::DirectPlay);
}

/// One file per reason code: (profile, what to change, the code, the decision).
#[test]
fn every_reason_code_has_a_file_that_raises_it() {
    type Change = fn(&mut MediaInfo);
    fn video(i: &mut MediaInfo) -> &mut VideoStream {
        i.video.as_mut().unwrap()
    }
    let cases: Vec<(&str, &str, Change, &str, Decision)> = vec![
        (
            "chrome",
            "film.avi",
            |i| i.container = Some("avi".into()),
            "container_not_supported",
            Decision::Remux,
        ),
        (
            "firefox",
            "film.mp4",
            |i| video(i).codec = "hevc".into(),
            "video_codec_not_supported",
            Decision::TranscodeVideo,
        ),
        (
            "chrome",
            "film.mp4",
            |i| video(i).profile = Some("High 10".into()),
            "video_profile_not_supported",
            Decision::TranscodeVideo,
        ),
        ("hls", "film.ts", |i| video(i).level = Some(51), "video_level_too_high", Decision::TranscodeVideo),
        (
            "tv",
            "film.mkv",
            |i| video(i).bit_depth = Some(12),
            "video_bit_depth_not_supported",
            Decision::TranscodeVideo,
        ),
        (
            "chrome",
            "film.mp4",
            |i| video(i).pix_fmt = Some("yuv422p".into()),
            "video_chroma_not_supported",
            Decision::TranscodeVideo,
        ),
        (
            "chrome",
            "film.webm",
            |i| {
                let v = video(i);
                v.codec = "vp9".into();
                v.hdr = HdrKind::DolbyVision;
            },
            "video_range_not_supported",
            Decision::TranscodeVideo,
        ),
        (
            "hls",
            "film.ts",
            |i| video(i).field_order = Some("tt".into()),
            "interlaced_not_supported",
            Decision::TranscodeVideo,
        ),
        (
            "hls",
            "film.ts",
            |i| {
                let v = video(i);
                v.width = Some(3840);
                v.height = Some(2160);
            },
            "resolution_too_high",
            Decision::TranscodeVideo,
        ),
        (
            "hls",
            "film.ts",
            |i| video(i).frame_rate = Some(120.0),
            "frame_rate_too_high",
            Decision::TranscodeVideo,
        ),
        (
            "custom",
            "film.mp4",
            |i| video(i).bit_rate = Some(50_000_000),
            "bit_rate_too_high",
            Decision::TranscodeVideo,
        ),
        (
            "safari",
            "film.mp4",
            |i| {
                let v = video(i);
                v.codec = "hevc".into();
                v.profile = Some("Main".into());
                v.codec_tag = Some("hev1".into());
            },
            "codec_tag_not_supported",
            Decision::Remux,
        ),
        ("hls", "film.ts", |i| i.audio.clear(), "audio_missing", Decision::TranscodeAudio),
        (
            "chrome",
            "film.mp4",
            |i| i.audio[0].codec = "dts".into(),
            "audio_codec_not_supported",
            Decision::TranscodeAudio,
        ),
        (
            "hls",
            "film.ts",
            |i| i.audio[0].channels = Some(6),
            "audio_channels_not_supported",
            Decision::TranscodeAudio,
        ),
        (
            "hls",
            "film.ts",
            |i| i.audio[0].profile = Some("HE-AAC".into()),
            "audio_profile_not_supported",
            Decision::TranscodeAudio,
        ),
        (
            "custom",
            "film.mp4",
            |i| i.audio[0].sample_rate = Some(22_050),
            "audio_sample_rate_not_supported",
            Decision::TranscodeAudio,
        ),
        (
            "chrome",
            "film.mp4",
            |i| {
                i.subtitles.push(SubtitleStream {
                    index: 2,
                    codec: "hdmv_pgs_subtitle".into(),
                    forced: true,
                    ..SubtitleStream::default()
                })
            },
            "subtitle_needs_burn_in",
            Decision::TranscodeVideo,
        ),
    ];
    let custom = ClientProfile {
        name: "custom".into(),
        source: String::new(),
        containers: vec!["mp4".into()],
        video: vec![VideoSupport {
            max_bit_rate: Some(20_000_000),
            ..VideoSupport { codec: "h264".into(), ..Default::default() }
        }],
        audio: vec![AudioSupport {
            codec: "aac".into(),
            sample_rates: vec![44_100, 48_000],
            ..Default::default()
        }],
        allow_no_audio: true,
        subtitles: SubtitleSupport::default(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for (profile, file, change, code, decision) in cases {
        let mut info = plain();
        let path = Path::new("/m").join(file);
        if file.ends_with(".ts") {
            info.container = Some("mpegts".into());
        }
        if file.ends_with(".mkv") || file.ends_with(".webm") {
            info.container = Some("matroska,webm".into());
        }
        change(&mut info);
        let profile = if profile == "custom" { custom.clone() } else { builtin(profile).unwrap() };
        let playback = decide(&info, &path, &profile);
        assert_eq!(codes(&playback), vec![code], "{} {file}: {playback:?}", profile.name);
        assert_eq!(playback.decision, decision, "{code}");
        let concerned = playback.reasons[0].stream;
        if code.starts_with("video")
            || [
                "interlaced_not_supported",
                "resolution_too_high",
                "frame_rate_too_high",
                "bit_rate_too_high",
                "codec_tag_not_supported",
            ]
            .contains(&code)
        {
            assert_eq!(concerned, Some(0), "{code} names the video stream");
        } else if code.starts_with("audio_") && code != "audio_missing" {
            assert_eq!(concerned, Some(1), "{code} names the audio stream");
        } else if code.starts_with("subtitle") {
            assert_eq!(concerned, Some(2), "{code} names the subtitle stream");
        }
        seen.push(code);
    }
    for rule in RULES {
        assert!(seen.contains(&rule.code), "no case raises {}", rule.code);
    }
}

#[test]
fn reasons_combine_into_the_least_work_that_covers_them() {
    let mut info = plain();
    info.container = Some("avi".into());
    info.audio[0].codec = "ac3".into();
    let path = Path::new("/m/a.avi");
    let playback = decide_builtin("chrome", &info, path);
    assert_eq!(playback.decision, Decision::TranscodeAudio, "a transcode makes the remux moot");
    assert_eq!(codes(&playback), vec!["container_not_supported", "audio_codec_not_supported"]);
    info.video.as_mut().unwrap().codec = "mpeg2video".into();
    assert_eq!(decide_builtin("chrome", &info, path).decision, Decision::Transcode);
}

#[test]
fn the_audio_judged_is_the_default_one_and_image_subtitles_only_matter_when_burned_in() {
    let mut info = plain();
    info.audio[0].default = false;
    info.audio.push(AudioStream { index: 2, codec: "dts".into(), default: true, ..AudioStream::default() });
    let playback = decide_builtin("chrome", &info, mp4());
    assert_eq!(playback.reasons[0].stream, Some(2));
    let mut info = plain();
    info.subtitles.push(SubtitleStream {
        index: 2,
        codec: "dvd_subtitle".into(),
        forced: true,
        ..SubtitleStream::default()
    });
    assert_eq!(decide_builtin("tv", &info, mp4()).decision, Decision::DirectPlay, "tv does not burn in");
    assert_eq!(decide_builtin("chrome", &info, mp4()).decision, Decision::TranscodeVideo);
    info.subtitles[0].forced = false;
    assert_eq!(decide_builtin("chrome", &info, mp4()).decision, Decision::DirectPlay, "not shown by default");
}

#[test]
fn external_subtitles_count_like_streams_and_text_ones_never_transcode() {
    let without = plain();
    let mut info = plain();
    info.subtitles.push(SubtitleStream {
        codec: "subrip".into(),
        forced: true,
        text: true,
        external: true,
        path: Some("/m/Movie.en.forced.srt".into()),
        ..SubtitleStream::default()
    });
    for profile in BUILT_IN {
        assert_eq!(
            decide_builtin(profile, &info, mp4()),
            decide_builtin(profile, &without, mp4()),
            "{profile}"
        );
    }
    info.subtitles[0] = SubtitleStream {
        codec: "hdmv_pgs_subtitle".into(),
        forced: true,
        external: true,
        path: Some("/m/Movie.en.forced.sup".into()),
        ..SubtitleStream::default()
    };
    let chrome = decide_builtin("chrome", &info, mp4());
    assert_eq!(chrome.decision, Decision::TranscodeVideo);
    assert_eq!((chrome.reasons[0].code.as_str(), chrome.reasons[0].stream), ("subtitle_needs_burn_in", None));
    assert!(chrome.reasons[0].text.contains("/m/Movie.en.forced.sup"), "{}", chrome.reasons[0].text);
}

#[test]
fn dolby_vision_profile_5_is_dolby_vision_and_safari_needs_hvc1() {
    let mut info = plain();
    let video = info.video.as_mut().unwrap();
    video.codec = "hevc".into();
    video.profile = Some("Main 10".into());
    video.bit_depth = Some(10);
    video.pix_fmt = Some("yuv420p10le".into());
    video.codec_tag = Some("dvh1".into());
    video.hdr = HdrKind::derive(None, Some("dvh1"), true, false);
    assert_eq!(decide_builtin("safari", &info, mp4()).decision, Decision::DirectPlay);
    let tv = decide_builtin("tv", &info, mp4());
    assert_eq!(tv.decision, Decision::DirectPlay);
    let firefox = decide_builtin("firefox", &info, mp4());
    assert_eq!(firefox.decision, Decision::TranscodeVideo);
}

#[test]
fn containers_are_told_apart_by_extension_within_a_demuxer() {
    assert_eq!(container_kind("mov,mp4,m4a,3gp,3g2,mj2", Path::new("/a.mov")), "mov");
    assert_eq!(container_kind("mov,mp4,m4a,3gp,3g2,mj2", Path::new("/a.m4v")), "mp4");
    assert_eq!(container_kind("matroska,webm", Path::new("/a.webm")), "webm");
    assert_eq!(container_kind("matroska,webm", Path::new("/a.MKV")), "matroska");
    assert_eq!(container_kind("mpegts", Path::new("/a.ts")), "mpegts");
}

#[test]
fn every_built_in_profile_says_where_its_facts_come_from() {
    for name in BUILT_IN {
        let profile = builtin(name).unwrap();
        assert_eq!(profile.name, name);
        assert!(!profile.source.is_empty(), "{name}");
    }
    assert!(builtin("netscape").is_none());
}
