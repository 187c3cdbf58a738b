//! The walk stage: directories from the file source, handed to the compare stage.

use tokio::sync::mpsc;
use tracing::warn;

use super::{ScanJob, Shared};
use crate::ports::{DirListing, WalkEvent, WalkStream};

/// Hands directory listings to the compare stage; records unreadable folders.
pub(crate) async fn walk_stage(
    job: &ScanJob,
    shared: &Shared,
    mut walk: WalkStream,
    dirs: mpsc::Sender<DirListing>,
) {
    let started = std::time::Instant::now();
    let mut waited = std::time::Duration::ZERO;
    loop {
        let event = tokio::select! {
            biased;
            _ = shared.stop.cancelled() => return,
            event = walk.next() => event,
        };
        match event {
            None => break,
            Some(WalkEvent::Directory(listing)) => {
                let sending = std::time::Instant::now();
                tokio::select! {
                    biased;
                    _ = shared.stop.cancelled() => return,
                    sent = dirs.send(listing) => if sent.is_err() { return },
                }
                waited += sending.elapsed();
            }
            Some(WalkEvent::Unreadable { path, message }) => {
                warn!(path = %path.display(), error = %message, "cannot read");
                job.state.issue(&path, &format!("cannot read: {message}"));
                shared.unreadable(path);
            }
            Some(WalkEvent::Warning { path, message }) => {
                job.state.warn(format!("{}: {message}", path.display()));
            }
        }
    }
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        waited_for_compare_ms = waited.as_millis() as u64,
        "walk done"
    );
}
