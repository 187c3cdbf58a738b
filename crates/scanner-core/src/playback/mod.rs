//! Playback decisions: what it takes for a client to play a file — nothing (direct play), a new
//! container (remux), or transcoding the audio, the video or both — and every reason why, as
//! machine-readable codes with the stream they concern.
//!
//! Pure functions of a file's stored probe result and a [`ClientProfile`]: a decision is made
//! from what the catalog holds, never by probing again. The rules are data ([`rules::RULES`]),
//! applied in order by one driver; `docs/playback.md` lists them with the built-in profiles and
//! their sources.

mod markdown;
mod profiles;
mod rules;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::media::MediaInfo;
use crate::streams::HdrKind;

pub use markdown::markdown;
pub use profiles::{BUILT_IN, builtin};
pub use rules::{RULES, Rule};

/// What a client needs to play a file, from least to most work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The file as it is.
    DirectPlay,
    /// The same streams in another container (or with another codec tag, or its text subtitles
    /// served apart): no decoding.
    Remux,
    /// The audio must be transcoded; the video is copied.
    TranscodeAudio,
    /// The video must be transcoded; the audio is copied.
    TranscodeVideo,
    /// Both.
    Transcode,
}

impl Decision {
    pub const ALL: [Self; 5] =
        [Self::DirectPlay, Self::Remux, Self::TranscodeAudio, Self::TranscodeVideo, Self::Transcode];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DirectPlay => "direct_play",
            Self::Remux => "remux",
            Self::TranscodeAudio => "transcode_audio",
            Self::TranscodeVideo => "transcode_video",
            Self::Transcode => "transcode",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Whether anything is transcoded.
    pub fn transcodes(self) -> bool {
        matches!(self, Self::TranscodeAudio | Self::TranscodeVideo | Self::Transcode)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which decisions a filter takes: one exactly, or — as `transcode` — all three that
/// transcode anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionMatch {
    Exactly(Decision),
    AnyTranscode,
}

impl DecisionMatch {
    /// The names filters accept: a decision's name, where `transcode` means any transcode.
    pub const NAMES: [&'static str; 5] =
        ["direct_play", "remux", "transcode_audio", "transcode_video", "transcode"];

    pub fn parse(s: &str) -> Option<Self> {
        match Decision::parse(s)? {
            Decision::Transcode => Some(Self::AnyTranscode),
            exact => Some(Self::Exactly(exact)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exactly(d) => d.as_str(),
            Self::AnyTranscode => "transcode",
        }
    }

    /// The decisions matched.
    pub fn decisions(self) -> Vec<Decision> {
        match self {
            Self::Exactly(d) => vec![d],
            Self::AnyTranscode => Decision::ALL.into_iter().filter(|d| d.transcodes()).collect(),
        }
    }

    pub fn matches(self, decision: Decision) -> bool {
        self.decisions().contains(&decision)
    }
}

/// What a reason forces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Remux,
    TranscodeAudio,
    TranscodeVideo,
}

/// Why a file cannot be played directly: a stable code, the stream it concerns (its global
/// index, as ffprobe numbers streams) and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// `container_not_supported`, `video_codec_not_supported` … (see `docs/playback.md`).
    pub code: String,
    pub stream: Option<u32>,
    pub text: String,
}

/// The decision for one file and one profile, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playback {
    pub decision: Decision,
    pub reasons: Vec<Reason>,
}

/// A constraint on one video codec a client decodes. Empty lists and `None` allow anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct VideoSupport {
    /// ffprobe's codec name (`h264`, `hevc`, `vp9`, `av1`).
    pub codec: String,
    /// Profiles as ffprobe names them (`High`, `Main 10`).
    pub profiles: Vec<String>,
    /// Highest `level` as ffprobe prints it (41 for H.264 4.1, 153 for HEVC 5.1).
    pub max_level: Option<i32>,
    pub max_bit_depth: Option<u8>,
    /// Chroma subsamplings (`420`, `422`, `444`).
    pub chroma: Vec<String>,
    /// Pixel formats accepted (`yuv420p`), for profiles that name them exactly.
    pub pix_fmts: Vec<String>,
    /// Dynamic ranges beside SDR (`hdr10`, `hdr10+`, `hlg`, `dolby_vision`).
    pub hdr: Vec<HdrKind>,
    pub interlaced: bool,
    pub max_width: Option<u32>,
    pub max_height: Option<u32>,
    pub max_frame_rate: Option<f64>,
    /// Bits per second of the video (or of the file, when the video's is unknown).
    pub max_bit_rate: Option<u64>,
    /// Codec tags accepted (`hvc1`, `avc1`); empty for any.
    pub codec_tags: Vec<String>,
}

