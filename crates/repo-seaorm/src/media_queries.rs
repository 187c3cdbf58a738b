//! `MediaQueries` over SeaORM: the catalog as the application reads it.

use std::path::PathBuf;

use async_trait::async_trait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};

use scanner_core::items::ItemId;
use scanner_core::ports::{
    ItemQuery, MAX_ITEM_IDS, MediaFilter, MediaQueries, MediaQuery, RepoError, ShowSummary, check_offset,
    check_text,
};
use scanner_core::report::LibraryReport;
use scanner_core::{MediaId, MediaKind, MediaRecord, MediaStatus};

use crate::edits::{effective, merge};
use crate::entity::{media, media_override, media_playback};
use crate::media_repo::under;
use crate::search::{self, Plan};
use crate::{SeaOrmMediaRepository, convert, db_error, paths};

pub(crate) fn condition(filter: &MediaFilter, plan: Plan) -> Condition {
    let backend = plan.backend;
    let mut all = Condition::all();
    if let Some(library) = &filter.library {
        all = all.add(media::Column::Library.eq(library.clone()));
    }
    if let Some(show) = &filter.show {
        all = all.add(effective(backend, media::Column::Show, media_override::Column::Show, show.clone()));
    }
    if let Some(season) = filter.season {
        // In range: `MediaFilter::check` refuses larger seasons before any query is built.
        let season = i32::try_from(season).unwrap_or(i32::MAX);
        all = all.add(effective(backend, media::Column::Season, media_override::Column::Season, season));
    }
    if let Some(kind) = filter.kind {
        all = all.add(effective(backend, media::Column::Kind, media_override::Column::Kind, kind.as_str()));
    }
    if let Some(compatible) = filter.compatible {
        all = all.add(media::Column::Compatible.eq(compatible));
    }
    if let Some(status) = filter.status {
        all = all.add(media::Column::Status.eq(status.as_str()));
    }
    if !filter.under.is_empty() {
        let any = filter.under.iter().fold(Condition::any(), |any, p| any.add(under(media::Column::Path, p)));
        all = all.add(any);
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        all = all.add(search::search(plan, search.trim()));
    }
    if let Some(decision) = &filter.decision {
        let decisions: Vec<&str> = decision.decision.decisions().into_iter().map(|d| d.as_str()).collect();
        let playback = Query::select()
            .expr(Expr::value(1))
            .from(media_playback::Entity)
            .and_where(
                Expr::col((media_playback::Entity, media_playback::Column::MediaId))
                    .equals((media::Entity, media::Column::Id)),
            )
            .and_where(
                Expr::col((media_playback::Entity, media_playback::Column::Profile)).eq(&decision.profile),
            )
            .and_where(Expr::col((media_playback::Entity, media_playback::Column::Decision)).is_in(decisions))
            .to_owned();
        all = all.add(Expr::exists(playback));
    }
    if let Some(hdr) = filter.hdr {
        all = all.add(media::Column::Hdr.eq(hdr.as_str()));
    }
    if let Some(codec) = &filter.video_codec {
        all = all.add(media::Column::VideoCodec.eq(codec.clone()));
    }
    if let Some(resolution) = filter.resolution {
        all = all.add(match resolution.class() {
            Some(class) => media::Column::Resolution.eq(class),
            None => media::Column::Resolution.is_null(),
        });
    }
    all
}

/// The present film and episode files matching `filter` that are filed under an item (kinds
/// as in force: a file the user made a film counts as one).
fn item_rows(filter: &MediaFilter, plan: Plan) -> sea_orm::Select<media::Entity> {
    let kind =
        |k: MediaKind| effective(plan.backend, media::Column::Kind, media_override::Column::Kind, k.as_str());
    media::Entity::find()
        .filter(condition(filter, plan))
        .filter(media::Column::ItemId.is_not_null())
        .filter(Condition::any().add(kind(MediaKind::Movie)).add(kind(MediaKind::Episode)))
        .filter(media::Column::Status.ne(MediaStatus::Missing.as_str()))
}

#[derive(Debug, FromQueryResult)]
struct ItemIdRow {
    item_id: String,
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct ShowRow {
    show: Option<String>,
    year: Option<i32>,
    seasons: i64,
    episodes: i64,
}

impl SeaOrmMediaRepository {
    async fn merged(&self, model: Option<media::Model>) -> Result<Option<MediaRecord>, RepoError> {
        let Some(model) = model else { return Ok(None) };
        let mut records = [convert::from_model(model)?];
        merge(&self.db, &mut records).await?;
        let [record] = records;
        Ok(Some(record))
    }
}

#[async_trait]
impl MediaQueries for SeaOrmMediaRepository {
    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError> {
        let model = media::Entity::find_by_id(id.0).one(&self.db).await.map_err(db_error)?;
        self.merged(model).await
    }

    async fn get_by_path(&self, path: PathBuf) -> Result<Option<MediaRecord>, RepoError> {
        check_text("path", &path.to_string_lossy())?;
        let model = media::Entity::find()
            .filter(media::Column::Path.eq(paths::encode(&path)))
            .one(&self.db)
            .await
            .map_err(db_error)?;
        self.merged(model).await
    }

    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError> {
        query.filter.check()?;
        let offset = query.offset.map(check_offset).transpose()?;
        let mut select = media::Entity::find()
            .filter(condition(&query.filter, Plan::of(&self.db, &query.filter).await?))
            .order_by_asc(media::Column::Path);
        if let Some(after) = &query.after_path {
            check_text("cursor", &after.to_string_lossy())?;
            select = select.filter(media::Column::Path.gt(paths::encode(after)));
        }
        // Both are bound as signed 64-bit integers; SQLite takes an OFFSET only after a LIMIT.
        let limit = query.limit.map(|l| Ord::min(l, i64::MAX as u64));
        if let Some(offset) = offset {
            select = select.offset(offset).limit(limit.unwrap_or(i64::MAX as u64));
        } else if let Some(limit) = limit {
            select = select.limit(limit);
        }
        let models = select.all(&self.db).await.map_err(db_error)?;
        let mut records = models.into_iter().map(convert::from_model).collect::<Result<Vec<_>, _>>()?;
        merge(&self.db, &mut records).await?;
        Ok(records)
    }

