//! An index on `media (decided_with, status)`: an unchanged rescan asks whether any decision is
//! stale (made with other profiles), and without it that question read every row under the
//! root (270 ms of a 100 000-file rescan on PostgreSQL). See `decisions::undecided`.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    DecidedWith,
    Status,
}

const NAME: &str = "idx_media_decided_with";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Media::Table)
                    .col(Media::DecidedWith)
                    .col(Media::Status)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(NAME).table(Media::Table).to_owned()).await
    }
}
