//! One library's watcher: file-system events (or polls) → settled folders → subtree scans.

mod scopes;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::health::{WatchHealth, WatchMode, WatchState, WatchingMode};
use super::lease::{LeaseChange, WatchLease};
use super::plan::Pending;
use super::schedule::{Schedule, jitter_share};
use crate::Scanner;
use crate::ports::{FileWatcher, Storage, WatchError, WatchSignal, WatchStream};
use crate::scan::ScanOptions;
use scopes::{Running, finished};

/// How often the watcher checks that the library's folder is still there.
const PRESENCE_CHECK: Duration = Duration::from_secs(2);
/// Webhook requests waiting for the watcher's loop.
const HOOK_QUEUE: usize = 1024;
/// How long a scope waits when the library is being scanned already.
const BUSY_RETRY: Duration = Duration::from_secs(2);

/// How one library is watched.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    pub mode: WatchMode,
    pub poll_interval: Duration,
    /// A file is probed once it has not changed for this long.
    pub settle: Duration,
    /// Scan the whole library when watching starts.
    pub scan_on_start: bool,
    /// Full scans on a schedule, skipped while a scan of the library runs.
    pub schedule: Option<Schedule>,
}

/// A library to watch.
#[derive(Debug, Clone)]
pub struct WatchedLibrary {
    pub name: String,
    pub root: PathBuf,
    pub options: ScanOptions,
    pub settings: WatchSettings,
}

/// A running watcher: its health, and the way to stop it.
#[derive(Debug, Clone)]
pub struct WatchHandle {
    health: Arc<Mutex<WatchHealth>>,
    stop: CancellationToken,
    hooks: mpsc::Sender<PathBuf>,
}

