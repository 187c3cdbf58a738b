//! `MediaEdits` over SeaORM. Overrides live in `media_overrides`, apart from the rows scans
//! write, with their history in `media_override_history`; reads merge them into `parsed`
//! ([`merge`]) and filters see the merged values ([`effective`]); `media.item_id` files each
//! row by its values in force ([`crate::refile`]).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use scanner_core::items::{ItemId, check_edit, check_owner, edits_file, filed_items, filed_under};
use scanner_core::overrides::{Field, OverrideChange, OverrideEdit, Overrides};
use scanner_core::ports::{MediaEdits, RepoError, check_text};
use scanner_core::{MediaId, MediaKind, MediaRecord, MediaStatus};

use crate::convert::{json, micros};
use crate::entity::{media, media_override, media_override_history as history};
use crate::{SeaOrmMediaRepository, convert, db_error, refile};

/// Ids per `IN (…)` list: far below both backends' bound-parameter limits.
const CHUNK: usize = 500;

fn corrupt(what: &str) -> RepoError {
    RepoError::corrupt(format!("media_overrides: bad {what}"))
}

fn from_model(model: media_override::Model) -> Result<Overrides, RepoError> {
    let number = |n: Option<i32>, what| n.map(|n| u32::try_from(n).map_err(|_| corrupt(what))).transpose();
    Ok(Overrides {
        show: model.show,
        season: number(model.season, "season")?,
        episodes: model
            .episodes
            .map(|e| serde_json::from_str::<Vec<u32>>(&e).map_err(|_| corrupt("episodes")))
            .transpose()?,
        title: model.title,
        year: model.year.map(|y| u16::try_from(y).map_err(|_| corrupt("year"))).transpose()?,
        kind: model.kind.map(|k| MediaKind::parse(&k).ok_or_else(|| corrupt("kind"))).transpose()?,
        tmdb: model.tmdb,
        imdb: model.imdb,
        tvdb: model.tvdb,
        extra_of: model.extra_of.map(|id| id.parse().map_err(|_| corrupt("extra_of"))).transpose()?,
    })
}

fn to_model(id: Uuid, overrides: &Overrides) -> Result<media_override::ActiveModel, RepoError> {
    let search: Vec<&str> =
        [overrides.show.as_deref(), overrides.title.as_deref()].into_iter().flatten().collect();
    Ok(media_override::ActiveModel {
        media_id: Set(id),
        show: Set(overrides.show.clone()),
        // In range: `Overrides::check` refuses larger numbers.
        season: Set(overrides.season.map(|s| i32::try_from(s).unwrap_or(i32::MAX))),
        episodes: Set(overrides.episodes.as_ref().map(json).transpose()?),
        title: Set(overrides.title.clone()),
        year: Set(overrides.year.map(i32::from)),
        kind: Set(overrides.kind.map(|k| k.as_str().to_owned())),
        tmdb: Set(overrides.tmdb.clone()),
        imdb: Set(overrides.imdb.clone()),
        tvdb: Set(overrides.tvdb.clone()),
        extra_of: Set(overrides.extra_of.map(|id| id.to_string())),
        search_text: Set((!search.is_empty()).then(|| search.join(" ").to_lowercase())),
    })
}

/// The overrides of the files `ids`, by id (files without any are absent).
pub(crate) async fn overrides_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Overrides>, RepoError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let models = media_override::Entity::find()
            .filter(media_override::Column::MediaId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .map_err(db_error)?;
        for model in models {
            out.insert(model.media_id, from_model(model)?);
        }
    }
    Ok(out)
}

/// Puts each record's overrides over what its path said.
pub(crate) async fn merge(db: &impl ConnectionTrait, records: &mut [MediaRecord]) -> Result<(), RepoError> {
    let ids: Vec<Uuid> = records.iter().map(|r| r.id.0).collect();
    let mut overrides = overrides_of(db, &ids).await?;
    for record in records {
        if let Some(overrides) = overrides.remove(&record.id.0) {
            record.parsed = overrides.apply(&record.parsed);
            record.overrides = overrides;
        }
    }
    Ok(())
}

/// A file's overrides row, if it has one, as a subquery's condition.
pub(crate) fn overridden(extra: SimpleExpr) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::value(1))
            .from(media_override::Entity)
            .and_where(
                Expr::col((media_override::Entity, media_override::Column::MediaId))
                    .equals((media::Entity, media::Column::Id)),
            )
            .and_where(extra)
            .to_owned(),
    )
}

