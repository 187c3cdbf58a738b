//! The media table.

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
    Id,
    Path,
    Dir,
    SizeBytes,
    ModifiedNs,
    Device,
    Inode,
    Status,
    Error,
    Container,
    DurationSecs,
    BitRate,
    Video,
    Audio,
    Subtitles,
    Parsed,
    Kind,
    Show,
    Season,
    Year,
    Title,
    Compatible,
    Reasons,
    FirstSeenAt,
    LastScannedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .if_not_exists()
                    .col(pk_uuid(Media::Id))
                    .col(path_column(manager, Media::Path).unique_key())
                    .col(path_column(manager, Media::Dir))
                    .col(big_integer(Media::SizeBytes))
                    .col(big_integer(Media::ModifiedNs))
                    .col(big_integer_null(Media::Device))
                    .col(big_integer_null(Media::Inode))
                    .col(string(Media::Status))
                    .col(text_null(Media::Error))
                    .col(string_null(Media::Container))
                    .col(double_null(Media::DurationSecs))
                    .col(big_integer_null(Media::BitRate))
                    .col(text_null(Media::Video))
                    .col(text(Media::Audio))
                    .col(text(Media::Subtitles))
                    .col(text(Media::Parsed))
                    .col(string(Media::Kind))
                    .col(text_null(Media::Show))
                    .col(integer_null(Media::Season))
                    .col(integer_null(Media::Year))
                    .col(text_null(Media::Title))
                    .col(boolean_null(Media::Compatible))
                    .col(text(Media::Reasons))
                    .col(timestamp_with_time_zone(Media::FirstSeenAt))
                    .col(timestamp_with_time_zone(Media::LastScannedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_media_dir", vec![Media::Dir]),
            ("idx_media_show_season", vec![Media::Show, Media::Season]),
            ("idx_media_kind", vec![Media::Kind]),
            ("idx_media_status", vec![Media::Status]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Media::Table).if_not_exists();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Media::Table).to_owned()).await
    }
}
