//! The `mediascan` command line.
//!
//! Every error ends as one line on stderr (`mediascan: …`, the whole cause chain) and a
//! non-zero exit status: 1 for errors, 2 for usage mistakes, 130 when interrupted.

// The command line is the one place where printing is the job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cancel;
mod edit;
mod item_edit;
mod items;
mod libraries;
mod media;
mod migrate;
mod output;
mod parse;
mod report;
mod scan;
mod scans;
mod serve;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::logging::{self, LogFormat};
use crate::settings::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "mediascan",
    version,
    about = "Scans folders of videos into a catalog: streams, names, compatibility."
)]
pub struct Cli {
    /// How log lines on stderr look. The level comes from MEDIASCAN_LOG (default: warn).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,

    /// Configuration file [default: ~/.config/mediascan/config.toml, if it exists].
    #[arg(long, global = true, env = "MEDIASCAN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a folder or a configured library into the catalog, showing progress; Ctrl-C cancels.
    Scan(scan::ScanArgs),
    /// List the catalog, optionally filtered.
    Media(media::MediaArgs),
    /// List films and episodes with their versions, parts and extras.
    Items(items::ItemsArgs),
    /// The library at a glance: files and hours by container, codec, resolution, dynamic range
    /// and audio, and what each client profile needs to play them.
    Report(report::ReportArgs),
    /// Set or remove overrides of what a file's name says (show, season, episodes, title, year,
    /// kind); rescans, re-probes and moves keep them.
    Edit(edit::EditArgs),
    /// Who changed a file's overrides, when, from what to what.
    History(edit::HistoryArgs),
    /// List recent scans (of every node sharing the catalog).
    Scans(scans::ScansArgs),
    /// Cancel a running scan, on whichever node runs it.
    Cancel(cancel::ScanIdArgs),
    /// Remove a finished scan from the history.
    Forget(cancel::ScanIdArgs),
    /// List the configured libraries.
    Libraries(libraries::LibrariesArgs),
    /// Run the HTTP API (and watch the configured libraries).
    Serve(serve::ServeArgs),
    /// Keep libraries current in the foreground: watch them for changes and scan what changed;
    /// Ctrl-C stops.
    Watch(watch::WatchArgs),
    /// Show what the filename parser reads from paths (show, season, episodes, movie, year …).
    Parse(parse::ParseArgs),
    /// Bring the catalog's schema up to date (scans and the server do it too; listings never
    /// change the catalog and ask for this when it is older than the program).
    Migrate(migrate::MigrateArgs),
}

/// Where the catalog is.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Catalog database: a SQLite file path, sqlite:///path/file.db or postgres://user@host/db.
    /// Default: the configuration's `database`, else ~/.local/share/mediascan/catalog.db.
    #[arg(long, env = "MEDIASCAN_DATABASE_URL", value_name = "URL")]
    pub db: Option<String>,
}

impl DbArgs {
    /// Settings from the configuration, with this `--db` winning.
    pub fn settings(&self, config: &Config) -> anyhow::Result<Settings> {
        Settings::from_config(config, self.db.as_deref())
    }
}

