//! Stream details, playback decisions, their filters and the library report, from the binary
//! and over HTTP, on SQLite and on PostgreSQL.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use e2e::{Server, json, json_lines, mediascan, run, stderr};

use crate::db::Db;
use crate::{Tree, on_both, path_str};

const PROFILES: [&str; 6] = ["browser", "chrome", "firefox", "hls", "safari", "tv"];

/// A configuration whose library `lib` follows `profile`, with `extra` appended.
fn config_with(tree: &Tree, profile: &str, extra: &str) -> PathBuf {
    let path = tree.dir.path().join(format!("config-{profile}.toml"));
    let text = format!(
        "[scanner]\nconcurrency = 2\n[libraries.lib]\nroot = {:?}\nprofile = {profile:?}\n{extra}\n",
        path_str(&tree.root)
    );
    fs::write(&path, text).unwrap();
    path
}

fn scan(config: &PathBuf, db: &Db) -> Value {
    let output = run(mediascan()
        .args(["scan", "--library", "lib", "--json", "--db", &db.url])
        .arg("--config")
        .arg(config));
    assert!(output.status.success(), "{}", stderr(&output));
    json(&output)
}

fn media(config: &PathBuf, db: &Db, args: &[&str]) -> Vec<Value> {
    let output =
        run(mediascan().args(["media", "--json", "--db", &db.url]).arg("--config").arg(config).args(args));
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    json_lines(&output)
}

fn paths(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| r["path"].as_str().unwrap().to_owned()).collect()
}

/// The rows whose decision in `profile` matches `decision` (`transcode`: any transcode).
fn expected(rows: &[Value], profile: &str, decision: &str) -> Vec<String> {
    let matches = |d: &str| match decision {
        "transcode" => d.starts_with("transcode"),
        exact => d == exact,
    };
    paths(
        &rows
            .iter()
            .filter(|r| r["playback"][profile]["decision"].as_str().is_some_and(matches))
            .cloned()
            .collect::<Vec<_>>(),
    )
}

fn row<'a>(rows: &'a [Value], suffix: &str) -> &'a Value {
    rows.iter().find(|r| r["path"].as_str().unwrap().ends_with(suffix)).unwrap()
}

