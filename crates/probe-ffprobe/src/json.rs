//! Decoding ffprobe's `-print_format json -show_format -show_streams -show_chapters` output.
//!
//! Pure and total: any byte string decodes to a `MediaInfo` or an error, never a panic. Fields
//! ffprobe leaves out, or prints in an unexpected type, become `None`.

use serde::Deserialize;
use serde_json::Value;

use scanner_core::streams::is_text_subtitle;
use scanner_core::{AudioStream, Chapter, DoviConfig, HdrKind, MediaInfo, SubtitleStream, VideoStream};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Output {
    format: Option<Format>,
    streams: Vec<Stream>,
    chapters: Vec<ChapterEntry>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ChapterEntry {
    start_time: Option<Value>,
    end_time: Option<Value>,
    tags: Option<serde_json::Map<String, Value>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Format {
    format_name: Option<String>,
    duration: Option<Value>,
    bit_rate: Option<Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Stream {
    index: Option<Value>,
    codec_type: Option<String>,
    codec_name: Option<String>,
    codec_tag_string: Option<String>,
    profile: Option<Value>,
    level: Option<Value>,
    width: Option<Value>,
    height: Option<Value>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    pix_fmt: Option<String>,
    bits_per_raw_sample: Option<Value>,
    color_range: Option<String>,
    color_space: Option<String>,
    color_transfer: Option<String>,
    color_primaries: Option<String>,
    field_order: Option<String>,
    sample_aspect_ratio: Option<String>,
    display_aspect_ratio: Option<String>,
    bit_rate: Option<Value>,
    channels: Option<Value>,
    channel_layout: Option<String>,
    sample_rate: Option<Value>,
    disposition: Option<Disposition>,
    tags: Option<serde_json::Map<String, Value>>,
    side_data_list: Vec<serde_json::Map<String, Value>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Disposition {
    default: Option<Value>,
    forced: Option<Value>,
    hearing_impaired: Option<Value>,
    attached_pic: Option<Value>,
}

impl Disposition {
    fn flag(value: &Option<Value>) -> bool {
        unsigned(value) == Some(1)
    }
}

/// Why ffprobe's output could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JSON of the expected shape.
    Malformed(String),
    /// JSON, but without a `format` section: ffprobe did not recognise the file.
    NoFormat,
}

/// A number ffprobe printed either as a JSON number or as a string (`"1.000000"`).
fn number(value: &Option<Value>) -> Option<f64> {
    match value.as_ref()? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

fn unsigned(value: &Option<Value>) -> Option<u64> {
    number(value).filter(|n| *n >= 0.0 && *n <= u64::MAX as f64).map(|n| n as u64)
}

fn small(value: &Option<Value>) -> Option<u32> {
    unsigned(value).and_then(|n| u32::try_from(n).ok())
}

fn text(value: &Option<Value>) -> Option<String> {
    match value.as_ref()? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `"24000/1001"` → 23.976; `"0/0"` → None.
pub fn frame_rate(ratio: &str) -> Option<f64> {
    let (num, den) = ratio.split_once('/')?;
    let (num, den): (f64, f64) = (num.trim().parse().ok()?, den.trim().parse().ok()?);
    (num > 0.0 && den > 0.0).then(|| round3(num / den))
}

/// Rounds to three decimals, the precision frame rates and durations are compared at.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Bit depth implied by a pixel format name: `yuv420p` → 8, `yuv420p10le` → 10.
pub fn bit_depth_of_pix_fmt(pix_fmt: &str) -> Option<u8> {
    let name = pix_fmt.strip_suffix("le").or_else(|| pix_fmt.strip_suffix("be")).unwrap_or(pix_fmt);
    match name {
        "nv12" | "nv21" | "nv16" | "nv24" | "nv42" | "gray" | "rgb24" | "bgr24" | "pal8" => return Some(8),
        "p010" | "nv20" => return Some(10),
        "p016" => return Some(16),
        _ => {}
    }
    let planar = ["yuv", "yuva", "yuvj", "gbr", "gbrp", "gbrap", "gray"];
    if !planar.iter().any(|p| name.starts_with(p)) {
        return None;
    }
    if name.ends_with('p') || name.starts_with("gray") && name.len() == 4 {
        return Some(8);
    }
    // Digits are ASCII, so the split is on a character boundary whatever precedes them.
    let head = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &name[head.len()..];
    match (digits.parse::<u8>().ok(), head.chars().next_back()) {
        (Some(bits), Some('p' | 'y')) if (8..=16).contains(&bits) => Some(bits),
        _ => None,
    }
}

/// A tag's value by name in any case (`title`, `TITLE`), trimmed, if not empty.
fn tag(tags: &Option<serde_json::Map<String, Value>>, name: &str) -> Option<String> {
    let tags = tags.as_ref()?;
    let value = tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?.1.as_str()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A name ffprobe prints, where `unknown` means nothing is known.
fn known(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty() && v != "unknown")
}

/// The codec tag ffprobe prints (`avc1`); an all-zero tag (`[0][0][0][0]`) is none.
fn codec_tag(value: &Option<String>) -> Option<String> {
    value.clone().filter(|t| !t.is_empty() && t != "[0][0][0][0]")
}

/// An aspect ratio ffprobe prints (`16:9`); `0:1` and `N/A` are unknown.
fn ratio(value: &Option<String>) -> Option<String> {
    value.clone().filter(|r| r.split_once(':').is_some_and(|(n, d)| n != "0" && d != "0"))
}

/// A side data entry of a stream by type.
fn side_data<'a>(stream: &'a Stream, kind: &str) -> Option<&'a serde_json::Map<String, Value>> {
    stream.side_data_list.iter().find(|d| d.get("side_data_type").and_then(Value::as_str) == Some(kind))
}

fn dovi(stream: &Stream) -> Option<DoviConfig> {
    let record = side_data(stream, "DOVI configuration record")?;
    let field = |name: &str| record.get(name).and_then(Value::as_u64).and_then(|v| u8::try_from(v).ok());
    Some(DoviConfig {
        profile: field("dv_profile")?,
        level: field("dv_level")?,
        bl_compat_id: field("dv_bl_signal_compatibility_id")?,
    })
}

fn rotation(stream: &Stream) -> Option<i32> {
    let matrix = side_data(stream, "Display Matrix")?;
    let degrees = matrix.get("rotation").and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))?;
    (degrees.is_finite() && degrees.abs() <= 360.0).then(|| degrees.round() as i32)
}

fn video(stream: &Stream) -> VideoStream {
    let pix_fmt = stream.pix_fmt.clone().filter(|p| !p.is_empty() && p != "none");
    let bit_depth = pix_fmt
        .as_deref()
        .and_then(bit_depth_of_pix_fmt)
        .or_else(|| small(&stream.bits_per_raw_sample).and_then(|b| u8::try_from(b).ok()));
    let avg_frame_rate = stream.avg_frame_rate.as_deref().and_then(frame_rate);
    let codec_tag = codec_tag(&stream.codec_tag_string);
    let color_transfer = known(&stream.color_transfer);
    let dovi = dovi(stream);
    let hdr10_plus = side_data(stream, "HDR Dynamic Metadata SMPTE2094-40 (HDR10+)").is_some();
    let hdr = HdrKind::derive(color_transfer.as_deref(), codec_tag.as_deref(), dovi.is_some(), hdr10_plus);
    VideoStream {
        index: small(&stream.index).unwrap_or_default(),
        codec: codec(stream),
        profile: text(&stream.profile),
        level: number(&stream.level).filter(|l| *l != -99.0 && l.abs() < 1e6).map(|l| l as i32),
        codec_tag,
        width: small(&stream.width).filter(|w| *w > 0),
        height: small(&stream.height).filter(|h| *h > 0),
        frame_rate: avg_frame_rate.or_else(|| stream.r_frame_rate.as_deref().and_then(frame_rate)),
        avg_frame_rate,
        pix_fmt,
        bit_depth,
        color_range: known(&stream.color_range),
        color_space: known(&stream.color_space),
        color_transfer,
        color_primaries: known(&stream.color_primaries),
        field_order: known(&stream.field_order),
        sample_aspect_ratio: ratio(&stream.sample_aspect_ratio),
        display_aspect_ratio: ratio(&stream.display_aspect_ratio),
        rotation: rotation(stream),
        bit_rate: unsigned(&stream.bit_rate).filter(|b| *b > 0),
        hdr,
        dovi,
    }
}

fn disposition(stream: &Stream) -> (bool, bool, bool) {
    let d = stream.disposition.as_ref();
    let flag = |f: fn(&Disposition) -> &Option<Value>| d.is_some_and(|d| Disposition::flag(f(d)));
    (flag(|d| &d.default), flag(|d| &d.forced), flag(|d| &d.hearing_impaired))
}

fn audio(stream: &Stream) -> AudioStream {
    let (default, forced, _) = disposition(stream);
    AudioStream {
        index: small(&stream.index).unwrap_or_default(),
        codec: codec(stream),
        profile: text(&stream.profile),
        channels: small(&stream.channels).filter(|c| *c > 0),
        channel_layout: known(&stream.channel_layout),
        sample_rate: small(&stream.sample_rate).filter(|r| *r > 0),
        bit_rate: unsigned(&stream.bit_rate).filter(|b| *b > 0),
        language: language(&stream.tags),
        default,
        forced,
        title: tag(&stream.tags, "title"),
    }
}

fn subtitle(stream: &Stream) -> SubtitleStream {
    let (default, forced, hearing_impaired) = disposition(stream);
    let codec = codec(stream);
    SubtitleStream {
        index: small(&stream.index).unwrap_or_default(),
        text: is_text_subtitle(&codec),
        codec,
        language: language(&stream.tags),
        default,
        forced,
        hearing_impaired,
        title: tag(&stream.tags, "title"),
        ..SubtitleStream::default()
    }
}

fn chapter(entry: &ChapterEntry) -> Option<Chapter> {
    let start = number(&entry.start_time)?;
    let end = number(&entry.end_time)?;
    Some(Chapter { start_secs: round3(start), end_secs: round3(end), title: tag(&entry.tags, "title") })
}

fn language(tags: &Option<serde_json::Map<String, Value>>) -> Option<String> {
    let tags = tags.as_ref()?;
    let value = tags.get("language").or_else(|| tags.get("LANGUAGE"))?.as_str()?.trim();
    (!value.is_empty() && value != "und").then(|| value.to_owned())
}

fn codec(stream: &Stream) -> String {
    stream.codec_name.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| "unknown".to_owned())
}

