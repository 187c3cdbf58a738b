//! `m0010_items` gives rows catalogued before it their item ids, and `m0012_override_ids` refiles
//! rows overridden before it, on both backends.

use std::path::Path;

use scanner_core::items::filed_under;
use scanner_core::parse::ExtraType;
use scanner_core::ports::{ItemQuery, MediaFilter, MediaQueries, MediaRepository, WriteBatch};
use scanner_core::testing::contract::media::record;
use scanner_core::{MediaKind, MediaRecord, parse_path};

fn file(relative: &str) -> MediaRecord {
    let mut r = record(&Path::new("/srv/films").join(relative));
    r.parsed = parse_path(Path::new(relative));
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_from_before_items_get_their_item_ids_when_migrated() {
    let mut fresh = vec![crate::sqlite().await];
    fresh.extend(crate::postgres("backfill::rows_from_before_items_get_their_item_ids_when_migrated").await);
    for (repo, _guard, url) in fresh {
        let films = [
            file("Grey Orchard (2008)/Grey Orchard (2008) - 1080p.mkv"),
            file("Grey Orchard (2008)/Grey Orchard (2008) - 720p.mkv"),
            file("Grey Orchard (2008)/Sample/grey-orchard-sample.mkv"),
            file("Grey Orchard (2008)/Trailers/Teaser.mkv"),
        ];
        repo.apply(WriteBatch::upserts(films.to_vec())).await.unwrap();
        let item = filed_under(&films[0].parsed).unwrap();

        // The catalog as the previous version left it: no item_id column, samples of kind
        // `sample`, parse results without the new fields.
        let old_sample = r#"{"kind":"sample","title":"grey orchard","year":2008}"#;
        for sql in [
            format!("UPDATE media SET kind = 'sample', parsed = '{old_sample}' WHERE path LIKE '%sample.mkv'"),
            r#"UPDATE media SET parsed = '{"kind":"movie","title":"Grey Orchard","year":2008}' WHERE path LIKE '%p.mkv'"#.to_owned(),
            "DROP INDEX idx_media_item_id".to_owned(),
            "ALTER TABLE media DROP COLUMN item_id".to_owned(),
            "DELETE FROM seaql_migrations WHERE version LIKE 'm0010%'".to_owned(),
        ] {
            testkit::sql::execute(&url, &sql).await;
        }
        repo.migrate().await.unwrap();

        let ids = repo
            .item_ids(ItemQuery { filter: MediaFilter::default(), after: None, offset: None, limit: 10 })
            .await
            .unwrap();
        assert_eq!(ids, [item]);
        let rows = repo.item_files(ids).await.unwrap();
        assert_eq!(rows.len(), 4, "both versions, the sample and the trailer");
        let sample = rows.iter().find(|r| r.path.ends_with("grey-orchard-sample.mkv")).unwrap();
        assert_eq!(
            (sample.parsed.kind, sample.parsed.extra_type),
            (MediaKind::Extra, Some(ExtraType::Sample))
        );
        assert_eq!(sample.parsed.extra_of, Some(item));
        let items = scanner_core::items::group(&rows);
        let labels: Vec<Option<&str>> = items[0].versions.iter().map(|v| v.label.as_deref()).collect();
        assert_eq!(labels, [Some("1080p"), Some("720p")]);
        repo.close().await.unwrap();
    }
}

/// `m0012_override_ids` and `m0013_extra_owner` keep overrides set before them readable, and
/// file their rows under the items their values in force name (m0010 filed them by name alone).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_overridden_before_provider_ids_are_refiled_when_migrated() {
    use chrono::Utc;
    use scanner_core::overrides::{OverrideEdit, Overrides};
    use scanner_core::ports::MediaEdits;

    let test = "backfill::rows_overridden_before_provider_ids_are_refiled_when_migrated";
    let mut fresh = vec![crate::sqlite().await];
    fresh.extend(crate::postgres(test).await);
    for (repo, _guard, url) in fresh {
        let film = file("Old Name (2001)/Old Name (2001).mkv");
        repo.apply(WriteBatch::upserts(vec![film.clone()])).await.unwrap();
        let set = Overrides { title: Some("New Name".into()), ..Overrides::default() };
        let edit = OverrideEdit { set, ..OverrideEdit::default() };
        let edited = repo.edit(film.id, edit, "cli".into(), Utc::now()).await.unwrap().unwrap();
        let (named, renamed) = (filed_under(&film.parsed).unwrap(), filed_under(&edited.parsed).unwrap());
        assert_ne!(named, renamed);

        // The catalog as the previous version left it: no id columns, the row filed by name.
        for sql in [
            format!("UPDATE media SET item_id = '{named}'"),
            "ALTER TABLE media_overrides DROP COLUMN tmdb".to_owned(),
            "ALTER TABLE media_overrides DROP COLUMN imdb".to_owned(),
            "ALTER TABLE media_overrides DROP COLUMN tvdb".to_owned(),
            "ALTER TABLE media_overrides DROP COLUMN extra_of".to_owned(),
            "DELETE FROM seaql_migrations WHERE version LIKE 'm0012%' OR version LIKE 'm0013%'".to_owned(),
        ] {
            testkit::sql::execute(&url, &sql).await;
        }
        repo.migrate().await.unwrap();

        let ids = repo.item_ids(ItemQuery { limit: 10, ..ItemQuery::default() }).await.unwrap();
        assert_eq!(ids, [renamed]);
        let read = MediaQueries::get(&repo, film.id).await.unwrap().unwrap();
        assert_eq!(
            (read.overrides.title.as_deref(), read.overrides.tmdb.as_deref()),
            (Some("New Name"), None)
        );
        repo.close().await.unwrap();
    }
}
