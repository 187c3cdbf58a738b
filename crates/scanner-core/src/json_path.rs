//! Paths in JSON. JSON strings are Unicode; Unix paths are bytes. A path that is not valid
//! UTF-8 is written lossily (each bad sequence becomes U+FFFD) so that every reader can show
//! it — and, where a client may need to open the file, exactly, in base64, beside it.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The path as text, lossily where it is not UTF-8.
pub fn lossy<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// [`lossy`], for an optional path.
pub fn lossy_opt<S: Serializer>(path: &Option<PathBuf>, serializer: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => lossy(path, serializer),
        None => serializer.serialize_none(),
    }
}

/// The JSON fields of a path that must round-trip: `path`, and `path_bytes` when the path is
/// not valid UTF-8.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathFields {
    /// The absolute path; lossy (U+FFFD) where the file name is not valid UTF-8.
    path: String,
    /// Only for paths that are not valid UTF-8: the exact bytes, base64 (standard alphabet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path_bytes: Option<String>,
}

/// `#[serde(flatten, with = "json_path::exact")]` on a `PathBuf` field named anything.
pub mod exact {
    use super::*;

    pub fn serialize<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
        let text = path.to_string_lossy();
        let path_bytes = match text {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(_) => Some(STANDARD.encode(path.as_os_str().as_encoded_bytes())),
        };
        PathFields { path: text.into_owned(), path_bytes }.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PathBuf, D::Error> {
        let fields = PathFields::deserialize(deserializer)?;
        match fields.path_bytes {
            Some(encoded) => {
                let bytes = STANDARD.decode(encoded).map_err(serde::de::Error::custom)?;
                path_from_bytes(bytes)
                    .ok_or_else(|| serde::de::Error::custom("path_bytes is not a path here"))
            }
            None => Ok(PathBuf::from(fields.path)),
        }
    }
}

/// A path from its bytes (on Unix, any bytes; elsewhere, UTF-8 only).
#[cfg(unix)]
pub fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
pub fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::ffi::OsStrExt;

    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Row {
        id: u32,
        #[serde(flatten, with = "exact")]
        file: PathBuf,
        #[serde(serialize_with = "lossy")]
        root: PathBuf,
    }

    #[test]
    fn utf8_paths_are_plain_strings() {
        let row = Row { id: 1, file: "/tv/Show – S01E01.mkv".into(), root: "/tv".into() };
        let json = serde_json::to_string(&row).unwrap();
        assert_eq!(json, r#"{"id":1,"path":"/tv/Show – S01E01.mkv","root":"/tv"}"#);
        assert_eq!(serde_json::from_str::<Row>(&json).unwrap(), row);
    }

    #[test]
    fn other_paths_are_lossy_text_and_exact_bytes() {
        let file = PathBuf::from(std::ffi::OsStr::from_bytes(b"/tv/bad\xffname.mkv"));
        let row = Row { id: 2, file: file.clone(), root: file.clone() };
        let json = serde_json::to_string(&row).unwrap();
        assert_eq!(
            json,
            r#"{"id":2,"path":"/tv/bad�name.mkv","path_bytes":"L3R2L2JhZP9uYW1lLm1rdg==","root":"/tv/bad�name.mkv"}"#
        );
        let back: Row = serde_json::from_str(&json).unwrap();
        assert_eq!(back.file, file, "the exact bytes come back");
    }
}
