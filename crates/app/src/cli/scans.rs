//! `mediascan scans`: recent scans from the catalog.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;

use scanner_core::ScanStatus;
use scanner_core::ports::ScanQuery;

use super::{DbArgs, output};
use crate::config::Config;
use crate::{CatalogReader, bounds};

#[derive(Debug, Args)]
pub struct ScansArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Only this library's scans.
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,

    /// running, completed, cancelled, failed or interrupted.
    #[arg(long, value_parser = |s: &str| ScanStatus::parse(s).ok_or("use running, completed, cancelled, failed or interrupted"))]
    pub status: Option<ScanStatus>,

    /// At most this many, newest first (1–10000).
    #[arg(long, default_value = "20", value_parser = |s: &str| bounds::SCANS_LIMIT.parse(s))]
    pub limit: u64,
}

pub async fn run(args: ScansArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = CatalogReader::open(&args.db.settings(config)?).await?;
    let query = ScanQuery { library: args.library.clone(), status: args.status, limit: Some(args.limit) };
    let scans = catalog.scans(query).await;
    catalog.close().await;
    let scans = scans?;
    let mut out = io::stdout().lock();
    if args.json {
        for scan in &scans {
            serde_json::to_writer(&mut out, scan)?;
            writeln!(out)?;
        }
    } else {
        output::write_scans(&mut out, &scans)?;
    }
    Ok(ExitCode::SUCCESS)
}
