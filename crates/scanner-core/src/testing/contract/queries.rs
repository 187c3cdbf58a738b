//! Media queries: filters, pagination, counts, shows.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use chrono::Utc;

use super::Catalog;
use super::media::record;
use crate::media::{MediaRecord, MediaStatus};
use crate::overrides::{OverrideEdit, Overrides};
use crate::parse::MediaKind;
use crate::playback::{Compatibility, DecisionMatch};
use crate::ports::{DecisionFilter, MediaFilter, MediaQuery, RepoError, ShowSummary, WriteBatch};

struct Row {
    path: &'static str,
    library: Option<&'static str>,
    kind: MediaKind,
    show: Option<&'static str>,
    season: Option<u32>,
    year: Option<u16>,
    title: Option<&'static str>,
    compatible: Option<bool>,
}

const fn row(
    path: &'static str,
    show: &'static str,
    season: u32,
    title: &'static str,
    compatible: bool,
) -> Row {
    Row {
        path,
        library: Some("tv"),
        kind: MediaKind::Episode,
        show: Some(show),
        season: Some(season),
        year: None,
        title: Some(title),
        compatible: Some(compatible),
    }
}

const ROWS: [Row; 9] = [
    row("/tv/Alpha/Season 1/a1.mkv", "Alpha", 1, "Pilot", true),
    row("/tv/Alpha/Season 1/a2.mkv", "Alpha", 1, "Second Épisode", false),
    row("/tv/Alpha/Season 2/a3.mkv", "Alpha", 2, "100% Real", true),
    row("/tv/Beta/Season 1/b1.mkv", "Beta", 1, "Pilot", true),
    row("/tv/Ångström/Season 1/c1.mkv", "Ångström", 1, "Über", true),
    Row { year: Some(2005), ..row("/tv/Doctor Who (2005)/Season 1/d1.mkv", "Doctor Who", 1, "Rose", true) },
    Row {
        year: Some(1963),
        ..row("/tv/Doctor Who (1963)/Season 1/d0.mkv", "Doctor Who", 1, "An Unearthly Child", true)
    },
    Row {
        path: "/movies/Film (2010)/Film (2010).mkv",
        library: Some("movies"),
        kind: MediaKind::Movie,
        show: None,
        season: None,
        year: Some(2010),
        title: Some("Film"),
        compatible: Some(false),
    },
    Row {
        path: "/movies/broken.mkv",
        library: None,
        kind: MediaKind::Unknown,
        show: None,
        season: None,
        year: None,
        title: Some("broken"),
        compatible: None,
    },
];

async fn seed(repo: &dyn Catalog) {
    let records: Vec<MediaRecord> = ROWS
        .iter()
        .map(|r| {
            let mut rec = record(Path::new(r.path));
            rec.library = r.library.map(str::to_owned);
            rec.parsed.kind = r.kind;
            rec.parsed.show = r.show.map(str::to_owned);
            rec.parsed.season = r.season;
            rec.parsed.year = r.year;
            rec.parsed.title = r.title.map(str::to_owned);
            rec.compatibility = r.compatible.map(|compatible| Compatibility { compatible, reasons: vec![] });
            if r.compatible.is_none() {
                rec.status = MediaStatus::Failed;
            }
            rec
        })
        .collect();
    repo.apply(WriteBatch::upserts(records)).await.unwrap();
}

async fn paths(repo: &dyn Catalog, filter: MediaFilter) -> Vec<String> {
    let query = MediaQuery { filter: filter.clone(), ..MediaQuery::default() };
    let found: Vec<String> =
        repo.list(query).await.unwrap().into_iter().map(|r| r.path.to_string_lossy().into_owned()).collect();
    let n = found.len() as u64;
    assert_eq!(repo.count(filter.clone()).await.unwrap(), n, "count agrees with list");
    for limit in [0, 1, n, n + 1] {
        assert_eq!(
            repo.count_up_to(filter.clone(), limit).await.unwrap(),
            Ord::min(n, limit),
            "up to {limit}"
        );
    }
    found
}

