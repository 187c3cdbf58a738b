//! Fakes of the ports for the scanner's tests: mockall mocks with in-memory behaviour.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use tokio::sync::Semaphore;

use crate::media::{FileStat, MediaInfo, MediaRecord};
use crate::ports::{
    CancelRequest, DirListing, LeaseOutcome, MediaProbe, MockFileSource, MockMediaProbe, MockMediaRepository,
    MockScanRepository, ProbeError, ScanRecord, WalkEvent, WalkStream,
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
    let events: Vec<WalkEvent> = dirs
        .iter()
        .map(|(dir, files)| {
            WalkEvent::Directory(DirListing {
                path: PathBuf::from(ROOT).join(dir),
                files: files.iter().map(|f| stat(&Path::new(dir).join(f).to_string_lossy())).collect(),
            })
        })
        .collect();
    let mut source = MockFileSource::new();
    source.expect_open_root().returning(Ok);
    source.expect_walk().returning(move |_, _| Ok(WalkStream::from_events(events.clone())));
    source
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

/// A repository that keeps upserted records in a map keyed by path, as a database would.
#[derive(Clone, Default)]
pub struct Stored(Arc<Mutex<HashMap<PathBuf, MediaRecord>>>);

impl Stored {
    pub fn repo(&self) -> MockMediaRepository {
        let map = self.0.clone();
        let mut repo = MockMediaRepository::new();
        repo.expect_upsert().returning(move |records| {
            let mut map = map.lock().unwrap();
            for record in records {
                match map.get_mut(&record.path) {
                    Some(existing) => {
                        let (id, first_seen) = (existing.id, existing.first_seen_at);
                        *existing = MediaRecord { id, first_seen_at: first_seen, ..record };
                    }
                    None => {
                        map.insert(record.path.clone(), record);
                    }
                }
            }
            Ok(())
        });
        repo
    }

    pub fn get(&self, path: &str) -> Option<MediaRecord> {
        self.0.lock().unwrap().get(&PathBuf::from(ROOT).join(path)).cloned()
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
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
