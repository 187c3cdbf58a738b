//! Items (issue 15): `media.item_id`, the item a file is filed under (its own film or episode,
//! or the one an extra belongs to), derived from the parse result by
//! `scanner_core::items::filed_under`; null for files that belong to no item. Indexed: the
//! items listing pages over its distinct values.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_media_item_id").table(Media::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Media::Table).drop_column(Media::ItemId).to_owned()).await
    }
}
