//! The store stage: writes in batches, one transaction per batch (at most `batch_size` writes,
//! and no write waits longer than `batch_delay`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::debug;

use super::{ScanJob, Shared, Write, retrying};
use crate::media::MediaStatus;
use crate::ports::{DirSummary, SeenDir, WriteBatch};

/// Folders whose summary waits for their probed files. Bounded by the folders with files in
/// the probe stage's channels, not by the library.
#[derive(Default)]
struct Awaited(HashMap<PathBuf, (u64, DirSummary)>);

impl Awaited {
    /// Counts one stored file of `path`'s folder; returns the folder, seen with its summary,
    /// once it was the last.
    fn stored(&mut self, path: &Path, failed: bool) -> Option<SeenDir> {
        let dir = path.parent()?;
        let (outstanding, summary) = self.0.get_mut(dir)?;
        *outstanding -= 1;
        summary.failed += u64::from(failed);
        if *outstanding > 0 {
            return None;
        }
        let (dir, (_, summary)) = self.0.remove_entry(dir)?;
        Some(SeenDir { path: dir, summary: Some(summary) })
    }
}

/// Adds a seen folder to the batch, replacing an earlier entry for it (one statement may not
/// write a row twice).
fn see(batch: &mut WriteBatch, dir: SeenDir) {
    match batch.seen_dirs.iter_mut().find(|d| d.path == dir.path) {
        Some(earlier) => *earlier = dir,
        None => batch.seen_dirs.push(dir),
    }
}

pub(crate) async fn store_stage(job: &ScanJob, shared: &Shared, mut writes: mpsc::Receiver<Write>) {
    let batch_size = job.config.batch_size.max(1);
    let mut batch = WriteBatch { scan: Some(job.state.id), ..WriteBatch::default() };
    let mut deadline: Option<Instant> = None;
    let mut awaited = Awaited::default();
    loop {
        let next = match deadline {
            Some(at) => tokio::select! {
                write = writes.recv() => write,
                _ = tokio::time::sleep_until(at) => {
                    deadline = None;
                    if !flush(job, shared, &mut batch).await { return; }
                    continue;
                }
            },
            None => writes.recv().await,
        };
        let Some(write) = next else {
            // Every stage before this one is done (or stopped): what was probed is kept.
            flush(job, shared, &mut batch).await;
            return;
        };
        if batch.is_empty() {
            deadline = Some(Instant::now() + job.config.batch_delay);
        }
        match write {
            Write::Upsert(record) => {
                let done = awaited.stored(&record.path, record.status == MediaStatus::Failed);
                batch.upserts.push(*record);
                done.into_iter().for_each(|dir| see(&mut batch, dir));
            }
            Write::SeenDir(dir) => see(&mut batch, dir),
            Write::Awaiting { path, summary, outstanding } => {
                // Seen now, whatever becomes of its files: its rows are not missing.
                awaited.0.insert(path.clone(), (outstanding, summary));
                see(&mut batch, SeenDir { path, summary: None });
            }
            Write::Absent(absent) => batch.absent.push(absent),
            Write::Move { moved, failed, sidecars } => {
                // A moved row keeps the sidecars read at its old place: when the new place has
                // any, its folder gets no summary, so that the next scan compares it file by
                // file and reads them.
                let done = if sidecars {
                    moved.file.path.parent().and_then(|dir| awaited.0.remove(dir));
                    None
                } else {
                    awaited.stored(&moved.file.path, failed)
                };
                batch.moves.push(*moved);
                done.into_iter().for_each(|dir| see(&mut batch, dir));
            }
            Write::Unstored(path) => {
                if let Some(dir) = path.parent() {
                    awaited.0.remove(dir);
                }
            }
        }
        if batch.len() >= batch_size {
            deadline = None;
            if !flush(job, shared, &mut batch).await {
                return;
            }
        }
    }
}

/// Writes the batch, retrying while the database is briefly unavailable; on failure raises a
/// fatal error and returns false.
async fn flush(job: &ScanJob, shared: &Shared, batch: &mut WriteBatch) -> bool {
    if batch.is_empty() {
        return true;
    }
    let full = std::mem::replace(batch, WriteBatch { scan: Some(job.state.id), ..WriteBatch::default() });
    let count = full.len();
    let started = std::time::Instant::now();
    match retrying(job, &format!("cannot store {count} changes"), || job.repo.apply(full.clone())).await {
        Ok(()) => {
            debug!(count, elapsed_ms = started.elapsed().as_millis() as u64, "stored batch");
            true
        }
        Err(message) => {
            shared.fatal.raise(message);
            false
        }
    }
}
