//! Who may see the dashboard: sessions behind a login, and the CSRF token of every form.
//!
//! With a token configured, `/login` trades it for a random session id in an `HttpOnly`,
//! `SameSite=Strict` cookie; sessions live in memory (at most [`MAX_SESSIONS`], each for
//! [`SESSION_TTL`]), so a restart logs everyone out. Without a token the server only answers
//! loopback names (the API's Host check) and no login is asked. Either way every POST must carry
//! the `csrf` field of the page it came from: the session's token, or without a session a token
//! drawn when the server started. Another site can make a browser send a form here, but cannot
//! read a page to learn the token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::{Ctx, PageResult, Web, WebError, WebForm, WebQuery, layout, see_other};
use crate::api::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "mediascan_session";
/// How long a session lasts after login.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
/// Most sessions held at once; logging in beyond it ends the oldest.
pub const MAX_SESSIONS: usize = 1024;
/// Largest form body accepted (the dashboard's forms are a few hundred bytes).
pub const MAX_FORM: usize = 16 * 1024;
/// Longest `next` address a login returns to.
const MAX_NEXT: usize = 2048;

/// 244 random bits in hex (two version-4 UUIDs, from the operating system's generator).
fn random_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

#[derive(Debug)]
struct Session {
    csrf: String,
    expires: Instant,
}

#[derive(Debug)]
pub(crate) struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
    /// The CSRF token of pages served without a session.
    anonymous_csrf: String,
}

impl Default for Sessions {
    fn default() -> Self {
        Self { by_id: Mutex::default(), anonymous_csrf: random_token() }
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_id.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new session: its id and CSRF token.
    fn create(&self) -> String {
        let now = Instant::now();
        let mut sessions = self.lock();
        sessions.retain(|_, s| s.expires > now);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.expires).map(|(id, _)| id.clone())
        {
            sessions.remove(&oldest);
        }
        let id = random_token();
        sessions.insert(id.clone(), Session { csrf: random_token(), expires: now + SESSION_TTL });
        id
    }

    /// The CSRF token of a live session.
    fn csrf(&self, id: &str) -> Option<String> {
        let mut sessions = self.lock();
        match sessions.get(id) {
            Some(s) if s.expires > Instant::now() => Some(s.csrf.clone()),
            Some(_) => {
                sessions.remove(id);
                None
            }
            None => None,
        }
    }

    fn remove(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// The session id the request's cookie names, if it looks like one this server gives out.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
        .find(|id| id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The raw value of `name` in a URL-encoded form.
fn form_field<'a>(body: &'a [u8], name: &str) -> Option<&'a [u8]> {
    body.split(|b| *b == b'&').find_map(|pair| pair.strip_prefix(name.as_bytes())?.strip_prefix(b"="))
}

/// A local address to return to after login: a path on this server, never another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && next.len() <= MAX_NEXT
                && !next.chars().any(char::is_control) =>
        {
            next
        }
        _ => "/",
    }
}

