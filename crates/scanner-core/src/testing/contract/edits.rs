//! Overrides: kept apart from what scans write, merged into `parsed`, seen by filters, audited.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;

use super::Catalog;
use super::media::record;
use crate::media::{FileStat, MediaId, MediaStatus};
use crate::overrides::{Field, OverrideEdit, Overrides, Value};
use crate::parse::MediaKind;
use crate::ports::{MediaFilter, MediaMove, MediaQuery, RepoError, WriteBatch};

fn set(overrides: Overrides) -> OverrideEdit {
    OverrideEdit { set: overrides, ..OverrideEdit::default() }
}

async fn count(repo: &dyn Catalog, filter: MediaFilter) -> usize {
    let listed =
        repo.list(MediaQuery { filter: filter.clone(), ..MediaQuery::default() }).await.unwrap().len();
    assert_eq!(repo.count(filter).await.unwrap() as usize, listed, "count and list agree");
    listed
}

pub async fn overrides_survive_rescans_and_moves_and_filters_see_them(repo: Arc<dyn Catalog>) {
    let path = PathBuf::from("/lib/tv/Shw.S01E01E02.mkv");
    let named = record(&path);
    repo.apply(WriteBatch::upserts(vec![named.clone()])).await.unwrap();
    let id = named.id;

    let edit = set(Overrides { show: Some("Fixed Show".into()), season: Some(3), ..Overrides::default() });
    let edited = repo.edit(id, edit, "cli".into(), Utc::now()).await.unwrap().expect("the file exists");
    let check = |r: &crate::media::MediaRecord| {
        assert_eq!(r.parsed.show.as_deref(), Some("Fixed Show"));
        assert_eq!(r.parsed.season, Some(3));
        assert_eq!(r.parsed.episodes, named.parsed.episodes, "what was not overridden is the parser's");
        assert_eq!(r.overrides.show.as_deref(), Some("Fixed Show"));
        assert_eq!(r.overrides.episodes, None);
    };
    check(&edited);
    check(&repo.get(id).await.unwrap().unwrap());

    let show = |s: &str| MediaFilter { show: Some(s.into()), ..MediaFilter::default() };
    assert_eq!(count(repo.as_ref(), show("Fixed Show")).await, 1);
    assert_eq!(count(repo.as_ref(), show("Show Name")).await, 0, "the parser's show is overridden");
    let season = |s: u32| MediaFilter { season: Some(s), ..MediaFilter::default() };
    assert_eq!((count(repo.as_ref(), season(3)).await, count(repo.as_ref(), season(1)).await), (1, 0));
    let search = |s: &str| MediaFilter { search: Some(s.into()), ..MediaFilter::default() };
    assert_eq!(count(repo.as_ref(), search("fixed")).await, 1, "search finds what the user set");
    assert_eq!(count(repo.as_ref(), search("show name")).await, 1, "and what the name says");
    let shows = repo.shows(MediaFilter::default()).await.unwrap();
    assert_eq!(shows.iter().map(|s| s.show.as_str()).collect::<Vec<_>>(), ["Fixed Show"]);

    // A re-probe (the file changed: the scan writes the whole row again) keeps the edit.
    let mut reprobed = record(&path);
    reprobed.id = id;
    reprobed.size_bytes += 1;
    repo.apply(WriteBatch::upserts(vec![reprobed])).await.unwrap();
    check(&repo.get(id).await.unwrap().unwrap());

    // A scan reads rows as it wrote them (a sidecar refresh writes one back): without the
    // overrides, so writing it back never turns an override into the parser's value.
    let stored = repo.records(vec![id]).await.unwrap();
    assert_eq!((stored[0].parsed.show.as_deref(), stored[0].overrides.is_empty()), (Some("Show Name"), true));
    repo.apply(WriteBatch::upserts(stored)).await.unwrap();
    check(&repo.get(id).await.unwrap().unwrap());

    // So does a move, whose new name the parser reads again.
    let to = PathBuf::from("/lib/tv/Show Name/Season 1/Show Name - S01E01E02 - Pilot.mkv");
    let before = repo.get(id).await.unwrap().unwrap();
    let mut parsed = named.parsed.clone();
    parsed.title = Some("Pilot".into());
    let file =
        FileStat { path: to.clone(), size: before.size_bytes, modified: before.modified_at, identity: None };
    let moved = MediaMove { id, from: path, file, library: Some("tv".into()), parsed, seen_at: Utc::now() };
    repo.apply(WriteBatch { moves: vec![moved], ..WriteBatch::default() }).await.unwrap();
    let after = repo.get_by_path(to).await.unwrap().unwrap();
    check(&after);
    assert_eq!(after.parsed.title.as_deref(), Some("Pilot"), "the new name is read");

    // Clearing one field brings the parser's value back; a kind override moves it between kinds.
    let edit = OverrideEdit {
        clear: vec![Field::Season],
        ..set(Overrides { kind: Some(MediaKind::Movie), ..Overrides::default() })
    };
    let edited = repo.edit(id, edit, "api".into(), Utc::now()).await.unwrap().unwrap();
    assert_eq!((edited.parsed.season, edited.parsed.kind), (named.parsed.season, MediaKind::Movie));
    let kind = |k: MediaKind| MediaFilter { kind: Some(k), ..MediaFilter::default() };
    assert_eq!(
        (
            count(repo.as_ref(), kind(MediaKind::Movie)).await,
            count(repo.as_ref(), kind(MediaKind::Episode)).await
        ),
        (1, 0)
    );
    assert!(
        repo.shows(MediaFilter::default()).await.unwrap().is_empty(),
        "a movie is not an episode of a show"
    );

    let cleared = OverrideEdit { clear_all: true, ..OverrideEdit::default() };
    let plain = repo.edit(id, cleared, "cli".into(), Utc::now()).await.unwrap().unwrap();
    assert!(plain.overrides.is_empty());
    assert_eq!((plain.parsed.show, plain.parsed.kind), (named.parsed.show.clone(), named.parsed.kind));

    let history = repo.history(id).await.unwrap().expect("the file exists");
    let seen: Vec<_> =
        history.iter().map(|c| (c.actor.as_str(), c.field, c.old.clone(), c.new.clone())).collect();
    let text = |s: &str| Some(Value::Text(s.into()));
    assert_eq!(
        seen,
        [
            ("cli", Field::Show, None, text("Fixed Show")),
            ("cli", Field::Season, None, Some(Value::Number(3))),
            ("api", Field::Season, Some(Value::Number(3)), None),
            ("api", Field::Kind, None, text("movie")),
            ("cli", Field::Show, text("Fixed Show"), None),
            ("cli", Field::Kind, text("movie"), None),
        ]
    );
    assert!(history.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
}

pub async fn edits_of_unknown_files_and_bad_values_are_refused(repo: Arc<dyn Catalog>) {
    let named = record(&PathBuf::from("/lib/tv/Show.S02E03.mkv"));
    repo.apply(WriteBatch::upserts(vec![named.clone()])).await.unwrap();
    let id = named.id;
    let unknown = MediaId::new();
    let edit = set(Overrides { title: Some("x".into()), ..Overrides::default() });
    assert!(repo.edit(unknown, edit.clone(), "cli".into(), Utc::now()).await.unwrap().is_none());
    assert!(repo.history(unknown).await.unwrap().is_none());

    let bad = [
        Overrides { show: Some("a\0b".into()), ..Overrides::default() },
        Overrides { season: Some(u32::MAX), ..Overrides::default() },
        Overrides { episodes: Some(vec![]), ..Overrides::default() },
        Overrides { title: Some(String::new()), ..Overrides::default() },
        Overrides { year: Some(10_000), ..Overrides::default() },
        // An episode belongs to no other item: only extras take an owner.
        Overrides { extra_of: Some(crate::items::ItemId(uuid::Uuid::from_u128(1))), ..Overrides::default() },
    ];
    for overrides in bad {
        let refused = repo.edit(id, set(overrides.clone()), "cli".into(), Utc::now()).await;
        assert!(matches!(refused, Err(RepoError::InvalidInput(_))), "{overrides:?}: {refused:?}");
    }
    assert!(matches!(
        repo.edit(id, edit.clone(), "a\0".into(), Utc::now()).await,
        Err(RepoError::InvalidInput(_))
    ));
    assert_eq!(repo.history(id).await.unwrap(), Some(vec![]), "nothing refused is recorded");

    // An edit that changes nothing records nothing.
    repo.edit(id, edit.clone(), "cli".into(), Utc::now()).await.unwrap().unwrap();
    repo.edit(id, edit, "cli".into(), Utc::now()).await.unwrap().unwrap();
    assert_eq!(repo.history(id).await.unwrap().unwrap().len(), 1);
}

pub async fn pruning_a_file_forgets_its_overrides(repo: Arc<dyn Catalog>) {
    let path = PathBuf::from("/lib/tv/Gone.S01E01.mkv");
    let named = record(&path);
    repo.apply(WriteBatch::upserts(vec![named.clone()])).await.unwrap();
    let edit = set(Overrides { show: Some("Kept?".into()), ..Overrides::default() });
    repo.edit(named.id, edit, "cli".into(), Utc::now()).await.unwrap().unwrap();
    let mut missing = named.clone();
    missing.status = MediaStatus::Missing;
    missing.missing_since = Some(missing.last_scanned_at);
    repo.apply(WriteBatch::upserts(vec![missing])).await.unwrap();
    assert_eq!(repo.prune_missing(PathBuf::from("/lib")).await.unwrap(), 1);
    assert!(repo.get(named.id).await.unwrap().is_none());
    assert!(repo.history(named.id).await.unwrap().is_none());

    // A new file at the same path starts without them.
    let again = record(&path);
    repo.apply(WriteBatch::upserts(vec![again.clone()])).await.unwrap();
    let read = repo.get_by_path(path).await.unwrap().unwrap();
    assert!(read.overrides.is_empty());
    assert_eq!(read.parsed, again.parsed);
}

pub async fn concurrent_edits_of_one_file_all_apply_in_turn(repo: Arc<dyn Catalog>) {
    let named = record(&PathBuf::from("/lib/tv/Busy.S01E01.mkv"));
    repo.apply(WriteBatch::upserts(vec![named.clone()])).await.unwrap();
    let edits: Vec<_> = (0..8u32)
        .map(|i| {
            let repo = repo.clone();
            tokio::spawn(async move {
                let edit = set(Overrides { episodes: Some(vec![i + 1]), ..Overrides::default() });
                repo.edit(named.id, edit, format!("writer {i}"), Utc::now()).await
            })
        })
        .collect();
    for edit in edits {
        edit.await.unwrap().expect("an edit never fails for being concurrent").unwrap();
    }
    let history = repo.history(named.id).await.unwrap().unwrap();
    assert_eq!(history.len(), 8, "one change per edit: {history:?}");
    // Each change starts from the one before: the edits applied one after the other.
    for pair in history.windows(2) {
        assert_eq!(pair[1].old, pair[0].new, "{history:?}");
    }
    let last = history.last().unwrap().new.clone();
    let read = repo.get(named.id).await.unwrap().unwrap();
    assert_eq!(read.overrides.episodes.map(Value::Numbers), last);
}
