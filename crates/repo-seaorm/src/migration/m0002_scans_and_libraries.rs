//! Persistent scans, the leases that keep one scan per library across nodes, and the media
//! columns the HTTP API filters on (`library`, `search_text`).

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::path_column;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Library,
    SearchText,
    Show,
    Title,
}

#[derive(DeriveIden)]
enum Scans {
    Table,
    Id,
    Library,
    LeaseKey,
    Root,
    Status,
    TotalFiles,
    WalkComplete,
    Processed,
    Succeeded,
    Failed,
    CurrentFile,
    StartedAt,
    EndedAt,
    Error,
    Errors,
    ErrorsTotal,
    Node,
    HolderHost,
    HolderPid,
    HolderInstance,
    CancelRequested,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScanLeases {
    Table,
    LeaseKey,
    ScanId,
    HolderHost,
    HolderPid,
    HolderInstance,
    ExpiresAtMs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [text_null(Media::Library), text_null(Media::SearchText)] {
            manager.alter_table(Table::alter().table(Media::Table).add_column(column).to_owned()).await?;
        }
        // Rows catalogued before this migration: searchable at once (a rescan refines the
        // lower-casing to Unicode rules).
        let backfill = Query::update()
            .table(Media::Table)
            .value(Media::SearchText, Expr::cust("LOWER(COALESCE(show, '') || ' ' || COALESCE(title, ''))"))
            .and_where(Expr::col(Media::SearchText).is_null())
            .and_where(Expr::col(Media::Show).is_not_null().or(Expr::col(Media::Title).is_not_null()))
            .to_owned();
        manager.exec_stmt(backfill).await?;
        manager
            .create_index(
                Index::create().name("idx_media_library").table(Media::Table).col(Media::Library).to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Scans::Table)
                    .if_not_exists()
                    .col(pk_uuid(Scans::Id))
                    .col(text_null(Scans::Library))
                    .col(text(Scans::LeaseKey))
                    .col(path_column(manager, Scans::Root))
                    .col(string(Scans::Status))
                    .col(big_integer(Scans::TotalFiles))
                    .col(boolean(Scans::WalkComplete))
                    .col(big_integer(Scans::Processed))
                    .col(big_integer(Scans::Succeeded))
                    .col(big_integer(Scans::Failed))
                    .col(text_null(Scans::CurrentFile))
                    .col(timestamp_with_time_zone(Scans::StartedAt))
                    .col(timestamp_with_time_zone_null(Scans::EndedAt))
                    .col(text_null(Scans::Error))
                    .col(text(Scans::Errors))
                    .col(big_integer(Scans::ErrorsTotal))
                    .col(text_null(Scans::Node))
                    .col(text(Scans::HolderHost))
                    .col(big_integer(Scans::HolderPid))
                    .col(uuid(Scans::HolderInstance))
                    .col(boolean(Scans::CancelRequested).default(false))
                    .col(timestamp_with_time_zone(Scans::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_scans_started_at", Scans::StartedAt),
            ("idx_scans_status", Scans::Status),
            ("idx_scans_library", Scans::Library),
        ] {
            manager
                .create_index(Index::create().name(name).table(Scans::Table).col(column).to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ScanLeases::Table)
                    .if_not_exists()
                    .col(text(ScanLeases::LeaseKey).primary_key())
                    .col(uuid(ScanLeases::ScanId))
                    .col(text(ScanLeases::HolderHost))
                    .col(big_integer(ScanLeases::HolderPid))
                    .col(uuid(ScanLeases::HolderInstance))
                    .col(big_integer(ScanLeases::ExpiresAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ScanLeases::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Scans::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_media_library").table(Media::Table).to_owned()).await?;
        for column in [Media::SearchText, Media::Library] {
            manager.alter_table(Table::alter().table(Media::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