fn names(paths: &[String]) -> Vec<&str> {
    paths.iter().map(|p| p.rsplit('/').next().unwrap()).collect()
}

pub async fn filters_narrow_the_catalog(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref()).await;
    let all = paths(repo.as_ref(), MediaFilter::default()).await;
    assert_eq!(all.len(), 9);

    let f = |f: MediaFilter| f;
    let cases: Vec<(MediaFilter, Vec<&str>)> = vec![
        (f(MediaFilter { library: Some("movies".into()), ..Default::default() }), vec!["Film (2010).mkv"]),
        (
            f(MediaFilter { show: Some("Alpha".into()), ..Default::default() }),
            vec!["a1.mkv", "a2.mkv", "a3.mkv"],
        ),
        (
            f(MediaFilter { show: Some("Alpha".into()), season: Some(2), ..Default::default() }),
            vec!["a3.mkv"],
        ),
        (f(MediaFilter { kind: Some(MediaKind::Movie), ..Default::default() }), vec!["Film (2010).mkv"]),
        (f(MediaFilter { compatible: Some(false), ..Default::default() }), vec!["Film (2010).mkv", "a2.mkv"]),
        (f(MediaFilter { status: Some(MediaStatus::Failed), ..Default::default() }), vec!["broken.mkv"]),
        (
            f(MediaFilter { under: vec![PathBuf::from("/tv/Alpha")], ..Default::default() }),
            vec!["a1.mkv", "a2.mkv", "a3.mkv"],
        ),
        (
            f(MediaFilter { under: vec![PathBuf::from("/tv/Alpha/")], ..Default::default() }),
            vec!["a1.mkv", "a2.mkv", "a3.mkv"],
        ),
        // Several folders: anything under any of them.
        (
            f(MediaFilter {
                under: vec![PathBuf::from("/tv/Beta"), PathBuf::from("/movies")],
                ..Default::default()
            }),
            vec!["b1.mkv", "Film (2010).mkv", "broken.mkv"],
        ),
        // A prefix is a folder, not a string: /tv/Al does not select /tv/Alpha.
        (f(MediaFilter { under: vec![PathBuf::from("/tv/Al")], ..Default::default() }), vec![]),
        (
            f(MediaFilter { under: vec![PathBuf::from("/tv/Alpha/Season 1/a1.mkv")], ..Default::default() }),
            vec!["a1.mkv"],
        ),
        // Case-insensitive on both backends, Unicode included.
        (f(MediaFilter { search: Some("ÉPISODE".into()), ..Default::default() }), vec!["a2.mkv"]),
        (f(MediaFilter { search: Some("ångSTRÖM".into()), ..Default::default() }), vec!["c1.mkv"]),
        (f(MediaFilter { search: Some("pilot".into()), ..Default::default() }), vec!["a1.mkv", "b1.mkv"]),
        // LIKE wildcards in the query are plain characters.
        (f(MediaFilter { search: Some("100%".into()), ..Default::default() }), vec!["a3.mkv"]),
        (f(MediaFilter { search: Some("%".into()), ..Default::default() }), vec!["a3.mkv"]),
        (f(MediaFilter { search: Some("_".into()), ..Default::default() }), vec![]),
        (
            f(MediaFilter {
                show: Some("Alpha".into()),
                compatible: Some(true),
                search: Some("pilot".into()),
                ..Default::default()
            }),
            vec!["a1.mkv"],
        ),
    ];
    for (filter, expected) in cases {
        let mut got = names(&paths(repo.as_ref(), filter.clone()).await)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        got.sort();
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(got, expected, "{filter:?}");
    }
}

