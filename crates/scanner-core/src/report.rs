//! The library report: how much there is of each container, codec, resolution, dynamic range
//! and audio format, and what every client profile needs to play it.
//!
//! The keys a file is counted under are computed here, once, when it is stored
//! ([`ReportKeys`]): catalogs keep them as plain columns and group by them in SQL.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::media::MediaInfo;
use crate::playback::{Playback, container_kind};

/// How many files, how many bytes and how many seconds of playback.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub files: u64,
    pub bytes: u64,
    /// Seconds of playback (files of unknown duration add nothing).
    pub secs: f64,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.files += other.files;
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.secs += other.secs;
    }
}

/// How many files one reason code concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonCount {
    pub code: String,
    pub files: u64,
}

/// One profile's decisions over the library.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileReport {
    /// By decision (`direct_play`, `remux`, `transcode_audio`, `transcode_video`, `transcode`);
    /// the decisions add up to the report's `files`.
    pub decisions: BTreeMap<String, Tally>,
    /// Every reason code met, most frequent first (then by code), with the files it concerns.
    pub top_reasons: Vec<ReasonCount>,
}

/// The report's groupings, by name.
pub const DIMENSIONS: [&str; 6] =
    ["container", "video_codec", "resolution", "hdr", "audio_codec", "audio_channels"];

/// The key of a file whose value in a dimension is unknown.
pub const UNKNOWN: &str = "unknown";

/// The library at a glance. `files`, `bytes` and `secs` count the probed files present
/// (status `ok`); `failed` and `missing` count the others apart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LibraryReport {
    pub files: u64,
    pub bytes: u64,
    pub secs: f64,
    /// Files that could not be probed.
    pub failed: u64,
    /// Files a completed scan did not find.
    pub missing: u64,
    /// For each grouping — `container`, `video_codec`, `resolution` (`sd`, `720p`, `1080p`,
    /// `1440p`, `2160p`, `4320p`), `hdr`, `audio_codec`, `audio_channels` — the files by value
    /// (`unknown` where it is not known).
    pub by: BTreeMap<String, BTreeMap<String, Tally>>,
    /// For each profile, its decisions and reasons.
    pub profiles: BTreeMap<String, ProfileReport>,
}

/// What a file is counted under in each of [`DIMENSIONS`] (`None`: unknown).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportKeys {
    /// The container in profile words ([`container_kind`]: `mp4`, `mov`, `matroska`, `webm` …).
    pub container: Option<String>,
    pub video_codec: Option<String>,
    /// The resolution class ([`crate::VideoStream::resolution`]).
    pub resolution: Option<&'static str>,
    /// The video's dynamic range (`None` without video).
    pub hdr: Option<&'static str>,
    /// The judged audio stream's codec and channels: the default one, else the first.
    pub audio_codec: Option<String>,
    pub audio_channels: Option<u32>,
}

impl ReportKeys {
    pub fn of(info: &MediaInfo, path: &Path) -> Self {
        let video = info.video.as_ref();
        let audio = info.audio.iter().find(|a| a.default).or_else(|| info.audio.first());
        Self {
            container: info.container.as_deref().map(|c| container_kind(c, path)),
            video_codec: video.map(|v| v.codec.clone()),
            resolution: video.and_then(|v| v.resolution()),
            hdr: video.map(|v| v.hdr.as_str()),
            audio_codec: audio.map(|a| a.codec.clone()),
            audio_channels: audio.and_then(|a| a.channels),
        }
    }

    /// The keys by dimension, in the order of [`DIMENSIONS`], `unknown` for what is not known.
    pub fn values(&self) -> [String; 6] {
        let or_unknown = |v: Option<&str>| v.unwrap_or(UNKNOWN).to_owned();
        [
            or_unknown(self.container.as_deref()),
            or_unknown(self.video_codec.as_deref()),
            or_unknown(self.resolution),
            or_unknown(self.hdr),
            or_unknown(self.audio_codec.as_deref()),
            self.audio_channels.map_or_else(|| UNKNOWN.to_owned(), |c| c.to_string()),
        ]
    }
}

