//! Provider ids as overrides, and item edits: every film or episode file of an item edited at
//! once, refiled under the item its new values name, across rescans, re-probes and moves.

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;

use super::Catalog;
use super::items::file;
use crate::items::{ItemId, filed_under, group};
use crate::media::{FileStat, MediaId};
use crate::overrides::{Field, OverrideEdit, Overrides, Value};
use crate::parse::{MediaKind, parse_path};
use crate::ports::{ItemQuery, MediaFilter, MediaMove, RepoError, WriteBatch};

fn set(overrides: Overrides) -> OverrideEdit {
    OverrideEdit { set: overrides, ..OverrideEdit::default() }
}

fn tmdb(id: &str) -> OverrideEdit {
    set(Overrides { tmdb: Some(id.into()), ..Overrides::default() })
}

async fn all_items(repo: &dyn Catalog) -> Vec<ItemId> {
    let query = ItemQuery { limit: 100, ..ItemQuery::default() };
    let ids = repo.item_ids(query).await.unwrap();
    assert_eq!(repo.count_items(MediaFilter::default()).await.unwrap(), ids.len() as u64);
    ids
}

pub async fn provider_id_overrides_merge_into_ids_and_are_audited(repo: Arc<dyn Catalog>) {
    let named = file("films", "Film (2010) {imdb-tt0000001}/Film (2010).mkv");
    assert_eq!(named.parsed.ids.imdb.as_deref(), Some("tt0000001"));
    let trailer = file("films", "Film (2010) {imdb-tt0000001}/Trailers/Teaser.mkv");
    repo.apply(WriteBatch::upserts(vec![named.clone(), trailer.clone()])).await.unwrap();
    let id = named.id;
    let owner = |r: &crate::media::MediaRecord| filed_under(&r.parsed);

    let ids = Overrides { tmdb: Some("603".into()), imdb: Some("tt0133093".into()), ..Overrides::default() };
    let edited = repo.edit(id, set(ids), "cli".into(), Utc::now()).await.unwrap().unwrap();
    let read = repo.get(id).await.unwrap().unwrap();
    for r in [&edited, &read] {
        assert_eq!((r.parsed.ids.tmdb, r.parsed.ids.imdb.as_deref()), (Some(603), Some("tt0133093")));
        assert_eq!((r.overrides.tmdb.as_deref(), r.overrides.tvdb.as_deref()), (Some("603"), None));
    }
    assert_eq!(filed_under(&read.parsed), filed_under(&edited.parsed));
    assert_ne!(filed_under(&read.parsed), filed_under(&named.parsed), "the film is now keyed by its TMDB id");
    let followed = repo.get(trailer.id).await.unwrap().unwrap();
    assert_eq!(owner(&followed), owner(&read), "its only file moved: the trailer follows the film");

    for bad in ["0", "0603", "1234567890", "six"] {
        let refused = repo.edit(id, tmdb(bad), "cli".into(), Utc::now()).await;
        assert!(matches!(refused, Err(RepoError::InvalidInput(_))), "{bad}: {refused:?}");
    }
    let bad_imdb = set(Overrides { imdb: Some("tt12".into()), ..Overrides::default() });
    assert!(matches!(
        repo.edit(id, bad_imdb, "cli".into(), Utc::now()).await,
        Err(RepoError::InvalidInput(_))
    ));

    // Unset, the name's id is in force again.
    let unset = OverrideEdit { clear: vec![Field::Imdb, Field::Tmdb], ..OverrideEdit::default() };
    let plain = repo.edit(id, unset, "api".into(), Utc::now()).await.unwrap().unwrap();
    assert_eq!(plain.parsed.ids, named.parsed.ids);
    assert!(plain.overrides.is_empty());
    assert_eq!(all_items(&*repo).await, [filed_under(&named.parsed).unwrap()], "and so is its item");
    let back = repo.get(trailer.id).await.unwrap().unwrap();
    assert_eq!((owner(&back), back.overrides.is_empty()), (owner(&named), true), "and its trailer");

    let history = repo.history(id).await.unwrap().unwrap();
    let seen: Vec<_> =
        history.iter().map(|c| (c.actor.as_str(), c.field, c.old.clone(), c.new.clone())).collect();
    let text = |s: &str| Some(Value::Text(s.into()));
    assert_eq!(
        seen,
        [
            ("cli", Field::Tmdb, None, text("603")),
            ("cli", Field::Imdb, None, text("tt0133093")),
            ("api", Field::Tmdb, text("603"), None),
            ("api", Field::Imdb, text("tt0133093"), None),
        ]
    );
}

