//! Which folders to scan, and when: changes are gathered per folder, a folder is due once
//! nothing under it has changed for the settle time, and bursts collapse into few scans.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::time::Instant;

use super::names::is_partial_download;

/// Dirty folders under one parent beyond which the parent is scanned instead.
pub const MAX_SIBLINGS: usize = 8;
/// Dirty folders in all beyond which the whole root is scanned instead.
pub const MAX_FOLDERS: usize = 256;
/// Folders due at one moment beyond which their closest common folder is scanned once.
pub const MAX_SCOPES_PER_ROUND: usize = 4;
/// Added to the settle time so that a file's modification time, taken by the file system a
/// moment before its notification, is settled when its folder comes due.
const MARGIN: Duration = Duration::from_millis(250);

/// Folders waiting to be scanned, each with the moment it comes due.
#[derive(Debug)]
pub struct Pending {
    root: PathBuf,
    settle: Duration,
    dirty: BTreeMap<PathBuf, Instant>,
}

impl Pending {
    pub fn new(root: PathBuf, settle: Duration) -> Self {
        Self { root, settle, dirty: BTreeMap::new() }
    }

    /// Notes a change at `path` (a file or folder, created, written, renamed or deleted): its
    /// folder comes due `settle` after the last change. False when the change is ignored (a
    /// partial download, or outside the root).
    pub fn changed(&mut self, path: &Path, now: Instant) -> bool {
        if is_partial_download(path) || !path.starts_with(&self.root) {
            return false;
        }
        // The folder holding the thing changed: a deleted folder is gone, its parent is not.
        let folder = match path.parent() {
            Some(parent) if path != self.root && parent.starts_with(&self.root) => parent.to_path_buf(),
            _ => self.root.clone(),
        };
        self.mark(folder, now + self.settle + MARGIN);
        true
    }

    /// Marks the whole root due at `due` (a poll, lost notifications, a return from unmount).
    pub fn everything(&mut self, due: Instant) {
        self.mark(self.root.clone(), due);
    }

    /// Marks `folder` due at `due` (or later, if it was due later already).
    pub fn mark(&mut self, folder: PathBuf, due: Instant) {
        // Covered by a dirty ancestor: that one's scan includes this folder.
        if let Some((_, at)) = self.dirty.iter_mut().find(|(dir, _)| folder.starts_with(dir)) {
            *at = (*at).max(due);
            return;
        }
        let descendants: Vec<PathBuf> =
            self.dirty.keys().filter(|d| d.starts_with(&folder)).cloned().collect();
        let mut due = due;
        for dir in descendants {
            if let Some(at) = self.dirty.remove(&dir) {
                due = due.max(at);
            }
        }
        let parent = folder.parent().filter(|p| p.starts_with(&self.root)).map(Path::to_path_buf);
        self.dirty.insert(folder, due);
        if let Some(parent) = parent {
            let siblings = self.dirty.keys().filter(|d| d.parent() == Some(parent.as_path())).count();
            if siblings > MAX_SIBLINGS {
                return self.mark(parent, due);
            }
        }
        if self.dirty.len() > MAX_FOLDERS {
            let latest = self.dirty.values().copied().max().unwrap_or(due);
            self.dirty.clear();
            self.dirty.insert(self.root.clone(), latest);
        }
    }

    /// When the next folder comes due.
    pub fn next_due(&self) -> Option<Instant> {
        self.dirty.values().copied().min()
    }

    pub fn is_empty(&self) -> bool {
        self.dirty.is_empty()
    }

    /// Takes the folders due at `now`, as the scopes to scan: at most
    /// [`MAX_SCOPES_PER_ROUND`], else their closest common folder (which then takes the
    /// waiting folders below it along).
    pub fn take_due(&mut self, now: Instant) -> Vec<PathBuf> {
        let due: Vec<PathBuf> =
            self.dirty.iter().filter(|(_, at)| **at <= now).map(|(d, _)| d.clone()).collect();
        if due.len() <= MAX_SCOPES_PER_ROUND {
            for dir in &due {
                self.dirty.remove(dir);
            }
            return due;
        }
        let common = due.iter().skip(1).fold(due[0].clone(), |acc, dir| common_folder(&acc, dir));
        self.dirty.retain(|dir, _| !dir.starts_with(&common));
        vec![common]
    }
}

/// The closest folder holding both `a` and `b`.
fn common_folder(a: &Path, b: &Path) -> PathBuf {
    a.components().zip(b.components()).take_while(|(x, y)| x == y).map(|(x, _)| x).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTLE: Duration = Duration::from_secs(10);

    fn pending() -> Pending {
        Pending::new(PathBuf::from("/lib"), SETTLE)
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_in_one_folder_is_one_scan_after_it_settles() {
        let mut p = pending();
        let start = Instant::now();
        for i in 0..1000 {
            assert!(p.changed(Path::new(&format!("/lib/Show/S01/e{i}.mkv")), start));
        }
        assert!(p.take_due(start + SETTLE).is_empty(), "not settled yet");
        // A later write pushes the folder out again.
        p.changed(Path::new("/lib/Show/S01/e1.mkv"), start + Duration::from_secs(5));
        assert!(p.take_due(start + SETTLE + MARGIN).is_empty());
        let due = p.take_due(start + Duration::from_secs(5) + SETTLE + MARGIN);
        assert_eq!(due, [PathBuf::from("/lib/Show/S01")]);
        assert!(p.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn partial_downloads_and_outside_paths_are_ignored() {
        let mut p = pending();
        let now = Instant::now();
        assert!(!p.changed(Path::new("/lib/Movie/movie.mkv.part"), now));
        assert!(!p.changed(Path::new("/elsewhere/movie.mkv"), now));
        assert!(p.is_empty());
        assert!(p.changed(Path::new("/lib/movie.mkv"), now));
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib")]);
    }

    #[tokio::test(start_paused = true)]
    async fn siblings_merge_into_their_parent_and_ancestors_cover_descendants() {
        let mut p = pending();
        let now = Instant::now();
        for i in 0..=MAX_SIBLINGS {
            p.changed(Path::new(&format!("/lib/Show/S{i:02}/e.mkv")), now);
        }
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib/Show")]);
        p.changed(Path::new("/lib/A/x.mkv"), now);
        p.changed(Path::new("/lib/A/B/y.mkv"), now);
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib/A")]);
    }

    #[tokio::test(start_paused = true)]
    async fn many_due_folders_make_one_scan_of_their_common_folder() {
        let mut p = pending();
        let now = Instant::now();
        for show in 0..100 {
            p.changed(Path::new(&format!("/lib/TV/Show {show}/e.mkv")), now);
        }
        // 100 siblings merged into their parent long before.
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib/TV")]);
        for (i, dir) in ["/lib/a/x", "/lib/b/y", "/lib/c/z", "/lib/d/w", "/lib/e/v"].iter().enumerate() {
            p.changed(&Path::new(dir).join(format!("{i}.mkv")), now);
        }
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib")]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deleted_folder_makes_its_parent_due() {
        let mut p = pending();
        let now = Instant::now();
        p.changed(Path::new("/lib/Show/Season 1"), now);
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib/Show")]);
        p.changed(Path::new("/lib"), now);
        assert_eq!(p.take_due(now + SETTLE + MARGIN), [PathBuf::from("/lib")]);
    }
}
