//! One film or episode (`/items/{id}`) and one file (`/media/{id}`): every stored field in
//! readable form, the playback decision per profile with its reasons, and the edit form.

use axum::Extension;
use axum::extract::State;
use maud::{Markup, html};

use scanner_core::items::{self, ItemId};
use scanner_core::{MediaId, MediaRecord, ParsedName};

use super::edit::Rejected;
use super::layout::{self, Nav, count, or_dash, when, when_opt};
use super::{Ctx, PageResult, WebError, WebPath, html};
use crate::api::{ApiError, AppState};

fn row(label: &str, value: Markup) -> Markup {
    html! { dt { (label) } dd { (value) } }
}

fn text<T: std::fmt::Display>(value: Option<T>) -> Markup {
    html! { (or_dash(value)) }
}

fn facts(r: &MediaRecord) -> Markup {
    html! {
        dl.facts {
            (row("Path", html! { span.path { (r.path.display()) } }))
            (row("Library", text(r.library.as_deref())))
            (row("Status", html! { (r.status.as_str()) @if let Some(e) = &r.error { ": " span.bad { (e) } } }))
            (row("Size", html! { (layout::size(r.size_bytes)) " (" (count(r.size_bytes)) " bytes)" }))
            (row("Modified", when(r.modified_at)))
            (row("First seen", when(r.first_seen_at)))
            (row("Last scanned", when(r.last_scanned_at)))
            @if r.missing_since.is_some() { (row("Missing since", when_opt(r.missing_since))) }
            (row("Container", text(r.info.container.as_deref())))
            (row("Length", html! { (r.info.duration_secs.map_or_else(|| "–".to_owned(), layout::duration)) }))
            (row("Bit rate", html! { (r.info.bit_rate.map_or_else(|| "–".to_owned(), |b| format!("{} kb/s", b / 1000))) }))
            (row("Cover art inside", html! { (if r.info.cover_art { "yes" } else { "no" }) }))
            (row("Probed by", text(r.info.probe.as_deref())))
        }
    }
}

fn parsed(p: &ParsedName, r: &MediaRecord) -> Markup {
    let o = &r.overrides;
    let mark = |set: bool| {
        if set {
            html! { " " small.warn { "(edited)" } }
        } else {
            html! {}
        }
    };
    let episodes = p.episodes.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    html! {
        dl.facts {
            (row("Kind", html! { (p.kind.as_str()) (mark(o.kind.is_some())) }))
            (row("Show", html! { (or_dash(p.show.as_deref())) (mark(o.show.is_some())) }))
            (row("Season", html! { (or_dash(p.season)) (mark(o.season.is_some())) }))
            (row("Episodes", html! { (if episodes.is_empty() { "–".to_owned() } else { episodes }) (mark(o.episodes.is_some())) }))
            (row("Title", html! { (or_dash(p.title.as_deref())) (mark(o.title.is_some())) }))
            (row("Year", html! { (or_dash(p.year)) (mark(o.year.is_some())) }))
            (row("Absolute episode", text(p.absolute_episode)))
            (row("Date", text(p.date)))
            (row("Part", text(p.part)))
            (row("Version", text(p.version)))
            (row("Label", text(p.label.as_deref())))
            (row("Resolution", text(p.resolution.as_deref())))
            (row("Source", text(p.source.as_deref())))
            (row("Codecs named", html! { (or_dash(p.video_codec.as_deref())) " / " (or_dash(p.audio_codec.as_deref())) }))
            (row("Release group", text(p.release_group.as_deref())))
            (row("Checksum", text(p.checksum.as_deref())))
            @if let Some(extra) = &p.extra_type { (row("Extra", html! { (format!("{extra:?}").to_lowercase()) })) }
            (row("Provider ids", html! {
                (ids(p.ids.imdb.clone(), p.ids.tmdb.map(|i| i.to_string()), p.ids.tvdb.map(|i| i.to_string())))
                (mark(o.tmdb.is_some() || o.imdb.is_some() || o.tvdb.is_some()))
            }))
        }
    }
}

/// Provider ids (`imdb tt0133093 tmdb 603`), from the name or from the .nfo file.
fn ids(imdb: Option<String>, tmdb: Option<String>, tvdb: Option<String>) -> Markup {
    let named: Vec<String> = [("imdb", imdb), ("tmdb", tmdb), ("tvdb", tvdb)]
        .into_iter()
        .filter_map(|(name, id)| id.map(|id| format!("{name} {id}")))
        .collect();
    html! { (if named.is_empty() { "–".to_owned() } else { named.join(", ") }) }
}

