//! One watcher per library across nodes: the watcher holds a lease on `watch:<library>` in the
//! catalog, renewed every third of its TTL. A node that cannot take it stands by (it still
//! serves webhooks) and asks again every tenth of the TTL, so it takes over at most 1.1 TTL
//! after the holder's death (when the holder's last renewal expires).

use std::time::Duration;

use tokio::time::Instant;
use tracing::{info, warn};

use super::WatchHealth;
use crate::Scanner;
use crate::ports::LeaseOutcome;
use crate::scan::ScanId;

/// The lease key of `library`'s watcher (never a scan's: those are `library:` or `path:`).
pub fn watch_lease_key(library: &str) -> String {
    format!("watch:{library}")
}

/// This process's claim on watching one library.
pub(crate) struct WatchLease {
    scanner: Scanner,
    library: String,
    /// What was last published, and when.
    published: Option<(WatchHealth, Instant)>,
    key: String,
    /// Identifies this watcher's claim (a fresh id per watcher, like a scan's).
    id: ScanId,
    held: bool,
    last_try: Option<Instant>,
    last_renewed: Instant,
}

/// What [`WatchLease::tick`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeaseChange {
    None,
    Gained,
    Lost,
}

impl WatchLease {
    pub(crate) fn new(scanner: Scanner, library: &str) -> Self {
        Self {
            scanner,
            library: library.to_owned(),
            published: None,
            key: watch_lease_key(library),
            id: ScanId::new(),
            held: false,
            last_try: None,
            last_renewed: Instant::now(),
        }
    }

    pub(crate) fn held(&self) -> bool {
        self.held
    }

    fn ttl(&self) -> Duration {
        self.scanner.config().lease_ttl
    }

    /// How often the lease is renewed (a third of its TTL, when held) or asked for (a tenth,
    /// when not: a node standing by takes over at most a tenth of a TTL after the lease of a
    /// dead holder expired, for one cheap query every few seconds).
    pub(crate) fn every(&self) -> Duration {
        if self.held { self.ttl() / 3 } else { self.ttl() / 10 }
    }

    /// When the next [`Self::tick`] has something to do.
    pub(crate) fn due(&self) -> Instant {
        self.last_try.map_or_else(Instant::now, |t| t + self.every())
    }

    /// Takes, keeps or loses the lease, when due: a held lease is renewed (lost when another
    /// node has it, or when the database could not be reached for a whole TTL); a lease not
    /// held is asked for.
    pub(crate) async fn tick(&mut self) -> LeaseChange {
        if self.last_try.is_some_and(|t| t.elapsed() < self.every()) {
            return LeaseChange::None;
        }
        self.last_try = Some(Instant::now());
        let scans = self.scanner.scan_repository().clone();
        if self.held {
            match scans.renew_lease(self.key.clone(), self.id, self.ttl()).await {
                Ok(true) => {
                    self.last_renewed = Instant::now();
                    LeaseChange::None
                }
                Ok(false) => {
                    warn!(key = %self.key, "another node took over watching this library");
                    self.held = false;
                    LeaseChange::Lost
                }
                Err(e) if self.last_renewed.elapsed() >= self.ttl() => {
                    warn!(error = %crate::ports::error_chain(&e), key = %self.key,
                        "cannot renew the watch lease for a whole TTL: standing by");
                    self.held = false;
                    LeaseChange::Lost
                }
                Err(e) => {
                    warn!(error = %crate::ports::error_chain(&e), "cannot renew the watch lease; will retry");
                    LeaseChange::None
                }
            }
        } else {
            let holder = self.scanner.config().holder.clone();
            match scans.acquire_lease(self.key.clone(), self.id, holder, self.ttl()).await {
                Ok(LeaseOutcome::Acquired) => {
                    info!(key = %self.key, "took the watch lease: this node watches the library");
                    self.held = true;
                    self.last_renewed = Instant::now();
                    LeaseChange::Gained
                }
                Ok(LeaseOutcome::HeldBy(_)) => LeaseChange::None,
                Err(e) => {
                    warn!(error = %crate::ports::error_chain(&e), "cannot ask for the watch lease; will retry");
                    LeaseChange::None
                }
            }
        }
    }

    /// This node, as it labels what it publishes.
    pub(crate) fn node(&self) -> String {
        self.scanner.config().holder.label()
    }

    /// Publishes `health` for the other nodes and the CLI while this node holds the lease:
    /// when it changed, and at least once per renewal period.
    pub(crate) async fn publish(&mut self, health: &WatchHealth) {
        if !self.held
            || self.published.as_ref().is_some_and(|(last, at)| last == health && at.elapsed() < self.every())
        {
            return;
        }
        let scans = self.scanner.scan_repository().clone();
        match scans.publish_watch_health(self.library.clone(), self.id, self.node(), health.clone()).await {
            Ok(()) => self.published = Some((health.clone(), Instant::now())),
            Err(e) => {
                warn!(error = %crate::ports::error_chain(&e), "cannot publish the watcher's health; will retry")
            }
        }
    }

    /// Gives the lease up so that another node can take over at once.
    pub(crate) async fn release(&mut self) {
        if std::mem::take(&mut self.held)
            && let Err(e) = self.scanner.scan_repository().release_lease(self.key.clone(), self.id).await
        {
            warn!(error = %crate::ports::error_chain(&e), "cannot release the watch lease; it expires by itself");
        }
    }
}
