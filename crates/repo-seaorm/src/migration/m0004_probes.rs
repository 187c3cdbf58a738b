//! Which probe answered for each file (`media.probe`: `native` or `ffprobe`), and how many
//! files each probe answered in a scan (`scans.probes`, a JSON object).

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Probe,
}

#[derive(DeriveIden)]
enum Scans {
    Table,
    Probes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Media::Table).add_column(string_null(Media::Probe)).to_owned())
            .await?;
        let probes = text(Scans::Probes).default("{}").to_owned();
        manager.alter_table(Table::alter().table(Scans::Table).add_column(probes).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Media::Table).drop_column(Media::Probe).to_owned()).await?;
        manager.alter_table(Table::alter().table(Scans::Table).drop_column(Scans::Probes).to_owned()).await
    }
}