fn streams(r: &MediaRecord) -> Markup {
    let yes = |b: bool| if b { "yes" } else { "" };
    html! {
        h3 { "Video" }
        @if let Some(v) = &r.info.video {
            dl.facts {
                (row("Stream", html! { "#" (v.index) ": " (v.codec) " " (or_dash(v.profile.as_deref())) " level " (or_dash(v.level)) }))
                (row("Codec tag", text(v.codec_tag.as_deref())))
                (row("Size", html! { (or_dash(v.width)) " × " (or_dash(v.height)) " (" (v.resolution().unwrap_or("–")) ")" }))
                (row("Frame rate", html! { (or_dash(v.frame_rate.map(|f| format!("{f:.3}")))) " (average " (or_dash(v.avg_frame_rate.map(|f| format!("{f:.3}")))) ")" }))
                (row("Pixels", html! { (or_dash(v.pix_fmt.as_deref())) ", " (or_dash(v.bit_depth)) " bit, chroma " (v.chroma().unwrap_or("–")) }))
                (row("Colour", html! { (or_dash(v.color_range.as_deref())) " / " (or_dash(v.color_space.as_deref())) " / " (or_dash(v.color_transfer.as_deref())) " / " (or_dash(v.color_primaries.as_deref())) }))
                (row("Dynamic range", html! { (v.hdr.as_str()) @if let Some(d) = &v.dovi { " (Dolby Vision profile " (d.profile) ", level " (d.level) ", compatibility " (d.bl_compat_id) ")" } }))
                (row("Scan", html! { (or_dash(v.field_order.as_deref())) @if v.interlaced() { " (interlaced)" } }))
                (row("Aspect", html! { "sample " (or_dash(v.sample_aspect_ratio.as_deref())) ", display " (or_dash(v.display_aspect_ratio.as_deref())) }))
                (row("Rotation", text(v.rotation)))
                (row("Bit rate", text(v.bit_rate.map(|b| format!("{} kb/s", b / 1000)))))
            }
        } @else { p.muted { "None." } }
        h3 { "Audio" }
        div.scroll { table {
            thead { tr { th { "#" } th { "Codec" } th { "Channels" } th { "Rate" } th { "Bit rate" } th { "Language" } th { "Default" } th { "Forced" } th { "Title" } } }
            tbody { @for a in &r.info.audio { tr {
                td { (a.index) } td { (a.codec) " " (a.profile.as_deref().unwrap_or("")) }
                td { (or_dash(a.channels)) " " (a.channel_layout.as_deref().unwrap_or("")) }
                td { (or_dash(a.sample_rate)) } td { (or_dash(a.bit_rate.map(|b| format!("{} kb/s", b / 1000)))) }
                td { (or_dash(a.language.as_deref())) } td { (yes(a.default)) } td { (yes(a.forced)) } td { (or_dash(a.title.as_deref())) }
            } } }
        } }
        h3 { "Subtitles" }
        div.scroll { table {
            thead { tr { th { "#" } th { "Codec" } th { "Language" } th { "Default" } th { "Forced" } th { "Hearing impaired" } th { "Text" } th { "File beside" } th { "Title" } } }
            tbody { @for s in &r.info.subtitles { tr {
                td { (s.index) } td { (s.codec) } td { (or_dash(s.language.as_deref())) } td { (yes(s.default)) } td { (yes(s.forced)) }
                td { (yes(s.hearing_impaired)) } td { (yes(s.text)) }
                td.path { @if s.external { (or_dash(s.path.as_deref())) } } td { (or_dash(s.title.as_deref())) }
            } } }
        } }
        h3 { "Chapters (" (r.info.chapters.len()) ")" }
        @if !r.info.chapters.is_empty() {
            div.scroll { table {
                thead { tr { th { "Start" } th { "End" } th { "Title" } } }
                tbody { @for c in &r.info.chapters { tr { td { (layout::duration(c.start_secs)) } td { (layout::duration(c.end_secs)) } td { (or_dash(c.title.as_deref())) } } } }
            } }
        }
    }
}

fn sidecars(r: &MediaRecord) -> Markup {
    html! {
        h3 { "From the .nfo file" }
        @if let Some(m) = &r.metadata {
            dl.facts {
                (row("Title", text(m.title.as_deref()))) (row("Original title", text(m.original_title.as_deref())))
                (row("Year", text(m.year))) (row("Ids", ids(m.ids.imdb.clone(), m.ids.tmdb.clone(), m.ids.tvdb.clone()))) (row("Plot", text(m.plot.as_deref())))
            }
        } @else { p.muted { "No readable .nfo file." } }
        h3 { "Artwork (" (r.artwork.len()) ")" }
        ul { @for art in &r.artwork { li.path { (art) } } }
    }
}

fn playback(r: &MediaRecord) -> Markup {
    html! {
        @if let Some(c) = &r.compatibility {
            p { "In the library's profile: " @if c.compatible { strong.ok { "plays directly" } } @else { strong.warn { "needs work" } } }
        }
        @if r.playback.is_empty() { p.muted { "Not decided: the file could not be probed." } }
        @else {
            div.scroll { table {
                thead { tr { th { "Profile" } th { "Decision" } th { "Reasons" } } }
                tbody { @for (profile, p) in &r.playback { tr {
                    td { (profile) } td { (p.decision.as_str().replace('_', " ")) }
                    td { ul { @for reason in &p.reasons { li { code { (reason.code) } ": " (reason.text) } } } }
                } } }
            } }
        }
    }
}

