//! What started each scan and what it covered: `scans.trigger` (`manual`, `watch`, `hook`,
//! `schedule`; older rows are `manual`), `scans.scope` (the folder a subtree scan covered,
//! encoded like `root`; null for the whole library) and `scans.deferred_files` (files left for
//! a later scan because they were still being written).

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Scans {
    Table,
    Trigger,
    Scope,
    DeferredFiles,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds columns one at a time.
        let columns = [
            string(Scans::Trigger).default("manual").to_owned(),
            text_null(Scans::Scope),
            big_integer(Scans::DeferredFiles).default(0).to_owned(),
        ];
        for column in columns {
            manager.alter_table(Table::alter().table(Scans::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Scans::Trigger, Scans::Scope, Scans::DeferredFiles] {
            manager.alter_table(Table::alter().table(Scans::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
