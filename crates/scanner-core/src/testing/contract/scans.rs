//! Scan records and leases.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};

use crate::ports::{
    CancelRequest, LEASE_EXPIRED, LeaseHolder, LeaseOutcome, ScanDeletion, ScanQuery, ScanRecord,
    ScanRepository,
};
use crate::scan::{ScanId, ScanIssue, ScanPhase, ScanProgress, ScanStatus, ScanTrigger};

fn holder(host: &str) -> LeaseHolder {
    LeaseHolder { host: host.into(), pid: 4242, instance: uuid::Uuid::new_v4() }
}

fn progress(library: &str, started_secs: i64) -> ScanProgress {
    ScanProgress {
        scan_id: ScanId::new(),
        library: Some(library.into()),
        root: PathBuf::from(format!("/srv/{library}")),
        node: Some("box:4242".into()),
        // A subtree scan by a hook: trigger and scope must come back as stored.
        trigger: ScanTrigger::Hook,
        scope: Some(PathBuf::from(format!("/srv/{library}/Show"))),
        status: ScanStatus::Running,
        total_files: 0,
        walk_complete: false,
        processed: 0,
        succeeded: 0,
        failed: 0,
        current_file: None,
        started_at: Utc.timestamp_opt(1_700_000_000 + started_secs, 0).unwrap(),
        ended_at: None,
        error: None,
        errors: vec![],
        errors_total: 0,
        phase: ScanPhase::Walking,
        new_files: 0,
        changed_files: 0,
        unchanged_files: 0,
        moved_files: 0,
        missing_files: 0,
        deferred_files: 2,
        files_per_sec: 0.0,
        eta_secs: None,
        warnings: vec![],
        warnings_total: 0,
        expected_files: None,
        probes: [("native".to_owned(), 3), ("ffprobe".to_owned(), 1)].into(),
    }
}

fn record(progress: ScanProgress) -> ScanRecord {
    let lease_key = format!("library:{}", progress.library.clone().unwrap_or_default());
    ScanRecord { progress, lease_key, holder: holder("box") }
}

const MINUTE: Duration = Duration::from_secs(60);

pub async fn scan_records_round_trip_and_list_newest_first(scans: Arc<dyn ScanRepository>) {
    let older = record(progress("tv", 0));
    let mut newer = record(progress("movies", 10));
    newer.progress.current_file = Some(PathBuf::from("/srv/movies/ünïcode 100%.mkv"));
    scans.insert(older.clone()).await.unwrap();
    scans.insert(newer.clone()).await.unwrap();

    assert_eq!(scans.get(older.progress.scan_id).await.unwrap(), Some(older.clone()));
    assert_eq!(scans.get(ScanId::new()).await.unwrap(), None);
    let all = scans.list(ScanQuery::default()).await.unwrap();
    assert_eq!(all, vec![newer.clone(), older.clone()]);
    let tv = scans.list(ScanQuery { library: Some("tv".into()), ..ScanQuery::default() }).await.unwrap();
    assert_eq!(tv, vec![older]);
    let one = scans.list(ScanQuery { limit: Some(1), ..ScanQuery::default() }).await.unwrap();
    assert_eq!(one, vec![newer]);
}

pub async fn saving_progress_updates_a_running_scan_and_reports_cancels(scans: Arc<dyn ScanRepository>) {
    let rec = record(progress("tv", 0));
    let id = rec.progress.scan_id;
    scans.insert(rec.clone()).await.unwrap();

    let mut p = rec.progress.clone();
    p.total_files = 100;
    p.processed = 40;
    p.succeeded = 39;
    p.failed = 1;
    p.walk_complete = true;
    p.errors = vec![ScanIssue { path: PathBuf::from("/srv/tv/bad.mkv"), message: "Invalid data".into() }];
    p.errors_total = 1;
    p.phase = ScanPhase::Probing;
    p.new_files = 30;
    p.unchanged_files = 10;
    p.files_per_sec = 12.5;
    p.eta_secs = Some(5.0);
    p.warnings = vec!["something to know".into()];
    p.warnings_total = 7;
    p.expected_files = Some(120);
    assert!(!scans.save(p.clone()).await.unwrap(), "no cancel requested yet");
    assert_eq!(scans.get(id).await.unwrap().unwrap().progress, p);

    assert_eq!(scans.request_cancel(id).await.unwrap(), CancelRequest::Requested);
    assert!(scans.save(p.clone()).await.unwrap(), "the cancel shows on the next save");

    p.status = ScanStatus::Cancelled;
    p.ended_at = Some(crate::media::now());
    scans.save(p.clone()).await.unwrap();
    assert_eq!(scans.get(id).await.unwrap().unwrap().progress.status, ScanStatus::Cancelled);
    assert_eq!(scans.request_cancel(id).await.unwrap(), CancelRequest::NotRunning(ScanStatus::Cancelled));
    assert_eq!(scans.request_cancel(ScanId::new()).await.unwrap(), CancelRequest::NotFound);

    // A finished scan is not written over (a late save from a stale node changes nothing).
    let mut late = p.clone();
    late.status = ScanStatus::Running;
    late.processed = 1;
    scans.save(late).await.unwrap();
    assert_eq!(scans.get(id).await.unwrap().unwrap().progress, p);
}

