//! The owner of an extra as an override (issue 15): `media_overrides.extra_of`, the item id an
//! extra belongs to when its film was given another id by an edit (null: the name's owner), and
//! `item_moves`, where item edits moved items, so that extras written later follow too.
//!
//! Overridden rows are refiled here, with the entity of today: `media.item_id` files a row by its
//! values in force (overrides over the name), and m0010 filled it from names alone.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm::Condition;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum MediaOverrides {
    Table,
    ExtraOf,
}

#[derive(DeriveIden)]
enum ItemMoves {
    Table,
    FromItem,
    ToItem,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MediaOverrides::Table)
                    .add_column(text_null(MediaOverrides::ExtraOf))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ItemMoves::Table)
                    .if_not_exists()
                    .col(text(ItemMoves::FromItem).primary_key())
                    .col(text(ItemMoves::ToItem))
                    .to_owned(),
            )
            .await?;
        // The overrides read with today's entity: a later migration that adds a column to
        // `media_overrides` must move this refile after it, or read them by hand here.
        crate::refile::refile(manager.get_connection(), Condition::all())
            .await
            .map_err(|e| DbErr::Custom(format!("refiling overridden rows: {e}")))
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ItemMoves::Table).to_owned()).await?;
        manager
            .alter_table(
                Table::alter().table(MediaOverrides::Table).drop_column(MediaOverrides::ExtraOf).to_owned(),
            )
            .await?;
        Ok(())
    }
}
