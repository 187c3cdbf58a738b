//! Who may scan a library right now: one row per lease key, valid until `expires_at_ms` by
//! the database's clock.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scan_leases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lease_key: String,
    pub scan_id: Uuid,
    pub holder_host: String,
    pub holder_pid: i64,
    pub holder_instance: Uuid,
    /// Milliseconds since the Unix epoch, by the database's clock.
    pub expires_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
