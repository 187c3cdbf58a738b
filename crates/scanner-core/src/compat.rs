//! Compatibility validator: can a given client play a file directly, and if not, why not.
//!
//! A profile is data (so users can define their own in the configuration); the verdict lists
//! every reason, not only the first, so a user sees at once everything that needs transcoding.

use serde::{Deserialize, Serialize};

use crate::media::MediaInfo;

/// The verdict stored with each probed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compatibility {
    pub compatible: bool,
    /// Every reason the file is not compatible, as readable sentences; empty when compatible.
    pub reasons: Vec<String>,
}

/// What a client can play without transcoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompatibilityProfile {
    pub name: String,
    /// Container names as ffprobe's `format_name` lists them (`mp4`, `mov`, `matroska`).
    pub containers: Vec<String>,
    /// Video codec names as ffprobe spells them (`h264`, `hevc`).
    pub video_codecs: Vec<String>,
    /// Highest video bit depth the client decodes.
    pub max_bit_depth: u8,
    /// Pixel formats accepted, or empty for any.
    #[serde(default)]
    pub pix_fmts: Vec<String>,
    /// Audio codec names (`aac`, `mp3`). Every audio stream must be one of these.
    pub audio_codecs: Vec<String>,
    /// Whether a file without audio is acceptable.
    #[serde(default = "yes")]
    pub allow_no_audio: bool,
}

fn yes() -> bool {
    true
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl CompatibilityProfile {
    /// "Can a web browser play this directly?": 8-bit 4:2:0 H.264 with AAC or MP3 audio (or
    /// none) in MP4, MOV or Matroska.
    pub fn browser() -> Self {
        Self {
            name: "browser".to_owned(),
            containers: strings(&["mp4", "mov", "matroska"]),
            video_codecs: strings(&["h264"]),
            max_bit_depth: 8,
            pix_fmts: strings(&["yuv420p", "yuvj420p"]),
            audio_codecs: strings(&["aac", "mp3"]),
            allow_no_audio: true,
        }
    }

    /// Living-room clients (smart TVs, Apple TV, Android TV): H.264 or HEVC up to 10-bit with
    /// AAC, AC-3, E-AC-3 or MP3 in MP4, MOV or Matroska.
    pub fn tv() -> Self {
        Self {
            name: "tv".to_owned(),
            containers: strings(&["mp4", "mov", "matroska"]),
            video_codecs: strings(&["h264", "hevc"]),
            max_bit_depth: 10,
            pix_fmts: Vec::new(),
            audio_codecs: strings(&["aac", "ac3", "eac3", "mp3"]),
            allow_no_audio: true,
        }
    }

    /// The built-in profiles by name.
    pub fn builtin(name: &str) -> Option<Self> {
        match name {
            "browser" => Some(Self::browser()),
            "tv" => Some(Self::tv()),
            _ => None,
        }
    }

    /// Judges a probed file against this profile.
    pub fn check(&self, info: &MediaInfo) -> Compatibility {
        let mut reasons = Vec::new();

        match info.container.as_deref() {
            Some(format_name) => {
                if !format_name.split(',').any(|c| contains(&self.containers, c)) {
                    let shown = format_name.split(',').next().unwrap_or(format_name);
                    reasons.push(format!(
                        "container {shown} is not {}",
                        human_list(&self.containers, container_label)
                    ));
                }
            }
            None => reasons.push("container format is unknown".to_owned()),
        }

        match &info.video {
            None => reasons.push("no video stream".to_owned()),
            Some(video) => {
                if !contains(&self.video_codecs, &video.codec) {
                    reasons.push(format!(
                        "video codec {} is not {}",
                        video.codec,
                        human_list(&self.video_codecs, codec_label)
                    ));
                }
                match video.bit_depth {
                    Some(depth) if depth > self.max_bit_depth => {
                        reasons.push(format!("video is {depth}-bit, more than {}-bit", self.max_bit_depth))
                    }
                    _ => {}
                }
                if !self.pix_fmts.is_empty() {
                    match video.pix_fmt.as_deref() {
                        Some(fmt) if contains(&self.pix_fmts, fmt) => {}
                        Some(fmt) => reasons.push(format!(
                            "pixel format {fmt} is not {}",
                            human_list(&self.pix_fmts, str::to_owned)
                        )),
                        None => reasons.push("pixel format is unknown".to_owned()),
                    }
                }
            }
        }

        if info.audio.is_empty() && !self.allow_no_audio {
            reasons.push("no audio stream".to_owned());
        }
        for (index, audio) in info.audio.iter().enumerate() {
            if !contains(&self.audio_codecs, &audio.codec) {
                reasons.push(format!(
                    "audio stream {} codec {} is not {}",
                    index + 1,
                    audio.codec,
                    human_list(&self.audio_codecs, codec_label)
                ));
            }
        }

        Compatibility { compatible: reasons.is_empty(), reasons }
    }
}

impl Default for CompatibilityProfile {
    fn default() -> Self {
        Self::browser()
    }
}

fn contains(list: &[String], item: &str) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(item))
}