/// Orders reason counts most frequent first, then by code.
pub fn rank_reasons(counts: BTreeMap<String, u64>) -> Vec<ReasonCount> {
    let mut ranked: Vec<ReasonCount> =
        counts.into_iter().map(|(code, files)| ReasonCount { code, files }).collect();
    ranked.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.code.cmp(&b.code)));
    ranked
}

/// Every profile's decision and reason codes as one short text
/// (`browser=remux:container_not_supported;hls=transcode:…`): catalogs store it beside the
/// report's keys and group by it, so that the whole report is one grouped query.
pub fn playback_key(playback: &BTreeMap<String, Playback>) -> String {
    let mut key = String::new();
    for (name, decision) in playback {
        if !key.is_empty() {
            key.push(';');
        }
        key.push_str(name);
        key.push('=');
        key.push_str(decision.decision.as_str());
        key.push(':');
        let mut codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        key.push_str(&codes.join(","));
    }
    key
}

/// One profile's part of a [`playback_key`]: its name, decision and distinct reason codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart<'a> {
    pub profile: &'a str,
    pub decision: &'a str,
    pub codes: Vec<&'a str>,
}

/// Reads a [`playback_key`] back; malformed parts are skipped.
pub fn parse_playback_key(key: &str) -> impl Iterator<Item = KeyPart<'_>> {
    key.split(';').filter_map(|part| {
        let (profile, rest) = part.split_once('=')?;
        let (decision, codes) = rest.split_once(':')?;
        Some(KeyPart { profile, decision, codes: codes.split(',').filter(|c| !c.is_empty()).collect() })
    })
}

/// Adds to `report` the files of one group: `tally` counted under `keys` (in the order of
/// [`DIMENSIONS`]) and under every profile's decision in `playback_key`; reason codes are
/// counted into `reasons` (profile → code → files) for [`finish`].
pub fn add_group(
    report: &mut LibraryReport,
    reasons: &mut BTreeMap<String, BTreeMap<String, u64>>,
    keys: [String; 6],
    playback_key: &str,
    tally: Tally,
) {
    report.files += tally.files;
    report.bytes = report.bytes.saturating_add(tally.bytes);
    report.secs += tally.secs;
    for (dimension, key) in DIMENSIONS.iter().zip(keys) {
        report.by.entry((*dimension).to_owned()).or_default().entry(key).or_default().add(tally);
    }
    for part in parse_playback_key(playback_key) {
        let profile = report.profiles.entry(part.profile.to_owned()).or_default();
        profile.decisions.entry(part.decision.to_owned()).or_default().add(tally);
        let codes = reasons.entry(part.profile.to_owned()).or_default();
        for code in part.codes {
            *codes.entry(code.to_owned()).or_default() += tally.files;
        }
    }
}

/// Ranks the reason counts gathered by [`add_group`] into each profile's `top_reasons`.
pub fn finish(report: &mut LibraryReport, reasons: BTreeMap<String, BTreeMap<String, u64>>) {
    for (name, codes) in reasons {
        if let Some(profile) = report.profiles.get_mut(&name) {
            profile.top_reasons = rank_reasons(codes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::{Decision, Reason};

    #[test]
    fn a_playback_key_reads_back() {
        let reason = |code: &str| Reason { code: code.into(), stream: Some(0), text: String::new() };
        let mut playback = BTreeMap::new();
        playback.insert(
            "hls".to_owned(),
            Playback { decision: Decision::Remux, reasons: vec![reason("b"), reason("a"), reason("b")] },
        );
        playback.insert("tv".to_owned(), Playback { decision: Decision::DirectPlay, reasons: vec![] });
        let key = playback_key(&playback);
        assert_eq!(key, "hls=remux:a,b;tv=direct_play:");
        let parts: Vec<KeyPart<'_>> = parse_playback_key(&key).collect();
        assert_eq!(parts[0], KeyPart { profile: "hls", decision: "remux", codes: vec!["a", "b"] });
        assert_eq!(parts[1], KeyPart { profile: "tv", decision: "direct_play", codes: vec![] });
        assert_eq!(parse_playback_key("").count(), 0);
        assert_eq!(parse_playback_key("garbage;x=y").count(), 0);
    }
}
