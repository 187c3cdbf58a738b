//! fs-jwalk: the [`FileSource`] port over the local file system, walked in parallel by jwalk.
//!
//! It lists directories and reads file metadata, reads at most 128 KiB of a file to
//! fingerprint it (for move detection), and the first bytes of sidecar files the core asks
//! for; it never decides anything about media (which files count as video is the core's
//! `WalkOptions`, which count as sidecars its `sidecar` rules).
//! jwalk is unmaintained upstream; this crate is the only place that knows it, so it can be
//! swapped without touching the core.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

mod rules;
mod sidecars;
mod writers;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use jwalk::WalkDirGeneric;

use scanner_core::ports::{
    DirListing, FileSource, FileSourceError, WalkEvent, WalkOptions, WalkSender, WalkStream,
};
use scanner_core::{FileIdentity, FileStat};

pub use rules::check_patterns;
use sidecars::DirState;

/// How many directory listings may wait for the scanner before the walk pauses.
const QUEUE: usize = 64;

/// Walks local directories with jwalk.
#[derive(Debug, Clone, Default)]
pub struct JwalkFileSource {
    _private: (),
}

impl JwalkFileSource {
    pub fn new() -> Self {
        Self::default()
    }
}

fn unreadable(path: &Path, e: &io::Error) -> FileSourceError {
    match e.kind() {
        io::ErrorKind::NotFound => FileSourceError::NotFound { path: path.to_path_buf() },
        _ => FileSourceError::Unreadable { path: path.to_path_buf(), message: e.to_string() },
    }
}

fn open_root(root: &Path) -> Result<PathBuf, FileSourceError> {
    let meta = fs::metadata(root).map_err(|e| unreadable(root, &e))?;
    if !meta.is_dir() {
        return Err(FileSourceError::NotADirectory { path: root.to_path_buf() });
    }
    fs::read_dir(root).map_err(|e| unreadable(root, &e))?;
    fs::canonicalize(root).map_err(|e| unreadable(root, &e))
}

/// Metadata of one file as the core sees it.
pub fn file_stat(path: PathBuf, meta: &fs::Metadata) -> FileStat {
    let modified = meta.modified().map(DateTime::<Utc>::from).unwrap_or(DateTime::UNIX_EPOCH);
    FileStat { size: meta.len(), modified, identity: identity(meta), path }
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some(FileIdentity { device: meta.dev(), inode: meta.ino() })
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> Option<FileIdentity> {
    None
}

/// Bytes hashed at each end of a file for its fingerprint.
const FINGERPRINT_SPAN: u64 = 64 * 1024;

/// xxh3-128 of the size, the first 64 KiB and the last 64 KiB (without overlap).
fn fingerprint(path: &Path) -> io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&len.to_le_bytes());
    let mut buffer = vec![0u8; FINGERPRINT_SPAN as usize];
    let head = len.min(FINGERPRINT_SPAN) as usize;
    file.read_exact(&mut buffer[..head])?;
    hasher.update(&buffer[..head]);
    if len > FINGERPRINT_SPAN {
        let tail = (len - FINGERPRINT_SPAN).min(FINGERPRINT_SPAN);
        file.seek(SeekFrom::End(-(tail as i64)))?;
        file.read_exact(&mut buffer[..tail as usize])?;
        hasher.update(&buffer[..tail as usize]);
    }
    Ok(format!("xxh3:{:032x}", hasher.digest128()))
}

fn blocking_error(path: &Path, e: &tokio::task::JoinError) -> FileSourceError {
    FileSourceError::Unreadable { path: path.to_path_buf(), message: e.to_string() }
}