/// Lets a request through when it may see the dashboard, with its [`Ctx`]; checks the CSRF
/// token of every POST before any handler reads the form.
pub(crate) async fn guard(
    State((state, web)): State<(AppState, Arc<Web>)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/assets/") || super::is_api_path(path) {
        return next.run(request).await;
    }
    let anonymous = || Ctx { csrf: web.sessions.anonymous_csrf.clone(), logged_in: false };
    let ctx = if state.token.is_none() {
        anonymous()
    } else {
        match session_id(request.headers()).and_then(|id| web.sessions.csrf(id)) {
            Some(csrf) => Ctx { csrf, logged_in: true },
            None if path == "/login" => anonymous(),
            None if request.method() == Method::GET || request.method() == Method::HEAD => {
                let wanted = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
                return see_other(&format!("/login?next={}", layout::encode(safe_next(Some(wanted)))));
            }
            None => return WebError::new(StatusCode::FORBIDDEN, "Log in first.").into_response(),
        }
    };
    let mut request = request;
    if request.method() == Method::POST {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM).await else {
            return WebError::new(StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response();
        };
        let given = form_field(&bytes, "csrf").unwrap_or_default();
        if !crate::api::same_secret(given, ctx.csrf.as_bytes()) {
            return WebError::new(
                StatusCode::FORBIDDEN,
                "The form's CSRF token is missing or out of date: go back, reload the page and try again.",
            )
            .into_response();
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    request.extensions_mut().insert(ctx);
    next.run(request).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

pub(crate) async fn login_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebQuery(query): WebQuery<LoginQuery>,
) -> PageResult {
    if state.token.is_none() || ctx.logged_in {
        return Ok(see_other(safe_next(query.next.as_deref())));
    }
    Ok(login_form(&ctx, safe_next(query.next.as_deref()), None, StatusCode::OK))
}

fn login_form(ctx: &Ctx, next: &str, problem: Option<&str>, status: StatusCode) -> Response {
    let body = html! {
        h1 { "Log in" }
        @if let Some(problem) = problem { p.flash.bad role="alert" { (problem) } }
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(ctx.csrf);
            input type="hidden" name="next" value=(next);
            label for="token" { "API token" }
            input #token type="password" name="token" required autocomplete="current-password" autofocus;
            p.hint { "The token set with " code { "--token" } " or " code { "server.token" } "." }
            button type="submit" { "Log in" }
        }
    };
    (status, super::html(layout::page("Log in", layout::Nav::None, ctx, body))).into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    token: Option<String>,
    next: Option<String>,
}

pub(crate) async fn login(
    State(state): State<AppState>,
    Extension(web): Extension<Arc<Web>>,
    Extension(ctx): Extension<Ctx>,
    WebForm(form): WebForm<LoginForm>,
) -> PageResult {
    let next = safe_next(form.next.as_deref()).to_owned();
    let Some(token) = &state.token else { return Ok(see_other(&next)) };
    let given = form.token.unwrap_or_default();
    if given.len() > 4096 || !crate::api::same_secret(given.as_bytes(), token.as_bytes()) {
        return Ok(login_form(&ctx, &next, Some("That is not the token."), StatusCode::UNAUTHORIZED));
    }
    let id = web.sessions.create();
    let cookie = format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_TTL.as_secs()
    );
    let mut response = see_other(&next);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

pub(crate) async fn logout(Extension(web): Extension<Arc<Web>>, request: Request) -> Response {
    if let Some(id) = session_id(request.headers()) {
        web.sessions.remove(id);
    }
    let mut response = see_other("/login");
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_next(Some("/catalog?q=x")), "/catalog?q=x");
        for bad in ["//evil.example/", "https://evil.example/", "/\\evil", "", "x", "/a\nb"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn session_cookies_are_found_among_others() {
        let id = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers
            .insert(header::COOKIE, HeaderValue::from_str(&format!("a=1; {SESSION_COOKIE}={id}")).unwrap());
        assert_eq!(session_id(&headers), Some(id.as_str()));
        headers.insert(header::COOKIE, HeaderValue::from_static("mediascan_session=short"));
        assert_eq!(session_id(&headers), None);
    }

    #[test]
    fn sessions_are_bounded_and_expire() {
        let sessions = Sessions::default();
        let first = sessions.create();
        assert!(sessions.csrf(&first).is_some());
        for _ in 0..MAX_SESSIONS {
            sessions.create();
        }
        assert_eq!(sessions.lock().len(), MAX_SESSIONS);
        assert!(sessions.csrf(&first).is_none(), "the oldest session made room");
        let id = sessions.create();
        sessions.lock().get_mut(&id).unwrap().expires = Instant::now();
        assert!(sessions.csrf(&id).is_none());
    }

    #[test]
    fn form_fields_are_read_raw() {
        assert_eq!(form_field(b"a=1&csrf=abc&b=2", "csrf"), Some(&b"abc"[..]));
        assert_eq!(form_field(b"xcsrf=abc", "csrf"), None);
        assert_eq!(layout::encode("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
    }
}
