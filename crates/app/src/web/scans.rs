//! A scan as it runs (`/scans/{id}`, kept live by the script over Server-Sent Events), and the
//! history of scans (`/scans`).

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use scanner_core::{ScanId, ScanProgress, ScanStatus};

use super::layout::{self, Nav, count, duration, when, when_opt};
use super::{Ctx, PageResult, WebError, WebPath, WebQuery, html, see_other};
use crate::api::AppState;
use crate::api::error::{ApiPath, ApiQuery};
use crate::api::scans::ScanParams;

const STATUSES: [ScanStatus; 5] = [
    ScanStatus::Running,
    ScanStatus::Completed,
    ScanStatus::Cancelled,
    ScanStatus::Failed,
    ScanStatus::Interrupted,
];

/// The file count the bar measures against, when it is honest to give one: the final count once
/// the walk is complete, the count expected before then (a first scan counts first), else none
/// (the bar is indeterminate while files are still being found).
pub(crate) fn bar_total(p: &ScanProgress) -> Option<u64> {
    if p.walk_complete || p.status.is_finished() { Some(p.total_files) } else { p.expected_files }
}

/// The words under the bar (`live.js` writes the same).
pub(crate) fn bar_text(p: &ScanProgress) -> String {
    match bar_total(p) {
        None => {
            format!("{} done of {} found so far (still looking)", count(p.processed), count(p.total_files))
        }
        Some(total) => {
            let max = total.max(1);
            let done = p.processed.min(max);
            format!("{} of {} ({} %)", count(p.processed), count(total), 100 * done / max)
        }
    }
}

fn status_class(status: ScanStatus) -> &'static str {
    match status {
        ScanStatus::Running | ScanStatus::Completed => "ok",
        ScanStatus::Failed => "bad",
        _ => "warn",
    }
}

/// The figures of a scan, live while it runs.
fn progress_view(ctx: &Ctx, p: &ScanProgress) -> Markup {
    let running = p.status == ScanStatus::Running;
    let counts: [(&str, &str, u64); 10] = [
        ("processed", "Processed", p.processed),
        ("total_files", "Found", p.total_files),
        ("succeeded", "Succeeded", p.succeeded),
        ("failed", "Failed", p.failed),
        ("new_files", "New", p.new_files),
        ("changed_files", "Changed", p.changed_files),
        ("unchanged_files", "Unchanged", p.unchanged_files),
        ("moved_files", "Moved", p.moved_files),
        ("missing_files", "Missing", p.missing_files),
        ("deferred_files", "Deferred (still being written)", p.deferred_files),
    ];
    html! {
        section #scan data-events=(format!("/scans/{}/events", p.scan_id)) data-status=(p.status.as_str()) {
            dl.facts {
                dt { "Library" } dd { (layout::or_dash(p.library.as_deref())) }
                dt { "Folder" } dd.path { (p.scope.as_ref().unwrap_or(&p.root).display()) }
                dt { "Status" } dd { strong class=(status_class(p.status)) data-field="status" { (p.status.as_str()) } }
                dt { "Phase" } dd data-field="phase" { (p.phase.as_str()) }
                dt { "Started" } dd { (when(p.started_at)) " by " (p.trigger.as_str()) @if let Some(node) = &p.node { " on " (node) } }
                dt { "Ended" } dd data-field="ended" { (when_opt(p.ended_at)) }
            }
            @match bar_total(p) {
                Some(total) => progress aria-labelledby="bar-text" max=(total.max(1)) value=(p.processed.min(total.max(1))) {}
                None => progress aria-labelledby="bar-text" {}
            }
            p #bar-text data-field="bar" aria-live="polite" { (bar_text(p)) }
            dl.facts {
                dt { "Files per second" } dd data-field="files_per_sec" { (format!("{:.1}", p.files_per_sec)) }
                dt { "Time left" } dd data-field="eta" { (p.eta_secs.map_or_else(|| "–".to_owned(), duration)) }
                dt { "Current file" } dd.path data-field="current_file" {
                    (p.current_file.as_ref().map_or_else(|| "–".to_owned(), |f| f.display().to_string()))
                }
            }
            @if let Some(error) = &p.error { p.flash.bad role="alert" { (error) } }
            div.scroll {
                table {
                    caption.muted { "Files" }
                    tbody {
                        @for (field, label, value) in counts {
                            tr { th scope="row" { (label) } td.num data-field=(field) { (count(value)) } }
                        }
                    }
                }
            }
            @if running {
                div.actions data-running-only {
                    (layout::button_form(ctx, &format!("/scans/{}/cancel", p.scan_id), &[], "Cancel scan", "danger"))
                }
            }
            h2 { "Errors (" span data-field="errors-total" { (count(p.errors_total)) } ")" }
            ul.issues data-list="errors" {
                @for issue in &p.errors { li { (issue.path.display()) ": " (issue.message) } }
            }
            h2 { "Warnings (" span data-field="warnings-total" { (count(p.warnings_total)) } ")" }
            ul.issues data-list="warnings" { @for warning in &p.warnings { li { (warning) } } }
        }
    }
}

