//! The probe stage: new and changed files, `probe_concurrency` at a time. A new file that is a
//! catalogued file moved or renamed takes over that file's row without a probe.

use std::path::Path;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::{Job, ScanJob, Shared, Write, retrying};
use crate::media::{MediaId, MediaInfo, MediaRecord, MediaStatus, now};
use crate::parse;
use crate::playback::Profiles;
use crate::ports::{MediaMove, ProbeError, error_chain};
use crate::scan::progress::Change;

/// How many catalog rows of the same size and time are checked as the origin of a move.
const MOVE_CANDIDATES: u64 = 8;

enum Probed {
    Write(Write),
    Fatal(String),
}

pub(crate) async fn probe_stage(
    job: &ScanJob,
    shared: &Shared,
    mut jobs: mpsc::Receiver<Job>,
    writes: mpsc::Sender<Write>,
) {
    let concurrency = job.config.probe_concurrency.max(1);
    let root_name = job.state.root.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut in_flight = FuturesUnordered::new();
    let mut input_open = true;
    loop {
        if !input_open && in_flight.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            _ = shared.stop.cancelled() => break,
            Some(outcome) = in_flight.next(), if !in_flight.is_empty() => match outcome {
                Probed::Write(write) => if writes.send(write).await.is_err() { break },
                Probed::Fatal(message) => {
                    shared.fatal.raise(message);
                    break;
                }
            },
            next = jobs.recv(), if input_open && in_flight.len() < concurrency => match next {
                Some(next) => in_flight.push(handle(job, shared, next, root_name.as_deref())),
                None => input_open = false,
            },
        }
    }
    // Dropping `in_flight` drops the probes still running; adapters kill their processes.
}

fn parse_relative(root: &Path, path: &Path, root_name: Option<&str>) -> parse::ParsedName {
    let relative = path.strip_prefix(root).unwrap_or(path);
    parse::parse_path_in(relative, root_name)
}

async fn handle(job: &ScanJob, shared: &Shared, next: Job, root_name: Option<&str>) -> Probed {
    job.state.working_on(&next.file.path);
    if !next.reprobe {
        return match super::sidecars::refresh(job, next).await {
            Ok(write) => Probed::Write(write),
            Err(message) => Probed::Fatal(message),
        };
    }
    let parsed = parse_relative(&job.state.root, &next.file.path, root_name);
    if next.change == Change::New && shared.moves_possible {
        match moved_from(job, shared, &next).await {
            Ok(Some(from)) => {
                let ok = from.status != MediaStatus::Failed;
                let sidecars = !next.sidecars.is_empty() || from.sidecar_signature.is_some();
                if ok {
                    job.state.succeeded(Change::Moved);
                } else {
                    job.state.still_failed(Change::Moved);
                }
                debug!(from = %from.path.display(), to = %next.file.path.display(), "file moved");
                let moved = Box::new(MediaMove {
                    id: from.id,
                    from: from.path,
                    file: next.file,
                    library: job.state.library.clone(),
                    parsed,
                    seen_at: now(),
                });
                return Probed::Write(Write::Move { moved, failed: !ok, sidecars });
            }
            Ok(None) => {}
            Err(message) => return Probed::Fatal(message),
        }
    }
    probe_file(job, next, parsed).await
}

/// The catalog row `next` was moved from, if any: same size and modification time, the same
/// device and inode where both are known, the same content fingerprint, and no file at the
/// row's path any more.
async fn moved_from(
    job: &ScanJob,
    shared: &Shared,
    next: &Job,
) -> Result<Option<crate::CatalogEntry>, String> {
    let file = &next.file;
    let candidates = retrying(job, "cannot look for moved files", || {
        job.repo.entries_like(file.size, file.modified, MOVE_CANDIDATES)
    })
    .await?;
    let mut fingerprint = None;
    for candidate in candidates {
        if candidate.path == file.path || candidate.fingerprint.is_none() {
            continue;
        }
        if let (Some(a), Some(b)) = (candidate.identity, file.identity)
            && a != b
        {
            continue;
        }
        // Still there: a copy or a hard link, not a move.
        if !matches!(job.source.stat(candidate.path.clone()).await, Ok(None)) {
            continue;
        }
        if fingerprint.is_none() {
            fingerprint = job.source.fingerprint(file.path.clone()).await.ok();
        }
        if fingerprint.is_some() && candidate.fingerprint == fingerprint && shared.claim(candidate.id) {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

async fn probe_file(job: &ScanJob, next: Job, parsed: parse::ParsedName) -> Probed {
    let Job { file, change, known, sidecars, .. } = next;
    let result = job.probe.probe(file.path.clone()).await;
    let fingerprint = match &result {
        Ok(_) => job.source.fingerprint(file.path.clone()).await.ok(),
        Err(_) => None,
    };
    let now = now();
    let mut record = MediaRecord {
        id: known.as_ref().map_or_else(MediaId::new, |k| k.id),
        path: file.path,
        library: job.state.library.clone(),
        size_bytes: file.size,
        modified_at: file.modified,
        identity: file.identity,
        status: MediaStatus::Ok,
        error: None,
        info: MediaInfo::default(),
        parsed,
        overrides: Default::default(),
        compatibility: None,
        playback: Default::default(),
        first_seen_at: now,
        last_scanned_at: now,
        missing_since: None,
        metadata: None,
        artwork: Vec::new(),
        sidecar_signature: None,
        fingerprint,
        probe_version: 0,
        decided_with: None,
    };
    match result {
        Ok(info) => {
            if let Some(probe) = &info.probe {
                job.state.probed_by(probe);
            }
            record.probe_version = crate::media::PROBE_FIELDS_VERSION;
            record.info = info;
            super::sidecars::attach(job, &mut record, &sidecars).await;
            let profiles = &job.options.profiles;
            record.playback = profiles.decide(&record.info, &record.path);
            record.compatibility = Profiles::compatibility(&record.playback, profiles.main());
            record.decided_with = Some(job.fingerprint);
            debug!(path = %record.path.display(), kind = record.parsed.kind.as_str(), "file scanned");
            job.state.succeeded(change);
            Probed::Write(Write::Upsert(Box::new(record)))
        }
        Err(e) if e.is_fatal() => Probed::Fatal(error_chain(&e)),
        Err(ProbeError::NotFound) => {
            warn!(path = %record.path.display(), "file vanished before it could be probed");
            job.state.failed(change, &record.path, "file vanished before it could be probed");
            Probed::Write(Write::Unstored(record.path))
        }
        Err(e) => {
            let message = error_chain(&e);
            warn!(path = %record.path.display(), error = %message, "cannot probe file");
            job.state.failed(change, &record.path, &message);
            record.status = MediaStatus::Failed;
            record.error = Some(message);
            super::sidecars::attach(job, &mut record, &sidecars).await;
            Probed::Write(Write::Upsert(Box::new(record)))
        }
    }
}