/// Decodes ffprobe's JSON output.
pub fn decode(bytes: &[u8]) -> Result<MediaInfo, DecodeError> {
    let output: Output = serde_json::from_slice(bytes).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    let format = output.format.ok_or(DecodeError::NoFormat)?;

    let mut info = MediaInfo {
        container: format.format_name.filter(|f| !f.is_empty()),
        duration_secs: number(&format.duration).filter(|d| *d >= 0.0).map(round3),
        bit_rate: unsigned(&format.bit_rate),
        chapters: output.chapters.iter().filter_map(chapter).collect(),
        ..MediaInfo::default()
    };
    for stream in &output.streams {
        match stream.codec_type.as_deref() {
            Some("video") => {
                let cover_art =
                    stream.disposition.as_ref().is_some_and(|d| Disposition::flag(&d.attached_pic));
                if cover_art {
                    info.cover_art = true;
                } else if info.video.is_none() {
                    info.video = Some(video(stream));
                }
            }
            Some("audio") => info.audio.push(audio(stream)),
            Some("subtitle") => info.subtitles.push(subtitle(stream)),
            _ => {}
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pix_fmt_depths() {
        for (fmt, depth) in [
            ("yuv420p", Some(8)),
            ("yuvj420p", Some(8)),
            ("yuv420p10le", Some(10)),
            ("yuv422p10be", Some(10)),
            ("yuv444p12le", Some(12)),
            ("gray", Some(8)),
            ("gray10le", Some(10)),
            ("nv12", Some(8)),
            ("p010le", Some(10)),
            ("gbrp", Some(8)),
            ("rgb48le", None),
            ("", None),
            // Found by fuzzing: a multi-byte character before the digits.
            ("yuv41ǋ10", None),
            ("yuv420ǋp10le", Some(10)),
        ] {
            assert_eq!(bit_depth_of_pix_fmt(fmt), depth, "{fmt}");
        }
    }

    #[test]
    fn frame_rates() {
        assert_eq!(frame_rate("24000/1001"), Some(23.976));
        assert_eq!(frame_rate("30000/1001"), Some(29.97));
        assert_eq!(frame_rate("25/1"), Some(25.0));
        assert_eq!(frame_rate("0/0"), None);
        assert_eq!(frame_rate("1/0"), None);
        assert_eq!(frame_rate("garbage"), None);
    }

    #[test]
    fn decodes_a_typical_output() {
        let json = br#"{
            "streams": [
                {"codec_type": "video", "codec_name": "mjpeg", "disposition": {"attached_pic": 1}},
                {"codec_type": "video", "codec_name": "h264", "profile": "High", "width": 1280, "height": 720,
                 "avg_frame_rate": "24000/1001", "pix_fmt": "yuv420p", "bits_per_raw_sample": "8"},
                {"codec_type": "audio", "codec_name": "aac", "channels": 6, "tags": {"language": "eng"}},
                {"codec_type": "audio", "codec_name": "ac3", "channels": 2, "tags": {"language": "und"}},
                {"codec_type": "subtitle", "codec_name": "subrip", "tags": {"LANGUAGE": "fre"}},
                {"codec_type": "data"}
            ],
            "format": {"format_name": "matroska,webm", "duration": "61.500000", "bit_rate": "2000000"}
        }"#;
        let info = decode(json).unwrap();
        assert_eq!(info.container.as_deref(), Some("matroska,webm"));
        assert_eq!(info.duration_secs, Some(61.5));
        assert_eq!(info.bit_rate, Some(2_000_000));
        let video = info.video.unwrap();
        assert_eq!((video.codec.as_str(), video.width, video.frame_rate), ("h264", Some(1280), Some(23.976)));
        assert_eq!(video.bit_depth, Some(8));
        assert_eq!(info.audio.len(), 2);
        assert_eq!(info.audio[0].language.as_deref(), Some("eng"));
        assert_eq!(info.audio[1].language, None);
        assert_eq!(info.subtitles[0].language.as_deref(), Some("fre"));
    }

    #[test]
    fn decodes_stream_details_chapters_and_cover_art() {
        let json = br#"{
            "streams": [
                {"index": 0, "codec_type": "video", "codec_name": "hevc", "profile": "Main 10", "level": 150,
                 "codec_tag_string": "dvh1", "width": 3840, "height": 2160, "pix_fmt": "yuv420p10le",
                 "avg_frame_rate": "24000/1001", "r_frame_rate": "24000/1001", "color_range": "tv",
                 "color_space": "bt2020nc", "color_transfer": "smpte2084", "color_primaries": "bt2020",
                 "field_order": "progressive", "sample_aspect_ratio": "1:1", "display_aspect_ratio": "16:9",
                 "bit_rate": "15000000",
                 "side_data_list": [
                    {"side_data_type": "DOVI configuration record", "dv_profile": 8, "dv_level": 6,
                     "dv_bl_signal_compatibility_id": 1},
                    {"side_data_type": "Display Matrix", "rotation": -90}
                 ]},
                {"index": 1, "codec_type": "audio", "codec_name": "aac", "profile": "HE-AACv2", "channels": 2,
                 "channel_layout": "stereo", "sample_rate": "48000", "bit_rate": "64000",
                 "disposition": {"default": 1, "forced": 0}, "tags": {"language": "jpn", "title": "Original"}},
                {"index": 2, "codec_type": "subtitle", "codec_name": "hdmv_pgs_subtitle",
                 "disposition": {"default": 0, "forced": 1, "hearing_impaired": 0}, "tags": {"language": "eng"}},
                {"index": 3, "codec_type": "subtitle", "codec_name": "subrip",
                 "disposition": {"hearing_impaired": 1}, "tags": {"TITLE": "SDH"}},
                {"index": 4, "codec_type": "video", "codec_name": "mjpeg", "disposition": {"attached_pic": 1}},
                {"index": 5, "codec_type": "video", "codec_name": "h264", "level": -99, "codec_tag_string": "[0][0][0][0]",
                 "field_order": "unknown", "color_range": "unknown", "sample_aspect_ratio": "0:1"}
            ],
            "chapters": [
                {"id": 0, "start_time": "0.000000", "end_time": "61.2345", "tags": {"title": "Opening"}},
                {"id": 1, "start_time": "61.2345", "end_time": "1500.000000"},
                {"id": 2, "start_time": "nan"}
            ],
            "format": {"format_name": "matroska,webm", "duration": "1500.000456"}
        }"#;
        let info = decode(json).unwrap();
        assert_eq!(info.duration_secs, Some(1500.0), "milliseconds");
        assert!(info.cover_art);
        let video = info.video.unwrap();
        assert_eq!((video.index, video.level, video.codec_tag.as_deref()), (0, Some(150), Some("dvh1")));
        assert_eq!(
            (video.avg_frame_rate, video.rotation, video.bit_rate),
            (Some(23.976), Some(-90), Some(15_000_000))
        );
        assert_eq!(
            (video.color_space.as_deref(), video.color_transfer.as_deref(), video.color_primaries.as_deref()),
            (Some("bt2020nc"), Some("smpte2084"), Some("bt2020"))
        );
        assert_eq!(
            (video.sample_aspect_ratio.as_deref(), video.display_aspect_ratio.as_deref()),
            (Some("1:1"), Some("16:9"))
        );
        assert_eq!(video.hdr, HdrKind::DolbyVision);
        assert_eq!(video.dovi, Some(DoviConfig { profile: 8, level: 6, bl_compat_id: 1 }));
        assert!(!video.interlaced());
        let audio = &info.audio[0];
        assert_eq!(
            (audio.index, audio.profile.as_deref(), audio.sample_rate),
            (1, Some("HE-AACv2"), Some(48_000))
        );
        assert_eq!(
            (audio.channel_layout.as_deref(), audio.default, audio.forced),
            (Some("stereo"), true, false)
        );
        assert_eq!(audio.title.as_deref(), Some("Original"));
        let (pgs, srt) = (&info.subtitles[0], &info.subtitles[1]);
        assert_eq!((pgs.index, pgs.forced, pgs.text), (2, true, false));
        assert_eq!((srt.hearing_impaired, srt.text, srt.title.as_deref()), (true, true, Some("SDH")));
        assert_eq!(
            info.chapters,
            vec![
                Chapter { start_secs: 0.0, end_secs: 61.235, title: Some("Opening".into()) },
                Chapter { start_secs: 61.235, end_secs: 1500.0, title: None },
            ]
        );
    }

    #[test]
    fn unknown_values_are_none() {
        let json = br#"{"format": {"format_name": "mp4"}, "streams": [{"codec_type": "video", "codec_name": "h264",
            "level": -99, "codec_tag_string": "[0][0][0][0]", "field_order": "unknown", "color_range": "unknown",
            "sample_aspect_ratio": "0:1", "display_aspect_ratio": "0:1"}]}"#;
        let video = decode(json).unwrap().video.unwrap();
        assert_eq!(
            (video.level, video.codec_tag, video.field_order, video.color_range),
            (None, None, None, None)
        );
        assert_eq!(
            (video.sample_aspect_ratio, video.display_aspect_ratio, video.hdr),
            (None, None, HdrKind::Sdr)
        );
    }

    #[test]
    fn odd_outputs_never_panic() {
        assert!(matches!(decode(b""), Err(DecodeError::Malformed(_))));
        assert!(matches!(decode(b"{\"streams\": ["), Err(DecodeError::Malformed(_))));
        assert_eq!(decode(b"{}"), Err(DecodeError::NoFormat));
        let weird = br#"{"format": {"duration": "nan", "bit_rate": -5}, "streams": [{"codec_type": "video", "width": "x", "avg_frame_rate": "1/0"}]}"#;
        let info = decode(weird).unwrap();
        assert_eq!(info.duration_secs, None);
        assert_eq!(info.bit_rate, None);
        assert_eq!(info.video.unwrap().codec, "unknown");
    }
}
