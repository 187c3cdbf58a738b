//! One scan, as a pipeline: walk → probe (N at a time) → store (in batches).
//!
//! Each stage owns its work and hands values to the next through a bounded channel, so the walk
//! never runs more than a few files ahead of the probes and memory does not grow with the
//! library. Stages stop on the `stop` token, which a user's cancel or a fatal error trips;
//! records already probed are still stored, so a cancelled scan keeps what it finished.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::keeper;
use super::progress::{ProgressState, ScanStatus};
use super::{ScanOptions, ScannerConfig};
use crate::media::{FileStat, MediaId, MediaInfo, MediaRecord, MediaStatus};
use crate::parse;
use crate::ports::{
    FileSource, MediaProbe, MediaRepository, ProbeError, ScanRepository, WalkEvent, WalkOptions,
};

/// Everything one scan needs.
pub(crate) struct ScanJob {
    pub state: Arc<ProgressState>,
    /// Tripped by the user's cancel.
    pub cancel: CancellationToken,
    pub source: Arc<dyn FileSource>,
    pub probe: Arc<dyn MediaProbe>,
    pub repo: Arc<dyn MediaRepository>,
    pub scans: Arc<dyn ScanRepository>,
    /// The lease this scan holds (the library, or the root of a folder scan).
    pub lease_key: String,
    pub options: ScanOptions,
    pub config: ScannerConfig,
}

/// The first fatal error of a scan; setting it stops every stage.
pub(crate) struct Fatal {
    stop: CancellationToken,
    message: Mutex<Option<String>>,
}

impl Fatal {
    pub(crate) fn raise(&self, message: String) {
        let mut slot = self.message.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            warn!(error = %message, "scan stopped");
            *slot = Some(message);
        }
        self.stop.cancel();
    }

    fn take(&self) -> Option<String> {
        self.message.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Runs the scan to its end and records how it ended.
pub(crate) async fn run(job: ScanJob) {
    let stop = job.cancel.child_token();
    let fatal = Fatal { stop: stop.clone(), message: Mutex::new(None) };
    let root = job.state.root.clone();

    let walk_options = WalkOptions {
        extensions: job.options.extensions.clone(),
        follow_symlinks: job.options.follow_symlinks,
    };
    match job.source.walk(root.clone(), walk_options).await {
        Ok(walk) => {
            let concurrency = job.config.probe_concurrency.max(1);
            let (file_tx, file_rx) = mpsc::channel(concurrency * 2);
            let (record_tx, record_rx) = mpsc::channel(job.config.batch_size.max(1));
            let stages_done = CancellationToken::new();
            let stages = async {
                tokio::join!(
                    walk_stage(&job, walk, file_tx, &stop),
                    probe_stage(&job, file_rx, record_tx, &stop, &fatal),
                    store_stage(&job, record_rx, &fatal),
                );
                stages_done.cancel();
            };
            tokio::join!(stages, keeper::keep(&job, &fatal, &stages_done));
        }
        Err(e) => fatal.raise(format!("cannot walk {}: {e}", root.display())),
    }

    let (status, error) = match fatal.take() {
        Some(message) => (ScanStatus::Failed, Some(message)),
        None if job.cancel.is_cancelled() => (ScanStatus::Cancelled, None),
        None => (ScanStatus::Completed, None),
    };
    job.state.finish(status, error);
    keeper::conclude(&job).await;
    let snap = job.state.snapshot();
    tracing::info!(
        status = %snap.status,
        total = snap.total_files,
        succeeded = snap.succeeded,
        failed = snap.failed,
        "scan finished"
    );
}

async fn walk_stage(
    job: &ScanJob,
    mut walk: crate::ports::WalkStream,
    files: mpsc::Sender<FileStat>,
    stop: &CancellationToken,
) {
    loop {
        let event = tokio::select! {
            biased;
            _ = stop.cancelled() => return,
            event = walk.next() => event,
        };
        match event {
            None => break,
            Some(WalkEvent::Directory(listing)) => {
                let wanted: Vec<FileStat> =
                    listing.files.into_iter().filter(|f| job.options.extensions.matches(&f.path)).collect();
                job.state.found(wanted.len() as u64);
                for file in wanted {
                    tokio::select! {
                        biased;
                        _ = stop.cancelled() => return,
                        sent = files.send(file) => if sent.is_err() { return },
                    }
                }
            }
            Some(WalkEvent::Unreadable { path, message }) => {
                warn!(path = %path.display(), error = %message, "cannot read");
                job.state.issue(&path, &format!("cannot read: {message}"));
            }
        }
    }
    job.state.walk_done();
}

async fn probe_stage(
    job: &ScanJob,
    mut files: mpsc::Receiver<FileStat>,
    records: mpsc::Sender<MediaRecord>,
    stop: &CancellationToken,
    fatal: &Fatal,
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
            _ = stop.cancelled() => break,
            Some(outcome) = in_flight.next(), if !in_flight.is_empty() => {
                let record = match outcome {
                    Probed::Record(record) => *record,
                    Probed::Skipped => continue,
                    Probed::Fatal(message) => {
                        fatal.raise(message);
                        break;
                    }
                };
                if records.send(record).await.is_err() {
                    break;
                }
            }
            file = files.recv(), if input_open && in_flight.len() < concurrency => match file {
                Some(file) => in_flight.push(probe_one(job, file, root_name.as_deref())),
                None => input_open = false,
            },
        }
    }
    // Dropping `in_flight` drops the probes still running; adapters kill their processes.
}

