//! `mediascan migrate`: brings the catalog's schema up to date, and nothing else.

use std::process::ExitCode;

use clap::Args;

use super::DbArgs;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(args: MigrateArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let settings = args.db.settings(config)?;
    crate::migrate(&settings).await?;
    eprintln!("mediascan: the catalog at {} is up to date", settings.database_url_for_display());
    Ok(ExitCode::SUCCESS)
}
