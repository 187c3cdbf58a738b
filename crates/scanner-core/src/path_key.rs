//! Paths as text keys: how catalogs store, order and range-query paths.
//!
//! Database columns are text, but Unix paths are bytes. The encoding keeps UTF-8 as it
//! is and escapes only `%` (as `%25`) and bytes that are not UTF-8 (as `%XX`). It is lossless,
//! and it preserves prefixes: the encoding of a directory is a prefix of the encoding of every
//! path inside it, so "everything under this folder" stays a range query. Catalogs order paths by the bytes of
//! this key (`MediaQueries::list`), which is byte order of the path for every UTF-8 path without
//! `%`.

use std::path::{Path, PathBuf};

#[cfg(unix)]
fn bytes(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

#[cfg(not(unix))]
fn bytes(path: &Path) -> &[u8] {
    path.to_str().map(str::as_bytes).unwrap_or_default()
}

#[cfg(unix)]
fn from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// The key of `path`.
pub fn encode(path: &Path) -> String {
    let raw = bytes(path);
    if let Ok(text) = std::str::from_utf8(raw)
        && !text.contains('%')
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(raw.len() + 8);
    for chunk in raw.utf8_chunks() {
        out.push_str(&chunk.valid().replace('%', "%25"));
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// The path of a key made by [`encode`].
pub fn decode(text: &str) -> PathBuf {
    if !text.contains('%') {
        return PathBuf::from(text);
    }
    let raw = text.as_bytes();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let (Some(hi), Some(lo)) =
                (raw.get(i + 1).and_then(|b| hex(*b)), raw.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    from_bytes(out)
}

/// The encoded parent directory of an encoded path's file.
pub fn parent(path: &Path) -> String {
    encode(path.parent().unwrap_or(Path::new("/")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn round_trips() {
        for raw in [
            &b"/media/Show/S01E01.mkv"[..],
            b"/media/100% Real/a.mkv",
            b"/media/%41 not an escape.mkv",
            b"/media/bad\xff\xfe name.mkv",
            b"/media/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.mkv",
            b"/media/new\nline.mkv",
        ] {
            let path = Path::new(OsStr::from_bytes(raw));
            let text = encode(path);
            assert_eq!(decode(&text), path, "{text}");
        }
    }

    #[test]
    fn plain_utf8_is_stored_as_is_and_prefixes_are_kept() {
        assert_eq!(encode(Path::new("/a/b c.mkv")), "/a/b c.mkv");
        let dir = Path::new(OsStr::from_bytes(b"/lib/\xff dir"));
        let file = dir.join("x%.mkv");
        assert!(encode(&file).starts_with(&format!("{}/", encode(dir))));
        assert_eq!(parent(&file), encode(dir));
    }
}
