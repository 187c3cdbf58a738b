//! Sidecar files: what the `.nfo` beside a file says (`metadata`, JSON), the artwork beside it
//! (`artwork`, a JSON array of paths), and the signature of the sidecars these and the external
//! subtitles (kept in `subtitles` with `external: true`) were read from. Rows from before have
//! no signature: a video with sidecars gets them read at the next scan that meets its folder,
//! without being probed again.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Metadata,
    Artwork,
    SidecarSignature,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            text_null(Media::Metadata),
            text(Media::Artwork).default("[]").to_owned(),
            big_integer_null(Media::SidecarSignature),
        ];
        // One column per statement: SQLite adds columns one at a time.
        for column in columns {
            manager.alter_table(Table::alter().table(Media::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Media::Metadata, Media::Artwork, Media::SidecarSignature] {
            manager.alter_table(Table::alter().table(Media::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
