//! Items: the ids of films and episodes, paged and filtered, and the files filed under them.

use std::path::Path;
use std::sync::Arc;

use super::Catalog;
use super::media::record;
use crate::items::{ItemId, filed_under, group};
use crate::media::{MediaRecord, MediaStatus};
use crate::parse::{ExtraType, MediaKind, parse_path};
use crate::ports::{ItemQuery, MAX_ITEM_IDS, MediaFilter, MediaMove, RepoError, WriteBatch};

/// A file at `/lib/<relative>` in `library`, parsed as a scan parses it.
pub(super) fn file(library: &str, relative: &str) -> MediaRecord {
    let mut r = record(&Path::new("/lib").join(library).join(relative));
    r.library = Some(library.to_owned());
    r.parsed = parse_path(Path::new(relative));
    r
}

fn library_files() -> Vec<MediaRecord> {
    vec![
        file("films", "Salt Marsh (2012)/Salt Marsh (2012) - 1080p - cd1.mkv"),
        file("films", "Salt Marsh (2012)/Salt Marsh (2012) - 1080p - cd2.mkv"),
        file("films", "Salt Marsh (2012)/Trailers/Salt Marsh.mkv"),
        file("uhd", "Salt Marsh (2012)/Salt Marsh (2012) - 2160p.mkv"),
        file("films", "Wide Meadow (2019) [tmdbid-880]/Wide Meadow (2019).mkv"),
        file("tv", "Iron Pier/Season 1/Iron Pier S01E01.mkv"),
        file("tv", "Iron Pier/Season 1/Iron Pier S01E02.mkv"),
        file("tv", "Iron Pier/Extras/Read-through.mkv"),
        file("tv", "Unnamed thing.mkv"),
    ]
}

async fn ids(repo: &dyn Catalog, filter: MediaFilter, after: Option<ItemId>, limit: u64) -> Vec<ItemId> {
    repo.item_ids(ItemQuery { filter, after, offset: None, limit }).await.unwrap()
}

pub async fn items_are_listed_paged_and_filled_with_their_files(repo: Arc<dyn Catalog>) {
    let files = library_files();
    repo.apply(WriteBatch::upserts(files.clone())).await.unwrap();
    let salt = filed_under(&files[0].parsed).unwrap();
    let meadow = filed_under(&files[4].parsed).unwrap();
    let mut expected: Vec<ItemId> = files.iter().filter_map(|f| filed_under(&f.parsed)).collect();
    expected.sort();
    expected.dedup();
    // Salt Marsh, Wide Meadow and two episodes; extras and unknown files add no item.
    assert_eq!(expected.len(), 4);
    assert_eq!(ids(&*repo, MediaFilter::default(), None, 100).await, expected);
    assert_eq!(repo.count_items(MediaFilter::default()).await.unwrap(), 4);

    // Keyset pages, and offsets, give the same sequence.
    let first = ids(&*repo, MediaFilter::default(), None, 3).await;
    let rest = ids(&*repo, MediaFilter::default(), first.last().copied(), 3).await;
    assert_eq!([first, rest].concat(), expected);
    let query = ItemQuery { filter: MediaFilter::default(), after: None, offset: Some(2), limit: 10 };
    assert_eq!(repo.item_ids(query).await.unwrap(), expected[2..]);

    // Filters select items by any of their files.
    let movies = MediaFilter { kind: Some(MediaKind::Movie), ..MediaFilter::default() };
    let mut want = vec![salt, meadow];
    want.sort();
    assert_eq!(ids(&*repo, movies.clone(), None, 100).await, want);
    assert_eq!(repo.count_items(movies).await.unwrap(), 2);
    let uhd = MediaFilter { library: Some("uhd".into()), ..MediaFilter::default() };
    assert_eq!(ids(&*repo, uhd, None, 100).await, [salt]);
    let search = MediaFilter { search: Some("MEADOW".into()), ..MediaFilter::default() };
    assert_eq!(ids(&*repo, search, None, 100).await, [meadow]);

    // Every file of the item comes back, across libraries: two versions, one trailer.
    let salt_files = repo.item_files(vec![salt]).await.unwrap();
    let items = group(&salt_files);
    assert_eq!(items.len(), 1);
    let item = &items[0];
    let labels: Vec<Option<&str>> = item.versions.iter().map(|v| v.label.as_deref()).collect();
    assert_eq!(labels, [Some("1080p"), Some("2160p")]);
    let parts: Vec<_> = item.versions[0].parts.iter().map(|p| p.media_id).collect();
    assert_eq!(parts, [files[0].id, files[1].id]);
    assert_eq!(item.extras.len(), 1);
    assert_eq!((item.extras[0].media_id, item.extras[0].extra_type), (files[2].id, ExtraType::Trailer));
    assert!(repo.item_files(vec![]).await.unwrap().is_empty());
    let too_many = vec![salt; MAX_ITEM_IDS + 1];
    assert!(matches!(repo.item_files(too_many).await, Err(RepoError::InvalidInput(_))));
}

pub async fn missing_files_leave_their_items_and_moves_keep_item_ids(repo: Arc<dyn Catalog>) {
    let mut files = library_files();
    files[4].status = MediaStatus::Missing;
    repo.apply(WriteBatch::upserts(files.clone())).await.unwrap();
    let meadow = filed_under(&files[4].parsed).unwrap();
    assert!(!ids(&*repo, MediaFilter::default(), None, 100).await.contains(&meadow));
    assert!(repo.item_files(vec![meadow]).await.unwrap().is_empty());

    // A move to another folder keeps the name, so the file stays filed under its item.
    let episode = &files[5];
    let item = filed_under(&episode.parsed).unwrap();
    let to = Path::new("/lib/tv/Iron Pier/S1/Iron Pier S01E01.mkv");
    let stat = crate::media::FileStat {
        path: to.to_path_buf(),
        size: episode.size_bytes,
        modified: episode.modified_at,
        identity: episode.identity,
    };
    let moved = MediaMove {
        id: episode.id,
        from: episode.path.clone(),
        file: stat,
        library: episode.library.clone(),
        parsed: parse_path(Path::new("Iron Pier/S1/Iron Pier S01E01.mkv")),
        seen_at: episode.last_scanned_at,
    };
    repo.apply(WriteBatch { moves: vec![moved], ..WriteBatch::default() }).await.unwrap();
    let after = repo.item_files(vec![item]).await.unwrap();
    assert_eq!(after.iter().map(|r| (r.id, r.path.as_path())).collect::<Vec<_>>(), [(episode.id, to)]);
}
