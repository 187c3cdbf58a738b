//! What a library's watcher last published about its health (JSON), valid while `watcher_id`
//! holds the library's watch lease.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "watch_health")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub library: String,
    pub watcher_id: Uuid,
    pub node: String,
    pub health: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
