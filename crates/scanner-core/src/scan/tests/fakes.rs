//! Fakes of the ports for the scanner's tests: mockall mocks with in-memory behaviour.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use tokio::sync::Semaphore;

use crate::media::{CatalogEntry, FileIdentity, FileStat, MediaId, MediaInfo, MediaRecord, MediaStatus};
use crate::ports::{
    CancelRequest, DirListing, DirSummary, FileSourceError, LeaseOutcome, MediaProbe, MissingCount,
    MissingScope, MockFileSource, MockMediaProbe, MockMediaRepository, MockScanRepository, ProbeError,
    ScanRecord, WalkEvent, WalkStream,
};
use crate::scan::{ScanId, ScanStatus, Scanner, ScannerConfig, ScannerPorts};

pub const ROOT: &str = "/library";

pub fn stat(path: &str) -> FileStat {
    FileStat {
        path: PathBuf::from(ROOT).join(path),
        size: 1_000,
        modified: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
        identity: None,
    }
}

/// A source whose walk yields `dirs`: each a directory (relative to the root) and its files.
pub fn source(dirs: &[(&str, &[&str])]) -> MockFileSource {
    let disk = Disk::default();
    for (dir, files) in dirs {
        for file in *files {
            disk.put(&Path::new(dir).join(file).to_string_lossy(), 1_000, 0);
        }
    }
    disk.source()
}

/// A file system in memory: files with size, modification time, inode and content, changeable
/// between scans.
#[derive(Clone, Default)]
pub struct Disk(pub Arc<Mutex<BTreeMap<PathBuf, (FileStat, String)>>>);

impl Disk {
    /// Puts a file (path relative to [`ROOT`]) with a size and a modification time offset; its
    /// content fingerprint follows from both.
    pub fn put(&self, path: &str, size: u64, mtime: i64) -> PathBuf {
        let path = PathBuf::from(ROOT).join(path);
        let inode = self.0.lock().unwrap().len() as u64 + 1;
        let file = FileStat {
            path: path.clone(),
            size,
            modified: Utc.timestamp_opt(1_700_000_000 + mtime, 0).unwrap(),
            identity: Some(FileIdentity { device: 1, inode }),
        };
        self.0.lock().unwrap().insert(path.clone(), (file, format!("content-{size}-{mtime}")));
        path
    }

    pub fn remove(&self, path: &str) {
        self.0.lock().unwrap().remove(&PathBuf::from(ROOT).join(path));
    }

    /// Moves a file, keeping its metadata and content, as `rename(2)` does.
    pub fn rename(&self, from: &str, to: &str) {
        let mut files = self.0.lock().unwrap();
        let (mut stat, content) = files.remove(&PathBuf::from(ROOT).join(from)).expect("no such file");
        stat.path = PathBuf::from(ROOT).join(to);
        files.insert(stat.path.clone(), (stat, content));
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    pub fn source(&self) -> MockFileSource {
        let mut source = MockFileSource::new();
        source.expect_open_root().returning(Ok);
        let files = self.0.clone();
        source.expect_walk().returning(move |_, _| {
            let mut dirs: BTreeMap<PathBuf, Vec<FileStat>> = BTreeMap::new();
            for (stat, _) in files.lock().unwrap().values() {
                dirs.entry(stat.path.parent().unwrap().to_path_buf()).or_default().push(stat.clone());
            }
            let events = dirs
                .into_iter()
                .map(|(path, files)| WalkEvent::Directory(DirListing { path, files }))
                .collect();
            Ok(WalkStream::from_events(events))
        });
        let files = self.0.clone();
        source
            .expect_stat()
            .returning(move |path| Ok(files.lock().unwrap().get(&path).map(|(s, _)| s.clone())));
        let files = self.0.clone();
        source.expect_fingerprint().returning(move |path| {
            files.lock().unwrap().get(&path).map(|(_, c)| c.clone()).ok_or(FileSourceError::NotFound { path })
        });
        source
    }
}

pub fn h264() -> MediaInfo {
    crate::fixtures::h264_aac_mp4()
}

/// A probe that answers every file with `h264()` except those whose name contains "corrupt".
pub fn probe() -> MockMediaProbe {
    let mut probe = MockMediaProbe::new();
    probe.expect_check().returning(|| Ok("fake probe".into()));
    probe.expect_probe().returning(|path| {
        if path.to_string_lossy().contains("corrupt") {
            Err(ProbeError::InvalidMedia("Invalid data found when processing input".into()))
        } else {
            Ok(h264())
        }
    });
    probe
}

/// The catalog in memory, behaving as the SQL adapter does (see `MediaRepository`).
#[derive(Default)]
pub struct CatalogState {
    pub records: HashMap<PathBuf, MediaRecord>,
    /// Directory → the last scan that listed it, and its summary.
    pub seen: HashMap<PathBuf, (ScanId, Option<DirSummary>)>,
    /// How many folders were read file by file.
    pub dirs_read: usize,
    /// Media id → the scan that found it absent.
    pub absent: HashMap<MediaId, ScanId>,
    pub applies: usize,
}

fn under(path: &Path, root: &Path) -> bool {
    path.starts_with(root)
}

impl CatalogState {
    fn missing_scope<'a>(&'a self, scope: &'a MissingScope) -> impl Iterator<Item = &'a MediaRecord> + 'a {
        self.records.values().filter(move |r| {
            under(&r.path, &scope.root)
                && r.status != MediaStatus::Missing
                && !scope.excluded.iter().any(|x| under(&r.path, x))
                && (self.absent.get(&r.id) == Some(&scope.scan)
                    || self.seen.get(r.path.parent().unwrap()).map(|s| s.0) != Some(scope.scan))
        })
    }
}