/// A constraint on one audio codec a client decodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AudioSupport {
    pub codec: String,
    pub max_channels: Option<u32>,
    /// Profiles as ffprobe names them (`LC`, `HE-AAC`); empty for any.
    pub profiles: Vec<String>,
    /// Sample rates accepted; empty for any.
    pub sample_rates: Vec<u32>,
}

/// How a client shows image subtitles. Text subtitles never change a decision: a server sends
/// them beside the video (as WebVTT) without touching the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubtitleSupport {
    /// Whether image subtitles (PGS, VobSub, DVB) it cannot render must be burned into the video
    /// (a transcode). When false they are simply not shown.
    pub burn_in_images: bool,
    /// Image subtitle codecs the client renders itself.
    pub images: Vec<String>,
}

/// What a client plays without help.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientProfile {
    pub name: String,
    /// Where the profile's facts come from.
    pub source: String,
    /// Containers (`mp4`, `mov`, `matroska`, `webm`, `mpegts`, `avi`, `ogg`), as
    /// [`container_kind`] names them.
    pub containers: Vec<String>,
    pub video: Vec<VideoSupport>,
    pub audio: Vec<AudioSupport>,
    /// Whether a file without audio plays.
    pub allow_no_audio: bool,
    pub subtitles: SubtitleSupport,
}

/// The container of a file in the words profiles use: ffprobe's format name does not tell MP4
/// from MOV, nor Matroska from WebM (each pair shares a demuxer), so the file's extension
/// decides within a pair.
pub fn container_kind(format_name: &str, path: &Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let first = format_name.split(',').next().unwrap_or_default();
    match first {
        "mov" => if ext == "mov" || ext == "qt" { "mov" } else { "mp4" }.to_owned(),
        "matroska" => if ext == "webm" { "webm" } else { "matroska" }.to_owned(),
        other => other.to_owned(),
    }
}

/// Everything a rule may look at.
#[derive(Debug)]
pub struct Subject<'a> {
    pub info: &'a MediaInfo,
    /// The file's container in profile words ([`container_kind`]); `None` when unknown.
    pub container: Option<String>,
    pub profile: &'a ClientProfile,
}

impl Subject<'_> {
    /// The audio stream a player picks: the default one, else the first.
    pub fn audio(&self) -> Option<&crate::streams::AudioStream> {
        self.info.audio.iter().find(|a| a.default).or_else(|| self.info.audio.first())
    }

    /// The subtitle stream shown without asking: a forced one, else a default one.
    pub fn subtitle(&self) -> Option<&crate::streams::SubtitleStream> {
        self.info
            .subtitles
            .iter()
            .find(|s| s.forced)
            .or_else(|| self.info.subtitles.iter().find(|s| s.default))
    }

    /// The profile's support for the video's codec, if any.
    pub fn video_support(&self) -> Option<&VideoSupport> {
        let video = self.info.video.as_ref()?;
        self.profile.video.iter().find(|v| v.codec.eq_ignore_ascii_case(&video.codec))
    }

    /// The profile's support for the judged audio stream's codec, if any.
    pub fn audio_support(&self) -> Option<&AudioSupport> {
        let audio = self.audio()?;
        self.profile.audio.iter().find(|a| a.codec.eq_ignore_ascii_case(&audio.codec))
    }
}

