//! Items end to end: real folder trees with extras, parts, versions in two libraries and a
//! show with gaps, scanned by the binary, read back with `mediascan items` and the API.

use std::fs;
use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::Value;
use testkit::presets;

use e2e::{Server, json_lines, mediascan, run, stderr};

use crate::db::Db;
use crate::server::get;
use crate::{on_both, path_str};

/// Films in `films` and `uhd` (one film in both), a show in `tv`.
struct Library {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

impl Library {
    fn new() -> Self {
        testkit::require_ffmpeg();
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        let mp4 = presets::h264_aac_mp4();
        let mkv = presets::hevc10_ac3_mkv();
        for (fixture, path) in [
            (&mp4, "Films/Salt Marsh (2012)/Salt Marsh (2012) - 1080p - cd1.mp4"),
            (&mp4, "Films/Salt Marsh (2012)/Salt Marsh (2012) - 1080p - cd2.mp4"),
            (&mkv, "Films/Salt Marsh (2012)/Trailers/Teaser.mkv"),
            (&mp4, "Films/Salt Marsh (2012)/Salt Marsh (2012)-featurette.mp4"),
            (&mp4, "Films/Wide Meadow (2019) [tmdbid-880]/Wide Meadow (2019).mp4"),
            (&mkv, "UHD/Salt Marsh (2012)/Salt Marsh (2012) - 2160p.mkv"),
            (&mp4, "UHD/Meadow, Wide (2019) {tmdb-880}/Meadow, Wide (2019) - Director's Cut.mkv"),
            (&mp4, "TV/Iron Pier/Season 1/Iron Pier S01E01.mp4"),
            (&mp4, "TV/Iron Pier/Season 1/Iron Pier S01E02 720p.mp4"),
            (&mp4, "TV/Iron Pier/Season 1/Iron Pier S01E02 1080p.mp4"),
            (&mp4, "TV/Iron Pier/Season 1/Iron Pier S01E02E03.mp4"),
            (&mp4, "TV/Iron Pier/Season 1/Iron Pier S01E05.mp4"),
            (&mp4, "TV/Iron Pier/Specials/Iron Pier S00E01.mp4"),
            (&mp4, "TV/Iron Pier/Extras/Cast Panel.mp4"),
        ] {
            testkit::place(fixture, &root.join(path));
        }
        let config = root.join("config.toml");
        let libraries: String = ["films:Films", "uhd:UHD", "tv:TV"]
            .iter()
            .map(|l| l.split_once(':').unwrap())
            .map(|(name, dir)| format!("[libraries.{name}]\nroot = {:?}\n", path_str(&root.join(dir))))
            .collect();
        fs::write(&config, format!("[scanner]\nconcurrency = 2\n{libraries}")).unwrap();
        Self { _dir: dir, root, config }
    }

    fn scan(&self, db: &Db, library: &str) {
        let out = run(mediascan().arg("--config").arg(&self.config).args([
            "scan",
            "--library",
            library,
            "--db",
            &db.url,
        ]));
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn items(&self, db: &Db, extra: &[&str]) -> Vec<Value> {
        let out = run(mediascan()
            .arg("--config")
            .arg(&self.config)
            .args(["items", "--json", "--db", &db.url])
            .args(extra));
        assert!(out.status.success(), "{}", stderr(&out));
        json_lines(&out)
    }

    fn media(&self, db: &Db) -> Vec<Value> {
        let out =
            run(mediascan().arg("--config").arg(&self.config).args(["media", "--json", "--db", &db.url]));
        assert!(out.status.success(), "{}", stderr(&out));
        json_lines(&out)
    }
}

fn titled<'a>(items: &'a [Value], title: &str) -> &'a Value {
    items.iter().find(|i| i["title"] == title).unwrap_or_else(|| panic!("no item {title}: {items:?}"))
}

fn labels(item: &Value) -> Vec<Option<&str>> {
    item["versions"].as_array().unwrap().iter().map(|v| v["label"].as_str()).collect()
}