pub async fn pages_by_offset_and_by_keyset_agree(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref()).await;
    let all = paths(repo.as_ref(), MediaFilter::default()).await;
    let mut by_offset = Vec::new();
    for page in 0..4 {
        let query = MediaQuery { offset: Some(page * 3), limit: Some(3), ..MediaQuery::default() };
        by_offset.extend(
            repo.list(query).await.unwrap().into_iter().map(|r| r.path.to_string_lossy().into_owned()),
        );
    }
    assert_eq!(by_offset, all);
    let filter = MediaFilter { library: Some("tv".into()), ..Default::default() };
    let page = repo
        .list(MediaQuery {
            filter,
            after_path: Some(PathBuf::from("/tv/Alpha/Season 2/a3.mkv")),
            limit: Some(2),
            offset: None,
        })
        .await
        .unwrap();
    let got: Vec<_> = page.iter().map(|r| r.path.to_string_lossy().into_owned()).collect();
    assert_eq!(got, ["/tv/Beta/Season 1/b1.mkv", "/tv/Doctor Who (1963)/Season 1/d0.mkv"]);
}

pub async fn shows_are_counted_by_name_and_year(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref()).await;
    let shows = repo.shows(MediaFilter::default()).await.unwrap();
    let expected = vec![
        ShowSummary { show: "Alpha".into(), year: None, seasons: 2, episodes: 3 },
        ShowSummary { show: "Beta".into(), year: None, seasons: 1, episodes: 1 },
        ShowSummary { show: "Doctor Who".into(), year: Some(1963), seasons: 1, episodes: 1 },
        ShowSummary { show: "Doctor Who".into(), year: Some(2005), seasons: 1, episodes: 1 },
        ShowSummary { show: "Ångström".into(), year: None, seasons: 1, episodes: 1 },
    ];
    assert_eq!(shows, expected);
    let filtered =
        repo.shows(MediaFilter { search: Some("doctor".into()), ..Default::default() }).await.unwrap();
    assert_eq!(filtered.len(), 2);
}

pub async fn records_are_found_by_path(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref()).await;
    let found = repo.get_by_path(PathBuf::from("/tv/Beta/Season 1/b1.mkv")).await.unwrap().unwrap();
    assert_eq!(found.parsed.show.as_deref(), Some("Beta"));
    assert_eq!(found.library.as_deref(), Some("tv"));
    assert_eq!(repo.get_by_path(PathBuf::from("/tv/Beta/Season 1/nope.mkv")).await.unwrap(), None);
}

pub async fn text_and_numbers_no_database_holds_are_invalid_input(repo: Arc<dyn Catalog>) {
    seed(repo.as_ref()).await;
    let nul = || Some("a\0b".to_owned());
    let filters = [
        MediaFilter { show: nul(), ..Default::default() },
        MediaFilter { search: nul(), ..Default::default() },
        MediaFilter { library: nul(), ..Default::default() },
        MediaFilter { video_codec: nul(), ..Default::default() },
        MediaFilter {
            decision: Some(DecisionFilter { profile: "a\0b".into(), decision: DecisionMatch::AnyTranscode }),
            ..Default::default()
        },
        MediaFilter { under: vec![PathBuf::from("/tv/a\0b")], ..Default::default() },
        MediaFilter { season: Some(u32::MAX), ..Default::default() },
        MediaFilter { season: Some(1 << 31), ..Default::default() },
    ];
    for filter in filters {
        let invalid = |r: Result<_, RepoError>| matches!(r, Err(RepoError::InvalidInput(_)));
        assert!(invalid(repo.count(filter.clone()).await.map(|_| ())), "count {filter:?}");
        assert!(invalid(repo.shows(filter.clone()).await.map(|_| ())), "shows {filter:?}");
        assert!(invalid(repo.report(filter.clone()).await.map(|_| ())), "report {filter:?}");
        let query = MediaQuery { filter: filter.clone(), ..MediaQuery::default() };
        assert!(invalid(repo.list(query).await.map(|_| ())), "list {filter:?}");
    }
    let far = MediaQuery { offset: Some(u64::MAX), ..MediaQuery::default() };
    assert!(matches!(repo.list(far).await, Err(RepoError::InvalidInput(_))));
    let cursor = MediaQuery { after_path: Some(PathBuf::from("/tv/\0")), ..MediaQuery::default() };
    assert!(matches!(repo.list(cursor).await, Err(RepoError::InvalidInput(_))));
    assert!(matches!(repo.get_by_path(PathBuf::from("/tv/\0")).await, Err(RepoError::InvalidInput(_))));
    // The largest offset a database takes is merely past the end.
    let last = MediaQuery { offset: Some(i64::MAX as u64), ..MediaQuery::default() };
    assert!(repo.list(last).await.unwrap().is_empty());
    assert_eq!(
        repo.count(MediaFilter { season: Some(i32::MAX as u32), ..Default::default() }).await.unwrap(),
        0
    );
}