/// Everything about one file, with its edit form (as refused, when `rejected`).
pub(crate) async fn file_section(
    state: &AppState,
    ctx: &Ctx,
    r: &MediaRecord,
    rejected: Option<&Rejected>,
) -> Result<Markup, WebError> {
    let history = state.app.edits().history(r.id).await.map_err(ApiError::catalog)?.unwrap_or_default();
    Ok(html! {
        section.card aria-label="File" {
            (facts(r))
            h2 { "What the name says" } (parsed(&r.parsed, r))
            h2 { "Edit" } (super::edit::form(ctx, r, &history, rejected))
            h2 { "Streams" } (streams(r))
            h2 { "Sidecars" } (sidecars(r))
            h2 { "Playback" } (playback(r))
            details {
                summary { "Every stored field (JSON)" }
                pre.path { (serde_json::to_string_pretty(r).unwrap_or_default()) }
            }
        }
    })
}

fn heading(r: &MediaRecord) -> String {
    let p = &r.parsed;
    match (&p.show, p.season) {
        (Some(show), Some(season)) => {
            let episodes: String = p.episodes.iter().map(|e| format!("E{e:02}")).collect();
            format!(
                "{show} S{season:02}{episodes}{}",
                p.title.as_ref().map(|t| format!(" · {t}")).unwrap_or_default()
            )
        }
        _ => match (&p.title, p.year) {
            (Some(title), Some(year)) => format!("{title} ({year})"),
            (Some(title), None) => title.clone(),
            _ => r
                .path
                .file_name()
                .map_or_else(|| r.path.display().to_string(), |n| n.to_string_lossy().into_owned()),
        },
    }
}

fn crumbs(r: &MediaRecord) -> Markup {
    html! {
        nav aria-label="Breadcrumb" {
            a href="/catalog" { "Catalog" }
            @if let Some(show) = &r.parsed.show {
                " › " a href=(format!("/shows/{}", layout::encode(show))) { (show) }
                @if let Some(season) = r.parsed.season {
                    " › " a href=(format!("/shows/{}#season-{season}", layout::encode(show))) { "Season " (season) }
                }
            }
        }
    }
}

pub(crate) async fn media(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebPath(id): WebPath<MediaId>,
) -> PageResult {
    let record = state.app.catalog().get(id).await.map_err(ApiError::catalog)?;
    let record = record.ok_or_else(|| WebError::not_found(format!("no media with id {id}")))?;
    media_page(&state, &ctx, &record, None).await
}

/// The page of the file `record`, its edit form as refused when `rejected`.
pub(crate) async fn media_page(
    state: &AppState,
    ctx: &Ctx,
    record: &MediaRecord,
    rejected: Option<&Rejected>,
) -> PageResult {
    let title = heading(record);
    let body = html! { (crumbs(record)) h1 { (title) } (file_section(state, ctx, record, rejected).await?) };
    Ok(html(layout::page(&title, Nav::Catalog, ctx, body)))
}

pub(crate) async fn item(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebPath(id): WebPath<ItemId>,
) -> PageResult {
    let files = state.app.catalog().item_files(vec![id]).await.map_err(ApiError::catalog)?;
    let item = items::group(&files)
        .into_iter()
        .next()
        .ok_or_else(|| WebError::not_found(format!("no item with id {id}")))?;
    let first = item.versions.first().and_then(|v| v.parts.first()).map(|p| p.media_id);
    let record = files.iter().find(|r| Some(r.id) == first).or(files.first());
    let record = record.ok_or_else(|| WebError::not_found(format!("no item with id {id}")))?;
    let title = heading(record);
    let body = html! {
        (crumbs(record))
        h1 { (title) }
        dl.facts {
            (row("Kind", html! { (item.kind.as_str()) }))
            (row("Length", html! { (item.duration_secs.map_or_else(|| "–".to_owned(), layout::duration)) }))
            (row("Versions", html! { ul { @for v in &item.versions { li {
                (v.label.as_deref().unwrap_or("main")) ": "
                @for part in &v.parts { a.path href=(format!("/media/{}", part.media_id)) { (part.path.display()) } " " }
            } } } }))
            @if !item.extras.is_empty() {
                (row("Extras", html! { ul { @for x in &item.extras { li { a href=(format!("/media/{}", x.media_id)) { (format!("{:?}", x.extra_type).to_lowercase()) } } } } }))
            }
        }
        (file_section(&state, &ctx, record, None).await?)
    };
    Ok(html(layout::page(&title, Nav::Catalog, &ctx, body)))
}
