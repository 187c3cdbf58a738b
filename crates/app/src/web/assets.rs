//! The stylesheet and the script, embedded in the binary and served under names that carry a
//! digest of their content: cached for a year, and a new build never serves a stale one.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::WebError;

const CSS: &str = include_str!("dashboard.css");
const JS: &str = include_str!("live.js");

/// FNV-1a, computed at compile time.
const fn digest(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

const CSS_DIGEST: u64 = digest(CSS.as_bytes());
const JS_DIGEST: u64 = digest(JS.as_bytes());

pub(crate) fn css_url() -> String {
    format!("/assets/dashboard-{CSS_DIGEST:016x}.css")
}

pub(crate) fn js_url() -> String {
    format!("/assets/live-{JS_DIGEST:016x}.js")
}

pub(crate) async fn asset(Path(file): Path<String>) -> Result<Response, WebError> {
    let (body, kind) = if format!("/assets/{file}") == css_url() {
        (CSS, "text/css; charset=utf-8")
    } else if format!("/assets/{file}") == js_url() {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return Err(WebError::not_found("no such asset (an older build's? reload the page)"));
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}
