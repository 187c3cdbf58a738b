//! The built-in client profiles, each with the source of its facts.

use super::{AudioSupport, ClientProfile, SubtitleSupport, VideoSupport};
use crate::streams::HdrKind;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn video(codec: &str) -> VideoSupport {
    VideoSupport { codec: codec.to_owned(), ..VideoSupport::default() }
}

fn audio(codec: &str, max_channels: u32) -> AudioSupport {
    AudioSupport { codec: codec.to_owned(), max_channels: Some(max_channels), ..AudioSupport::default() }
}

/// H.264 as browsers decode it everywhere: 8-bit 4:2:0, progressive or not (they deinterlace).
fn browser_h264() -> VideoSupport {
    VideoSupport {
        profiles: strings(&["Constrained Baseline", "Baseline", "Main", "High"]),
        max_bit_depth: Some(8),
        chroma: strings(&["420"]),
        interlaced: true,
        ..video("h264")
    }
}

/// Browsers render no image subtitles: they are burned in.
fn browser_subtitles() -> SubtitleSupport {
    SubtitleSupport { burn_in_images: true, images: Vec::new() }
}

const MDN: &str = "MDN, Media container formats and Web video/audio codec guides \
(developer.mozilla.org/en-US/docs/Web/Media/Formats), as of 2026";

/// Chrome on the desktop: MP4 and WebM; H.264, VP8, VP9, AV1 (HEVC only with platform support,
/// so not assumed); AAC, MP3, Opus, Vorbis, FLAC.
pub fn chrome() -> ClientProfile {
    ClientProfile {
        name: "chrome".to_owned(),
        source: MDN.to_owned(),
        containers: strings(&["mp4", "webm"]),
        video: vec![
            browser_h264(),
            VideoSupport { max_bit_depth: Some(8), ..video("vp8") },
            VideoSupport { max_bit_depth: Some(10), hdr: vec![HdrKind::Hdr10, HdrKind::Hlg], ..video("vp9") },
            VideoSupport { max_bit_depth: Some(10), hdr: vec![HdrKind::Hdr10, HdrKind::Hlg], ..video("av1") },
        ],
        audio: vec![
            AudioSupport { profiles: strings(&["LC", "HE-AAC", "HE-AACv2"]), ..audio("aac", 8) },
            audio("mp3", 2),
            audio("opus", 8),
            audio("vorbis", 8),
            audio("flac", 8),
        ],
        allow_no_audio: true,
        subtitles: browser_subtitles(),
    }
}

/// Firefox: MP4 and WebM; H.264, VP8, VP9, AV1, no HEVC; AAC, MP3, Opus, Vorbis, FLAC.
pub fn firefox() -> ClientProfile {
    ClientProfile { name: "firefox".to_owned(), ..chrome() }
}

/// Safari on macOS and iOS: MP4 and MOV; H.264, HEVC tagged `hvc1` (or `dvh1`) with HDR10, HLG
/// and Dolby Vision; AAC, MP3, ALAC, FLAC, AC-3 and E-AC-3.
pub fn safari() -> ClientProfile {
    ClientProfile {
        name: "safari".to_owned(),
        source: format!(
            "{MDN}; Apple, HLS Authoring Specification for Apple Devices (developer.apple.com/documentation/http-live-streaming/hls-authoring-specification-for-apple-devices)"
        ),
        containers: strings(&["mp4", "mov"]),
        video: vec![
            VideoSupport { codec_tags: strings(&["avc1", "avc3"]), ..browser_h264() },
            VideoSupport {
                profiles: strings(&["Main", "Main 10"]),
                max_bit_depth: Some(10),
                chroma: strings(&["420"]),
                hdr: vec![HdrKind::Hdr10, HdrKind::Hlg, HdrKind::DolbyVision],
                codec_tags: strings(&["hvc1", "dvh1"]),
                ..video("hevc")
            },
        ],
        audio: vec![
            AudioSupport { profiles: strings(&["LC", "HE-AAC", "HE-AACv2"]), ..audio("aac", 8) },
            audio("mp3", 2),
            audio("alac", 8),
            audio("flac", 8),
            audio("ac3", 6),
            audio("eac3", 8),
        ],
        allow_no_audio: true,
        subtitles: SubtitleSupport { burn_in_images: true, images: Vec::new() },
    }
}

