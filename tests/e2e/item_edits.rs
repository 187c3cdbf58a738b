//! Item edits end to end: two differently named copies of one film matched to one TMDB id
//! become one item with two versions, from the binary and over HTTP, and stay matched across a
//! rescan, a content change (re-probe) and a rename; on SQLite and on PostgreSQL.

use std::fs;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::presets;

use e2e::{Server, json as json_of, json_lines, mediascan, run, stderr};

use crate::db::Db;
use crate::{on_both, path_str};

/// One film under two names, with a trailer, in one library.
struct Films {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

const FIRST: &str = "Film (2010)/Film (2010) - 1080p.mkv";
const SECOND: &str = "Elsewhere/Das Film (2010).mp4";

impl Films {
    fn new() -> Self {
        testkit::require_ffmpeg();
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap().join("films");
        testkit::place(&presets::hevc10_ac3_mkv(), &root.join(FIRST));
        testkit::place(&presets::h264_aac_mp4(), &root.join(SECOND));
        testkit::place(&presets::h264_aac_mp4(), &root.join("Film (2010)/Trailers/Teaser.mp4"));
        let config = dir.path().join("config.toml");
        let text = format!("[scanner]\nconcurrency = 2\n[libraries.films]\nroot = {:?}\n", path_str(&root));
        fs::write(&config, text).unwrap();
        Self { _dir: dir, root, config }
    }

    fn cli(&self, db: &Db, args: &[&str]) -> std::process::Output {
        run(mediascan().args(args).args(["--db", &db.url]).arg("--config").arg(&self.config))
    }

