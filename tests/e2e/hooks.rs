//! Download managers' webhooks against a real server: Sonarr's and Radarr's payloads (their
//! documented "Connect → Webhook" JSON), the generic path hook, `path_map`, `?token=`, and
//! paths outside every library.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use e2e::{Server, json_lines, mediascan, run};
use testkit::presets;

use crate::db::Db;
use crate::{Tree, config, on_both, path_str, real_ffprobe};

const TOKEN: &str = "hook-token-0123456789";
const DEADLINE: Duration = Duration::from_secs(90);

async fn post(server: &Server, path: &str, body: &Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new().post(server.url(path)).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Waits until `mediascan scans` shows a completed scan started by a hook, and returns it.
async fn hook_scan(config: &Path, db: &str) -> Value {
    let started = std::time::Instant::now();
    loop {
        let output = run(mediascan().arg("--config").arg(config).args(["scans", "--json", "--db", db]));
        let scans = json_lines(&output);
        if let Some(scan) = scans.into_iter().find(|s| s["trigger"] == "hook" && s["status"] == "completed") {
            return scan;
        }
        assert!(started.elapsed() < DEADLINE, "no hook scan within {DEADLINE:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn sonarr_download(series: &str, relative: &str) -> Value {
    // Sonarr v4's webhook for an import ("On Import"), abridged to the documented fields.
    json!({
        "eventType": "Download",
        "instanceName": "Sonarr",
        "series": {"id": 1, "title": "Show", "path": series, "tvdbId": 12345, "type": "standard"},
        "episodes": [{"id": 3, "episodeNumber": 3, "seasonNumber": 1, "title": "Third"}],
        "episodeFile": {"id": 9, "relativePath": relative, "path": format!("{series}/{relative}"),
                        "quality": "WEBDL-720p", "size": 1000},
        "isUpgrade": false,
        "downloadClient": "qBittorrent",
    })
}

on_both!(sonarr_and_radarr_hooks_scan_the_folders_they_name, |db| {
    let tree = Tree::new();
    // Not watched: the hooks alone start scans. Sonarr sees the library as /tv (a container).
    let extra = "watch = \"off\"\nsettle_secs = 1\n[hooks]\npath_map = [[\"/tv\", PLACEHOLDER]]\n";
    let extra = extra.replace("PLACEHOLDER", &format!("{:?}", path_str(&tree.root)));
    let config = config(&tree, &real_ffprobe(), &extra);
    let server = Server::start(&config, &db.url, &["--token", TOKEN]);

    // The Test event a webhook sends when saved: 200, nothing queued.
    let test =
        json!({"eventType": "Test", "series": {"id": 1, "title": "Test Title", "path": "C:\\testpath"}});
    let (status, body) = post(&server, &format!("/api/v1/hooks/sonarr?token={TOKEN}"), &test).await;
    assert_eq!((status, body["queued"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{body}");

    // Without the token: 401. With it in the query of a non-hook endpoint: still 401.
    let (status, _) = post(&server, "/api/v1/hooks/sonarr", &test).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let scans = reqwest::get(server.url(&format!("/api/v1/scans?token={TOKEN}"))).await.unwrap();
    assert_eq!(scans.status(), StatusCode::UNAUTHORIZED, "?token= works on hook endpoints only");

    // An import: the episode's folder is scanned once the file settles, trigger `hook`.
    let episode = tree.root.join("Show/Season 1/Show.S01E03.mp4");
    testkit::copy(&presets::h264_aac_mp4(), &episode);
    let payload = sonarr_download("/tv/Show", "Season 1/Show.S01E03.mp4");
    let (status, body) = post(&server, &format!("/api/v1/hooks/sonarr?token={TOKEN}"), &payload).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["queued"][0]["path"], path_str(&episode));
    assert_eq!(body["queued"][0]["library"], "lib");
    let scan = hook_scan(&config, &db.url).await;
    assert_eq!(scan["scope"], path_str(&tree.root.join("Show/Season 1")), "{scan}");
    assert_eq!(scan["new_files"], 3, "the folder's three videos: {scan}");

    // Radarr, with the bearer header and the library's own paths.
    let movie = tree.root.join("Movies/Film (1999).avi");
    let radarr = json!({
        "eventType": "Download",
        "movie": {"id": 1, "title": "Film", "year": 1999, "folderPath": path_str(&tree.root.join("Movies"))},
        "movieFile": {"id": 2, "relativePath": "Film (1999).avi", "path": path_str(&movie), "quality": "DVD"},
        "isUpgrade": true,
    });
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/hooks/radarr"))
        .bearer_auth(TOKEN)
        .json(&radarr)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    // A path outside every library: 422 with the error shape, nothing queued.
    let outside = json!({"path": "/etc/passwd"});
    let (status, body) = post(&server, &format!("/api/v1/hooks/path?token={TOKEN}"), &outside).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("path_outside_libraries"))
    );
    let climbing = json!({"path": format!("{}/../../etc", path_str(&tree.root))});
    let (status, _) = post(&server, &format!("/api/v1/hooks/path?token={TOKEN}"), &climbing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    drop(server);
});