/// A mistake on the command line found after parsing (a value that conflicts with another):
/// exit status 2, like clap's own usage errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Exit status of a run that was interrupted (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// SIGINT (Ctrl-C) and SIGTERM, listened to from the moment of [`Interrupt::install`].
#[derive(Debug)]
pub struct Interrupt {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

impl Interrupt {
    /// Replaces the default "die at once" handling of SIGINT and SIGTERM with a notice that
    /// [`Self::recv`] delivers.
    pub fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for the next interrupt.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = next(&mut self.interrupt) => {}
            _ = next(&mut self.terminate) => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Clap's multi-line usage error as one line: the error, the usage and where help is.
fn usage_error(rendered: &str) -> String {
    // The error runs to the first blank line (a list of missing arguments is indented below it).
    let error: Vec<&str> = rendered.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
    let error = error.join(" ");
    let error = error.strip_prefix("error: ").unwrap_or(&error);
    match rendered.lines().find_map(|l| l.trim().strip_prefix("Usage: ")) {
        Some(usage) => format!("{error} (usage: {usage}; see --help)"),
        None => format!("{error} (see --help)"),
    }
}

/// Parses the arguments, runs the command, and turns its outcome into an exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help and --version
        Err(e) => {
            eprintln!("mediascan: {}", usage_error(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    logging::init(cli.log_format, "warn");
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mediascan: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let config = || Config::load(cli.config.as_deref());
        match cli.command {
            Command::Scan(args) => scan::run(args, &config()?).await,
            Command::Media(args) => media::run(args, &config()?).await,
            Command::Items(args) => items::run(args, &config()?).await,
            Command::Report(args) => report::run(args, &config()?).await,
            Command::Edit(args) => edit::edit(args, &config()?).await,
            Command::History(args) => edit::history(args, &config()?).await,
            Command::Scans(args) => scans::run(args, &config()?).await,
            Command::Cancel(args) => cancel::cancel(args, &config()?).await,
            Command::Forget(args) => cancel::forget(args, &config()?).await,
            Command::Libraries(args) => libraries::run(args, &config()?).await,
            Command::Serve(args) => serve::run(args, &config()?).await,
            Command::Watch(args) => watch::run(args, &config()?).await,
            Command::Parse(args) => parse::run(args).await,
            Command::Migrate(args) => migrate::run(args, &config()?).await,
        }
    });
    match result {
        Ok(code) => code,
        // The reader went away (`mediascan media | head`): nothing more to say to anyone.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            eprintln!("mediascan: {e:#} (see --help)");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("mediascan: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Arguments whose values are text (paths, names, patterns, URLs, tokens): any string is a
    /// value to them. Every other argument takes a number or a choice and must refuse values
    /// out of its range. A new argument must be added here, or be bounded.
    const TEXT_ARGUMENTS: &[&str] = &[
        "config",
        "db",
        "dir",
        "ffprobe",
        "library",
        "ignore",
        "show",
        "path_prefix",
        "search",
        "listen",
        "token",
        "paths",
        "root",
        "profile",
        "codec",
        "title",
        "target",
    ];

    #[test]
    fn every_number_on_the_command_line_is_bounded() {
        let cli = Cli::command();
        let mut checked = 0;
        for sub in cli.get_subcommands() {
            // What makes the subcommand's own required arguments present.
            let required: &[&str] = match sub.get_name() {
                "scan" => &["/m"],
                "parse" => &["x.mkv"],
                "edit" | "history" => &["/m/x.mkv"],
                _ => &[],
            };
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if !arg.get_action().takes_values() || arg.is_positional() || TEXT_ARGUMENTS.contains(&id) {
                    continue;
                }
                let Some(long) = arg.get_long() else { continue };
                for hostile in
                    ["18446744073709551616", "18446744073709551615", "1e20", "-1", "NaN", "inf", ""]
                {
                    let mut argv = vec!["mediascan", sub.get_name()];
                    argv.extend_from_slice(required);
                    let flag = format!("--{long}={hostile}");
                    argv.push(&flag);
                    let parsed = Cli::try_parse_from(&argv);
                    assert!(
                        parsed.is_err(),
                        "{argv:?} was accepted: --{long} must be bounded or listed as text"
                    );
                    let error = parsed.unwrap_err();
                    assert_eq!(error.exit_code(), 2, "{argv:?}");
                }
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} bounded arguments found");
    }

    fn error_for(args: &[&str]) -> String {
        let e = Cli::try_parse_from(args).expect_err("the arguments are wrong");
        usage_error(&e.render().to_string())
    }

    #[test]
    fn usage_errors_are_one_line_with_the_usage() {
        for (args, expected) in [
            (&["mediascan", "scan", "--bogus"][..], "unexpected argument '--bogus' found"),
            (
                &["mediascan", "scan"][..],
                "the following required arguments were not provided: <DIR|--library <NAME>>",
            ),
            (&["mediascan", "frob"][..], "unrecognized subcommand 'frob'"),
            (
                &["mediascan", "scan", "--concurrency", "x", "/m"][..],
                "invalid value 'x' for '--concurrency <N>'",
            ),
        ] {
            let line = error_for(args);
            assert!(!line.contains('\n'), "{line}");
            assert!(line.starts_with(expected), "{line}");
            assert!(line.ends_with("see --help)"), "{line}");
        }
    }
}
