//! `mediascan media`: the catalog as a table or as JSON Lines.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Args;

use scanner_core::ports::{MediaQuery, MediaRepository};

use super::{DbArgs, output};
use crate::{Mediascan, Settings};

#[derive(Debug, Args)]
pub struct MediaArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// One JSON object per line (JSON Lines) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Records read from the catalog at a time.
const PAGE: u64 = 1_000;

pub async fn run(args: MediaArgs) -> anyhow::Result<ExitCode> {
    let app = Mediascan::open(Settings::with_database(args.db.url()?)).await?;
    let result = list(&app, args.json).await;
    app.shutdown().await;
    result
}

async fn list(app: &Mediascan, json: bool) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut table = output::MediaTable::default();
    let mut after = None;
    loop {
        let page = app.catalog().list(MediaQuery { after_path: after.take(), limit: Some(PAGE) }).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.path.clone());
        for record in &page {
            if json {
                serde_json::to_writer(&mut out, record)?;
                writeln!(out)?;
            } else {
                table.push(record);
            }
        }
        if (page.len() as u64) < PAGE {
            break;
        }
    }
    if !json {
        table.write(&mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