pub async fn a_lease_has_one_holder_until_it_expires_or_is_released(scans: Arc<dyn ScanRepository>) {
    let (first, second) = (ScanId::new(), ScanId::new());
    let key = "library:tv".to_owned();
    assert_eq!(
        scans.acquire_lease(key.clone(), first, holder("a"), MINUTE).await.unwrap(),
        LeaseOutcome::Acquired
    );
    assert_eq!(
        scans.acquire_lease(key.clone(), second, holder("b"), MINUTE).await.unwrap(),
        LeaseOutcome::HeldBy(first)
    );
    assert!(scans.renew_lease(key.clone(), first, MINUTE).await.unwrap());
    assert!(!scans.renew_lease(key.clone(), second, MINUTE).await.unwrap(), "only the holder renews");
    // Releasing someone else's lease does nothing.
    scans.release_lease(key.clone(), second).await.unwrap();
    assert_eq!(
        scans.acquire_lease(key.clone(), second, holder("b"), MINUTE).await.unwrap(),
        LeaseOutcome::HeldBy(first)
    );
    scans.release_lease(key.clone(), first).await.unwrap();
    assert_eq!(
        scans.acquire_lease(key.clone(), second, holder("b"), MINUTE).await.unwrap(),
        LeaseOutcome::Acquired
    );
    // Other keys are independent.
    assert_eq!(
        scans.acquire_lease("library:movies".into(), first, holder("a"), MINUTE).await.unwrap(),
        LeaseOutcome::Acquired
    );
}

pub async fn an_expired_lease_is_taken_over_by_the_database_clock(scans: Arc<dyn ScanRepository>) {
    let (dead, next) = (ScanId::new(), ScanId::new());
    let key = "library:tv".to_owned();
    let short = Duration::from_millis(50);
    assert_eq!(
        scans.acquire_lease(key.clone(), dead, holder("a"), short).await.unwrap(),
        LeaseOutcome::Acquired
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        scans.acquire_lease(key.clone(), next, holder("b"), MINUTE).await.unwrap(),
        LeaseOutcome::Acquired
    );
    assert!(!scans.renew_lease(key, dead, MINUTE).await.unwrap(), "the old holder lost it");
}

pub async fn of_many_simultaneous_acquirers_exactly_one_wins(scans: Arc<dyn ScanRepository>) {
    let attempts: Vec<_> = (0..12)
        .map(|i| {
            let scans = scans.clone();
            tokio::spawn(async move {
                scans
                    .acquire_lease("library:tv".into(), ScanId::new(), holder(&format!("node{i}")), MINUTE)
                    .await
            })
        })
        .collect();
    let mut acquired = 0;
    for attempt in attempts {
        if attempt.await.unwrap().unwrap() == LeaseOutcome::Acquired {
            acquired += 1;
        }
    }
    assert_eq!(acquired, 1);
}

