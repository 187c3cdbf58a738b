//! The audit history of overrides: one row per field changed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media_override_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub media_id: Uuid,
    pub at: DateTimeUtc,
    pub actor: String,
    /// `scanner_core::overrides::Field` as text.
    pub field: String,
    /// JSON of the value before and after (null: none set).
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
