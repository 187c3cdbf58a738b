//! `/api/v1/media/{id}` edits: the user's overrides of what names say, and their history.

use axum::extract::State;
use serde::{Deserialize, Deserializer, Serialize};

use scanner_core::items::ItemId;
use scanner_core::overrides::{Field, OverrideChange, OverrideEdit, Overrides};
use scanner_core::{MediaId, MediaKind, MediaRecord};

use super::AppState;
use super::error::{ApiError, ApiJson, ApiPath, ErrorBody};

/// `Some(None)` for an explicit `null`, `None` (through `default`) for an absent field.
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A whole number as JSON Schema's `integer` means it: `7` and `7.0` alike (serde's integers
/// refuse the second, which a schema-valid client may send). Out-of-range values become ones
/// `Overrides::check` refuses.
#[derive(Debug, Clone, Copy)]
pub struct Whole(u64);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        if let Some(whole) = n.as_u64() {
            return Ok(Self(whole));
        }
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&f) => Ok(Self(f as u64)),
            _ => Err(serde::de::Error::custom(format!("{n} is not a whole number of at least 0"))),
        }
    }
}

impl Whole {
    pub(super) fn number(self) -> u32 {
        u32::try_from(self.0).unwrap_or(u32::MAX)
    }

    pub(super) fn year(self) -> u16 {
        // 0 is out of range too: `Overrides::check` refuses it.
        u16::try_from(self.0).unwrap_or(0)
    }
}

/// An episode number as the schema describes it: what the catalogs' 32-bit signed integers
/// hold (only describes the numbers in `EditBody::episodes`).
pub struct EpisodeNumber;

impl utoipa::PartialSchema for EpisodeNumber {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(0))
            .maximum(Some(i32::MAX))
            .into()
    }
}

impl utoipa::ToSchema for EpisodeNumber {}

/// Overrides to set (a value), to remove (`null`) or to leave as they are (absent).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1000, pattern = r"^[^\x00]*$")]
    pub show: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 2147483647)]
    pub season: Option<Option<Whole>>,
    /// The episode numbers, in order (a multi-episode file has several).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<EpisodeNumber>>, min_items = 1, max_items = 1000)]
    pub episodes: Option<Option<Vec<Whole>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1000, pattern = r"^[^\x00]*$")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u16>, minimum = 1, maximum = 9999)]
    pub year: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<MediaKind>)]
    pub kind: Option<Option<MediaKind>>,
    /// The Movie Database id, digits (`"603"`): the file's `parsed.ids.tmdb`, and the key of
    /// its item.
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
    /// Extras only: the id of the item the extra belongs to, over the one its name gives.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub extra_of: Option<Option<ItemId>>,
}

impl EditBody {
    pub(super) fn into_edit(self) -> OverrideEdit {
        let mut edit = OverrideEdit::default();
        let mut clear = |field, present: bool| {
            if present {
                edit.clear.push(field);
            }
        };
        clear(Field::Show, matches!(self.show, Some(None)));
        clear(Field::Season, matches!(self.season, Some(None)));
        clear(Field::Episodes, matches!(self.episodes, Some(None)));
        clear(Field::Title, matches!(self.title, Some(None)));
        clear(Field::Year, matches!(self.year, Some(None)));
        clear(Field::Kind, matches!(self.kind, Some(None)));
        clear(Field::Tmdb, matches!(self.tmdb, Some(None)));
        clear(Field::Imdb, matches!(self.imdb, Some(None)));
        clear(Field::Tvdb, matches!(self.tvdb, Some(None)));
        clear(Field::ExtraOf, matches!(self.extra_of, Some(None)));
        edit.set = Overrides {
            show: self.show.flatten(),
            season: self.season.flatten().map(Whole::number),
            episodes: self.episodes.flatten().map(|e| e.into_iter().map(Whole::number).collect()),
            title: self.title.flatten(),
            year: self.year.flatten().map(Whole::year),
            kind: self.kind.flatten(),
            tmdb: self.tmdb.flatten(),
            imdb: self.imdb.flatten(),
            tvdb: self.tvdb.flatten(),
            extra_of: self.extra_of.flatten(),
        };
        edit
    }
}

