//! `mediascan watch`: the libraries' watchers in the foreground, until SIGINT or SIGTERM.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use scanner_core::watch::WatchMode;

use super::{DbArgs, INTERRUPTED, Interrupt, UsageError};
use crate::Mediascan;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// A configured library to watch (repeatable) [default: every library not configured `off`].
    #[arg(long, value_name = "NAME")]
    pub library: Vec<String>,

    /// How to watch, whatever the configuration says.
    #[arg(long, value_enum, value_name = "MODE")]
    pub mode: Option<Mode>,
}

/// `--mode`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Mode {
    /// File-system events, or polling on network file systems.
    Auto,
    /// File-system events (polling when they fail).
    Events,
    /// A rescan every `poll_interval_secs`.
    Poll,
}

/// How often the health of the watchers is checked for changes worth a line on stderr.
const REPORT_EVERY: Duration = Duration::from_secs(1);

pub async fn run(args: WatchArgs, config: &Config) -> anyhow::Result<ExitCode> {
    if config.libraries.is_empty() {
        return Err(UsageError(format!("no libraries to watch in {}", config.path_display())).into());
    }
    for name in &args.library {
        config.library(name)?;
    }
    let mode = args.mode.map(|m| match m {
        Mode::Auto => WatchMode::Auto,
        Mode::Events => WatchMode::Events,
        Mode::Poll => WatchMode::Poll,
    });
    let mut interrupt = Interrupt::install();
    let settings = args.db.settings(config)?;
    let app = tokio::select! {
        app = Mediascan::open(settings) => app?,
        _ = interrupt.recv() => return Ok(ExitCode::from(INTERRUPTED)),
    };
    let watched = match app.start_watching(&args.library, mode, false) {
        Ok(watched) if !watched.is_empty() => watched,
        Ok(_) => {
            app.shutdown().await;
            anyhow::bail!(
                "every library is configured with watch = \"off\"; name one with --library and --mode"
            );
        }
        Err(e) => {
            app.shutdown().await;
            return Err(e);
        }
    };
    // One line whenever a watcher's mode, state or warning changes: what scripts and people
    // follow (and the tests wait for).
    let mut shown = vec![None; watched.len()];
    loop {
        for (name, shown) in watched.iter().zip(shown.iter_mut()) {
            let health = app.watch_health(name);
            let now = (health.mode, health.state, health.warning.clone());
            let worth = health.mode != scanner_core::watch::WatchingMode::Off
                || health.state != scanner_core::watch::WatchState::Ok;
            if worth && shown.as_ref() != Some(&now) {
                let warning = health.warning.map(|w| format!(": {w}")).unwrap_or_default();
                eprintln!("mediascan: {name}: {} {}{warning}", health.mode.as_str(), health.state.as_str());
                *shown = Some(now);
            }
        }
        tokio::select! {
            _ = interrupt.recv() => break,
            () = tokio::time::sleep(REPORT_EVERY) => {}
        }
    }
    app.shutdown().await;
    eprintln!("mediascan: stopped");
    Ok(ExitCode::SUCCESS)
}
