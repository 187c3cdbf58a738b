//! `/api/v1/items/{id}`: one item, and edits of all its files at once.
//!
//! An item edit sets the same overrides on every film or episode file of the item (every part
//! of every version, not its extras). Items are keyed by their files' values in force, so an
//! edit that changes the key — a provider id, a title — gives the item a new id, the one the
//! answer carries; matched to a provider id, the item keeps that id from then on.

use axum::extract::State;
use serde::{Deserialize, Serialize};

use scanner_core::items::{self, Item, ItemId};
use scanner_core::overrides::OverrideEdit;

use super::AppState;
use super::edits::{EditBody, EpisodeNumber, Whole, actor, checked, present};
use super::error::{ApiError, ApiJson, ApiPath, ErrorBody};

/// Overrides to set on every file of the item (a value), to remove (`null`) or to leave as
/// they are (absent). `show`, `season` and `episodes` are for episode items only.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemEditBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1000, pattern = r"^[^\x00]*$")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u16>, minimum = 1, maximum = 9999)]
    pub year: Option<Option<Whole>>,
    /// The Movie Database id, digits (`"603"`): the item is then keyed by it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^[1-9][0-9]{0,8}$")]
    pub tmdb: Option<Option<String>>,
    /// The IMDb title id (`"tt0133093"`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^tt[0-9]{7,10}$")]
    pub imdb: Option<Option<String>>,
    /// TheTVDB id, digits (`"81189"`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^[1-9][0-9]{0,8}$")]
    pub tvdb: Option<Option<String>>,
    /// Episode items only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1000, pattern = r"^[^\x00]*$")]
    pub show: Option<Option<String>>,
    /// Episode items only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 2147483647)]
    pub season: Option<Option<Whole>>,
    /// Episode items only: the episode numbers, in order.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<EpisodeNumber>>, min_items = 1, max_items = 1000)]
    pub episodes: Option<Option<Vec<Whole>>>,
}

impl ItemEditBody {
    fn into_edit(self) -> OverrideEdit {
        EditBody {
            show: self.show,
            season: self.season,
            episodes: self.episodes,
            title: self.title,
            year: self.year,
            kind: None,
            tmdb: self.tmdb,
            imdb: self.imdb,
            tvdb: self.tvdb,
            extra_of: None,
        }
        .into_edit()
    }
}

/// What the files of an item fall under after their overrides were removed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClearedItem {
    /// The items the files now make, by what their names say: one, several (the names
    /// disagree), or none (a file whose kind was overridden is no film or episode by its name).
    pub items: Vec<Item>,
}

/// A schema-valid edit this item, as it now is, does not take (episode numbers on a film, a
/// value removed that leaves a file in no item): a conflict with its state.
fn conflict(message: String) -> ApiError {
    ApiError::new(axum::http::StatusCode::CONFLICT, "not_for_this_item", message)
}

/// The item id of a path, as [`super::ITEM_CURSOR_PATTERN`] describes it (an id this server
/// gives out). Anything else names no item: 404, as for an unknown id (clients that follow a
/// show's `item_id` of a missing episode, `null`, meet the same answer as for a gone item).
fn path_id(text: &str) -> Result<ItemId, ApiError> {
    super::items::item_id(text).ok_or_else(|| {
        ApiError::not_found(
            "item_not_found",
            format!("no item with id {text:?} (ids are UUIDs in lower case)"),
        )
    })
}

fn not_found(id: ItemId) -> ApiError {
    ApiError::not_found("item_not_found", format!("no item with id {id}"))
}

/// The items these ids name, as `/items` shows them.
async fn items_of(state: &AppState, ids: Vec<ItemId>) -> Result<Vec<Item>, ApiError> {
    let files = state.app.catalog().item_files(ids.clone()).await.map_err(ApiError::catalog)?;
    Ok(items::group(&files).into_iter().filter(|item| ids.contains(&item.id)).collect())
}

async fn find(state: &AppState, id: ItemId) -> Result<Item, ApiError> {
    items_of(state, vec![id]).await?.pop().ok_or_else(|| not_found(id))
}

async fn apply(state: &AppState, id: ItemId, edit: OverrideEdit) -> Result<Vec<Item>, ApiError> {
    checked(&edit)?;
    let edited = state.app.edits().edit_item(id, edit, actor(state), chrono::Utc::now()).await;
    let files = match edited {
        // The values were checked: what the catalog refuses is an edit no file of the item
        // takes (`items::check_edit`).
        Err(scanner_core::ports::RepoError::InvalidInput(message)) => return Err(conflict(message)),
        edited => edited.map_err(ApiError::catalog)?.ok_or_else(|| not_found(id))?,
    };
    let ids = items::filed_items(&files);
    let mut items = items_of(state, ids.clone()).await?;
    items.sort_by_key(|item| ids.iter().position(|id| *id == item.id));
    Ok(items)
}

/// One film or episode, as `/items` lists it.
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "media",
    params(("id" = String, Path, description = "Item id (lower case, as `/items` gives it out)",
        pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
    responses(
        (status = 200, description = "The item", body = Item),
        (status = 404, description = "No item with this id (or the id is not one)", body = ErrorBody),
    ))]
pub async fn get_item(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::Json<Item>, ApiError> {
    find(&state, path_id(&id)?).await.map(axum::Json)
}

/// Sets or removes overrides on every film or episode file of the item (every part of every
/// version, not its extras), in one transaction, each file's history recording it. The answer
/// is the item as it now is: its `id` is new when the edit changed its key (matched to a
/// provider id, the item is keyed by that id from then on). Should the files now fall under
/// several items (an override removed where their names disagree), the first file's is given.
#[utoipa::path(patch, path = "/api/v1/items/{id}", tag = "media",
    params(("id" = String, Path, description = "Item id (lower case, as `/items` gives it out)",
        pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
    request_body = ItemEditBody,
    responses(
        (status = 200, description = "The item after the edit, with its id now", body = Item),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 404, description = "No item with this id (or the id is not one)", body = ErrorBody),
        (status = 413, description = "The body is larger than 16 KiB", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
        (status = 409, description = "Numbers a film, or would leave a file in no item (`not_for_this_item`)", body = ErrorBody),
        (status = 422, description = "A field is unknown, of the wrong type or out of range", body = ErrorBody),
    ))]
pub async fn edit_item(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ItemEditBody>,
) -> Result<axum::Json<Item>, ApiError> {
    let id = path_id(&id)?;
    let mut items = apply(&state, id, body.into_edit()).await?;
    // The catalog refuses an edit that leaves a file in no item: an empty answer means the
    // files went between the edit and the read.
    if items.is_empty() {
        return Err(not_found(id));
    }
    Ok(axum::Json(items.remove(0)))
}

/// Removes every override of the item's film and episode files: each is filed by its name again.
#[utoipa::path(delete, path = "/api/v1/items/{id}/overrides", tag = "media",
    params(("id" = String, Path, description = "Item id (lower case, as `/items` gives it out)",
        pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
    responses(
        (status = 200, description = "The items the files now make", body = ClearedItem),
        (status = 404, description = "No item with this id (or the id is not one)", body = ErrorBody),
    ))]
pub async fn clear_item_overrides(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::Json<ClearedItem>, ApiError> {
    let id = path_id(&id)?;
    let items = apply(&state, id, OverrideEdit { clear_all: true, ..OverrideEdit::default() }).await?;
    Ok(axum::Json(ClearedItem { items }))
}
