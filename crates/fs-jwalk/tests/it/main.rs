//! JwalkFileSource on real directory trees.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use fs_jwalk::JwalkFileSource;
use scanner_core::ports::{FileSource, FileSourceError, WalkEvent, WalkOptions};

mod sidecars;

fn touch(path: &Path, bytes: usize) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, vec![0u8; bytes]).unwrap();
}

/// Directory → sorted file names, the unreadable paths with their messages, and warnings.
struct Walked {
    dirs: BTreeMap<PathBuf, Vec<String>>,
    unreadable: Vec<(PathBuf, String)>,
    warnings: Vec<(PathBuf, String)>,
}

impl Walked {
    /// Every file found, relative to `root`, sorted.
    fn files(&self, root: &Path) -> Vec<String> {
        let mut all: Vec<String> = self
            .dirs
            .iter()
            .flat_map(|(dir, names)| names.iter().map(move |n| dir.join(n)))
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        all.sort();
        all
    }
}

async fn walk(root: &Path, follow_symlinks: bool) -> Walked {
    walk_with(root, WalkOptions { follow_symlinks, ..WalkOptions::default() }).await
}

async fn walk_with(root: &Path, options: WalkOptions) -> Walked {
    let source = JwalkFileSource::new();
    let root = source.open_root(root.to_path_buf()).await.unwrap();
    let mut stream = source.walk(root, options).await.unwrap();
    let mut walked = Walked { dirs: BTreeMap::new(), unreadable: Vec::new(), warnings: Vec::new() };
    while let Some(event) = stream.next().await {
        match event {
            WalkEvent::Directory(listing) => {
                let mut names: Vec<String> = listing
                    .files
                    .iter()
                    .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                assert!(walked.dirs.insert(listing.path, names).is_none(), "a directory was reported twice");
            }
            WalkEvent::Unreadable { path, message } => walked.unreadable.push((path, message)),
            WalkEvent::Warning { path, message } => walked.warnings.push((path, message)),
        }
    }
    walked
}

#[tokio::test]
async fn lists_video_files_per_directory_with_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    touch(&root.join("Show/Season 1/Show.S01E01.mkv"), 10);
    touch(&root.join("Show/Season 1/Show.S01E01.srt"), 1);
    touch(&root.join("Show/Season 1/Show.S01E02.MKV"), 20);
    touch(&root.join("Show/tvshow.nfo"), 1);
    touch(&root.join("Show/poster.jpg"), 1);
    touch(&root.join("Movies/Movie (2010).Mp4"), 30);
    touch(&root.join("Movies/Movie (2011).avi.part"), 30);
    touch(&root.join("Movies/Old.AVI"), 30);
    touch(&root.join("Movies/Clip.mov"), 30);
    fs::create_dir_all(root.join("Empty")).unwrap();

    let source = JwalkFileSource::new();
    let options = WalkOptions::default();
    let mut stream = source.walk(root.clone(), options).await.unwrap();
    let mut sizes = BTreeMap::new();
    while let Some(event) = stream.next().await {
        let WalkEvent::Directory(listing) = event else { panic!("unexpected {event:?}") };
        for file in listing.files {
            assert_eq!(file.path.parent().unwrap(), listing.path);
            assert!(file.identity.is_some());
            let meta = fs::metadata(&file.path).unwrap();
            assert_eq!(file.modified, chrono::DateTime::<chrono::Utc>::from(meta.modified().unwrap()));
            sizes.insert(file.path.strip_prefix(&root).unwrap().to_path_buf(), file.size);
        }
    }
    let expected: BTreeMap<PathBuf, u64> = [
        ("Movies/Clip.mov", 30),
        ("Movies/Movie (2010).Mp4", 30),
        ("Movies/Old.AVI", 30),
        ("Show/Season 1/Show.S01E01.mkv", 10),
        ("Show/Season 1/Show.S01E02.MKV", 20),
    ]
    .into_iter()
    .map(|(p, s)| (PathBuf::from(p), s))
    .collect();
    assert_eq!(sizes, expected);
}

#[tokio::test]
async fn rejects_roots_that_are_missing_or_not_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let source = JwalkFileSource::new();
    let missing = tmp.path().join("nope");
    assert!(matches!(source.open_root(missing).await, Err(FileSourceError::NotFound { .. })));
    let file = tmp.path().join("file.mkv");
    touch(&file, 1);
    assert!(matches!(source.open_root(file).await, Err(FileSourceError::NotADirectory { .. })));
    let canonical = source.open_root(tmp.path().join(".")).await.unwrap();
    assert_eq!(canonical, fs::canonicalize(tmp.path()).unwrap());
}

