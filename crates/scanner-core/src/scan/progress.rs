//! Progress of one scan: counters the pipeline stages bump, and snapshots readers take.
//!
//! Counters are atomics and the few non-counter fields sit behind short-held mutexes, so a
//! reader never waits for the scan and the scan never waits for a reader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use tokio::sync::watch;

pub use super::status::{ScanId, ScanIssue, ScanPhase, ScanProgress, ScanStatus, ScanTrigger};

#[derive(Debug, Default)]
struct Ending {
    ended_at: Option<DateTime<Utc>>,
    error: Option<String>,
    /// Decided by [`ProgressState::finish`], shown once [`ProgressState::announce`]d.
    status: Option<ScanStatus>,
}

/// How a processed file counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    New,
    Changed,
    Unchanged,
    Moved,
}

/// The first `max_errors` entries of a list, and how many there were in all.
#[derive(Debug)]
struct IssueLog<T = ScanIssue> {
    kept: Vec<T>,
    total: u64,
}

impl<T> Default for IssueLog<T> {
    fn default() -> Self {
        Self { kept: Vec::new(), total: 0 }
    }
}

impl<T> IssueLog<T> {
    fn push(&mut self, item: T, max: usize) {
        self.total += 1;
        if self.kept.len() < max {
            self.kept.push(item);
        }
    }
}

/// The live state of a running scan, shared by its stages and its readers.
#[derive(Debug)]
pub(crate) struct ProgressState {
    pub id: ScanId,
    pub library: Option<String>,
    pub node: Option<String>,
    /// The folder the scan walks: the library's root, or the subtree it was asked to cover.
    pub root: PathBuf,
    /// The library's root when the scan covers only `root`, a folder below it.
    pub library_root: Option<PathBuf>,
    pub trigger: ScanTrigger,
    pub started_at: DateTime<Utc>,
    max_errors: usize,
    status: watch::Sender<ScanStatus>,
    started: std::time::Instant,
    total: AtomicU64,
    /// The count of a counting walk; `u64::MAX` while unknown.
    expected: AtomicU64,
    walk_complete: AtomicBool,
    finishing: AtomicBool,
    processed: AtomicU64,
    succeeded: AtomicU64,
    failed: AtomicU64,
    new: AtomicU64,
    changed: AtomicU64,
    unchanged: AtomicU64,
    moved: AtomicU64,
    missing: AtomicU64,
    deferred: AtomicU64,
    current: Mutex<Option<PathBuf>>,
    issues: Mutex<IssueLog>,
    warnings: Mutex<IssueLog<String>>,
    probes: Mutex<BTreeMap<String, u64>>,
    ending: Mutex<Ending>,
}

