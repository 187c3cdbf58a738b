//! The first page (`/`): every configured library with its figures, its last and next scan,
//! its watcher, and buttons to scan it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;

use scanner_core::ports::{MediaFilter, ScanQuery};
use scanner_core::report::LibraryReport;
use scanner_core::watch::{WatchHealth, WatchState, WatchingMode};
use scanner_core::{ScanProgress, ScanStatus};

use super::layout::{self, Nav, count, duration, when, when_opt};
use super::{Ctx, PageResult, Web, WebError, WebForm, html, see_other};
use crate::api::AppState;
use crate::{Library, ScanFlags};

/// A library's figures (or the whole catalog's): computing them reads every row, so they are
/// kept until the library's next scan ends (or for [`FIGURES_TTL`], for edits and other nodes'
/// scans); while a scan runs, for [`RUNNING_TTL`].
#[derive(Debug)]
pub(crate) struct Figures {
    pub report: LibraryReport,
    pub items: u64,
}

const FIGURES_TTL: Duration = Duration::from_secs(60);
/// How long figures are kept while a scan of theirs runs (a page shown during a scan of a large
/// library must not read every row each time).
const RUNNING_TTL: Duration = Duration::from_secs(10);

type Cached = (String, Instant, Arc<Figures>);

#[derive(Debug, Default)]
pub(crate) struct FiguresCache {
    by_library: Mutex<HashMap<Option<String>, Cached>>,
    /// Held while figures are computed: requests arriving meanwhile wait and take the result,
    /// rather than reading every row once more each.
    computing: tokio::sync::Mutex<()>,
}

impl FiguresCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, Cached>> {
        self.by_library.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The figures cached under `key`, if younger than `ttl`.
    fn cached(&self, name: &Option<String>, key: &str, ttl: Duration) -> Option<Arc<Figures>> {
        let cache = self.lock();
        let (cached_key, at, figures) = cache.get(name)?;
        (cached_key == key && at.elapsed() < ttl).then(|| figures.clone())
    }
}

/// The figures of `library` (`None`: every library), from the cache when still current.
pub(crate) async fn figures(
    state: &AppState,
    web: &Web,
    library: Option<&str>,
) -> Result<Arc<Figures>, WebError> {
    let catalog_error = crate::api::ApiError::catalog;
    let query = ScanQuery { library: library.map(str::to_owned), status: None, limit: Some(1) };
    let last = state.app.scanner().scans(query).await.map_err(catalog_error)?;
    let (key, ttl) = match last.first() {
        Some(scan) if scan.status == ScanStatus::Running => {
            (format!("{}:running", scan.scan_id), RUNNING_TTL)
        }
        Some(scan) => (format!("{}:{}", scan.scan_id, scan.status.as_str()), FIGURES_TTL),
        None => (String::new(), FIGURES_TTL),
    };
    let name = library.map(str::to_owned);
    if let Some(figures) = web.figures.cached(&name, &key, ttl) {
        return Ok(figures);
    }
    let _computing = web.figures.computing.lock().await;
    if let Some(figures) = web.figures.cached(&name, &key, ttl) {
        return Ok(figures);
    }
    let catalog = state.app.catalog();
    let filter = MediaFilter { library: name.clone(), ..MediaFilter::default() };
    let report = catalog.report(filter.clone()).await.map_err(catalog_error)?;
    let items = catalog.count_items(filter).await.map_err(catalog_error)?;
    let figures = Arc::new(Figures { report, items });
    web.figures.lock().insert(name, (key, Instant::now(), figures.clone()));
    Ok(figures)
}

/// Computes every library's figures in the background, so that the first page shown after the
/// server starts does not wait for them.
pub(crate) fn warm(state: &AppState, web: &Arc<Web>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let (state, web) = (state.clone(), web.clone());
    runtime.spawn(async move {
        let names: Vec<String> = state.app.libraries().keys().cloned().collect();
        for name in names.iter().map(|n| Some(n.as_str())).chain([None]) {
            if let Err(e) = figures(&state, &web, name).await {
                tracing::warn!(library = ?name, error = %e.message, "computing the dashboard's figures failed");
            }
        }
    });
}

fn watcher(health: &WatchHealth, library: &Library) -> Markup {
    let mode = match health.mode {
        WatchingMode::Events => "file-system events",
        WatchingMode::Poll => "polling",
        WatchingMode::Off => "off",
    };
    let (class, word) = match health.state {
        WatchState::Ok => ("ok", "ok"),
        WatchState::Degraded => ("warn", "degraded"),
        WatchState::Paused => ("bad", "paused"),
        WatchState::Standby => ("muted", "standby"),
    };
    let schedule = match (&library.watching.schedule, library.watching.interval_hours) {
        (Some(daily), _) => Some(daily.clone()),
        (None, Some(hours)) => Some(format!("every {hours} h")),
        (None, None) => None,
    };
    html! {
        dt { "Watcher" }
        dd {
            (mode)
            @if health.mode != WatchingMode::Off || health.state != WatchState::Ok { ", " span class=(class) { (word) } }
            @if let Some(node) = &health.node { span.muted { " on " (node) } }
            @if let Some(watches) = health.watches {
                span.muted { " (" (count(watches)) @if let Some(limit) = health.watch_limit { " of " (count(limit)) } " watches)" }
            }
            @if let Some(warning) = &health.warning { br; span.warn role="status" { (warning) } }
        }
        @if health.last_event_at.is_some() { dt { "Last change seen" } dd { (when_opt(health.last_event_at)) } }
        dt { "Next scan" }
        dd {
            (when_opt(health.next_scan_at))
            @if let Some(schedule) = schedule { span.muted { " (scheduled " (schedule) ")" } }
        }
    }
}

