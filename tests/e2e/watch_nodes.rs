//! Many nodes on one catalog: exactly one of them watches a library (it holds the watch
//! lease); when it dies, another takes over within `lease_ttl_secs` and catches up with what
//! changed meanwhile.

use std::time::{Duration, Instant};

use testkit::presets;

use e2e::{json_lines, mediascan, run};
use serde_json::Value;

use crate::db::Db;
use crate::watch::{DEADLINE, Watching, row};
use crate::{Tree, config, on_both, real_ffprobe, wait_until};

/// `mediascan libraries --json`: the library `lib` with its watcher's health from the catalog.
fn library_health(config: &std::path::Path, db: &str) -> Value {
    let output = run(mediascan().arg("--config").arg(config).args(["libraries", "--json", "--db", db]));
    assert!(output.status.success());
    let libraries = json_lines(&output);
    libraries.into_iter().find(|l| l["name"] == "lib").expect("lib is listed")["watch"].clone()
}

on_both!(a_killed_watching_node_is_replaced_by_another_within_the_lease_ttl, |db| {
    let tree = Tree::new();
    // The configuration makes `lease_ttl_secs = 5`.
    let config = config(&tree, &real_ffprobe(), "settle_secs = 1");
    let first = Watching::start(&config, &db.url, &["--mode", "events"]);
    first.says("lib: events ok");
    let second = Watching::start(&config, &db.url, &["--mode", "events"]);
    second.says("lib: off standby: another node watches this library");

    // While the first node lives, it alone watches: a new file is catalogued once.
    let early = tree.root.join("Movies/Early (2020).mp4");
    testkit::copy(&presets::h264_aac_mp4(), &early);
    wait_until("the first node to catalogue a new file", DEADLINE, || {
        row(&config, &db.url, &early).is_some()
    });
    assert!(!second.log().contains("events ok"), "the standby node never watched: {}", second.log());
    // `mediascan libraries` shows who watches, and how, from the catalog.
    let health = library_health(&config, &db.url);
    assert_eq!((health["mode"].as_str(), health["state"].as_str()), (Some("events"), Some("ok")), "{health}");
    let first_node = health["node"].as_str().expect("the watching node is named").to_owned();

    // Killed (SIGKILL: no release). A file that arrives before the takeover is caught up with.
    drop(first);
    let killed = Instant::now();
    let gap = tree.root.join("Movies/Gap (2021).mp4");
    testkit::copy(&presets::h264_aac_mp4(), &gap);
    second.says("lib: events ok");
    let took = killed.elapsed();
    assert!(took < Duration::from_secs(5 + 20), "took over after {took:?}: {}", second.log());
    wait_until("the file of the gap in the catalog", DEADLINE, || row(&config, &db.url, &gap).is_some());
    wait_until("the new watcher's health in the catalog", DEADLINE, || {
        let health = library_health(&config, &db.url);
        health["mode"] == "events" && health["node"].as_str().is_some_and(|n| n != first_node)
    });

    // And it watches from now on.
    let late = tree.root.join("Show/Season 1/Show.S01E05.mp4");
    testkit::copy(&presets::h264_aac_mp4(), &late);
    wait_until("the new node to catalogue a new file", DEADLINE, || row(&config, &db.url, &late).is_some());
    drop(second);
});
