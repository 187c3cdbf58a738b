//! Concluding a completed walk: files the scan did not find are marked missing — unless the
//! library looks unmounted — and, if asked, pruned.

use tracing::info;

use super::{ScanJob, Shared, retrying};
use crate::media::now;
use crate::ports::MissingScope;

pub(crate) async fn conclude(job: &ScanJob, shared: &Shared) {
    if shared.fatal.raised() {
        return;
    }
    job.state.finishing();
    let root = job.state.root.clone();
    if let Err(e) = job.source.open_root(root.clone()).await {
        shared
            .fatal
            .raise(format!("the library folder vanished during the scan ({e}); nothing was marked missing"));
        return;
    }
    let Some(excluded) = shared.unreadable_folders() else {
        job.state.warn("too many folders could not be read: nothing was marked missing".to_owned());
        return;
    };
    if excluded.iter().any(|dir| root.starts_with(dir)) {
        job.state.warn(format!("{} could not be read: nothing was marked missing", root.display()));
        return;
    }
    let scope = MissingScope { scan: job.state.id, root: root.clone(), excluded };
    let count =
        match retrying(job, "cannot count missing files", || job.repo.missing_count(scope.clone())).await {
            Ok(count) => count,
            Err(message) => return shared.fatal.raise(message),
        };
    if count.candidates > 0 {
        let found = job.state.snapshot().total_files;
        if found == 0 {
            job.state.warn(format!(
                "{} has no video files but {} are catalogued: is it mounted? Nothing was marked missing",
                root.display(),
                count.catalogued
            ));
            return;
        }
        let limit = job.options.max_missing_share * count.catalogued as f64;
        if count.candidates as f64 > limit {
            job.state.warn(format!(
                "{} of {} catalogued files under {} vanished, more than {:.0}%: is the library complete? \
                 Nothing was marked missing",
                count.candidates,
                count.catalogued,
                root.display(),
                job.options.max_missing_share * 100.0
            ));
            return;
        }
        let at = now();
        match retrying(job, "cannot mark missing files", || job.repo.mark_missing(scope.clone(), at)).await {
            Ok(marked) => {
                info!(marked, "marked missing files");
                job.state.missing(marked);
            }
            Err(message) => return shared.fatal.raise(message),
        }
    }
    if job.options.prune {
        match retrying(job, "cannot prune missing files", || job.repo.prune_missing(root.clone())).await {
            Ok(pruned) => info!(pruned, "pruned missing files"),
            Err(message) => shared.fatal.raise(message),
        }
    }
}
