//! Sidecar files in the walk: each folder's own, those of its `Subs/` and `Subtitles/` folders,
//! and those its parent hands down (a show's `tvshow.nfo` and images, seen from a season
//! folder). Which names count is the core's rule (`scanner_core::sidecar`); this module only
//! lists and reads.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use scanner_core::FileStat;
use scanner_core::sidecar;

use crate::rules::{self, Rules};

/// What jwalk hands from a folder to each of its subfolders.
#[derive(Debug, Clone, Default)]
pub(crate) struct DirState {
    pub rules: Rules,
    /// The sidecars of the parent folder that its subfolders' videos get.
    pub inherited: Arc<Vec<FileStat>>,
}

/// Files in a `Subs/` folder that are subtitles, with their metadata. A folder that cannot be
/// read gives none: its subtitles are simply not found (the folder is walked, and reported, on
/// its own as well).
pub(crate) fn subtitle_folder(dir: &Path, skip_hidden: bool) -> Vec<FileStat> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if (skip_hidden && rules::is_hidden(entry.file_name().as_os_str(), false))
            || sidecar::names::kind(&name) != Some(sidecar::Kind::Subtitle)
        {
            continue;
        }
        if let Ok(meta) = entry.metadata()
            && meta.is_file()
        {
            found.push(crate::file_stat(entry.path(), &meta));
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The sidecars of a folder its subfolders inherit.
pub(crate) fn handed_down(sidecars: &[FileStat]) -> Arc<Vec<FileStat>> {
    let inherited = sidecars
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| sidecar::inherited(&n.to_string_lossy())))
        .cloned()
        .collect();
    Arc::new(inherited)
}

/// The first `limit` bytes of a file.
pub(crate) fn read_head(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}