on_both!(extras_parts_and_versions_become_items_with_stable_ids, |db| {
    let lib = Library::new();
    for library in ["films", "uhd", "tv"] {
        lib.scan(&db, library);
    }
    let items = lib.items(&db, &[]);
    let media = lib.media(&db);
    let row = |end: &str| media.iter().find(|m| m["path"].as_str().unwrap().ends_with(end)).unwrap().clone();

    // One film from two libraries: a 1080p version in two parts, a 2160p one, two extras.
    let salt = titled(&items, "Salt Marsh");
    assert_eq!((salt["kind"].as_str(), salt["year"].as_u64()), (Some("movie"), Some(2012)));
    assert_eq!(labels(salt), [Some("1080p"), Some("2160p")]);
    let parts: Vec<&str> = salt["versions"][0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert!(parts[0].ends_with("cd1.mp4") && parts[1].ends_with("cd2.mp4"), "{parts:?}");
    let cd1 = row("cd1.mp4");
    let cd2 = row("cd2.mp4");
    assert_eq!(salt["versions"][0]["parts"][0]["media_id"], cd1["id"]);
    let sum = cd1["duration_secs"].as_f64().unwrap() + cd2["duration_secs"].as_f64().unwrap();
    assert!((salt["duration_secs"].as_f64().unwrap() - sum).abs() < 1e-6, "{salt}");
    let mut extras: Vec<&str> =
        salt["extras"].as_array().unwrap().iter().map(|e| e["extra_type"].as_str().unwrap()).collect();
    extras.sort_unstable();
    assert_eq!(extras, ["featurette", "trailer"]);
    let teaser = row("Teaser.mkv");
    assert_eq!(teaser["parsed"]["kind"], "extra");
    assert_eq!(teaser["parsed"]["extra_type"], "trailer");
    assert_eq!(teaser["parsed"]["extra_of"], salt["id"]);

    // Provider ids join two names of one film; the ids are in `parsed.ids`.
    let meadow = items.iter().filter(|i| i["year"] == 2019).collect::<Vec<_>>();
    assert_eq!(meadow.len(), 1, "{items:?}");
    assert_eq!(labels(meadow[0]), [None, Some("Director's Cut")]);
    assert_eq!(row("Wide Meadow (2019).mp4")["parsed"]["ids"]["tmdb"], 880);

    // Episodes: two versions of E02; a double episode is its own item. Show extras name the show.
    let episodes: Vec<&Value> = items.iter().filter(|i| i["kind"] == "episode").collect();
    assert_eq!(episodes.len(), 5, "E01, E02, E02E03, E05 and a special: {episodes:?}");
    let e02 = episodes.iter().find(|i| i["episodes"] == serde_json::json!([2])).unwrap();
    assert_eq!(labels(e02), [Some("1080p"), Some("720p")]);
    let panel = row("Cast Panel.mp4");
    assert_eq!(
        (panel["parsed"]["extra_show"].as_str(), &panel["parsed"]["extra_of"]),
        (Some("Iron Pier"), &Value::Null)
    );
    assert_eq!(lib.items(&db, &["--kind", "movie"]).len(), 2);
    assert_eq!(lib.items(&db, &["--library", "uhd"]).len(), 2);
    assert_eq!(lib.items(&db, &["--search", "salt"]).len(), 1);

    // A rescan changes nothing; moving the 2160p copy to another folder keeps every id.
    let before: Vec<&Value> = items.iter().map(|i| &i["id"]).collect();
    lib.scan(&db, "uhd");
    let uhd = lib.root.join("UHD");
    fs::rename(uhd.join("Salt Marsh (2012)"), uhd.join("Salt Marsh (2012) remux")).unwrap();
    lib.scan(&db, "uhd");
    let after = lib.items(&db, &[]);
    assert_eq!(after.iter().map(|i| &i["id"]).collect::<Vec<_>>(), before);
    let moved = titled(&after, "Salt Marsh");
    assert!(moved["versions"][1]["parts"][0]["path"].as_str().unwrap().contains("remux"), "{moved}");
    assert_eq!(
        moved["versions"][1]["parts"][0]["media_id"],
        row("2160p.mkv")["id"],
        "the row moved, same id"
    );
});

on_both!(items_and_show_trees_are_served_paged_and_validated, |db| {
    let lib = Library::new();
    for library in ["films", "uhd", "tv"] {
        lib.scan(&db, library);
    }
    let server = Server::start(&lib.config, &db.url, &[]);
    let (status, all) = get(&server, "/api/v1/items").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["total"], 7);
    let every: Vec<Value> = all["items"].as_array().unwrap().clone();
    assert_eq!(every, lib.items(&db, &[]), "the API and the CLI list the same items");

    // Pages of two, by cursor, give the same items.
    let mut paged = Vec::new();
    let mut path = "/api/v1/items?limit=2".to_owned();
    loop {
        let (status, page) = get(&server, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        paged.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/items?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, every);
    let (_, movies) = get(&server, "/api/v1/items?kind=movie&library=films&q=MARSH").await;
    assert_eq!(
        (movies["total"].as_u64(), movies["items"][0]["title"].as_str()),
        (Some(1), Some("Salt Marsh"))
    );

    for (bad, status) in [
        ("/api/v1/items?kind=extra", StatusCode::BAD_REQUEST),
        ("/api/v1/items?cursor=2f61", StatusCode::BAD_REQUEST),
        ("/api/v1/items?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/items?limit=1001", StatusCode::BAD_REQUEST),
        ("/api/v1/items?q=%00", StatusCode::BAD_REQUEST),
        ("/api/v1/items?library=nope", StatusCode::NOT_FOUND),
        ("/api/v1/shows/Nobody", StatusCode::NOT_FOUND),
        ("/api/v1/shows/a%00b", StatusCode::BAD_REQUEST),
    ] {
        let (got, body) = get(&server, bad).await;
        assert_eq!(got, status, "{bad}: {body}");
        assert!(body["error"].is_string(), "{bad}: {body}");
    }

    // The show: specials as season 0, E04 missing, E02 claimed twice.
    let (status, tree) = get(&server, "/api/v1/shows/Iron%20Pier").await;
    assert_eq!(status, StatusCode::OK, "{tree}");
    assert_eq!(tree["show"], "Iron Pier");
    let seasons = tree["seasons"].as_array().unwrap();
    assert_eq!(seasons.iter().map(|s| s["season"].as_u64().unwrap()).collect::<Vec<_>>(), [0, 1]);
    let one: Vec<(u64, bool, bool)> = seasons[1]["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["episode"].as_u64().unwrap(),
                e["missing"].as_bool().unwrap(),
                e["duplicate"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        one,
        [(1, false, false), (2, false, true), (3, false, false), (4, true, false), (5, false, false)]
    );
    assert_eq!(seasons[1]["episodes"][3]["item_id"], Value::Null);
    let e01 = every.iter().find(|i| i["season"] == 1 && i["episodes"] == serde_json::json!([1])).unwrap();
    assert_eq!(seasons[1]["episodes"][0]["item_id"], e01["id"]);
});