/// `media.id` among the ids `ids` selects, in the form each backend reads through an index
/// when it stands in an OR: SQLite's `IN (…)`; PostgreSQL's `= ANY(ARRAY(…))`, an array it
/// computes once, which a bitmap scan of the primary key can OR with another index's (its
/// `IN (…)` under an OR is a filter checked on every row).
pub(crate) fn id_among(backend: DbBackend, ids: SelectStatement) -> SimpleExpr {
    let id = Expr::col((media::Entity, media::Column::Id));
    match backend {
        DbBackend::Postgres => Expr::cust_with_exprs(
            "$1 = ANY(ARRAY $2)",
            [id, SimpleExpr::SubQuery(None, Box::new(ids.into()))],
        ),
        _ => id.in_subquery(ids),
    }
}

/// The ids of the files whose overrides row meets `condition`.
fn overrides_where(condition: SimpleExpr) -> SelectStatement {
    Query::select()
        .column((media_override::Entity, media_override::Column::MediaId))
        .from(media_override::Entity)
        .and_where(condition)
        .to_owned()
}

/// `column = value` on the value in force: the override where one is set, else the parser's.
/// Two halves that each read an index — the files whose name says `value` (less those whose
/// override sets the field), and those whose override sets `value` — rather than a COALESCE
/// over a join or a subquery per row, which read every file.
pub(crate) fn effective(
    backend: DbBackend,
    column: media::Column,
    overriding: media_override::Column,
    value: impl Into<sea_orm::Value> + Clone,
) -> Condition {
    let set = || Expr::col((media_override::Entity, overriding));
    let id = Expr::col((media::Entity, media::Column::Id));
    Condition::any()
        .add(
            Condition::all()
                .add(Expr::col((media::Entity, column)).eq(value.clone()))
                // The overrides' key is never null: NOT IN means what it says.
                .add(id.not_in_subquery(overrides_where(set().is_not_null()))),
        )
        .add(id_among(backend, overrides_where(set().eq(value))))
}

fn history_model(change: &OverrideChange) -> Result<history::ActiveModel, RepoError> {
    Ok(history::ActiveModel {
        media_id: Set(change.media_id.0),
        at: Set(change.at),
        actor: Set(change.actor.clone()),
        field: Set(change.field.as_str().to_owned()),
        old: Set(change.old.as_ref().map(json).transpose()?),
        new: Set(change.new.as_ref().map(json).transpose()?),
        ..Default::default()
    })
}

fn history_from_model(model: history::Model) -> Result<OverrideChange, RepoError> {
    let value = |text: Option<String>| {
        text.map(|t| {
            serde_json::from_str(&t).map_err(|_| RepoError::corrupt("media_override_history: bad value"))
        })
        .transpose()
    };
    Ok(OverrideChange {
        media_id: MediaId(model.media_id),
        at: model.at,
        actor: model.actor,
        field: Field::parse(&model.field)
            .ok_or_else(|| RepoError::corrupt(format!("media_override_history: field {:?}", model.field)))?,
        old: value(model.old)?,
        new: value(model.new)?,
    })
}