impl WatchHandle {
    pub fn health(&self) -> WatchHealth {
        self.health.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Asks for a scan of `path` (a file or a folder in the library) once it has settled, as a
    /// download manager's webhook does; the scan's trigger is `hook`. False when too many
    /// requests are waiting already.
    pub fn hook(&self, path: PathBuf) -> bool {
        self.hooks.try_send(path).is_ok()
    }

    /// Asks the watcher to stop (a running scan is left to the scanner's own shutdown).
    pub fn stop(&self) {
        self.stop.cancel();
    }
}

/// Starts watching `library`; the task ends when `handle.stop()` is called.
pub fn spawn(
    scanner: Scanner,
    watcher: Arc<dyn FileWatcher>,
    library: WatchedLibrary,
) -> (WatchHandle, JoinHandle<()>) {
    let health = Arc::new(Mutex::new(WatchHealth::off()));
    let (hooks, hooks_rx) = mpsc::channel(HOOK_QUEUE);
    let handle = WatchHandle { health: health.clone(), stop: CancellationToken::new(), hooks };
    let pending = Pending::new(library.root.clone(), library.settings.settle);
    let lease = WatchLease::new(scanner.clone(), &library.name);
    let run = Run {
        lease,
        standing_by: false,
        scanner,
        watcher,
        library,
        health,
        stop: handle.stop.clone(),
        pending,
        queue: VecDeque::new(),
        hooks: hooks_rx,
        hooked: Vec::new(),
        next_schedule: None,
        scheduled: false,
    };
    let span = tracing::warn_span!("watch", library = %run.library.name);
    let task = tokio::spawn(tracing::Instrument::instrument(run.run(), span));
    (handle, task)
}

struct Run {
    /// The claim on watching this library: only its holder watches and schedules.
    lease: WatchLease,
    /// This node stood by while another watched: a takeover catches up with a scan.
    standing_by: bool,
    scanner: Scanner,
    watcher: Arc<dyn FileWatcher>,
    library: WatchedLibrary,
    health: Arc<Mutex<WatchHealth>>,
    stop: CancellationToken,
    pending: Pending,
    /// Scopes due and waiting for the library to be free.
    queue: VecDeque<PathBuf>,
    hooks: mpsc::Receiver<PathBuf>,
    /// Folders a webhook asked for and not yet scanned: their scans say `hook`.
    hooked: Vec<PathBuf>,
    /// When the next scheduled scan is due.
    next_schedule: Option<Instant>,
    /// A scheduled scan of the whole library is waiting to start: its scan says `schedule`.
    scheduled: bool,
}

/// How to watch, as chosen by [`Run::choose`].
struct Choice {
    stream: Option<WatchStream>,
    mode: WatchingMode,
    warning: Option<String>,
    state: WatchState,
}

/// Why the inner loop ended.
enum Restart {
    Stop,
    /// Look at the root and choose the mode again; with a reason to poll from now on.
    Again(Option<String>),
}

impl Run {
    fn update(&self, change: impl FnOnce(&mut WatchHealth)) {
        change(&mut self.health.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// Shares the health with the other nodes and the CLI (when this node watches).
    async fn publish(&mut self) {
        let health = self.health.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.lease.publish(&health).await;
    }

    async fn run(mut self) {
        let settings = self.library.settings.clone();
        if settings.scan_on_start && settings.mode != WatchMode::Off {
            self.pending.everything(Instant::now());
        }
        let mut events_failed: Option<String> = None;
        if self.leased() {
            if self.lease.tick().await == LeaseChange::Gained {
                self.gained();
            } else {
                self.standing_by = true;
            }
        }
        loop {
            if !self.wait_for_root().await {
                self.lease.release().await;
                return;
            }
            let Choice { stream, mode, warning, state } = self.choose(&events_failed).await;
            let (watches, limit) = stream.as_ref().map_or((None, None), |s| (s.watches, s.watch_limit));
            let node = self.lease.held().then(|| self.lease.node());
            self.update(|h| {
                h.mode = mode;
                h.state = state;
                h.warning = warning;
                h.watches = watches;
                h.watch_limit = limit;
                h.node = node;
            });
            self.publish().await;
            if state == WatchState::Standby {
                info!("standing by: another node watches {}", self.library.root.display());
            } else {
                info!(mode = ?mode, "watching {}", self.library.root.display());
            }
            match self.watch(stream, mode).await {
                Restart::Stop => {
                    self.lease.release().await;
                    return;
                }
                Restart::Again(reason) => {
                    if let Some(reason) = reason {
                        warn!(warning = %reason, "file-system events failed; polling instead");
                        events_failed = Some(reason);
                    }
                }
            }
        }
    }

    /// The lease was taken: scan on start as configured, or catch up after a takeover (the
    /// node that died may have missed changes).
    fn gained(&mut self) {
        if self.library.settings.scan_on_start || self.standing_by {
            self.pending.everything(Instant::now());
        }
        self.standing_by = false;
    }

    /// Whether this watcher takes part in the lease: one node watches and schedules a library;
    /// a library neither watched nor scheduled only serves webhooks, on every node.
    fn leased(&self) -> bool {
        self.library.settings.mode != WatchMode::Off || self.library.settings.schedule.is_some()
    }

    /// Waits while the root is missing (paused, never marking anything missing); false when
    /// stopped meanwhile.
    async fn wait_for_root(&mut self) -> bool {
        let root = self.library.root.clone();
        if self.watcher.present(root.clone()).await {
            return true;
        }
        let warning = format!(
            "{} is missing (unmounted?): watching is paused and nothing is marked missing until it is back",
            root.display()
        );
        warn!("{warning}");
        self.update(|h| {
            h.state = WatchState::Paused;
            h.warning = Some(warning);
            h.next_scan_at = None;
        });
        self.publish().await;
        loop {
            tokio::select! {
                () = self.stop.cancelled() => return false,
                () = tokio::time::sleep(PRESENCE_CHECK) => {}
            }
            if self.leased() && self.lease.tick().await == LeaseChange::Gained {
                self.standing_by = false;
            }
            self.publish().await;
            if self.watcher.present(root.clone()).await {
                info!("{} is back: catching up with a scan", root.display());
                self.pending.everything(Instant::now());
                return true;
            }
        }
    }

    /// Events where configured and working, else polling; with the warning to show.
    async fn choose(&self, events_failed: &Option<String>) -> Choice {
        let settings = &self.library.settings;
        let root = self.library.root.clone();
        let poll = |warning: Option<String>, degraded| Choice {
            stream: None,
            mode: WatchingMode::Poll,
            warning,
            state: if degraded { WatchState::Degraded } else { WatchState::Ok },
        };
        if self.leased() && !self.lease.held() {
            // Another node watches: this one serves webhooks and asks for the lease again.
            let secs = self.scanner.config().lease_ttl.as_secs();
            let warning = format!(
                "another node watches this library; this node takes over within {secs} s if that node stops"
            );
            return Choice {
                stream: None,
                mode: WatchingMode::Off,
                warning: Some(warning),
                state: WatchState::Standby,
            };
        }
        if settings.mode == WatchMode::Poll {
            return poll(None, false);
        }
        if settings.mode == WatchMode::Off {
            // Not watched: the loop only serves webhooks (and a schedule).
            return Choice { stream: None, mode: WatchingMode::Off, warning: None, state: WatchState::Ok };
        }
        if let Some(reason) = events_failed {
            return poll(Some(reason.clone()), true);
        }
        if settings.mode == WatchMode::Auto
            && let Storage::Network(kind) = self.watcher.storage(root.clone()).await
        {
            return poll(
                Some(format!("{} is on a network file system ({kind}): polling", root.display())),
                false,
            );
        }
        match self.watcher.watch(root).await {
            Ok(stream) => Choice {
                stream: Some(stream),
                mode: WatchingMode::Events,
                warning: None,
                state: WatchState::Ok,
            },
            Err(e @ (WatchError::Limit { .. } | WatchError::Unavailable(_))) => {
                warn!(error = %e, "file-system events unavailable; polling instead");
                poll(Some(e.to_string()), true)
            }
            // Gone between the check and the watch: the next round pauses.
            Err(e) => poll(Some(e.to_string()), true),
        }
    }

    /// Watches (or polls) until stopped, the root goes away or events fail.
    async fn watch(&mut self, mut stream: Option<WatchStream>, mode: WatchingMode) -> Restart {
        let settings = self.library.settings.clone();
        let mut next_poll = (mode == WatchingMode::Poll).then(|| Instant::now() + settings.poll_interval);
        let mut running: Option<Running> = None;
        let mut presence = tokio::time::interval(PRESENCE_CHECK);
        if !self.lease.held() {
            self.next_schedule = None;
        } else if self.next_schedule.is_none() {
            self.plan_schedule();
        }
        loop {
            if running.is_none() {
                running = self.start_next(next_poll.is_some()).await;
            }
            let scan_due =
                [self.pending.next_due(), next_poll, self.next_schedule].into_iter().flatten().min();
            let lease_due = self.leased().then(|| self.lease.due());
            let wake = [scan_due, lease_due].into_iter().flatten().min();
            let wait_secs = scan_due.map(|w| w.saturating_duration_since(Instant::now()));
            self.update(|h| {
                h.next_scan_at = wait_secs
                    .and_then(|d| chrono::TimeDelta::from_std(d).ok())
                    .map(|d| crate::media::now() + d)
            });
            tokio::select! {
                () = self.stop.cancelled() => return Restart::Stop,
                signal = next_signal(&mut stream) => match signal {
                    Some(WatchSignal::Changed(paths)) => {
                        let now = Instant::now();
                        let noticed = paths.iter().filter(|p| self.pending.changed(p, now)).count();
                        if noticed > 0 {
                            self.update(|h| h.last_event_at = Some(crate::media::now()));
                        }
                    }
                    Some(WatchSignal::Overflow) => self.pending.everything(Instant::now() + settings.settle),
                    Some(WatchSignal::RootGone) => return Restart::Again(None),
                    Some(WatchSignal::Failed(reason)) => return Restart::Again(Some(reason)),
                    None => return Restart::Again(Some("the file-system watch ended".to_owned())),
                },
                Some(path) = self.hooks.recv() => self.hooked(path).await,
                outcome = finished(&mut running) => {
                    if let Some((scope, poll, outcome)) = outcome {
                        self.finished(scope, poll, outcome).await;
                    }
                    running = None;
                }
                () = sleep_until(wake) => {
                    if self.leased() {
                        match self.lease.tick().await {
                            LeaseChange::Gained => {
                                self.gained();
                                return Restart::Again(None);
                            }
                            LeaseChange::Lost => {
                                self.standing_by = true;
                                return Restart::Again(None);
                            }
                            LeaseChange::None => self.publish().await,
                        }
                    }
                    if next_poll.is_some_and(|at| at <= Instant::now()) {
                        self.pending.everything(Instant::now());
                        next_poll = Some(Instant::now() + settings.poll_interval);
                    }
                    if self.next_schedule.is_some_and(|at| at <= Instant::now()) {
                        if running.is_some() {
                            info!("scheduled scan skipped: the library is being scanned");
                        } else {
                            self.pending.everything(Instant::now());
                            self.scheduled = true;
                        }
                        self.plan_schedule();
                    }
                }
                _ = presence.tick() => {
                    if !self.watcher.present(self.library.root.clone()).await {
                        return Restart::Again(None);
                    }
                }
            }
        }
    }

    /// Sets when the next scheduled scan is due (none without a schedule).
    fn plan_schedule(&mut self) {
        self.next_schedule = self.library.settings.schedule.map(|schedule| {
            let now = crate::media::now();
            let next = schedule.next_after(now, jitter_share(&self.library.name));
            Instant::now() + (next - now).to_std().unwrap_or_default()
        });
    }
}

async fn next_signal(stream: &mut Option<WatchStream>) -> Option<WatchSignal> {
    match stream {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
