//! The user's overrides of what names say, and their audit history.
//!
//! Both live apart from `media`, which scans rewrite: a rescan, a re-probe (an upsert of the
//! row), a move or a rename never touches them. Reads merge them into `parsed`; filters on show,
//! season, kind and text search see the merged values. Both go with the file (cascade) when its
//! row is deleted.

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
}

#[derive(DeriveIden)]
enum MediaOverrides {
    Table,
    MediaId,
    Show,
    Season,
    Episodes,
    Title,
    Year,
    Kind,
    SearchText,
}

#[derive(DeriveIden)]
enum MediaOverrideHistory {
    Table,
    Id,
    MediaId,
    At,
    Actor,
    Field,
    Old,
    New,
}

fn cascade(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Media::Table, Media::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MediaOverrides::Table)
                    .if_not_exists()
                    .col(uuid(MediaOverrides::MediaId).primary_key())
                    .col(text_null(MediaOverrides::Show))
                    .col(integer_null(MediaOverrides::Season))
                    .col(text_null(MediaOverrides::Episodes))
                    .col(text_null(MediaOverrides::Title))
                    .col(integer_null(MediaOverrides::Year))
                    .col(string_null(MediaOverrides::Kind))
                    .col(text_null(MediaOverrides::SearchText))
                    .foreign_key(&mut cascade((MediaOverrides::Table, MediaOverrides::MediaId)))
                    .to_owned(),
            )
            .await?;
        // A show or kind filter finds overridden rows through these.
        for (name, column) in [
            ("idx_media_overrides_show", MediaOverrides::Show),
            ("idx_media_overrides_kind", MediaOverrides::Kind),
        ] {
            manager
                .create_index(Index::create().name(name).table(MediaOverrides::Table).col(column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MediaOverrideHistory::Table)
                    .if_not_exists()
                    .col(big_integer(MediaOverrideHistory::Id).auto_increment().primary_key())
                    .col(uuid(MediaOverrideHistory::MediaId))
                    .col(timestamp_with_time_zone(MediaOverrideHistory::At))
                    .col(text(MediaOverrideHistory::Actor))
                    .col(string(MediaOverrideHistory::Field))
                    .col(text_null(MediaOverrideHistory::Old))
                    .col(text_null(MediaOverrideHistory::New))
                    .foreign_key(&mut cascade((MediaOverrideHistory::Table, MediaOverrideHistory::MediaId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_override_history_media")
                    .table(MediaOverrideHistory::Table)
                    .col(MediaOverrideHistory::MediaId)
                    .col(MediaOverrideHistory::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MediaOverrideHistory::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MediaOverrides::Table).to_owned()).await
    }
}