on_both!(media_shows_stream_details_and_filters_by_decision, |db| {
    let tree = Tree::new();
    let config = config_with(&tree, "browser", "");
    scan(&config, &db);
    let rows = media(&config, &db, &[]);
    assert_eq!(rows.len(), 4);

    let hevc = row(&rows, "Show.S01E02.mkv");
    let video = &hevc["video"];
    assert_eq!((video["codec"].as_str(), video["index"].as_u64()), (Some("hevc"), Some(0)));
    assert_eq!(video["hdr"], "sdr");
    for key in [
        "level",
        "codec_tag",
        "color_range",
        "field_order",
        "sample_aspect_ratio",
        "avg_frame_rate",
        "rotation",
        "dovi",
    ] {
        assert!(video.get(key).is_some(), "video.{key} missing: {video}");
    }
    assert_eq!(
        (hevc["audio"][0]["codec"].as_str(), hevc["audio"][0]["index"].as_u64()),
        (Some("ac3"), Some(1))
    );
    for key in ["profile", "sample_rate", "channel_layout", "default", "forced", "title"] {
        assert!(hevc["audio"][0].get(key).is_some(), "audio.{key} missing: {hevc}");
    }
    assert!(hevc["chapters"].is_array() && hevc["cover_art"].is_boolean());
    let names: Vec<&String> = hevc["playback"].as_object().unwrap().keys().collect();
    assert_eq!(names, PROFILES);
    let browser = &hevc["playback"]["browser"];
    assert_eq!(browser["decision"], "transcode");
    let codes: Vec<(&str, u64)> = browser["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r["stream"].as_u64().unwrap_or(u64::MAX)))
        .collect();
    assert!(codes.contains(&("video_codec_not_supported", 0)), "{codes:?}");
    assert!(codes.contains(&("audio_codec_not_supported", 1)), "{codes:?}");
    assert_eq!(hevc["compatibility"]["compatible"], false);
    let mp4 = row(&rows, "Pilot.720p.WEB-DL.mp4");
    assert_eq!(mp4["playback"]["browser"]["decision"], "direct_play");
    assert_eq!(mp4["playback"]["hls"]["decision"], "remux", "an MP4 file is at best a remux for HLS");
    assert_eq!(row(&rows, "Broken (2000).mkv")["playback"], serde_json::json!({}));

    let mut tried = 0;
    for profile in PROFILES {
        for decision in ["direct_play", "remux", "transcode_audio", "transcode_video", "transcode"] {
            let found = media(&config, &db, &["--profile", profile, "--decision", decision]);
            assert_eq!(paths(&found), expected(&rows, profile, decision), "{profile} {decision}");
            for r in &found {
                assert_eq!(r["playback"].as_object().unwrap().keys().collect::<Vec<_>>(), [profile]);
            }
            tried += usize::from(!found.is_empty());
        }
    }
    assert!(tried >= 8, "the fixtures cover several decisions ({tried})");
    assert_eq!(paths(&media(&config, &db, &["--codec", "HEVC"])), paths(std::slice::from_ref(hevc)));
    assert_eq!(media(&config, &db, &["--hdr", "sdr"]).len(), 3);
    assert!(media(&config, &db, &["--hdr", "dolby_vision"]).is_empty());
    let sizes = |found: &[Value]| -> Vec<(u64, u64)> {
        found
            .iter()
            .filter_map(|r| Some((r["video"]["width"].as_u64()?, r["video"]["height"].as_u64()?)))
            .collect()
    };
    let small = media(&config, &db, &["--resolution", "sd"]);
    assert!(!small.is_empty() && sizes(&small).iter().all(|&(w, h)| w < 1152 && h < 648), "{small:?}");
    // Without --profile, --decision judges by the library's profile (here browser).
    assert_eq!(
        paths(&media(&config, &db, &["--decision", "transcode"])),
        expected(&rows, "browser", "transcode")
    );

    let table =
        run(mediascan().args(["media", "--profile", "hls", "--db", &db.url]).arg("--config").arg(&config));
    let text = e2e::stdout(&table);
    assert!(text.contains("remux") && text.contains("PLAYS"), "{text}");

    for (args, message) in [
        (vec!["--profile", "nope"], "no client profile named \"nope\""),
        (vec!["--hdr", "hdr11"], "dolby_vision"),
        (vec!["--resolution", "8k"], "720p, sd, unknown"),
        (vec!["--profile", "hls", "--decision", "maybe"], "transcode_audio"),
    ] {
        let output =
            run(mediascan().args(["media", "--db", &db.url]).arg("--config").arg(&config).args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
});

/// The report's counts, computed from `media --json` rows.
fn check_report(report: &Value, rows: &[Value]) {
    let ok: Vec<&Value> = rows.iter().filter(|r| r["status"] == "ok").collect();
    assert_eq!(report["files"].as_u64(), Some(ok.len() as u64), "{report}");
    let bytes: u64 = ok.iter().map(|r| r["size_bytes"].as_u64().unwrap()).sum();
    assert_eq!(report["bytes"].as_u64(), Some(bytes));
    let secs: f64 = ok.iter().filter_map(|r| r["duration_secs"].as_f64()).sum();
    assert!((report["secs"].as_f64().unwrap() - secs).abs() < 1e-6, "{report}");
    assert_eq!(
        report["failed"].as_u64(),
        Some(rows.iter().filter(|r| r["status"] == "failed").count() as u64)
    );
    let mut codecs: BTreeMap<String, u64> = BTreeMap::new();
    for r in &ok {
        *codecs.entry(r["video"]["codec"].as_str().unwrap_or("unknown").to_owned()).or_default() += 1;
    }
    let got: BTreeMap<String, u64> = report["by"]["video_codec"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["files"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, codecs);
    for profile in PROFILES {
        let mut decisions: BTreeMap<String, u64> = BTreeMap::new();
        let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
        for r in &ok {
            let playback = &r["playback"][profile];
            *decisions.entry(playback["decision"].as_str().unwrap().to_owned()).or_default() += 1;
            let mut codes: Vec<&str> =
                playback["reasons"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
            codes.sort_unstable();
            codes.dedup();
            for code in codes {
                *reasons.entry(code.to_owned()).or_default() += 1;
            }
        }
        let section = &report["profiles"][profile];
        let got: BTreeMap<String, u64> = section["decisions"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["files"].as_u64().unwrap()))
            .collect();
        assert_eq!(got, decisions, "{profile}");
        let got: BTreeMap<String, u64> = section["top_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["code"].as_str().unwrap().to_owned(), r["files"].as_u64().unwrap()))
            .collect();
        assert_eq!(got, reasons, "{profile}");
    }
}

on_both!(the_report_counts_what_media_lists, |db| {
    let tree = Tree::new();
    let config = config_with(&tree, "browser", "");
    scan(&config, &db);
    let rows = media(&config, &db, &[]);
    let report = |args: &[&str]| {
        let output = run(mediascan()
            .args(["report", "--json", "--db", &db.url])
            .arg("--config")
            .arg(&config)
            .args(args));
        assert!(output.status.success(), "{}", stderr(&output));
        json(&output)
    };
    let whole = report(&[]);
    check_report(&whole, &rows);
    assert_eq!(report(&["--library", "lib"]), whole);
    assert_eq!(report(&["--library", "other"])["files"], 0);

    let table = run(mediascan().args(["report", "--db", &db.url]).arg("--config").arg(&config));
    assert!(table.status.success());
    let text = e2e::stdout(&table);
    for heading in
        ["CONTAINER", "VIDEO CODEC", "RESOLUTION", "RANGE", "AUDIO CODEC", "CHANNELS", "PROFILE", "hls"]
    {
        assert!(text.contains(heading), "{heading} in {text}");
    }

    // The same over HTTP.
    let server = Server::start(&config, &db.url, &[]);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let get = |path: String| {
        let client = client.clone();
        let url = server.url(&path);
        async move {
            let response = client.get(url).send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = get("/api/v1/report".into()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, whole);
    assert_eq!(get("/api/v1/report?library=lib".into()).await.1, whole);
    let (status, body) = get("/api/v1/report?library=other".into()).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("library_not_found")));

    for (profile, decision) in
        [("hls", "transcode"), ("hls", "remux"), ("browser", "direct_play"), ("safari", "transcode_video")]
    {
        let (status, body) = get(format!("/api/v1/media?profile={profile}&decision={decision}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body["items"].as_array().unwrap();
        assert_eq!(paths(items), expected(&rows, profile, decision), "{profile} {decision}");
        assert_eq!(body["total"].as_u64(), Some(items.len() as u64));
        assert!(items.iter().all(|i| i["playback"].as_object().unwrap().len() == 1));
    }
    let (status, body) = get("/api/v1/media?decision=direct_play&library=lib".into()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(paths(body["items"].as_array().unwrap()), expected(&rows, "browser", "direct_play"));
    let (status, body) = get("/api/v1/media?codec=HEVC&hdr=sdr".into()).await;
    assert_eq!((status, body["total"].as_u64()), (StatusCode::OK, Some(1)), "{body}");
    // Each resolution class of the report lists as many healthy files as the report counts.
    let classes = whole["by"]["resolution"].as_object().unwrap();
    assert!(!classes.is_empty(), "{whole}");
    for (class, tally) in classes {
        let (status, body) = get(format!("/api/v1/media?resolution={class}&status=ok")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"], tally["files"], "{class}: {body}");
    }
    // The failed file has no video: its class is unknown.
    let (status, body) = get("/api/v1/media?resolution=unknown".into()).await;
    assert_eq!((status, &body["total"]), (StatusCode::OK, &whole["failed"]), "{body}");
    let absent = ["4320p", "1440p", "720p", "sd"].into_iter().find(|c| !classes.contains_key(*c)).unwrap();
    let (status, body) = get(format!("/api/v1/media?resolution={absent}")).await;
    assert_eq!((status, body["total"].as_u64()), (StatusCode::OK, Some(0)), "{body}");
    let (status, body) = get("/api/v1/media?resolution=8k".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("4320p, 2160p, 1440p, 1080p, 720p, sd, unknown"), "{message}");
    for hdr in ["hdr10%2B", "hdr10plus", "dolby_vision"] {
        let (status, body) = get(format!("/api/v1/media?hdr={hdr}")).await;
        assert_eq!((status, body["total"].as_u64()), (StatusCode::OK, Some(0)), "{hdr}: {body}");
    }
    for (query, status, code) in [
        ("profile=nope", StatusCode::NOT_FOUND, "profile_not_found"),
        ("profile=no%20pe", StatusCode::BAD_REQUEST, "invalid_query"),
        ("hdr=hdr11", StatusCode::BAD_REQUEST, "invalid_query"),
        ("codec=h%2F264", StatusCode::BAD_REQUEST, "invalid_query"),
        ("resolution=1080", StatusCode::BAD_REQUEST, "invalid_query"),
        ("resolution=1080P", StatusCode::BAD_REQUEST, "invalid_query"),
        ("profile=hls&decision=sometimes", StatusCode::BAD_REQUEST, "invalid_query"),
    ] {
        let (got, body) = get(format!("/api/v1/media?{query}")).await;
        assert_eq!((got, body["error"].as_str()), (status, Some(code)), "{query}: {body}");
    }
});

on_both!(changed_profiles_are_applied_by_the_next_scan_without_probing, |db| {
    let tree = Tree::new();
    let browser = config_with(&tree, "browser", "");
    scan(&browser, &db);
    let before = media(&browser, &db, &[]);
    assert_eq!(row(&before, "WEB-DL.mp4")["compatibility"]["compatible"], true);

    // The library now follows HLS, and a configured profile joins the built-in ones.
    let extra =
        "[profiles.old-tv]\ncontainers = [\"avi\"]\nvideo_codecs = [\"mpeg4\"]\naudio_codecs = [\"mp3\"]\n";
    let hls = config_with(&tree, "hls", extra);
    let done = scan(&hls, &db);
    assert_eq!((done["new_files"].as_u64(), done["changed_files"].as_u64()), (Some(0), Some(0)), "{done}");
    assert_eq!(done["probes"], serde_json::json!({}), "nothing probed again: {done}");
    let after = media(&hls, &db, &[]);
    let mp4 = row(&after, "WEB-DL.mp4");
    assert_eq!(mp4["compatibility"]["compatible"], false, "HLS needs MPEG-TS segments");
    assert_eq!(mp4["playback"]["hls"]["decision"], "remux");
    assert_eq!(row(&after, "Film (1999).avi")["playback"]["old-tv"]["decision"], "direct_play");
    assert_eq!(mp4["last_scanned_at"], row(&before, "WEB-DL.mp4")["last_scanned_at"]);
    let only = media(&hls, &db, &["--profile", "old-tv", "--decision", "direct_play"]);
    assert_eq!(paths(&only), vec![path_str(&tree.root.join("Movies/Film (1999).avi")).to_owned()]);
});
