//! `MediaRepository` over SeaORM.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, Iterable,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use scanner_core::ports::{MediaFilter, MediaQuery, MediaRepository, RepoError, ShowSummary};
use scanner_core::{MediaId, MediaKind, MediaRecord};

use crate::entity::media;
use crate::{convert, db_error, paths};

/// Rows per `INSERT`: keeps the statement under SQLite's 32 766 and PostgreSQL's 65 535
/// bind parameters with room to spare.
const ROWS_PER_STATEMENT: usize = 400;

/// The catalog of media files in a SeaORM database.
#[derive(Debug, Clone)]
pub struct SeaOrmMediaRepository {
    pub(crate) db: DatabaseConnection,
}

impl SeaOrmMediaRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Connects to `url` and migrates; see [`crate::connect`].
    pub async fn open(url: &str) -> Result<Self, RepoError> {
        Ok(Self::new(crate::connect(url).await?))
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}

/// Every column an upsert overwrites: all but the identity and the first sighting.
fn updated_columns() -> impl Iterator<Item = media::Column> {
    media::Column::iter().filter(|c| !matches!(c, media::Column::Id | media::Column::FirstSeenAt))
}

/// `path` itself, or anything below it: a range on the encoded path, which an index serves.
pub(crate) fn under(column: media::Column, path: &Path) -> Condition {
    let exact = paths::encode(path);
    let dir = exact.trim_end_matches('/');
    // '0' is the byte after '/', so [dir/, dir0) is exactly "below dir".
    Condition::any()
        .add(column.eq(exact.clone()))
        .add(Condition::all().add(column.gte(format!("{dir}/"))).add(column.lt(format!("{dir}0"))))
}

/// `text` as a LIKE pattern matching it anywhere, with `%`, `_` and `\` taken literally.
fn contains(text: &str) -> LikeExpr {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape('\\')
}

fn condition(filter: &MediaFilter) -> Condition {
    let mut all = Condition::all();
    if let Some(library) = &filter.library {
        all = all.add(media::Column::Library.eq(library.clone()));
    }
    if let Some(show) = &filter.show {
        all = all.add(media::Column::Show.eq(show.clone()));
    }
    if let Some(season) = filter.season {
        all = all.add(media::Column::Season.eq(season as i32));
    }
    if let Some(kind) = filter.kind {
        all = all.add(media::Column::Kind.eq(kind.as_str()));
    }
    if let Some(compatible) = filter.compatible {
        all = all.add(media::Column::Compatible.eq(compatible));
    }
    if let Some(status) = filter.status {
        all = all.add(media::Column::Status.eq(status.as_str()));
    }
    if let Some(prefix) = &filter.path_prefix {
        all = all.add(under(media::Column::Path, prefix));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        all = all.add(Expr::col(media::Column::SearchText).like(contains(search.trim())));
    }
    all
}

#[derive(Debug, FromQueryResult)]
struct ShowRow {
    show: Option<String>,
    year: Option<i32>,
    seasons: i64,
    episodes: i64,
}

#[async_trait]
impl MediaRepository for SeaOrmMediaRepository {
    async fn upsert(&self, records: Vec<MediaRecord>) -> Result<(), RepoError> {
        if records.is_empty() {
            return Ok(());
        }
        let models = records.iter().map(convert::to_active).collect::<Result<Vec<_>, _>>()?;
        let txn = self.db.begin().await.map_err(db_error)?;
        for chunk in models.chunks(ROWS_PER_STATEMENT) {
            media::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::column(media::Column::Path).update_columns(updated_columns()).to_owned(),
                )
                .exec_without_returning(&txn)
                .await
                .map_err(db_error)?;
        }
        txn.commit().await.map_err(db_error)
    }

    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError> {
        let model = media::Entity::find_by_id(id.0).one(&self.db).await.map_err(db_error)?;
        model.map(convert::from_model).transpose()
    }

    async fn get_by_path(&self, path: PathBuf) -> Result<Option<MediaRecord>, RepoError> {
        let model = media::Entity::find()
            .filter(media::Column::Path.eq(paths::encode(&path)))
            .one(&self.db)
            .await
            .map_err(db_error)?;
        model.map(convert::from_model).transpose()
    }

    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError> {
        let mut select =
            media::Entity::find().filter(condition(&query.filter)).order_by_asc(media::Column::Path);
        if let Some(after) = &query.after_path {
            select = select.filter(media::Column::Path.gt(paths::encode(after)));
        }
        if let Some(offset) = query.offset {
            select = select.offset(offset);
        }
        if let Some(limit) = query.limit {
            select = select.limit(limit);
        }
        let models = select.all(&self.db).await.map_err(db_error)?;
        models.into_iter().map(convert::from_model).collect()
    }

    async fn count(&self, filter: MediaFilter) -> Result<u64, RepoError> {
        media::Entity::find().filter(condition(&filter)).count(&self.db).await.map_err(db_error)
    }

    async fn shows(&self, filter: MediaFilter) -> Result<Vec<ShowSummary>, RepoError> {
        let rows = media::Entity::find()
            .select_only()
            .column(media::Column::Show)
            .column(media::Column::Year)
            .expr_as(Expr::cust("COUNT(DISTINCT season)"), "seasons")
            .expr_as(Expr::cust("COUNT(*)"), "episodes")
            .filter(condition(&filter))
            .filter(media::Column::Kind.eq(MediaKind::Episode.as_str()))
            .filter(media::Column::Show.is_not_null())
            .group_by(media::Column::Show)
            .group_by(media::Column::Year)
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
}
