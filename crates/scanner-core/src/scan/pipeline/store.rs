//! The store stage: writes in batches, one transaction per batch (at most `batch_size` writes,
//! and no write waits longer than `batch_delay`).

use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::debug;

use super::{ScanJob, Shared, Write, retrying};
use crate::ports::WriteBatch;

pub(crate) async fn store_stage(job: &ScanJob, shared: &Shared, mut writes: mpsc::Receiver<Write>) {
    let batch_size = job.config.batch_size.max(1);
    let mut batch = WriteBatch { scan: Some(job.state.id), ..WriteBatch::default() };
    let mut deadline: Option<Instant> = None;
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
            Write::Upsert(record) => batch.upserts.push(*record),
            Write::SeenDir(dir) => batch.seen_dirs.push(dir),
            Write::Absent(absent) => batch.absent.push(absent),
            Write::Move(moved) => batch.moves.push(*moved),
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