#[async_trait]
impl FileSource for JwalkFileSource {
    async fn stat(&self, path: PathBuf) -> Result<Option<FileStat>, FileSourceError> {
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() => Ok(Some(file_stat(path, &meta))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unreadable(&path, &e)),
        }
    }

    async fn fingerprint(&self, path: PathBuf) -> Result<String, FileSourceError> {
        let job = path.clone();
        tokio::task::spawn_blocking(move || fingerprint(&job))
            .await
            .map_err(|e| blocking_error(&path, &e))?
            .map_err(|e| unreadable(&path, &e))
    }

    async fn read_head(&self, path: PathBuf, limit: u64) -> Result<Vec<u8>, FileSourceError> {
        let job = path.clone();
        tokio::task::spawn_blocking(move || sidecars::read_head(&job, limit))
            .await
            .map_err(|e| blocking_error(&path, &e))?
            .map_err(|e| unreadable(&path, &e))
    }

    async fn open_for_writing(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        tokio::task::spawn_blocking(move || writers::open_for_writing(&paths)).await.unwrap_or_default()
    }

    async fn open_root(&self, root: PathBuf) -> Result<PathBuf, FileSourceError> {
        tokio::task::spawn_blocking(move || open_root(&root)).await.unwrap_or_else(|e| {
            Err(FileSourceError::Unreadable { path: PathBuf::new(), message: e.to_string() })
        })
    }

    async fn walk(&self, root: PathBuf, options: WalkOptions) -> Result<WalkStream, FileSourceError> {
        let (sender, stream) = WalkStream::channel(QUEUE);
        std::thread::Builder::new()
            .name("mediascan-walk".into())
            .spawn(move || walk(&root, &options, &sender))
            .map_err(|e| FileSourceError::Unreadable { path: PathBuf::new(), message: e.to_string() })?;
        Ok(stream)
    }
}

