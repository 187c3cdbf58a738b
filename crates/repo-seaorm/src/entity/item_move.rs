//! Where item edits moved items: from the id a name gives to the id its files were filed under
//! instead (`scanner_core::items::ItemMoves`); extras written later follow it. Added by m0013.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "item_moves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_item: String,
    pub to_item: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