/// A repository over [`CatalogState`].
#[derive(Clone, Default)]
pub struct Stored(pub Arc<Mutex<CatalogState>>);

fn entry(r: &MediaRecord) -> CatalogEntry {
    CatalogEntry {
        id: r.id,
        path: r.path.clone(),
        size: r.size_bytes,
        modified: r.modified_at,
        identity: r.identity,
        status: r.status,
        fingerprint: r.fingerprint.clone(),
    }
}

impl Stored {
    pub fn repo(&self) -> MockMediaRepository {
        let mut repo = MockMediaRepository::new();
        let s = self.0.clone();
        repo.expect_apply().returning(move |batch| {
            let mut st = s.lock().unwrap();
            st.applies += 1;
            for record in batch.upserts {
                match st.records.get_mut(&record.path) {
                    Some(existing) => {
                        let (id, first_seen) = (existing.id, existing.first_seen_at);
                        *existing =
                            MediaRecord { id, first_seen_at: first_seen, missing_since: None, ..record };
                    }
                    None => {
                        st.records.insert(record.path.clone(), record);
                    }
                }
            }
            let scan = batch.scan;
            for dir in batch.seen_dirs {
                st.seen.insert(dir.path, (scan.expect("seen dirs need a scan"), dir.summary));
            }
            for absent in batch.absent {
                if st.records.get(&absent.path).is_some_and(|r| r.id == absent.id) {
                    st.absent.insert(absent.id, scan.expect("absent marks need a scan"));
                }
            }
            for moved in batch.moves {
                let Some(mut record) = st.records.remove(&moved.from).filter(|r| r.id == moved.id) else {
                    continue;
                };
                record.path = moved.file.path.clone();
                record.size_bytes = moved.file.size;
                record.modified_at = moved.file.modified;
                record.identity = moved.file.identity;
                record.parsed = moved.parsed;
                record.library = moved.library;
                record.missing_since = None;
                if record.status == MediaStatus::Missing {
                    record.status =
                        if record.error.is_some() { MediaStatus::Failed } else { MediaStatus::Ok };
                }
                st.absent.remove(&record.id);
                st.records.insert(record.path.clone(), record);
            }
            Ok(())
        });
        let s = self.0.clone();
        repo.expect_dir_summaries().returning(move |dirs| {
            let st = s.lock().unwrap();
            Ok(dirs
                .into_iter()
                .filter_map(|d| st.seen.get(&d).and_then(|s| s.1).map(|summary| (d, summary)))
                .collect())
        });
        let s = self.0.clone();
        repo.expect_entries_in_dirs().returning(move |dirs| {
            let mut st = s.lock().unwrap();
            st.dirs_read += dirs.len();
            Ok(st
                .records
                .values()
                .filter(|r| r.path.parent().is_some_and(|p| dirs.iter().any(|d| d == p)))
                .map(entry)
                .collect())
        });
        let s = self.0.clone();
        repo.expect_entries_like().returning(move |size, modified, limit| {
            let st = s.lock().unwrap();
            Ok(st
                .records
                .values()
                .filter(|r| r.size_bytes == size && r.modified_at == modified)
                .take(limit as usize)
                .map(entry)
                .collect())
        });
        let s = self.0.clone();
        repo.expect_count().returning(move |filter| {
            let st = s.lock().unwrap();
            let prefix = filter.path_prefix.unwrap_or_default();
            Ok(st.records.values().filter(|r| under(&r.path, &prefix)).count() as u64)
        });
        let s = self.0.clone();
        repo.expect_missing_count().returning(move |scope| {
            let st = s.lock().unwrap();
            let catalogued = st
                .records
                .values()
                .filter(|r| under(&r.path, &scope.root) && r.status != MediaStatus::Missing)
                .count() as u64;
            let candidates = st.missing_scope(&scope).count() as u64;
            Ok(MissingCount { candidates, catalogued: if candidates == 0 { 0 } else { catalogued } })
        });
        let s = self.0.clone();
        repo.expect_mark_missing().returning(move |scope, at| {
            let mut st = s.lock().unwrap();
            let paths: Vec<PathBuf> = st.missing_scope(&scope).map(|r| r.path.clone()).collect();
            for path in &paths {
                let record = st.records.get_mut(path).unwrap();
                record.status = MediaStatus::Missing;
                record.missing_since = Some(at);
            }
            Ok(paths.len() as u64)
        });
        let s = self.0.clone();
        repo.expect_prune_missing().returning(move |root| {
            let mut st = s.lock().unwrap();
            let before = st.records.len();
            st.records.retain(|p, r| !(under(p, &root) && r.status == MediaStatus::Missing));
            Ok((before - st.records.len()) as u64)
        });
        repo
    }

