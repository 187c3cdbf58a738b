//! Directories that hold catalogued files, with the last scan that listed them: the last-seen
//! marker of every file in them, so an unchanged file costs no write on a rescan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_dirs")]
pub struct Model {
    /// Encoded by `paths::encode`, like `media.dir`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub path: String,
    pub last_seen_scan: Uuid,
    pub last_seen_at: DateTimeUtc,
    /// Signature of the folder's video files when a scan found the catalog matching them
    /// (the bits of the core's u64); NULL until then, or after a change.
    pub signature: Option<i64>,
    pub files: i64,
    pub failed: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
