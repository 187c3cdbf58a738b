//! Sidecar files through the binary with the real ffprobe, on both databases: every subtitle
//! naming convention, `.nfo` metadata and artwork in `media --json` and the API, and rescans that
//! pick up sidecars added, changed and removed without probing the videos again.

use std::fs;
use std::path::Path;

use serde_json::Value;

use e2e::Server;
use testkit::presets;

use crate::db::Db;
use crate::incremental::{Rescans, counts};
use crate::{Tree, config, on_both, real_ffprobe};

const MATRIX: &str = "Movies/The Matrix (1999)";
const FILM: &str = "Movies/Film (2001)";
const SEASON: &str = "TV/Show/Season 01";

const SRT: &[u8] = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n";

/// Three videos with sidecars of every kind.
fn tree() -> Tree {
    testkit::require_ffmpeg();
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap().join("media");
    let put = |relative: &str, bytes: &[u8]| testkit::write(&root.join(relative), bytes);
    let video = presets::h264_aac_mp4();
    testkit::place(&video, &root.join(MATRIX).join("The Matrix (1999).mp4"));
    for words in ["en", "eng.forced", "en.sdh", "en.hi", "English", "2.en"] {
        put(&format!("{MATRIX}/The Matrix (1999).{words}.srt"), SRT);
    }
    // The extension lies: WebVTT content in a `.srt`.
    put(&format!("{MATRIX}/The Matrix (1999).pt-BR.srt"), b"WEBVTT\n\n00:01.000 --> 00:02.000\nOla\n");
    put(&format!("{MATRIX}/The Matrix (1999).de.ass"), b"[Script Info]\nScriptType: v4.00+\n");
    put(&format!("{MATRIX}/The Matrix (1999).fr.sup"), &[b'P', b'G', 0, 0, 0, 0, 0, 0, 0, 0, 0x16, 0, 0x13]);
    put(
        &format!("{MATRIX}/The Matrix (1999).es.idx"),
        b"# VobSub index file, v7 (do not modify this line!)\n",
    );
    put(&format!("{MATRIX}/The Matrix (1999).es.sub"), &[0, 0, 1, 0xba, 0x44, 0, 4]);
    put(
        &format!("{MATRIX}/movie.nfo"),
        br#"<?xml version="1.0" encoding="UTF-8"?>
<movie><title>The Matrix</title><originaltitle>The Matrix</originaltitle><year>1999</year>
<plot>Neo &amp; Trinity.</plot><uniqueid type="imdb">tt0133093</uniqueid><uniqueid type="tmdb">603</uniqueid></movie>"#,
    );
    for image in ["poster.jpg", "fanart.jpg", "The Matrix (1999)-thumb.jpg"] {
        put(&format!("{MATRIX}/{image}"), b"\xff\xd8\xff");
    }
    testkit::place(&video, &root.join(FILM).join("Film (2001).mp4"));
    put(&format!("{FILM}/Subs/2_English.srt"), SRT);
    put(&format!("{FILM}/Subtitles/French.forced.srt"), SRT);
    put(&format!("{FILM}/Film (2001).nfo"), b"<movie><title>Cut short");
    testkit::place(&video, &root.join(SEASON).join("Show - S01E01.mp4"));
    put(&format!("{SEASON}/Show - S01E01.ja.vtt"), b"WEBVTT\n");
    put(
        &format!("{SEASON}/Show - S01E01.en.forced.sup"),
        &[b'P', b'G', 0, 0, 0, 0, 0, 0, 0, 0, 0x16, 0, 0x13],
    );
    put(&format!("{SEASON}/Show - S01E01-thumb.jpg"), b"\xff\xd8\xff");
    put(
        "TV/Show/tvshow.nfo",
        b"<tvshow><title>Show</title><uniqueid type=\"tvdb\">81189</uniqueid></tvshow>",
    );
    put("TV/Show/season01-poster.jpg", b"\xff\xd8\xff");
    put("TV/Show/season02-poster.jpg", b"\xff\xd8\xff");
    Tree { dir, root }
}

fn record<'a>(media: &'a [Value], name: &str) -> &'a Value {
    media.iter().find(|m| m["path"].as_str().unwrap().ends_with(name)).unwrap_or_else(|| panic!("{name}"))
}

