//! Sidecar files in the walk: each folder's own, those of its `Subs/` and `Subtitles/` folders,
//! and those its parent hands down (a show's `tvshow.nfo` and images, seen from a season
//! folder). Which names count is the core's rule (`scanner_core::sidecar`); this module only
//! lists and reads.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
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

/// Folders of a `Subs/` folder looked into (`Subs/<video>/`), at most: a season pack has one
/// per episode.
const MAX_VIDEO_FOLDERS: usize = 256;

/// Files in a `Subs/` folder that are subtitles, and those in its folders named after videos
/// (`Subs/<video>/2_English.srt`, one level down), with their metadata. A folder that cannot be
/// read gives none: its subtitles are simply not found (the folder is walked, and reported, on
/// its own as well).
pub(crate) fn subtitle_folder(dir: &Path, skip_hidden: bool) -> Vec<FileStat> {
    let mut found = Vec::new();
    let mut folders = Vec::new();
    list_subtitles(dir, skip_hidden, &mut found, Some(&mut folders));
    for folder in folders.iter().take(MAX_VIDEO_FOLDERS) {
        list_subtitles(folder, skip_hidden, &mut found, None);
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The subtitle files of `dir` into `found`, and its folders into `folders` when asked.
fn list_subtitles(
    dir: &Path,
    skip_hidden: bool,
    found: &mut Vec<FileStat>,
    mut folders: Option<&mut Vec<PathBuf>>,
) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if skip_hidden && rules::is_hidden(entry.file_name().as_os_str(), false) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            if let Some(folders) = folders.as_mut() {
                folders.push(entry.path());
            }
            continue;
        }
        let name = entry.file_name();
        if meta.is_file() && sidecar::names::kind(&name.to_string_lossy()) == Some(sidecar::Kind::Subtitle) {
            found.push(crate::file_stat(entry.path(), &meta));
        }
    }
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
