//! `mediascan cancel <ID>` and `mediascan forget <ID>`: a scan, wherever it runs, through the
//! catalog (the same as `POST /api/v1/scans/{id}/cancel` and `DELETE /api/v1/scans/{id}`).

use std::process::ExitCode;

use clap::Args;

use scanner_core::{CancelScanError, DeleteScanError, ScanId};

use super::DbArgs;
use crate::Mediascan;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct ScanIdArgs {
    /// The scan's id (see `mediascan scans`).
    #[arg(value_name = "SCAN_ID", value_parser = |s: &str| s.parse::<ScanId>().map_err(|e| e.to_string()))]
    pub id: ScanId,

    #[command(flatten)]
    pub db: DbArgs,
}

/// Asks the scan to stop; the node running it stops it within a second or so.
pub async fn cancel(args: ScanIdArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let app = Mediascan::open(args.db.settings(config)?).await?;
    let result = app.scanner().cancel(args.id).await;
    app.shutdown().await;
    match result {
        Ok(()) => {
            eprintln!("mediascan: cancel requested for scan {}", args.id);
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (CancelScanError::NotFound(_) | CancelScanError::NotRunning { .. })) => {
            anyhow::bail!("{e}")
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes a finished scan from the history.
pub async fn forget(args: ScanIdArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let app = Mediascan::open(args.db.settings(config)?).await?;
    let result = app.scanner().delete(args.id).await;
    app.shutdown().await;
    match result {
        Ok(()) => {
            eprintln!("mediascan: scan {} removed from the history", args.id);
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (DeleteScanError::NotFound(_) | DeleteScanError::Running(_))) => anyhow::bail!("{e}"),
        Err(e) => Err(e.into()),
    }
}
