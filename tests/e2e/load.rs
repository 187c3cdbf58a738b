//! `mediascan serve` under load: 20 clients polling progress and following event streams while
//! scans are started and cancelled over and over. Only 2xx and the expected 409s come back, and
//! afterwards the server holds no more child processes, threads, descriptors or memory than
//! before.

use std::collections::BTreeMap;
use std::fs;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use e2e::Server;

use crate::db::Db;
use crate::{Tree, config, on_both, slow_ffprobe};

/// What `/proc` says about a process: its children, threads, open descriptors and RSS.
#[derive(Debug, Clone, Copy)]
struct Footprint {
    children: usize,
    threads: usize,
    fds: usize,
    rss_kib: u64,
}

impl Footprint {
    fn of(pid: u32) -> Self {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let field = |name: &str| -> u64 {
            let line = status.lines().find(|l| l.starts_with(name)).unwrap();
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        };
        let children = fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| fs::read_to_string(e.ok()?.path().join("stat")).ok())
            .filter(|stat| {
                // The parent pid is the second field after the parenthesised command name.
                stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1))
                    == Some(pid.to_string().as_str())
            })
            .count();
        Self {
            children,
            threads: field("Threads:") as usize,
            fds: fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count(),
            rss_kib: field("VmRSS:"),
        }
    }
}

/// Status codes seen, by request kind.
type Tally = Arc<Mutex<BTreeMap<String, usize>>>;

fn count(tally: &Tally, what: &str, status: StatusCode) {
    *tally.lock().unwrap().entry(format!("{what} {}", status.as_u16())).or_default() += 1;
}

async fn latest_scan(client: &reqwest::Client, server: &Server) -> Option<String> {
    let body: Value = client.get(server.url("/api/v1/scans?limit=1")).send().await.ok()?.json().await.ok()?;
    body["scans"][0]["scan_id"].as_str().map(str::to_owned)
}

/// A client that polls the newest scan's progress and the catalog until `until`.
async fn poller(server: Arc<Server>, tally: Tally, until: Instant) {
    let client = reqwest::Client::new();
    while Instant::now() < until {
        if let Some(id) = latest_scan(&client, &server).await {
            let response = client.get(server.url(&format!("/api/v1/scans/{id}"))).send().await.unwrap();
            count(&tally, "GET scan", response.status());
        }
        let response = client.get(server.url("/api/v1/media?limit=50")).send().await.unwrap();
        count(&tally, "GET media", response.status());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A client that follows the newest scan's event stream to its end, again and again.
async fn follower(server: Arc<Server>, tally: Tally, until: Instant) {
    let client = reqwest::Client::new();
    while Instant::now() < until {
        let Some(id) = latest_scan(&client, &server).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let response = client.get(server.url(&format!("/api/v1/scans/{id}/events"))).send().await.unwrap();
        count(&tally, "GET events", response.status());
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            chunk.expect("an event stream broke off");
        }
    }
}

/// Starts a scan, lets it run a moment, cancels it; over and over until `until`.
async fn starter(server: Arc<Server>, tally: Tally, until: Instant) -> usize {
    let client = reqwest::Client::new();
    let mut cycles = 0;
    while Instant::now() < until {
        let response = client
            .post(server.url("/api/v1/scans"))
            .json(&json!({ "library": "lib", "force": true }))
            .send()
            .await;
        let response = response.unwrap();
        count(&tally, "POST scan", response.status());
        let started: Value = response.json().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Some(id) = started["scan_id"].as_str() {
            let response =
                client.post(server.url(&format!("/api/v1/scans/{id}/cancel"))).send().await.unwrap();
            count(&tally, "DELETE scan", response.status());
            cycles += 1;
        }
    }
    cycles
}

/// One round of load for `secs`: 10 pollers, 10 stream followers, one start/cancel loop.
/// Also returns the most child processes the server had at once.
async fn round(server: &Arc<Server>, secs: u64) -> (Tally, usize, usize) {
    let tally = Tally::default();
    let until = Instant::now() + Duration::from_secs(secs);
    let pid = server.pid();
    let peak = tokio::spawn(async move {
        let mut peak = 0;
        while Instant::now() < until {
            peak = peak.max(Footprint::of(pid).children);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        peak
    });
    let mut clients = Vec::new();
    for _ in 0..10 {
        clients.push(tokio::spawn(poller(server.clone(), tally.clone(), until)));
        clients.push(tokio::spawn(follower(server.clone(), tally.clone(), until)));
    }
    let cycles = starter(server.clone(), tally.clone(), until).await;
    for client in clients {
        client.await.unwrap();
    }
    (tally, cycles, peak.await.unwrap())
}

/// Waits until no scan runs and the server has no children left (or 10 s pass).
async fn settle(server: &Server) -> Footprint {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let running: Value = client
            .get(server.url("/api/v1/scans?status=running"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let footprint = Footprint::of(server.pid());
        let idle = running["scans"].as_array().is_some_and(Vec::is_empty) && footprint.children == 0;
        if idle || Instant::now() > deadline {
            // Let closed client connections be reaped.
            tokio::time::sleep(Duration::from_millis(500)).await;
            return Footprint::of(server.pid());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The figures, for whoever runs the test with `--nocapture`.
#[allow(clippy::print_stderr)]
fn report(figures: &str) {
    eprintln!("{figures}");
}

on_both!(twenty_clients_and_start_cancel_cycles_leak_nothing, |db| {
    let tree = Tree::new();
    for i in 2..=9 {
        testkit::place(
            &testkit::presets::h264_aac_mp4(),
            &tree.root.join(format!("Show/Season 2/Show.S02E0{i}.mp4")),
        );
    }
    let config = config(&tree, &slow_ffprobe(tree.dir.path(), 0.2), "");
    let server = Arc::new(Server::start(&config, &db.url, &[]));

    // A first round warms the server up (pools, allocator); the second must not grow it.
    let (warm_up, _, _) = round(&server, 4).await;
    let before = settle(&server).await;
    let (tally, cycles, peak_children) = round(&server, 10).await;
    let after = settle(&server).await;
    report(&format!(
        "load: {cycles} start/cancel cycles; {tally:?}; up to {peak_children} probes at once; before {before:?}; \
         after {after:?}"
    ));
    assert!(peak_children > 0, "the scans never probed anything");

    for (what, n) in warm_up.lock().unwrap().iter().chain(tally.lock().unwrap().iter()) {
        let ok = what.ends_with(" 200")
            || what.ends_with(" 202")
            || (what.ends_with(" 409") && (what.starts_with("POST") || what.starts_with("DELETE")));
        assert!(ok, "{n} responses {what}");
    }
    let served: usize = tally.lock().unwrap().values().sum();
    assert!(
        cycles >= 10 && served >= 500,
        "too little load to say anything: {cycles} cycles, {served} requests"
    );
    assert_eq!((before.children, after.children), (0, 0), "ffprobe children left behind");
    assert!(after.fds <= before.fds + 4, "descriptors grew: {before:?} → {after:?}");
    assert!(after.threads <= before.threads + 8, "threads grew: {before:?} → {after:?}");
    assert!(
        after.rss_kib <= before.rss_kib + before.rss_kib / 4 + 8 * 1024,
        "memory grew: {before:?} → {after:?}"
    );
    assert!(server.log().lines().all(|l| !l.contains("panicked")), "{}", server.log());
});
