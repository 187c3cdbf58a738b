//! The filename parser on arbitrary bytes as a path, with and without a root name: it must
//! never panic, a show is never empty, and an episode without a show has a season or episode.

#![no_main]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scanner_core::{MediaKind, parse_path_in};

fuzz_target!(|data: &[u8]| {
    let (root, path) = match data.iter().position(|&b| b == 0) {
        Some(i) => (Some(String::from_utf8_lossy(&data[..i]).into_owned()), &data[i + 1..]),
        None => (None, data),
    };
    let parsed = parse_path_in(Path::new(OsStr::from_bytes(path)), root.as_deref());
    assert!(parsed.show.as_deref().is_none_or(|s| !s.trim().is_empty()), "empty show: {parsed:?}");
    if parsed.kind == MediaKind::Episode && parsed.show.is_none() {
        assert!(
            parsed.season.is_some() || !parsed.episodes.is_empty(),
            "episode with neither a show nor a number: {parsed:?}"
        );
    }
    let _ = scanner_core::parse_path(Path::new(OsStr::from_bytes(data)));
});