/// The external subtitles: file name, codec, language, forced, hearing impaired, in name order.
fn externals(record: &Value) -> Vec<(String, String, String, bool, bool)> {
    let mut subs: Vec<_> = record["subtitles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["external"] == true)
        .map(|s| {
            let path = s["path"].as_str().unwrap();
            (
                Path::new(path).file_name().unwrap().to_string_lossy().into_owned(),
                s["codec"].as_str().unwrap().to_owned(),
                s["language"].as_str().unwrap_or("-").to_owned(),
                s["forced"].as_bool().unwrap(),
                s["hearing_impaired"].as_bool().unwrap(),
            )
        })
        .collect();
    subs.sort();
    subs
}

fn sub(
    name: &str,
    codec: &str,
    language: &str,
    forced: bool,
    hi: bool,
) -> (String, String, String, bool, bool) {
    (name.to_owned(), codec.to_owned(), language.to_owned(), forced, hi)
}

fn artwork(record: &Value) -> Vec<String> {
    record["artwork"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| Path::new(a.as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn chrome_codes(record: &Value) -> Vec<String> {
    let reasons = record["playback"]["chrome"]["reasons"].as_array().unwrap();
    reasons.iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect()
}

on_both!(every_sidecar_convention_is_read, |db| {
    let r = Rescans::with_tree(&db, tree());
    let (done, probed) = r.scan(&[]);
    assert_eq!(counts(&done), [3, 0, 0, 0, 0]);
    assert_eq!(probed.len(), 3, "only the videos are probed: {probed:?}");
    let warnings = done["warnings"].to_string();
    assert!(warnings.contains("Film (2001).nfo") && warnings.contains("not a valid NFO"), "{warnings}");
    let media = r.media();
    assert_eq!(media.len(), 3, "sidecars are no rows of their own");

    let matrix = record(&media, "The Matrix (1999).mp4");
    let m = "The Matrix (1999)";
    assert_eq!(
        externals(matrix),
        [
            sub(&format!("{m}.2.en.srt"), "subrip", "eng", false, false),
            sub(&format!("{m}.English.srt"), "subrip", "eng", false, false),
            sub(&format!("{m}.de.ass"), "ass", "ger", false, false),
            sub(&format!("{m}.en.hi.srt"), "subrip", "eng", false, true),
            sub(&format!("{m}.en.sdh.srt"), "subrip", "eng", false, true),
            sub(&format!("{m}.en.srt"), "subrip", "eng", false, false),
            sub(&format!("{m}.eng.forced.srt"), "subrip", "eng", true, false),
            sub(&format!("{m}.es.idx"), "dvd_subtitle", "spa", false, false),
            sub(&format!("{m}.fr.sup"), "hdmv_pgs_subtitle", "fre", false, false),
            sub(&format!("{m}.pt-BR.srt"), "webvtt", "por", false, false),
        ]
    );
    let text: Vec<bool> = matrix["subtitles"].as_array().unwrap().iter().map(|s| s["text"] == true).collect();
    assert_eq!(text.iter().filter(|t| !**t).count(), 2, "PGS and VobSub are pictures");
    assert_eq!(
        matrix["metadata"],
        serde_json::json!({"title": "The Matrix", "original_title": "The Matrix", "year": 1999,
            "plot": "Neo & Trinity.", "ids": {"tmdb": "603", "imdb": "tt0133093", "tvdb": null}})
    );
    assert_eq!(artwork(matrix), ["The Matrix (1999)-thumb.jpg", "fanart.jpg", "poster.jpg"]);
    assert!(!chrome_codes(matrix).contains(&"subtitle_needs_burn_in".to_owned()), "a forced .srt is text");

    let film = record(&media, "Film (2001).mp4");
    assert_eq!(
        externals(film),
        [
            sub("2_English.srt", "subrip", "eng", false, false),
            sub("French.forced.srt", "subrip", "fre", true, false)
        ]
    );
    assert_eq!(film["metadata"], Value::Null, "a malformed NFO is a warning, not metadata");
    assert_eq!(film["status"], "ok");

    let episode = record(&media, "Show - S01E01.mp4");
    assert_eq!(
        externals(episode),
        [
            sub("Show - S01E01.en.forced.sup", "hdmv_pgs_subtitle", "eng", true, false),
            sub("Show - S01E01.ja.vtt", "webvtt", "jpn", false, false),
        ]
    );
    assert_eq!(episode["metadata"]["title"], "Show");
    assert_eq!(episode["metadata"]["ids"]["tvdb"], "81189");
    assert_eq!(artwork(episode), ["Show - S01E01-thumb.jpg", "season01-poster.jpg"]);
    assert!(chrome_codes(episode).contains(&"subtitle_needs_burn_in".to_owned()), "a forced external PGS");
    assert_eq!(episode["playback"]["tv"]["decision"], "direct_play");

    // The API serves the same objects.
    let server = Server::start(&config(&r.tree, &real_ffprobe(), ""), &r.db, &[]);
    let page: Value = reqwest::get(server.url("/api/v1/media?limit=10")).await.unwrap().json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    let served = record(items, "The Matrix (1999).mp4");
    assert_eq!(served["metadata"], matrix["metadata"]);
    assert_eq!(served["subtitles"], matrix["subtitles"]);
    assert_eq!(served["artwork"], matrix["artwork"]);
});

on_both!(sidecars_added_changed_and_removed_are_picked_up_without_a_probe, |db| {
    let r = Rescans::with_tree(&db, tree());
    r.scan(&[]);
    let (unchanged, probed) = r.scan(&[]);
    assert_eq!((counts(&unchanged), probed.len()), ([0, 0, 3, 0, 0], 0));
    let ids: Vec<Value> = r.media().iter().map(|m| m["id"].clone()).collect();

    fs::write(r.path(&format!("{FILM}/Film (2001).de.srt")), SRT).unwrap();
    fs::write(
        r.path(&format!("{MATRIX}/movie.nfo")),
        "<movie><title>The Matrix Reloaded</title><year>2003</year><uniqueid type=\"tmdb\">604</uniqueid></movie>",
    )
    .unwrap();
    fs::remove_file(r.path(&format!("{MATRIX}/poster.jpg"))).unwrap();
    fs::remove_file(r.path(&format!("{SEASON}/Show - S01E01.en.forced.sup"))).unwrap();
    fs::write(r.path("TV/Show/tvshow.nfo"), "<tvshow><title>The Show</title></tvshow>").unwrap();

    let (rescan, probed) = r.scan(&[]);
    assert!(probed.is_empty(), "no video is probed again: {probed:?}");
    assert_eq!(counts(&rescan), [0, 0, 3, 0, 0]);
    let media = r.media();
    assert_eq!(media.iter().map(|m| m["id"].clone()).collect::<Vec<_>>(), ids, "same rows");

    let film = record(&media, "Film (2001).mp4");
    assert_eq!(
        externals(film),
        [
            sub("2_English.srt", "subrip", "eng", false, false),
            sub("Film (2001).de.srt", "subrip", "ger", false, false),
            sub("French.forced.srt", "subrip", "fre", true, false),
        ]
    );
    let matrix = record(&media, "The Matrix (1999).mp4");
    assert_eq!(matrix["metadata"]["title"], "The Matrix Reloaded");
    assert_eq!(matrix["metadata"]["year"], 2003);
    assert_eq!(matrix["metadata"]["ids"]["tmdb"], "604");
    assert_eq!(artwork(matrix), ["The Matrix (1999)-thumb.jpg", "fanart.jpg"]);
    assert_eq!(externals(matrix).len(), 10, "the embedded and external subtitles stay");
    let episode = record(&media, "Show - S01E01.mp4");
    assert_eq!(externals(episode), [sub("Show - S01E01.ja.vtt", "webvtt", "jpn", false, false)]);
    assert_eq!(episode["metadata"]["title"], "The Show", "a parent's tvshow.nfo is a sidecar too");
    assert!(!chrome_codes(episode).contains(&"subtitle_needs_burn_in".to_owned()), "decided again");

    let (again, probed) = r.scan(&[]);
    assert_eq!((counts(&again), probed.len()), ([0, 0, 3, 0, 0], 0));
    assert_eq!(r.media(), media, "nothing changes on an unchanged rescan");
});

on_both!(a_season_packs_subs_folders_per_episode_are_read_and_rescanned_without_a_probe, |db| {
    testkit::require_ffmpeg();
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap().join("media");
    let season = "TV/Pack/Season 01";
    let video = presets::h264_aac_mp4();
    for episode in ["Pack.S01E01.720p.WEB", "Pack.S01E02.720p.WEB"] {
        testkit::place(&video, &root.join(season).join(format!("{episode}.mp4")));
    }
    let put = |relative: &str| testkit::write(&root.join(season).join(relative), SRT);
    put("Subs/Pack.S01E01.720p.WEB/2_English.srt");
    put("Subs/Pack.S01E01.720p.WEB/4_Spanish.forced.srt");
    put("Subs/Pack.S01E02.720p.WEB/2_English.srt");
    let r = Rescans::with_tree(&db, Tree { dir, root });
    let (done, probed) = r.scan(&[]);
    assert_eq!((counts(&done)[0], probed.len()), (2, 2));
    let media = r.media();
    assert_eq!(
        externals(record(&media, "Pack.S01E01.720p.WEB.mp4")),
        [
            sub("2_English.srt", "subrip", "eng", false, false),
            sub("4_Spanish.forced.srt", "subrip", "spa", true, false)
        ]
    );
    assert_eq!(
        externals(record(&media, "Pack.S01E02.720p.WEB.mp4")),
        [sub("2_English.srt", "subrip", "eng", false, false)]
    );

    // A subtitle added two folders down is picked up by the next rescan, with no probe.
    testkit::write(&r.path(&format!("{season}/Subs/Pack.S01E02.720p.WEB/3_French.srt")), SRT);
    let (_, probed) = r.scan(&[]);
    assert!(probed.is_empty(), "{probed:?}");
    let media = r.media();
    assert_eq!(
        externals(record(&media, "Pack.S01E02.720p.WEB.mp4")),
        [
            sub("2_English.srt", "subrip", "eng", false, false),
            sub("3_French.srt", "subrip", "fre", false, false)
        ]
    );
});
