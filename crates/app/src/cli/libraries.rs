//! `mediascan libraries`: the configured libraries, and how each is kept current — the health
//! its watcher (on whichever node watches it) published in the catalog.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;
use scanner_core::watch::{WatchHealth, WatchState, WatchingMode};

use super::DbArgs;
use super::output::Table;
use crate::CatalogReader;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct LibrariesArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// What the catalog says about the watchers, by library; `None` when it cannot be read (the
/// libraries are listed anyway, from the configuration).
async fn published(args: &LibrariesArgs, config: &Config) -> Option<BTreeMap<String, WatchHealth>> {
    let read = async {
        let catalog = CatalogReader::open(&args.db.settings(config)?).await?;
        let health = catalog.watch_health().await;
        catalog.close().await;
        anyhow::Ok(health?)
    };
    match read.await {
        Ok(published) => Some(published.into_iter().map(|p| (p.library, p.health)).collect()),
        Err(e) => {
            eprintln!("mediascan: watcher health unknown: {e:#}");
            None
        }
    }
}

/// `events ok on host:42`, `poll degraded: <why>`, `not watched`.
fn describe(health: Option<&WatchHealth>) -> String {
    let Some(health) = health.filter(|h| h.mode != WatchingMode::Off || h.state != WatchState::Ok) else {
        return "not watched".to_owned();
    };
    let mut text = format!("{} {}", health.mode.as_str(), health.state.as_str());
    if let Some(node) = &health.node {
        text.push_str(&format!(" on {node}"));
    }
    if let Some(warning) = &health.warning {
        text.push_str(&format!(": {warning}"));
    }
    text
}

pub async fn run(args: LibrariesArgs, config: &Config) -> anyhow::Result<ExitCode> {
    if config.libraries.is_empty() {
        let mut out = io::stdout().lock();
        match &config.path {
            Some(path) => writeln!(out, "No libraries in {}.", path.display())?,
            None => writeln!(out, "No configuration file found; see --config and docs/configuration.md.")?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let health = published(&args, config).await;
    let mut out = io::stdout().lock();
    if args.json {
        for library in config.libraries.values() {
            let mut value = serde_json::to_value(library)?;
            let watch =
                health.as_ref().map(|h| h.get(&library.name).cloned().unwrap_or_else(WatchHealth::off));
            value["watch"] = serde_json::to_value(watch)?;
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(["NAME", "ROOT", "PROFILE", "WATCH", "NEXT SCAN"]);
    for library in config.libraries.values() {
        let watched = health.as_ref().and_then(|h| h.get(&library.name));
        table.row([
            library.name.clone(),
            library.root.display().to_string(),
            library.profile.clone(),
            if health.is_some() { describe(watched) } else { "unknown".to_owned() },
            watched
                .and_then(|h| h.next_scan_at)
                .map_or_else(|| "-".to_owned(), |at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        ]);
    }
    table.write(&mut out)?;
    Ok(ExitCode::SUCCESS)
}
