//! `item_moves`: where item edits moved items, and the extras written later that follow them
//! (`scanner_core::items::{record_move, follows_move}`, which the in-memory catalog applies
//! alike).

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use scanner_core::items::{
    ItemId, ItemMoves, SCAN_ACTOR, edits_file, extra_follows, follows_move, is_extra_of,
};
use scanner_core::ports::{RepoError, WriteBatch};
use scanner_core::{MediaKind, MediaStatus, ParsedName};

use crate::edits::{edit_file, overrides_of};
use crate::entity::{item_move, media};
use crate::media_repo::ROWS_PER_STATEMENT;
use crate::{convert, db_error, paths};

/// Records, in the edit's transaction, that item `from` moved to `to` (see `record_move`).
pub(crate) async fn record(txn: &DatabaseTransaction, from: ItemId, to: ItemId) -> Result<(), RepoError> {
    let (from, to) = (from.to_string(), to.to_string());
    item_move::Entity::update_many()
        .col_expr(item_move::Column::ToItem, Expr::value(to.clone()))
        .filter(item_move::Column::ToItem.eq(from.clone()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    let row = item_move::ActiveModel { from_item: Set(from), to_item: Set(to) };
    item_move::Entity::insert(row)
        .on_conflict(
            OnConflict::column(item_move::Column::FromItem)
                .update_column(item_move::Column::ToItem)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await
        .map_err(db_error)?;
    item_move::Entity::delete_many()
        .filter(Expr::col(item_move::Column::FromItem).eq(Expr::col(item_move::Column::ToItem)))
        .exec(txn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// After an edit filed files of item `item` under `owner`: when no present film or episode file
/// is left under `item`, the move is recorded and its present extras follow (`extra_follows`),
/// each audited as `actor`'s edit. Nothing when `item` is `owner`.
pub(crate) async fn follow_item(
    txn: &DatabaseTransaction,
    item: ItemId,
    owner: ItemId,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    if item == owner {
        return Ok(());
    }
    let models = media::Entity::find()
        .filter(media::Column::ItemId.eq(item.to_string()))
        .filter(media::Column::Status.ne(MediaStatus::Missing.as_str()))
        .order_by_asc(media::Column::Path)
        .lock_exclusive()
        .all(txn)
        .await
        .map_err(db_error)?;
    let found: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let overrides = overrides_of(txn, &found).await?;
    let mut extras = Vec::new();
    for model in models {
        let named = convert::from_model(model.clone())?.parsed;
        let before = overrides.get(&model.id).cloned().unwrap_or_default();
        if edits_file(item, &named, &before) {
            return Ok(());
        }
        if is_extra_of(item, &named, &before) {
            extras.push((model, named, before));
        }
    }
    record(txn, item, owner).await?;
    for (model, named, before) in extras {
        if let Some(follow) = extra_follows(&named, &before, owner) {
            edit_file(txn, model, &follow, actor, at).await?;
        }
    }
    Ok(())
}

async fn load(txn: &DatabaseTransaction) -> Result<ItemMoves, RepoError> {
    let rows = item_move::Entity::find().all(txn).await.map_err(db_error)?;
    let id =
        |text: &str| text.parse().map_err(|_| RepoError::corrupt(format!("item_moves: bad id {text:?}")));
    rows.iter().map(|row| Ok((id(&row.from_item)?, id(&row.to_item)?))).collect()
}

/// The extras among the rows written from their names (`batch`'s upserts and moves) whose owner
/// an item edit moved follow it, in the batch's transaction, each audited as the scan's.
pub(crate) async fn follow(txn: &DatabaseTransaction, batch: &WriteBatch) -> Result<(), RepoError> {
    let extra = |p: &ParsedName| p.kind == MediaKind::Extra;
    if !batch.upserts.iter().any(|r| extra(&r.parsed)) && !batch.moves.iter().any(|m| extra(&m.parsed)) {
        return Ok(());
    }
    let moves = load(txn).await?;
    if moves.is_empty() {
        return Ok(());
    }
    let at = scanner_core::media::now();
    let mut written: Vec<Condition> = Vec::new();
    for chunk in batch.upserts.chunks(ROWS_PER_STATEMENT) {
        written.push(
            Condition::all().add(media::Column::Path.is_in(chunk.iter().map(|r| paths::encode(&r.path)))),
        );
    }
    for chunk in batch.moves.chunks(ROWS_PER_STATEMENT) {
        written.push(Condition::all().add(media::Column::Id.is_in(chunk.iter().map(|m| m.id.0))));
    }
    for rows in written {
        let models = media::Entity::find()
            .filter(rows)
            .filter(media::Column::Kind.eq(MediaKind::Extra.as_str()))
            .all(txn)
            .await
            .map_err(db_error)?;
        let found: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let overrides = overrides_of(txn, &found).await?;
        for model in models {
            let named = convert::from_model(model.clone())?.parsed;
            let before = overrides.get(&model.id).cloned().unwrap_or_default();
            if let Some(edit) = follows_move(&named, &before, &moves) {
                edit_file(txn, model, &edit, SCAN_ACTOR, at).await?;
            }
        }
    }
    Ok(())
}
