//! Sidecar files in the walk, and reading their first bytes.

use std::fs;
use std::path::Path;

use fs_jwalk::JwalkFileSource;
use scanner_core::ports::{FileSource, FileSourceError, WalkEvent, WalkOptions};

use super::touch;

/// Every listing's sidecars, relative to `root`, by folder.
async fn sidecars(root: &Path) -> Vec<(String, Vec<String>)> {
    let source = JwalkFileSource::new();
    let mut stream = source.walk(root.to_path_buf(), WalkOptions::default()).await.unwrap();
    let mut found = Vec::new();
    let relative = |p: &Path| p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
    while let Some(event) = stream.next().await {
        if let WalkEvent::Directory(listing) = event {
            let mut names: Vec<String> = listing.sidecars.iter().map(|f| relative(&f.path)).collect();
            names.sort();
            assert!(listing.sidecars.iter().all(|f| f.size > 0), "with their metadata");
            found.push((relative(&listing.path), names));
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn listings_carry_their_sidecars_subs_folders_and_the_parents_show_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    touch(&root.join("Show/tvshow.nfo"), 5);
    touch(&root.join("Show/poster.jpg"), 5);
    touch(&root.join("Show/notes.nfo"), 5);
    touch(&root.join("Show/Season 1/Show.S01E01.mkv"), 10);
    touch(&root.join("Show/Season 1/Show.S01E01.en.srt"), 5);
    touch(&root.join("Show/Season 1/Show.S01E01-thumb.jpg"), 5);
    touch(&root.join("Show/Season 1/.Show.S01E01.de.srt"), 5);
    touch(&root.join("Show/Season 1/readme.txt"), 5);
    touch(&root.join("Show/Season 1/Subs/Show.S01E01.fr.srt"), 5);
    touch(&root.join("Show/Season 1/Subs/cover.jpg"), 5);
    touch(&root.join("Movies/Movie/Movie.mp4"), 10);
    touch(&root.join("Movies/Movie/Subtitles/English.srt"), 5);
    touch(&root.join("Movies/Movie/movie.nfo"), 5);
    touch(&root.join("Movies/Movie/Extras/Trailer.mp4"), 10);

    assert_eq!(
        sidecars(&root).await,
        [
            (
                "Movies/Movie".to_owned(),
                vec!["Movies/Movie/Subtitles/English.srt".to_owned(), "Movies/Movie/movie.nfo".to_owned()]
            ),
            // `movie.nfo` describes its own folder only.
            ("Movies/Movie/Extras".to_owned(), vec![]),
            (
                "Show/Season 1".to_owned(),
                vec![
                    "Show/Season 1/Show.S01E01-thumb.jpg".to_owned(),
                    "Show/Season 1/Show.S01E01.en.srt".to_owned(),
                    "Show/Season 1/Subs/Show.S01E01.fr.srt".to_owned(),
                    "Show/poster.jpg".to_owned(),
                    "Show/tvshow.nfo".to_owned(),
                ]
            ),
        ]
    );
}

#[tokio::test]
async fn read_head_reads_at_most_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.srt");
    fs::write(&path, vec![b'x'; 10_000]).unwrap();
    let source = JwalkFileSource::new();
    assert_eq!(source.read_head(path.clone(), 4096).await.unwrap().len(), 4096);
    assert_eq!(source.read_head(path, 1 << 20).await.unwrap().len(), 10_000);
    let missing = source.read_head(tmp.path().join("gone.srt"), 10).await;
    assert!(matches!(missing, Err(FileSourceError::NotFound { .. })), "{missing:?}");
}