/// Decides how `profile` plays the file at `path` whose probe result is `info`.
pub fn decide(info: &MediaInfo, path: &Path, profile: &ClientProfile) -> Playback {
    let subject =
        Subject { info, container: info.container.as_deref().map(|c| container_kind(c, path)), profile };
    let mut reasons = Vec::new();
    let (mut remux, mut audio, mut video) = (false, false, false);
    for rule in RULES {
        if let Some(reason) = (rule.check)(&subject) {
            match rule.effect {
                Effect::Remux => remux = true,
                Effect::TranscodeAudio => audio = true,
                Effect::TranscodeVideo => video = true,
            }
            reasons.push(reason);
        }
    }
    let decision = match (video, audio, remux) {
        (true, true, _) => Decision::Transcode,
        (true, false, _) => Decision::TranscodeVideo,
        (false, true, _) => Decision::TranscodeAudio,
        (false, false, true) => Decision::Remux,
        (false, false, false) => Decision::DirectPlay,
    };
    Playback { decision, reasons }
}

/// The profiles files are judged against — the built-in ones and those configured — and the
/// name of the one `compatibility` follows. Cheap to clone.
#[derive(Debug, Clone, PartialEq)]
pub struct Profiles {
    all: Arc<[ClientProfile]>,
    main: String,
}

impl Default for Profiles {
    /// The built-in profiles, with `compatibility` following `browser`.
    fn default() -> Self {
        Self::new(BUILT_IN.iter().filter_map(|n| builtin(n)).collect(), "browser")
            .unwrap_or_else(|| Self { all: Arc::from(Vec::new()), main: "browser".to_owned() })
    }
}

impl Profiles {
    /// `profiles`, with `compatibility` following `main`; `None` when no profile has that name.
    pub fn new(profiles: Vec<ClientProfile>, main: &str) -> Option<Self> {
        profiles.iter().any(|p| p.name == main).then(|| Self { all: profiles.into(), main: main.to_owned() })
    }

    /// The same profiles, with `compatibility` following `main`.
    pub fn with_main(&self, main: &str) -> Option<Self> {
        self.get(main).map(|_| Self { all: self.all.clone(), main: main.to_owned() })
    }

    pub fn all(&self) -> &[ClientProfile] {
        &self.all
    }

    pub fn main(&self) -> &str {
        &self.main
    }

    pub fn get(&self, name: &str) -> Option<&ClientProfile> {
        self.all.iter().find(|p| p.name == name)
    }

    /// Identifies what decisions made with these profiles depend on: every profile's definition,
    /// the main profile, and the version of the rules. A stored decision made under another
    /// fingerprint is stale, and the next scan of its folder makes it again from the stored
    /// streams (no probing).
    pub fn fingerprint(&self) -> u64 {
        let mut hash = crate::hash::SEED;
        crate::hash::fnv(&mut hash, &rules::VERSION.to_le_bytes());
        crate::hash::fnv(&mut hash, self.main.as_bytes());
        for profile in self.all.iter() {
            crate::hash::fnv(&mut hash, &[0]);
            crate::hash::fnv(&mut hash, format!("{profile:?}").as_bytes());
        }
        hash
    }

    /// Decisions for every profile, by name.
    pub fn decide(&self, info: &MediaInfo, path: &Path) -> BTreeMap<String, Playback> {
        self.all.iter().map(|p| (p.name.clone(), decide(info, path, p))).collect()
    }

    /// The verdict of the main profile as `compatibility`: compatible when it plays directly,
    /// with the reasons' sentences.
    pub fn compatibility(playback: &BTreeMap<String, Playback>, main: &str) -> Option<Compatibility> {
        let playback = playback.get(main)?;
        Some(Compatibility {
            compatible: playback.decision == Decision::DirectPlay,
            reasons: playback.reasons.iter().map(|r| r.text.clone()).collect(),
        })
    }
}

/// Whether a client plays a file directly, in the library's profile, and if not every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compatibility {
    pub compatible: bool,
    /// Every reason the file is not played directly, as sentences; empty when compatible.
    pub reasons: Vec<String>,
}

#[cfg(test)]
mod tests;