enum Probed {
    Record(Box<MediaRecord>),
    /// The file produced no record (it vanished); the problem is already recorded.
    Skipped,
    Fatal(String),
}

async fn probe_one(job: &ScanJob, file: FileStat, root_name: Option<&str>) -> Probed {
    job.state.working_on(&file.path);
    let result = job.probe.probe(file.path.clone()).await;
    let parsed = parse_relative(&job.state.root, &file.path, root_name);
    let now = crate::media::now();
    let mut record = MediaRecord {
        id: MediaId::new(),
        path: file.path,
        library: job.state.library.clone(),
        size_bytes: file.size,
        modified_at: file.modified,
        identity: file.identity,
        status: MediaStatus::Ok,
        error: None,
        info: MediaInfo::default(),
        parsed,
        compatibility: None,
        first_seen_at: now,
        last_scanned_at: now,
    };
    match result {
        Ok(info) => {
            record.compatibility = Some(job.options.profile.check(&info));
            record.info = info;
            debug!(path = %record.path.display(), kind = record.parsed.kind.as_str(), "file scanned");
            job.state.succeeded();
            Probed::Record(Box::new(record))
        }
        Err(e) if e.is_fatal() => Probed::Fatal(e.to_string()),
        Err(ProbeError::NotFound) => {
            warn!(path = %record.path.display(), "file vanished before it could be probed");
            job.state.failed(&record.path, "file vanished before it could be probed");
            Probed::Skipped
        }
        Err(e) => {
            let message = e.to_string();
            warn!(path = %record.path.display(), error = %message, "cannot probe file");
            job.state.failed(&record.path, &message);
            record.status = MediaStatus::Failed;
            record.error = Some(message);
            Probed::Record(Box::new(record))
        }
    }
}

fn parse_relative(root: &Path, path: &Path, root_name: Option<&str>) -> parse::ParsedName {
    let relative = path.strip_prefix(root).unwrap_or(path);
    parse::parse_path_in(relative, root_name)
}

async fn store_stage(job: &ScanJob, mut records: mpsc::Receiver<MediaRecord>, fatal: &Fatal) {
    let batch_size = job.config.batch_size.max(1);
    let mut batch: Vec<MediaRecord> = Vec::with_capacity(batch_size);
    let mut deadline: Option<Instant> = None;
    loop {
        let next = match deadline {
            Some(at) => tokio::select! {
                record = records.recv() => record,
                _ = tokio::time::sleep_until(at) => {
                    deadline = None;
                    if !flush(job, &mut batch, fatal).await { return; }
                    continue;
                }
            },
            None => records.recv().await,
        };
        match next {
            Some(record) => {
                if batch.is_empty() {
                    deadline = Some(Instant::now() + job.config.batch_delay);
                }
                batch.push(record);
                if batch.len() >= batch_size {
                    deadline = None;
                    if !flush(job, &mut batch, fatal).await {
                        return;
                    }
                }
            }
            None => {
                flush(job, &mut batch, fatal).await;
                return;
            }
        }
    }
}

/// Writes the batch; on failure raises a fatal error and returns false.
async fn flush(job: &ScanJob, batch: &mut Vec<MediaRecord>, fatal: &Fatal) -> bool {
    if batch.is_empty() {
        return true;
    }
    let records = std::mem::take(batch);
    let count = records.len();
    let started = std::time::Instant::now();
    match job.repo.upsert(records).await {
        Ok(()) => {
            debug!(count, elapsed_ms = started.elapsed().as_millis() as u64, "stored batch");
            true
        }
        Err(e) => {
            fatal.raise(format!("cannot store {count} records: {e}"));
            false
        }
    }
}

/// Default for [`ScannerConfig::batch_delay`].
pub(crate) const DEFAULT_BATCH_DELAY: Duration = Duration::from_millis(500);
