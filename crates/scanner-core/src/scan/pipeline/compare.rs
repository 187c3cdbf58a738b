//! The compare stage: each listed directory's files against its catalog rows.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc;

use super::{Job, ScanJob, Shared, Write, retrying};
use crate::hash::fnv;
use crate::media::{CatalogEntry, FileStat, MediaStatus};
use crate::ports::{Absent, DirListing, DirSummary, SeenDir};
use crate::scan::progress::Change;

/// Sends `value` unless the scan is stopping; false when the stage should end.
async fn send<T>(shared: &Shared, tx: &mpsc::Sender<T>, value: T) -> bool {
    tokio::select! {
        biased;
        _ = shared.stop.cancelled() => false,
        sent = tx.send(value) => sent.is_ok(),
    }
}

/// What to do with one file found on disk, given its catalog row.
fn classify(job: &ScanJob, file: &FileStat, known: Option<&CatalogEntry>) -> Option<Change> {
    let Some(entry) = known else { return Some(Change::New) };
    let changed = job.options.force
        || entry.status == MediaStatus::Missing
        || !entry.matches(file)
        || entry.probed_before_current_fields();
    if changed {
        return Some(Change::Changed);
    }
    match entry.status {
        MediaStatus::Failed if job.options.retry_failed => Some(Change::Changed),
        MediaStatus::Failed => {
            job.state.still_failed(Change::Unchanged);
            None
        }
        _ => {
            job.state.succeeded(Change::Unchanged);
            None
        }
    }
}

/// Directories compared with one catalog query.
pub(crate) const DIRS_PER_QUERY: usize = 32;