pub async fn running_scans_without_a_live_lease_are_interrupted(scans: Arc<dyn ScanRepository>) {
    let live = record(progress("tv", 0));
    let expired = record(progress("movies", 1));
    let leaseless = record(progress("music", 2));
    let mut finished = record(progress("docs", 3));
    finished.progress.status = ScanStatus::Completed;
    for r in [&live, &expired, &leaseless, &finished] {
        scans.insert(r.clone()).await.unwrap();
    }
    let (live_id, expired_id) = (live.progress.scan_id, expired.progress.scan_id);
    scans.acquire_lease(live.lease_key.clone(), live_id, live.holder.clone(), MINUTE).await.unwrap();
    scans
        .acquire_lease(
            expired.lease_key.clone(),
            expired_id,
            expired.holder.clone(),
            Duration::from_millis(20),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut interrupted = scans.interrupt_expired().await.unwrap();
    interrupted.sort();
    let mut expected = vec![expired_id, leaseless.progress.scan_id];
    expected.sort();
    assert_eq!(interrupted, expected);
    let status = |r: &ScanRecord| {
        let scans = scans.clone();
        let id = r.progress.scan_id;
        async move { scans.get(id).await.unwrap().unwrap().progress }
    };
    let gone = status(&expired).await;
    assert_eq!(gone.status, ScanStatus::Interrupted);
    assert!(gone.ended_at.is_some());
    assert_eq!((gone.phase, gone.error.as_deref()), (ScanPhase::Finished, Some(LEASE_EXPIRED)));
    assert_eq!(status(&live).await.status, ScanStatus::Running);
    assert_eq!(status(&finished).await.status, ScanStatus::Completed);
    assert!(scans.interrupt_expired().await.unwrap().is_empty(), "only once");
}

pub async fn finished_scans_can_be_deleted_running_ones_cannot(scans: Arc<dyn ScanRepository>) {
    let running = record(progress("tv", 0));
    let mut done = record(progress("movies", 1));
    done.progress.status = ScanStatus::Completed;
    for r in [&running, &done] {
        scans.insert(r.clone()).await.unwrap();
    }
    assert_eq!(scans.delete(running.progress.scan_id).await.unwrap(), ScanDeletion::Running);
    assert_eq!(scans.delete(done.progress.scan_id).await.unwrap(), ScanDeletion::Deleted);
    assert_eq!(scans.delete(done.progress.scan_id).await.unwrap(), ScanDeletion::NotFound);
    assert_eq!(scans.get(done.progress.scan_id).await.unwrap(), None);
    assert!(scans.get(running.progress.scan_id).await.unwrap().is_some());
    let left = scans.list(ScanQuery::default()).await.unwrap();
    assert_eq!(left.len(), 1);
}

pub async fn only_a_live_watchers_published_health_is_read(scans: Arc<dyn ScanRepository>) {
    use crate::watch::{WatchHealth, WatchState, WatchingMode, watch_lease_key};
    let ttl = Duration::from_secs(60);
    let (tv, films) = (ScanId::new(), ScanId::new());
    let mut health = WatchHealth::off();
    health.mode = WatchingMode::Events;
    health.watches = Some(12);
    health.last_event_at = Some(Utc.timestamp_opt(1_700_000_000, 0).unwrap());
    health.warning = Some("polling \"soon\" 💾".into());
    // Published without holding the lease: never read.
    scans.publish_watch_health("tv".into(), tv, "a:1".into(), health.clone()).await.unwrap();
    assert_eq!(scans.watch_health().await.unwrap(), vec![]);
    let lease = |id| scans.acquire_lease(watch_lease_key("tv"), id, holder("a"), ttl);
    assert_eq!(lease(tv).await.unwrap(), LeaseOutcome::Acquired);
    let read = scans.watch_health().await.unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!((read[0].library.as_str(), read[0].node.as_str()), ("tv", "a:1"));
    assert_eq!(read[0].health, health);
    // A newer report replaces the old one.
    health.state = WatchState::Degraded;
    scans.publish_watch_health("tv".into(), tv, "a:1".into(), health.clone()).await.unwrap();
    assert_eq!(scans.watch_health().await.unwrap()[0].health.state, WatchState::Degraded);
    // Another library's watcher without a lease, and a watcher that is not the holder.
    scans.publish_watch_health("films".into(), films, "b:2".into(), health.clone()).await.unwrap();
    assert_eq!(scans.watch_health().await.unwrap().len(), 1);
    // Released (stopped): nothing is read any more.
    scans.release_lease(watch_lease_key("tv"), tv).await.unwrap();
    assert_eq!(scans.watch_health().await.unwrap(), vec![]);
}
