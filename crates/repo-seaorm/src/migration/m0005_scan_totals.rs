//! What a scan's progress says about totals: the files a first scan's counting walk found
//! (`scans.expected_files`, null while unknown) and how many warnings there were in all
//! (`scans.warnings_total`; `warnings` keeps only the first ones).

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Scans {
    Table,
    ExpectedFiles,
    WarningsTotal,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds columns one at a time.
        let expected = big_integer_null(Scans::ExpectedFiles);
        manager.alter_table(Table::alter().table(Scans::Table).add_column(expected).to_owned()).await?;
        let total = big_integer(Scans::WarningsTotal).default(0).to_owned();
        manager.alter_table(Table::alter().table(Scans::Table).add_column(total).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Scans::ExpectedFiles, Scans::WarningsTotal] {
            manager.alter_table(Table::alter().table(Scans::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
