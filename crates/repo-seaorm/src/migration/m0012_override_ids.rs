//! Provider ids as overrides (issue 15): `media_overrides.tmdb`, `imdb` and `tvdb`, text as the
//! user set it (null: the name's id, if any, holds). Rows from before read with none set.
//!
//! `media.item_id` now files a row by its values in force (overrides over the name), and m0010
//! filled it from names alone: m0013 refiles the overridden rows.

// The trait's signature elides SchemaManager's lifetime; an impl must match it exactly.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum MediaOverrides {
    Table,
    Tmdb,
    Imdb,
    Tvdb,
}

const COLUMNS: [MediaOverrides; 3] = [MediaOverrides::Tmdb, MediaOverrides::Imdb, MediaOverrides::Tvdb];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds only one at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter().table(MediaOverrides::Table).add_column(text_null(column)).to_owned(),
                )
                .await?;
        }
        // Overrides are read with today's entity, which has m0013's column too: m0013 refiles
        // (databases that ran this migration before m0013 existed were refiled here then).
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(Table::alter().table(MediaOverrides::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