/// Takes the write lock first on SQLite, so that the transaction waits its busy timeout for it
/// instead of failing with SQLITE_BUSY_SNAPSHOT when a read must become a write after another
/// connection wrote. The statement changes nothing. (PostgreSQL takes the files' row locks
/// first: locking overrides rows first could deadlock.) Any transaction that writes `media`
/// needs it: preparing such a write reads the search index's tables (m0014's triggers).
pub(crate) async fn write_lock(txn: &DatabaseTransaction) -> Result<(), RepoError> {
    if txn.get_database_backend() == DbBackend::Sqlite {
        media_override::Entity::update_many()
            .col_expr(media_override::Column::MediaId, Expr::col(media_override::Column::MediaId))
            .filter(Expr::value(false))
            .exec(txn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// Applies `edit` to the overrides of the file `model` (locked by the caller), audits it and
/// refiles the file; the record as it now reads.
pub(crate) async fn edit_file(
    txn: &DatabaseTransaction,
    model: media::Model,
    edit: &OverrideEdit,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<MediaRecord, RepoError> {
    let id = MediaId(model.id);
    let stored_item = model.item_id.clone();
    let mut record = convert::from_model(model)?;
    let before = overrides_of(txn, &[id.0]).await?.remove(&id.0).unwrap_or_default();
    let after = before.edited(edit);
    check_owner(&record.parsed, &after, edit).map_err(RepoError::InvalidInput)?;
    let changes = before.changes(&after, id, actor, micros(at));
    if after.is_empty() {
        media_override::Entity::delete_by_id(id.0).exec(txn).await.map_err(db_error)?;
    } else {
        let columns = [
            media_override::Column::Show,
            media_override::Column::Season,
            media_override::Column::Episodes,
            media_override::Column::Title,
            media_override::Column::Year,
            media_override::Column::Kind,
            media_override::Column::Tmdb,
            media_override::Column::Imdb,
            media_override::Column::Tvdb,
            media_override::Column::ExtraOf,
            media_override::Column::SearchText,
        ];
        media_override::Entity::insert(to_model(id.0, &after)?)
            .on_conflict(
                OnConflict::column(media_override::Column::MediaId).update_columns(columns).to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .map_err(db_error)?;
    }
    if !changes.is_empty() {
        let rows = changes.iter().map(history_model).collect::<Result<Vec<_>, _>>()?;
        history::Entity::insert_many(rows).exec_without_returning(txn).await.map_err(db_error)?;
    }
    let filed = refile::item_id(&record.parsed, &after);
    if filed != stored_item {
        refile::set_item(txn, id.0, filed).await?;
    }
    record.parsed = after.apply(&record.parsed);
    record.overrides = after;
    Ok(record)
}

fn check(edit: &OverrideEdit, actor: &str) -> Result<(), RepoError> {
    edit.set.check().map_err(RepoError::InvalidInput)?;
    check_text("actor", actor)
}

#[async_trait]
impl MediaEdits for SeaOrmMediaRepository {
    async fn edit(
        &self,
        id: MediaId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<MediaRecord>, RepoError> {
        check(&edit, &actor)?;
        let txn = self.db.begin().await.map_err(db_error)?;
        write_lock(&txn).await?;
        // The row lock (PostgreSQL; SQLite has one writer) orders concurrent edits of one file.
        let Some(model) =
            media::Entity::find_by_id(id.0).lock_exclusive().one(&txn).await.map_err(db_error)?
        else {
            return Ok(None);
        };
        let filed: Option<ItemId> = model.item_id.as_deref().and_then(|id| id.parse().ok());
        let record = edit_file(&txn, model, &edit, &actor, at).await?;
        // The item's last film or episode file moved: its extras follow it.
        if let (Some(item), Some(owner)) = (filed, filed_under(&record.parsed))
            && matches!(record.parsed.kind, MediaKind::Movie | MediaKind::Episode)
        {
            crate::moves::follow_item(&txn, item, owner, &actor, at).await?;
        }
        txn.commit().await.map_err(db_error)?;
        Ok(Some(record))
    }

    async fn edit_item(
        &self,
        item: ItemId,
        edit: OverrideEdit,
        actor: String,
        at: DateTime<Utc>,
    ) -> Result<Option<Vec<MediaRecord>>, RepoError> {
        check(&edit, &actor)?;
        let txn = self.db.begin().await.map_err(db_error)?;
        write_lock(&txn).await?;
        // The item's present files, locked in path order (concurrent item edits lock alike).
        let models = media::Entity::find()
            .filter(media::Column::ItemId.eq(item.to_string()))
            .filter(media::Column::Status.ne(MediaStatus::Missing.as_str()))
            .order_by_asc(media::Column::Path)
            .lock_exclusive()
            .all(&txn)
            .await
            .map_err(db_error)?;
        let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let overrides = overrides_of(&txn, &ids).await?;
        let mut edited = Vec::new();
        for model in models {
            let named = convert::from_model(model.clone())?.parsed;
            let before = overrides.get(&model.id).cloned().unwrap_or_default();
            if !edits_file(item, &named, &before) {
                continue;
            }
            // Refused after some files were edited: the transaction, dropped, undoes them.
            check_edit(&named, &before, &edit).map_err(RepoError::InvalidInput)?;
            edited.push(edit_file(&txn, model, &edit, &actor, at).await?);
        }
        if edited.is_empty() {
            return Ok(None);
        }
        if let Some(&owner) = filed_items(&edited).first() {
            crate::moves::follow_item(&txn, item, owner, &actor, at).await?;
        }
        txn.commit().await.map_err(db_error)?;
        Ok(Some(edited))
    }

    async fn history(&self, id: MediaId) -> Result<Option<Vec<OverrideChange>>, RepoError> {
        let exists = media::Entity::find_by_id(id.0)
            .select_only()
            .column(media::Column::Id)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await
            .map_err(db_error)?;
        if exists.is_none() {
            return Ok(None);
        }
        let models = history::Entity::find()
            .filter(history::Column::MediaId.eq(id.0))
            .order_by_asc(history::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        models.into_iter().map(history_from_model).collect::<Result<Vec<_>, _>>().map(Some)
    }
}
