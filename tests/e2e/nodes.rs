//! Several processes on one catalog: listings change nothing, and a process never judges
//! another dead by its host name and pid (containers share host names, and their pids mean
//! nothing outside their own PID namespace). Only an expired lease says a scan's process died.

use std::process::Command;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use e2e::{Server, json_lines, mediascan, run, stderr};
use testkit::{Resource, unavailable};

use crate::db::Db;
use crate::{Tree, config, on_both, probing_marker, slow_ffprobe, wait_until};

/// A configuration with two libraries (`lib`, and `other`, an empty folder) and one node name
/// for every process, as containers started from one image would have.
fn two_libraries(tree: &Tree, ffprobe: &std::path::Path) -> std::path::PathBuf {
    let path = config(tree, ffprobe, "");
    let other = tree.dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let text = format!(
        "node = \"same-host\"\n{text}\n[libraries.other]\nroot = {:?}\n",
        other.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path
}

async fn scan_of(server: &Server, id: &str) -> Value {
    let response = reqwest::get(server.url(&format!("/api/v1/scans/{id}"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Runs `mediascan` in a PID namespace of its own (as a container would), where the other
/// processes' pids do not exist. `None` (and the test skipped, if allowed) without `unshare`.
fn in_own_pid_namespace(test: &str, args: &[&str]) -> Option<std::process::Output> {
    let probe = Command::new("unshare").args(["--pid", "--fork", "--mount-proc", "true"]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        let reason = match probe {
            Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
            Err(e) => e.to_string(),
        };
        unavailable(Resource::Unshare, test, &format!("cannot make a PID namespace with unshare: {reason}"));
        return None;
    }
    let mut command = Command::new("unshare");
    command.args(["--pid", "--fork", "--mount-proc"]).arg(e2e::binary()).args(args);
    for var in ["MEDIASCAN_DATABASE_URL", "MEDIASCAN_CONFIG", "MEDIASCAN_PROBE", "MEDIASCAN_FFPROBE"] {
        command.env_remove(var);
    }
    Some(run(&mut command))
}

on_both!(processes_of_one_host_never_interrupt_each_others_scans, |db| {
    let tree = Tree::new();
    let slow = slow_ffprobe(tree.dir.path(), 5.0);
    let config = two_libraries(&tree, &slow);
    let server = Server::start(&config, &db.url, &[]);
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/scans"))
        .json(&serde_json::json!({"library": "lib"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let id = response.json::<Value>().await.unwrap()["scan_id"].as_str().unwrap().to_owned();
    let marker = probing_marker(&slow);
    tokio::task::spawn_blocking(move || {
        wait_until("the scan to probe", Duration::from_secs(60), || marker.exists())
    })
    .await
    .unwrap();

    let config_arg = config.to_string_lossy().into_owned();
    // Another process of the same "host": a listing, and a scan of the other library.
    for args in [
        vec!["--config", &config_arg, "scans", "--json", "--db", &db.url],
        vec!["--config", &config_arg, "media", "--json", "--db", &db.url],
        vec!["--config", &config_arg, "scan", "--library", "other", "--json", "--db", &db.url],
    ] {
        let output = run(mediascan().args(&args));
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert_eq!(scan_of(&server, &id).await["status"], "running", "after {args:?}");
    }
    // The same from a PID namespace of its own, where the server's pid means nothing.
    let test = "nodes::processes_of_one_host_never_interrupt_each_others_scans";
    let scan_other = ["--config", &config_arg, "scan", "--library", "other", "--json", "--db", &db.url];
    if let Some(output) = in_own_pid_namespace(test, &scan_other) {
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(scan_of(&server, &id).await["status"], "running", "a container's process killed it");
    }
    // Listings print the running scan as it is.
    let listed = json_lines(&run(mediascan().args(["scans", "--json", "--db", &db.url])));
    let ours = listed.iter().find(|s| s["scan_id"] == id.as_str()).unwrap();
    assert_eq!(ours["status"], "running");
});

/// Reads the applied migrations of a catalog.
async fn migrations(db: &Db) -> i64 {
    testkit::sql::count(&db.url, "SELECT COUNT(*) FROM seaql_migrations").await
}

on_both!(listings_never_change_the_schema_and_say_when_it_is_old, |db| {
    let tree = Tree::new();
    let output = run(mediascan().args(["scan", &tree.root.to_string_lossy(), "--json", "--db", &db.url]));
    assert!(output.status.success(), "{}", stderr(&output));
    let applied = migrations(&db).await;
    // As if the catalog were written by an older mediascan: its newest migration undone in the
    // record (the columns stay; only the version matters here).
    testkit::sql::execute(&db.url, "CREATE TABLE saved_versions AS SELECT * FROM seaql_migrations").await;
    testkit::sql::execute(
        &db.url,
        "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
    )
    .await;
    for command in ["media", "scans"] {
        let output = run(mediascan().args([command, "--json", "--db", &db.url]));
        assert_eq!(output.status.code(), Some(1), "{command}");
        let message = stderr(&output);
        assert!(message.contains("older mediascan") && message.contains("mediascan migrate"), "{message}");
        assert_eq!(migrations(&db).await, applied - 1, "{command} changed the schema");
    }
    // `migrate` would re-run the migration on columns that exist; put the record back and
    // check that a catalog at the current version lists, and that `migrate` is a no-op then.
    testkit::sql::execute(&db.url, "DELETE FROM seaql_migrations").await;
    testkit::sql::execute(&db.url, "INSERT INTO seaql_migrations SELECT * FROM saved_versions").await;
    let output = run(mediascan().args(["migrate", "--db", &db.url]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(migrations(&db).await, applied);
    let output = run(mediascan().args(["media", "--json", "--db", &db.url]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(json_lines(&output).len(), 4);
});

#[test]
fn a_listing_of_a_catalog_that_does_not_exist_creates_nothing() {
    let tree = Tree::new();
    let db = tree.dir.path().join("nowhere/catalog.db");
    let output = run(mediascan().args(["media", "--db", &db.to_string_lossy()]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no catalog"), "{}", stderr(&output));
    assert!(!db.parent().unwrap().exists());
}

on_both!(the_command_line_cancels_and_forgets_another_processs_scan, |db| {
    let tree = Tree::new();
    let slow = slow_ffprobe(tree.dir.path(), 5.0);
    let config = two_libraries(&tree, &slow);
    let server = Server::start(&config, &db.url, &[]);
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/scans"))
        .json(&serde_json::json!({"library": "lib"}))
        .send()
        .await
        .unwrap();
    let id = response.json::<Value>().await.unwrap()["scan_id"].as_str().unwrap().to_owned();
    let forget = || run(mediascan().args(["forget", &id, "--db", &db.url]));
    let output = forget();
    assert_eq!(output.status.code(), Some(1), "a running scan is not forgotten");
    assert!(stderr(&output).contains("running"), "{}", stderr(&output));

    let output = run(mediascan().args(["cancel", &id, "--db", &db.url]));
    assert!(output.status.success(), "{}", stderr(&output));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while scan_of(&server, &id).await["status"] == "running" {
        assert!(std::time::Instant::now() < deadline, "the server never stopped the scan");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(scan_of(&server, &id).await["status"], "cancelled");
    let output = run(mediascan().args(["cancel", &id, "--db", &db.url]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("not running"), "{}", stderr(&output));

    assert!(forget().status.success());
    let response = reqwest::get(server.url(&format!("/api/v1/scans/{id}"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(forget().status.code(), Some(1));
    let output = run(mediascan().args(["cancel", "not-an-id", "--db", &db.url]));
    assert_eq!(output.status.code(), Some(2));
});
