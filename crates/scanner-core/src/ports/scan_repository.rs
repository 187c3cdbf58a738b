//! The `ScanRepository` port: scan records and the leases that keep one scan per library.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::RepoError;
use crate::scan::{ScanId, ScanProgress, ScanStatus};
use crate::watch::WatchHealth;

/// The process holding a lease: which host, which process, which run of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaseHolder {
    pub host: String,
    pub pid: u32,
    /// Random per process start, so a restarted process never mistakes an old lease for its own.
    pub instance: uuid::Uuid,
}

impl LeaseHolder {
    /// `host:pid`, as shown in scan records.
    pub fn label(&self) -> String {
        format!("{}:{}", self.host, self.pid)
    }
}

impl Default for LeaseHolder {
    fn default() -> Self {
        Self { host: "localhost".to_owned(), pid: 0, instance: uuid::Uuid::new_v4() }
    }
}

/// What asking for a lease gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseOutcome {
    Acquired,
    /// Another scan holds an unexpired lease on the key.
    HeldBy(ScanId),
}

/// What asking the database to cancel a scan gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRequest {
    /// The flag is set; the node running the scan cancels it at its next progress save.
    Requested,
    NotFound,
    NotRunning(ScanStatus),
}

/// What asking to delete a scan record gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanDeletion {
    Deleted,
    NotFound,
    /// The scan is running: it is kept.
    Running,
}

/// The error a scan interrupted by [`ScanRepository::interrupt_expired`] records.
pub const LEASE_EXPIRED: &str = "the scan's lease expired: the process running it stopped";

/// A persisted scan: its progress, the lease key it runs under, and who runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRecord {
    pub progress: ScanProgress,
    pub lease_key: String,
    pub holder: LeaseHolder,
}

/// The health a library's watcher published, read by every node and by the CLI.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedHealth {
    pub library: String,
    /// The node that watches (`host:pid`).
    pub node: String,
    pub health: WatchHealth,
}

/// Which scans to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanQuery {
    pub library: Option<String>,
    pub status: Option<ScanStatus>,
    pub limit: Option<u64>,
}

/// Scan records and the leases that keep one scan per library across processes and machines.
///
/// Leases expire by the database's clock, so nodes with skewed clocks still agree.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ScanRepository: Send + Sync {
    /// Takes the lease on `key` for `scan` if it is free or expired. MUST be atomic: of any
    /// number of simultaneous callers on any number of nodes, at most one acquires.
    async fn acquire_lease(
        &self,
        key: String,
        scan: ScanId,
        holder: LeaseHolder,
        ttl: Duration,
    ) -> Result<LeaseOutcome, RepoError>;

    /// Extends the lease `scan` holds on `key`; `false` when it no longer holds it.
    async fn renew_lease(&self, key: String, scan: ScanId, ttl: Duration) -> Result<bool, RepoError>;

    /// Gives the lease up (nothing happens when `scan` does not hold it).
    async fn release_lease(&self, key: String, scan: ScanId) -> Result<(), RepoError>;

    /// Records a new scan.
    async fn insert(&self, record: ScanRecord) -> Result<(), RepoError>;

    /// Saves a scan's progress; returns whether a cancel was requested for it (by any node).
    async fn save(&self, progress: ScanProgress) -> Result<bool, RepoError>;

    async fn get(&self, id: ScanId) -> Result<Option<ScanRecord>, RepoError>;

    /// Scans, newest first.
    async fn list(&self, query: ScanQuery) -> Result<Vec<ScanRecord>, RepoError>;

    /// Asks whichever node runs the scan to cancel it.
    async fn request_cancel(&self, id: ScanId) -> Result<CancelRequest, RepoError>;

    /// Marks `running` scans whose lease expired (or vanished) `interrupted` (phase `finished`,
    /// error [`LEASE_EXPIRED`]) and returns them. A lease is the only sign of life: a process
    /// is never judged by its host name or pid (containers share both).
    async fn interrupt_expired(&self) -> Result<Vec<ScanId>, RepoError>;

    /// Removes a finished scan's record from the history. A running scan is not removed.
    async fn delete(&self, id: ScanId) -> Result<ScanDeletion, RepoError>;

    /// Publishes the health of `library`'s watcher, the one holding the lease
    /// [`crate::watch::watch_lease_key`] under the id `watcher`; replaces what was published
    /// before for the library.
    async fn publish_watch_health(
        &self,
        library: String,
        watcher: ScanId,
        node: String,
        health: WatchHealth,
    ) -> Result<(), RepoError>;

    /// What live watchers published: only libraries whose watch lease is held, unexpired, by
    /// the watcher that published (a stopped or dead watcher's health is never returned).
    async fn watch_health(&self) -> Result<Vec<PublishedHealth>, RepoError>;
}
