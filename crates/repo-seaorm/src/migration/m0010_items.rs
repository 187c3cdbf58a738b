//! Items (issue 15): `media.item_id`, the item a file is filed under (its own film or episode,
//! or the one an extra belongs to), derived from the parse result by
//! `scanner_core::items::filed_under`; null for files that belong to no item. Indexed: the
//! items listing pages over its distinct values.
//!
//! Rows already catalogued get theirs here: an unchanged file is never parsed again by a
//! rescan, so without this an upgraded catalog would list no items (see [`backfill`]).

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use sea_orm_migration::prelude::*;

use scanner_core::items::filed_under;
use scanner_core::{MediaKind, ParsedName};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    ItemId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Text in byte order on every backend (hyphenated lower-case UUIDs sort as their bytes),
        // so pages of items come in the same order from SQLite and PostgreSQL.
        let mut column = ColumnDef::new(Media::ItemId);
        column.text().null();
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            column.extra("COLLATE \"C\"");
        }
        manager.alter_table(Table::alter().table(Media::Table).add_column(column).to_owned()).await?;
        manager
            .create_index(
                Index::create().name("idx_media_item_id").table(Media::Table).col(Media::ItemId).to_owned(),
            )
            .await?;
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_media_item_id").table(Media::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Media::Table).drop_column(Media::ItemId).to_owned()).await
    }
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    path: String,
    parsed: String,
}

/// Rows read and updated at a time.
const BATCH: u64 = 1000;

/// What the parser of this version adds to a stored parse result: the stored one keeps what it
/// said (it was made relative to the library root, which the catalog does not know), and takes
/// the extras fields, the label and the provider ids from parsing the stored path again. A
/// `sample` becomes an extra of type `sample`, as the parser now says.
fn upgraded(stored: &ParsedName, path: &str) -> ParsedName {
    let relative = scanner_core::path_key::decode(path);
    let relative = relative.strip_prefix("/").unwrap_or(&relative);
    let fresh = scanner_core::parse_path(relative);
    let mut out = stored.clone();
    out.ids = fresh.ids;
    if matches!(stored.kind, MediaKind::Extra | MediaKind::Sample) && fresh.kind == MediaKind::Extra {
        out.kind = MediaKind::Extra;
        out.extra_type = fresh.extra_type;
        out.extra_of = fresh.extra_of;
        out.extra_show = fresh.extra_show;
    } else if matches!(stored.kind, MediaKind::Movie | MediaKind::Episode) {
        out.label = fresh.label;
    }
    out
}

/// Fills `item_id` (and the new parse fields) of every catalogued row, in id order, a batch at
/// a time. A row whose stored parse result cannot be read is left as it is (its next scan with
/// a change writes it whole).
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let placeholder =
        |n: usize| if backend == sea_orm::DbBackend::Postgres { format!("${n}") } else { "?".into() };
    let mut after = uuid::Uuid::nil();
    loop {
        let select = Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT id, path, parsed FROM media WHERE id > {} ORDER BY id LIMIT {BATCH}",
                placeholder(1)
            ),
            [after.into()],
        );
        let rows = Row::find_by_statement(select).all(db).await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.id;
        for row in &rows {
            let Ok(stored) = serde_json::from_str::<ParsedName>(&row.parsed) else { continue };
            let parsed = upgraded(&stored, &row.path);
            let Ok(json) = serde_json::to_string(&parsed) else { continue };
            let item = filed_under(&parsed).map(|id| id.to_string());
            let update = Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE media SET item_id = {}, parsed = {}, kind = {} WHERE id = {}",
                    placeholder(1),
                    placeholder(2),
                    placeholder(3),
                    placeholder(4)
                ),
                [item.into(), json.into(), parsed.kind.as_str().into(), row.id.into()],
            );
            db.execute_raw(update).await?;
        }
        if (rows.len() as u64) < BATCH {
            return Ok(());
        }
    }
}
