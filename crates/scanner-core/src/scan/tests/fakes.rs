//! Fakes of the ports for the scanner's tests: mockall mocks for the file source and the probe,
//! and the in-memory repositories (which pass the repository contract) for the catalog.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use tokio::sync::Semaphore;

use crate::media::{FileIdentity, FileStat, MediaInfo, MediaRecord};
use crate::ports::{
    DirListing, FileSourceError, MediaProbe, MediaRepository, MockFileSource, MockMediaProbe, ProbeError,
    ScanRepository, WalkEvent, WalkStream,
};
use crate::scan::{Scanner, ScannerConfig, ScannerPorts};
use crate::testing::{CatalogStats, InMemoryCatalog, InMemoryScans};

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
/// between scans; and the files some process holds open for writing.
#[derive(Clone, Default)]
pub struct Disk(pub Arc<Mutex<BTreeMap<PathBuf, (FileStat, String)>>>, pub Arc<Mutex<BTreeSet<PathBuf>>>);

impl Disk {
    /// Puts a file (path relative to [`ROOT`]) with a size and a modification time offset; its
    /// content fingerprint follows from both.
    /// Marks a file (path relative to [`ROOT`]) held open for writing by some process, or not.
    pub fn writing(&self, path: &str, open: bool) {
        let path = PathBuf::from(ROOT).join(path);
        let mut writing = self.1.lock().unwrap();
        if open {
            writing.insert(path);
        } else {
            writing.remove(&path);
        }
    }

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

    /// Sets a file's modification time (a write in progress, say).
    pub fn touch(&self, path: &str, modified: chrono::DateTime<Utc>) {
        if let Some((stat, _)) = self.0.lock().unwrap().get_mut(&PathBuf::from(ROOT).join(path)) {
            stat.modified = modified;
        }
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
        let writing = self.1.clone();
        source.expect_open_for_writing().returning(move |paths| {
            let writing = writing.lock().unwrap();
            paths.into_iter().filter(|p| writing.contains(p)).collect()
        });
        let files = self.0.clone();
        source.expect_walk().returning(move |root, _| {
            let mut dirs: BTreeMap<PathBuf, Vec<FileStat>> = BTreeMap::new();
            for (stat, _) in files.lock().unwrap().values().filter(|(s, _)| s.path.starts_with(&root)) {
                dirs.entry(stat.path.parent().unwrap().to_path_buf()).or_default().push(stat.clone());
            }
            let events = dirs
                .into_iter()
                .map(|(path, files)| WalkEvent::Directory(DirListing { path, files, sidecars: Vec::new() }))
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

/// The catalog of media files: the in-memory implementation that passes the repository
/// contract, with helpers taking paths relative to [`ROOT`].
#[derive(Clone, Default)]
pub struct Stored(pub InMemoryCatalog);

impl Stored {
    pub fn repo(&self) -> InMemoryCatalog {
        self.0.clone()
    }

    pub fn get(&self, path: &str) -> Option<MediaRecord> {
        self.0.record(&PathBuf::from(ROOT).join(path))
    }

    pub fn len(&self) -> usize {
        self.0.records().len()
    }

    pub fn records(&self) -> Vec<MediaRecord> {
        self.0.records()
    }

    pub fn stats(&self) -> CatalogStats {
        self.0.stats()
    }
}

pub fn scanner(
    source: MockFileSource,
    probe: impl MediaProbe + 'static,
    repo: impl MediaRepository + 'static,
) -> Scanner {
    scanner_with(source, probe, repo, ScannerConfig::default())
}

pub fn scanner_with(
    source: MockFileSource,
    probe: impl MediaProbe + 'static,
    repo: impl MediaRepository + 'static,
    config: ScannerConfig,
) -> Scanner {
    scanner_full(source, probe, repo, InMemoryScans::default(), config)
}

pub fn scanner_full(
    source: MockFileSource,
    probe: impl MediaProbe + 'static,
    repo: impl MediaRepository + 'static,
    scans: impl ScanRepository + 'static,
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
    // A generous deadline: a busy machine is slow, never wrong.
    for _ in 0..3000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached in 30 s");
}
