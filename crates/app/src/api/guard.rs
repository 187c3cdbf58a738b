//! What every request passes before and after its handler: the Host check, the bearer token,
//! the length of the URI, a handler that panics, and errors that must all look alike.

use std::any::Any;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::{AppState, OPEN_PATHS};

/// Longest request target (path and query) served; longer ones are 414. Room for every query
/// parameter at its longest, percent-encoded (about 45 KiB): a request the API document calls
/// valid is never refused for its length. (Past 64 KiB the HTTP layer itself answers a bare
/// 414 before any handler runs.)
pub const MAX_URI: usize = 48 * 1024;

/// Compares in time independent of where the strings differ.
pub(crate) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The credentials of `Authorization: Bearer <token>`, the scheme named in any case (RFC 7235).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| credentials.trim())
}

/// Where the webhook endpoints live.
const HOOKS: &str = "/api/v1/hooks/";

/// The `token` parameter of a query string, percent-decoded (`None` when absent or not UTF-8).
fn query_token(query: Option<&str>) -> Option<String> {
    let raw = query?.split('&').find_map(|pair| pair.strip_prefix("token="))?;
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// With a token configured, every request but those to the open paths must carry it.
pub async fn authorize(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(token) = &state.token else { return Ok(next.run(request).await) };
    // The dashboard checks its own sessions (a browser cannot send a bearer token).
    if OPEN_PATHS.contains(&request.uri().path()) || !crate::web::is_api_path(request.uri().path()) {
        return Ok(next.run(request).await);
    }
    let header = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer);
    // Webhook senders (Sonarr on some versions) cannot set headers: on the hook endpoints only,
    // the token may come in the query.
    let query = request.uri().path().starts_with(HOOKS).then(|| query_token(request.uri().query())).flatten();
    let given = header.map(str::to_owned).or(query);
    let given = given.as_deref();
    match given {
        Some(given) if same_secret(given.as_bytes(), token.as_bytes()) => Ok(next.run(request).await),
        Some(_) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the bearer token is not valid"))
        }
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server needs `Authorization: Bearer <token>`",
        )),
    }
}

/// The host part of a `Host` header value: `name`, `1.2.3.4` or `[::1]`, without the port.
fn host_name(value: &str) -> &str {
    if value.starts_with('[') {
        return value.split_once(']').map_or(value, |(v6, _)| v6.trim_start_matches('['));
    }
    value.rsplit_once(':').map_or(value, |(host, _)| host)
}

/// Whether a request addressed to `host` may be served by a server without a token: loopback
/// names and addresses, and the configured names (for a reverse proxy in front).
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = host_name(host).trim_end_matches('.').to_ascii_lowercase();
    let loopback = name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    loopback
        || allowed.iter().any(|a| {
            let a = a.to_ascii_lowercase();
            a == host.to_ascii_lowercase() || a == name
        })
}

/// DNS rebinding: a page on another site may make a browser send requests to this server under
/// the other site's name. Without a token nothing else stops it, so only requests addressed to
/// a loopback name (or a configured one) are served.
pub async fn check_host(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if state.token.is_some() {
        return Ok(next.run(request).await);
    }
    let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    match host {
        Some(host) if host_allowed(host, &state.allowed_hosts) => Ok(next.run(request).await),
        Some(host) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "host_not_allowed",
            format!(
                "requests for {:?} are not served: this server has no token, so it answers only \
                 loopback names (add the name to server.allowed_hosts behind a proxy)",
                host_name(host)
            ),
        )),
        None => Err(ApiError::bad_request("missing_host", "the request has no Host header")),
    }
}

/// Refuses request targets longer than [`MAX_URI`].
pub async fn limit_uri(request: Request, next: Next) -> Result<Response, ApiError> {
    let length = request.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if length > MAX_URI {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request target is {length} bytes long; at most {MAX_URI} are served"),
        ));
    }
    Ok(next.run(request).await)
}

/// The machine-readable code of an error status the framework answered by itself.
fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::LENGTH_REQUIRED => "length_required",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}

/// Every error response is the documented JSON shape, whoever made it: a handler, an extractor,
/// or the router itself (404 for an unknown path, 405 with `Allow`, 413 from the body limit).
/// Headers (`Allow`, `WWW-Authenticate`) are kept.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let message = match (status, text.is_empty()) {
        (StatusCode::NOT_FOUND, _) => "no such endpoint".to_owned(),
        (StatusCode::METHOD_NOT_ALLOWED, _) => {
            let allow = parts.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or_default();
            format!("this endpoint does not take that method; it takes {allow}")
        }
        (_, true) => status.canonical_reason().unwrap_or("error").to_owned(),
        (_, false) => text,
    };
    let json = ApiError::new(status, code_for(status), message).into_response();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    let (_, body) = json.into_parts();
    Response::from_parts(parts, body)
}

/// A handler that panicked: the client gets a 500 in the JSON error shape, never a dropped
/// connection, and the panic is logged.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned());
    tracing::error!(panic = %what, "a request handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed to answer this request")
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_schemes_are_case_insensitive() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer abc"), Some("abc"));
        assert_eq!(bearer("BEARER  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
    }

    #[test]
    fn only_loopback_and_configured_hosts_are_allowed() {
        let allowed = vec!["media.example.org".to_owned(), "proxy:8443".to_owned()];
        for host in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "[::1]",
            "app.localhost",
            "LOCALHOST.",
        ] {
            assert!(host_allowed(host, &[]), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "192.168.1.2:8080",
            "[::2]:80",
            "",
        ] {
            assert!(!host_allowed(host, &[]), "{host}");
        }
        assert!(host_allowed("media.example.org:443", &allowed));
        assert!(host_allowed("proxy:8443", &allowed));
        assert!(!host_allowed("proxy:9999", &allowed));
    }
}
