//! `mediascan serve` over HTTP, on SQLite and on PostgreSQL: every test runs on both.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use e2e::{Server, json_lines, mediascan, run, stderr};

use crate::db::Db;
use crate::{Tree, config, on_both, path_str, real_ffprobe, slow_ffprobe};

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

async fn post_scan(server: &Server, library: &str) -> (StatusCode, Value) {
    let response =
        client().post(server.url("/api/v1/scans")).json(&json!({ "library": library })).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) async fn get(server: &Server, path: &str) -> (StatusCode, Value) {
    send(server, reqwest::Method::GET, path, None).await
}

/// A request with an optional JSON body; the status and the JSON answer (null if none).
pub(crate) async fn send(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = client().request(method, server.url(path));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Polls the scan until it has ended; returns its final progress.
async fn until_finished(server: &Server, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, scan) = get(server, &format!("/api/v1/scans/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{scan}");
        if scan["status"] != "running" {
            return scan;
        }
        assert!(Instant::now() < deadline, "scan {id} did not finish: {scan}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads the scan's Server-Sent Events until the stream ends; returns the progress events.
async fn events(server: &Server, id: &str) -> Vec<Value> {
    events_after(server, id, None).await.into_iter().map(|(_, data)| data).collect()
}

/// The scan's events after `last_event_id` (as a reconnecting client sends it), with their ids.
async fn events_after(server: &Server, id: &str, last_event_id: Option<&str>) -> Vec<(String, Value)> {
    let mut request = client().get(server.url(&format!("/api/v1/scans/{id}/events")));
    if let Some(last) = last_event_id {
        request = request.header("last-event-id", last);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    text.split("\n\n")
        .filter(|block| block.lines().any(|l| l == "event: progress"))
        .map(|block| {
            let data = block.lines().find_map(|l| l.strip_prefix("data: ")).expect("an event without data");
            let id = block.lines().find_map(|l| l.strip_prefix("id: ")).expect("an event without an id");
            (id.to_owned(), serde_json::from_str(data).unwrap())
        })
        .collect()
}

on_both!(a_scan_is_started_followed_and_queried, |db| {
    let tree = Tree::new();
    let server = Server::start(&config(&tree, &real_ffprobe(), ""), &db.url, &[]);

    let (status, scan) = post_scan(&server, "lib").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{scan}");
    assert_eq!((scan["library"].as_str(), scan["status"].as_str()), (Some("lib"), Some("running")));
    let id = scan["scan_id"].as_str().unwrap().to_owned();
    let done = until_finished(&server, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!((done["total_files"].as_u64(), done["failed"].as_u64()), (Some(4), Some(1)));

    // A second scan, followed over Server-Sent Events to its end.
    let (status, second) = post_scan(&server, "lib").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let second_id = second["scan_id"].as_str().unwrap().to_owned();
    let progress = events(&server, &second_id).await;
    assert!(!progress.is_empty());
    let last = progress.last().unwrap();
    assert_eq!((last["status"].as_str(), last["processed"].as_u64()), (Some("completed"), Some(4)));
    assert!(progress.windows(2).all(|w| w[0] != w[1]), "no event repeats the previous one");
    // Reconnecting with the last event's id: the client has everything, the stream just ends.
    let all = events_after(&server, &second_id, None).await;
    let (last_id, final_progress) = all.last().unwrap().clone();
    assert!(events_after(&server, &second_id, Some(&last_id)).await.is_empty());
    // With an earlier id: only what changed since, numbered after it.
    if all.len() > 1 {
        let (first_id, _) = &all[0];
        let resumed = events_after(&server, &second_id, Some(first_id)).await;
        assert_eq!(resumed.len(), 1, "{resumed:?}");
        assert_eq!(resumed[0].1, final_progress);
        let number = |id: &str| id.split_once('.').unwrap().0.parse::<u64>().unwrap();
        assert_eq!(number(&resumed[0].0), number(first_id) + 1);
    }
    // An id this server never gave out starts the stream afresh.
    assert_eq!(events_after(&server, &second_id, Some("garbage")).await.len(), 1);

    let (_, list) = get(&server, "/api/v1/scans").await;
    let ids: Vec<&str> =
        list["scans"].as_array().unwrap().iter().map(|s| s["scan_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second_id.as_str(), id.as_str()], "newest first");

    let (_, page) = get(&server, "/api/v1/media?library=lib&kind=episode").await;
    assert_eq!(page["total"], 2, "{page}");
    let (_, page) = get(&server, "/api/v1/media?library=lib&compatible=false").await;
    assert_eq!(page["total"], 2, "the HEVC episode and the AVI movie: {page}");
    let (_, page) = get(&server, "/api/v1/media?status=failed").await;
    assert_eq!(page["total"], 1);
    let (_, page) = get(&server, "/api/v1/media?q=PILOT").await;
    assert_eq!(page["items"][0]["parsed"]["title"], "Pilot");
    let (_, page) = get(&server, "/api/v1/media?library=lib&path_prefix=Show/Season%201&limit=1").await;
    assert_eq!((page["total"].as_u64(), page["items"].as_array().unwrap().len()), (Some(2), 1));
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = get(
        &server,
        &format!("/api/v1/media?library=lib&path_prefix=Show/Season%201&limit=1&cursor={cursor}"),
    )
    .await;
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
    let media_id = next["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, one) = get(&server, &format!("/api/v1/media/{media_id}")).await;
    assert_eq!((status, one["id"].as_str()), (StatusCode::OK, Some(media_id.as_str())));

    let (_, shows) = get(&server, "/api/v1/shows").await;
    assert_eq!(shows["shows"], json!([{ "show": "Show", "year": null, "seasons": 1, "episodes": 2 }]));
    // `q` searches show names, and a found show keeps its full counts.
    let (_, found) = get(&server, "/api/v1/shows?q=%20sHOW").await;
    assert_eq!((&found["shows"], &found["total"]), (&shows["shows"], &json!(1)), "{found}");
    let (_, none) = get(&server, "/api/v1/shows?q=Season").await;
    assert_eq!(none["total"], 0, "a folder's name is not the show's: {none}");
    let (_, libraries) = get(&server, "/api/v1/libraries").await;
    assert_eq!(libraries["libraries"][0]["name"], "lib");
    let (status, health) = get(&server, "/healthz").await;
    assert_eq!((status, health["database"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, doc) = get(&server, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/scans/{id}/events"].is_object());
    assert!(doc["components"]["schemas"]["ScanProgress"].is_object());
});

on_both!(a_running_scan_refuses_a_second_and_can_be_cancelled_then_deleted, |db| {
    let tree = Tree::new();
    let server = Server::start(&config(&tree, &slow_ffprobe(tree.dir.path(), 5.0), ""), &db.url, &[]);
    let (status, scan) = post_scan(&server, "lib").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = scan["scan_id"].as_str().unwrap().to_owned();

    let (status, body) = post_scan(&server, "lib").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("scan_running")));
    assert_eq!(body["scan_id"].as_str(), Some(id.as_str()), "the conflict names the running scan: {body}");
    let scan_url = server.url(&format!("/api/v1/scans/{id}"));
    let response = client().delete(&scan_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT, "a running scan is not deleted");

    let cancel = || client().post(server.url(&format!("/api/v1/scans/{id}/cancel"))).send();
    assert_eq!(cancel().await.unwrap().status(), StatusCode::ACCEPTED);
    let done = until_finished(&server, &id).await;
    assert_eq!(done["status"], "cancelled");
    let response = cancel().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "scan_not_running");

    // Deleted: gone from the history, and a second delete finds nothing.
    let response = client().delete(&scan_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = get(&server, &format!("/api/v1/scans/{id}")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("scan_not_found")));
    assert_eq!(client().delete(&scan_url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let (_, list) = get(&server, "/api/v1/scans").await;
    assert!(list["scans"].as_array().unwrap().iter().all(|s| s["scan_id"] != id.as_str()), "{list}");
    let unknown = "00000000-0000-4000-8000-000000000000";
    let response =
        client().post(server.url(&format!("/api/v1/scans/{unknown}/cancel"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
});

on_both!(a_token_guards_the_api, |db| {
    let tree = Tree::new();
    let server = Server::start(&config(&tree, &real_ffprobe(), ""), &db.url, &["--token", "s3cret"]);
    let response = client().get(server.url("/api/v1/libraries")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized");
    let response = client().get(server.url("/api/v1/libraries")).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response =
        client().post(server.url("/api/v1/scans")).json(&json!({"library": "lib"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "no scan without the token");
    let response = client().get(server.url("/api/v1/libraries")).bearer_auth("s3cret").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The scheme is case-insensitive (RFC 7235).
    for scheme in ["bearer", "BEARER", "BeArEr"] {
        let response = client()
            .get(server.url("/api/v1/libraries"))
            .header("authorization", format!("{scheme} s3cret"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
    assert_eq!(get(&server, "/healthz").await.0, StatusCode::OK);
    assert_eq!(get(&server, "/api/v1/openapi.json").await.0, StatusCode::OK);
    // With a token, any Host is served (the token is what guards the server).
    let response = client()
        .get(server.url("/api/v1/libraries"))
        .header("host", "media.example.org")
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
});

on_both!(bad_requests_get_clear_errors, |db| {
    let tree = Tree::new();
    let server = Server::start(&config(&tree, &real_ffprobe(), ""), &db.url, &[]);
    let post = |body: &'static str, content_type: &'static str| {
        let url = server.url("/api/v1/scans");
        async move {
            let response =
                client().post(url).header("content-type", content_type).body(body).send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    for (body, content_type, expected, code) in [
        ("{not json", "application/json", StatusCode::BAD_REQUEST, "malformed_json"),
        ("{}", "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        ("{\"library\": 5}", "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (
            "{\"library\": \"lib\", \"root\": \"/etc\"}",
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        ("{\"library\": \"/etc\"}", "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid_library"),
        (
            "{\"library\": \"../lib\"}",
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_library",
        ),
        ("{\"library\": \"nope\"}", "application/json", StatusCode::NOT_FOUND, "library_not_found"),
        (
            "{\"library\": \"lib\", \"force\": \"yes\"}",
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        ("[\"lib\"]", "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        ("", "application/json", StatusCode::BAD_REQUEST, "malformed_json"),
        (
            "library=lib",
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ] {
        let (status, error) = post(body, content_type).await;
        assert_eq!((status, error["error"].as_str()), (expected, Some(code)), "{body}: {error}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let big = format!("{{\"library\": \"{}\"}}", "x".repeat(64 * 1024));
    let response = client()
        .post(server.url("/api/v1/scans"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "payload_too_large");

    for (query, expected) in [
        ("/api/v1/scans/not-a-uuid", StatusCode::BAD_REQUEST),
        ("/api/v1/media/not-a-uuid", StatusCode::BAD_REQUEST),
        ("/api/v1/media?season=abc", StatusCode::BAD_REQUEST),
        ("/api/v1/media?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/media?limit=5000", StatusCode::BAD_REQUEST),
        ("/api/v1/media?kind=bogus", StatusCode::BAD_REQUEST),
        ("/api/v1/media?status=bogus", StatusCode::BAD_REQUEST),
        ("/api/v1/media?bogus=1", StatusCode::BAD_REQUEST),
        ("/api/v1/media?library=nope", StatusCode::NOT_FOUND),
        ("/api/v1/media?cursor=zz", StatusCode::BAD_REQUEST),
        // A string sliced inside a multi-byte character used to panic here.
        ("/api/v1/media?cursor=a%C3%A9b", StatusCode::BAD_REQUEST),
        ("/api/v1/media?cursor=2F61", StatusCode::BAD_REQUEST),
        ("/api/v1/media?cursor=2f00", StatusCode::BAD_REQUEST),
        // Integers past what the databases hold used to panic or wrap.
        ("/api/v1/media?offset=9223372036854775808", StatusCode::BAD_REQUEST),
        ("/api/v1/media?offset=18446744073709551616", StatusCode::BAD_REQUEST),
        ("/api/v1/media?season=4294967295", StatusCode::BAD_REQUEST),
        ("/api/v1/media?season=2147483648", StatusCode::BAD_REQUEST),
        // NUL bytes: PostgreSQL cannot hold them; both backends answer 400 alike.
        ("/api/v1/media?q=a%00b", StatusCode::BAD_REQUEST),
        ("/api/v1/media?show=a%00b", StatusCode::BAD_REQUEST),
        ("/api/v1/media?library=lib&path_prefix=a%00b", StatusCode::BAD_REQUEST),
        ("/api/v1/shows?q=a%00b", StatusCode::BAD_REQUEST),
        ("/api/v1/scans?status=bogus", StatusCode::BAD_REQUEST),
        ("/api/v1/scans?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/scans?limit=-1", StatusCode::BAD_REQUEST),
        ("/api/v1/scans?limit=501", StatusCode::BAD_REQUEST),
        ("/api/v1/scans?library=nope", StatusCode::NOT_FOUND),
        ("/api/v1/scans/00000000-0000-4000-8000-000000000000/events", StatusCode::NOT_FOUND),
        ("/api/v1/media?offset=-1", StatusCode::BAD_REQUEST),
        ("/api/v1/media?compatible=maybe", StatusCode::BAD_REQUEST),
        ("/api/v1/media?season=99999999999", StatusCode::BAD_REQUEST),
        ("/api/v1/shows?library=nope", StatusCode::NOT_FOUND),
        ("/api/v1/shows?bogus=1", StatusCode::BAD_REQUEST),
        ("/api/v1/shows?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/media/00000000-0000-4000-8000-000000000000", StatusCode::NOT_FOUND),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND),
        // Valid, if odd: a prefix is matched against catalog paths and never climbs out.
        ("/api/v1/media?path_prefix=Show", StatusCode::OK),
        ("/api/v1/media?library=lib&path_prefix=../../etc", StatusCode::OK),
        ("/api/v1/media?library=lib&path_prefix=/etc", StatusCode::OK),
        ("/api/v1/media?cursor=2f61&offset=3", StatusCode::OK),
        ("/api/v1/media?offset=9223372036854775807", StatusCode::OK),
        ("/api/v1/media?season=2147483647", StatusCode::OK),
        ("/api/v1/media?q=%C3%A9%F0%9F%8E%AC", StatusCode::OK),
    ] {
        let (status, body) = get(&server, query).await;
        assert_eq!(status, expected, "{query}: {body}");
        if expected != StatusCode::OK {
            assert!(body["error"].is_string() && body["message"].is_string(), "{query}: {body}");
        }
    }
    // Whatever answers an error, the body is the documented shape.
    // Longer than any request the document allows: over a raw socket, to be sure of what is
    // sent.
    let long = format!(
        "GET /api/v1/media?q={} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "x".repeat(50_000)
    );
    let address = server.base.trim_start_matches("http://").to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(long.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 414"), "{}", answer.lines().next().unwrap_or_default());
    assert!(answer.contains("\"error\":\"uri_too_long\""), "{}", &answer[answer.len().saturating_sub(300)..]);
    let unknown = "00000000-0000-4000-8000-000000000000";
    let response = client().delete(server.url(&format!("/api/v1/scans/{unknown}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = client().put(server.url("/api/v1/scans")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed", "{body}");
    // Unknown paths under /api answer JSON (elsewhere the dashboard answers an HTML page).
    let response = client().get(server.url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "not_found");
});

on_both!(two_processes_never_scan_one_library_at_once, |db| {
    let tree = Tree::new();
    let config = config(&tree, &slow_ffprobe(tree.dir.path(), 3.0), "");
    let (a, b) = (Server::start(&config, &db.url, &[]), Server::start(&config, &db.url, &[]));
    let (first, second) = tokio::join!(post_scan(&a, "lib"), post_scan(&b, "lib"));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::ACCEPTED, StatusCode::CONFLICT], "{first:?} {second:?}");
    let winner = if first.0 == StatusCode::ACCEPTED { &first.1 } else { &second.1 };
    let id = winner["scan_id"].as_str().unwrap().to_owned();

    // A third process, the command line, is refused too.
    let output =
        run(mediascan().arg("--config").arg(&config).args(["scan", "--library", "lib", "--db", &db.url]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("already being scanned"), "{}", stderr(&output));

    // Either node sees the scan, and can cancel it.
    let (status, seen) = get(&b, &format!("/api/v1/scans/{id}")).await;
    assert_eq!((status, seen["status"].as_str()), (StatusCode::OK, Some("running")));
    let response = client().post(b.url(&format!("/api/v1/scans/{id}/cancel"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let done = until_finished(&a, &id).await;
    assert_eq!(done["status"], "cancelled");
    let (status, _) = post_scan(&b, "lib").await;
    assert_eq!(status, StatusCode::ACCEPTED, "once the first scan ended, the library is free");
});

on_both!(a_killed_server_leaves_an_interrupted_scan_and_the_next_scan_completes, |db| {
    let tree = Tree::new();
    let slow = config(&tree, &slow_ffprobe(tree.dir.path(), 1.5), "");
    let server = Server::start(&slow, &db.url, &[]);
    let (status, scan) = post_scan(&server, "lib").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = scan["scan_id"].as_str().unwrap().to_owned();
    // Killed once some files are stored and others are not.
    let stored = || {
        json_lines(&run(mediascan().arg("--config").arg(&slow).args(["media", "--json", "--db", &db.url])))
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while stored().is_empty() {
        assert!(Instant::now() < deadline, "the scan stored nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.signal("-KILL");
    let stored = stored();
    assert!((1..4).contains(&stored.len()), "{stored:?}");

    let fast = config(&tree, &real_ffprobe(), "");
    let restarted = Server::start(&fast, &db.url, &[]);
    // The killed scan's lease runs out (5 s here) and the new server marks it interrupted.
    let old = until_finished(&restarted, &id).await;
    assert_eq!(
        (old["status"].as_str(), old["phase"].as_str()),
        (Some("interrupted"), Some("finished")),
        "{old}"
    );
    assert!(old["error"].as_str().unwrap().contains("lease expired"), "{old}");
    let (status, scan) = post_scan(&restarted, "lib").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{scan}");
    let done = until_finished(&restarted, scan["scan_id"].as_str().unwrap()).await;
    assert_eq!((done["status"].as_str(), done["processed"].as_u64()), (Some("completed"), Some(4)));
    // What the killed scan stored is not probed again.
    assert_eq!(done["unchanged_files"].as_u64(), Some(stored.len() as u64), "{done}");
    assert_eq!(done["new_files"].as_u64(), Some(4 - stored.len() as u64), "{done}");
});

on_both!(sigterm_cancels_running_scans_and_stops_the_server, |db| {
    let tree = Tree::new();
    let slow = slow_ffprobe(tree.dir.path(), 5.0);
    let config = config(&tree, &slow, "");
    let server = Server::start(&config, &db.url, &[]);
    let (_, scan) = post_scan(&server, "lib").await;
    let id = scan["scan_id"].as_str().unwrap().to_owned();
    let marker = crate::probing_marker(&slow);
    tokio::task::spawn_blocking(move || {
        crate::wait_until("the scan to probe", Duration::from_secs(60), || marker.exists())
    })
    .await
    .unwrap();
    let status = server.signal("-TERM");
    assert!(status.success(), "{status:?}");

    let output = run(mediascan().arg("--config").arg(&config).args(["scans", "--json", "--db", &db.url]));
    let scans = json_lines(&output);
    let ours = scans.iter().find(|s| s["scan_id"] == id.as_str()).unwrap();
    assert_eq!(ours["status"], "cancelled", "{ours}");
});

#[test]
fn a_public_address_needs_a_token() {
    let tree = Tree::new();
    let config = config(&tree, &real_ffprobe(), "");
    let db = tree.dir.path().join("c.db");
    let output = run(mediascan().arg("--config").arg(&config).args([
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--db",
        path_str(&db),
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("refusing to listen on 0.0.0.0:0 without a token"),
        "{}",
        stderr(&output)
    );
}
