//! `/api/v1/items` and `/api/v1/shows/{show}`: the catalog as a media server shows it.
//!
//! As in `media`, every rule a parameter must follow is in its OpenAPI schema, and the handler
//! checks exactly those rules.

use axum::extract::State;
use serde::{Deserialize, Serialize};

use scanner_core::items::{self, Item, ItemId, ShowTree};
use scanner_core::ports::{ItemQuery, MediaFilter, MediaQuery};
use scanner_core::{MediaKind, MediaStatus};

use super::AppState;
use super::error::{ApiError, ApiPath, ApiQuery, ErrorBody};
use super::media::{invalid, library, searched_page, text};
use crate::bounds;

/// An item cursor: the last item's id, as given out in `next_cursor`.
pub const ITEM_CURSOR_PATTERN: &str = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// The kinds of item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Movie,
    Episode,
}

impl From<ItemKind> for MediaKind {
    fn from(kind: ItemKind) -> Self {
        match kind {
            ItemKind::Movie => MediaKind::Movie,
            ItemKind::Episode => MediaKind::Episode,
        }
    }
}

/// Filters and paging of `/items`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    /// Items with a file in this configured library (an unknown one is 404).
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub library: Option<String>,
    pub kind: Option<ItemKind>,
    /// Text contained in the show name or title of one of the item's files, any case.
    #[param(pattern = r"^[^\x00]*$", max_length = 1000)]
    pub q: Option<String>,
    /// Page size (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Items to skip (after `cursor`, when both are given).
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub offset: Option<u64>,
    /// `next_cursor` of the previous page: the page starts after that item.
    #[param(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub cursor: Option<String>,
}

/// A page of items, in id order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemPage {
    pub items: Vec<Item>,
    /// Items matching the filters, on all pages.
    pub total: u64,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Reads an item id, accepting exactly what [`ITEM_CURSOR_PATTERN`] describes: the ids this
/// server gives out, hyphenated lower case.
pub(super) fn item_id(text: &str) -> Option<ItemId> {
    let well_formed = text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        });
    well_formed.then(|| text.parse().ok()).flatten()
}

/// Reads a cursor, accepting exactly what [`ITEM_CURSOR_PATTERN`] describes.
fn cursor(cursor: &str) -> Result<ItemId, ApiError> {
    item_id(cursor)
        .ok_or_else(|| invalid("cursor is not one this server gives out (an item id in lower case)"))
}

/// Films and episodes: each with its versions, their parts, and its extras.
#[utoipa::path(get, path = "/api/v1/items", tag = "media", params(ItemParams),
    responses(
        (status = 200, description = "A page of items", body = ItemPage),
        (status = 400, description = "A parameter is malformed or out of range", body = ErrorBody),
        (status = 404, description = "No such library", body = ErrorBody),
    ))]
pub async fn list_items(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ItemParams>,
) -> Result<axum::Json<ItemPage>, ApiError> {
    let limit = searched_page(&state, &params.q, &params.library, params.limit)?;
    let offset = params.offset.map(|o| bounds::OFFSET.check(o)).transpose().map_err(invalid)?;
    let after = params.cursor.as_deref().map(cursor).transpose()?;
    let filter = MediaFilter {
        library: params.library.clone(),
        kind: params.kind.map(MediaKind::from),
        search: params.q.clone(),
        ..MediaFilter::default()
    };
    let catalog = state.app.catalog();
    // One more than asked tells whether there is a next page.
    let query = ItemQuery { filter: filter.clone(), after, offset, limit: limit + 1 };
    let mut ids = catalog.item_ids(query).await.map_err(ApiError::catalog)?;
    let more = ids.len() as u64 > limit;
    ids.truncate(limit as usize);
    let files = catalog.item_files(ids.clone()).await.map_err(ApiError::catalog)?;
    // An item whose files vanished between the two reads is left out of this page.
    let items = items::group(&files);
    let total = catalog.count_items(filter).await.map_err(ApiError::catalog)?;
    let next_cursor = more.then(|| ids.last().map(ToString::to_string)).flatten();
    Ok(axum::Json(ItemPage { items, total, next_cursor }))
}

/// Filters of `/shows/{show}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShowTreeParams {
    /// Only the show's files in this configured library (an unknown one is 404).
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub library: Option<String>,
}

/// A show's seasons and episodes, with the episodes missing between 1 and the highest present
/// and those two items claim.
#[utoipa::path(get, path = "/api/v1/shows/{show}", tag = "media",
    params(
        ("show" = String, Path, description = "The show's exact name, as `/shows` lists it",
            pattern = r"^[^\x00]*$", max_length = 1000),
        ShowTreeParams,
    ),
    responses(
        (status = 200, description = "The show's seasons and episodes", body = ShowTree),
        (status = 400, description = "A parameter is malformed or out of range", body = ErrorBody),
        (status = 404, description = "No such show (or library)", body = ErrorBody),
    ))]
pub async fn get_show(
    State(state): State<AppState>,
    ApiPath(show): ApiPath<String>,
    ApiQuery(params): ApiQuery<ShowTreeParams>,
) -> Result<axum::Json<ShowTree>, ApiError> {
    text("show", &Some(show.clone()))?;
    library(&state, &params.library)?;
    let filter = MediaFilter {
        library: params.library.clone(),
        show: Some(show.clone()),
        kind: Some(MediaKind::Episode),
        ..MediaFilter::default()
    };
    // A show holds thousands of episode files at most: read whole, present ones only.
    let query = MediaQuery { filter, after_path: None, offset: None, limit: None };
    let mut files = state.app.catalog().list(query).await.map_err(ApiError::catalog)?;
    files.retain(|r| r.status != MediaStatus::Missing);
    match items::show_tree(&show, &files) {
        Some(tree) => Ok(axum::Json(tree)),
        None => Err(ApiError::not_found("show_not_found", format!("no show named {show:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_lower_case_item_ids_only() {
        let id = "0f3c2a1b-1111-8abc-9def-0123456789ab";
        assert_eq!(cursor(id).unwrap().to_string(), id);
        for bad in [
            "",
            "0F3C2A1B-1111-8ABC-9DEF-0123456789AB",
            "0f3c2a1b11118abc9def0123456789ab",
            "{0f3c2a1b-1111-8abc-9def-0123456789ab}",
            "2f61",
        ] {
            assert!(cursor(bad).is_err(), "{bad}");
        }
    }
}
