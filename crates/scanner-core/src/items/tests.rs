//! Items and show trees built from parsed paths.

use std::path::Path;

use super::*;
use crate::parse::parse_path;
use crate::testing::contract::media::record;

/// A record of `relative` below `/lib`, parsed as a scan would, lasting `secs`.
fn file(relative: &str, secs: f64) -> MediaRecord {
    let mut r = record(&Path::new("/lib").join(relative));
    r.parsed = parse_path(Path::new(relative));
    r.info.duration_secs = Some(secs);
    r
}

#[test]
fn parts_versions_and_extras_make_one_item() {
    let files = [
        file("Harbour Lights (1999)/Harbour Lights (1999) - 1080p cd1.mkv", 3000.0),
        file("Harbour Lights (1999)/Harbour Lights (1999) - 1080p cd2.mkv", 2000.0),
        file("Harbour Lights (1999)/Harbour Lights (1999) - 2160p.mkv", 5100.0),
        file("Harbour Lights (1999)/Trailers/Teaser One.mkv", 90.0),
        file("Harbour Lights (1999)/Harbour Lights (1999)-featurette.mkv", 600.0),
        file("Other Film (2001)/Other Film (2001).mkv", 10.0),
    ];
    let items = group(&files);
    assert_eq!(items.len(), 2);
    let item = items.iter().find(|i| i.title.as_deref() == Some("Harbour Lights")).unwrap();
    assert_eq!((item.kind, item.year), (MediaKind::Movie, Some(1999)));
    let labels: Vec<Option<&str>> = item.versions.iter().map(|v| v.label.as_deref()).collect();
    assert_eq!(labels, [Some("1080p"), Some("2160p")]);
    let parts: Vec<MediaId> = item.versions[0].parts.iter().map(|p| p.media_id).collect();
    assert_eq!(parts, [files[0].id, files[1].id]);
    assert_eq!(item.duration_secs, Some(5000.0));
    let mut extras: Vec<(MediaId, ExtraType)> =
        item.extras.iter().map(|e| (e.media_id, e.extra_type)).collect();
    extras.sort_by_key(|e| e.1.as_str());
    assert_eq!(extras, [(files[4].id, ExtraType::Featurette), (files[3].id, ExtraType::Trailer)]);
    assert_eq!(files[3].parsed.extra_of, Some(item.id));
}

#[test]
fn ids_are_stable_and_provider_ids_join_roots() {
    let a = parse_path(Path::new("Films/Quiet Tide (2015) [tmdbid-5501]/Quiet Tide (2015).mkv"));
    let b = parse_path(Path::new("UHD/Quiet Tide (2015) {tmdb-5501}/Quiet.Tide.2015.2160p.mkv"));
    assert_eq!(item_id(&a), item_id(&b));
    assert!(item_id(&a).is_some());
    // Moved to another folder, same name: same id. Another year: another film.
    let moved = parse_path(Path::new("Quiet Tide (2015).mkv"));
    let remake = parse_path(Path::new("Quiet Tide (2024).mkv"));
    assert_eq!(item_id(&moved), item_id(&parse_path(Path::new("Elsewhere/Quiet Tide (2015).mkv"))));
    assert_ne!(item_id(&moved), item_id(&remake));
    // The id is a hash of the key, fixed forever: stored ids stay valid across releases.
    assert_eq!(
        item_id(&remake).unwrap().to_string(),
        item_id(&parse_path(Path::new("x/Quiet.Tide.2024.mkv"))).unwrap().to_string()
    );
    let uuid = item_id(&remake).unwrap().0;
    assert_eq!(uuid.get_version_num(), 8);
}

#[test]
fn episodes_versions_group_and_show_trees_show_gaps_and_clashes() {
    let files = [
        file("Lantern Street/Season 1/Lantern Street S01E01 720p.mkv", 1.0),
        file("Lantern Street/Season 1/Lantern Street S01E01 1080p.mkv", 1.0),
        file("Lantern Street/Season 1/Lantern Street S01E02.mkv", 1.0),
        file("Lantern Street/Season 1/Lantern Street S01E02E03.mkv", 1.0),
        file("Lantern Street/Season 1/Lantern Street S01E06.mkv", 1.0),
        file("Lantern Street/Specials/Lantern Street S00E01.mkv", 1.0),
        file("Lantern Street/Extras/Bloopers.mkv", 1.0),
    ];
    let items = group(&files);
    let first = items.iter().find(|i| i.episodes == [1] && i.season == Some(1)).unwrap();
    assert_eq!(first.versions.len(), 2);
    assert_eq!(files[6].parsed.extra_show.as_deref(), Some("Lantern Street"));
    assert_eq!(files[6].parsed.extra_of, None);
    let tree = show_tree("Lantern Street", &files).unwrap();
    let seasons: Vec<u32> = tree.seasons.iter().map(|s| s.season).collect();
    assert_eq!(seasons, [0, 1]);
    let one = &tree.seasons[1].episodes;
    let view: Vec<(u32, bool, bool)> = one.iter().map(|e| (e.episode, e.missing, e.duplicate)).collect();
    assert_eq!(
        view,
        [
            (1, false, false),
            (2, false, true),
            (3, false, false),
            (4, true, false),
            (5, true, false),
            (6, false, false)
        ]
    );
    assert_eq!(one[0].item_id, Some(first.id));
    assert_eq!(one[3].item_id, None);
    assert!(show_tree("Nobody", &files).is_none());
}