/// Walks `root`, sending one event per directory with matching files and one per problem.
/// Runs on its own thread (jwalk reads directories on rayon's pool).
fn walk(root: &Path, options: &WalkOptions, sender: &WalkSender) {
    let stopped = Arc::new(AtomicBool::new(false));
    let (root_rules, warnings) = rules::root_rules(root, &options.ignore);
    for message in warnings {
        if !sender.send_blocking(WalkEvent::Warning { path: root.to_path_buf(), message }) {
            return;
        }
    }
    let skip_hidden = options.skip_hidden;
    // With links followed, a directory reachable twice (a loop, or two links to one place)
    // is read once: jwalk's own loop check misses relative links such as `loop -> ..`.
    // The root counts as walked, so that a link back to it is not followed.
    let root_key = fs::metadata(root).ok().as_ref().and_then(dir_key);
    let visited: Arc<Mutex<HashSet<(u64, u64)>>> = Arc::new(Mutex::new(root_key.into_iter().collect()));
    let follow = options.follow_symlinks;

    let walker = {
        let sender = sender.clone();
        let stopped = stopped.clone();
        let extensions = options.extensions.clone();
        let visited = visited.clone();
        WalkDirGeneric::<(DirState, ())>::new(root)
            .follow_links(follow)
            .skip_hidden(false)
            .sort(true)
            .root_read_dir_state(DirState { rules: root_rules, inherited: Default::default() })
            .process_read_dir(move |depth, dir, state, children| {
                if stopped.load(Ordering::Relaxed) {
                    children.clear();
                    return;
                }
                // No depth: `children` is the root itself, which no rule may skip.
                if depth.is_none() {
                    return;
                }
                // This folder's ignore files apply to it and, through the state jwalk clones
                // into each subfolder, to everything below it.
                let names =
                    children.iter().flatten().filter(|e| !e.file_type.is_dir()).map(|e| &*e.file_name);
                let event = match state.rules.enter(dir, names) {
                    Ok((inner, warnings)) => {
                        state.rules = inner;
                        warnings
                            .into_iter()
                            .map(|message| WalkEvent::Warning { path: dir.to_path_buf(), message })
                            .collect()
                    }
                    Err(message) => {
                        // Without its rules the folder cannot be judged: it is left unread.
                        children.clear();
                        vec![WalkEvent::Unreadable { path: dir.to_path_buf(), message }]
                    }
                };
                for event in event {
                    if !sender.send_blocking(event) {
                        stopped.store(true, Ordering::Relaxed);
                        children.clear();
                        return;
                    }
                }
                let rules = &state.rules;
                let mut files = Vec::new();
                let mut sidecars = Vec::new();
                let mut subtitle_folders = Vec::new();
                children.retain_mut(|child| {
                    let Ok(entry) = child else { return true };
                    let is_dir = entry.file_type.is_dir();
                    if skip_hidden && rules::is_hidden(&entry.file_name, is_dir) {
                        return false;
                    }
                    if rules.excludes(&entry.path(), is_dir) {
                        tracing::debug!(path = %entry.path().display(), "ignored");
                        entry.read_children = None;
                        return false;
                    }
                    if is_dir {
                        if follow
                            && let Ok(meta) = entry.metadata()
                            && let Some(key) = dir_key(&meta)
                        {
                            let fresh = visited.lock().map(|mut v| v.insert(key)).unwrap_or(true);
                            if !fresh {
                                tracing::debug!(path = %entry.path().display(), "directory already walked");
                                entry.read_children = None;
                                return false;
                            }
                        }
                        if scanner_core::sidecar::is_subtitle_folder(&entry.file_name.to_string_lossy()) {
                            subtitle_folders.push(entry.path());
                        }
                        return true;
                    }
                    if entry.file_type.is_file() {
                        let path = entry.path();
                        let video = extensions.matches(&path);
                        if video || scanner_core::sidecar::is_sidecar(&entry.file_name.to_string_lossy()) {
                            let list = if video { &mut files } else { &mut sidecars };
                            match entry.metadata() {
                                Ok(meta) => list.push(file_stat(path, &meta)),
                                Err(e) => {
                                    let event = WalkEvent::Unreadable { path, message: io_message(&e) };
                                    if !sender.send_blocking(event) {
                                        stopped.store(true, Ordering::Relaxed);
                                    }
                                }
                            }
                        }
                    }
                    // Files are reported in the listing, not yielded; links not followed and
                    // special files are skipped.
                    false
                });
                for folder in subtitle_folders {
                    sidecars.extend(sidecars::subtitle_folder(&folder, skip_hidden));
                }
                let from_parent = std::mem::replace(&mut state.inherited, sidecars::handed_down(&sidecars));
                if !files.is_empty() {
                    sidecars.extend(from_parent.iter().cloned());
                    let listing = DirListing { path: dir.to_path_buf(), files, sidecars };
                    if !sender.send_blocking(WalkEvent::Directory(listing)) {
                        stopped.store(true, Ordering::Relaxed);
                        children.clear();
                    }
                }
            })
    };

    for result in walker {
        if stopped.load(Ordering::Relaxed) {
            break;
        }
        // jwalk attaches a directory's read error to the directory's own entry.
        let (path, message) = match result {
            Ok(entry) => match entry.read_children.as_ref().and_then(|c| c.error()) {
                Some(e) => (entry.path(), io_message(e)),
                None => continue,
            },
            Err(e) => {
                let path = e.path().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let message = match e.loop_ancestor() {
                    Some(ancestor) => format!("symbolic link loop back to {}", ancestor.display()),
                    None => io_message(&e),
                };
                (path, message)
            }
        };
        if !sender.send_blocking(WalkEvent::Unreadable { path, message }) {
            break;
        }
    }
}

/// Identity of a directory, where the platform has one.
fn dir_key(meta: &fs::Metadata) -> Option<(u64, u64)> {
    identity(meta).map(|id| (id.device, id.inode))
}

/// The innermost message of a jwalk error (`Permission denied (os error 13)`), without the
/// path, which the event carries.
fn io_message(e: &jwalk::Error) -> String {
    e.io_error().map_or_else(|| e.to_string(), ToString::to_string)
}