fn last_scan(last: Option<&ScanProgress>) -> Markup {
    html! {
        dt { "Last scan" }
        dd {
            @match last {
                None => { "never" }
                Some(scan) => {
                    a href=(format!("/scans/{}", scan.scan_id)) { (scan.status.as_str()) }
                    ", " (when(scan.started_at))
                    @if let Some(end) = scan.ended_at {
                        ", took " (duration((end - scan.started_at).num_milliseconds() as f64 / 1000.0))
                    }
                    br;
                    span.muted {
                        (count(scan.total_files)) " files: " (count(scan.new_files)) " new, "
                        (count(scan.changed_files)) " changed, " (count(scan.moved_files)) " moved, "
                        (count(scan.missing_files)) " missing, " (count(scan.failed)) " failed"
                    }
                }
            }
        }
    }
}

fn card(
    ctx: &Ctx,
    health: &WatchHealth,
    library: &Library,
    figures: &Figures,
    last: Option<&ScanProgress>,
) -> Markup {
    let r = &figures.report;
    let action = format!("/libraries/{}/scan", library.name);
    let running = last.filter(|s| s.status == ScanStatus::Running);
    html! {
        article.card aria-labelledby=(format!("lib-{}", library.name)) {
            h2 id=(format!("lib-{}", library.name)) { (library.name) }
            p.path { (library.root.display()) }
            dl.facts {
                dt { "Files" } dd { (count(r.files + r.failed + r.missing)) " (" (count(figures.items)) " films and episodes)" }
                dt { "Size" } dd { (layout::size(r.bytes)) ", " (layout::hours(r.secs)) }
                dt { "Problems" } dd {
                    a href=(format!("/problems{}", layout::query(&[("library", Some(&library.name))]))) {
                        (count(r.failed)) " failed, " (count(r.missing)) " missing"
                    }
                }
                (last_scan(last))
                (watcher(health, library))
            }
            @if let Some(scan) = running {
                p { strong.ok { "Scanning now: " } a href=(format!("/scans/{}", scan.scan_id)) { "follow the scan" } }
            }
            div.actions {
                (layout::button_form(ctx, &action, &[("mode", "scan")], "Scan", "primary"))
                (layout::button_form(ctx, &action, &[("mode", "force")], "Scan with force", ""))
                (layout::button_form(ctx, &action, &[("mode", "retry")], "Retry failed", ""))
            }
        }
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(web): Extension<Arc<Web>>,
    Extension(ctx): Extension<Ctx>,
) -> PageResult {
    let mut cards = Vec::new();
    // Whichever node watches a library: its health as published in the catalog.
    let health = state.app.libraries_watch_health().await;
    for library in state.app.libraries().values() {
        let query = ScanQuery { library: Some(library.name.clone()), status: None, limit: Some(1) };
        let scans = state.app.scanner().scans(query).await.map_err(crate::api::ApiError::catalog)?;
        let last = scans.first();
        let figures = figures(&state, &web, Some(&library.name)).await?;
        let watch = health.get(&library.name).cloned().unwrap_or_else(WatchHealth::off);
        cards.push(card(&ctx, &watch, library, &figures, last));
    }
    let body = html! {
        h1 { "Libraries" }
        @if cards.is_empty() {
            p { "No library is configured: add a " code { "[libraries.NAME]" } " section with a " code { "root" }
                " to the configuration file, then restart " code { "mediascan serve" } "." }
        }
        div.cards { @for card in cards { (card) } }
    };
    Ok(html(layout::page("Libraries", Nav::Libraries, &ctx, body)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ScanForm {
    /// `scan`, `force`, `retry` or `prune`.
    mode: Option<String>,
}

/// Starts a scan (`mode`: plain, forced, retrying failed files, or pruning missing ones) and
/// shows it running; a library already being scanned shows that scan.
pub(crate) async fn scan(
    State(state): State<AppState>,
    Path(name): Path<String>,
    WebForm(form): WebForm<ScanForm>,
) -> PageResult {
    if !crate::api::valid_library_name(&name) || !state.app.libraries().contains_key(&name) {
        return Err(WebError::not_found(format!("no library named {name:?}")));
    }
    let flags = match form.mode.as_deref().unwrap_or("scan") {
        "scan" => ScanFlags::default(),
        "force" => ScanFlags { force: true, ..ScanFlags::default() },
        "retry" => ScanFlags { retry_failed: true, ..ScanFlags::default() },
        "prune" => ScanFlags { prune: true, ..ScanFlags::default() },
        _ => return Err(WebError::bad_request("mode is one of scan, force, retry and prune")),
    };
    start(&state, &name, flags, None).await
}

/// Starts a scan and redirects to it (or to the scan already holding the library).
pub(crate) async fn start(
    state: &AppState,
    library: &str,
    flags: ScanFlags,
    scope: Option<std::path::PathBuf>,
) -> PageResult {
    match state.app.scan_library_under(library, flags, scope).await {
        Ok(id) => Ok(see_other(&format!("/scans/{id}"))),
        Err(e) => {
            let e = crate::api::scans::start_error(e);
            match e.scan_id {
                Some(running) if e.status == StatusCode::CONFLICT => {
                    Ok(see_other(&format!("/scans/{running}")))
                }
                _ => Err(e.into()),
            }
        }
    }
}
