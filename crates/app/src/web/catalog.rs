//! The catalog: files with search and filters (`/catalog`, paged by the API's keyset cursor, so
//! page 1 000 costs what page 1 does), and shows › seasons › episodes with gaps marked.

use axum::Extension;
use axum::extract::{RawQuery, State};
use maud::{Markup, html};

use scanner_core::streams::ResolutionClass;
use scanner_core::{Decision, HdrKind, MediaKind, MediaRecord, MediaStatus};

use super::layout::{self, Nav, count};
use super::{Ctx, PageResult, WebError, WebPath, WebQuery, html};
use crate::api::AppState;
use crate::api::error::{ApiPath, ApiQuery};
use crate::api::items::ShowTreeParams;
use crate::api::media::{MediaParams, ShowParams};

const KINDS: [MediaKind; 5] =
    [MediaKind::Movie, MediaKind::Episode, MediaKind::Extra, MediaKind::Sample, MediaKind::Unknown];
const STATUSES: [MediaStatus; 3] = [MediaStatus::Ok, MediaStatus::Failed, MediaStatus::Missing];

fn filters(state: &AppState, p: &MediaParams) -> Markup {
    let profiles: Vec<(String, String)> =
        state.app.settings().profiles.all().iter().map(|p| (p.name.clone(), p.name.clone())).collect();
    html! {
        form.filters method="get" action="/catalog" role="search" {
            label { "Search" input type="search" name="q" value=[p.q.as_deref()] maxlength="1000" placeholder="show or title"; }
            (layout::library_select(state, p.library.as_deref()))
            (layout::select("Kind", "kind", p.kind.map(MediaKind::as_str), &layout::options(KINDS.map(MediaKind::as_str))))
            label { "Video codec" input name="codec" value=[p.codec.as_deref()] size="8" maxlength="64" pattern="[A-Za-z0-9_]{1,64}" placeholder="hevc"; }
            (layout::select("Resolution", "resolution", p.resolution.as_deref(), &layout::options(ResolutionClass::NAMES)))
            (layout::select("HDR", "hdr", p.hdr.map(HdrKind::as_str), &layout::options(HdrKind::ALL.map(HdrKind::as_str))))
            (layout::select("Profile", "profile", p.profile.as_deref(), &profiles))
            (layout::select("Decision", "decision", p.decision.map(Decision::as_str), &layout::options(Decision::ALL.map(Decision::as_str))))
            (layout::select("Status", "status", p.status.map(MediaStatus::as_str), &layout::options(STATUSES.map(MediaStatus::as_str))))
            button type="submit" { "Search" }
            a href="/catalog" { "Clear" }
        }
    }
}

/// What a row says about playback: the decision in the chosen profile, else direct play in the
/// library's.
fn playback(record: &MediaRecord, profile: Option<&str>) -> String {
    match profile {
        Some(profile) => record.playback.get(profile).map_or("–", |p| p.decision.as_str()).replace('_', " "),
        None => match &record.compatibility {
            Some(c) if c.compatible => "direct play".to_owned(),
            Some(_) => "needs work".to_owned(),
            None => "–".to_owned(),
        },
    }
}

fn rows(records: &[MediaRecord], profile: Option<&str>) -> Markup {
    html! {
        div.scroll { table {
            thead { tr {
                th { "File" } th.hide-narrow { "Kind" } th { "Show / title" } th.hide-narrow { "Video" } th.hide-narrow { "HDR" }
                th.num { "Size" } th.num.hide-narrow { "Length" } th { "Status" } th { "Playback" }
            } }
            tbody { @for r in records {
                @let video = r.info.video.as_ref();
                tr {
                    td.path { a href=(format!("/media/{}", r.id)) { (r.path.file_name().map_or_else(|| r.path.display().to_string(), |n| n.to_string_lossy().into_owned())) } }
                    td.hide-narrow { (r.parsed.kind.as_str()) }
                    td {
                        @if let Some(show) = &r.parsed.show {
                            a href=(format!("/shows/{}", layout::encode(show))) { (show) }
                            @if let Some(season) = r.parsed.season { " S" (format!("{season:02}")) }
                            @for e in &r.parsed.episodes { "E" (format!("{e:02}")) }
                            @if let Some(title) = &r.parsed.title { " · " (title) }
                        } @else { (layout::or_dash(r.parsed.title.as_deref())) @if let Some(y) = r.parsed.year { " (" (y) ")" } }
                    }
                    td.hide-narrow { (video.map_or("–", |v| v.codec.as_str())) " " (video.and_then(|v| v.resolution()).unwrap_or("")) }
                    td.hide-narrow { (video.map_or("–", |v| v.hdr.as_str())) }
                    td.num { (layout::size(r.size_bytes)) }
                    td.num.hide-narrow { (r.info.duration_secs.map_or_else(|| "–".to_owned(), layout::duration)) }
                    td { (r.status.as_str()) }
                    td { (playback(r, profile)) }
                }
            } }
        } }
    }
}

