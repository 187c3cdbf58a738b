//! Sidecars in a scan: read the few bytes the rules need, and put what they say into a record.
//! A video whose sidecars changed while it did not is rewritten from its stored record, never
//! probed again.

use std::path::Path;

use tracing::debug;

use super::{Job, ScanJob, Write};
use crate::media::{FileStat, MediaRecord, MediaStatus, now};
use crate::playback::Profiles;
use crate::ports::FileSourceError;
use crate::sidecar::{self, Read};

/// Reads `sidecars` of `video` and builds what they say; problems become scan warnings.
async fn load(
    job: &ScanJob,
    video: &Path,
    season: Option<u32>,
    sidecars: &[FileStat],
) -> sidecar::SidecarData {
    let mut read = Vec::with_capacity(sidecars.len());
    for file in sidecars {
        let bytes = match sidecar::bytes_needed(&file.path) {
            Some(limit) => Some(job.source.read_head(file.path.clone(), limit).await.map_err(|e| match e {
                FileSourceError::Unreadable { message, .. } => format!("cannot read: {message}"),
                other => other.to_string(),
            })),
            None => None,
        };
        read.push(Read { path: file.path.clone(), bytes });
    }
    let data = sidecar::build(video, season, read);
    for warning in &data.warnings {
        job.state.warn(warning.clone());
    }
    data
}

/// Puts what `sidecars` say into `record`: its external subtitles replace the stored ones (the
/// streams inside the file stay), its metadata and artwork replace the stored ones.
pub(crate) async fn attach(job: &ScanJob, record: &mut MediaRecord, sidecars: &[FileStat]) {
    let refs: Vec<&FileStat> = sidecars.iter().collect();
    let data = load(job, &record.path, record.parsed.season, sidecars).await;
    record.info.subtitles.retain(|s| !s.external);
    record.info.subtitles.extend(data.subtitles);
    record.metadata = data.metadata;
    record.artwork = data.artwork;
    record.sidecar_signature = sidecar::signature(&refs);
}

/// An unchanged video whose sidecars changed: its stored record with the new sidecars, and
/// its playback decided again (external subtitles take part in it). `Unstored` when the row is
/// gone meanwhile.
pub(crate) async fn refresh(job: &ScanJob, next: Job) -> Result<Write, String> {
    let Job { file, known, sidecars, .. } = next;
    let Some(id) = known.map(|k| k.id) else { return Ok(Write::Unstored(file.path)) };
    let stored = super::retrying(job, "cannot read the catalog", || job.repo.records(vec![id])).await?;
    let Some(mut record) = stored.into_iter().next() else { return Ok(Write::Unstored(file.path)) };
    attach(job, &mut record, &sidecars).await;
    record.last_scanned_at = now();
    if record.status == MediaStatus::Ok {
        let profiles = &job.options.profiles;
        record.playback = profiles.decide(&record.info, &record.path);
        record.compatibility = Profiles::compatibility(&record.playback, profiles.main());
        record.decided_with = Some(job.fingerprint);
    }
    debug!(path = %record.path.display(), "sidecars read again");
    Ok(Write::Upsert(Box::new(record)))
}