    fn ok(&self, db: &Db, args: &[&str]) -> std::process::Output {
        let output = self.cli(db, args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        output
    }

    fn scan(&self, db: &Db) -> Value {
        json_of(&self.ok(db, &["scan", "--library", "films", "--json"]))
    }

    fn items(&self, db: &Db) -> Vec<Value> {
        json_lines(&self.ok(db, &["items", "--json"]))
    }
}

/// The item's versions, each as the file names of its parts.
fn versions(item: &Value) -> Vec<Vec<String>> {
    let name = |p: &Value| {
        Path::new(p["path"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned()
    };
    item["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["parts"].as_array().unwrap().iter().map(name).collect())
        .collect()
}

/// The ids of the items whose first file has this name.
fn item_of<'a>(items: &'a [Value], file: &str) -> &'a Value {
    items.iter().find(|i| versions(i).iter().flatten().any(|f| f == file)).expect("an item holds the file")
}

on_both!(a_film_matched_by_tmdb_id_is_one_item_across_rescans_reprobes_and_renames, |db| {
    let films = Films::new();
    films.scan(&db);
    let before = films.items(&db);
    assert_eq!(before.len(), 2, "two names, two items: {before:?}");
    let first = item_of(&before, "Film (2010) - 1080p.mkv")["id"].as_str().unwrap().to_owned();
    let second = item_of(&before, "Das Film (2010).mp4")["id"].as_str().unwrap().to_owned();

    let edit = |item: &str| {
        json_of(&films.ok(&db, &["edit", "--item", item, "--tmdb", "603", "--title", "Film", "--json"]))
    };
    let matched = edit(&first);
    let id = matched["id"].as_str().unwrap().to_owned();
    assert_ne!(id, first, "matched to a TMDB id, the item is keyed by it");
    assert_eq!(matched["extras"].as_array().unwrap().len(), 1, "its trailer follows it: {matched}");
    let merged = edit(&second);
    assert_eq!(merged["id"], id.as_str(), "{merged}");
    assert_eq!(versions(&merged).len(), 2, "{merged}");
    // An extra downloaded after the match follows the film at the next scan.
    testkit::place(&presets::h264_aac_mp4(), &films.root.join("Film (2010)/Featurettes/Making Of.mp4"));

    let check = |when: &str, first_name: &str| {
        let items: Vec<Value> = films.items(&db).into_iter().filter(|i| i["kind"] == "movie").collect();
        assert_eq!(items.len(), 1, "{when}: {items:?}");
        assert_eq!(
            (items[0]["id"].as_str(), &items[0]["title"]),
            (Some(id.as_str()), &json!("Film")),
            "{when}"
        );
        assert_eq!(
            items[0]["extras"].as_array().unwrap().len(),
            2,
            "{when}: trailer and featurette: {items:?}"
        );
        let mut files: Vec<String> = versions(&items[0]).into_iter().flatten().collect();
        let mut expected = [first_name, "Das Film (2010).mp4"];
        files.sort();
        expected.sort();
        assert_eq!(files, expected, "{when}");
    };
    let rescan = films.scan(&db);
    assert_eq!((&rescan["changed_files"], &rescan["new_files"]), (&json!(0), &json!(1)), "{rescan}");
    check("rescanned", "Film (2010) - 1080p.mkv");
    // A file of its own first: the tree's files are hard links to fixtures other tests share.
    let second_path = films.root.join(SECOND);
    let mut content = fs::read(&second_path).unwrap();
    content.extend_from_slice(&[0; 4096]);
    fs::remove_file(&second_path).unwrap();
    fs::write(&second_path, content).unwrap();
    let rescan = films.scan(&db);
    assert_eq!(rescan["changed_files"], 1, "{rescan}");
    check("re-probed", "Film (2010) - 1080p.mkv");
    let renamed = films.root.join("Film (2010)/Another Name (2011).mkv");
    fs::rename(films.root.join(FIRST), &renamed).unwrap();
    let rescan = films.scan(&db);
    assert_eq!(rescan["moved_files"], 1, "{rescan}");
    check("renamed", "Another Name (2011).mkv");

    // The trailer, given to the film's old name by hand, and back to the film.
    let teaser = films.root.join("Film (2010)/Trailers/Teaser.mp4");
    let owner = |item: &str| {
        let edited = json_of(&films.ok(&db, &["edit", path_str(&teaser), "--extra-of", item, "--json"]));
        assert_eq!(edited["parsed"]["extra_of"], item, "{edited}");
    };
    owner(&first);
    let extras: Vec<usize> = films.items(&db).iter().map(|i| i["extras"].as_array().unwrap().len()).collect();
    assert_eq!(extras, [1], "the featurette alone: {extras:?}");
    owner(&id);
    check("given back", "Another Name (2011).mkv");

    // Each file's history shows the item edit.
    let history = json_lines(&films.ok(&db, &["history", path_str(&renamed), "--json"]));
    let seen: Vec<(&str, &str)> =
        history.iter().map(|c| (c["actor"].as_str().unwrap(), c["field"].as_str().unwrap())).collect();
    assert_eq!(seen, [("cli", "title"), ("cli", "tmdb")], "{history:?}");

    // Errors: an unknown item (1); bad values, a film's season, a kind (2).
    let unknown = films.cli(&db, &["edit", "--item", "00000000-0000-4000-8000-000000000000", "--tmdb", "1"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", stderr(&unknown));
    for args in [
        &["edit", "--item", &id, "--tmdb", "0"][..],
        &["edit", "--item", &id, "--imdb", "tt12"],
        &["edit", "--item", &id, "--season", "1"],
        &["edit", "--item", &id, "--kind", "movie"],
        &["edit", "--item", "not-an-id", "--tmdb", "1"],
        &["edit", "--item", &id, path_str(&renamed), "--tmdb", "1"],
        &["edit", path_str(&renamed), "--extra-of", &id],
        &["edit", "--item", &id, "--extra-of", &id],
    ] {
        let refused = films.cli(&db, args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {}", stderr(&refused));
    }
});

on_both!(item_edits_over_http_rekey_the_item_and_are_validated, |db| {
    let films = Films::new();
    films.scan(&db);
    let before = films.items(&db);
    let first = item_of(&before, "Film (2010) - 1080p.mkv")["id"].as_str().unwrap().to_owned();
    let second = item_of(&before, "Das Film (2010).mp4")["id"].as_str().unwrap().to_owned();
    let server = Server::start(&films.config, &db.url, &[]);
    let send = |method: reqwest::Method, path: String, body: Option<Value>| {
        let server = &server;
        async move { crate::server::send(server, method, &path, body).await }
    };
    let get = |item: &str| send(reqwest::Method::GET, format!("/api/v1/items/{item}"), None);
    let patch =
        |item: &str, body: Value| send(reqwest::Method::PATCH, format!("/api/v1/items/{item}"), Some(body));

    let (status, item) = get(&first).await;
    assert_eq!((status, &item["id"]), (StatusCode::OK, &json!(first)), "{item}");
    let (status, matched) = patch(&first, json!({"tmdb": "603", "imdb": "tt0133093", "year": 2010})).await;
    assert_eq!(status, StatusCode::OK, "{matched}");
    let id = matched["id"].as_str().unwrap().to_owned();
    assert_ne!(id, first);
    let (status, merged) = patch(&second, json!({"tmdb": "603"})).await;
    assert_eq!((status, &merged["id"]), (StatusCode::OK, &json!(id)), "{merged}");
    assert_eq!(versions(&merged).len(), 2, "{merged}");
    let (status, _) = get(&first).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the old id names no item any more");
    let (status, again) = get(&id).await;
    assert_eq!((status, versions(&again).len()), (StatusCode::OK, 2), "{again}");

    let trailer = again["extras"][0]["media_id"].as_str().unwrap().to_owned();

    // A media record shows the id in force and the override.
    let file = merged["versions"][0]["parts"][0]["media_id"].as_str().unwrap().to_owned();
    let (_, record) = send(reqwest::Method::GET, format!("/api/v1/media/{file}"), None).await;
    assert_eq!(
        (&record["parsed"]["ids"]["tmdb"], &record["overrides"]["tmdb"]),
        (&json!(603), &json!("603"))
    );
    let (_, history) = send(reqwest::Method::GET, format!("/api/v1/media/{file}/history"), None).await;
    let fields: Vec<&str> =
        history["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"tmdb"), "{history}");
    assert!(
        history["changes"].as_array().unwrap().iter().all(|c| c["actor"] == "api (no token)"),
        "{history}"
    );

    for bad in [
        json!({"tmdb": "0"}),
        json!({"tmdb": 603}),
        json!({"tvdb": "12345678901"}),
        json!({"imdb": "tt12"}),
        json!({"kind": "movie"}),
        json!({"title": ""}),
        json!({"bogus": 1}),
    ] {
        let (status, body) = patch(&id, bad.clone()).await;
        assert_eq!(
            (status, &body["error"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!("invalid_body")),
            "{bad}: {body}"
        );
    }
    let (status, body) = patch(&id, json!({"season": 1})).await;
    assert_eq!((status, &body["error"]), (StatusCode::CONFLICT, &json!("not_for_this_item")), "{body}");
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_eq!(patch(unknown, json!({"tmdb": "1"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(unknown).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get("not-a-uuid").await.0, StatusCode::NOT_FOUND, "no item has that id");
    let malformed = crate::server::client()
        .patch(server.url(&format!("/api/v1/items/{id}")))
        .header("content-type", "application/json")
        .body("{\"tmdb\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    // Without its overrides, each file is filed by its name again.
    let (status, cleared) =
        send(reqwest::Method::DELETE, format!("/api/v1/items/{id}/overrides"), None).await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    let mut ids: Vec<&str> =
        cleared["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut named = vec![first.as_str(), second.as_str()];
    named.sort();
    assert_eq!(ids, named, "{cleared}");
    // An extra can be given to another item by hand; only extras take an owner.
    let media =
        |id: &str, body: Value| send(reqwest::Method::PATCH, format!("/api/v1/media/{id}"), Some(body));
    let (status, moved) = media(&trailer, json!({"extra_of": second})).await;
    assert_eq!((status, &moved["parsed"]["extra_of"]), (StatusCode::OK, &json!(second)), "{moved}");
    let (_, owner) = get(&second).await;
    assert_eq!(owner["extras"].as_array().map(Vec::len), Some(1), "{owner}");
    let (status, body) = media(&file, json!({"extra_of": second})).await;
    assert_eq!((status, &body["error"]), (StatusCode::CONFLICT, &json!("not_an_extra")), "a film: {body}");
    let (status, body) = media(&trailer, json!({"extra_of": "not-an-id"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, back) = media(&trailer, json!({"extra_of": null})).await;
    assert_eq!((status, &back["parsed"]["extra_of"]), (StatusCode::OK, &json!(first)), "its name's: {back}");

    // A file edit that moves an item's only film takes its trailer along.
    let (_, item) = get(&first).await;
    let only = item["versions"][0]["parts"][0]["media_id"].as_str().unwrap().to_owned();
    assert_eq!(item["extras"].as_array().map(Vec::len), Some(1), "{item}");
    let (status, film) = media(&only, json!({"tmdb": "550"})).await;
    assert_eq!(status, StatusCode::OK, "{film}");
    let (status, all) = send(reqwest::Method::GET, "/api/v1/items".to_owned(), None).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let moved = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["versions"][0]["parts"][0]["media_id"] == only.as_str())
        .expect("the film's new item");
    assert_ne!(moved["id"], first.as_str());
    assert_eq!(moved["extras"].as_array().map(Vec::len), Some(1), "{moved}");
});
