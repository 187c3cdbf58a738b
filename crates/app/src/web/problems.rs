//! What needs a hand (`/problems`): files that failed to probe, grouped by the kind of error,
//! with a retry per file and per group; missing files and how to prune them; and the files each
//! client profile would have to transcode, by reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use maud::{Markup, html};
use serde::Deserialize;

use scanner_core::{MediaId, MediaRecord, MediaStatus};

use super::layout::{self, Nav, count, when_opt};
use super::{Ctx, PageResult, Web, WebError, WebForm, WebPath, WebQuery, html};
use crate::ScanFlags;
use crate::api::AppState;
use crate::api::error::ApiQuery;
use crate::api::media::MediaParams;

/// Failed and missing files listed per page (the counts cover them all).
const LISTED: u64 = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProblemParams {
    library: Option<String>,
}

/// The kind of a probe error: its text up to the first colon (`ffprobe failed`, `timed out`),
/// so that files failing alike are listed together.
pub(crate) fn error_kind(error: Option<&str>) -> String {
    let text = error.unwrap_or("unknown error").trim();
    let head = text.split(':').next().unwrap_or(text).trim();
    let head: String = head.chars().take(80).collect();
    if head.is_empty() { "unknown error".to_owned() } else { head }
}

async fn records(
    state: &AppState,
    library: &Option<String>,
    status: MediaStatus,
) -> Result<(Vec<MediaRecord>, u64), WebError> {
    let params = MediaParams {
        library: library.clone(),
        status: Some(status),
        limit: Some(LISTED),
        ..MediaParams::default()
    };
    let axum::Json(page) = crate::api::media::list_media(State(state.clone()), ApiQuery(params)).await?;
    Ok((page.items, page.total))
}

fn failed_section(ctx: &Ctx, failed: &[MediaRecord], total: u64) -> Markup {
    let mut groups: BTreeMap<String, Vec<&MediaRecord>> = BTreeMap::new();
    for record in failed {
        groups.entry(error_kind(record.error.as_deref())).or_default().push(record);
    }
    html! {
        h2 #failed { "Failed to probe (" (count(total)) ")" }
        @if total > failed.len() as u64 { p.muted { "The first " (failed.len()) " are listed." } }
        @if failed.is_empty() { p.muted { "None." } }
        @for (kind, records) in &groups {
            section aria-label=(kind) {
                h3 { (kind) " " span.muted { "(" (records.len()) ")" } }
                @for library in records.iter().filter_map(|r| r.library.as_deref()).collect::<std::collections::BTreeSet<_>>() {
                    (layout::button_form(ctx, "/problems/retry", &[("library", library), ("kind", kind)],
                        &format!("Retry these in {library}"), ""))
                }
                div.scroll { table {
                    thead { tr { th { "File" } th { "Error" } th { "" } } }
                    tbody { @for record in records {
                        tr {
                            td.path { a href=(format!("/media/{}", record.id)) { (record.path.display()) } }
                            td { (record.error.as_deref().unwrap_or("")) }
                            td { @if record.library.is_some() {
                                (layout::button_form(ctx, &format!("/media/{}/retry", record.id), &[], "Retry", ""))
                            } }
                        }
                    } }
                } }
            }
        }
    }
}

fn missing_section(ctx: &Ctx, missing: &[MediaRecord], total: u64) -> Markup {
    let libraries: std::collections::BTreeSet<&str> =
        missing.iter().filter_map(|r| r.library.as_deref()).collect();
    html! {
        h2 #missing { "Missing (" (count(total)) ")" }
        p.hint { "Files a completed scan did not find. Their records (and your edits) stay until pruned." }
        @if missing.is_empty() { p.muted { "None." } }
        @else {
            div.actions { @for library in libraries {
                (layout::button_form(ctx, &format!("/libraries/{library}/scan"), &[("mode", "prune")],
                    &format!("Scan {library} and prune its missing files"), "danger"))
            } }
            div.scroll { table {
                thead { tr { th { "File" } th { "Missing since" } } }
                tbody { @for record in missing {
                    tr { td.path { a href=(format!("/media/{}", record.id)) { (record.path.display()) } }
                         td { (when_opt(record.missing_since)) } }
                } }
            } }
        }
    }
}

