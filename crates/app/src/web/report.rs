//! The library at a glance (`/report`): files and hours by video codec, resolution and dynamic
//! range, and each profile's decisions, as inline SVG bar charts with the numbers as tables.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use scanner_core::report::Tally;

use super::layout::{self, Nav, count};
use super::{Ctx, PageResult, Web, WebQuery, html};
use crate::api::AppState;

/// The groupings charted, with their headings.
const CHARTED: [(&str, &str); 5] = [
    ("video_codec", "Video codec"),
    ("resolution", "Resolution"),
    ("hdr", "Dynamic range"),
    ("container", "Container"),
    ("audio_codec", "Audio codec"),
];

const BAR_HEIGHT: u32 = 18;
const LABEL_WIDTH: u32 = 140;
const CHART_WIDTH: u32 = 700;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportParams {
    library: Option<String>,
}

/// Escapes text for SVG (maud escapes HTML, and SVG inline in HTML is HTML).
fn esc(text: &str) -> String {
    maud::html! { (text) }.into_string()
}

/// Two bars per row, files and hours, each scaled to its own largest value.
fn chart(title: &str, rows: &[(String, Tally)]) -> Markup {
    let max_files = rows.iter().map(|(_, t)| t.files).max().unwrap_or(0).max(1) as f64;
    let max_secs = rows.iter().map(|(_, t)| t.secs).fold(0.0, f64::max).max(1.0);
    let span = f64::from(CHART_WIDTH - LABEL_WIDTH - 90);
    let height = (rows.len() as u32) * (2 * BAR_HEIGHT + 8) + 24;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    svg.push_str(&format!(
        r#"<rect class="files" x="{LABEL_WIDTH}" y="4" width="12" height="12"/><text x="{}" y="14">files</text><rect class="hours" x="{}" y="4" width="12" height="12"/><text x="{}" y="14">hours</text>"#,
        LABEL_WIDTH + 16,
        LABEL_WIDTH + 70,
        LABEL_WIDTH + 86
    ));
    for (i, (label, tally)) in rows.iter().enumerate() {
        let y = 24 + i as u32 * (2 * BAR_HEIGHT + 8);
        let files_width = (tally.files as f64 / max_files * span).max(1.0);
        let hours_width = (tally.secs / max_secs * span).max(1.0);
        svg.push_str(&format!(
            r#"<text x="0" y="{}">{}</text><rect class="files" x="{LABEL_WIDTH}" y="{y}" width="{files_width:.1}" height="{BAR_HEIGHT}"/><text x="{:.1}" y="{}">{}</text><rect class="hours" x="{LABEL_WIDTH}" y="{}" width="{hours_width:.1}" height="{BAR_HEIGHT}"/><text x="{:.1}" y="{}">{}</text>"#,
            y + BAR_HEIGHT + 4,
            esc(label),
            f64::from(LABEL_WIDTH) + files_width + 4.0,
            y + 13,
            count(tally.files),
            y + BAR_HEIGHT,
            f64::from(LABEL_WIDTH) + hours_width + 4.0,
            y + BAR_HEIGHT + 13,
            esc(&layout::hours(tally.secs)),
        ));
    }
    svg.push_str("</svg>");
    html! { (PreEscaped(svg)) }
}

fn table(rows: &[(String, Tally)]) -> Markup {
    html! {
        div.scroll { table {
            thead { tr { th { "Value" } th.num { "Files" } th.num { "Size" } th.num { "Hours" } } }
            tbody { @for (label, t) in rows { tr {
                td { (label) } td.num { (count(t.files)) } td.num { (layout::size(t.bytes)) } td.num { (layout::hours(t.secs)) }
            } } }
        } }
    }
}

fn sorted(values: &BTreeMap<String, Tally>) -> Vec<(String, Tally)> {
    let mut rows: Vec<(String, Tally)> = values.iter().map(|(k, v)| (k.replace('_', " "), *v)).collect();
    rows.sort_by(|a, b| b.1.files.cmp(&a.1.files).then_with(|| a.0.cmp(&b.0)));
    rows
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(web): Extension<Arc<Web>>,
    Extension(ctx): Extension<Ctx>,
    WebQuery(params): WebQuery<ReportParams>,
) -> PageResult {
    crate::api::media::library(&state, &params.library)?;
    let figures = super::libraries::figures(&state, &web, params.library.as_deref()).await?;
    let report = &figures.report;
    let body = html! {
        h1 { "Report" }
        form.filters method="get" action="/report" {
            (layout::library_select(&state, params.library.as_deref()))
            button type="submit" { "Show" }
        }
        p {
            (count(report.files)) " probed files, " (layout::size(report.bytes)) ", " (layout::hours(report.secs))
            "; " (count(report.failed)) " failed, " (count(report.missing)) " missing."
        }
        @for (key, heading) in CHARTED {
            @if let Some(values) = report.by.get(key) {
                @let rows = sorted(values);
                section aria-labelledby=(format!("by-{key}")) {
                    h2 id=(format!("by-{key}")) { (heading) }
                    (chart(heading, &rows))
                    (table(&rows))
                }
            }
        }
        h2 { "Playback by profile" }
        @for (profile, p) in &report.profiles {
            @let rows: Vec<(String, Tally)> = scanner_core::Decision::ALL.iter()
                .map(|d| (d.as_str().replace('_', " "), p.decisions.get(d.as_str()).copied().unwrap_or_default())).collect();
            section aria-label=(profile) {
                h3 { (profile) }
                (chart(&format!("Decisions for {profile}"), &rows))
                (table(&rows))
            }
        }
    };
    Ok(html(layout::page("Report", Nav::Report, &ctx, body)))
}
