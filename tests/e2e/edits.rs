//! Overrides of what names say: set from the binary and over HTTP, kept across a rescan, a
//! re-probe and a move, audited, on SQLite and on PostgreSQL.

use std::fs;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};

use e2e::{Server, json as json_of, json_lines, mediascan, run, stderr};

use crate::db::Db;
use crate::{Tree, on_both, path_str};

fn config(tree: &Tree) -> PathBuf {
    let path = tree.dir.path().join("config-edits.toml");
    let text = format!("[scanner]\nconcurrency = 2\n[libraries.lib]\nroot = {:?}\n", path_str(&tree.root));
    fs::write(&path, text).unwrap();
    path
}

/// Runs `mediascan ARGS --db URL --config CONFIG`.
fn cli(config: &Path, db: &Db, args: &[&str]) -> std::process::Output {
    run(mediascan().args(args).args(["--db", &db.url]).arg("--config").arg(config))
}

fn ok_json(config: &Path, db: &Db, args: &[&str]) -> Value {
    let output = cli(config, db, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    json_of(&output)
}

fn scan(config: &Path, db: &Db) -> Value {
    ok_json(config, db, &["scan", "--library", "lib", "--json"])
}

fn by_id(config: &Path, db: &Db, id: &str) -> Value {
    let output = cli(config, db, &["media", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    json_lines(&output).into_iter().find(|r| r["id"] == id).expect("the row is still there")
}

on_both!(an_edit_survives_a_rescan_a_reprobe_and_a_move, |db| {
    let tree = Tree::new();
    let config = config(&tree);
    scan(&config, &db);
    let file = tree.root.join("Show/Season 1/Show.S01E02.mkv");
    let edited = ok_json(
        &config,
        &db,
        &["edit", path_str(&file), "--show", "Other Show", "--season", "4", "--episodes", "7,8", "--json"],
    );
    let id = edited["id"].as_str().unwrap().to_owned();
    let check = |row: &Value| {
        assert_eq!(row["parsed"]["show"], "Other Show", "{row}");
        assert_eq!((row["parsed"]["season"].as_u64(), &row["parsed"]["episodes"]), (Some(4), &json!([7, 8])));
        assert_eq!(row["overrides"], json!({"show": "Other Show", "season": 4, "episodes": [7, 8]}));
    };
    check(&edited);
    let shown = json_lines(&cli(&config, &db, &["media", "--json", "--show", "Other Show"]));
    assert_eq!(shown.len(), 1, "filters see the value in force");

    // An unchanged rescan, then a re-probe (the file grew), then a move: the edit stays.
    scan(&config, &db);
    check(&by_id(&config, &db, &id));
    // A file of its own first: the tree's files are hard links to fixtures other tests share.
    let mut content = fs::read(&file).unwrap();
    content.extend_from_slice(&[0; 4096]);
    fs::remove_file(&file).unwrap();
    fs::write(&file, content).unwrap();
    let rescan = scan(&config, &db);
    assert_eq!(rescan["changed_files"], 1, "{rescan}");
    check(&by_id(&config, &db, &id));
    let moved = tree.root.join("Show/Season 1/Renamed.S01E02.mkv");
    fs::rename(&file, &moved).unwrap();
    let rescan = scan(&config, &db);
    assert_eq!(rescan["moved_files"], 1, "{rescan}");
    let row = by_id(&config, &db, &id);
    assert_eq!(row["path"], path_str(&moved));
    check(&row);

    // Unset one field: the name's value is back; clear all: nothing is overridden.
    let unset = ok_json(&config, &db, &["edit", &id, "--unset", "season", "--json"]);
    assert_eq!(
        (unset["parsed"]["season"].as_u64(), &unset["parsed"]["show"]),
        (Some(1), &json!("Other Show"))
    );
    let cleared = ok_json(&config, &db, &["edit", &id, "--clear", "--json"]);
    assert_eq!((&cleared["overrides"], &cleared["parsed"]["episodes"]), (&json!({}), &json!([2])));

    let history = json_lines(&cli(&config, &db, &["history", &id, "--json"]));
    let fields: Vec<(&str, &str)> =
        history.iter().map(|c| (c["actor"].as_str().unwrap(), c["field"].as_str().unwrap())).collect();
    let expected = [("cli", "show"), ("cli", "season"), ("cli", "episodes"), ("cli", "season")];
    assert_eq!(&fields[..4], expected, "{history:?}");
    assert_eq!(fields.len(), 6, "the clear removed show and episodes: {history:?}");
    let table = cli(&config, &db, &["history", path_str(&moved)]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("Other Show"), "the table shows values");

    // Failures: an unknown file is an error (1); a bad value or no change is a usage error (2).
    let unknown = cli(&config, &db, &["edit", "/nowhere/x.mkv", "--show", "x"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("is not in the catalog"), "{}", stderr(&unknown));
    for args in [
        &["edit", &id, "--season", "4294967296"][..],
        &["edit", &id, "--episodes", "1,,2"],
        &["edit", &id, "--year", "0"],
        &["edit", &id, "--unset", "colour"],
        &["edit", &id],
    ] {
        let refused = cli(&config, &db, args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {}", stderr(&refused));
    }
});

on_both!(edits_over_http_are_validated_and_audited, |db| {
    let tree = Tree::new();
    let config = config(&tree);
    scan(&config, &db);
    let rows = json_lines(&cli(&config, &db, &["media", "--json"]));
    let id = rows.iter().find(|r| r["path"].as_str().unwrap().ends_with("Show.S01E02.mkv")).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = Server::start(&config, &db.url, &[]);
    let send = |method: reqwest::Method, path: String, body: Option<Value>| {
        let server = &server;
        async move { crate::server::send(server, method, &path, body).await }
    };
    let patch = |body: Value| send(reqwest::Method::PATCH, format!("/api/v1/media/{id}"), Some(body));

    let (status, body) = patch(json!({"show": "Http Show", "episodes": [5], "kind": "episode"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((&body["parsed"]["show"], &body["parsed"]["episodes"]), (&json!("Http Show"), &json!([5])));
    let (_, page) = send(reqwest::Method::GET, "/api/v1/media?show=Http%20Show".into(), None).await;
    assert_eq!(page["total"], 1, "{page}");
    // JSON Schema's integers include 5.0: a schema-valid client may send it.
    let (status, body) = patch(json!({"episodes": [5.0]})).await;
    assert_eq!((status, &body["parsed"]["episodes"]), (StatusCode::OK, &json!([5])), "{body}");
    let (status, body) = patch(json!({"show": null})).await;
    assert_eq!((status, &body["parsed"]["show"]), (StatusCode::OK, &json!("Show")), "{body}");
    assert_eq!(body["overrides"], json!({"episodes": [5], "kind": "episode"}));

    for bad in [
        json!({"season": 4294967296u64}),
        json!({"episodes": []}),
        json!({"episodes": [1.5]}),
        json!({"season": -1}),
        json!({"title": ""}),
        json!({"year": 10000}),
        json!({"kind": "film"}),
        json!({"bogus": 1}),
        json!([1]),
    ] {
        let (status, body) = patch(bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["error"], "invalid_body");
    }
    let unknown = "00000000-0000-4000-8000-000000000000";
    let (status, _) = send(reqwest::Method::PATCH, format!("/api/v1/media/{unknown}"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(reqwest::Method::PATCH, "/api/v1/media/not-a-uuid".into(), Some(json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(reqwest::Method::GET, format!("/api/v1/media/{unknown}/history"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = send(reqwest::Method::DELETE, format!("/api/v1/media/{id}/overrides"), None).await;
    assert_eq!((status, &body["overrides"]), (StatusCode::OK, &json!({})), "{body}");
    let (status, body) = send(reqwest::Method::GET, format!("/api/v1/media/{id}/history"), None).await;
    assert_eq!(status, StatusCode::OK);
    let changes = body["changes"].as_array().unwrap();
    let seen: Vec<(&str, &str)> =
        changes.iter().map(|c| (c["field"].as_str().unwrap(), c["actor"].as_str().unwrap())).collect();
    assert_eq!(
        seen,
        [
            ("show", "api (no token)"),
            ("episodes", "api (no token)"),
            ("kind", "api (no token)"),
            ("show", "api (no token)"),
            ("episodes", "api (no token)"),
            ("kind", "api (no token)"),
        ],
        "{body}"
    );
    assert_eq!((&changes[0]["old"], &changes[0]["new"]), (&Value::Null, &json!("Http Show")));
});
