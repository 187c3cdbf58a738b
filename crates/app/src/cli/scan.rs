//! `mediascan scan DIR`: a scan in the foreground.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use scanner_core::{ScanOptions, ScanPhase, ScanProgress, ScanRequest, ScanStatus, StartScanError};

use super::{DbArgs, INTERRUPTED, Interrupt, output};
use crate::config::Config;
use crate::{LibraryScanError, Mediascan, ScanFlags, bounds, logging};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["dir", "library"])))]
pub struct ScanArgs {
    /// The folder to scan.
    pub dir: Option<PathBuf>,

    /// A configured library to scan instead of a folder (see `mediascan libraries`).
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,

    #[command(flatten)]
    pub db: DbArgs,

    /// Print the final progress as one JSON object on stdout instead of a summary.
    #[arg(long)]
    pub json: bool,

    /// Files probed at once, 1–256 [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = |s: &str| bounds::CONCURRENCY.parse(s))]
    pub concurrency: Option<u64>,

    /// The ffprobe program to run [default: ffprobe, or the configuration's].
    #[arg(long, env = "MEDIASCAN_FFPROBE", value_name = "PATH")]
    pub ffprobe: Option<PathBuf>,

    /// How files are read: `auto` reads MP4/MOV/MKV headers itself and asks ffprobe only about
    /// files it is unsure of; `ffprobe` runs ffprobe for every file; `native` never runs
    /// ffprobe (for machines without FFmpeg) [default: auto, or the configuration's].
    #[arg(long, env = "MEDIASCAN_PROBE", value_name = "MODE")]
    pub probe: Option<crate::settings::ProbeMode>,

    /// Seconds one probe may take before ffprobe is killed and the file recorded as failed,
    /// 0.1–86400 [default: 30, or the configuration's].
    #[arg(long, value_name = "SECS", value_parser = |s: &str| bounds::PROBE_TIMEOUT.parse_duration(s))]
    pub probe_timeout: Option<Duration>,

    /// Follow symbolic links, also those leading out of the folder (each folder is still read
    /// only once). By default no link is followed.
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Scan hidden files and folders (`.name`) and NAS/OS system folders (`@eaDir`, `#recycle`,
    /// `$RECYCLE.BIN` …), which are skipped by default.
    #[arg(long)]
    pub include_hidden: bool,

    /// Do not scan paths matching PATTERN (gitignore syntax, relative to the folder scanned);
    /// repeatable. `.mediascanignore` and `.ignore` files in any folder are honoured too.
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,

    /// Probe every file, not only new and changed ones.
    #[arg(long)]
    pub force: bool,

    /// Probe again files whose earlier probe failed, even if unchanged.
    #[arg(long)]
    pub retry_failed: bool,

    /// Delete the catalog rows of files found missing (otherwise they are kept, marked missing).
    #[arg(long)]
    pub prune: bool,
}

pub async fn run(args: ScanArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let mut settings = args.db.settings(config)?;
    if let Some(program) = &args.ffprobe {
        settings.ffprobe.program = program.clone();
    }
    if let Some(timeout) = args.probe_timeout {
        settings.ffprobe.timeout = timeout;
    }
    if let Some(mode) = args.probe {
        settings.probe = mode;
    }
    if let Some(name) = &args.library {
        config.library(name)?;
    }
    fs_jwalk::check_patterns(&args.ignore).map_err(anyhow::Error::msg)?;
    if let Some(n) = args.concurrency {
        settings.scanner.probe_concurrency = usize::try_from(n)?;
    }
    // Listen before doing anything, so that an early Ctrl-C is a clean exit too.
    let mut interrupt = Interrupt::install();
    let app = tokio::select! {
        app = Mediascan::open(settings) => app?,
        _ = interrupt.recv() => return Ok(ExitCode::from(INTERRUPTED)),
    };
    let result = scan(&app, &args, &mut interrupt).await;
    app.shutdown().await;
    result
}

async fn scan(app: &Mediascan, args: &ScanArgs, interrupt: &mut Interrupt) -> anyhow::Result<ExitCode> {
    let target = match (&args.library, &args.dir) {
        (Some(name), _) => format!("library {name}"),
        (None, Some(dir)) => dir.display().to_string(),
        (None, None) => unreachable!("clap requires a folder or --library"),
    };
    let flags = ScanFlags {
        force: args.force,
        prune: args.prune,
        retry_failed: args.retry_failed,
        follow_symlinks: args.follow_symlinks,
        include_hidden: args.include_hidden,
        ignore: args.ignore.clone(),
    };
    let start = async {
        match (&args.library, &args.dir) {
            (Some(name), _) => app.scan_library(name, flags).await.map_err(|e| match e {
                LibraryScanError::Start(StartScanError::Root(e)) => anyhow::Error::new(e),
                other => anyhow::Error::new(other).context(format!("cannot scan {target}")),
            }),
            (None, Some(dir)) => {
                // A folder outside the libraries: every profile, `compatibility` in `browser`.
                let mut options =
                    ScanOptions { profiles: app.settings().profiles.clone(), ..ScanOptions::default() };
                flags.apply(&mut options);
                let request = ScanRequest { options, ..ScanRequest::new(dir.clone()) };
                app.scanner().start(request).await.map_err(|e| match e {
                    StartScanError::Root(e) => anyhow::Error::new(e),
                    other => anyhow::Error::new(other).context(format!("cannot scan {target}")),
                })
            }
            (None, None) => unreachable!("clap requires a folder or --library"),
        }
    };
    let id = tokio::select! {
        started = start => started?,
        _ = interrupt.recv() => return Ok(ExitCode::from(INTERRUPTED)),
    };

    let bar = std::io::stderr().is_terminal().then(progress_bar);
    if let Some(bar) = &bar {
        logging::attach_progress(bar);
    }
    let interrupted = follow(app, id, bar.as_ref(), interrupt).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
        logging::detach_progress();
    }
    let done = app.scanner().wait(id).await.context("the scan vanished")?;

