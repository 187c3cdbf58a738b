//! Incremental rescans: the last-seen marker of every file is its directory's (`media_dirs`),
//! files a scan found absent are marked with that scan (`media.absent_scan`), missing files
//! say since when, fingerprints recognise moved files, and scans report more progress.

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
    Dir,
    MissingSince,
    Fingerprint,
    AbsentScan,
    SizeBytes,
    ModifiedNs,
}

#[derive(DeriveIden)]
enum MediaDirs {
    Table,
    Path,
    LastSeenScan,
    LastSeenAt,
    Signature,
    Files,
    Failed,
}

#[derive(DeriveIden)]
enum Scans {
    Table,
    Phase,
    NewFiles,
    ChangedFiles,
    UnchangedFiles,
    MovedFiles,
    MissingFiles,
    FilesPerSec,
    EtaSecs,
    Warnings,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null(Media::MissingSince),
            text_null(Media::Fingerprint),
            uuid_null(Media::AbsentScan),
        ] {
            manager.alter_table(Table::alter().table(Media::Table).add_column(column).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_media_size_modified")
                    .table(Media::Table)
                    .col(Media::SizeBytes)
                    .col(Media::ModifiedNs)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MediaDirs::Table)
                    .if_not_exists()
                    .col(path_column(manager, MediaDirs::Path).primary_key())
                    .col(uuid(MediaDirs::LastSeenScan))
                    .col(timestamp_with_time_zone(MediaDirs::LastSeenAt))
                    .col(big_integer_null(MediaDirs::Signature))
                    .col(big_integer(MediaDirs::Files).default(0))
                    .col(big_integer(MediaDirs::Failed).default(0))
                    .to_owned(),
            )
            .await?;
        // Folders of rows catalogued before this migration: known, never listed.
        let backfill = Query::insert()
            .into_table(MediaDirs::Table)
            .columns([MediaDirs::Path, MediaDirs::LastSeenScan, MediaDirs::LastSeenAt])
            .select_from(
                Query::select()
                    .distinct()
                    .column(Media::Dir)
                    .expr(Expr::val(uuid::Uuid::nil()))
                    .expr(Expr::current_timestamp())
                    .from(Media::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        manager.exec_stmt(backfill).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_absent_scan")
                    .table(Media::Table)
                    .col(Media::AbsentScan)
                    .to_owned(),
            )
            .await?;
        let columns = [
            string(Scans::Phase).default("walking").to_owned(),
            big_integer(Scans::NewFiles).default(0).to_owned(),
            big_integer(Scans::ChangedFiles).default(0).to_owned(),
            big_integer(Scans::UnchangedFiles).default(0).to_owned(),
            big_integer(Scans::MovedFiles).default(0).to_owned(),
            big_integer(Scans::MissingFiles).default(0).to_owned(),
            double(Scans::FilesPerSec).default(0.0).to_owned(),
            double_null(Scans::EtaSecs),
            text(Scans::Warnings).default("[]").to_owned(),
        ];
        for column in columns {
            manager.alter_table(Table::alter().table(Scans::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Scans::Phase,
            Scans::NewFiles,
            Scans::ChangedFiles,
            Scans::UnchangedFiles,
            Scans::MovedFiles,
            Scans::MissingFiles,
            Scans::FilesPerSec,
            Scans::EtaSecs,
            Scans::Warnings,
        ] {
            manager.alter_table(Table::alter().table(Scans::Table).drop_column(column).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(MediaDirs::Table).to_owned()).await?;
        manager
            .drop_index(Index::drop().name("idx_media_absent_scan").table(Media::Table).to_owned())
            .await?;
        manager
            .drop_index(Index::drop().name("idx_media_size_modified").table(Media::Table).to_owned())
            .await?;
        for column in [Media::AbsentScan, Media::Fingerprint, Media::MissingSince] {
            manager.alter_table(Table::alter().table(Media::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