/// A file's override history, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    pub changes: Vec<OverrideChange>,
}

/// Who an API edit is recorded as: the token holder, or a loopback client where no token is
/// configured.
pub(super) fn actor(state: &AppState) -> String {
    if state.token.is_some() { "api" } else { "api (no token)" }.to_owned()
}

fn not_found(id: MediaId) -> ApiError {
    ApiError::not_found("media_not_found", format!("no media with id {id}"))
}

/// Refuses, as 422, values no catalog takes.
pub(super) fn checked(edit: &OverrideEdit) -> Result<(), ApiError> {
    edit.set.check().map_err(|message| {
        ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", message)
    })
}

async fn apply(
    state: &AppState,
    id: MediaId,
    edit: OverrideEdit,
) -> Result<axum::Json<MediaRecord>, ApiError> {
    checked(&edit)?;
    let edited = match state.app.edits().edit(id, edit, actor(state), chrono::Utc::now()).await {
        // The values were checked: what the catalog refuses is an edit this file, as it now
        // is, does not take (an owner for a file that is no extra): a conflict with its state.
        Err(scanner_core::ports::RepoError::InvalidInput(message)) => {
            return Err(ApiError::new(axum::http::StatusCode::CONFLICT, "not_an_extra", message));
        }
        edited => edited,
    };
    match edited.map_err(ApiError::catalog)? {
        Some(record) => Ok(axum::Json(record)),
        None => Err(not_found(id)),
    }
}

/// Sets or removes overrides of what the file's name says. The record comes back with `parsed`
/// showing the values in force and `overrides` what was set; scans, re-probes and moves keep
/// them.
#[utoipa::path(patch, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = uuid::Uuid, Path, description = "Media id")),
    request_body = EditBody,
    responses(
        (status = 200, description = "The file's record after the edit", body = MediaRecord),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ErrorBody),
        (status = 404, description = "No file with this id", body = ErrorBody),
        (status = 413, description = "The body is larger than 16 KiB", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
        (status = 409, description = "`extra_of` is set on a file that is no extra (`not_an_extra`)", body = ErrorBody),
        (status = 422, description = "A field is unknown, of the wrong type or out of range", body = ErrorBody),
    ))]
pub async fn edit_media(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MediaId>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<axum::Json<MediaRecord>, ApiError> {
    apply(&state, id, body.into_edit()).await
}

/// Removes every override of the file: `parsed` is what its name says again.
#[utoipa::path(delete, path = "/api/v1/media/{id}/overrides", tag = "media",
    params(("id" = uuid::Uuid, Path, description = "Media id")),
    responses(
        (status = 200, description = "The file's record without overrides", body = MediaRecord),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No file with this id", body = ErrorBody),
    ))]
pub async fn clear_overrides(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MediaId>,
) -> Result<axum::Json<MediaRecord>, ApiError> {
    apply(&state, id, OverrideEdit { clear_all: true, ..OverrideEdit::default() }).await
}

/// Who changed the file's overrides, when, and from what to what, oldest first.
#[utoipa::path(get, path = "/api/v1/media/{id}/history", tag = "media",
    params(("id" = uuid::Uuid, Path, description = "Media id")),
    responses(
        (status = 200, description = "The override history", body = History),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No file with this id", body = ErrorBody),
    ))]
pub async fn media_history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MediaId>,
) -> Result<axum::Json<History>, ApiError> {
    match state.app.edits().history(id).await.map_err(ApiError::catalog)? {
        Some(changes) => Ok(axum::Json(History { changes })),
        None => Err(not_found(id)),
    }
}
