//! The keeper of a running scan: saves its progress to the scan record (throttled), renews its
//! lease, and picks up cancels requested by other nodes. Runs beside the pipeline stages.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::pipeline::{Fatal, ScanJob};

/// Saves progress every `persist_interval` and renews the lease every third of its TTL until
/// `done` is cancelled. Losing the lease — another node took it after it expired, or it could
/// not be renewed for a whole TTL — ends the scan: two nodes must never scan one library.
pub(crate) async fn keep(job: &ScanJob, fatal: &Fatal, done: &CancellationToken) {
    let mut ticks = tokio::time::interval(job.config.persist_interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let renew_every = job.config.lease_ttl / 3;
    let mut last_renew = Instant::now();
    let mut last_renewed = Instant::now();
    loop {
        tokio::select! {
            _ = done.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match job.scans.save(job.state.snapshot()).await {
            Ok(true) if !job.cancel.is_cancelled() => {
                tracing::info!("cancel requested through the catalog");
                job.cancel.cancel();
            }
            Ok(_) => {}
            Err(e) => warn!(error = %crate::ports::error_chain(&e), "cannot save scan progress; will retry"),
        }
        if last_renew.elapsed() < renew_every {
            continue;
        }
        last_renew = Instant::now();
        match job.scans.renew_lease(job.lease_key.clone(), job.state.id, job.config.lease_ttl).await {
            Ok(true) => last_renewed = Instant::now(),
            Ok(false) => fatal.raise(format!("lost the lease on {} to another scan", job.lease_key)),
            Err(e) if last_renewed.elapsed() >= job.config.lease_ttl => {
                fatal.raise(format!(
                    "cannot renew the lease on {} for {:?}: {}",
                    job.lease_key,
                    job.config.lease_ttl,
                    crate::ports::error_chain(&e)
                ));
            }
            Err(e) => {
                warn!(error = %crate::ports::error_chain(&e), "cannot renew the scan lease; will retry")
            }
        }
    }
}

/// Saves the final progress and releases the lease, retrying a few times: a scan that ended
/// must not stay `running` in the catalog if the database hiccups at that moment.
pub(crate) async fn conclude(job: &ScanJob) {
    let snapshot = job.state.final_snapshot();
    for attempt in 0..5u32 {
        match job.scans.save(snapshot.clone()).await {
            Ok(_) => break,
            Err(e) if attempt == 4 => {
                warn!(error = %crate::ports::error_chain(&e), "cannot save the final scan progress")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200 << attempt)).await,
        }
    }
    if let Err(e) = job.scans.release_lease(job.lease_key.clone(), job.state.id).await {
        // It expires by itself after its TTL.
        warn!(error = %crate::ports::error_chain(&e), "cannot release the scan lease");
    }
}