/// A text in thousands of names, which SQLite reads in another way than a rare one (file by
/// file in path order, not through the index's list), selects, pages and counts alike, the
/// user's overrides included.
pub async fn a_common_search_text_selects_pages_and_counts_alike(repo: Arc<dyn Catalog>) {
    const N: u64 = 2_100;
    let records: Vec<MediaRecord> = (0..N)
        .map(|i| {
            let mut rec = record(Path::new(&format!("/tv/Common/Season 1/e{i:04}.mkv")));
            rec.parsed.kind = MediaKind::Episode;
            rec.parsed.show = Some("Common".into());
            rec.parsed.season = Some(1);
            rec
        })
        .collect();
    repo.apply(WriteBatch::upserts(records)).await.unwrap();
    let mut other = record(Path::new("/tv/Other/o.mkv"));
    other.parsed.show = Some("Other".into());
    let other_id = other.id;
    repo.apply(WriteBatch::upserts(vec![other])).await.unwrap();
    // The user names the other file's show so that it matches as well.
    let set = Overrides { show: Some("Uncommon".into()), ..Overrides::default() };
    repo.edit(other_id, OverrideEdit { set, ..OverrideEdit::default() }, "test".into(), Utc::now())
        .await
        .unwrap()
        .unwrap();
    let first: Vec<String> = (0..3).map(|i| format!("/tv/Common/Season 1/e{i:04}.mkv")).collect();
    for text in ["common", "COMMON", "co", "mmo"] {
        let filter = MediaFilter { search: Some(text.into()), ..Default::default() };
        assert_eq!(repo.count(filter.clone()).await.unwrap(), N + 1, "{text}");
        assert_eq!(repo.count_up_to(filter.clone(), 2_001).await.unwrap(), 2_001, "{text}");
        let query = MediaQuery { filter: filter.clone(), limit: Some(3), ..MediaQuery::default() };
        let page: Vec<String> =
            repo.list(query).await.unwrap().iter().map(|r| r.path.to_string_lossy().into_owned()).collect();
        assert_eq!(page, first, "{text}");
        let last = PathBuf::from(format!("/tv/Common/Season 1/e{:04}.mkv", N - 1));
        let query = MediaQuery { filter, after_path: Some(last), ..MediaQuery::default() };
        let rest: Vec<PathBuf> = repo.list(query).await.unwrap().into_iter().map(|r| r.path).collect();
        assert_eq!(rest, [PathBuf::from("/tv/Other/o.mkv")], "{text}: the overridden file, last");
    }
    let only = |text: &str| MediaFilter { search: Some(text.into()), ..Default::default() };
    assert_eq!(paths(repo.as_ref(), only("uncommon")).await, ["/tv/Other/o.mkv"]);
    assert_eq!(paths(repo.as_ref(), only("e0001")).await, Vec::<String>::new(), "paths are not searched");
    assert_eq!(repo.count(only("other")).await.unwrap(), 1, "what the name says is searched too");
}
