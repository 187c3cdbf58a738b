//! Stream details and playback decisions.
//!
//! `media` gains the chapters and cover-art flag, the version of the probe result (rows probed
//! before are version 1 and are probed again, once, by the next scan that meets them), the
//! decisions of every client profile (`playback`, JSON, and `playback_key`, the decisions and
//! reason codes as one short text the report groups by) and the fingerprint of the profiles they
//! were made with (`decided_with`: a scan makes stale ones again), and plain copies of what
//! filters and the library report group by (container kind, video codec, dynamic range,
//! resolution class, the judged audio stream's codec and channels). `media_playback` holds one row per file and profile (decision and
//! reason codes) so that filtering and counting by decision are indexed queries.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    Status,
    Library,
    SizeBytes,
    DurationSecs,
    Chapters,
    CoverArt,
    ProbeVersion,
    Playback,
    PlaybackKey,
    DecidedWith,
    ContainerKind,
    VideoCodec,
    Hdr,
    Resolution,
    AudioCodec,
    AudioChannels,
}

#[derive(DeriveIden)]
enum MediaPlayback {
    Table,
    MediaId,
    Profile,
    Decision,
    Codes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            text(Media::Chapters).default("[]").to_owned(),
            boolean(Media::CoverArt).default(false).to_owned(),
            integer(Media::ProbeVersion).default(1).to_owned(),
            text(Media::Playback).default("{}").to_owned(),
            text_null(Media::PlaybackKey),
            big_integer_null(Media::DecidedWith),
            string_null(Media::ContainerKind),
            string_null(Media::VideoCodec),
            string_null(Media::Hdr),
            string_null(Media::Resolution),
            string_null(Media::AudioCodec),
            integer_null(Media::AudioChannels),
        ];
        // One column per statement: SQLite adds columns one at a time.
        for column in columns {
            manager.alter_table(Table::alter().table(Media::Table).add_column(column).to_owned()).await?;
        }
        for (name, column) in [("idx_media_video_codec", Media::VideoCodec), ("idx_media_hdr", Media::Hdr)] {
            manager
                .create_index(Index::create().name(name).table(Media::Table).col(column).to_owned())
                .await?;
        }
        // The library report in one grouped pass over this index alone (status first, then the
        // grouping columns in GROUP BY order, then what is summed or filtered).
        manager
            .create_index(
                Index::create()
                    .name("idx_media_report")
                    .table(Media::Table)
                    .col(Media::Status)
                    .col(Media::ContainerKind)
                    .col(Media::VideoCodec)
                    .col(Media::Resolution)
                    .col(Media::Hdr)
                    .col(Media::AudioCodec)
                    .col(Media::AudioChannels)
                    .col(Media::PlaybackKey)
                    .col(Media::Library)
                    .col(Media::SizeBytes)
                    .col(Media::DurationSecs)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MediaPlayback::Table)
                    .if_not_exists()
                    .col(uuid(MediaPlayback::MediaId))
                    .col(string(MediaPlayback::Profile))
                    .col(string(MediaPlayback::Decision))
                    .col(text(MediaPlayback::Codes).default(""))
                    .primary_key(Index::create().col(MediaPlayback::MediaId).col(MediaPlayback::Profile))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MediaPlayback::Table, MediaPlayback::MediaId)
                            .to(Media::Table, Media::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_playback_profile_decision")
                    .table(MediaPlayback::Table)
                    .col(MediaPlayback::Profile)
                    .col(MediaPlayback::Decision)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MediaPlayback::Table).to_owned()).await?;
        for name in ["idx_media_video_codec", "idx_media_hdr", "idx_media_report"] {
            manager.drop_index(Index::drop().name(name).table(Media::Table).to_owned()).await?;
        }
        for column in [
            Media::Chapters,
            Media::CoverArt,
            Media::ProbeVersion,
            Media::Playback,
            Media::PlaybackKey,
            Media::DecidedWith,
            Media::ContainerKind,
            Media::VideoCodec,
            Media::Hdr,
            Media::Resolution,
            Media::AudioCodec,
            Media::AudioChannels,
        ] {
            manager.alter_table(Table::alter().table(Media::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
