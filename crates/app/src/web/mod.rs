//! The dashboard (`/` of `mediascan serve`): server-rendered HTML pages over the same facade the
//! JSON API uses, with one small stylesheet and one small script embedded in the binary.
//!
//! Every page works without JavaScript (forms are plain POSTs answered with a redirect); the
//! script only follows a running scan over the API's Server-Sent Events. With a token
//! configured, a login page trades the token for a session cookie; every POST carries a CSRF
//! token checked before its handler runs (see `session.rs`). Pages call the API's handlers in
//! process for reads, so a query the API refuses is refused here alike (as a 4xx page).

mod assets;
mod catalog;
mod edit;
mod item;
mod layout;
mod libraries;
mod problems;
mod report;
mod scans;
mod session;

use std::sync::Arc;

use axum::Extension;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;

use crate::api::{ApiError, AppState};

pub use session::{MAX_SESSIONS, SESSION_COOKIE, SESSION_TTL};

/// What the dashboard keeps between requests: sessions, and library figures between scans.
#[derive(Debug)]
pub(crate) struct Web {
    sessions: session::Sessions,
    figures: libraries::FiguresCache,
}

/// What every page needs to know about the request: the CSRF token its forms carry, and
/// whether a session is behind it (to offer "log out").
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub csrf: String,
    pub logged_in: bool,
}

/// Whether `path` belongs to the JSON API (bearer tokens, JSON errors) rather than the dashboard.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || crate::api::OPEN_PATHS.contains(&path)
}

/// The dashboard's routes, behind its session guard.
pub fn router(state: &AppState) -> axum::Router<AppState> {
    let web =
        Arc::new(Web { sessions: session::Sessions::default(), figures: libraries::FiguresCache::default() });
    libraries::warm(state, &web);
    axum::Router::new()
        .route("/", get(libraries::page))
        .route("/libraries/{name}/scan", post(libraries::scan))
        .route("/scans", get(scans::history))
        .route("/scans/{id}", get(scans::live))
        .route("/scans/{id}/events", get(scans::events))
        .route("/scans/{id}/cancel", post(scans::cancel))
        .route("/problems", get(problems::page))
        .route("/problems/retry", post(problems::retry_group))
        .route("/media/{id}/retry", post(problems::retry))
        .route("/catalog", get(catalog::files))
        .route("/shows", get(catalog::shows))
        .route("/shows/{show}", get(catalog::show))
        .route("/items/{id}", get(item::item))
        .route("/media/{id}", get(item::media))
        .route("/media/{id}/edit", post(edit::edit))
        .route("/media/{id}/clear", post(edit::clear))
        .route("/media/{id}/undo", post(edit::undo))
        .route("/report", get(report::page))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/assets/{file}", get(assets::asset))
        .layer(axum::middleware::from_fn_with_state((state.clone(), web.clone()), session::guard))
        .layer(Extension(web))
}

/// A page that could not be shown: its status and one sentence, as an HTML page.
#[derive(Debug)]
pub(crate) struct WebError {
    pub status: StatusCode,
    pub message: String,
}

impl WebError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        Self { status: e.status, message: e.message }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = layout::error_page(self.status.as_u16(), title, &self.message);
        (self.status, Html(body.into_string())).into_response()
    }
}

/// The dashboard's 404 for paths outside the API.
pub fn not_found_page() -> Response {
    WebError::not_found("There is no page here.").into_response()
}

pub(crate) type PageResult = Result<Response, WebError>;

/// A rendered page as a response.
pub(crate) fn html(markup: maud::Markup) -> Response {
    Html(markup.into_string()).into_response()
}

/// Redirect-after-post: the browser loads `to` with GET.
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The query string without empty parameters (an HTML form sends every field, filled or not).
fn without_empty(query: &str) -> String {
    query.split('&').filter(|pair| !pair.is_empty() && !pair.ends_with('=')).collect::<Vec<_>>().join("&")
}

/// Query parameters of a page: empty fields dropped, anything malformed a 400 page.
#[derive(Debug)]
pub(crate) struct WebQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for WebQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = without_empty(parts.uri.query().unwrap_or_default());
        serde_urlencoded_from(&query).map(Self)
    }
}

fn serde_urlencoded_from<T: DeserializeOwned>(text: &str) -> Result<T, WebError> {
    let uri: axum::http::Uri =
        format!("/?{text}").parse().map_err(|_| WebError::bad_request("malformed query"))?;
    axum::extract::Query::<T>::try_from_uri(&uri)
        .map(|q| q.0)
        .map_err(|e| WebError::bad_request(format!("invalid parameters: {}", e.body_text())))
}

/// A submitted form (`application/x-www-form-urlencoded`): empty fields dropped, anything
/// malformed a 400 page. The guard has checked its CSRF token already.
#[derive(Debug)]
pub(crate) struct WebForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WebForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "expected a submitted form"));
        }
        let body = axum::body::to_bytes(req.into_body(), session::MAX_FORM)
            .await
            .map_err(|_| WebError::new(StatusCode::PAYLOAD_TOO_LARGE, "the form is too large"))?;
        let text = std::str::from_utf8(&body).map_err(|_| WebError::bad_request("the form is not UTF-8"))?;
        serde_urlencoded_from(&without_empty(text)).map(Self)
    }
}

/// A path parameter that must parse (a UUID), else a 400 page.
#[derive(Debug)]
pub(crate) struct WebPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for WebPath<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| WebError::bad_request(format!("invalid address: {}", e.body_text())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_form_fields_are_dropped() {
        assert_eq!(without_empty("a=1&b=&c=x%20y&&d"), "a=1&c=x%20y&d");
        assert_eq!(without_empty(""), "");
    }

    #[test]
    fn api_paths_are_told_apart() {
        for path in ["/api/v1/scans", "/healthz", "/api/v1/openapi.json", "/api"] {
            assert!(is_api_path(path), "{path}");
        }
        for path in ["/", "/catalog", "/apis", "/login"] {
            assert!(!is_api_path(path), "{path}");
        }
    }
}