    if args.json {
        println!("{}", serde_json::to_string(&done)?);
    } else {
        output::print_summary(&done, &app.settings().database_url_for_display());
    }
    Ok(match done.status {
        ScanStatus::Completed => ExitCode::SUCCESS,
        ScanStatus::Cancelled if interrupted => ExitCode::from(INTERRUPTED),
        ScanStatus::Failed => {
            eprintln!("mediascan: scan failed: {}", done.error.as_deref().unwrap_or("unknown error"));
            ExitCode::FAILURE
        }
        _ => ExitCode::FAILURE,
    })
}

/// The bar while the number of files is not known yet: counts, no fraction, no ETA.
const GROWING: &str = "{spinner} {elapsed_precise} {wide_msg}";
/// The bar once it is: a fraction of a known total.
const KNOWN: &str = "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} files  {wide_msg}";

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    bar.set_style(style(GROWING));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Follows the scan until it ends, updating `bar`. Ctrl-C or SIGTERM cancel the scan; returns
/// whether that happened.
async fn follow(
    app: &Mediascan,
    id: scanner_core::ScanId,
    bar: Option<&ProgressBar>,
    interrupt: &mut Interrupt,
) -> bool {
    let scanner = app.scanner();
    let wait = scanner.wait(id);
    tokio::pin!(wait);
    let mut interrupted = false;
    loop {
        tokio::select! {
            _ = &mut wait => return interrupted,
            _ = interrupt.recv(), if !interrupted => {
                interrupted = true;
                if let Some(bar) = bar {
                    bar.set_message("cancelling…");
                }
                tracing::warn!("interrupted: cancelling the scan");
                // The scan may have ended on its own meanwhile; nothing else can go wrong.
                let _ = scanner.cancel(id).await;
            }
            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                if let (Some(bar), Ok(progress)) = (bar, scanner.progress(id).await) {
                    update(bar, &progress);
                }
            }
        }
    }
}

/// `1m 05s`, `42s`: a duration for people.
fn human_secs(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// What the bar says beside the numbers: what the scan is doing, its rate and ETA when they
/// mean something, the counts so far, the current file.
fn status_line(progress: &ScanProgress) -> String {
    let current = progress
        .current_file
        .as_deref()
        .and_then(|p| p.file_name())
        .map(|n| output::terminal(&n.to_string_lossy()))
        .unwrap_or_default();
    let doing = match (progress.phase, progress.expected_files) {
        (ScanPhase::Walking, None) => {
            format!("finding files: {} found so far, {} done", progress.total_files, progress.processed)
        }
        (ScanPhase::Walking, Some(_)) => "finding and probing files".to_owned(),
        (phase, _) => phase.to_string(),
    };
    let rate = format!("{:.1} files/s", progress.files_per_sec);
    let eta = progress.eta_secs.map(|s| format!(", ETA {}", human_secs(s))).unwrap_or_default();
    format!(
        "{doing}, {rate}{eta}\n  {} new, {} changed, {} unchanged, {} moved, {} failed  {current}",
        progress.new_files,
        progress.changed_files,
        progress.unchanged_files,
        progress.moved_files,
        progress.failed
    )
}

fn update(bar: &ProgressBar, progress: &ScanProgress) {
    match progress.expected_files {
        Some(total) => {
            if bar.length().is_none() {
                bar.set_style(style(KNOWN));
            }
            bar.set_length(total);
            bar.set_position(progress.processed);
        }
        None => bar.set_position(progress.processed),
    }
    bar.set_message(status_line(progress));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human_secs(5.4), "5s");
        assert_eq!(human_secs(65.0), "1m 05s");
        assert_eq!(human_secs(3725.0), "1h 02m");
        assert_eq!(human_secs(-3.0), "0s");
    }
}
