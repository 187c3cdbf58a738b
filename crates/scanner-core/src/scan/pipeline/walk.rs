//! The walk stage (directories from the file source) and the compare stage (each directory's
//! files against its catalog rows).

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc;
use tracing::warn;

use super::{Job, ScanJob, Shared, Write, retrying};
use crate::media::{CatalogEntry, FileStat, MediaStatus};
use crate::ports::{Absent, DirListing, WalkEvent, WalkStream};
use crate::scan::progress::Change;

/// Hands directory listings to the compare stage; records unreadable folders.
pub(crate) async fn walk_stage(
    job: &ScanJob,
    shared: &Shared,
    mut walk: WalkStream,
    dirs: mpsc::Sender<DirListing>,
) {
    loop {
        let event = tokio::select! {
            biased;
            _ = shared.stop.cancelled() => return,
            event = walk.next() => event,
        };
        match event {
            None => break,
            Some(WalkEvent::Directory(listing)) => {
                tokio::select! {
                    biased;
                    _ = shared.stop.cancelled() => return,
                    sent = dirs.send(listing) => if sent.is_err() { return },
                }
            }
            Some(WalkEvent::Unreadable { path, message }) => {
                warn!(path = %path.display(), error = %message, "cannot read");
                job.state.issue(&path, &format!("cannot read: {message}"));
                shared.unreadable(path);
            }
        }
    }
}

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
    let changed = job.options.force || entry.status == MediaStatus::Missing || !entry.matches(file);
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

/// Compares each listed directory with its catalog rows: new and changed files go to the
/// probes; unchanged ones are only counted; rows whose file is gone are marked absent; the
/// directory is marked seen.
pub(crate) async fn compare_stage(
    job: &ScanJob,
    shared: &Shared,
    mut dirs: mpsc::Receiver<DirListing>,
    jobs: mpsc::Sender<Job>,
    writes: mpsc::Sender<Write>,
) {
    while let Some(listing) = tokio::select! {
        biased;
        _ = shared.stop.cancelled() => None,
        listing = dirs.recv() => listing,
    } {
        let wanted: Vec<FileStat> =
            listing.files.into_iter().filter(|f| job.options.extensions.matches(&f.path)).collect();
        job.state.found(wanted.len() as u64);
        let dir = listing.path;
        let read = retrying(job, "cannot read the catalog", || job.repo.entries_in_dir(dir.clone())).await;
        let mut known: HashMap<PathBuf, CatalogEntry> = match read {
            Ok(entries) => entries.into_iter().map(|e| (e.path.clone(), e)).collect(),
            Err(message) => {
                shared.fatal.raise(message);
                return;
            }
        };
        for file in wanted {
            let entry = known.remove(&file.path);
            if let Some(change) = classify(job, &file, entry.as_ref())
                && !send(shared, &jobs, Job { file, change, known: entry }).await
            {
                return;
            }
        }
        for (path, entry) in known {
            if entry.status != MediaStatus::Missing
                && !send(shared, &writes, Write::Absent(Absent { id: entry.id, path })).await
            {
                return;
            }
        }
        if !send(shared, &writes, Write::SeenDir(dir)).await {
            return;
        }
    }
    if !shared.stop.is_cancelled() {
        // Every listing is counted: `total_files` is final.
        job.state.walk_done();
    }
}