fn transcode_section(report: &scanner_core::report::LibraryReport, library: Option<&str>) -> Markup {
    html! {
        h2 #transcode { "Not playing directly, by profile" }
        p.hint { "The reasons count every file a profile cannot play as it is (a file may have several)." }
        @for (profile, p) in &report.profiles {
            @let transcodes: u64 = p.decisions.iter().filter(|(d, _)| d.starts_with("transcode")).map(|(_, t)| t.files).sum();
            @let remuxes = p.decisions.get("remux").map_or(0, |t| t.files);
            section aria-label=(profile) {
                h3 { (profile) ": " (count(transcodes)) " to transcode, " (count(remuxes)) " to remux "
                    a href=(format!("/catalog{}", layout::query(&[("library", library), ("profile", Some(profile)), ("decision", Some("transcode"))]))) { "list them" }
                }
                @if !p.top_reasons.is_empty() {
                    table { thead { tr { th { "Reason" } th.num { "Files" } } }
                        tbody { @for reason in &p.top_reasons { tr { td { code { (reason.code) } } td.num { (count(reason.files)) } } } }
                    }
                }
            }
        }
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(web): Extension<Arc<Web>>,
    Extension(ctx): Extension<Ctx>,
    WebQuery(params): WebQuery<ProblemParams>,
) -> PageResult {
    let (failed, failed_total) = records(&state, &params.library, MediaStatus::Failed).await?;
    let (missing, missing_total) = records(&state, &params.library, MediaStatus::Missing).await?;
    let figures = super::libraries::figures(&state, &web, params.library.as_deref()).await?;
    let body = html! {
        h1 { "Problems" }
        form.filters method="get" action="/problems" {
            (layout::library_select(&state, params.library.as_deref()))
            button type="submit" { "Show" }
        }
        (failed_section(&ctx, &failed, failed_total))
        (missing_section(&ctx, &missing, missing_total))
        (transcode_section(&figures.report, params.library.as_deref()))
    };
    Ok(html(layout::page("Problems", Nav::Problems, &ctx, body)))
}

/// Retries one failed file: a scan of its folder that probes failed files again.
pub(crate) async fn retry(State(state): State<AppState>, WebPath(id): WebPath<MediaId>) -> PageResult {
    let record = state.app.catalog().get(id).await.map_err(crate::api::ApiError::catalog)?;
    let record = record.ok_or_else(|| WebError::not_found(format!("no media with id {id}")))?;
    let library = record.library.as_deref().ok_or_else(|| {
        WebError::bad_request(
            "this file was catalogued by a folder scan, not a library's: rescan that folder",
        )
    })?;
    let folder = record.path.parent().map(Path::to_path_buf);
    let flags = ScanFlags { retry_failed: true, ..ScanFlags::default() };
    super::libraries::start(&state, library, flags, folder).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct GroupForm {
    library: String,
    kind: String,
}

/// The deepest folder holding every one of `paths`.
fn common_folder(paths: &[&Path]) -> Option<PathBuf> {
    let mut common = paths.first()?.parent()?.to_path_buf();
    for path in &paths[1..] {
        while !path.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

/// Retries the failed files of one kind in a library: a scan, probing failed files again, of the
/// deepest folder that holds them all.
pub(crate) async fn retry_group(
    State(state): State<AppState>,
    WebForm(form): WebForm<GroupForm>,
) -> PageResult {
    if form.kind.chars().count() > 200 {
        return Err(WebError::bad_request("kind is at most 200 characters"));
    }
    let library = Some(form.library.clone());
    let (failed, _) = records(&state, &library, MediaStatus::Failed).await?;
    let paths: Vec<&Path> = failed
        .iter()
        .filter(|r| error_kind(r.error.as_deref()) == form.kind)
        .map(|r| r.path.as_path())
        .collect();
    let root = state.app.libraries().get(&form.library).map(|l| l.root.clone());
    let folder = common_folder(&paths).filter(|f| root.as_ref().is_some_and(|root| f.starts_with(root)));
    let flags = ScanFlags { retry_failed: true, ..ScanFlags::default() };
    super::libraries::start(&state, &form.library, flags, folder).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_group_by_their_head() {
        assert_eq!(error_kind(Some("ffprobe failed: invalid data")), "ffprobe failed");
        assert_eq!(error_kind(Some("  ")), "unknown error");
        assert_eq!(error_kind(None), "unknown error");
    }

    #[test]
    fn the_common_folder_holds_every_path() {
        let a = Path::new("/m/Show/S1/a.mkv");
        let b = Path::new("/m/Show/S2/b.mkv");
        assert_eq!(common_folder(&[a, b]), Some(PathBuf::from("/m/Show")));
        assert_eq!(common_folder(&[a]), Some(PathBuf::from("/m/Show/S1")));
        assert_eq!(common_folder(&[]), None);
    }
}