/// The signature of a folder's video files and sidecars: their names, sizes, modification
/// times and inodes, in name order.
///
/// The version of the probes' fields is part of it: when probes report more, every folder's
/// stored summary stops matching, its files are compared one by one, and those probed under an
/// older version are probed again — once, by whichever scan meets them first. Sidecars are part
/// of it so that a subtitle, `.nfo` or image added, changed or removed sends the folder down
/// the file-by-file path, where each video's own sidecar signature decides.
fn signature(files: &[FileStat], sidecars: &[FileStat]) -> u64 {
    let mut sorted: Vec<&FileStat> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hash = crate::hash::SEED;
    fnv(&mut hash, &crate::media::PROBE_FIELDS_VERSION.to_le_bytes());
    for file in sorted {
        fnv(&mut hash, file.path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
        fnv(&mut hash, &[0]);
        fnv(&mut hash, &file.size.to_le_bytes());
        fnv(&mut hash, &file.modified.timestamp_nanos_opt().unwrap_or_default().to_le_bytes());
        if let Some(identity) = file.identity {
            fnv(&mut hash, &identity.device.to_le_bytes());
            fnv(&mut hash, &identity.inode.to_le_bytes());
        }
    }
    if !sidecars.is_empty() {
        let mut sorted: Vec<&FileStat> = sidecars.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        fnv(&mut hash, b"sidecars");
        sorted.into_iter().for_each(|file| crate::sidecar::fold(&mut hash, file));
    }
    hash
}

/// Compares listed directories with the catalog. A directory whose signature matches its
/// summary is unchanged as a whole: counted, nothing read. The others are compared file by
/// file: new and changed files go to the probes, unchanged ones are only counted, rows whose
/// file is gone are marked absent. Every directory is marked seen, with a fresh summary when
/// the catalog matches it. Directories waiting in the channel are taken together, up to
/// [`DIRS_PER_QUERY`], and read from the catalog with one query.
pub(crate) async fn compare_stage(
    job: &ScanJob,
    shared: &Shared,
    mut dirs: mpsc::Receiver<DirListing>,
    jobs: mpsc::Sender<Job>,
    writes: mpsc::Sender<Write>,
) {
    let (mut reads, mut queries, mut fast) = (std::time::Duration::ZERO, 0u32, 0u32);
    let trust_summaries = !job.options.force && !job.options.retry_failed;
    while let Some(first) = tokio::select! {
        biased;
        _ = shared.stop.cancelled() => None,
        listing = dirs.recv() => listing,
    } {
        let mut listings = vec![first];
        while listings.len() < DIRS_PER_QUERY
            && let Ok(more) = dirs.try_recv()
        {
            listings.push(more);
        }
        let reading = std::time::Instant::now();
        let paths: Vec<PathBuf> = listings.iter().map(|l| l.path.clone()).collect();
        let summaries: HashMap<PathBuf, DirSummary> = if trust_summaries {
            match retrying(job, "cannot read the catalog", || job.repo.dir_summaries(paths.clone())).await {
                Ok(summaries) => summaries.into_iter().collect(),
                Err(message) => return shared.fatal.raise(message),
            }
        } else {
            HashMap::new()
        };
        let mut slow = Vec::new();
        for listing in listings {
            let wanted: Vec<FileStat> =
                listing.files.into_iter().filter(|f| job.options.walk.extensions.matches(&f.path)).collect();
            job.state.found(wanted.len() as u64);
            let sig = signature(&wanted, &listing.sidecars);
            match summaries.get(&listing.path) {
                Some(summary) if summary.signature == sig && summary.files == wanted.len() as u64 => {
                    fast += 1;
                    job.state.unchanged_as_a_whole(summary.files, summary.failed);
                    let seen = SeenDir { path: listing.path, summary: Some(*summary) };
                    if !send(shared, &writes, Write::SeenDir(seen)).await {
                        return;
                    }
                }
                _ => slow.push((listing.path, wanted, sig, listing.sidecars)),
            }
        }
        if slow.is_empty() {
            reads += reading.elapsed();
            continue;
        }
        let slow_paths: Vec<PathBuf> = slow.iter().map(|(p, ..)| p.clone()).collect();
        let read =
            retrying(job, "cannot read the catalog", || job.repo.entries_in_dirs(slow_paths.clone())).await;
        reads += reading.elapsed();
        queries += 1;
        let mut by_dir: HashMap<PathBuf, HashMap<PathBuf, CatalogEntry>> = HashMap::new();
        match read {
            Ok(entries) => {
                for entry in entries {
                    let dir = entry.path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
                    by_dir.entry(dir).or_default().insert(entry.path.clone(), entry);
                }
            }
            Err(message) => return shared.fatal.raise(message),
        }
        for (path, wanted, signature, sidecars) in slow {
            let known = by_dir.remove(&path).unwrap_or_default();
            let (wanted, unsettled) = settled(job, wanted);
            let folder = Folder { path, wanted, signature, known, sidecars, unsettled };
            if !compare_dir(job, shared, folder, &jobs, &writes).await {
                return;
            }
        }
    }
    tracing::debug!(
        queries,
        whole_dirs_unchanged = fast,
        reading_ms = reads.as_millis() as u64,
        "compare done"
    );
    if !shared.stop.is_cancelled() {
        // Every listing is counted: `total_files` is final.
        job.state.walk_done();
    }
}

/// A listed folder whose summary did not match: its video files and catalog rows.
struct Folder {
    path: PathBuf,
    wanted: Vec<FileStat>,
    signature: u64,
    known: HashMap<PathBuf, CatalogEntry>,
    sidecars: Vec<FileStat>,
    /// Files still being written, left for a later scan.
    unsettled: Vec<PathBuf>,
}

/// How far in the future a modification time may lie and still count as a clock's skew (a
/// file stamped later than that would otherwise wait for ever).
const FUTURE_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Splits `files` into those that have stopped changing and those modified within the scan's
/// `settle` time (the latter only by path): a file being copied is probed once, after the copy.
fn settled(job: &ScanJob, files: Vec<FileStat>) -> (Vec<FileStat>, Vec<PathBuf>) {
    let Some(settle) = job.options.settle.and_then(|s| chrono::TimeDelta::from_std(s).ok()) else {
        return (files, Vec::new());
    };
    let now = crate::media::now();
    let (ready, waiting): (Vec<FileStat>, Vec<FileStat>) =
        files.into_iter().partition(|f| f.modified + settle <= now || f.modified > now + FUTURE_SKEW);
    if !waiting.is_empty() {
        job.state.defer(waiting.len() as u64);
    }
    (ready, waiting.into_iter().map(|f| f.path).collect())
}

/// In a scan that waits for files to settle, takes the new and changed files some process
/// still holds open for writing (a download paused mid-file has a steady size and mtime) out
/// of `to_probe`, deferred to a later scan like files modified within the settle time. True
/// when any was.
async fn held_open(job: &ScanJob, to_probe: &mut Vec<Job>) -> bool {
    if job.options.settle.is_none() {
        return false;
    }
    let candidates: Vec<PathBuf> =
        to_probe.iter().filter(|j| j.reprobe).map(|j| j.file.path.clone()).collect();
    if candidates.is_empty() {
        return false;
    }
    let open = job.source.open_for_writing(candidates).await;
    if open.is_empty() {
        return false;
    }
    tracing::debug!(files = open.len(), "held open for writing: left for a later scan");
    to_probe.retain(|j| !open.contains(&j.file.path));
    job.state.defer(open.len() as u64);
    true
}

/// Compares one folder file by file: new and changed files go to the probes, unchanged ones
/// are counted, rows whose file is gone are marked absent, and the folder is marked seen (with
/// a summary when the catalog will match it). Returns false when the scan is stopping.
async fn compare_dir(
    job: &ScanJob,
    shared: &Shared,
    folder: Folder,
    jobs: &mpsc::Sender<Job>,
    writes: &mpsc::Sender<Write>,
) -> bool {
    let Folder { path, wanted, signature, mut known, sidecars, unsettled } = folder;
    // A file still being written is neither probed nor absent; its folder gets no summary, so
    // the next scan looks at it again.
    for waiting in &unsettled {
        known.remove(waiting);
    }
    let files = wanted.len() as u64;
    let mut failed = 0u64;
    let mut to_probe = Vec::new();
    let assigned = crate::sidecar::assign(&path, &wanted, &sidecars);
    for (file, own) in wanted.into_iter().zip(assigned) {
        let entry = known.remove(&file.path);
        let sidecars_signature = crate::sidecar::signature(&own);
        let own: Vec<FileStat> = own.into_iter().cloned().collect();
        match classify(job, &file, entry.as_ref()) {
            Some(change) => to_probe.push(Job { file, change, known: entry, sidecars: own, reprobe: true }),
            // Unchanged, but its sidecars are not what the catalog read: read them again (the
            // rewritten row counts towards the folder's failed files, if it is one).
            None if entry.as_ref().is_some_and(|e| e.sidecar_signature != sidecars_signature) => to_probe
                .push(Job { file, change: Change::Unchanged, known: entry, sidecars: own, reprobe: false }),
            None => failed += u64::from(entry.is_some_and(|e| e.status == MediaStatus::Failed)),
        }
    }
    let held_open = held_open(job, &mut to_probe).await;
    let mut absent = 0u64;
    for (gone, entry) in known {
        if entry.status != MediaStatus::Missing {
            absent += 1;
            if !send(shared, writes, Write::Absent(Absent { id: entry.id, path: gone })).await {
                return false;
            }
        }
    }
    // A summary only ever describes the catalog as stored: a folder the catalog matches gets
    // it now; one whose only changes are files to probe gets it with the last of them (the
    // store stage counts them down); one with absent files gets it at a later scan, once they
    // are marked missing.
    let summary = DirSummary { signature, files, failed };
    let write = match (to_probe.len() as u64, absent) {
        _ if !unsettled.is_empty() || held_open => Write::SeenDir(SeenDir { path, summary: None }),
        (0, 0) => Write::SeenDir(SeenDir { path, summary: Some(summary) }),
        (outstanding, 0) => Write::Awaiting { path, summary, outstanding },
        _ => Write::SeenDir(SeenDir { path, summary: None }),
    };
    if !send(shared, writes, write).await {
        return false;
    }
    for next in to_probe {
        if !send(shared, jobs, next).await {
            return false;
        }
    }
    true
}