    pub fn get(&self, path: &str) -> Option<MediaRecord> {
        self.0.lock().unwrap().records.get(&PathBuf::from(ROOT).join(path)).cloned()
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap().records.len()
    }
}

pub fn scanner(
    source: MockFileSource,
    probe: impl MediaProbe + 'static,
    repo: MockMediaRepository,
) -> Scanner {
    scanner_with(source, probe, repo, ScannerConfig::default())
}

pub fn scanner_with(
    source: MockFileSource,
    probe: impl MediaProbe + 'static,
    repo: MockMediaRepository,
    config: ScannerConfig,
) -> Scanner {
    scanner_full(source, probe, repo, FakeScans::default().repo(), config)
}

pub fn scanner_full(
    source: MockFileSource,
    probe: impl MediaProbe + 'static,
    repo: MockMediaRepository,
    scans: MockScanRepository,
    config: ScannerConfig,
) -> Scanner {
    let ports = ScannerPorts {
        source: Arc::new(source),
        probe: Arc::new(probe),
        repo: Arc::new(repo),
        scans: Arc::new(scans),
    };
    Scanner::new(ports, config)
}

/// The scan catalog a [`FakeScans`] keeps: leases with expiry, records, cancel flags.
#[derive(Default)]
pub struct ScanStore {
    pub leases: HashMap<String, (ScanId, std::time::Instant)>,
    pub records: HashMap<ScanId, ScanRecord>,
    pub cancel_requested: HashSet<ScanId>,
    pub saves: usize,
    /// Renewals fail as if another node had taken the lease.
    pub lose_leases: bool,
}

/// An in-memory scan catalog behind a mockall mock, behaving as the database does.
#[derive(Clone, Default)]
pub struct FakeScans(pub Arc<Mutex<ScanStore>>);

