//! The process's tracing subscriber: events to stderr, filtered by `MEDIASCAN_LOG`
//! (EnvFilter syntax, default `warn`), human-readable on a terminal and JSON on request.
//! While a progress bar is shown, log lines are printed above it instead of through it.

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;

use indicatif::ProgressBar;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How log events are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable, coloured when stderr is a terminal.
    #[default]
    Auto,
    /// Human-readable, never coloured.
    Plain,
    /// One JSON object per line.
    Json,
}

static PROGRESS: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Routes log output around `bar` until [`detach_progress`].
pub fn attach_progress(bar: &ProgressBar) {
    *PROGRESS.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar.clone());
}

pub fn detach_progress() {
    *PROGRESS.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// Stderr, politely stepping around an active progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct StderrAroundProgress;

impl Write for StderrAroundProgress {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let bar = PROGRESS.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match bar {
            Some(bar) => bar.suspend(|| io::stderr().write_all(buf)).map(|()| buf.len()),
            None => io::stderr().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> MakeWriter<'a> for StderrAroundProgress {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

/// Installs the subscriber. `MEDIASCAN_LOG` overrides `default_filter`.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter = EnvFilter::try_from_env("MEDIASCAN_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(StderrAroundProgress);
    let result = match format {
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
        LogFormat::Plain => builder.with_ansi(false).try_init(),
        LogFormat::Auto => builder.with_ansi(io::stderr().is_terminal()).try_init(),
    };
    // A subscriber set earlier (tests, an embedding program) wins.
    drop(result);
}
