//! Core records ⇄ database rows.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ActiveValue::Set;

use scanner_core::ports::{Cause, RepoError};
use scanner_core::{
    AudioStream, Compatibility, FileIdentity, MediaId, MediaInfo, MediaKind, MediaRecord, MediaStatus,
    ParsedName, SubtitleStream, VideoStream,
};

use scanner_core::Playback;
use scanner_core::report::ReportKeys;
use std::collections::BTreeMap;

use crate::entity::media;
use crate::paths;

pub fn json<T: serde::Serialize>(value: &T) -> Result<String, RepoError> {
    serde_json::to_string(value).map_err(|e| RepoError::Database(Cause::new(e)))
}

fn from_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T, RepoError> {
    serde_json::from_str(text)
        .map_err(|e| RepoError::Corrupt { what: format!("column {column}"), source: Some(Cause::new(e)) })
}

/// Unsigned values above `i64::MAX` do not fit the signed columns; they are stored as their
/// two's complement bit pattern and read back the same way, so nothing is lost.
pub(crate) fn signed(n: u64) -> i64 {
    n as i64
}

pub(crate) fn unsigned(n: i64) -> u64 {
    n as u64
}

pub fn to_active(record: &MediaRecord) -> Result<media::ActiveModel, RepoError> {
    let modified_ns = record.modified_at.timestamp_nanos_opt().ok_or_else(|| {
        RepoError::InvalidInput(format!("modification time out of range: {}", record.modified_at))
    })?;
    let parsed = &record.parsed;
    let keys = ReportKeys::of(&record.info, &record.path);
    Ok(media::ActiveModel {
        id: Set(record.id.0),
        path: Set(paths::encode(&record.path)),
        dir: Set(paths::parent(&record.path)),
        size_bytes: Set(signed(record.size_bytes)),
        modified_ns: Set(modified_ns),
        device: Set(record.identity.map(|i| signed(i.device))),
        inode: Set(record.identity.map(|i| signed(i.inode))),
        status: Set(record.status.as_str().to_owned()),
        error: Set(record.error.clone()),
        container: Set(record.info.container.clone()),
        duration_secs: Set(record.info.duration_secs),
        bit_rate: Set(record.info.bit_rate.map(signed)),
        probe: Set(record.info.probe.clone()),
        video: Set(record.info.video.as_ref().map(json).transpose()?),
        audio: Set(json(&record.info.audio)?),
        subtitles: Set(json(&record.info.subtitles)?),
        parsed: Set(json(parsed)?),
        kind: Set(parsed.kind.as_str().to_owned()),
        show: Set(parsed.show.clone()),
        season: Set(parsed.season.map(|s| s as i32)),
        year: Set(parsed.year.map(i32::from)),
        title: Set(parsed.title.clone()),
        compatible: Set(record.compatibility.as_ref().map(|c| c.compatible)),
        reasons: Set(json(&record.compatibility.as_ref().map(|c| c.reasons.clone()).unwrap_or_default())?),
        first_seen_at: Set(micros(record.first_seen_at)),
        last_scanned_at: Set(micros(record.last_scanned_at)),
        library: Set(record.library.clone()),
        search_text: Set(search_text(parsed)),
        missing_since: Set(record.missing_since.map(micros)),
        fingerprint: Set(record.fingerprint.clone()),
        absent_scan: Set(None),
        chapters: Set(json(&record.info.chapters)?),
        cover_art: Set(record.info.cover_art),
        probe_version: Set(i32::try_from(record.probe_version).unwrap_or(i32::MAX)),
        playback: Set(json(&record.playback)?),
        playback_key: Set(playback_key(&record.playback)),
        decided_with: Set(record.decided_with.map(signed)),
        container_kind: Set(keys.container),
        video_codec: Set(keys.video_codec),
        hdr: Set(keys.hdr.map(str::to_owned)),
        resolution: Set(keys.resolution.map(str::to_owned)),
        audio_codec: Set(keys.audio_codec),
        audio_channels: Set(keys.audio_channels.and_then(|c| i32::try_from(c).ok())),
        metadata: Set(record.metadata.as_ref().map(json).transpose()?),
        artwork: Set(json(&record.artwork)?),
        sidecar_signature: Set(record.sidecar_signature.map(signed)),
        item_id: Set(item_id(parsed)),
    })
}

/// The `item_id` column of a file parsed as `parsed`.
pub(crate) fn item_id(parsed: &ParsedName) -> Option<String> {
    scanner_core::items::filed_under(parsed).map(|id| id.to_string())
}

/// The report's grouping text of `playback`; `None` when nothing was decided.
pub(crate) fn playback_key(playback: &BTreeMap<String, Playback>) -> Option<String> {
    (!playback.is_empty()).then(|| scanner_core::report::playback_key(playback))
}

/// Timestamps are kept to the microsecond, PostgreSQL's resolution, on every backend.
pub fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// What text search looks in: the show and the title, lower-cased by Unicode rules.
pub fn search_text(parsed: &ParsedName) -> Option<String> {
    let text =
        [parsed.show.as_deref(), parsed.title.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then(|| text.to_lowercase())
}

pub fn from_model(model: media::Model) -> Result<MediaRecord, RepoError> {
    let status = MediaStatus::parse(&model.status)
        .ok_or_else(|| RepoError::corrupt(format!("unknown status {:?}", model.status)))?;
    let video: Option<VideoStream> = model.video.as_deref().map(|v| from_json("video", v)).transpose()?;
    let audio: Vec<AudioStream> = from_json("audio", &model.audio)?;
    let subtitles: Vec<SubtitleStream> = from_json("subtitles", &model.subtitles)?;
    let mut parsed: ParsedName = from_json("parsed", &model.parsed)?;
    parsed.kind = MediaKind::parse(&model.kind).unwrap_or(parsed.kind);
    let reasons: Vec<String> = from_json("reasons", &model.reasons)?;
    let identity = match (model.device, model.inode) {
        (Some(device), Some(inode)) => {
            Some(FileIdentity { device: unsigned(device), inode: unsigned(inode) })
        }
        _ => None,
    };
    Ok(MediaRecord {
        id: MediaId(model.id),
        path: paths::decode(&model.path),
        library: model.library,
        size_bytes: unsigned(model.size_bytes),
        modified_at: DateTime::from_timestamp_nanos(model.modified_ns),
        identity,
        status,
        error: model.error,
        info: MediaInfo {
            container: model.container,
            duration_secs: model.duration_secs,
            bit_rate: model.bit_rate.map(unsigned),
            video,
            audio,
            subtitles,
            cover_art: model.cover_art,
            chapters: from_json("chapters", &model.chapters)?,
            probe: model.probe,
        },
        parsed,
        overrides: Default::default(),
        compatibility: model.compatible.map(|compatible| Compatibility { compatible, reasons }),
        first_seen_at: model.first_seen_at,
        last_scanned_at: model.last_scanned_at,
        missing_since: model.missing_since,
        metadata: model.metadata.as_deref().map(|m| from_json("metadata", m)).transpose()?,
        artwork: from_json("artwork", &model.artwork)?,
        sidecar_signature: model.sidecar_signature.map(unsigned),
        fingerprint: model.fingerprint,
        playback: from_json("playback", &model.playback)?,
        probe_version: u32::try_from(model.probe_version).unwrap_or_default(),
        decided_with: model.decided_with.map(unsigned),
    })
}