/// Seconds of scanning after which the rate is taken to predict the rest.
const MEASURED_SECS: f64 = 2.0;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these short locks leaves plain data behind; keep going.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ProgressState {
    pub fn new(id: ScanId, library: Option<String>, root: PathBuf, max_errors: usize) -> Self {
        Self {
            id,
            library,
            node: None,
            root,
            library_root: None,
            trigger: ScanTrigger::Manual,
            started_at: crate::media::now(),
            max_errors,
            status: watch::Sender::new(ScanStatus::Running),
            started: std::time::Instant::now(),
            total: AtomicU64::new(0),
            expected: AtomicU64::new(u64::MAX),
            walk_complete: AtomicBool::new(false),
            finishing: AtomicBool::new(false),
            processed: AtomicU64::new(0),
            succeeded: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            new: AtomicU64::new(0),
            changed: AtomicU64::new(0),
            unchanged: AtomicU64::new(0),
            moved: AtomicU64::new(0),
            missing: AtomicU64::new(0),
            deferred: AtomicU64::new(0),
            current: Mutex::new(None),
            issues: Mutex::new(IssueLog::default()),
            warnings: Mutex::new(IssueLog::default()),
            probes: Mutex::new(BTreeMap::new()),
            ending: Mutex::new(Ending::default()),
        }
    }

    /// Pretends the scan started `by` earlier (for tests of rates and ETAs).
    #[cfg(test)]
    fn backdate(&mut self, by: std::time::Duration) {
        self.started -= by;
    }

    pub fn status(&self) -> ScanStatus {
        *self.status.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<ScanStatus> {
        self.status.subscribe()
    }

    pub fn found(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    /// A counting walk found `n` files.
    pub fn expect(&self, n: u64) {
        self.expected.store(n, Ordering::Relaxed);
    }

    pub fn walk_done(&self) {
        self.walk_complete.store(true, Ordering::Relaxed);
    }

    pub fn working_on(&self, path: &Path) {
        *lock(&self.current) = Some(path.to_path_buf());
    }

    fn counted(&self, change: Change) {
        let counter = match change {
            Change::New => &self.new,
            Change::Changed => &self.changed,
            Change::Unchanged => &self.unchanged,
            Change::Moved => &self.moved,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.processed.fetch_add(1, Ordering::Relaxed);
    }

    /// A file whose record is fine.
    pub fn succeeded(&self, change: Change) {
        self.succeeded.fetch_add(1, Ordering::Relaxed);
        self.counted(change);
    }

    /// A file `probe` answered for.
    pub fn probed_by(&self, probe: &str) {
        *lock(&self.probes).entry(probe.to_owned()).or_default() += 1;
    }

    /// A file that could not be probed now; `message` says why.
    pub fn failed(&self, change: Change, path: &Path, message: &str) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.counted(change);
        self.issue(path, message);
    }

    /// An unchanged (or moved) file whose earlier probe failed and is not retried: counted as
    /// failed, not reported again.
    pub fn still_failed(&self, change: Change) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.counted(change);
    }

    /// A whole folder found as the catalog has it: `files` unchanged, `failed` of which had
    /// failed to probe before.
    pub fn unchanged_as_a_whole(&self, files: u64, failed: u64) {
        self.unchanged.fetch_add(files, Ordering::Relaxed);
        self.processed.fetch_add(files, Ordering::Relaxed);
        self.failed.fetch_add(failed, Ordering::Relaxed);
        self.succeeded.fetch_add(files - failed.min(files), Ordering::Relaxed);
    }

    pub fn finishing(&self) {
        self.finishing.store(true, Ordering::Relaxed);
    }

    pub fn missing(&self, n: u64) {
        self.missing.fetch_add(n, Ordering::Relaxed);
    }

    /// `n` files were left for a later scan: they were still being written.
    pub fn defer(&self, n: u64) {
        self.deferred.fetch_add(n, Ordering::Relaxed);
    }

    pub fn warn(&self, warning: String) {
        tracing::warn!(%warning, "scan warning");
        lock(&self.warnings).push(warning, self.max_errors);
    }

    /// Records a problem that is not a failed file (an unreadable folder).
    pub fn issue(&self, path: &Path, message: &str) {
        let issue = ScanIssue { path: path.to_path_buf(), message: message.to_owned() };
        lock(&self.issues).push(issue, self.max_errors);
    }

    /// Decides how the scan ends; only the first call has an effect. Readers go on seeing
    /// the scan running until [`Self::announce`]: the ending is saved and the lease released
    /// first, so that whoever sees the scan ended can start the next one at once.
    pub fn finish(&self, status: ScanStatus, error: Option<String>) {
        {
            let mut ending = lock(&self.ending);
            if ending.status.is_some() {
                return;
            }
            ending.ended_at = Some(crate::media::now());
            ending.error = error;
            ending.status = Some(status);
        }
        *lock(&self.current) = None;
    }

    /// Shows the ending decided by [`Self::finish`] to readers and wakes those waiting.
    pub fn announce(&self) {
        if let Some(status) = lock(&self.ending).status {
            self.status.send_replace(status);
        }
    }

    /// The progress as readers see it.
    pub fn snapshot(&self) -> ScanProgress {
        self.snapshot_as(self.status())
    }

    /// The progress with the ending decided by [`Self::finish`], announced or not: what is
    /// saved as the scan's final record.
    pub fn final_snapshot(&self) -> ScanProgress {
        let decided = lock(&self.ending).status;
        self.snapshot_as(decided.unwrap_or_else(|| self.status()))
    }

    fn snapshot_as(&self, status: ScanStatus) -> ScanProgress {
        let (kept, errors_total) = {
            let log = lock(&self.issues);
            (log.kept.clone(), log.total)
        };
        let (ended_at, error) = if status.is_finished() {
            let ending = lock(&self.ending);
            (ending.ended_at, ending.error.clone())
        } else {
            (None, None)
        };
        let total = self.total.load(Ordering::Relaxed);
        let processed = self.processed.load(Ordering::Relaxed);
        let walk_complete = self.walk_complete.load(Ordering::Relaxed);
        let phase = if status.is_finished() {
            ScanPhase::Finished
        } else if self.finishing.load(Ordering::Relaxed) {
            ScanPhase::Finishing
        } else if walk_complete {
            ScanPhase::Probing
        } else {
            ScanPhase::Walking
        };
        let elapsed = match ended_at {
            Some(end) => (end - self.started_at).num_milliseconds().max(0) as f64 / 1000.0,
            None => self.started.elapsed().as_secs_f64(),
        };
        let files_per_sec = if elapsed > 0.0 { processed as f64 / elapsed } else { 0.0 };
        let expected = match self.expected.load(Ordering::Relaxed) {
            _ if walk_complete => Some(total),
            u64::MAX => None,
            // Files may have appeared since the count.
            counted => Some(counted.max(total)),
        };
        // A rate means something once a few seconds and some files are behind it.
        let measured = elapsed >= MEASURED_SECS && processed > 0;
        let eta_secs = expected
            .filter(|_| measured && !status.is_finished() && files_per_sec > 0.0)
            .map(|expected| expected.saturating_sub(processed) as f64 / files_per_sec);
        let (warnings, warnings_total) = {
            let log = lock(&self.warnings);
            (log.kept.clone(), log.total)
        };
        ScanProgress {
            scan_id: self.id,
            library: self.library.clone(),
            root: self.library_root.clone().unwrap_or_else(|| self.root.clone()),
            node: self.node.clone(),
            trigger: self.trigger,
            scope: self.library_root.as_ref().map(|_| self.root.clone()),
            status,
            phase,
            total_files: total,
            walk_complete,
            expected_files: expected,
            processed,
            succeeded: self.succeeded.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            new_files: self.new.load(Ordering::Relaxed),
            changed_files: self.changed.load(Ordering::Relaxed),
            unchanged_files: self.unchanged.load(Ordering::Relaxed),
            moved_files: self.moved.load(Ordering::Relaxed),
            missing_files: self.missing.load(Ordering::Relaxed),
            deferred_files: self.deferred.load(Ordering::Relaxed),
            files_per_sec: (files_per_sec * 10.0).round() / 10.0,
            eta_secs: eta_secs.map(|s| s.round()),
            current_file: lock(&self.current).clone(),
            started_at: self.started_at,
            ended_at,
            error,
            errors: kept,
            errors_total,
            warnings,
            warnings_total,
            probes: lock(&self.probes).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_errors_and_counts_all() {
        let state = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        for i in 0..10 {
            state.failed(Change::New, Path::new(&format!("/r/{i}.mkv")), "bad");
        }
        let snap = state.snapshot();
        assert_eq!(snap.errors.len(), 3);
        assert_eq!(snap.errors[0].path, PathBuf::from("/r/0.mkv"));
        assert_eq!(snap.errors_total, 10);
        assert_eq!(snap.failed, 10);
        assert_eq!(snap.processed, 10);
    }

    #[test]
    fn warnings_are_bounded_like_errors_and_counted() {
        let state = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        for i in 0..1000 {
            state.warn(format!("bad line {i}"));
        }
        let snap = state.snapshot();
        assert_eq!((snap.warnings.len(), snap.warnings_total), (3, 1000));
        assert_eq!(snap.warnings[0], "bad line 0");
    }

    #[test]
    fn the_total_is_expected_only_when_known_and_eta_only_when_meaningful() {
        let state = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        state.found(10);
        let early = state.snapshot();
        assert_eq!((early.expected_files, early.eta_secs), (None, None), "a growing total has no ETA");
        state.expect(100);
        state.found(150);
        assert_eq!(state.snapshot().expected_files, Some(160), "files found after the count");
        state.walk_done();
        let done = state.snapshot();
        assert_eq!(done.expected_files, Some(160));
        assert_eq!(done.eta_secs, None, "nothing processed yet: no rate, no ETA");

        let mut measured = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        measured.backdate(std::time::Duration::from_secs(10));
        measured.found(5);
        assert_eq!(measured.snapshot().eta_secs, None, "a growing total: no ETA");
        measured.expect(100);
        for _ in 0..10 {
            measured.succeeded(Change::New);
        }
        let snap = measured.snapshot();
        assert_eq!(snap.files_per_sec, 1.0);
        assert_eq!(snap.eta_secs, Some(90.0), "90 files left at 1 file/s");
    }

    #[test]
    fn finish_is_final_and_shown_once_announced() {
        let state = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        let waiter = state.subscribe();
        state.finish(ScanStatus::Cancelled, None);
        state.finish(ScanStatus::Completed, Some("late".into()));
        assert_eq!(state.final_snapshot().status, ScanStatus::Cancelled);
        let shown = state.snapshot();
        assert_eq!((shown.status, shown.ended_at), (ScanStatus::Running, None), "not yet announced");
        assert!(!waiter.has_changed().unwrap());

        state.announce();
        assert!(waiter.has_changed().unwrap());
        let snap = state.snapshot();
        assert_eq!(snap.status, ScanStatus::Cancelled);
        assert_eq!(snap.error, None);
        assert!(snap.ended_at.is_some());
    }
}