pub async fn item_edits_refile_every_version_and_survive_rescans_and_moves(repo: Arc<dyn Catalog>) {
    let films = [
        file("films", "Film (2010)/Film (2010) - 1080p - cd1.mkv"),
        file("films", "Film (2010)/Film (2010) - 1080p - cd2.mkv"),
        file("films", "Film (2010)/Trailers/Film.mkv"),
        file("uhd", "Das Film 2010/Das.Film.2010.2160p.mkv"),
    ];
    repo.apply(WriteBatch::upserts(films.to_vec())).await.unwrap();
    let (film, das) = (filed_under(&films[0].parsed).unwrap(), filed_under(&films[3].parsed).unwrap());
    assert_ne!(film, das, "two names, two items");
    assert_eq!(filed_under(&films[2].parsed), Some(film), "the trailer is the film's");

    let unknown = ItemId(uuid::Uuid::nil());
    assert!(repo.edit_item(unknown, tmdb("603"), "api".into(), Utc::now()).await.unwrap().is_none());
    let refused = repo.edit_item(film, tmdb("0"), "api".into(), Utc::now()).await;
    assert!(matches!(refused, Err(RepoError::InvalidInput(_))), "{refused:?}");
    let numbered = set(Overrides { season: Some(1), ..Overrides::default() });
    let refused = repo.edit_item(film, numbered, "api".into(), Utc::now()).await;
    assert!(matches!(refused, Err(RepoError::InvalidInput(_))), "a film has no season: {refused:?}");
    assert_eq!(repo.history(films[0].id).await.unwrap().unwrap(), [], "nothing refused is applied");

    // Matched to one TMDB id, both are versions of one item, keyed by that id.
    let edited = repo.edit_item(film, tmdb("603"), "api".into(), Utc::now()).await.unwrap().unwrap();
    let ids: Vec<MediaId> = edited.iter().map(|r| r.id).collect();
    assert_eq!(ids, [films[0].id, films[1].id], "every part of the film, in path order, not its trailer");
    let matched = filed_under(&edited[0].parsed).unwrap();
    assert!(edited.iter().all(|r| filed_under(&r.parsed) == Some(matched)));
    assert_eq!(all_items(&*repo).await.len(), 2);
    let edited = repo.edit_item(das, tmdb("603"), "api".into(), Utc::now()).await.unwrap().unwrap();
    assert_eq!(edited.iter().map(|r| r.id).collect::<Vec<_>>(), [films[3].id]);
    assert_eq!(all_items(&*repo).await, [matched]);

    let check = |when: &str, files: Vec<crate::media::MediaRecord>| {
        let items = group(&files);
        assert_eq!(items.len(), 1, "{when}: {items:?}");
        let versions: Vec<Vec<MediaId>> =
            items[0].versions.iter().map(|v| v.parts.iter().map(|p| p.media_id).collect()).collect();
        assert_eq!(versions, [vec![films[0].id, films[1].id], vec![films[3].id]], "{when}");
        assert_eq!((items[0].id, items[0].title.as_deref()), (matched, Some("Film")), "{when}");
        let extras: Vec<MediaId> = items[0].extras.iter().map(|e| e.media_id).collect();
        assert_eq!(extras, [films[2].id], "{when}: the trailer followed its film");
    };
    check("matched", repo.item_files(vec![matched]).await.unwrap());
    let movies = ItemQuery {
        filter: MediaFilter { kind: Some(MediaKind::Movie), ..MediaFilter::default() },
        limit: 10,
        ..ItemQuery::default()
    };
    assert_eq!(repo.item_ids(movies).await.unwrap(), [matched]);

    // A rescan writes rows back as it read them, a re-probe writes them anew from their names,
    // a move reads a new name: each file stays matched.
    let stored = repo.records(vec![films[0].id, films[3].id]).await.unwrap();
    repo.apply(WriteBatch::upserts(stored)).await.unwrap();
    check("rescanned", repo.item_files(vec![matched]).await.unwrap());
    let (mut reprobed, mut trailer) = (films[1].clone(), films[2].clone());
    reprobed.size_bytes += 1;
    trailer.size_bytes += 1;
    repo.apply(WriteBatch::upserts(vec![reprobed, trailer])).await.unwrap();
    check("re-probed", repo.item_files(vec![matched]).await.unwrap());
    let relative = "Das Film 2010/Der Film (2010) - 2160p.mkv";
    let to = Path::new("/lib/uhd").join(relative);
    let b = &films[3];
    let stat =
        FileStat { path: to.clone(), size: b.size_bytes, modified: b.modified_at, identity: b.identity };
    let moved = MediaMove {
        id: b.id,
        from: b.path.clone(),
        file: stat,
        library: b.library.clone(),
        parsed: parse_path(Path::new(relative)),
        seen_at: b.last_scanned_at,
    };
    repo.apply(WriteBatch { moves: vec![moved], ..WriteBatch::default() }).await.unwrap();
    check("moved", repo.item_files(vec![matched]).await.unwrap());
    assert_eq!(all_items(&*repo).await, [matched]);

    // Each file's history shows the item edit.
    for id in [films[0].id, films[1].id, films[3].id] {
        let history = repo.history(id).await.unwrap().unwrap();
        let seen: Vec<_> = history.iter().map(|c| (c.actor.as_str(), c.field, c.new.clone())).collect();
        assert_eq!(seen, [("api", Field::Tmdb, Some(Value::Text("603".into())))]);
    }
    let owner = |c: &crate::overrides::OverrideChange| (c.actor.clone(), c.field, c.new.clone());
    let trailer = repo.history(films[2].id).await.unwrap().unwrap();
    let to_matched = ("api".to_owned(), Field::ExtraOf, Some(Value::Text(matched.to_string())));
    assert_eq!(trailer.iter().map(owner).collect::<Vec<_>>(), std::slice::from_ref(&to_matched));

    // An extra written after the match follows the film too, audited as the scan's.
    let later = file("films", "Film (2010)/Featurettes/Making Of.mkv");
    assert_eq!(filed_under(&later.parsed), Some(film), "by its name, the film's old item");
    repo.apply(WriteBatch::upserts(vec![later.clone()])).await.unwrap();
    let read = repo.get(later.id).await.unwrap().unwrap();
    assert_eq!((read.parsed.extra_of, read.overrides.extra_of), (Some(matched), Some(matched)));
    let history = repo.history(later.id).await.unwrap().unwrap();
    let by_scan = ("scan".to_owned(), Field::ExtraOf, Some(Value::Text(matched.to_string())));
    assert_eq!(history.iter().map(owner).collect::<Vec<_>>(), [by_scan]);
    let extras = group(&repo.item_files(vec![matched]).await.unwrap())[0].extras.len();
    assert_eq!(extras, 2, "the trailer and the featurette");

    // Clearing the item's overrides files each version under its name again.
    let clear = OverrideEdit { clear_all: true, ..OverrideEdit::default() };
    let cleared = repo.edit_item(matched, clear, "cli".into(), Utc::now()).await.unwrap().unwrap();
    assert_eq!(cleared.len(), 3);
    let mut again = all_items(&*repo).await;
    again.sort();
    let mut named = vec![film, filed_under(&parse_path(Path::new(relative))).unwrap()];
    named.sort();
    assert_eq!(again, named);
    // The trailer went back with the film its name gives, its owner override removed.
    for extra in [films[2].id, later.id] {
        let back = repo.get(extra).await.unwrap().unwrap();
        assert_eq!((filed_under(&back.parsed), back.overrides.is_empty()), (Some(film), true));
    }
    // And one written now stays with the name's item: nothing moved it.
    let after = file("films", "Film (2010)/Film (2010)-trailer.mkv");
    repo.apply(WriteBatch::upserts(vec![after.clone()])).await.unwrap();
    let read = repo.get(after.id).await.unwrap().unwrap();
    assert_eq!((filed_under(&read.parsed), read.overrides.is_empty()), (Some(film), true));
    let trailer = repo.history(films[2].id).await.unwrap().unwrap();
    let cleared = ("cli".to_owned(), Field::ExtraOf, None);
    assert_eq!(trailer.iter().map(owner).collect::<Vec<_>>(), [to_matched, cleared]);
}