    async fn count(&self, filter: MediaFilter) -> Result<u64, RepoError> {
        filter.check()?;
        media::Entity::find()
            .filter(condition(&filter, Plan::of(&self.db, &filter).await?))
            .count(&self.db)
            .await
            .map_err(db_error)
    }

    async fn count_up_to(&self, filter: MediaFilter, limit: u64) -> Result<u64, RepoError> {
        filter.check()?;
        let plan = Plan::of(&self.db, &filter).await?;
        let matches = media::Entity::find()
            .select_only()
            .expr(Expr::value(1))
            .filter(condition(&filter, plan))
            .limit(Ord::min(limit, i64::MAX as u64))
            .into_query();
        search::rows_of(&self.db, matches).await
    }

    async fn shows(&self, filter: MediaFilter) -> Result<Vec<ShowSummary>, RepoError> {
        filter.check()?;
        // The values in force: the user's overrides over what names say.
        let show = Expr::cust("COALESCE(media_overrides.show, media.show)");
        let year = Expr::cust("COALESCE(media_overrides.year, media.year)");
        let rows = media::Entity::find()
            .select_only()
            .join(JoinType::LeftJoin, media_override::Relation::Media.def().rev())
            .expr_as(show.clone(), "show")
            .expr_as(year.clone(), "year")
            .expr_as(Expr::cust("COUNT(DISTINCT COALESCE(media_overrides.season, media.season))"), "seasons")
            .expr_as(Expr::cust("COUNT(*)"), "episodes")
            .filter(condition(&filter, Plan::of(&self.db, &filter).await?))
            .filter(Expr::cust("COALESCE(media_overrides.kind, media.kind)").eq(MediaKind::Episode.as_str()))
            .filter(show.clone().is_not_null())
            .group_by(show)
            .group_by(year)
            .into_model::<ShowRow>()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut shows: Vec<ShowSummary> = rows
            .into_iter()
            .filter_map(|row| {
                Some(ShowSummary {
                    show: row.show?,
                    year: row.year.and_then(|y| u16::try_from(y).ok()),
                    seasons: u64::try_from(row.seasons).unwrap_or_default(),
                    episodes: u64::try_from(row.episodes).unwrap_or_default(),
                })
            })
            .collect();
        // Sorted here, not in SQL, so that both backends agree (byte order, then year).
        shows.sort_by(|a, b| (a.show.as_str(), a.year).cmp(&(b.show.as_str(), b.year)));
        Ok(shows)
    }

    async fn report(&self, filter: MediaFilter) -> Result<LibraryReport, RepoError> {
        filter.check()?;
        crate::report::report(&self.db, &filter).await
    }

    async fn item_ids(&self, query: ItemQuery) -> Result<Vec<ItemId>, RepoError> {
        query.filter.check()?;
        let offset = query.offset.map(check_offset).transpose()?;
        let mut select = item_rows(&query.filter, Plan::of(&self.db, &query.filter).await?)
            .select_only()
            .column(media::Column::ItemId)
            .distinct()
            .order_by_asc(media::Column::ItemId)
            .limit(Ord::min(query.limit, i64::MAX as u64));
        if let Some(after) = query.after {
            select = select.filter(media::Column::ItemId.gt(after.to_string()));
        }
        if let Some(offset) = offset {
            select = select.offset(offset);
        }
        let rows = select.into_model::<ItemIdRow>().all(&self.db).await.map_err(db_error)?;
        rows.into_iter()
            .map(|row| {
                row.item_id.parse().map_err(|_| RepoError::corrupt(format!("item id {:?}", row.item_id)))
            })
            .collect()
    }

    async fn count_items(&self, filter: MediaFilter) -> Result<u64, RepoError> {
        filter.check()?;
        let row = item_rows(&filter, Plan::of(&self.db, &filter).await?)
            .select_only()
            .expr_as(Expr::cust("COUNT(DISTINCT item_id)"), "n")
            .into_model::<CountRow>()
            .one(&self.db)
            .await
            .map_err(db_error)?;
        Ok(row.map_or(0, |r| u64::try_from(r.n).unwrap_or_default()))
    }

    async fn item_files(&self, ids: Vec<ItemId>) -> Result<Vec<MediaRecord>, RepoError> {
        if ids.len() > MAX_ITEM_IDS {
            return Err(RepoError::InvalidInput(format!("more than {MAX_ITEM_IDS} item ids")));
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let models = media::Entity::find()
            .filter(media::Column::ItemId.is_in(ids.iter().map(ToString::to_string)))
            .filter(media::Column::Status.ne(MediaStatus::Missing.as_str()))
            .order_by_asc(media::Column::Path)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut records = models.into_iter().map(convert::from_model).collect::<Result<Vec<_>, _>>()?;
        merge(&self.db, &mut records).await?;
        Ok(records)
    }

    async fn ping(&self) -> Result<(), RepoError> {
        self.db.ping().await.map_err(db_error)
    }
}