pub(crate) async fn live(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebPath(id): WebPath<ScanId>,
) -> PageResult {
    let axum::Json(progress) = crate::api::scans::get_scan(State(state), ApiPath(id)).await?;
    let title = format!("Scan of {}", progress.library.as_deref().unwrap_or("a folder"));
    let body = html! {
        h1 { (title) }
        (progress_view(&ctx, &progress))
        p { a href=(format!("/scans{}", layout::query(&[("library", progress.library.as_deref())]))) { "All scans of this library" } }
    };
    Ok(html(layout::page(&title, Nav::Scans, &ctx, body)))
}

/// The API's event stream, behind the dashboard's session (a browser's `EventSource` cannot
/// send a bearer token).
pub(crate) async fn events(
    State(state): State<AppState>,
    WebPath(id): WebPath<ScanId>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let stream = crate::api::scans::scan_events(State(state), ApiPath(id), headers).await?;
    Ok(stream.into_response())
}

pub(crate) async fn cancel(State(state): State<AppState>, WebPath(id): WebPath<ScanId>) -> PageResult {
    match crate::api::scans::cancel_scan(State(state), ApiPath(id)).await {
        // A scan that ended meanwhile: its page says how.
        Ok(_) => Ok(see_other(&format!("/scans/{id}"))),
        Err(e) if e.status == StatusCode::CONFLICT => Ok(see_other(&format!("/scans/{id}"))),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn history(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    WebQuery(params): WebQuery<ScanParams>,
) -> PageResult {
    let (library, status) = (params.library.clone(), params.status);
    let axum::Json(list) = crate::api::scans::list_scans(State(state.clone()), ApiQuery(params)).await?;
    let body = html! {
        h1 { "Scans" }
        form.filters method="get" action="/scans" {
            (layout::library_select(&state, library.as_deref()))
            (layout::select("Status", "status", status.map(ScanStatus::as_str), &layout::options(STATUSES.map(ScanStatus::as_str))))
            button type="submit" { "Filter" }
        }
        @if list.scans.is_empty() { p.muted { "No scans yet." } }
        @else {
            div.scroll {
                table {
                    thead { tr {
                        th { "Started" } th { "Library" } th { "Status" } th.hide-narrow { "Trigger" }
                        th.num { "Took" } th.num { "Files" } th.num { "New" } th.num.hide-narrow { "Changed" }
                        th.num.hide-narrow { "Moved" } th.num { "Missing" } th.num { "Failed" }
                    } }
                    tbody {
                        @for scan in &list.scans {
                            tr {
                                td { a href=(format!("/scans/{}", scan.scan_id)) { (when(scan.started_at)) } }
                                td { (layout::or_dash(scan.library.as_deref())) }
                                td class=(status_class(scan.status)) { (scan.status.as_str()) }
                                td.hide-narrow { (scan.trigger.as_str()) }
                                td.num { (scan.ended_at.map_or_else(|| "–".to_owned(), |end| duration((end - scan.started_at).num_milliseconds() as f64 / 1000.0))) }
                                td.num { (count(scan.total_files)) }
                                td.num { (count(scan.new_files)) }
                                td.num.hide-narrow { (count(scan.changed_files)) }
                                td.num.hide-narrow { (count(scan.moved_files)) }
                                td.num { (count(scan.missing_files)) }
                                td.num { (count(scan.failed)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html(layout::page("Scans", Nav::Scans, &ctx, body)))
}