impl FakeScans {
    pub fn store(&self) -> std::sync::MutexGuard<'_, ScanStore> {
        self.0.lock().unwrap()
    }

    pub fn repo(&self) -> MockScanRepository {
        let mut m = MockScanRepository::new();
        let s = self.0.clone();
        m.expect_acquire_lease().returning(move |key, scan, _holder, ttl| {
            let mut st = s.lock().unwrap();
            let now = std::time::Instant::now();
            match st.leases.get(&key) {
                Some((held, until)) if *until > now && *held != scan => Ok(LeaseOutcome::HeldBy(*held)),
                _ => {
                    st.leases.insert(key, (scan, now + ttl));
                    Ok(LeaseOutcome::Acquired)
                }
            }
        });
        let s = self.0.clone();
        m.expect_renew_lease().returning(move |key, scan, ttl| {
            let mut st = s.lock().unwrap();
            if st.lose_leases {
                return Ok(false);
            }
            match st.leases.get_mut(&key) {
                Some((held, until)) if *held == scan => {
                    *until = std::time::Instant::now() + ttl;
                    Ok(true)
                }
                _ => Ok(false),
            }
        });
        let s = self.0.clone();
        m.expect_release_lease().returning(move |key, scan| {
            let mut st = s.lock().unwrap();
            if st.leases.get(&key).is_some_and(|(held, _)| *held == scan) {
                st.leases.remove(&key);
            }
            Ok(())
        });
        let s = self.0.clone();
        m.expect_insert().returning(move |record| {
            s.lock().unwrap().records.insert(record.progress.scan_id, record);
            Ok(())
        });
        let s = self.0.clone();
        m.expect_save().returning(move |progress| {
            let mut st = s.lock().unwrap();
            st.saves += 1;
            let id = progress.scan_id;
            if let Some(record) = st.records.get_mut(&id) {
                record.progress = progress;
            }
            Ok(st.cancel_requested.contains(&id))
        });
        let s = self.0.clone();
        m.expect_get().returning(move |id| Ok(s.lock().unwrap().records.get(&id).cloned()));
        let s = self.0.clone();
        m.expect_list().returning(move |query| {
            let st = s.lock().unwrap();
            let mut records: Vec<ScanRecord> = st
                .records
                .values()
                .filter(|r| query.status.is_none_or(|status| r.progress.status == status))
                .filter(|r| query.library.is_none() || r.progress.library == query.library)
                .cloned()
                .collect();
            records.sort_by_key(|r| std::cmp::Reverse(r.progress.started_at));
            Ok(records)
        });
        let s = self.0.clone();
        m.expect_request_cancel().returning(move |id| {
            let mut st = s.lock().unwrap();
            let Some(status) = st.records.get(&id).map(|r| r.progress.status) else {
                return Ok(CancelRequest::NotFound);
            };
            if status != ScanStatus::Running {
                return Ok(CancelRequest::NotRunning(status));
            }
            st.cancel_requested.insert(id);
            Ok(CancelRequest::Requested)
        });
        let s = self.0.clone();
        m.expect_interrupt_expired().returning(move || {
            let mut st = s.lock().unwrap();
            let now = std::time::Instant::now();
            let leases = st.leases.clone();
            let mut ids = Vec::new();
            for record in st.records.values_mut() {
                let live = leases
                    .get(&record.lease_key)
                    .is_some_and(|(held, until)| *held == record.progress.scan_id && *until > now);
                if record.progress.status == ScanStatus::Running && !live {
                    record.progress.status = ScanStatus::Interrupted;
                    ids.push(record.progress.scan_id);
                }
            }
            Ok(ids)
        });
        let s = self.0.clone();
        m.expect_interrupt().returning(move |id, reason| {
            let mut st = s.lock().unwrap();
            let Some(record) = st.records.get_mut(&id) else { return Ok(false) };
            if record.progress.status != ScanStatus::Running {
                return Ok(false);
            }
            record.progress.status = ScanStatus::Interrupted;
            record.progress.error = Some(reason);
            let key = record.lease_key.clone();
            st.leases.remove(&key);
            Ok(true)
        });
        m
    }
}

/// Wraps a probe so that each probe waits for a permit the test hands out, and counts probes
/// that were abandoned (dropped before finishing).
pub struct Gated {
    pub inner: MockMediaProbe,
    pub gate: Arc<Semaphore>,
    pub started: Arc<AtomicUsize>,
    pub abandoned: Arc<AtomicUsize>,
}

impl Gated {
    pub fn new(inner: MockMediaProbe) -> (Self, Arc<Semaphore>, Arc<AtomicUsize>, Arc<AtomicUsize>) {
        let gate = Arc::new(Semaphore::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let abandoned = Arc::new(AtomicUsize::new(0));
        (
            Self { inner, gate: gate.clone(), started: started.clone(), abandoned: abandoned.clone() },
            gate,
            started,
            abandoned,
        )
    }
}

pub struct DropCounter(Arc<AtomicUsize>, bool);

impl Drop for DropCounter {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[async_trait]
impl MediaProbe for Gated {
    async fn check(&self) -> Result<String, ProbeError> {
        self.inner.check().await
    }

    async fn probe(&self, path: PathBuf) -> Result<MediaInfo, ProbeError> {
        let mut guard = DropCounter(self.abandoned.clone(), false);
        self.started.fetch_add(1, Ordering::SeqCst);
        self.gate.acquire().await.expect("gate closed").forget();
        let result = self.inner.probe(path).await;
        guard.1 = true;
        result
    }
}

pub async fn eventually(mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached in 5 s");
}