#[tokio::test]
async fn symlinks_are_not_followed_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap().join("lib");
    let outside = fs::canonicalize(tmp.path()).unwrap().join("outside");
    touch(&root.join("a.mkv"), 1);
    touch(&outside.join("b.mkv"), 1);
    symlink(&outside, root.join("linked-dir")).unwrap();
    symlink(outside.join("b.mkv"), root.join("linked.mkv")).unwrap();
    symlink("..", root.join("loop")).unwrap();

    let walked = walk(&root, false).await;
    assert_eq!(walked.dirs.len(), 1);
    assert_eq!(walked.dirs[&root], vec!["a.mkv"]);
    assert!(walked.unreadable.is_empty(), "{:?}", walked.unreadable);

    // Asked to, links are followed wherever they lead, out of the root too; each folder is
    // read once (`outside` is reached through `linked-dir` and through `loop`).
    let walked = walk(&root, true).await;
    let files = walked.files(&root);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files.contains(&"a.mkv".into()) && files.contains(&"linked.mkv".into()), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("outside/b.mkv") || f == "linked-dir/b.mkv"), "{files:?}");
}

#[tokio::test]
async fn hidden_and_system_folders_are_skipped_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    for file in [
        "Show/S01E01.mkv",
        "Show/.@__thumb/S01E01.mkv",
        "Show/@eaDir/S01E01.mkv",
        "Show/._S01E01.mkv",
        ".Trash-1000/files/old.mkv",
        "#recycle/old.mkv",
        "$RECYCLE.BIN/old.mkv",
        "System Volume Information/x.mkv",
    ] {
        touch(&root.join(file), 1);
    }
    let walked = walk(&root, false).await;
    assert_eq!(walked.files(&root), ["Show/S01E01.mkv"]);

    let everything = walk_with(&root, WalkOptions { skip_hidden: false, ..WalkOptions::default() }).await;
    assert_eq!(everything.files(&root).len(), 8);
}

#[tokio::test]
async fn ignore_files_and_patterns_exclude_paths_below_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    for file in [
        "Movies/Film (2010).mkv",
        "Movies/Film (2010)/Trailers/trailer.mkv",
        "Movies/Film (2010)/Film.sample.mkv",
        "Movies/Other/keep.sample.mkv",
        "Show/S01E01.mkv",
        "Show/S01E01.720p.mkv",
        "Show/Extras/behind.mkv",
        "Downloads/partial.mkv",
    ] {
        touch(&root.join(file), 1);
    }
    // Gitignore syntax, relative to the folder holding the file; the deeper file wins.
    fs::write(root.join("Movies/.mediascanignore"), "# trailers and samples\nTrailers/\n*.sample.mkv\n")
        .unwrap();
    fs::write(root.join("Movies/Other/.ignore"), "!keep.sample.mkv\n").unwrap();
    fs::write(root.join("Show/.ignore"), "/Extras\n*.720p.mkv\n").unwrap();
    let options = WalkOptions { ignore: vec!["/Downloads/".into()], ..WalkOptions::default() };
    let walked = walk_with(&root, options).await;
    assert_eq!(
        walked.files(&root),
        ["Movies/Film (2010).mkv", "Movies/Other/keep.sample.mkv", "Show/S01E01.mkv"]
    );
    assert!(walked.warnings.is_empty() && walked.unreadable.is_empty());
}

#[tokio::test]
async fn bad_or_unreadable_ignore_files_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    touch(&root.join("A/a.mkv"), 1);
    touch(&root.join("A/b.mkv"), 1);
    touch(&root.join("B/c.mkv"), 1);
    touch(&root.join("C/d.mkv"), 1);
    // A bad line is skipped with a warning; the good ones still apply.
    fs::write(root.join("A/.mediascanignore"), "b.mkv\n[z-a]\n").unwrap();
    // An ignore file that cannot be read leaves its folder unread: its files can be neither
    // catalogued (they may be ignored) nor concluded missing.
    symlink(root.join("nowhere"), root.join("B/.ignore")).unwrap();
    let walked = walk(&root, false).await;
    assert_eq!(walked.files(&root), ["A/a.mkv", "C/d.mkv"]);
    assert_eq!(walked.warnings.len(), 1, "{:?}", walked.warnings);
    assert_eq!(walked.warnings[0].0, root.join("A"));
    assert!(walked.warnings[0].1.contains("\"[z-a]\""), "{:?}", walked.warnings);
    assert_eq!(walked.unreadable.len(), 1, "{:?}", walked.unreadable);
    assert_eq!(walked.unreadable[0].0, root.join("B"));
    assert!(walked.unreadable[0].1.contains("cannot read .ignore"), "{:?}", walked.unreadable);
}

