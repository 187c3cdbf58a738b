//! The database misbehaving under a running scan, through the binary: a SQLite file locked by
//! another writer, a disk that fills up, a PostgreSQL server that restarts. A short outage is
//! ridden out; a long one fails the scan with a clear error, leaves every stored row intact,
//! and the next scan picks up where the failed one stopped.

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use e2e::json;
use testkit::faults::{Proxy, SmallDisk, SqliteLock, sqlite_integrity};
use testkit::presets;

use crate::db::{self, Db};
use crate::faults::{Library, count};

const FILES: usize = 10;

/// A library of [`FILES`] videos and an ffprobe that takes a second per file and leaves a
/// mark when the first probe starts, so that a fault can be injected mid-scan.
struct SlowScan {
    lib: Library,
    ffprobe: PathBuf,
    marker: PathBuf,
}

impl SlowScan {
    fn new(db: &Db) -> Self {
        let lib = Library::new(db);
        for i in 1..=FILES {
            testkit::place(&presets::h264_aac_mp4(), &lib.path(format!("Show/Season 1/Show.S01E{i:02}.mp4")));
        }
        let marker = lib.dir.path().join("probing");
        let ffprobe = lib.ffprobe_with(&format!(
            "[ \"$last\" = -version ] || {{ touch '{}'; sleep 1; }}",
            marker.display()
        ));
        Self { lib, ffprobe, marker }
    }

    /// A configuration file that sets how long the scan retries an unavailable database, and
    /// a short lease: a scan that failed because the database was gone could not release its
    /// lease, and the next one may start once the lease expired.
    fn retry_config(&self, secs: u64) -> PathBuf {
        let path = self.lib.dir.path().join("config.toml");
        std::fs::write(&path, format!("[scanner]\ndb_retry_secs = {secs}\nlease_ttl_secs = 3\n")).unwrap();
        path
    }

    /// Starts a scan with the slow ffprobe and returns once its first probe has begun.
    async fn start(&self, config: Option<&Path>) -> Child {
        let mut command = self.lib.scan_command(&[]);
        command
            .env("MEDIASCAN_FFPROBE", &self.ffprobe)
            .env("MEDIASCAN_PROBE", "ffprobe")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        let mut child = command.spawn().unwrap();
        for _ in 0..600 {
            if self.marker.exists() {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the scan never started probing");
    }

    fn ok_rows(&self) -> usize {
        self.lib.media().iter().filter(|m| m["status"] == "ok").count()
    }
}

async fn finish(child: Child) -> (Output, Value) {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
    let done = json(&output);
    (output, done)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// After a failed scan: the next one completes (once the failed scan's lease expired, if it
/// could not release it), reprobes only what was not stored, and the catalog holds every file
/// once.
fn rescan_picks_up(scan: &SlowScan, stored: usize, config: &Path) {
    let again = scan.lib.scan_when_free(&["--config", &config.to_string_lossy()]);
    assert_eq!(count(&again, "unchanged_files") as usize, stored, "{again}");
    assert_eq!(count(&again, "new_files") as usize, FILES - stored, "{again}");
    assert_eq!(scan.ok_rows(), FILES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_locked_for_longer_than_the_busy_timeout_is_waited_out() {
    let db = db::sqlite();
    let scan = SlowScan::new(&db);
    let child = scan.start(None).await;
    let lock = SqliteLock::take(Path::new(db.url.trim_start_matches("sqlite://"))).await;
    // Longer than the 10 s SQLite busy timeout: the scan's own retry carries it through.
    tokio::time::sleep(Duration::from_secs(13)).await;
    lock.release().await;
    let (output, done) = finish(child).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        (done["status"].as_str(), count(&done, "succeeded") as usize),
        (Some("completed"), FILES),
        "{done}"
    );
    assert!(stderr(&output).contains("retrying"), "the wait is logged: {}", stderr(&output));
    assert_eq!(scan.ok_rows(), FILES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_locked_beyond_the_retry_budget_fails_the_scan_cleanly() {
    let db = db::sqlite();
    let scan = SlowScan::new(&db);
    let config = scan.retry_config(1);
    let child = scan.start(Some(&config)).await;
    let lock = SqliteLock::take(Path::new(db.url.trim_start_matches("sqlite://"))).await;
    tokio::time::sleep(Duration::from_secs(14)).await;
    lock.release().await;
    let (output, done) = finish(child).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(done["status"], "failed", "{done}");
    let error = done["error"].as_str().unwrap();
    assert!(error.contains("stayed unavailable") && error.contains("locked"), "{error}");
    rescan_picks_up(&scan, scan.ok_rows(), &config);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_the_scan_cleanly_and_the_catalog_survives() {
    let test = "dbfaults::a_full_disk_fails_the_scan_cleanly_and_the_catalog_survives";
    let Some(disk) = SmallDisk::mount(test, 4096) else { return };
    let db = Db { url: format!("sqlite://{}", disk.path.join("catalog.db").display()), ..db::sqlite() };
    let scan = SlowScan::new(&db);
    let config = scan.retry_config(2);
    let child = scan.start(Some(&config)).await;
    let filler = disk.fill();
    let (output, done) = finish(child).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(done["status"], "failed", "{done}");
    let error = done["error"].as_str().unwrap();
    assert!(error.contains("full"), "{error}");

    std::fs::remove_file(filler).unwrap();
    assert_eq!(sqlite_integrity(&disk.path.join("catalog.db")).await, "ok");
    rescan_picks_up(&scan, scan.ok_rows(), &config);
}

/// A scan against PostgreSQL through a proxy that drops every connection for `outage`.
async fn postgres_outage(
    test: &str,
    outage: Duration,
    retry_secs: Option<u64>,
) -> Option<(Db, SlowScan, Output, Value, Option<PathBuf>)> {
    let db = db::postgres(test).await?;
    let proxy = Proxy::start(&testkit::faults::host_port(&db.url)).await;
    let through_proxy = Db { url: proxy.url_for(&db.url), ..db };
    let scan = SlowScan::new(&through_proxy);
    let config = retry_secs.map(|secs| scan.retry_config(secs));
    let child = scan.start(config.as_deref()).await;
    proxy.down();
    tokio::time::sleep(outage).await;
    proxy.up();
    let (output, done) = finish(child).await;
    Some((through_proxy, scan, output, done, config))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_mid_scan_is_ridden_out() {
    let test = "dbfaults::a_postgres_restart_mid_scan_is_ridden_out";
    let Some((_db, scan, output, done, _)) = postgres_outage(test, Duration::from_secs(4), None).await else {
        return;
    };
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        (done["status"].as_str(), count(&done, "succeeded") as usize),
        (Some("completed"), FILES),
        "{done}"
    );
    assert_eq!(scan.ok_rows(), FILES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_outage_beyond_the_retry_budget_fails_the_scan_and_keeps_its_rows() {
    let test = "dbfaults::a_postgres_outage_beyond_the_retry_budget_fails_the_scan_and_keeps_its_rows";
    let Some((_db, scan, output, done, config)) =
        postgres_outage(test, Duration::from_secs(8), Some(2)).await
    else {
        return;
    };
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(done["status"], "failed", "{done}");
    assert!(done["error"].as_str().unwrap().contains("stayed unavailable"), "{done}");
    rescan_picks_up(&scan, scan.ok_rows(), &config.unwrap());
}
