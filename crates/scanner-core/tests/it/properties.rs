//! Property tests of the parser: it never panics, and never files an episode it cannot place:
//! an episode has a show, or at least a season or episode number.

use std::path::PathBuf;

use proptest::prelude::*;

use scanner_core::{MediaKind, parse_path, parse_path_in};

/// Words release names are made of, the tricky ones over-represented.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("S01E02".to_owned()),
        Just("s1e2".to_owned()),
        Just("S01E01-E03".to_owned()),
        Just("S01E01E02".to_owned()),
        Just("1x02".to_owned()),
        Just("102".to_owned()),
        Just("2010".to_owned()),
        Just("(2019)".to_owned()),
        Just("[Group]".to_owned()),
        Just("[ABCD1234]".to_owned()),
        Just("-".to_owned()),
        Just("720p".to_owned()),
        Just("x264-GRP".to_owned()),
        Just("H.264".to_owned()),
        Just("DD5.1".to_owned()),
        Just("Season 2".to_owned()),
        Just("S02".to_owned()),
        Just("E05".to_owned()),
        Just("Episode 4".to_owned()),
        Just("03v2".to_owned()),
        Just("Part 2".to_owned()),
        Just("2024.01.15".to_owned()),
        Just("15.01.2024".to_owned()),
        Just("sample".to_owned()),
        Just("trailer".to_owned()),
        Just("Extras".to_owned()),
        Just("Specials".to_owned()),
        Just("日本語".to_owned()),
        Just("\n".to_owned()),
        Just("a\u{1b}[31mb".to_owned()),
        Just("(".to_owned()),
        Just("]".to_owned()),
        "[a-zA-Z]{1,8}",
        "[0-9]{1,6}",
        "[a-zA-Z0-9]{1,3}\\.[a-zA-Z0-9]{1,3}",
    ]
}

fn component() -> impl Strategy<Value = String> {
    (prop::collection::vec(token(), 1..10), prop::sample::select(vec![".", " ", "_", " - "]))
        .prop_map(|(tokens, sep)| tokens.join(sep))
}

fn path_like() -> impl Strategy<Value = PathBuf> {
    (
        prop::collection::vec(component(), 0..4),
        component(),
        prop::sample::select(vec![".mkv", ".mp4", ".AVI", ""]),
    )
        .prop_map(|(folders, file, ext)| {
            let mut path: PathBuf = folders.into_iter().collect();
            path.push(format!("{file}{ext}"));
            path
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn any_string_parses_without_panicking(s in "\\PC{0,200}") {
        let _ = parse_path(std::path::Path::new(&s));
    }

    #[test]
    fn release_like_paths_parse_and_episodes_can_be_placed(path in path_like(), root in "[a-zA-Z ]{0,10}") {
        let root = (!root.is_empty()).then_some(root.as_str());
        let parsed = parse_path_in(&path, root);
        if parsed.kind == MediaKind::Episode && parsed.show.is_none() {
            prop_assert!(
                parsed.season.is_some() || !parsed.episodes.is_empty(),
                "episode with neither a show nor a number: {parsed:?}"
            );
        }
        for name in [&parsed.show, &parsed.title].into_iter().flatten() {
            prop_assert!(!name.trim().is_empty() && name.trim() == name, "untrimmed or empty name {name:?}");
            prop_assert!(!name.chars().any(char::is_control), "control character in {name:?}");
        }
    }
}