#[tokio::test]
async fn symlink_loops_end_when_links_are_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    touch(&root.join("Show/a.mkv"), 1);
    touch(&root.join("Show/Season 1/b.mkv"), 1);
    // Relative and absolute loops, and a link to a sibling.
    symlink("..", root.join("Show/Season 1/up")).unwrap();
    symlink(&root, root.join("Show/root")).unwrap();
    symlink("Show/Season 1", root.join("alias")).unwrap();

    let walked = tokio::time::timeout(std::time::Duration::from_secs(20), walk(&root, true))
        .await
        .expect("a symlink loop must not hang the walk");
    let all: Vec<String> = walked.dirs.values().flatten().cloned().collect();
    assert_eq!(all.iter().filter(|n| *n == "a.mkv").count(), 1);
    assert_eq!(all.iter().filter(|n| *n == "b.mkv").count(), 1);
}

/// Runs `test` as the unprivileged user `nobody` when we are root (root reads every folder,
/// so an unreadable folder cannot be made otherwise). Returns false when that is impossible.
fn rerun_unprivileged(test: &str) -> bool {
    // A copy of this test binary in a place `nobody` can read, wherever the checkout lives.
    let dir = tempfile::Builder::new().prefix("fs-jwalk-exe").tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let exe = dir.path().join("it");
    fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
    let status = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(exe)
        .args(["--exact", test, "--nocapture"])
        .env("FS_JWALK_UNPRIVILEGED", "1")
        .status();
    match status {
        Ok(status) => {
            assert!(status.success(), "the unprivileged run of {test} failed");
            true
        }
        Err(e) => {
            testkit::unavailable(
                testkit::Resource::Setpriv,
                test,
                &format!("cannot drop privileges with setpriv ({e})"),
            );
            false
        }
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

#[tokio::test]
async fn unreadable_folders_are_reported_and_the_walk_goes_on() {
    const NAME: &str = "unreadable_folders_are_reported_and_the_walk_goes_on";
    if is_root() && std::env::var_os("FS_JWALK_UNPRIVILEGED").is_none() {
        // Build a tree nobody can walk partly, then run this same test as nobody.
        rerun_unprivileged(NAME);
        return;
    }
    let tmp = tempfile::Builder::new().prefix("fs-jwalk-unreadable").tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    touch(&root.join("open/a.mkv"), 1);
    touch(&root.join("locked/b.mkv"), 1);
    touch(&root.join("z-after/c.mkv"), 1);
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();

    let walked = walk(&root, false).await;
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();

    let names: Vec<&String> = walked.dirs.values().flatten().collect();
    assert_eq!(names, ["a.mkv", "c.mkv"]);
    assert_eq!(walked.unreadable.len(), 1, "{:?}", walked.unreadable);
    assert_eq!(walked.unreadable[0].0, root.join("locked"));
    assert!(walked.unreadable[0].1.contains("Permission denied"), "{}", walked.unreadable[0].1);
}

#[tokio::test]
async fn stat_sees_files_and_not_their_absence() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.mkv");
    touch(&file, 42);
    let source = JwalkFileSource::new();
    let stat = source.stat(file.clone()).await.unwrap().unwrap();
    assert_eq!((stat.size, stat.path.as_path()), (42, file.as_path()));
    assert!(stat.identity.is_some());
    assert_eq!(source.stat(tmp.path().join("gone.mkv")).await.unwrap(), None);
    assert_eq!(source.stat(tmp.path().to_path_buf()).await.unwrap(), None, "a folder is not a file");
}

#[tokio::test]
async fn fingerprints_follow_the_ends_of_the_content() {
    let tmp = tempfile::tempdir().unwrap();
    let source = JwalkFileSource::new();
    let print = |name: &str, bytes: Vec<u8>| {
        let path = tmp.path().join(name);
        fs::write(&path, bytes).unwrap();
        let source = source.clone();
        async move { source.fingerprint(path).await.unwrap() }
    };
    let big = |middle: u8, last: u8| {
        let mut bytes = vec![1u8; 300_000];
        bytes[150_000] = middle;
        bytes[299_999] = last;
        bytes
    };
    let a = print("a", big(1, 1)).await;
    assert!(a.starts_with("xxh3:") && a.len() == 5 + 32, "{a}");
    assert_eq!(print("same", big(1, 1)).await, a, "same bytes, same print, whatever the name");
    assert_eq!(print("middle", big(9, 1)).await, a, "only the ends are read");
    assert_ne!(print("end", big(1, 9)).await, a);
    assert_ne!(print("short", vec![1u8; 299_999]).await, a, "the size counts");
    // Small and empty files work too, and the value is stable across versions.
    assert_eq!(print("empty", Vec::new()).await, print("empty2", Vec::new()).await);
    // Pinned: the catalog stores fingerprints, so the algorithm must never drift.
    assert_eq!(print("abc", b"abc".to_vec()).await, "xxh3:45bcdc88efffd44520b986a5e7fe1438");
    assert!(matches!(
        source.fingerprint(tmp.path().join("gone")).await,
        Err(FileSourceError::NotFound { .. })
    ));
}