/// What an HLS channel (a virtual-TV stream, an HLS server) sends as it is: H.264 up to High
/// 4.1, 8-bit 4:2:0, progressive, up to 1080p60, with AAC-LC stereo, in MPEG-TS segments. Any
/// other container, MP4 and MKV included, is at best a remux into segments.
pub fn hls() -> ClientProfile {
    ClientProfile {
        name: "hls".to_owned(),
        source: "Apple, HLS Authoring Specification for Apple Devices: the H.264/AAC-LC baseline every \
HLS client plays (1.2, 1.8, 2.3, 2.6)"
            .to_owned(),
        containers: strings(&["mpegts"]),
        video: vec![VideoSupport {
            max_level: Some(41),
            interlaced: false,
            max_width: Some(1920),
            max_height: Some(1080),
            max_frame_rate: Some(60.0),
            ..browser_h264()
        }],
        audio: vec![AudioSupport { profiles: strings(&["LC"]), ..audio("aac", 2) }],
        allow_no_audio: false,
        subtitles: SubtitleSupport { burn_in_images: true, images: Vec::new() },
    }
}

/// mediascan's first profile, kept under its name so that `compatibility` reads as before:
/// 8-bit 4:2:0 H.264 (yuv420p or yuvj420p) with AAC or MP3 (or no audio) in MP4, MOV or MKV.
pub fn browser() -> ClientProfile {
    ClientProfile {
        name: "browser".to_owned(),
        source: "mediascan's original browser profile (a conservative subset of MDN's tables)".to_owned(),
        containers: strings(&["mp4", "mov", "matroska", "webm"]),
        video: vec![VideoSupport {
            max_bit_depth: Some(8),
            pix_fmts: strings(&["yuv420p", "yuvj420p"]),
            interlaced: true,
            ..video("h264")
        }],
        audio: vec![audio_any("aac"), audio_any("mp3")],
        allow_no_audio: true,
        subtitles: SubtitleSupport { burn_in_images: false, images: Vec::new() },
    }
}

fn audio_any(codec: &str) -> AudioSupport {
    AudioSupport { codec: codec.to_owned(), ..AudioSupport::default() }
}

/// Living-room clients (smart TVs, Apple TV, Android TV), as before: H.264 or HEVC up to
/// 10-bit with AAC, AC-3, E-AC-3 or MP3 in MP4, MOV or MKV.
pub fn tv() -> ClientProfile {
    let codec = |c: &str| VideoSupport {
        max_bit_depth: Some(10),
        interlaced: true,
        hdr: vec![HdrKind::Hdr10, HdrKind::Hdr10Plus, HdrKind::Hlg, HdrKind::DolbyVision],
        ..video(c)
    };
    ClientProfile {
        name: "tv".to_owned(),
        source: "mediascan's original living-room profile".to_owned(),
        containers: strings(&["mp4", "mov", "matroska", "webm"]),
        video: vec![codec("h264"), codec("hevc")],
        audio: vec![audio_any("aac"), audio_any("ac3"), audio_any("eac3"), audio_any("mp3")],
        allow_no_audio: true,
        subtitles: SubtitleSupport { burn_in_images: false, images: Vec::new() },
    }
}

/// The names of the built-in profiles.
pub const BUILT_IN: [&str; 6] = ["browser", "chrome", "firefox", "safari", "hls", "tv"];

/// A built-in profile by name.
pub fn builtin(name: &str) -> Option<ClientProfile> {
    Some(match name {
        "browser" => browser(),
        "chrome" => chrome(),
        "firefox" => firefox(),
        "safari" => safari(),
        "hls" => hls(),
        "tv" => tv(),
        _ => return None,
    })
}
