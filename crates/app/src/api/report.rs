//! `/api/v1/report`: the library at a glance.

use axum::extract::State;
use serde::Deserialize;

use scanner_core::ports::MediaFilter;
use scanner_core::report::LibraryReport;

use super::AppState;
use super::error::{ApiError, ApiQuery, ErrorBody};

/// Which files the report covers.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// A configured library's name (an unknown one is 404); without it, the whole catalog.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub library: Option<String>,
}

/// Files, bytes and hours by container, video codec, resolution class, dynamic range, audio
/// codec and channels, and for every client profile how many files play directly, need a remux
/// or a transcode, with the most frequent reasons. Counts only probed files that are present;
/// `failed` and `missing` are counted apart.
#[utoipa::path(get, path = "/api/v1/report", tag = "media", params(ReportParams),
    responses(
        (status = 200, description = "The report", body = LibraryReport),
        (status = 400, description = "A parameter is malformed", body = ErrorBody),
        (status = 404, description = "No such library", body = ErrorBody),
    ))]
pub async fn report(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ReportParams>,
) -> Result<axum::Json<LibraryReport>, ApiError> {
    super::media::library(&state, &params.library)?;
    let filter = MediaFilter { library: params.library, ..MediaFilter::default() };
    Ok(axum::Json(state.app.catalog().report(filter).await.map_err(ApiError::catalog)?))
}
