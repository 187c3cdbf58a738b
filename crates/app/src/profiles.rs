//! Client profiles from the configuration file (`[profiles.NAME]`), beside the built-in ones.
//!
//! The first form of a profile (lists of containers, video and audio codecs, a bit depth and
//! pixel formats) keeps working; the full form describes each codec a client decodes with its
//! limits (`[[profiles.NAME.video]]`, `[[profiles.NAME.audio]]`, `[profiles.NAME.subtitles]`).

use std::collections::BTreeMap;

use anyhow::bail;
use serde::Deserialize;

use scanner_core::Profiles;
use scanner_core::playback::{self, AudioSupport, ClientProfile, SubtitleSupport, VideoSupport};

/// A configured client profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSection {
    /// Containers (`mp4`, `mov`, `matroska`, `webm`, `mpegts`, `avi`).
    pub containers: Vec<String>,
    /// Video codecs decoded without further limits than `max_bit_depth` and `pix_fmts`.
    #[serde(default)]
    pub video_codecs: Vec<String>,
    pub max_bit_depth: Option<u8>,
    #[serde(default)]
    pub pix_fmts: Vec<String>,
    /// Audio codecs decoded without limits.
    #[serde(default)]
    pub audio_codecs: Vec<String>,
    #[serde(default = "yes")]
    pub allow_no_audio: bool,
    /// Video codecs with their limits.
    #[serde(default)]
    pub video: Vec<VideoSupport>,
    /// Audio codecs with their limits.
    #[serde(default)]
    pub audio: Vec<AudioSupport>,
    #[serde(default)]
    pub subtitles: SubtitleSupport,
}

fn yes() -> bool {
    true
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl ProfileSection {
    fn into_profile(self, name: &str) -> anyhow::Result<ClientProfile> {
        let mut video = self.video;
        for codec in self.video_codecs {
            video.push(VideoSupport {
                codec,
                max_bit_depth: self.max_bit_depth,
                pix_fmts: self.pix_fmts.clone(),
                interlaced: true,
                hdr: scanner_core::HdrKind::ALL.to_vec(),
                ..VideoSupport::default()
            });
        }
        let mut audio = self.audio;
        audio.extend(
            self.audio_codecs.into_iter().map(|codec| AudioSupport { codec, ..AudioSupport::default() }),
        );
        if video.is_empty() {
            bail!(
                "profile {name}: list the video codecs it plays (video_codecs or [[profiles.{name}.video]])"
            );
        }
        if self.containers.is_empty() {
            bail!("profile {name}: containers must not be empty");
        }
        for v in &video {
            if v.codec.is_empty() {
                bail!("profile {name}: a video entry has no codec");
            }
            if v.max_frame_rate.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
                bail!("profile {name}: max_frame_rate must be a positive number");
            }
        }
        if audio.iter().any(|a| a.codec.is_empty()) {
            bail!("profile {name}: an audio entry has no codec");
        }
        Ok(ClientProfile {
            name: name.to_owned(),
            source: "the configuration file".to_owned(),
            containers: self.containers,
            video,
            audio,
            allow_no_audio: self.allow_no_audio,
            subtitles: self.subtitles,
        })
    }
}

/// Checks that `profiles` has one named `name`; if not, says which there are.
pub fn known(profiles: &Profiles, name: &str) -> Result<(), String> {
    if profiles.get(name).is_some() {
        return Ok(());
    }
    let names: Vec<&str> = profiles.all().iter().map(|p| p.name.as_str()).collect();
    Err(format!("no client profile named {name:?}; there are: {}", names.join(", ")))
}

/// The built-in profiles and the configured ones (a configured profile may not take a
/// built-in's name), with `compatibility` following `browser` until a library says otherwise.
pub fn load(sections: &BTreeMap<String, ProfileSection>) -> anyhow::Result<Profiles> {
    let mut all: Vec<ClientProfile> =
        playback::BUILT_IN.iter().filter_map(|n| playback::builtin(n)).collect();
    for (name, section) in sections {
        if !valid_name(name) {
            bail!("profile name {name:?} may only use letters, digits, '-' and '_'");
        }
        if playback::builtin(name).is_some() {
            bail!("profile {name}: a built-in profile has this name; choose another");
        }
        all.push(section.clone().into_profile(name)?);
    }
    Profiles::new(all, "browser").ok_or_else(|| anyhow::anyhow!("the built-in browser profile is missing"))
}