/// The query string with `cursor` replaced (for the next page) or dropped (for the first).
fn with_cursor(raw: Option<&str>, cursor: Option<&str>) -> String {
    let mut pairs: Vec<&str> = raw
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor=") && !p.starts_with("offset="))
        .collect();
    let next = cursor.map(|c| format!("cursor={c}"));
    pairs.extend(next.as_deref());
    if pairs.is_empty() { "/catalog".to_owned() } else { format!("/catalog?{}", pairs.join("&")) }
}

pub(crate) async fn files(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    RawQuery(raw): RawQuery,
    WebQuery(params): WebQuery<MediaParams>,
) -> PageResult {
    let form = filters(&state, &params);
    let profile = params.profile.clone();
    let paged = params.cursor.is_some() || params.offset.is_some();
    let limit = params.limit.unwrap_or(100);
    let params = MediaParams { limit: Some(limit), ..params };
    let axum::Json(page) = crate::api::media::list_media(State(state.clone()), ApiQuery(params)).await?;
    let raw = raw.map(|r| super::without_empty(&r));
    let body = html! {
        h1 { "Catalog" }
        p { a href="/shows" { "Browse by show" } }
        (form)
        p aria-live="polite" { @if page.total_capped { "More than " } (count(page.total)) " files match." }
        (rows(&page.items, profile.as_deref()))
        nav.pager aria-label="Pages" {
            @if paged { a href=(with_cursor(raw.as_deref(), None)) { "First page" } }
            @if let Some(cursor) = &page.next_cursor { a href=(with_cursor(raw.as_deref(), Some(cursor))) rel="next" { "Next page" } }
        }
    };
    Ok(html(layout::page("Catalog", Nav::Catalog, &ctx, body)))
}

pub(crate) async fn shows(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebQuery(params): WebQuery<ShowParams>,
) -> PageResult {
    let (q, library, offset) = (params.q.clone(), params.library.clone(), params.offset.unwrap_or(0));
    let axum::Json(list) = crate::api::media::list_shows(State(state.clone()), ApiQuery(params)).await?;
    let body = html! {
        h1 { "Shows" }
        form.filters method="get" action="/shows" role="search" {
            label { "Search" input type="search" name="q" value=[q.as_deref()] maxlength="1000"; }
            (layout::library_select(&state, library.as_deref()))
            button type="submit" { "Search" }
        }
        p { (count(list.total)) " shows." }
        div.scroll { table {
            thead { tr { th { "Show" } th.num { "Seasons" } th.num { "Episode files" } } }
            tbody { @for show in &list.shows {
                tr {
                    td { a href=(format!("/shows/{}", layout::encode(&show.show))) { (show.show) } @if let Some(y) = show.year { " (" (y) ")" } }
                    td.num { (show.seasons) } td.num { (count(show.episodes)) }
                }
            } }
        } }
        nav.pager aria-label="Pages" {
            @if offset > 0 { a href=(format!("/shows{}", layout::query(&[("q", q.as_deref()), ("library", library.as_deref())]))) { "First page" } }
            @if let Some(next) = list.next_offset {
                a rel="next" href=(format!("/shows{}", layout::query(&[("q", q.as_deref()), ("library", library.as_deref()), ("offset", Some(&next.to_string()))]))) { "Next page" }
            }
        }
    };
    Ok(html(layout::page("Shows", Nav::Catalog, &ctx, body)))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebPath(name): WebPath<String>,
    WebQuery(params): WebQuery<ShowTreeParams>,
) -> PageResult {
    if name.chars().count() > crate::api::MAX_TEXT {
        return Err(WebError::bad_request("a show name is at most 1000 characters"));
    }
    let axum::Json(tree) = crate::api::items::get_show(State(state), ApiPath(name), ApiQuery(params)).await?;
    let title = match tree.year {
        Some(year) => format!("{} ({year})", tree.show),
        None => tree.show.clone(),
    };
    let body = html! {
        nav aria-label="Breadcrumb" { a href="/shows" { "Shows" } " › " (title) }
        h1 { (title) }
        p.hint { "Dashed: no file holds the episode though a later one is there. Outlined in amber: more than one item claims it." }
        @for season in &tree.seasons {
            section aria-labelledby=(format!("season-{}", season.season)) {
                h2 id=(format!("season-{}", season.season)) {
                    @if season.season == 0 { "Specials" } @else { "Season " (season.season) }
                    @let gaps = season.episodes.iter().filter(|e| e.missing).count();
                    @if gaps > 0 { " " span.bad { "(" (gaps) " missing)" } }
                }
                ol.episodes {
                    @for e in &season.episodes {
                        @let class = if e.missing { "gap" } else if e.duplicate { "dup" } else { "" };
                        li class=(class) {
                            @match e.item_id {
                                Some(item) => { a href=(format!("/items/{item}")) { "E" (format!("{:02}", e.episode)) } }
                                None => { span title="missing" { "E" (format!("{:02}", e.episode)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html(layout::page(&title, Nav::Catalog, &ctx, body)))
}