fn codec_label(codec: &str) -> String {
    match codec {
        "h264" => "H.264".to_owned(),
        "hevc" => "HEVC".to_owned(),
        "av1" => "AV1".to_owned(),
        "vp9" => "VP9".to_owned(),
        "aac" => "AAC".to_owned(),
        "mp3" => "MP3".to_owned(),
        "ac3" => "AC-3".to_owned(),
        "eac3" => "E-AC-3".to_owned(),
        "opus" => "Opus".to_owned(),
        "flac" => "FLAC".to_owned(),
        other => other.to_owned(),
    }
}

fn container_label(container: &str) -> String {
    match container {
        "matroska" => "MKV".to_owned(),
        "webm" => "WebM".to_owned(),
        other => other.to_ascii_uppercase(),
    }
}

/// `["a"]` → `a`; `["a", "b", "c"]` → `a, b or c`.
fn human_list(items: &[String], label: impl Fn(&str) -> String) -> String {
    let labels: Vec<String> = items.iter().map(|i| label(i)).collect();
    match labels.split_last() {
        None => "anything".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::h264_aac_mp4;
    use crate::media::AudioStream;

    #[test]
    fn h264_aac_in_mp4_plays_in_a_browser() {
        let verdict = CompatibilityProfile::browser().check(&h264_aac_mp4());
        assert_eq!(verdict, Compatibility { compatible: true, reasons: vec![] });
    }

    #[test]
    fn no_audio_is_fine_and_mkv_is_accepted() {
        let mut info = h264_aac_mp4();
        info.audio.clear();
        info.container = Some("matroska,webm".to_owned());
        assert!(CompatibilityProfile::browser().check(&info).compatible);
    }

    #[test]
    fn every_reason_is_listed() {
        let mut info = h264_aac_mp4();
        info.container = Some("avi".to_owned());
        let video = info.video.as_mut().unwrap();
        video.codec = "hevc".to_owned();
        video.bit_depth = Some(10);
        video.pix_fmt = Some("yuv420p10le".to_owned());
        info.audio.push(AudioStream { codec: "ac3".to_owned(), channels: Some(6), language: None });

        let verdict = CompatibilityProfile::browser().check(&info);
        assert!(!verdict.compatible);
        assert_eq!(
            verdict.reasons,
            vec![
                "container avi is not MP4, MOV or MKV",
                "video codec hevc is not H.264",
                "video is 10-bit, more than 8-bit",
                "pixel format yuv420p10le is not yuv420p or yuvj420p",
                "audio stream 2 codec ac3 is not AAC or MP3",
            ]
        );
    }

    #[test]
    fn a_file_without_video_is_not_compatible() {
        let mut info = h264_aac_mp4();
        info.video = None;
        let verdict = CompatibilityProfile::browser().check(&info);
        assert_eq!(verdict.reasons, vec!["no video stream"]);
    }

    #[test]
    fn tv_profile_takes_10_bit_hevc_with_eac3() {
        let mut info = h264_aac_mp4();
        let video = info.video.as_mut().unwrap();
        video.codec = "hevc".to_owned();
        video.bit_depth = Some(10);
        video.pix_fmt = Some("yuv420p10le".to_owned());
        info.audio[0].codec = "eac3".to_owned();
        assert!(CompatibilityProfile::tv().check(&info).compatible);
        assert!(!CompatibilityProfile::browser().check(&info).compatible);
    }
}
