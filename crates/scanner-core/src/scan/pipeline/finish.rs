//! Concluding a completed walk: files the scan did not find are marked missing — unless the
//! library looks unmounted — and, if asked, pruned; decisions made with other profiles are made
//! again.

use tracing::info;

use super::{ScanJob, Shared, retrying};
use crate::media::now;
use crate::playback::Profiles;
use crate::ports::{MissingCount, MissingScope, Redecision};

/// Records re-decided per transaction.
const REDECIDE_PAGE: u64 = 500;

/// Makes again, from the stored streams, the decisions of the files under the root that were
/// made with other profiles (a profile's definition, the library's main profile or the rules
/// changed since): page by page, each page in one transaction, without probing. Files this scan
/// probed are current already; when nothing changed this is one indexed query.
pub(crate) async fn redecide(job: &ScanJob, shared: &Shared) {
    let root = job.state.root.clone();
    let profiles = &job.options.profiles;
    let (mut after, mut total) = (None, 0u64);
    while !shared.stop.is_cancelled() {
        let read = || job.repo.undecided(root.clone(), job.fingerprint, after.clone(), REDECIDE_PAGE);
        let page = match retrying(job, "cannot read stale playback decisions", read).await {
            Ok(page) => page,
            Err(message) => return shared.fatal.raise(message),
        };
        let Some(last) = page.last() else { break };
        after = Some(last.path.clone());
        let full = page.len() as u64 == REDECIDE_PAGE;
        let decisions: Vec<Redecision> = page
            .into_iter()
            .map(|record| {
                let playback = profiles.decide(&record.info, &record.path);
                Redecision {
                    id: record.id,
                    was: record.decided_with,
                    compatibility: Profiles::compatibility(&playback, profiles.main()),
                    playback,
                }
            })
            .collect();
        let write = || job.repo.redecide(decisions.clone(), job.fingerprint);
        match retrying(job, "cannot store playback decisions", write).await {
            Ok(stored) => total += stored,
            Err(message) => return shared.fatal.raise(message),
        }
        if !full {
            break;
        }
    }
    if total > 0 {
        info!(files = total, "playback decisions made again with the current profiles");
    }
}

pub(crate) async fn conclude(job: &ScanJob, shared: &Shared) {
    if shared.fatal.raised() {
        return;
    }
    job.state.finishing();
    let root = job.state.root.clone();
    for folder in [Some(&root), job.state.library_root.as_ref()].into_iter().flatten() {
        if let Err(e) = job.source.open_root(folder.clone()).await {
            shared.fatal.raise(format!(
                "the library folder vanished during the scan ({e}); nothing was marked missing"
            ));
            return;
        }
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
        // A subtree scan judges by the whole library: a folder emptied by a delete is not an
        // unmounted library, and its share is of the library's files, not the folder's.
        let count = match &job.state.library_root {
            Some(library_root) => {
                let whole =
                    MissingScope { scan: job.state.id, root: library_root.clone(), excluded: Vec::new() };
                match retrying(job, "cannot count missing files", || job.repo.missing_count(whole.clone()))
                    .await
                {
                    Ok(library) => {
                        MissingCount { candidates: count.candidates, catalogued: library.catalogued }
                    }
                    Err(message) => return shared.fatal.raise(message),
                }
            }
            None => count,
        };
        if found == 0 && job.state.library_root.is_none() {
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
