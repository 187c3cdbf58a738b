//! What each library's watcher last said about itself (`watch_health`), so that every node and
//! the CLI see the health of a watcher that runs elsewhere. A row counts only while its
//! watcher holds the library's watch lease (`scan_leases`, key `watch:<library>`).

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WatchHealth {
    Table,
    Library,
    WatcherId,
    Node,
    Health,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WatchHealth::Table)
                    .if_not_exists()
                    .col(text(WatchHealth::Library).primary_key())
                    .col(uuid(WatchHealth::WatcherId))
                    .col(text(WatchHealth::Node))
                    .col(text(WatchHealth::Health))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WatchHealth::Table).to_owned()).await
    }
}
