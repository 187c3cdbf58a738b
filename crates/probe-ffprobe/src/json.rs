//! Decoding ffprobe's `-print_format json -show_format -show_streams` output.
//!
//! Pure and total: any byte string decodes to a `MediaInfo` or an error, never a panic. Fields
//! ffprobe leaves out, or prints in an unexpected type, become `None`.

use serde::Deserialize;
use serde_json::Value;

use scanner_core::{AudioStream, MediaInfo, SubtitleStream, VideoStream};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Output {
    format: Option<Format>,
    streams: Vec<Stream>,
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
    codec_type: Option<String>,
    codec_name: Option<String>,
    profile: Option<Value>,
    width: Option<Value>,
    height: Option<Value>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    pix_fmt: Option<String>,
    bits_per_raw_sample: Option<Value>,
    channels: Option<Value>,
    disposition: Option<Disposition>,
    tags: Option<serde_json::Map<String, Value>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Disposition {
    attached_pic: Option<Value>,
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
        duration_secs: number(&format.duration).filter(|d| *d >= 0.0),
        bit_rate: unsigned(&format.bit_rate),
        ..MediaInfo::default()
    };
    for stream in &output.streams {
        match stream.codec_type.as_deref() {
            Some("video") => {
                let cover_art =
                    stream.disposition.as_ref().and_then(|d| unsigned(&d.attached_pic)).unwrap_or(0) == 1;
                if cover_art || info.video.is_some() {
                    continue;
                }
                let pix_fmt = stream.pix_fmt.clone().filter(|p| !p.is_empty() && p != "none");
                let bit_depth = pix_fmt
                    .as_deref()
                    .and_then(bit_depth_of_pix_fmt)
                    .or_else(|| small(&stream.bits_per_raw_sample).and_then(|b| u8::try_from(b).ok()));
                let rate = stream
                    .avg_frame_rate
                    .as_deref()
                    .and_then(frame_rate)
                    .or_else(|| stream.r_frame_rate.as_deref().and_then(frame_rate));
                info.video = Some(VideoStream {
                    codec: codec(stream),
                    profile: text(&stream.profile),
                    width: small(&stream.width).filter(|w| *w > 0),
                    height: small(&stream.height).filter(|h| *h > 0),
                    frame_rate: rate,
                    pix_fmt,
                    bit_depth,
                });
            }
            Some("audio") => info.audio.push(AudioStream {
                codec: codec(stream),
                channels: small(&stream.channels).filter(|c| *c > 0),
                language: language(&stream.tags),
            }),
            Some("subtitle") => {
                info.subtitles.push(SubtitleStream { codec: codec(stream), language: language(&stream.tags) })
            }
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
