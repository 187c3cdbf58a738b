//! One row per file the user has overridden: the values set (null: the parser's value holds).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media_overrides")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub media_id: Uuid,
    pub show: Option<String>,
    pub season: Option<i32>,
    /// JSON array of episode numbers.
    pub episodes: Option<String>,
    pub title: Option<String>,
    pub year: Option<i32>,
    pub kind: Option<String>,
    /// Provider ids as text (`603`, `tt0133093`, `81189`); added by m0012.
    pub tmdb: Option<String>,
    pub imdb: Option<String>,
    pub tvdb: Option<String>,
    /// The item an extra belongs to, over its name's (an item id); added by m0013.
    pub extra_of: Option<String>,
    /// The overridden show and title, lower-cased: text search matches them too.
    pub search_text: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::media::Entity", from = "Column::MediaId", to = "super::media::Column::Id")]
    Media,
}

impl ActiveModelBehavior for ActiveModel {}
