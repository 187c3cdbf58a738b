//! Keeps `media.item_id` the item a file's values in force name: what its name says with the
//! user's overrides over it. Scans write the column from the name alone (they never read
//! overrides), so every write that may change a row's name, or its overrides, refiles the
//! overridden rows among those it wrote, in the same transaction.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use scanner_core::ParsedName;
use scanner_core::overrides::Overrides;
use scanner_core::ports::RepoError;

use crate::edits::{overridden, overrides_of};
use crate::entity::{media, media_override};
use crate::{convert, db_error};

/// The `item_id` of a file named `parsed` with `overrides` set.
pub(crate) fn item_id(parsed: &ParsedName, overrides: &Overrides) -> Option<String> {
    convert::item_id(&overrides.apply(parsed))
}

/// Whether any file has overrides: most catalogs have none, and their scans skip the rest.
async fn any_overrides(db: &impl ConnectionTrait) -> Result<bool, RepoError> {
    let one = media_override::Entity::find()
        .select_only()
        .column(media_override::Column::MediaId)
        .limit(1)
        .into_tuple::<Uuid>()
        .one(db)
        .await
        .map_err(db_error)?;
    Ok(one.is_some())
}

/// Refiles the overridden rows among those `rows` selects (at most a few hundred: an `IN`
/// list of one write statement, or every row in a migration).
pub(crate) async fn refile(db: &impl ConnectionTrait, rows: Condition) -> Result<(), RepoError> {
    if !any_overrides(db).await? {
        return Ok(());
    }
    let found = media::Entity::find()
        .select_only()
        .columns([media::Column::Id, media::Column::Parsed, media::Column::ItemId])
        .filter(rows)
        .filter(overridden(
            Expr::col((media_override::Entity, media_override::Column::MediaId)).is_not_null(),
        ))
        .into_tuple::<(Uuid, String, Option<String>)>()
        .all(db)
        .await
        .map_err(db_error)?;
    if found.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = found.iter().map(|(id, _, _)| *id).collect();
    let overrides = overrides_of(db, &ids).await?;
    for (id, parsed, stored) in found {
        let parsed: ParsedName =
            serde_json::from_str(&parsed).map_err(|_| RepoError::corrupt("media: bad parsed"))?;
        let filed = item_id(&parsed, overrides.get(&id).unwrap_or(&Overrides::default()));
        if filed != stored {
            set_item(db, id, filed).await?;
        }
    }
    Ok(())
}

/// Files row `id` under `item`.
pub(crate) async fn set_item(
    db: &impl ConnectionTrait,
    id: Uuid,
    item: Option<String>,
) -> Result<(), RepoError> {
    media::Entity::update_many()
        .col_expr(media::Column::ItemId, Expr::value(item))
        .filter(media::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}
